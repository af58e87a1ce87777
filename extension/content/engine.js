/*
 * The one-click engine: find every consent control, keep the list current as the page
 * changes, clear them all like a user would, verify, and undo.
 *
 * - Finding walks open and closed shadow roots and same-origin frames (dom.walkRoots).
 * - Watching: one MutationObserver per root; added subtrees are re-examined after a short
 *   debounce, nothing runs while the page is idle (no polling).
 * - Clearing: consents first, then objections (an "object to everything" box may lock the
 *   others). Each control is clicked only when its state differs from the protective one,
 *   then verified; at most one other way is tried (label click or key press); a dialog that
 *   opened right after the click is confirmed only with a confirm button ("Fortfahren"),
 *   never with save or accept. The engine never submits and never presses save.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createEngine) return;
  const {dom, text, labels} = OH;

  const REACT_TIMEOUT_MS = 400; // how long a page may take to react to one click
  const SETTLE_MS = 350; // after clearing: time for a page to tick something back
  const DEBOUNCE_MS = 50; // coalesce mutation bursts
  const POLL_MS = 15; // how often a page's reaction is looked for
  const FULL_RESCAN_AT = 300; // more added nodes than this in one batch: scan the document once
  const DIALOG_SELECTOR = 'dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]';
  const BUTTON_SELECTOR = 'button, input[type="submit"], input[type="button"], [role="button"]';
  const VISIBILITY_ATTRIBUTES = ["hidden", "open", "class", "style", "aria-hidden", "inert"];
  const VISIBILITY = Symbol("visibility");
  const OUTLINE_DECLARATION = /(^|;)\s*outline(-offset)?\s*:[^;]*/gi;
  const UPGRADE_FIRST_MS = 200;
  const UPGRADE_LAST_MS = 6400;

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

  function isChecked(element) {
    if (element.tagName === "INPUT") return element.checked;
    const value = element.getAttribute("aria-checked");
    return value === "true" || value === "mixed";
  }

  function isDisabled(element) {
    return element.disabled === true || element.getAttribute("aria-disabled") === "true";
  }

  function createEngine({vocabulary, doc = document, onUpdate = () => {}}) {
    const classifier = OH.createClassifier(vocabulary);
    const saveNames = vocabulary.save || [];
    const confirmNames = vocabulary.confirm || [];
    const neverPress = text.compileTerms(vocabulary.neverPress || []);
    const stateWords = vocabulary.stateWords || [];
    const highlighter = OH.createHighlighter(doc);

    const candidates = new Set(); // every shown checkbox/switch seen (classified or not)
    const dormant = new Set(); // controls not rendered now (e.g. a closed editor): looked at again when shown
    const records = new Map(); // classified control -> record
    const observedRoots = new WeakSet();
    const rootList = []; // the same roots, in order (a dialog may open in any of them)
    const watchedFrames = new WeakSet();
    const observers = [];
    let pending = [];
    let flushTimer = 0;
    let saveButton = null;
    let busy = false;
    let lastRun = null; // {changes: [{key, from}], failed, confirmed}
    let keyCounts = new Map();
    const undefinedHosts = new Set(); // custom elements not defined yet (see awaitDefinition)
    const awaitedNames = new Set();
    let upgradeTimer = 0;
    let upgradeDelay = 0;

    // ---- finding ---------------------------------------------------------------------

    function observe(root) {
      if (observedRoots.has(root)) return;
      observedRoots.add(root);
      rootList.push(root);
      const observer = new MutationObserver(onMutations);
      observer.observe(root.nodeType === 9 ? root.documentElement || root : root, {
        childList: true, subtree: true, attributes: true, attributeOldValue: true,
        attributeFilter: ["aria-checked", "checked", "disabled", "aria-disabled", "role", "type", ...VISIBILITY_ATTRIBUTES],
      });
      observers.push(observer);
      root.addEventListener("change", onUserChange, true);
      root.addEventListener("click", onUserChange, true);
    }

    function watchFrame(frame) {
      if (watchedFrames.has(frame)) return;
      watchedFrames.add(frame);
      frame.addEventListener("load", () => queue(frame));
    }

    /**
     * A design-system element (one-checkbox ...) whose definition arrives later gets its
     * shadow root without any mutation the observers could see. Firefox tells when a name is
     * defined; elsewhere it is looked at again a few times with growing pauses (0.2 s ... 6.4 s,
     * then never again), and only while such elements exist.
     */
    function awaitDefinition(element) {
      if (undefinedHosts.has(element)) return;
      undefinedHosts.add(element);
      const registry = doc.defaultView.customElements;
      const name = element.localName;
      if (registry && typeof registry.whenDefined === "function" && !awaitedNames.has(name)) {
        awaitedNames.add(name);
        try {
          registry.whenDefined(name).then(() => checkDefinitions(), () => {});
        } catch {
          // not a name the registry accepts: the timed checks still run
        }
      }
      upgradeDelay = UPGRADE_FIRST_MS;
      if (!upgradeTimer) upgradeTimer = setTimeout(checkDefinitions, upgradeDelay);
    }

    function checkDefinitions() {
      clearTimeout(upgradeTimer);
      upgradeTimer = 0;
      for (const element of undefinedHosts) {
        if (!element.isConnected) undefinedHosts.delete(element);
        else if (element.matches(":defined")) {
          undefinedHosts.delete(element);
          queue(element);
        }
      }
      if (undefinedHosts.size && upgradeDelay < UPGRADE_LAST_MS) {
        upgradeDelay *= 2;
        upgradeTimer = setTimeout(checkDefinitions, upgradeDelay);
      }
    }

    function prune() {
      for (let i = rootList.length - 1; i >= 0; i--) {
        const root = rootList[i];
        if (root.nodeType === 11 && !root.host?.isConnected) rootList.splice(i, 1);
      }
      for (const element of candidates) if (!element.isConnected) candidates.delete(element);
      for (const element of records.keys()) if (!element.isConnected) records.delete(element);
    }

    /** Find and classify every control under `start`; returns the number of new records. */
    function scan(start) {
      const found = [];
      dom.walkRoots(start, (root) => {
        if (root.nodeType !== 1) observe(root);
        if (root.nodeType === 1 && root.matches(dom.CONTROL_SELECTOR)) found.push(root);
        for (const element of root.querySelectorAll(dom.CONTROL_SELECTOR)) found.push(element);
        for (const element of root.querySelectorAll(":not(:defined)")) {
          if (!dom.isOwn(element)) awaitDefinition(element); // the marks layer is never defined: no timers for it
        }
      }, watchFrame);
      const fresh = found.filter((element) => {
        if (candidates.has(element) || dom.insideOwn(element)) return false;
        if (dom.isVisible(labels.visualOf(element))) {
          dormant.delete(element);
          return true;
        }
        dormant.add(element);
        return false;
      });
      if (!fresh.length) return 0;
      for (const element of fresh) candidates.add(element);
      const chains = [...candidates].map(labels.anchorsOf);
      let added = 0;
      for (const element of fresh) {
        const description = labels.describe(element, chains, stateWords);
        const verdict = classifier.classify(description);
        if (!verdict.kind) continue;
        const label = text.clip(description.own || description.block || description.heading, 140);
        const record = {
          element, kind: verdict.kind, words: verdict.words, source: verdict.source,
          label, heading: text.clip(description.heading, 80), visual: description.visual,
          key: keyFor(verdict.kind, label, description.heading),
        };
        records.set(element, record);
        added++;
      }
      // Writes after all reads: a mark between two layout reads would force a layout each time.
      for (const element of fresh) {
        const record = records.get(element);
        if (record) element.setAttribute("data-ohne-haken", record.kind);
      }
      return added;
    }

    function keyFor(kind, label, heading) {
      const base = `${kind}:${text.normalize(`${label} ${heading}`).trim()}`;
      const count = (keyCounts.get(base) || 0) + 1;
      keyCounts.set(base, count);
      return count === 1 ? base : `${base}#${count}`;
    }

    function rescanAll() {
      prune();
      keyCounts = new Map();
      for (const record of records.values()) keyFor(record.kind, record.label, record.heading);
      scan(doc);
      findSaveButton();
    }

    function onMutations(mutations) {
      let relevant = false; // only changes to the extension's own hosts (panel, marks): no look needed
      for (const mutation of mutations) {
        if (mutation.type === "childList") {
          for (const node of mutation.addedNodes) {
            if (dom.isOwn(node)) continue;
            relevant = true;
            if (node.nodeType === 1) pending.push(node);
          }
          if (!relevant) relevant = [...mutation.removedNodes].some((node) => !dom.isOwn(node));
        } else if (mutation.attributeName === "role" || mutation.attributeName === "type") {
          pending.push(mutation.target);
          relevant = true;
        } else if (VISIBILITY_ATTRIBUTES.includes(mutation.attributeName)) {
          if (dom.isOwn(mutation.target) || onlyOutlineChanged(mutation)) continue;
          pending.push(VISIBILITY); // something may have been shown or hidden
          relevant = true;
        } else {
          pending.push(null); // a state change: refresh only
          relevant = true;
        }
      }
      if (relevant) schedule();
    }

    /**
     * A style change that touched nothing but the outline (the highlighter's marks) can neither
     * show nor hide anything: without this check every mark made the engine look again.
     */
    function onlyOutlineChanged(mutation) {
      if (mutation.attributeName !== "style") return false;
      const rest = (style) => (style || "").replace(OUTLINE_DECLARATION, "$1").replace(/[\s;]+/g, " ").trim();
      return rest(mutation.oldValue) === rest(mutation.target.getAttribute("style"));
    }

    function onUserChange(event) {
      if (busy || dom.isOwn(event.target)) return;
      pending.push(null);
      schedule();
    }

    function queue(node) {
      pending.push(node);
      schedule();
    }

    function schedule() {
      if (flushTimer || busy) return;
      flushTimer = setTimeout(flush, DEBOUNCE_MS);
    }

    function flush() {
      flushTimer = 0;
      const batch = pending;
      pending = [];
      const nodes = batch.filter((node) => node && node !== VISIBILITY && node.isConnected);
      if (batch.includes(VISIBILITY)) recheckVisibility(nodes);
      const removed = [...records.keys()].some((element) => !element.isConnected);
      if (removed) prune();
      if (nodes.length > FULL_RESCAN_AT) {
        scan(doc);
      } else {
        const added = new Set(nodes);
        for (const node of nodes) {
          if (node.tagName === "IFRAME" || node.tagName === "FRAME") {
            scan(node);
            continue;
          }
          if (!hasAncestorIn(node, added)) scan(node);
        }
      }
      findSaveButton();
      update();
    }

    /** Is a node inside another one of `nodes` (same tree, like contains)? One climb, not a search per pair. */
    function hasAncestorIn(node, nodes) {
      for (let up = node.parentNode; up; up = up.parentNode) if (nodes.has(up)) return true;
      return false;
    }

    /** Controls that were shown or hidden since the last look: classify or set aside. */
    function recheckVisibility(nodes) {
      for (const element of dormant) {
        if (!element.isConnected) dormant.delete(element);
        else if (dom.isVisible(labels.visualOf(element))) nodes.push(element);
      }
      for (const [element, record] of records) {
        if (dom.isVisible(record.visual)) continue;
        records.delete(element);
        candidates.delete(element);
        element.removeAttribute("data-ohne-haken");
        dormant.add(element);
      }
      for (const element of candidates) {
        if (!records.has(element) && !dom.isVisible(labels.visualOf(element))) {
          candidates.delete(element);
          dormant.add(element);
        }
      }
    }

    // ---- state -----------------------------------------------------------------------

    function isProtective(record) {
      const checked = isChecked(record.element);
      return record.kind === "consent" ? !checked : checked;
    }

    function snapshot() {
      const items = [...records.values()].map((record) => ({
        label: record.label, kind: record.kind, words: record.words, source: record.source,
        protective: isProtective(record), disabled: isDisabled(record.element),
        element: record.element, // the page report (report.js) puts each verdict on its control
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
      highlighter.show([...records.values()].map((record) => ({visual: record.visual, protective: isProtective(record)})),
        records.size ? saveButton : null);
      onUpdate(snapshot());
    }

    function findSaveButton() {
      const previous = saveButton;
      saveButton = null;
      if (records.size) {
        saveButton = saveButtonInForm() || nearest(dom.deepQueryAll(doc, BUTTON_SELECTOR).filter(isSaveButton));
      }
      if (previous && previous !== saveButton) previous.removeAttribute("data-ohne-haken");
      if (saveButton) saveButton.setAttribute("data-ohne-haken", "save");
    }

    function isSaveButton(button) {
      return !button.closest(DIALOG_SELECTOR) && text.matchesName(dom.accessibleName(button), saveNames);
    }

    /**
     * The save button of the first control's form, found without walking the whole page (which
     * costs more than everything else on a large page, and ran after every mutation batch).
     * Same answer as `nearest` over all buttons: a save button of that form always wins, and
     * the first one in page order is taken (the form's buttons and the ones linked to it with
     * a form attribute share the form's tree, which the page walk reads in tree order).
     */
    function saveButtonInForm() {
      const first = records.keys().next().value;
      const form = first.form || first.closest?.("form");
      if (!form) return null;
      const inside = [...form.querySelectorAll(BUTTON_SELECTOR)];
      const linked = [...form.elements].filter((element) => !form.contains(element) && element.matches(BUTTON_SELECTOR));
      const ordered = linked.length ? [...inside, ...linked].sort(inTreeOrder) : inside;
      return ordered.find((button) => !dom.insideOwn(button) && isSaveButton(button)) || null;
    }

    function inTreeOrder(a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    }

    /** Of several save buttons, the one in the same form, else closest to the controls. */
    function nearest(buttons) {
      if (buttons.length <= 1) return buttons[0] || null;
      const first = records.keys().next().value;
      const form = first.form || first.closest?.("form");
      const sameForm = buttons.find((button) => form && (button.form === form || form.contains(button)));
      if (sameForm) return sameForm;
      for (let node = first, depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
        const inside = buttons.find((button) => node.contains(button));
        if (inside) return inside;
      }
      return buttons[0];
    }

    // ---- one click -------------------------------------------------------------------

    function openDialogs() {
      return new Set(dom.deepQueryAll(doc, DIALOG_SELECTOR).filter((dialog) => dom.isVisible(dialog)));
    }

    /** openDialogs() right after a full scan, without a second walk: the scan found every root. */
    function openDialogsInKnownRoots() {
      const found = new Set();
      for (const root of rootList) {
        for (const dialog of root.querySelectorAll(DIALOG_SELECTOR)) {
          if (!dom.insideOwn(dialog) && dom.isVisible(dialog)) found.add(dialog);
        }
      }
      return found;
    }

    /**
     * Watch for a dialog opening after each click of a run. Only what changed is looked at
     * (walking the whole page per click would cost more than the click); `known` are dialogs
     * that were open before the clearing started, which never count as an answer to our click.
     * One watcher per run: observing every root again per click cost more than the click on
     * pages with hundreds of shadow roots.
     */
    function watchDialogs(known) {
      const changed = new Set();
      const watched = new WeakSet();
      const collect = (mutations) => {
        for (const mutation of mutations) {
          if (mutation.type === "childList") {
            for (const node of mutation.addedNodes) if (node.nodeType === 1) changed.add(node);
          } else {
            changed.add(mutation.target);
          }
        }
      };
      const watcher = new MutationObserver(collect);
      return {
        /** Look only at what changes from now on (in every root known by now). */
        reset() {
          for (const root of rootList) {
            const target = root.nodeType === 9 ? root.documentElement : root;
            if (watched.has(root) || !target?.isConnected) continue;
            watched.add(root);
            watcher.observe(target, {childList: true, subtree: true, attributes: true,
              attributeFilter: ["open", "hidden", "class", "style", "aria-hidden", "aria-modal", "role"]});
          }
          watcher.takeRecords();
          changed.clear();
        },
        dialogs() {
          collect(watcher.takeRecords());
          const found = new Set();
          for (const node of changed) {
            if (!node.isConnected || dom.insideOwn(node)) continue;
            const around = node.closest?.(DIALOG_SELECTOR);
            for (const dialog of [...(around ? [around] : []), ...dom.deepQueryAll(node, DIALOG_SELECTOR)]) {
              if (!known.has(dialog) && dom.isVisible(dialog)) found.add(dialog);
            }
          }
          return found;
        },
        stop: () => watcher.disconnect(),
      };
    }

    /** Press the confirm button of a dialog that opened right after our click, if it has one. */
    function confirmDialog(dialogs, report) {
      for (const dialog of dialogs) {
        const buttons = dom.deepQueryAll(dialog, BUTTON_SELECTOR);
        const confirm = buttons.find((button) => {
          const name = dom.accessibleName(button);
          return text.matchesName(name, confirmNames) && !text.findTerms(text.normalize(name), neverPress).length;
        });
        if (confirm) {
          report.confirmed.push(text.clip(dom.accessibleName(confirm), 40));
          confirm.click();
          return true;
        }
      }
      return false;
    }

    /** Perform one way of toggling, let the page react, answer a confirmation dialog. */
    async function attempt(record, action, report) {
      const element = record.element;
      const before = isChecked(element);
      const watch = report.dialogWatch;
      watch.reset();
      action();
      const reacted = () => !element.isConnected || isChecked(element) !== before;
      let dialogs = new Set();
      await waitFor(() => {
        dialogs = watch.dialogs();
        return dialogs.size > 0 || reacted();
      }, REACT_TIMEOUT_MS);
      if (!dialogs.size && reacted()) {
        await Promise.resolve(); // a dialog opened in the same task as the change
        dialogs = watch.dialogs();
      }
      if (dialogs.size && confirmDialog(dialogs, report)) await waitFor(reacted, REACT_TIMEOUT_MS);
      return reacted();
    }

    function alternativeAction(element) {
      if (element.tagName === "INPUT") {
        const root = element.getRootNode();
        const label = dom.labelsOf(element)?.[0] || (root.nodeType === 11 ? root.host : null);
        return label ? () => label.click() : null;
      }
      return () => {
        element.focus({preventScroll: true});
        for (const type of ["keydown", "keyup"]) {
          element.dispatchEvent(new KeyboardEvent(type, {key: " ", code: "Space", keyCode: 32, bubbles: true, cancelable: true, composed: true}));
        }
      };
    }

    function recordByKey(key) {
      for (const record of records.values()) if (record.key === key) return record;
      return null;
    }

    /** Bring one control to `wanted` (checked or not). Returns "done" or a failure reason. */
    async function setState(key, wanted, report) {
      let record = recordByKey(key);
      if (!record) return "noEffect";
      if (isChecked(record.element) === wanted) return "done";
      if (isDisabled(record.element)) return "disabled";
      const ways = [() => record.element.click()];
      for (let way = 0; way < 2; way++) {
        const action = way === 0 ? ways[0] : alternativeAction(record.element);
        if (!action) break;
        await attempt(record, action, report);
        if (!record.element.isConnected) rescanAll(); // the page drew the form anew
        record = recordByKey(key);
        if (!record) return "noEffect";
        if (isChecked(record.element) === wanted) return "done";
      }
      return "noEffect";
    }

    async function run(plan, report, openBefore) {
      report.openBefore = openBefore;
      report.dialogWatch = watchDialogs(report.openBefore);
      clearTimeout(flushTimer);
      flushTimer = 0;
      try {
        for (const {key, wanted} of plan) {
          const outcome = await setState(key, wanted, report);
          if (outcome === "done") report.done.push(key);
          else report.failed.set(key, outcome);
        }
        await wait(SETTLE_MS);
        rescanAll();
        for (const {key, wanted} of plan) {
          const record = recordByKey(key);
          if (record && report.done.includes(key) && isChecked(record.element) !== wanted) report.failed.set(key, "tickedBack");
        }
      } finally {
        report.dialogWatch.stop();
        busy = false;
        pending = [];
      }
    }

    function describeFailures(report) {
      return [...report.failed].map(([key, reason]) => ({label: recordByKey(key)?.label || key, reason}));
    }

    /** Untick every consent and tick every objection box. Never submits. */
    async function clearAll() {
      if (busy) return null;
      rescanAll();
      const all = [...records.values()];
      const plan = ["consent", "objection"].flatMap((kind) => all
        .filter((record) => record.kind === kind && !isProtective(record))
        .map((record) => ({key: record.key, wanted: kind === "objection", from: isChecked(record.element)})));
      const report = {done: [], failed: new Map(), confirmed: []};
      busy = true;
      update();
      await run(plan, report, openDialogsInKnownRoots());
      const changed = plan.filter(({key}) => report.done.includes(key) && !report.failed.has(key));
      lastRun = {kind: "clear", changes: changed.map(({key, from}) => ({key, from})), failed: describeFailures(report), confirmed: report.confirmed};
      update();
      return lastRun;
    }

    /** Put back every control the last clearAll changed. */
    async function undo() {
      if (busy || lastRun?.kind !== "clear" || !lastRun.changes.length) return null;
      const plan = [...lastRun.changes].reverse().map(({key, from}) => ({key, wanted: from})); // objections first: they may lock the others
      const report = {done: [], failed: new Map(), confirmed: []};
      busy = true;
      update();
      await run(plan, report, openDialogs());
      lastRun = {kind: "undo", changes: [], restored: report.done.length, failed: describeFailures(report), confirmed: report.confirmed};
      update();
      return lastRun;
    }

    function start() {
      scan(doc);
      findSaveButton();
      update();
      const view = doc.defaultView;
      view.addEventListener("resize", () => highlighter.reposition(), {passive: true});
      view.addEventListener("scroll", () => highlighter.reposition(), {passive: true, capture: true});
    }

    function stop() {
      for (const observer of observers) observer.disconnect();
      clearTimeout(flushTimer);
      clearTimeout(upgradeTimer);
      highlighter.clear();
      for (const element of records.keys()) element.removeAttribute("data-ohne-haken");
      saveButton?.removeAttribute("data-ohne-haken");
    }

    /** The user's own words (issue 16): every control is classified again with them, at once. */
    function setUserTerms(terms) {
      classifier.setUserTerms?.(terms);
      if (busy || !rootList.length) return; // not started yet, or a run keeps its plan: the next scan uses them
      for (const element of records.keys()) element.removeAttribute("data-ohne-haken");
      records.clear();
      candidates.clear();
      keyCounts = new Map();
      scan(doc);
      findSaveButton();
      update();
    }

    return {start, stop, clearAll, undo, snapshot, setUserTerms, rescan: () => {
      rescanAll();
      update();
    }};
  }

  OH.createEngine = createEngine;
  OH.engineInternals = {isChecked, waitFor};
})();
