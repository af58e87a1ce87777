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
  const compiledTerms = new Map(); // a term -> its compiled form
  const compiledLists = new WeakMap(); // a list of the vocabulary -> its compiled terms (frozen): compiled once per page
  function compileTerms(terms = []) {
    if (compiledLists.has(terms)) return compiledLists.get(terms);
    const compiled = Object.freeze(terms.map((term) => {
      if (compiledTerms.has(term)) return compiledTerms.get(term); // a term in several lists: normalised once
      const inWord = term.startsWith("*");
      const whole = term.endsWith("$");
      const bare = term.slice(inWord ? 1 : 0, whole ? -1 : undefined);
      const needle = normalize(bare).trim();
      const entry = Object.freeze({term: bare, needle: `${inWord ? "" : " "}${needle}${whole ? " " : ""}`});
      compiledTerms.set(term, entry);
      return entry;
    }));
    compiledLists.set(terms, compiled);
    return compiled;
  }

  /*
   * A list's terms indexed by how they start: a term that starts a word (" werb") is looked for
   * only where a word of the text starts with the same two letters, the others (in a word, or too
   * short) with indexOf. The same answer as asking every term, for a small part of the cost: most
   * lists find nothing in most texts, and the vocabulary's lists are asked some ten times per text.
   */
  const KEY_LENGTH = 3; // the space before a word and its first two letters
  const SMALL_LIST = 8; // asked term by term
  const termIndexes = new WeakMap(); // a compiled list -> {starts: Map(key -> [position in list]), rest: [position]}
  // A list is indexed once it has been asked this often: building an index costs more than the
  // few questions of a page with one form (most pages), and pays off on a table of many rows.
  const INDEX_AFTER = 48;
  const asked = new WeakMap(); // a compiled list not indexed yet -> how often it was asked
  function indexed(compiled) {
    if (termIndexes.has(compiled)) return true;
    const count = (asked.get(compiled) || 0) + 1;
    asked.set(compiled, count);
    return count > INDEX_AFTER;
  }
  function termIndex(compiled) {
    let index = termIndexes.get(compiled);
    if (!index) {
      index = {starts: new Map(), rest: []};
      compiled.forEach(({needle}, position) => {
        if (needle[0] === " " && needle.length >= KEY_LENGTH && !needle.slice(1, KEY_LENGTH).includes(" ")) {
          const key = needle.slice(0, KEY_LENGTH);
          if (!index.starts.has(key)) index.starts.set(key, []);
          index.starts.get(key).push(position);
        } else {
          index.rest.push(position);
        }
      });
      termIndexes.set(compiled, index);
    }
    return index;
  }

  /**
   * hit(position in list, index in text) for each term the text holds: the others first, then
   * the word-start ones in text order (a term may come again where it starts another word). Stops
   * as soon as hit returns true.
   */
  function eachHit(norm, compiled, hit) {
    if (compiled.length < SMALL_LIST || !indexed(compiled)) {
      return compiled.some(({needle}, position) => {
        const index = norm.indexOf(needle);
        return index !== -1 && hit(position, index);
      });
    }
    const {starts, rest} = termIndex(compiled);
    for (const position of rest) {
      const index = norm.indexOf(compiled[position].needle);
      if (index !== -1 && hit(position, index)) return true;
    }
    for (let at = norm.indexOf(" "); at !== -1 && at < norm.length - 1; at = norm.indexOf(" ", at + 1)) {
      for (const position of starts.get(norm.slice(at, at + KEY_LENGTH)) || []) {
        if (norm.startsWith(compiled[position].needle, at) && hit(position, at)) return true;
      }
    }
    return false;
  }

  /** Every term found in normalised text, with its position, earliest first (in list order where
   *  two start at the same place). `compiled` must not change once asked (compileTerms freezes). */
  function findTerms(norm, compiled) {
    const first = new Map(); // position in list -> first index
    eachHit(norm, compiled, (position, index) => {
      if (!first.has(position)) first.set(position, index);
    });
    return [...first].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([position, index]) => ({term: compiled[position].term, index}));
  }

  /** Does the text hold any of the terms? (findTerms' search, ended at the first.) */
  function hasTerms(norm, compiled) {
    return eachHit(norm, compiled, () => true);
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

  OH.text = {normalize, compileTerms, findTerms, hasTerms, findTermsAll, nameIndex, matchesName, clip};
})();
