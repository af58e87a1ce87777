/*
 * Entry point of the engine (the last file of bundles/engine.js, which the background injects when the
 * sentinel, content/sentinel.js, asks for them): pick the vocabulary for this site, start the
 * engine, show the panel (it replaces the sentinel's launcher), and resume a walkthrough if one
 * is running (or start one the toolbar popup asked for when it opened this tab). Answers the
 * popup and the background through one dispatcher (POPUP_HANDLERS), which the sentinel calls
 * as OH.main.handle.
 * Same-origin child frames are scanned from the top frame, so they do nothing here.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (!OH || OH.started || !OH.createEngine || !OH.createPanel) return; // (a page left before every file came)
  OH.started = true;

  if (window.top !== window) {
    try {
      if (window.top.document) return; // same origin: the top frame's engine covers this frame
    } catch {
      return; // cross-origin frame: not supported (docs/ENGINE.md)
    }
  }

  const AUTO_DECLINE_KEY = OH.keys.autoDeclineCookies; // set in the toolbar popup
  const USER_TERMS = globalThis.ohneHakenUserTerms; // the user's own words (user-terms.js)
  const LOAD_WAIT_MS = 3000; // the first scan waits for the page's load event at most this long
  OH.dom.removeStaleUi(document);

  const rules = globalThis.ohneHakenRules;
  const sites = OH.sitesFor(location.hostname);
  const vocabulary = OH.mergeVocabulary(rules.vocabulary, ...sites.map((site) => site.terms || {}));
  const cookieBanner = sites.find((site) => site.cookieBanner)?.cookieBanner || null;
  const cookies = OH.createCookieBanner({config: cookieBanner, neverPress: vocabulary.neverPress});
  let autoDecline = false; // the user's setting (toolbar popup), off unless switched on
  let autoDeclineTried = false; // one attempt per page, never a loop
  let autoDeclining = null; // the automatic decline, once started
  let lastReported = "";
  let userTerms = []; // the user's own words, [{phrase, kind}] (storage.local, see user-terms.js)
  let panel = null;
  const listeners = [];

  function reportCount(snapshot) {
    const report = `${snapshot.active}/${snapshot.total}`;
    if (report === lastReported) return;
    lastReported = report;
    OH.send({type: "reportCount", active: snapshot.active, total: snapshot.total});
  }

  const engine = OH.createEngine({
    vocabulary,
    onUpdate(snapshot) {
      if (!OH.alive()) return; // orphaned (see below): the panel must not come back
      const banner = cookies.find();
      panel.setCookieBanner(Boolean(banner));
      if (banner && autoDecline && !autoDeclineTried) {
        autoDeclineTried = true;
        autoDeclining = declineCookies();
      }
      panel.update(snapshot);
      OH.sentinel?.handOver(); // the panel has drawn: the launcher goes
      for (const listener of listeners) listener(snapshot);
      reportCount(snapshot);
    },
  });

  // Back to a page kept in the back/forward cache: the browser cleared its badge when the tab
  // left it, so report again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    lastReported = "";
    reportCount(engine.snapshot());
  });

  // The walkthrough (content/tour.js) is not injected with the other scripts: most pages never
  // run one. It is loaded into this page by the background when a walkthrough starts or is
  // running here (loadTour), once.
  const TOUR_KEY = OH.keys.tour; // the running walkthrough (content/tour.js)
  const siteNames = new Set(sites.map((site) => site.name));
  const tourFlows = rules.flows.filter((flow) => siteNames.has(flow.site)).map((flow) => flow.name);
  const tourAvailable = tourFlows.length > 0;
  let tour = null;
  let tourLoading = null;

  /** The walkthrough for this page, loaded on first use; null where none exists or it cannot load. */
  function loadTour() {
    if (!tourAvailable) return Promise.resolve(null);
    tourLoading ??= (OH.createTour ? Promise.resolve() : OH.send({type: "loadTour"})).then(() => {
      if (!OH.createTour) return null; // the background could not inject it
      tour = OH.createTour({
        rules, engine,
        onEngineUpdate: (fn) => listeners.push(fn),
        onTarget: (element) => panel?.keepClearOf(element), // the panel never covers what the walkthrough points at
      });
      return tour;
    });
    return tourLoading;
  }

  /** The page report (report.js): made here, on the device, only when the user asks. */
  function makeReport() {
    return OH.report.build({snapshot: engine.snapshot(), userTerms});
  }

  async function declineCookies() {
    const declined = await cookies.decline();
    panel.cookiesDeclined(declined);
    return declined;
  }

  // What this page needs from storage.local at its start, in one read (each extension API call
  // costs the page; the panel's setting is read here too).
  const atStart = OH.api.storage.local.get([AUTO_DECLINE_KEY, USER_TERMS.KEY, TOUR_KEY, OH.keys.showLauncher]);

  panel = OH.createPanel({
    stored: atStart,
    actions: {
      clearAll: () => engine.clearAll(),
      undo: () => engine.undo(),
      startTour: tourAvailable ? (button) => loadTour().then((loaded) => loaded?.start(undefined, button)) : null, // the button pressed: the focus may move while tour.js loads
      declineCookies,
      makeReport,
    },
  });
  // Orphaned after the extension was reloaded or updated (Chromium keeps this copy running with
  // its extension APIs gone, see OH.alive): leave the page as the page's own until it loads again.
  OH.onRetire(() => {
    tour?.stop();
    engine.stop();
    panel.host.remove();
  });

  let engineStarted = false;
  let engineScanned;
  const firstScan = new Promise((resolve) => {
    engineScanned = resolve;
  });
  const settingsRead = atStart.then((stored) => {
    autoDecline = stored[AUTO_DECLINE_KEY] === true;
    if (autoDecline && engineStarted) engine.rescan(); // synchronous: a banner is declined now
  }, () => {});

  // The user's own words (popup, "Eigene Begriffe"): used at once, also on pages already open.
  function applyUserTerms(value) {
    userTerms = USER_TERMS.valid(value);
    engine.setUserTerms(userTerms);
  }
  const termsRead = atStart.then((stored) => applyUserTerms(stored[USER_TERMS.KEY]), () => {});
  OH.api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && USER_TERMS.KEY in changes && OH.alive()) applyUserTerms(changes[USER_TERMS.KEY].newValue);
  });

  // The first scan runs after the page's load event (a task of its own, so the page's load time
  // does not include it), or after LOAD_WAIT_MS on a page whose load never ends (the sentinel's
  // wait where it brought the engine, the same length). Content that
  // arrives meanwhile is part of that scan; from then on the engine watches the page.
  function startEngine() {
    if (engineStarted) return;
    engineStarted = true;
    // With the user's own words already known: they would otherwise make the engine look again.
    termsRead.then(() => engine.start()).then(engineScanned); // the first scan runs in slices (engine-core.js)
  }
  // And after the browser has drawn the page once (OH.dom.afterNextFrame): the scan's first look
  // at a control's box then finds the layout done instead of doing it in the middle of its work.
  // The sentinel has waited already (injected after its wait): one wait in all, not two.
  const pageLoaded = OH.sentinel?.loaded ?? new Promise((resolve) => {
    if (document.readyState === "complete") return resolve();
    window.addEventListener("load", resolve, {once: true});
    setTimeout(resolve, LOAD_WAIT_MS);
  });
  pageLoaded.then(() => OH.dom.afterNextFrame(startEngine));

  // A tab opened by the popup ("Mein o2 öffnen und Anleitung starten", the other opt-outs) or
  // by the walkthrough's last step starts that walkthrough once; any other page resumes a
  // running one. Start only after resume has settled, so a late resume cannot overwrite the
  // new walkthrough.
  const claim = OH.sentinel ? OH.sentinel.claim() : OH.send({type: "claimTourStart"}); // claimed once, by the sentinel
  const running = tourAvailable ? atStart.then((stored) => Boolean(stored[TOUR_KEY]), () => false) : false;
  const tourDecided = Promise.resolve(running)
    .then((isRunning) => (isRunning ? loadTour().then((loaded) => loaded?.resume()) : null))
    .then(() => claim)
    .then((claimed) => (claimed ? loadTour().then((loaded) => loaded?.start(claimed.flow)) : null));

  // Readiness (docs/HOOKS.md): `data-settled` on the panel host once this page has the answers of
  // storage and the background (a running walkthrough, one to start, the automatic cookie decline)
  // and has acted on them. Only after it does "no walkthrough, nothing declined" mean anything.
  const cookiesDecided = Promise.all([settingsRead, firstScan]).then(() => autoDeclining);
  Promise.all([tourDecided, cookiesDecided]).catch(() => {}).then(() => {
    if (OH.alive()) panel.host.setAttribute("data-settled", "true");
  });

  /** What the popup shows for this page: plain data only (no elements). */
  function status() {
    const s = engine.snapshot();
    const run = s.lastRun;
    return {
      active: s.active, total: s.total, busy: s.busy, save: s.save,
      lastRun: run ? {kind: run.kind, changed: run.changes.length, failed: run.failed.length} : null,
      tourShown: Boolean(document.getElementById("ohne-haken-tour")?.isConnected),
      tourFlows,
    };
  }

  /** Messages from the toolbar popup and the background (tabs.sendMessage); no other types. */
  const POPUP_HANDLERS = {
    getStatus: () => status(),
    clearAll: async () => {
      await engine.clearAll();
      return status();
    },
    startTour: async () => {
      (await loadTour())?.start();
      return status();
    },
    resumeTour: async () => {
      await (await loadTour())?.resume();
      return status();
    },
    showReport: async () => {
      await panel.showReport();
      return status();
    },
    endTour: async () => {
      if (tour) tour.end();
      else await OH.api.storage.local.remove(TOUR_KEY).catch(() => {}); // not loaded here: end it in storage
      return status();
    },
  };

  /** One message of the popup or the background (the sentinel's listener passes them on). */
  function handle(message) {
    if (!message || !Object.hasOwn(POPUP_HANDLERS, message.type)) return Promise.resolve(null);
    return Promise.resolve(POPUP_HANDLERS[message.type](message));
  }
  OH.main = {
    handle,
    /** A button of the sentinel's launcher (start-tour, page-report): done as the panel's own
     *  button would, which takes the focus (the walkthrough gives it back there when it ends). */
    async fromLauncher(action) {
      await firstScan; // the panel is drawn (and the launcher gone) once the first scan is done
      const button = panel.host.shadowRoot.querySelector(`[data-action="${CSS.escape(action)}"]`);
      button?.focus({preventScroll: true});
      if (action !== "start-tour") return handle({type: "showReport"});
      // The walkthrough remembers this button, not whatever has the focus once tour.js has loaded.
      await (await loadTour())?.start(undefined, button);
      return status();
    },
  };

  if (!OH.sentinel) { // loaded without the sentinel: answer the popup here
    OH.api.runtime.onMessage.addListener((message, sender, sendResponse) => {
      if (sender.id !== OH.api.runtime.id || !message || !Object.hasOwn(POPUP_HANDLERS, message.type)) return false;
      handle(message).then(sendResponse, () => sendResponse(null));
      return true; // the answer comes asynchronously
    });
  }
})();
