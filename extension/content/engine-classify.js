/*
 * From a question to a record: describe it the way a screen reader announces it
 * (OH.labels.describe: own label, group, table headers, block, section heading), classify the
 * description (OH.createClassifier), and give it a key that survives the page re-rendering
 * its form (kind + label + heading, numbered when repeated).
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createRecorder) return;
  const {text, labels} = OH;

  function createRecorder(vocabulary) {
    const classifier = OH.createClassifier(vocabulary);
    const stateWords = vocabulary.stateWords || [];
    let keyCounts = new Map();

    /** What shapes need from the classifier: the meaning of an answer ("Ja", "Nicht erlaubt" ...). */
    const ctx = {
      answer: (raw) => (typeof classifier.answer === "function" ? classifier.answer(raw) : null),
    };

    function keyFor(kind, label, heading) {
      const base = `${kind}:${text.normalize(`${label} ${heading}`).trim()}`;
      const count = (keyCounts.get(base) || 0) + 1;
      keyCounts.set(base, count);
      return count === 1 ? base : `${base}#${count}`;
    }

    /** Keys are numbered again from the records kept (in their order) before a full rescan. */
    function resetKeys(records) {
      keyCounts = new Map();
      for (const record of records) keyFor(record.kind, record.label, record.context);
    }

    /**
     * A record for a question, or null when it is neither a consent nor an objection.
     * `chains`: anchor chains of every question found (a block holding only this control).
     * `opener`: the summary or disclosure button of the closed section holding it, if any.
     */
    function record(element, adapter, chains, opener) {
      const description = labels.describe(element, chains, stateWords);
      const verdict = classifier.classify(description);
      if (!verdict.kind) return null;
      const label = text.clip(description.own || description.block || description.headers || description.heading, 140);
      const context = description.heading || description.headers || "";
      return {
        element, adapter, shape: adapter.name, kind: verdict.kind, words: verdict.words, source: verdict.source,
        label, heading: text.clip(description.heading || "", 80), opener: opener || null,
        visual: opener || description.visual, context, key: keyFor(verdict.kind, label, context),
      };
    }

    /** The user's own words (issue 16), for every record from now on. */
    const setUserTerms = (terms) => classifier.setUserTerms?.(terms);

    return {record, resetKeys, keyFor, ctx, setUserTerms};
  }

  OH.createRecorder = createRecorder;
})();
