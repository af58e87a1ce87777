/*
 * Text helpers: normalise page text and match the rule vocabulary against it.
 * Normalised text is lower case, umlauts folded (ä -> ae, ß -> ss), accents removed,
 * every run of non-letters turned into one space, padded with a space on both sides,
 * so " werb" finds a word that starts with "werb".
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.text) return;

  const FOLD = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"};
  const MAX_TEXT = 4000; // longer labels are cut: classification needs the beginning only

  // Folding and decomposing touch only text with a non-ASCII letter: most text skips both (the
  // vocabulary's 600 terms are normalised on every page, so this is most of the engine's start).
  const NON_ASCII = /[^ -~\t\n\r]/; // anything but printable ASCII and white space

  function normalize(raw) {
    let text = String(raw ?? "").slice(0, MAX_TEXT).toLowerCase();
    if (NON_ASCII.test(text)) {
      text = text.replace(/[äöüß]/g, (c) => FOLD[c]);
      if (NON_ASCII.test(text)) text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return ` ${text.replace(/[^a-z0-9]+/g, " ").trim()} `;
  }

  /**
   * Compile rule terms: "werb" matches at a word start, "*einwillig" anywhere in a word,
   * "no$" only as a whole word ("No", "no thanks", not "notify").
   */
  const compiledLists = new WeakMap(); // a list of the vocabulary -> its compiled terms (frozen): compiled once per page
  function compileTerms(terms = []) {
    if (compiledLists.has(terms)) return compiledLists.get(terms);
    const compiled = Object.freeze(terms.map((term) => {
      const inWord = term.startsWith("*");
      const whole = term.endsWith("$");
      const bare = term.slice(inWord ? 1 : 0, whole ? -1 : undefined);
      const needle = normalize(bare).trim();
      return {term: bare, needle: `${inWord ? "" : " "}${needle}${whole ? " " : ""}`};
    }));
    compiledLists.set(terms, compiled);
    return compiled;
  }

  /** Every term found in normalised text, with its position, earliest first. */
  function findTerms(norm, compiled) {
    const found = [];
    for (const {term, needle} of compiled) {
      const index = norm.indexOf(needle);
      if (index !== -1) found.push({term, index});
    }
    return found.sort((a, b) => a.index - b.index);
  }

  /** Every occurrence of every term, earliest first. */
  function findTermsAll(norm, compiled) {
    const found = [];
    for (const {term, needle} of compiled) {
      for (let index = norm.indexOf(needle); index !== -1; index = norm.indexOf(needle, index + 1)) found.push({term, index});
    }
    return found.sort((a, b) => a.index - b.index);
  }

  /** Index of the first of `names` that the text matches (whole, or followed by more words); -1 if none. */
  const normalizedLists = new WeakMap(); // a list of names -> the names normalised
  function nameIndex(raw, names) {
    const norm = normalize(raw).trim();
    if (!norm) return -1;
    let wanted = normalizedLists.get(names);
    if (!wanted) {
      wanted = names.map((name) => normalize(name).trim());
      normalizedLists.set(names, wanted);
    }
    return wanted.findIndex((want) => norm === want || norm.startsWith(`${want} `));
  }

  function matchesName(raw, names) {
    return nameIndex(raw, names) >= 0;
  }

  function clip(raw, max = 160) {
    const text = String(raw ?? "").replace(/\s+/g, " ").trim();
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  OH.text = {normalize, compileTerms, findTerms, findTermsAll, nameIndex, matchesName, clip};
})();
