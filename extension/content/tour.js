/*
 * The guided walkthrough: flows from rules/flows/*.json. Three files, loaded on demand in this
 * order by the background (loadTour) into a page that starts or runs a walkthrough:
 *   tour-page.js     reads the page: which steps it shows and how strongly, the step's target
 *   tour-overlay.js  draws: spotlight, popover (host #ohne-haken-tour), live region, placement
 *   tour.js          this file: the running walkthrough, its state in storage, the page watch
 *
 * Which step to show is decided from what the page is, not from where the user clicked (see
 * tour-page.js and docs/FLOWS.md), so users may take another route, go back, reload or arrive in
 * the middle. Where nothing is recognised the current step stays and, its target missing, the
 * popover says what to look for and where.
 *
 * State lives in extension storage (storage.local "tour", storage schema 2: see
 * background/storage-schema.js), so it survives page loads, the hop between login.o2online.de
 * and www.o2online.de, and a reload of the extension; it ends on Close, on completion, or
 * after an hour untouched. It keeps page paths, never full addresses, and never a field's value.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createTour) return;
  const {dom} = OH;

  const STORAGE_KEY = OH.keys.tour;
  const DONE_KEY = OH.keys.flowsDone; // {flow name: "YYYY-MM-DD"} for flows whose result expires (renewAfterDays)
  const STALE_MS = 60 * 60 * 1000;
  const MISSING_WAIT_MS = 1200; // wait this long for late content before saying "look for ..."
  const DECIDE_DEBOUNCE_MS = 120;
  const MOBILE = /Android|iPhone|iPad|Mobile/i; // browsers that open sms: links

  function createTour({rules, engine, onEngineUpdate, onTarget = () => {}, doc = document, storage = OH.api.storage.local}) {
    let state = null; // {flow, step, reached, updated, manualPath, manualBest, formPath}
    let engineState = engine.snapshot();
    let shown = null; // {flowName, stepIndex, missing}
    let target = null;
    let opener = null; // the element that had the focus when the walkthrough started here
    let openerAction = null; // its data-action when it is a button of Ohne Haken's own panel
    let decideTimer = 0;
    let missingTimer = 0;
    let laterTimer = 0;
    let observer = null;

    const page = OH.tourPage.createPage({rules, doc, engineState: () => engineState, walk: () => state});
    const {here, flowByName, startUrl} = page;
    const overlay = OH.createTourOverlay({
      doc, buttonSelector: page.buttonSelector,
      onBack: () => step(-1), onNext: () => step(+1), onClose: () => end(),
      onOffer: (name) => OH.send({type: "openPortal", url: startUrl(flowByName(name)), flow: name}),
    });

    // -- state --
    /** Extension storage, or null once this copy is orphaned (its calls would throw: OH.alive). */
    const store = () => (OH.alive() ? storage : null);

    /** A walkthrough state of storage schema 2. Anything else (0.1.0's shape before the background
     *  has migrated it, a newer version's) is not this code's to use, nor to delete. */
    function isState(value) {
      return typeof value === "object" && value !== null && !("version" in value) && !("manualUrl" in value)
        && Boolean(flowByName(value.flow)) && typeof value.step === "string" && Number.isInteger(value.reached)
        && Number.isFinite(value.updated) && (value.manualPath === null || typeof value.manualPath === "string")
        && (value.formPath === undefined || value.formPath === null || typeof value.formPath === "string");
    }

    async function load() {
      try {
        const stored = (await store()?.get(STORAGE_KEY))?.[STORAGE_KEY];
        if (!isState(stored)) return null;
        if (Date.now() - stored.updated > STALE_MS) {
          await store()?.remove(STORAGE_KEY);
          return null;
        }
        return stored;
      } catch {
        return null;
      }
    }

    function save() {
      if (!state) return;
      state.updated = Date.now();
      store()?.set({[STORAGE_KEY]: state}).catch(() => {});
    }

    function end() {
      state = null;
      store()?.remove(STORAGE_KEY).catch(() => {});
      const lastTarget = target;
      if (stop()) returnFocus(lastTarget); // Esc, Close or Fertig: the focus was in the popover
    }

    /** The element to give the focus back to at the end, and its action when it is a button of
     *  Ohne Haken's panel or launcher (that element may be replaced meanwhile: found again by action).
     *  Started again while it runs (the popup, a second press), the focus may be in the popover:
     *  that is no opener, the first one is kept. */
    function remember(element) {
      if (!element || element === doc.body || element === doc.documentElement) {
        if (!state) opener = openerAction = null;
        return;
      }
      const host = element.getRootNode().host || element;
      if (host.id === "ohne-haken-tour") return; // our own popover: keep what started it
      opener = element;
      openerAction = host.id === "ohne-haken-panel" ? element.getAttribute("data-action") : null; // panel or launcher
    }

    /** The keyboard focus goes back to what started the walkthrough (or, when the sentinel's launcher
     *  that started it has made way for the panel, the panel's same button), else to the step's
     *  target, else to the panel's walkthrough button; never lost to the page's body. */
    function returnFocus(lastTarget) {
      const usable = (element) => element?.isConnected && dom.isVisible(element) && !element.closest?.("[inert]");
      const successor = openerAction ? page.panelButton(openerAction) : null;
      for (const candidate of [opener, successor, lastTarget, page.panelButton("start-tour")]) {
        if (!usable(candidate)) continue;
        candidate.focus({preventScroll: true});
        if (OH.deepActive(doc) === candidate || doc.activeElement === candidate) return;
      }
    }

    /** Off the page without touching the stored state (orphaned: the next page load resumes it).
     *  Returns whether the keyboard focus was in the popover. */
    function stop() {
      state = null;
      clearTimeout(decideTimer);
      clearTimeout(laterTimer);
      decideTimer = 0;
      const hadFocus = hide();
      stopWatching();
      return hadFocus;
    }

    // -- deciding the step --
    function currentIndex(flow) {
      const index = flow.steps.findIndex((s) => s.id === state.step);
      return index < 0 ? 0 : index;
    }

    function decide() {
      decideTimer = 0;
      if (!state || !OH.alive()) return;
      const startFlow = flowByName(state.flow); // one of `here`: resume() and start() take no other
      let flow = startFlow;
      const current = currentIndex(startFlow);
      let matches = page.matchingSteps(flow, state.reached);
      if (!matches.length) {
        // Another flow may fit this page better (the user took the other route).
        for (const other of here) {
          if (other === flow) continue;
          const otherMatches = page.matchingSteps(other, -1).filter((m) => m.index > 0);
          if (otherMatches.length) {
            flow = other;
            matches = otherMatches;
            state.flow = other.name;
            state.reached = -1;
            break;
          }
        }
      }
      const manual = state.manualPath === location.pathname;
      const next = OH.tourPage.chooseStep({
        flow, matches, current, manual, held: Math.max(current, state.manualBest ?? -1),
        currentHinted: page.pathHintHolds(startFlow.steps[current]), sameFlow: flow === startFlow,
      });
      if (!manual) {
        state.manualPath = null;
        state.manualBest = -1;
      }
      let changed = flow.steps[next].id !== state.step || next > state.reached;
      if (flow.steps[next].type === "panel" && matches.some((m) => m.index === next) && state.formPath !== location.pathname) {
        state.formPath = location.pathname; // the page of the consent form: where the clear step ran
        changed = true;
      }
      if (changed) {
        state.step = flow.steps[next].id;
        state.reached = Math.max(state.reached, next);
        save();
      }
      show(flow, next);
      watchForLater(flow);
    }

    /** A step recognised only after a while (`emptyAfter`: the page stayed empty): look again then. */
    function watchForLater(flow) {
      clearTimeout(laterTimer);
      const waits = flow.steps.flatMap((s) => [...(s.page.all || []), ...(s.page.any || [])])
        .filter((matcher) => "emptyAfter" in matcher).map((matcher) => matcher.emptyAfter - performance.now()).filter((ms) => ms > 0);
      if (waits.length) laterTimer = setTimeout(scheduleDecide, Math.min(...waits) + 50);
    }

    function scheduleDecide() {
      if (!state || decideTimer) return;
      decideTimer = setTimeout(decide, DECIDE_DEBOUNCE_MS);
    }

    /** Back / Next by hand: the chosen step holds on this page until the page moves on. */
    function step(delta) {
      if (!state || !OH.alive()) return;
      const flow = flowByName(state.flow);
      const current = currentIndex(flow);
      if (flow.steps[current].type === "done" && delta > 0) {
        end();
        return;
      }
      const to = Math.min(Math.max(current + delta, 0), flow.steps.length - 1);
      state.step = flow.steps[to].id;
      state.reached = Math.max(state.reached, to);
      state.manualPath = location.pathname;
      state.manualBest = OH.tourPage.strongest(page.matchingSteps(flow, state.reached));
      save();
      show(flow, to, true);
    }

    // -- showing a step --
    function show(flow, index, focus = false) {
      const stepRule = flow.steps[index];
      const newStep = !shown || shown.flowName !== flow.name || shown.stepIndex !== index;
      const found = page.findTarget(stepRule);
      if (newStep || found) {
        clearTimeout(missingTimer);
        missingTimer = 0;
      }
      const needsTarget = Boolean(stepRule.target);
      if (needsTarget && !found && newStep) {
        // Give late content a moment before saying "look for ...": never an empty overlay,
        // so the popover shows the instruction centred meanwhile.
        missingTimer = setTimeout(() => {
          missingTimer = 0;
          if (state && !page.findTarget(stepRule)) draw(flow, index, null, {missing: true});
        }, MISSING_WAIT_MS);
      }
      const missing = needsTarget && !found && !newStep && Boolean(shown?.missing);
      shown = {flowName: flow.name, stepIndex: index, missing};
      draw(flow, index, found, {missing, announce: newStep, focus: newStep || focus});
      if (stepRule.type === "done" && !state.finished) {
        store()?.remove(STORAGE_KEY).catch(() => {}); // completed: a reload must not bring it back
        state = {...state, finished: true};
        if (flow.renewAfterDays) rememberDone(flow);
      }
    }

    function draw(flow, index, found, {missing = false, announce = false, focus = false}) {
      const stepRule = flow.steps[index];
      if (shown) shown.missing = missing;
      const done = stepRule.type === "done";
      const offered = (done ? flow.then || [] : []).map(flowByName).filter((other) => other && startUrl(other));
      overlay.show({
        stepLine: OH.t("tourStepOf", [String(index + 1), String(flow.steps.length)]),
        title: OH.t(flow.title),
        instruction: OH.t(stepRule.text),
        where: missing && stepRule.where ? OH.t(stepRule.where) : "",
        alternative: done ? null : alternativeOf(flow),
        offers: offered.map((other) => ({name: other.name, title: OH.t(other.title)})),
        first: index === 0, done,
      }, found, {announce, focus});
      if (target !== found) {
        target = found;
        onTarget(found);
      }
    }

    /** The flow's other route (DAP: an SMS to a short number): an sms: link on phones, else the text. */
    function alternativeOf(flow) {
      const alternative = flow.alternative;
      if (!alternative) return null;
      const sms = alternative.sms;
      const href = sms && MOBILE.test(doc.defaultView.navigator.userAgent) ? `sms:${sms.to}?body=${encodeURIComponent(sms.body)}` : null;
      return {text: OH.t(alternative.text), href, linkText: alternative.title ? OH.t(alternative.title) : sms?.to};
    }

    /** A result that expires (Utiq: one year): keep only the date it was done, for the popup's reminder. */
    function rememberDone(flow) {
      const day = new Date().toISOString().slice(0, 10);
      const area = store();
      area?.get(DONE_KEY).then((stored) => {
        const done = stored[DONE_KEY] && typeof stored[DONE_KEY] === "object" ? stored[DONE_KEY] : {};
        return area.set({[DONE_KEY]: {...done, [flow.name]: day}});
      }).catch(() => {});
    }

    function hide() {
      clearTimeout(missingTimer);
      const hadFocus = overlay.hide();
      if (target) onTarget(null);
      target = null;
      shown = null;
      return hadFocus;
    }

    // -- watching the page while a walkthrough runs --
    function startWatching() {
      if (observer) return;
      observer = new MutationObserver((mutations) => {
        if (mutations.every((m) => dom.insideOwn(m.target))) return;
        scheduleDecide();
        overlay.requestPlace();
      });
      observer.observe(doc.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["hidden", "open", "class", "style", "aria-hidden"]});
      const view = doc.defaultView;
      view.addEventListener("scroll", overlay.requestPlace, {passive: true, capture: true});
      view.addEventListener("resize", overlay.requestPlace, {passive: true});
      view.addEventListener("popstate", scheduleDecide);
      doc.addEventListener("click", onPageClick, true);
      doc.addEventListener("focusin", overlay.requestPlace, true); // never cover what gets the focus
    }

    /** Changes inside a page's shadow roots are not seen by the observer: look again after clicks. */
    function onPageClick(event) {
      if (dom.isOwn(event.target)) return;
      scheduleDecide();
      setTimeout(scheduleDecide, 400);
    }

    function stopWatching() {
      observer?.disconnect();
      observer = null;
      const view = doc.defaultView;
      view.removeEventListener("scroll", overlay.requestPlace, {capture: true});
      view.removeEventListener("resize", overlay.requestPlace);
      view.removeEventListener("popstate", scheduleDecide);
      doc.removeEventListener("click", onPageClick, true);
      doc.removeEventListener("focusin", overlay.requestPlace, true);
    }

    onEngineUpdate((snapshot) => {
      engineState = snapshot;
      scheduleDecide();
    });

    /** Start `flowName` if it belongs here, else the flow that fits this page best (the default on a tie).
     *  `from`: the element that asked (the panel's button, known when it was pressed: the focus may
     *  have moved while tour.js loaded); by default whatever has the focus now. */
    function start(flowName, from = OH.deepActive(doc)) {
      if (!OH.alive()) return false;
      remember(from);
      const fit = (flow) => {
        const matches = page.matchingSteps(flow, -1);
        const index = OH.tourPage.strongest(matches);
        return {flow, index, strength: matches.find((m) => m.index === index)?.strength ?? 0};
      };
      let chosen = here.some((flow) => flow.name === flowName) ? fit(flowByName(flowName)) : null;
      if (!chosen) {
        for (const candidate of here.map(fit)) {
          const better = !chosen || candidate.strength > chosen.strength
            || (candidate.strength === chosen.strength && (candidate.index > chosen.index || (candidate.index === chosen.index && candidate.flow.default)));
          if (better) chosen = candidate;
        }
      }
      if (!chosen) return false; // no walkthrough for this site
      // Nothing recognised: the first step that is not a detour (never "decline cookies" without a banner).
      const first = chosen.index >= 0 ? chosen.index : Math.max(0, chosen.flow.steps.findIndex((s) => !s.optional));
      state = {flow: chosen.flow.name, step: chosen.flow.steps[first].id, reached: first, updated: Date.now(), manualPath: null, manualBest: -1, formPath: null};
      save();
      shown = null;
      startWatching();
      decide();
      return true;
    }

    async function resume() {
      state = await load();
      if (!state) return;
      if (!here.some((flow) => flow.name === state.flow)) {
        state = null; // a walkthrough on another site (e.g. DAP on telefonica.de): it goes on there, not here
        return;
      }
      state.manualPath = null;
      state.formPath ??= null;
      startWatching();
      decide();
    }

    storage.onChanged?.addListener?.((changes) => {
      if (changes[STORAGE_KEY] && !changes[STORAGE_KEY].newValue && state && !state.finished) {
        state = null; // ended in another tab
        hide();
        stopWatching();
      }
    });

    return {start, resume, end, stop};
  }

  OH.createTour = createTour;
})();
