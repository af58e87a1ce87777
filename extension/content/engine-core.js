/*
 * The one-click engine: find every consent question, keep the list current as the page
 * changes, answer them all protectively like a user would, verify, and undo.
 *
 *   engine-find.js     walk every root, watch mutations (OH.createWatcher)
 *   engine-shapes.js   the shape interface; shape-*.js one adapter per control shape
 *   engine-classify.js describe + classify a question into a record (OH.createRecorder)
 *   shape-disclosure.js  questions inside closed sections (details, aria-expanded)
 *   engine-act.js      clicking, dialogs, verifying (OH.createActor)
 *   engine-buttons.js  the save button, dialogs
 *   engine-core.js     this file: the records, the snapshot, clearAll, undo, start, stop
 *
 * Clearing answers consents first, then objections (an "object to everything" box may lock
 * the others). The engine never submits and never presses save. See docs/ENGINE.md.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createEngine) return;
  const {dom, text, labels, shapes, engineButtons} = OH;

  const FULL_RESCAN_AT = 300; // more added nodes than this in one batch: scan the document once

  function createEngine({vocabulary, doc = document, onUpdate = () => {}}) {
    const saveNames = vocabulary.save || [];
    const highlighter = OH.createHighlighter(doc);
    const recorder = OH.createRecorder(vocabulary);
    const {ctx} = recorder;
    const findSave = engineButtons.createSaveFinder({doc, saveNames});
    const disclosure = OH.createDisclosure ? OH.createDisclosure(vocabulary) : null;

    const candidates = new Map(); // every shown question seen (classified or not) -> its adapter
    const ignored = new Set(); // questions with no consent or objection word near them: never described
    const dormant = new Map(); // questions not rendered now (e.g. a closed editor) -> adapter: looked at again when shown
    const records = new Map(); // classified question element -> record
    let saveButton = null;
    let busy = false;
    let stopped = false;
    let scanning = Promise.resolve(); // the scan in slices running now, if any
    let lastRun = null; // {changes: [{key, from}], failed, confirmed}
    let recordedCount = 0; // questions recorded so far (a batch that adds none redraws nothing)
    let openedByClear = []; // summaries and disclosure buttons the last clear pressed: undo closes their sections again
    const removers = [];

    const watcher = OH.createWatcher({doc, onBatch: flush});
    const actor = OH.createActor({
      recordByKey, rescanAll, forget: setAside, openerOf, roots: watcher.roots, ctx, isStopped: () => stopped,
    }, vocabulary);

    // ---- finding ---------------------------------------------------------------------

    /** Every question under `start` (each once), with its adapter; one at a time (scans pause
     *  between them). null: a pause inside the walk of a large page. */
    function* questionsUnder(start) {
      const seen = new Set();
      for (const element of watcher.find(start, shapes.selector())) {
        if (element === null) {
          yield null;
          continue;
        }
        if (dom.insideOwn(element)) continue;
        const adapter = shapes.of(element);
        const question = adapter?.question(element, ctx);
        if (!question || seen.has(question)) continue;
        seen.add(question);
        yield [question, adapter];
      }
    }

    function isShown(question) {
      return dom.isVisible(labels.visualOf(question));
    }

    /** The opener of the closed section around a question that is not shown, or null. */
    function openerOf(question) {
      return disclosure ? disclosure.openerOf(question) : null;
    }

    function prune() {
      watcher.prune();
      for (const element of candidates.keys()) if (!element.isConnected) candidates.delete(element);
      for (const element of ignored) if (!element.isConnected) ignored.delete(element);
      for (const element of records.keys()) if (!element.isConnected) records.delete(element);
    }

    /**
     * The scan as steps (a generator): find every question under `starts`, filter cheaply,
     * set aside what is not shown, describe and classify the rest, then mark them. It pauses
     * after each question, so scanInSlices can give the page its turn between slices; scan()
     * runs it at once. A question handled meanwhile by another scan is skipped.
     */
    function* scanSteps(starts) {
      recorder.newScan();
      const fresh = [];
      for (const start of starts) {
        for (const found of questionsUnder(start)) {
          yield;
          if (!found) continue;
          const [question, adapter] = found;
          if (candidates.has(question) || ignored.has(question) || !question.isConnected) continue;
          if (!recorder.worthDescribing(question)) { // before any layout read: most boxes of a data table end here
            ignored.add(question);
            continue;
          }
          const shown = isShown(question);
          const opener = shown ? null : openerOf(question);
          if (shown || opener) {
            dormant.delete(question);
            fresh.push([question, adapter, opener]);
          } else {
            dormant.set(question, adapter);
          }
        }
      }
      if (!fresh.length) return;
      for (const [question, adapter] of fresh) candidates.set(question, adapter);
      const chains = [...candidates.keys(), ...ignored].map(labels.anchorsOf);
      const added = [];
      for (const [question, adapter, opener] of fresh) {
        yield;
        if (records.has(question) || !candidates.has(question) || !question.isConnected) continue;
        const record = recorder.record(question, adapter, chains, opener);
        if (!record) continue;
        records.set(question, record);
        recordedCount++;
        added.push(record);
      }
      // Writes after all reads: a mark between two layout reads would force a layout each time.
      for (const record of added) if (records.get(record.element) === record) record.element.setAttribute("data-ohne-haken", record.kind);
    }

    /** Scan at once (a clear or undo needs the page as it is now). */
    function scan(start) {
      for (const steps = scanSteps([start]); !steps.next().done;);
    }

    /** Scan in slices, the page's turn in between (OH.runInSlices): no long task on a page with
     *  thousands of controls. Scans run one after another. */
    function scanInSlices(starts) {
      scanning = scanning.then(async () => {
        if (!stopped) await OH.runInSlices(scanSteps(starts), () => !stopped);
      });
      return scanning;
    }

    function rescanAll() {
      if (stopped) return;
      prune();
      recorder.resetKeys(records.values());
      scan(doc);
      findSaveButton();
    }

    function flush({nodes, visibility, refresh}) {
      if (stopped) return;
      const recorded = recordedCount;
      if (visibility) recheckVisibility(nodes);
      const removed = [...records.keys()].some((element) => !element.isConnected);
      if (removed) prune();
      const starts = nodes.length <= FULL_RESCAN_AT ? outermost(nodes) : [doc];
      scanInSlices(starts).then(() => {
        if (stopped) return;
        if (refresh || visibility || removed || recordedCount !== recorded || (records.size && !saveButton)) {
          findSaveButton();
          update();
        } else {
          // Only content without questions came: the marks may have moved, nothing else. Placed after
          // the browser's own layout of it (in a frame callback, reading would force that layout on us).
          highlighter.placeSoon();
        }
      });
    }

    /**
     * The added nodes that lie inside no other of them (same tree, like contains), and every
     * frame (its document is new): one climb per node, ended where an earlier climb went.
     */
    function outermost(nodes) {
      const added = new Set(nodes);
      const outside = new Set(); // ancestors known to lie inside none of `nodes`
      return nodes.filter((node) => {
        const name = node.localName;
        if (name === "iframe" || name === "frame") return true;
        const path = [];
        for (let up = node.parentNode; up && !outside.has(up); up = up.parentNode) {
          if (added.has(up)) return false;
          path.push(up);
        }
        for (const up of path) outside.add(up);
        return true;
      });
    }

    /** Forget a question so the next scan looks at it afresh (shown, hidden, opened). */
    function setAside(element) {
      records.delete(element);
      candidates.delete(element);
      element.removeAttribute("data-ohne-haken");
    }

    /** Questions that were shown, hidden, opened or closed since the last look: classify or set aside. */
    function recheckVisibility(nodes) {
      for (const element of dormant.keys()) {
        if (!element.isConnected) dormant.delete(element);
        else if (isShown(element) || openerOf(element)) nodes.push(element);
      }
      for (const [element, record] of records) {
        const shown = isShown(element);
        if (record.opener ? !shown && record.opener === openerOf(element) : shown) continue;
        setAside(element);
        if (shown || openerOf(element)) nodes.push(element); // opened (or closed differently): recorded anew
        else dormant.set(element, record.adapter);
      }
      for (const [element, adapter] of candidates) {
        if (!records.has(element) && !isShown(element)) {
          candidates.delete(element);
          dormant.set(element, adapter);
          if (openerOf(element)) nodes.push(element);
        }
      }
    }

    function findSaveButton() {
      const previous = saveButton;
      saveButton = records.size ? findSave(records.keys().next().value) : null;
      if (previous && previous !== saveButton) previous.removeAttribute("data-ohne-haken");
      if (saveButton) saveButton.setAttribute("data-ohne-haken", "save");
    }

    // ---- state -----------------------------------------------------------------------

    function stateOf(record) {
      return record.adapter.state(record.element, ctx);
    }

    function isProtective(record) {
      return shapes.isProtective(record.kind, stateOf(record));
    }

    function snapshot() {
      const items = [...records.values()].map((record) => ({
        label: record.label, kind: record.kind, shape: record.shape, words: record.words, source: record.source,
        protective: isProtective(record), disabled: record.adapter.disabled(record.element),
        collapsed: Boolean(record.opener),
        element: record.element, // the page report (report.js) puts each verdict on its question
      }));
      return {
        items,
        total: items.length,
        active: items.filter((item) => !item.protective).length,
        save: saveButton ? text.clip(dom.accessibleName(saveButton), 40) : null,
        saveButton,
        busy,
        lastRun,
      };
    }

    function update() {
      if (stopped) return;
      highlighter.show([...records.values()].map((record) => ({visual: record.visual, protective: isProtective(record)})),
        records.size ? saveButton : null);
      onUpdate(snapshot());
    }

    function recordByKey(key) {
      for (const record of records.values()) if (record.key === key) return record;
      return null;
    }

    // ---- one click -------------------------------------------------------------------

    async function run(plan, openBefore) {
      const report = {done: [], failed: new Map(), confirmed: [], opened: []};
      busy = true;
      watcher.pause();
      update();
      try {
        await actor.run(plan, report, openBefore);
      } finally {
        busy = false;
        watcher.resume();
      }
      report.failures = [...report.failed].map(([key, reason]) => ({label: recordByKey(key)?.label || key, reason}));
      return report;
    }

    /** Answer every consent "no" and every objection "yes". Never submits. */
    async function clearAll() {
      if (busy || stopped) return null;
      rescanAll();
      const all = [...records.values()];
      const plan = ["consent", "objection"].flatMap((kind) => all
        .filter((record) => record.kind === kind && !isProtective(record))
        .map((record) => ({key: record.key, wanted: shapes.protectiveState(kind), from: stateOf(record)})));
      const report = await run(plan, engineButtons.openDialogsIn(watcher.roots));
      if (stopped) return null;
      const changed = plan.filter(({key}) => report.done.includes(key) && !report.failed.has(key));
      openedByClear = report.opened;
      lastRun = {kind: "clear", changes: changed.map(({key, from}) => ({key, from})), failed: report.failures, confirmed: report.confirmed};
      update();
      return lastRun;
    }

    /** Put back every question the last clearAll changed (a question never answered stays as it is now). */
    async function undo() {
      if (busy || stopped || lastRun?.kind !== "clear" || !lastRun.changes.length) return null;
      const plan = [...lastRun.changes].reverse() // objections first: they may lock the others
        .filter(({from}) => from !== null).map(({key, from}) => ({key, wanted: from}));
      const report = await run(plan, engineButtons.openDialogs(doc));
      if (stopped) return null;
      closeOpened();
      const kept = lastRun.changes.filter(({from}) => from === null).length; // no click takes an answer back: the panel says so
      lastRun = {kind: "undo", changes: [], restored: report.done.length, kept, failed: report.failures, confirmed: report.confirmed};
      update();
      return lastRun;
    }

    /** Close again what the last clear opened (innermost first), as the user would: its own opener. */
    function closeOpened() {
      for (const opener of openedByClear.reverse()) {
        if (!opener.isConnected) continue;
        const open = opener.tagName === "SUMMARY" ? opener.parentElement?.open : opener.getAttribute("aria-expanded") === "true";
        if (open) opener.click();
      }
      openedByClear = [];
      rescanAll();
    }

    function listen(target, type, handler, options) {
      target.addEventListener(type, handler, options);
      removers.push(() => target.removeEventListener(type, handler, options));
    }

    /** The first scan (in slices), then the marks and the first onUpdate; resolves when done. */
    function start() {
      if (stopped) return Promise.resolve();
      const view = doc.defaultView;
      listen(view, "resize", () => highlighter.reposition(), {passive: true});
      listen(view, "scroll", () => highlighter.reposition(), {passive: true, capture: true});
      return scanInSlices([doc]).then(() => {
        if (stopped) return;
        findSaveButton();
        update();
      });
    }

    /** Retire: every observer, listener and timer goes, the marks too; nothing runs again. */
    function stop() {
      stopped = true;
      watcher.stop();
      for (const remove of removers) remove();
      removers.length = 0;
      highlighter.clear();
      for (const element of records.keys()) element.removeAttribute("data-ohne-haken");
      saveButton?.removeAttribute("data-ohne-haken");
      records.clear();
      candidates.clear();
      ignored.clear();
      dormant.clear();
      saveButton = null;
    }

    /** The user's own words (issue 16): every question is classified again with them, at once. */
    let userTerms = "[]";
    function setUserTerms(terms) {
      const given = JSON.stringify(terms || []);
      if (given === userTerms) return; // the same words (most often none): nothing to look at again
      userTerms = given;
      recorder.setUserTerms(terms);
      ignored.clear(); // filtered out without these words: looked at again by the next scan
      if (busy || stopped || !watcher.roots.length) return; // not started, or a run keeps its plan: the next scan uses them
      for (const element of records.keys()) element.removeAttribute("data-ohne-haken");
      records.clear();
      candidates.clear();
      recorder.resetKeys([]);
      scanInSlices([doc]).then(() => { // in slices, as the first scan: no long task on a large page
        if (stopped) return;
        findSaveButton();
        update();
      });
    }

    return {start, stop, clearAll, undo, snapshot, setUserTerms, rescan: () => {
      rescanAll();
      update();
    }};
  }

  OH.createEngine = createEngine;
})();
