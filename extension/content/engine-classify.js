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
  const {dom, text, labels} = OH;

  const ROW_TAGS = new Set(["TR", "LI", "DD", "LABEL"]);
  const SECTION_TAGS = new Set(["TABLE", "FIELDSET", "FORM", "SECTION", "ARTICLE", "ASIDE", "UL", "OL", "DL",
    "DETAILS", "DIALOG", "MAIN", "BODY", "HTML"]);
  const SECTION_ROLES = new Set(["group", "radiogroup", "region", "list", "table", "grid", "rowgroup", "dialog", "form", "tabpanel"]);
  const MAX_ROW_TEXT = 800;
  const MAX_ROW_DEPTH = 8;
  const MAX_ROW_CHILDREN = 40; // a block with more children is a list, not one control's row
  const MAX_SECTION_TEXT = 3000;
  const SECTION_PARTS = 'h1, h2, h3, h4, h5, h6, [role="heading"], legend, caption, summary, thead, p';

  const isSection = (node) => SECTION_TAGS.has(node.tagName) || SECTION_ROLES.has(node.getAttribute?.("role"));

  function createRecorder(vocabulary) {
    const classifier = OH.createClassifier(vocabulary);
    const stateWords = vocabulary.stateWords || [];
    let keyCounts = new Map();

    /** What shapes need from the classifier: the meaning of an answer ("Ja", "Nicht erlaubt" ...). */
    const ctx = {
      answer: (raw) => (typeof classifier.answer === "function" ? classifier.answer(raw) : null),
    };

    // What can make a text a consent or an objection (classify.js): a single term, every part of
    // a class combination, or a negator with a word it can negate. A question with none of them
    // near it is not described in full.
    const classes = vocabulary.classes || {};
    const compile = (list) => text.compileTerms(list || []);
    /**
     * A list of terms as a test of a text. The first texts are searched with the list's term index
     * (text.hasTerms: nothing to compile, where a form has a few dozen texts); a list asked more
     * often (a large table) becomes one regular expression, a single native search per text. Both
     * give the same answers.
     */
    const REGEX_AFTER = 64;
    function matcher(compiled) {
      let asked = 0;
      let pattern = null;
      return (norm) => {
        if (!pattern && ++asked > REGEX_AFTER && compiled.length) {
          pattern = new RegExp(compiled.map(({needle}) => needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
        }
        return pattern ? pattern.test(norm) : text.hasTerms(norm, compiled);
      };
    }
    const singles = matcher(compile([...(vocabulary.consent || []), ...(vocabulary.objection || []), ...(classes.optOut || [])]));
    const combinationTerms = (vocabulary.combinations || []).map(({all}) => all.map((name) => compile(classes[name])));
    const combinations = combinationTerms.map((parts) => parts.map(matcher));
    const negators = matcher(compile(classes.negators));
    const negatable = matcher(Object.freeze(combinationTerms.flat(2)));
    let userWords = matcher(compile([]));

    /** What a text holds of those, as a few flags (so a section's text is read once, not per question). */
    function signals(norm) {
      return {
        single: singles(norm) || userWords(norm),
        parts: combinations.map((parts) => parts.map((part) => part(norm))),
        negator: negators(norm),
        negatable: negatable(norm),
      };
    }

    /** Could the two texts together classify? (Every part of a combination in one or the other.) */
    function mayClassify(a, b) {
      return a.single || b.single || (a.negator || b.negator) && (a.negatable || b.negatable)
        || a.parts.some((parts, i) => parts.every((hit, j) => hit || b.parts[i][j]));
    }

    /** The user's own words (issue 16): for the classifier, and near enough to describe a question. */
    function setUserTerms(list = []) {
      if (typeof classifier.setUserTerms === "function") classifier.setUserTerms(list);
      userWords = matcher(compile((list || []).filter((entry) => entry?.kind !== "protected").map((entry) => String(entry?.phrase ?? "")).filter(Boolean)));
    }
    let sections = new WeakMap(); // section element -> signals of its headings' text, for one scan
    const NOTHING = signals(" ");

    /** The nearest section around a question (table, fieldset, form, list, section ...). */
    function sectionOf(question) {
      for (let node = dom.parentOf(question), depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
        if (isSection(node)) return node;
      }
      return null;
    }

    /** Signals of a section's name, headings, captions, legends and paragraphs, and the heading (with intro) above it. */
    function sectionSignals(section) {
      if (!section) return NOTHING;
      let found = sections.get(section);
      if (found !== undefined) return found;
      const parts = [dom.headingOf(section)?.text || "", labels.groupName(section)];
      let length = 0;
      for (const part of section.querySelectorAll(SECTION_PARTS)) {
        if (length > MAX_SECTION_TEXT) break;
        const content = dom.textOf(part, MAX_ROW_TEXT);
        length += content.length;
        parts.push(content);
      }
      found = signals(text.normalize(parts.join(" ")));
      sections.set(section, found);
      return found;
    }

    /**
     * Text around a question up to its row, or up to the largest block of at most 800 characters
     * (textContent: hidden text too, which only makes the check wider, at native speed).
     */
    function rowText(question) {
      let best = "";
      for (let node = dom.parentOf(question), depth = 0; node && depth < MAX_ROW_DEPTH && !isSection(node); node = dom.parentOf(node), depth++) {
        if (node.childElementCount > MAX_ROW_CHILDREN) break;
        const content = node.textContent || "";
        if (content.length > MAX_ROW_TEXT) break;
        best = content;
        if (ROW_TAGS.has(node.tagName) || node.getAttribute("role") === "row" || node.getAttribute("role") === "listitem") break;
      }
      return best;
    }

    /**
     * Is a consent or objection word near a question: its own name, its row or block, its group,
     * its section's name, headings, captions and paragraphs, or the heading above that section?
     * Cheap (no layout; each section read once per scan) and a superset of what describing it
     * reads: most boxes of a data table fail it and are never described in full.
     */
    function worthDescribing(question) {
      const group = question.parentElement?.closest('fieldset, [role="radiogroup"], [role="group"]');
      const near = [labels.ownLabel(question), rowText(question), group ? labels.groupName(group) : "", question.title || ""].join(" ");
      return mayClassify(signals(text.normalize(near)), sectionSignals(sectionOf(question)));
    }

    /** A new scan: sections are read afresh. */
    function newScan() {
      sections = new WeakMap();
    }

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

    return {record, resetKeys, keyFor, ctx, worthDescribing, newScan, setUserTerms};
  }

  OH.createRecorder = createRecorder;
})();
