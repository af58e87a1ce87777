/*
 * Classification: consent (protective state: unticked), objection (protective state:
 * ticked) or nothing. Protected words (billing, security, login, contract) always win and
 * leave a control alone; between consent and objection words the earliest one wins, so
 * "Ich widerspreche der Werbung" is an objection and "Ich willige in Werbung ein ... und
 * kann jederzeit widersprechen" a consent (disclaimers are removed first anyway).
 * Decided from the own label first, then the block text, then the section heading.
 * See docs/RULES.md.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createClassifier) return;
  const {text} = OH;

  function createClassifier(vocabulary) {
    const terms = {};
    for (const category of ["consent", "objection", "protected", "disclaimer"]) {
      terms[category] = text.compileTerms(vocabulary[category]);
    }

    /** What one piece of text says: {kind, words}, {protected: true, words} or null. */
    function decide(raw) {
      if (!raw) return null;
      const norm = text.strip(text.normalize(raw), terms.disclaimer);
      const guarded = text.findTerms(norm, terms.protected);
      if (guarded.length) return {protected: true, words: guarded.map((m) => m.term).slice(0, 3)};
      const consent = text.findTerms(norm, terms.consent);
      const objection = text.findTerms(norm, terms.objection);
      if (!consent.length && !objection.length) return null;
      const isObjection = objection.length && (!consent.length || objection[0].index <= consent[0].index);
      const words = (isObjection ? objection : consent).map((m) => m.term);
      return {kind: isObjection ? "objection" : "consent", words: [...new Set(words)].slice(0, 4)};
    }

    /**
     * Classify a described control. Returns {kind: "consent"|"objection"|null, words, source}.
     * A consent label under an objection heading ("Widerspruch: [ ] Werbung per Post") is an
     * objection: there, ticking the box objects.
     */
    function classify(description) {
      const levels = [["label", description.own], ["block", description.block], ["heading", description.heading]];
      for (const [source, content] of levels) {
        const verdict = decide(content);
        if (!verdict) continue;
        if (verdict.protected) return {kind: null, words: verdict.words, source};
        if (verdict.kind === "consent" && source !== "heading") {
          const above = decide(description.heading);
          if (above?.kind === "objection") {
            return {kind: "objection", words: [...above.words, ...verdict.words].slice(0, 4), source: "heading"};
          }
        }
        return {kind: verdict.kind, words: verdict.words, source};
      }
      return {kind: null, words: [], source: null};
    }

    return {classify, decide};
  }

  OH.createClassifier = createClassifier;
})();
