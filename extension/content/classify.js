/*
 * Classification: consent (protective state: unticked / "no"), objection (protective state:
 * ticked / "yes") or nothing. Words come from the rule vocabulary only: single terms, and
 * classes of wording (negation, opt-out verbs, being informed about products, analysis of
 * connection data, disclaimers, instructions). Protected words (billing, security, service
 * notices, login, contract) in the control's own name, block, group or table headers always win.
 * See docs/RULES.md.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createClassifier) return;
  const {text} = OH;

  const NEGATION_WINDOW = 6; // a negator turns a consent word within this many following words into an objection
  const LEVELS = ["own", "block", "group", "headers", "heading"];
  const GUARDING = new Set(["own", "block", "group", "headers"]); // a protected word here always wins
  const USER_KINDS = new Set(["consent", "objection", "protected"]);
  const MEMO_SIZE = 2000; // remembered verdicts per page before the memo starts over

  /** Merge vocabularies: lists are concatenated, objects (answers, classes) merged key by key. */
  function mergeVocabulary(...vocabularies) {
    const out = {};
    for (const vocabulary of vocabularies) {
      for (const [key, value] of Object.entries(vocabulary || {})) {
        if (Array.isArray(value)) out[key] = [...(out[key] || []), ...value];
        else if (value && typeof value === "object") out[key] = mergeVocabulary(out[key], value);
        else out[key] = value;
      }
    }
    return out;
  }

  /** Split raw text into sentences of clauses (normalised), the units disclaimers live in. */
  function sentencesOf(raw) {
    return String(raw ?? "").slice(0, 4000).split(/[.!?;\n]+(?:\s|$)|[.!?;]$/)
      .map((sentence) => sentence.split(/[,:()\u2013\u2014]|\s-\s|\s(?:und|sowie|and)\s/i).map(text.normalize).filter((c) => c.trim()))
      .filter((clauses) => clauses.length);
  }

  /** Normalised text with every occurrence of the compiled terms blanked out. */
  function without(norm, compiled) {
    let out = norm;
    for (const {needle} of compiled) out = out.split(needle).join(" ");
    return out;
  }

  /** Up to four distinct words to show, none a part of another ("angebot" in "angebote"). */
  function shown(words) {
    const unique = [...new Set(words)];
    return unique.filter((word) => !unique.some((other) => other !== word && other.includes(word))).slice(0, 4);
  }

  function createClassifier(vocabulary) {
    const classes = vocabulary.classes || {};
    const compile = (list) => text.compileTerms(list || []);
    const terms = {
      consent: compile(vocabulary.consent),
      objection: compile(vocabulary.objection),
      optOut: compile(classes.optOut),
      notices: compile(classes.notices),
      protected: compile(vocabulary.protected),
      disclaimer: compile(vocabulary.disclaimer),
      markers: compile(classes.disclaimerMarkers),
      instruction: compile(classes.instruction),
      negators: compile(classes.negators),
      nonNegating: compile(classes.nonNegating),
      answerYes: compile(vocabulary.answers?.yes),
      answerNo: compile(vocabulary.answers?.no),
    };
    const combinations = (vocabulary.combinations || []).map(({kind, all}) => ({kind, parts: all.map((name) => compile(classes[name]))}));
    const negatableNames = new Set((vocabulary.combinations || []).flatMap(({all}) => all));
    const user = {consent: [], objection: [], protected: []};
    // Lists joined once (and again when the user's words change), not per text: each list keeps
    // its index of terms (text.findTerms).
    const objectionOrOptOut = Object.freeze([...terms.objection, ...terms.optOut]);
    let negatable;
    let allObjection;
    let allConsent;
    joinLists();

    function joinLists() {
      negatable = Object.freeze([...terms.consent, ...user.consent, ...[...negatableNames].flatMap((name) => compile(classes[name]))]);
      allObjection = Object.freeze([...terms.objection, ...user.objection]);
      allConsent = Object.freeze([...terms.consent, ...user.consent]);
    }
    const memo = new Map(); // text -> verdict, emptied when the user's words change

    /** The text's sentences (normalised) without instructions (to the sentence's end) and disclaimer clauses. */
    function meaningful(raw) {
      const sentences = [];
      for (const clauses of sentencesOf(raw)) {
        const kept = [];
        for (const clause of clauses) {
          const instruction = text.findTerms(clause, terms.instruction)[0];
          if (instruction) { // "Option deaktivieren, um ...": from here to the sentence's end it describes the action
            kept.push(clause.slice(0, instruction.index));
            break;
          }
          if (text.findTerms(clause, terms.disclaimer).length) continue;
          if (text.findTerms(clause, terms.markers).length && text.findTerms(clause, objectionOrOptOut).length) continue;
          // "Keine Angebote verpassen", "nicht notwendige Cookies": the negator negates no consent
          kept.push(text.findTerms(clause, terms.nonNegating).length ? without(clause, terms.negators) : clause);
        }
        const sentence = text.normalize(kept.join(" "));
        if (sentence.trim()) sentences.push(sentence);
      }
      return sentences;
    }

    /** Objection matches from negation: a negator followed closely by a consent-class word. */
    function negations(norm) {
      const found = [];
      for (const {term, index} of text.findTermsAll(norm, terms.negators)) {
        const after = norm.slice(index).split(" ").slice(0, NEGATION_WINDOW + 2).join(" ");
        const target = text.findTerms(` ${after.trim()} `, negatable)[0];
        if (target) found.push({term, index}, {term: target.term, index: index + 1});
      }
      return found;
    }

    /** Consent or objection matches from combined classes ("informiert werden" x "Tarife"). */
    function combined(norm) {
      const found = [];
      for (const {kind, parts} of combinations) {
        const hits = parts.map((part) => text.findTerms(norm, part)[0]);
        if (hits.every(Boolean)) found.push(...hits.map((hit) => ({kind, term: hit.term, index: hit.index})));
      }
      return found;
    }

    /** What one piece of text says (remembered: headings and groups repeat from control to control). */
    function decide(raw) {
      if (!raw) return null;
      if (!memo.has(raw)) {
        if (memo.size >= MEMO_SIZE) memo.clear();
        memo.set(raw, judge(raw));
      }
      return memo.get(raw);
    }

    /** What one piece of text says: {kind, words, explicit}, {protected: true, words} or null. */
    function judge(raw) {
      const userGuard = text.findTerms(text.normalize(raw), user.protected);
      if (userGuard.length) return {protected: true, user: true, words: userGuard.map((m) => m.term).slice(0, 3)};
      const sentences = meaningful(raw);
      const guarded = text.findTerms(sentences.join(""), terms.protected);
      if (guarded.length) return {protected: true, words: guarded.map((m) => m.term).slice(0, 3)};
      // the first sentence that says something decides ("Ich willige ein, … Die Einwilligung umfasst
      // nicht …" is a consent); within it an objection beats a consent ("Werbung per Post sperren")
      for (const sentence of sentences) {
        const verdict = sentenceVerdict(sentence);
        if (verdict) return verdict;
      }
      // nothing about advertising, but a notification, reminder or confirmation: a service notice
      const notices = text.findTerms(sentences.join(""), terms.notices);
      return notices.length ? {protected: true, notice: true, words: notices.map((m) => m.term).slice(0, 3)} : null;
    }

    /** One sentence: {kind, explicit, words} or null. Classes combine and negate within it. */
    function sentenceVerdict(sentence) {
      const classed = combined(sentence);
      // an opt-out verb needs something to opt out of ("Newsletter abbestellen", not "Automatisch abmelden")
      const optOut = text.findTerms(sentence, negatable).length ? text.findTerms(sentence, terms.optOut) : [];
      const explicit = [...text.findTerms(sentence, allObjection), ...optOut,
        ...classed.filter((m) => m.kind === "objection")];
      const objection = [...explicit, ...negations(sentence)].sort((a, b) => a.index - b.index);
      const consent = [...text.findTerms(sentence, allConsent),
        ...classed.filter((m) => m.kind === "consent")].sort((a, b) => a.index - b.index);
      if (!consent.length && !objection.length) return null;
      const kind = objection.length ? "objection" : "consent";
      return {kind, explicit: explicit.length > 0, words: shown((kind === "objection" ? objection : consent).map((m) => m.term))};
    }


    /**
     * Classify a described control {own, group, headers, block, heading}. Returns {kind:
     * "consent"|"objection"|null, words, source, protected}. A protected word in the own name,
     * block, group or headers wins; else the first level with a verdict decides, and a consent
     * under a context with an objection word or opt-out verb ("Widerspruch: [ ] Werbung per
     * Post") is an objection.
     */
    function classify(description) {
      const verdicts = LEVELS.map((level) => [level, decide(description[level])]);
      for (const [level, verdict] of verdicts) {
        // a service notice ("Erinnerungen") protects in its place in the order below, not over an
        // own name that says more ("Werbenachrichten" in a group "Benachrichtigungen")
        if (verdict?.protected && !verdict.notice && (GUARDING.has(level) || verdict.user)) {
          return {kind: null, words: verdict.words, source: level, protected: true};
        }
      }
      const at = verdicts.findIndex(([, verdict]) => verdict && (verdict.kind || verdict.protected));
      if (at === -1) return {kind: null, words: [], source: null, protected: false};
      const [source, verdict] = verdicts[at];
      if (verdict.protected) return {kind: null, words: verdict.words, source, protected: true};
      if (verdict.kind === "consent") {
        // only an explicit objection above flips ("Widerspruch gegen Werbung:"), not a negation
        // somewhere in a heading's intro ("Nicht erlaubt" of a neighbouring question)
        const above = verdicts.slice(at + 1).find(([, v]) => v?.kind)?.[1];
        if (above?.kind === "objection" && above.explicit) return {kind: "objection", words: [...above.words, ...verdict.words].slice(0, 4), source: "context", protected: false};
      }
      return {kind: verdict.kind, words: verdict.words, source, protected: false};
    }

    /**
     * What an answer (radio option, select option, button) means: "yes", "no" or null. The answer
     * words first ("Ja", "Nicht erlaubt"); else an option that is itself a consent means yes and
     * an objection no ("Newsletter per E-Mail" / "Kein Newsletter").
     */
    function answer(raw) {
      const norm = text.normalize(raw);
      const best = [...text.findTerms(norm, terms.answerYes).map((m) => ({...m, value: "yes"})),
        ...text.findTerms(norm, terms.answerNo).map((m) => ({...m, value: "no"}))]
        .sort((a, b) => a.index - b.index || b.term.length - a.term.length)[0];
      if (best) return best.value;
      const meaning = decide(raw)?.kind;
      return meaning === "consent" ? "yes" : meaning === "objection" ? "no" : null;
    }

    /** The user's own words [{phrase, kind}], applied at once; protected ones win over everything. */
    function setUserTerms(list = []) {
      const lists = {consent: [], objection: [], protected: []};
      memo.clear();
      for (const entry of list || []) {
        const phrase = String(entry?.phrase ?? "").trim();
        if (!USER_KINDS.has(entry?.kind) || !text.normalize(phrase).trim()) continue;
        lists[entry.kind].push(...text.compileTerms([phrase]));
      }
      for (const kind of USER_KINDS) user[kind] = Object.freeze(lists[kind]); // unchanged from now on (text.findTerms keeps an index per list)
      joinLists();
    }

    return {classify, decide, answer, setUserTerms};
  }

  OH.createClassifier = createClassifier;
  OH.mergeVocabulary = mergeVocabulary;
})();
