// Runs the extension's real text.js in a node vm context: for every list given and every text,
// the terms found by a list asked for the first time (term by term) and by the same list once it
// is indexed (asked more often than text.js's INDEX_AFTER) must be the same, in the same order.
// Reads {lists: [[term, ...], ...], texts: [raw, ...]} on stdin; prints {asked, differences}.
// Used by tests/unit/test_labels.py.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = path.resolve(__dirname, "..", "..");
const context = vm.createContext({ohneHaken: {}});
context.globalThis = context;
vm.runInContext(fs.readFileSync(path.join(root, "extension", "content", "text.js"), "utf8"), context, {filename: "text.js"});
const {text} = context.ohneHaken;
const {lists, texts} = JSON.parse(fs.readFileSync(0, "utf8"));
const norms = texts.map((raw) => text.normalize(raw));
const WARM = 1000; // more than any INDEX_AFTER text.js may choose
let asked = 0;
const differences = [];
for (const list of lists) {
  const indexed = text.compileTerms([...list]); // a copy: a list of its own, asked and indexed here
  for (let i = 0; i < WARM; i++) text.hasTerms(" ", indexed);
  for (const norm of norms) {
    const fresh = text.compileTerms([...list]); // asked once: term by term
    const want = JSON.stringify(text.findTerms(norm, fresh));
    const got = JSON.stringify(text.findTerms(norm, indexed));
    const any = text.hasTerms(norm, indexed);
    asked++;
    if (want !== got || any !== (want !== "[]")) differences.push({list: list.slice(0, 3), text: norm, want, got, any});
  }
}
process.stdout.write(JSON.stringify({asked, differences: differences.slice(0, 5), count: differences.length}));
