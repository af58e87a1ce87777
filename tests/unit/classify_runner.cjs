// Runs the extension's real text.js + classify.js in a node vm context (no browser, no build).
// Reads a JSON list of jobs {vocabularies, userTerms, texts: [{own, group, headers, block, heading}],
// answers: [...]} on stdin; prints one {verdicts, answers} per job. Used by tests/unit/test_labels.py.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = path.resolve(__dirname, "..", "..");
const context = vm.createContext({ohneHaken: {}});
context.globalThis = context;
for (const file of ["text.js", "classify.js"]) {
  vm.runInContext(fs.readFileSync(path.join(root, "extension", "content", file), "utf8"), context, {filename: file});
}
const OH = context.ohneHaken;
const jobs = JSON.parse(fs.readFileSync(0, "utf8"));
const results = jobs.map((job) => {
  const classifier = OH.createClassifier(OH.mergeVocabulary(...job.vocabularies));
  classifier.setUserTerms(job.userTerms || []);
  return {
    verdicts: (job.texts || []).map((description) => classifier.classify(description)),
    answers: (job.answers || []).map((answer) => classifier.answer(answer)),
  };
});
process.stdout.write(JSON.stringify(results));
