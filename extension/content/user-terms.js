/*
 * The user's own words ("Eigene Begriffe", issue 16): phrases a user adds in the toolbar popup
 * as consent, objection or never-touch. Stored in storage.local under KEY as [{phrase, kind}];
 * the content scripts give them to the classifier at once (also on pages already open) and the
 * page report lists them. Shared by the popup (popup/own-words.js) and the content scripts, so
 * both validate alike: a stored list is used only as far as every entry passes `check`.
 */
"use strict";

(function () {
  if (globalThis.ohneHakenUserTerms) return;

  const KEY = "userTerms";
  const KINDS = ["consent", "objection", "protected"];
  const MIN_LENGTH = 3;
  const MAX_LENGTH = 60;
  const MAX_TERMS = 50;
  const MARKUP = /[<>{}`]|&[#a-z0-9]+;|\b(?:javascript|data):/i;

  const tidy = (phrase) => String(phrase ?? "").replace(/\s+/g, " ").trim();
  const same = (a, b) => tidy(a).toLowerCase() === tidy(b).toLowerCase();

  /** Is this a phrase the user may add next to `existing`? {ok: true, term} or {ok: false, error}. */
  function check(phrase, kind, existing = []) {
    const text = tidy(phrase);
    if (!KINDS.includes(kind)) return {ok: false, error: "kind"};
    if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) return {ok: false, error: "length"};
    if (MARKUP.test(text)) return {ok: false, error: "markup"};
    if (!/\p{L}.*\p{L}/u.test(text)) return {ok: false, error: "letters"};
    if (existing.some((term) => same(term.phrase, text))) return {ok: false, error: "duplicate"};
    if (existing.length >= MAX_TERMS) return {ok: false, error: "full"};
    return {ok: true, term: {phrase: text, kind}};
  }

  /** The usable part of a stored value: every entry that passes `check`, in order. */
  function valid(value) {
    const out = [];
    for (const entry of Array.isArray(value) ? value : []) {
      const result = check(entry?.phrase, entry?.kind, out);
      if (result.ok) out.push(result.term);
    }
    return out;
  }

  globalThis.ohneHakenUserTerms = {KEY, KINDS, MIN_LENGTH, MAX_LENGTH, MAX_TERMS, check, valid};
})();
