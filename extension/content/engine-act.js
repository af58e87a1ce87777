/*
 * Acting like a user: bring each planned question to its wanted answer with the shape's own
 * way (a real click() on the control or option), wait for the page to react, confirm a dialog
 * that opened in answer to that click, try at most one other way, then verify after the page
 * had time to tick something back. A question inside a closed section is first shown by
 * clicking its summary or disclosure button, and nothing else. Never submits, never saves.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createActor) return;
  const {dom, text, engineButtons} = OH;

  const REACT_TIMEOUT_MS = 400; // how long a page may take to react to one click
  const SETTLE_MS = 350; // after clearing: time for a page to tick something back
  const POLL_MS = 15; // how often a page's reaction is looked for
  const MAX_OPEN = 4; // nested closed sections opened for one question at most

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function waitFor(condition, timeoutMs) {
    const end = performance.now() + timeoutMs;
    for (let polls = 0; ; polls++) {
      if (condition()) return true;
      if (performance.now() >= end) return false;
      // The first look comes right after the page's own zero-delay work (a framework updating
      // its model a tick after the click), not a whole polling interval later.
      await wait(polls ? POLL_MS : 0);
    }
  }

  /**
   * engine: {recordByKey(key), rescanAll(), forget(element), openerOf(element), roots, ctx, isStopped()}.
   * vocabulary: confirm names and neverPress words for dialogs.
   */
  function createActor(engine, vocabulary) {
    const dialogRules = {confirmNames: vocabulary.confirm || [], neverPress: text.compileTerms(vocabulary.neverPress || [])};
    const {ctx} = engine;
    const stateOf = (record) => record.adapter.state(record.element, ctx);

    /** Perform one way of answering, let the page react, answer a confirmation dialog. */
    async function attempt(record, action, report) {
      const element = record.element;
      const before = stateOf(record);
      const watch = report.dialogWatch;
      watch.reset();
      action();
      const reacted = () => !element.isConnected || record.adapter.state(element, ctx) !== before;
      let dialogs = new Set();
      await waitFor(() => {
        dialogs = watch.dialogs();
        return dialogs.size > 0 || reacted();
      }, REACT_TIMEOUT_MS);
      if (!dialogs.size && reacted()) {
        await Promise.resolve(); // a dialog opened in the same task as the change
        dialogs = watch.dialogs();
      }
      if (dialogs.size && engineButtons.confirmDialog(dialogs, dialogRules, report)) await waitFor(reacted, REACT_TIMEOUT_MS);
      return reacted();
    }

    /**
     * Show a question inside a closed section: click its summary / disclosure button (only that),
     * once per closed level. Returns the question's record as it is when shown, or null.
     */
    async function reveal(key, report) {
      for (let round = 0; round < MAX_OPEN; round++) {
        const record = engine.recordByKey(key);
        if (!record?.opener) return record;
        const {element, opener} = record;
        const shown = () => !element.isConnected || dom.isVisible(OH.labels.visualOf(element));
        const closed = () => engine.openerOf(element) === opener && !shown();
        if (closed()) { // not opened meanwhile (for another question of the same section)
          opener.click();
          report.opened.push(opener);
          await waitFor(() => !closed(), REACT_TIMEOUT_MS);
          if (closed()) return null; // it did not open: never click it twice
        }
        engine.forget(element); // looked at afresh: shown now, or behind an inner closed section
        engine.rescanAll();
      }
      return null;
    }

    /** Bring one question to `wanted` ("yes" or "no"). Returns "done" or a failure reason. */
    async function setState(key, wanted, report) {
      let record = engine.recordByKey(key);
      if (!record) return "noEffect";
      if (stateOf(record) === wanted) return "done";
      if (record.adapter.disabled(record.element)) return "disabled";
      if (record.opener) {
        record = await reveal(key, report);
        if (!record) return "noEffect";
        if (stateOf(record) === wanted) return "done";
      }
      for (let way = 0; way < 2; way++) {
        const action = way === 0 ? record.adapter.apply(record.element, wanted, ctx) : record.adapter.alternative(record.element, wanted, ctx);
        if (!action) break;
        await attempt(record, action, report);
        if (!record.element.isConnected) engine.rescanAll(); // the page drew the form anew
        record = engine.recordByKey(key);
        if (!record) return "noEffect";
        if (stateOf(record) === wanted) return "done";
      }
      return "noEffect";
    }

    /** Carry out a plan [{key, wanted}] and verify it; fills report.done and report.failed. */
    async function run(plan, report, openBefore) {
      report.dialogWatch = engineButtons.watchDialogs(engine.roots, openBefore);
      try {
        for (const {key, wanted} of plan) {
          if (engine.isStopped()) break;
          const outcome = await setState(key, wanted, report);
          if (outcome === "done") report.done.push(key);
          else report.failed.set(key, outcome);
        }
        await wait(SETTLE_MS);
        if (engine.isStopped()) return;
        engine.rescanAll();
        for (const {key, wanted} of plan) {
          const record = engine.recordByKey(key);
          if (record && report.done.includes(key) && stateOf(record) !== wanted) report.failed.set(key, "tickedBack");
        }
      } finally {
        report.dialogWatch.stop();
      }
    }

    return {run};
  }

  OH.createActor = createActor;
})();
