// Runs the extension's real report.js (its redact) and user-terms.js (check, valid) in a node vm
// context (no browser, no build). Reads {redact: [text], check: [[phrase, kind, existing]],
// valid: [value]} on stdin, prints the results in the same shape. Used by tests/unit/test_report_units.py.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = path.resolve(__dirname, "..", "..");
const context = vm.createContext({ohneHaken: {dom: {}}});
context.globalThis = context;
for (const file of ["report.js", "user-terms.js"]) {
  vm.runInContext(fs.readFileSync(path.join(root, "extension", "content", file), "utf8"), context, {filename: file});
}
const report = context.ohneHaken.report;
const terms = context.ohneHakenUserTerms;
const job = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  redact: (job.redact || []).map((text) => report.redact(text)),
  check: (job.check || []).map(([phrase, kind, existing]) => terms.check(phrase, kind, existing)),
  valid: (job.valid || []).map((value) => terms.valid(value)),
}));
