// Runs the extension's real text.js + classify.js in a node vm context (no browser, no build).
// Reads JSON {vocabulary, texts: [{own, group, headers, block, heading}], answers: [..]} on stdin,
// prints {verdicts, answers}. Used by tests/unit/test_labels.py.
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
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const OH = context.ohneHaken;
const classifier = OH.createClassifier(OH.mergeVocabulary(...input.vocabularies));
classifier.setUserTerms(input.userTerms || []);
const verdicts = (input.texts || []).map((description) => classifier.classify(description));
const answers = (input.answers || []).map((answer) => classifier.answer(answer));
process.stdout.write(JSON.stringify({verdicts, answers}));
