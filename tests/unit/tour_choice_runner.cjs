// Runs the walkthrough's pure step choice (extension/content/tour-page.js: chooseStep) in a node vm
// context (no browser, no build). Reads a JSON list of jobs {flow, matches: [[step id, strength]],
// current: step id, manual, held: step id, currentHinted, sameFlow} on stdin; prints the chosen step
// id per job. Used by tests/unit/test_tour_choice.py.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = path.resolve(__dirname, "..", "..");
const context = vm.createContext({ohneHaken: {dom: {}}});
context.globalThis = context;
for (const file of ["text.js", "tour-page.js"]) {
  vm.runInContext(fs.readFileSync(path.join(root, "extension", "content", file), "utf8"), context, {filename: file});
}
const {chooseStep} = context.ohneHaken.tourPage;
const flows = Object.fromEntries(fs.readdirSync(path.join(root, "rules", "flows"))
  .map((name) => JSON.parse(fs.readFileSync(path.join(root, "rules", "flows", name), "utf8")))
  .map((flow) => [flow.name, flow]));
const jobs = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(jobs.map((job) => {
  const flow = flows[job.flow];
  const index = (id) => (id === null ? -1 : flow.steps.findIndex((step) => step.id === id));
  const next = chooseStep({
    flow, matches: job.matches.map(([id, strength]) => ({index: index(id), strength})),
    current: index(job.current), manual: Boolean(job.manual), held: index(job.held ?? job.current),
    currentHinted: Boolean(job.currentHinted), sameFlow: job.sameFlow !== false,
  });
  return flow.steps[next].id;
})));
