// The sentinel: the engine only where needed (docs/SENTINEL.md).
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (!OH || OH.sentinel) return;
  if (window.top !== window) {
    try {
      if (window.top.document) return; // same origin: the top frame looks in
    } catch {
      return; // cross-origin
    }
  }

  const CANDIDATES = "input[type=checkbox],input[type=radio],[role=checkbox],[role=switch],[role=radio],[aria-pressed]," +
    "[aria-checked],select";
  const ATTRIBUTES = ["role", "type", "aria-pressed", "aria-checked"];
  const WALK_PAUSE_EVERY = 256; // hosts asked between two chances to pause (as dom.js)
  const LAUNCHER_KEY = OH.keys.showLauncher;

  const sites = OH.sitesFor(location.hostname, {sites: globalThis.ohneHakenSites || []});
  const installed = sites.some((site) => !site.onRequest);
  const cookieHosts = sites.flatMap((site) => site.cookieHosts || []).join(", ");
  const hasFlows = sites.some((site) => site.flows > 0);
  const {MAY_HOST_SELECTOR, mayHost, shadowRootOf} = OH; // namespace.js: dom.js walks by the same rule
  const NOTABLE = [CANDIDATES, cookieHosts, ":not(:defined)", "iframe", "frame"].filter(Boolean).join(",");

  let engine = null;
  let launcher = null;
  const watched = new WeakSet();
  const frames = new WeakSet();
  const bannerHosts = new Set();
  const undefinedHosts = new Set();
  let upgradeTimer = 0;
  let upgradeDelay = 0;
  const observer = new MutationObserver(onMutations);

  // Everything below waits for the load event (its scan would wait for it anyway), or for 3 s
  // after the document has been parsed on a page whose load never comes.
  const loaded = new Promise((resolve) => {
    if (document.readyState === "complete") return resolve();
    addEventListener("load", resolve, {once: true});
    const fallback = () => setTimeout(resolve, 3000);
    if (document.readyState === "loading") addEventListener("DOMContentLoaded", fallback, {once: true});
    else fallback();
  });

  /** The engine, injected once: OH.main or null. */
  function loadEngine() {
    if (!engine) {
      stop();
      engine = loaded.then(() => OH.main || OH.send({type: "loadEngine"})).then(() => OH.main || null);
    }
    return engine;
  }

  function stop() {
    observer.disconnect();
    clearTimeout(upgradeTimer);
    undefinedHosts.clear();
  }

  /** Does `start` need the engine? At once (what a mutation added is small). */
  function look(start) {
    const steps = lookSteps(start);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** The first look at a whole page, in slices with the page's turn between them (OH.runInSlices):
   *  a page of 50,000 elements is no long task (Firefox: 96 ms in one piece). False once a
   *  mutation brought the engine meanwhile, or this copy retired. */
  async function lookInSlices(start) {
    return (await OH.runInSlices(lookSteps(start), () => !engine && OH.alive())) ?? false;
  }

  /** The look as steps (a generator, its value the answer): a pause before each query of a
   *  root and every WALK_PAUSE_EVERY hosts asked. */
  function* lookSteps(start) {
    const stack = [start];
    while (stack.length) {
      const root = stack.pop();
      if (!root.isConnected) continue; // gone while the look paused
      if (root.nodeType === 1) {
        if (root.matches(CANDIDATES) || bannerIn(root)) return true;
        goInside(root, stack);
      } else if (!watched.has(root)) {
        watched.add(root);
        observer.observe(root, {childList: true, subtree: true, attributes: true, attributeFilter: ATTRIBUTES});
      }
      // One query, ended at the first match, for everything but the hosts (most roots, an icon's
      // say, have none of it; a page with candidates has its answer at the first).
      if (root.querySelector(NOTABLE)) {
        if (root.querySelector(CANDIDATES) || bannerIn(root)) return true;
        for (const element of root.querySelectorAll(":not(:defined)")) awaitDefinition(element);
        for (const frame of root.querySelectorAll("iframe,frame")) enterFrame(frame, stack);
      }
      yield;
      // The one step per element of a page: an indexed loop.
      const hosts = root.querySelectorAll(MAY_HOST_SELECTOR);
      for (let i = 0, count = hosts.length; i < count; i++) {
        if ((i + 1) % WALK_PAUSE_EVERY === 0) yield;
        const shadow = shadowRootOf(hosts[i]);
        if (shadow) stack.push(shadow);
      }
      yield;
    }
    return false;
  }

  function goInside(element, stack) {
    const name = element.localName;
    const shadow = mayHost(name) ? shadowRootOf(element) : null;
    if (shadow) stack.push(shadow);
    if (name === "iframe" || name === "frame") enterFrame(element, stack);
  }

  function enterFrame(element, stack) {
    if (!frames.has(element)) {
      frames.add(element);
      element.addEventListener("load", () => check([element]));
    }
    let doc = null;
    try {
      doc = element.contentDocument;
    } catch {
      // cross-origin
    }
    if (doc?.documentElement) stack.push(doc);
  }

  /** Is the site's cookie banner shown? Its hosts stay watched. */
  function bannerIn(root) {
    if (!cookieHosts) return false;
    for (const host of root.nodeType === 1 && root.matches(cookieHosts) ? [root] : root.querySelectorAll(cookieHosts)) {
      if (bannerHosts.has(host)) continue;
      bannerHosts.add(host);
      observer.observe(host, {attributes: true, attributeFilter: ["hidden", "style", "class"]});
    }
    return [...bannerHosts].some(bannerShown);
  }

  function bannerShown(host) {
    if (!host.isConnected || !host.checkVisibility()) return false;
    return Boolean((shadowRootOf(host) || host).querySelector("button,[role=button]"));
  }

  /** Defining a custom element attaches its shadow root unobserved. */
  function awaitDefinition(element) {
    if (undefinedHosts.has(element)) return;
    undefinedHosts.add(element);
    upgradeDelay = 200; // 0.2 ... 6.4 s
    if (!upgradeTimer) upgradeTimer = setTimeout(checkDefinitions, upgradeDelay);
  }

  function checkDefinitions() {
    upgradeTimer = 0;
    const defined = [...undefinedHosts].filter((element) => !element.isConnected || element.matches(":defined"));
    for (const element of defined) undefinedHosts.delete(element);
    check(defined);
    if (!engine && undefinedHosts.size && upgradeDelay < 6400) {
      upgradeDelay *= 2;
      upgradeTimer = setTimeout(checkDefinitions, upgradeDelay);
    }
  }

  function check(starts) {
    if (!engine && starts.some((start) => start.isConnected && look(start))) loadEngine();
  }

  function onMutations(records) {
    const starts = [];
    for (const record of records) {
      if (record.type === "attributes") starts.push(record.target);
      else for (const node of record.addedNodes) if (node.nodeType === 1 && node !== launcher?.host) starts.push(node); // not our own
    }
    check(starts);
    if (!engine && [...bannerHosts].some(bannerShown)) loadEngine();
  }

  // ---- the launcher: the panel's compact form, until the panel has drawn ----
  const CSS = ":host{all:initial}.panel{font:14px/1.4 system-ui,-apple-system,\"Segoe UI\",sans-serif;color:#14213d;" +
    "background:#fff;border:2px solid #003ca0;border-radius:10px;box-shadow:0 4px 18px #0004;padding:6px 8px;" +
    "display:flex;gap:8px;align-items:center;flex-wrap:wrap}header{display:flex;align-items:center;gap:8px}" +
    "h2{font-size:13px;margin:0;color:#003ca0}p{font-size:13px;margin:0}button{font:inherit;border-radius:6px;" +
    "border:1px solid #003ca0;background:#fff;color:#003ca0;padding:6px 10px;cursor:pointer;min-height:32px}" +
    ".primary{background:#003ca0;color:#fff;font-weight:600}button:focus-visible{outline:3px solid #ffb300;" +
    "outline-offset:2px}.icon{border:none;padding:2px 8px;min-height:28px;font-size:18px;line-height:1}" +
    "[hidden]{display:none!important}@media (max-width:480px),(max-height:480px),(pointer:coarse){*{font-size:16px!important}" +
    "button,.icon{min-height:44px;min-width:44px}}"; // a phone (issue 15): as panel.js

  function make(tag, attributes = {}, text = "", children = []) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.textContent = text;
    element.append(...children);
    return element;
  }

  function createLauncher() {
    const host = make("div", {id: "ohne-haken-panel", "data-ohne-haken-launcher": ""});
    const place = {position: "fixed", "z-index": "2147483646", right: "8px", bottom: "8px", left: "auto", top: "auto",
      margin: "0", "max-width": "calc(100% - 16px)"};
    for (const [property, value] of Object.entries(place)) host.style.setProperty(property, value, "important");
    const title = OH.t("panelTitle");
    const collapse = make("button", {"data-action": "collapse", class: "icon", "aria-expanded": "true",
      "aria-label": OH.t("collapse")}, "–");
    const expand = make("button", {"data-action": "expand", class: "primary", "aria-expanded": "false", hidden: ""}, title);
    const count = make("p", {"data-role": "active-count", id: "oh-desc", role: "status", "aria-live": "polite"},
      OH.t("launcherCount", ["0"]));
    const clear = make("button", {"data-action": "clear-all", class: "primary", disabled: "", hidden: ""}, OH.t("clearAll"));
    const tour = make("button", {"data-action": "start-tour"}, OH.t("startTour"));
    tour.hidden = !hasFlows;
    const report = make("button", {"data-action": "page-report", class: "report-open"}, OH.t("pageReport"));
    const panel = make("section", {class: "panel compact", "aria-labelledby": "oh-title", "aria-describedby": "oh-desc",
      "aria-label": OH.t("launcherLabel")}, "", [make("header", {}, "", [make("h2", {id: "oh-title"}, title), collapse]), count, clear, tour, report]);
    const root = host.attachShadow({mode: "open"});
    root.append(make("style", {}, CSS), panel, expand);
    root.addEventListener("click", (event) => {
      const action = event.target.closest("[data-action]")?.dataset.action;
      if (!event.isTrusted || !action) return; // not the page's clicks
      event.stopPropagation();
      if (action === "collapse" || action === "expand") {
        panel.hidden = action === "collapse";
        expand.hidden = !panel.hidden;
        (panel.hidden ? expand : collapse).focus();
      } else {
        loadEngine().then((main) => main?.fromLauncher(action));
      }
    });
    return {
      host,
      show(shown) {
        host.style.setProperty("display", shown ? "block" : "none", "important");
        if (!host.isConnected) document.documentElement.append(host);
        host.setAttribute("data-ready", "true");
        host.setAttribute("data-settled", "true");
      },
    };
  }

  function showLauncher() {
    const show = (shown) => {
      if (OH.main) return; // the panel comes
      launcher ??= createLauncher();
      launcher.show(shown);
    };
    OH.api.storage.local.get(LAUNCHER_KEY).then((stored) => show(stored[LAUNCHER_KEY] !== false), () => show(true));
    OH.api.storage.onChanged.addListener((changes, area) => {
      if (area === "local" && LAUNCHER_KEY in changes && launcher) show(changes[LAUNCHER_KEY].newValue !== false);
    });
  }

  // The popup (tabs.sendMessage) asks: the user wants the engine.
  OH.api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== OH.api.runtime.id || !message?.type) return false; // main.js knows the types
    loadEngine().then((main) => (main ? main.handle(message) : null)).then(sendResponse, () => sendResponse(null));
    return true; // answered later
  });

  // A tab opened to start a walkthrough (claimed here for main.js): asked once, after `load`
  // like everything else that talks to the background or storage (none of it delays the page).
  let claimed = null;
  const claim = () => (claimed ??= installed ? OH.send({type: "claimTourStart"}) : Promise.resolve(false));

  OH.sentinel = {
    loaded, // the page's load event, or 3 s (main.js waits no longer)
    claim,
    loadEngine,
    handOver() {
      launcher?.host.remove();
      launcher = null;
    },
  };
  OH.onRetire(() => {
    stop();
    launcher?.host.remove();
  });

  // The first look waits for the load event (then a task of its own): nothing of it counts
  // towards the page's load time, and the engine's scan would wait for load anyway.
  loaded.then(() => setTimeout(() => {
    if (!OH.alive()) return; // this copy was retired meanwhile (extension reloaded)
    for (const old of document.querySelectorAll("[data-ohne-haken-launcher]")) old.remove(); // an earlier copy's
    if (!installed) {
      loadEngine(); // injected on request
      return;
    }
    lookInSlices(document).then((found) => {
      if (engine || !OH.alive()) return; // brought meanwhile (a mutation, the popup), or retired
      if (found) {
        loadEngine(); // candidates there
      } else { // the launcher only where the panel does not come at once
        const running = hasFlows ? OH.api.storage.local.get(OH.keys.tour).then((stored) => Boolean(stored[OH.keys.tour]), () => false) : false;
        Promise.all([claim(), running]).then(([tourClaimed, isRunning]) => (tourClaimed || isRunning ? loadEngine() : showLauncher()));
      }
    });
  }, 0));
})();
