/*
 * Finding and watching: every root (document, open and closed shadow roots, same-origin frames)
 * is walked for the controls of every shape (OH.shapes), observed with one MutationObserver, and
 * what changes is queued and handed to the engine after a short debounce. Nothing runs while the
 * page is idle (no polling). stop() removes every observer, listener and timer it added.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createWatcher) return;
  const {dom} = OH;

  const DEBOUNCE_MS = 50; // coalesce mutation bursts
  const VISIBILITY_ATTRIBUTES = ["hidden", "open", "class", "style", "aria-hidden", "inert", "aria-expanded"];
  const STATE_ATTRIBUTES = ["aria-checked", "checked", "disabled", "aria-disabled", "aria-pressed", "selected", "role", "type"];
  const VISIBILITY = Symbol("visibility");
  const OBSERVED = {
    childList: true, subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: [...STATE_ATTRIBUTES, ...VISIBILITY_ATTRIBUTES],
  };
  const OUTLINE_DECLARATION = /(^|;)\s*outline(-offset)?\s*:[^;]*/gi;
  const UPGRADE_FIRST_MS = 200;
  const UPGRADE_LAST_MS = 6400;

  /**
   * A style change that touched nothing but the outline (the highlighter's marks) can neither
   * show nor hide anything: without this check every mark made the engine look again.
   */
  function onlyOutlineChanged(mutation) {
    if (mutation.attributeName !== "style") return false;
    const rest = (style) => (style || "").replace(OUTLINE_DECLARATION, "$1").replace(/[\s;]+/g, " ").trim();
    return rest(mutation.oldValue) === rest(mutation.target.getAttribute("style"));
  }

  /**
   * onBatch({nodes, visibility, refresh}) is called after each debounced burst: `nodes` added or changed
   * (connected elements), `visibility` true when something may have been shown or hidden,
   * `refresh` true when states may have changed or something was removed.
   */
  function createWatcher({doc, onBatch}) {
    const observedRoots = new WeakSet();
    const roots = []; // the same roots, in order (a dialog may open in any of them)
    const watchedFrames = new WeakSet();
    const observer = new MutationObserver(onMutations); // one for every root: a new one per root cost 40 us (Firefox)
    const removers = []; // undo every listener added
    const undefinedHosts = new Set(); // custom elements not defined yet (see awaitDefinition)
    const awaitedNames = new Set();
    let pending = [];
    let flushTimer = 0;
    let upgradeTimer = 0;
    let upgradeDelay = 0;
    let paused = false;
    let stopped = false;

    function listen(target, type, handler, options) {
      target.addEventListener(type, handler, options);
      removers.push(() => target.removeEventListener(type, handler, options));
    }

    function observe(root) {
      if (stopped || observedRoots.has(root)) return;
      observedRoots.add(root);
      roots.push(root);
      observer.observe(root.nodeType === 9 ? root.documentElement || root : root, OBSERVED);
      // A user's answer: click and input leave shadow roots (composed, as their host's), change
      // does not but comes after one of them; so listeners per document, none per shadow root.
      if (root.nodeType !== 9) return;
      for (const type of ["change", "click", "input"]) listen(root, type, onUserChange, true);
    }

    function watchFrame(frame) {
      if (stopped || watchedFrames.has(frame)) return;
      watchedFrames.add(frame);
      listen(frame, "load", () => queue(frame));
    }

    /**
     * A design-system element (one-checkbox ...) whose definition arrives later gets its
     * shadow root without any mutation the observers could see. Firefox tells when a name is
     * defined; elsewhere it is looked at again a few times with growing pauses (0.2 s ... 6.4 s,
     * then never again), and only while such elements exist.
     */
    function awaitDefinition(element) {
      if (stopped || undefinedHosts.has(element)) return;
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
      if (stopped) return;
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

    /**
     * Every element under `start` matching `selector`, each root observed on the way, as a
     * generator; null now and then inside a large root, where a scan in slices may pause.
     */
    function* find(start, selector) {
      for (const root of dom.rootsUnder(start, watchFrame)) {
        if (root === null) {
          yield null;
          continue;
        }
        const isElement = root.nodeType === 1;
        if (!isElement) observe(root);
        else if (root.matches(selector)) yield root;
        // One query, ended at the first match, before the two that list: most roots (an added
        // row, an icon's shadow root) hold neither a control nor an element still to be defined.
        if (!root.querySelector(`${selector}, :not(:defined)`)) continue;
        for (const element of root.querySelectorAll(":not(:defined)")) {
          if (!dom.isOwn(element)) awaitDefinition(element); // the marks layer is never defined: no timers for it
        }
        yield null; // a pause between two queries of a whole document (dom.rootsUnder)
        yield* root.querySelectorAll(selector);
      }
    }

    function prune() {
      for (let i = roots.length - 1; i >= 0; i--) {
        const root = roots[i];
        if (root.nodeType === 11 && !root.host?.isConnected) roots.splice(i, 1);
      }
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
          if ([...mutation.removedNodes].some((node) => !dom.isOwn(node))) {
            pending.push(null); // something went: the questions and the save button are looked at again
            relevant = true;
          }
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

    function onUserChange(event) {
      if (paused || dom.isOwn(event.target)) return;
      pending.push(null);
      schedule();
    }

    function queue(node) {
      pending.push(node);
      schedule();
    }

    function schedule() {
      if (flushTimer || paused || stopped) return;
      flushTimer = setTimeout(flush, DEBOUNCE_MS);
    }

    function flush() {
      flushTimer = 0;
      if (stopped) return;
      const batch = pending;
      pending = [];
      onBatch({
        nodes: batch.filter((node) => node && node !== VISIBILITY && node.isConnected),
        visibility: batch.includes(VISIBILITY),
        refresh: batch.includes(null),
      });
    }

    return {
      find, prune, roots, watchFrame,
      /** While the engine clears: changes are not handled one by one (it rescans at the end). */
      pause() {
        paused = true;
        clearTimeout(flushTimer);
        flushTimer = 0;
      },
      resume() {
        paused = false;
        pending = [];
      },
      stop() {
        stopped = true;
        observer.disconnect();
        for (const remove of removers) remove();
        removers.length = 0;
        clearTimeout(flushTimer);
        clearTimeout(upgradeTimer);
        undefinedHosts.clear();
        pending = [];
      },
    };
  }

  OH.createWatcher = createWatcher;
})();
