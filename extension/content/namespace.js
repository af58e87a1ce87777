/*
 * Ohne Haken content scripts: how the parts talk.
 *
 *   shared/common.js           the storage keys and helpers shared with the popup and the
 *                              background (loaded first)
 *   rules-data.js (generated)  site knowledge: vocabulary, sites, walkthrough flows
 *          |
 *   text.js  dom.js  labels.js   normalise text; walk the DOM (shadow roots, frames); read labels
 *          \    |    /
 *          classify.js            label + context -> consent | objection | other (with reasons)
 *               |
 *          engine-*.js, shape-*.js  <-- highlight.js   find, watch, clear in one click, undo; marks
 *               |                                 (engine-core.js says how its parts fit)
 *               |
 *          panel.js   tour*.js     the in-page panel and the walkthrough (own shadow roots; tour-page.js,
 *                                  tour-overlay.js, tour.js are loaded on demand, see main.js)
 *               \       /
 *               main.js            wires them together; talks to background/ through `send`
 *
 * Every file is a classic script wrapped in a function that adds to one namespace,
 * `globalThis.ohneHaken`, and each is safe to run twice (the second run changes nothing).
 */
"use strict";

(function () {
  if (globalThis.ohneHaken) return;

  const api = globalThis.browser ?? globalThis.chrome;
  const messageCache = new Map();
  const retireHooks = [];
  let retired = false;

  /**
   * Is this copy still connected to the extension? Chromium keeps a page's content scripts
   * running after the extension was reloaded or updated, with runtime.id gone and every
   * extension API throwing "Extension context invalidated"; the new copy comes with the next
   * page load. The first check that finds this copy orphaned retires it (`onRetire` hooks, run
   * once the caller's stack has returned): its panel, marks and walkthrough leave the page and
   * it goes quiet.
   */
  function alive() {
    if (retired) return false;
    let id;
    try {
      id = api.runtime?.id;
    } catch {
      id = undefined;
    }
    if (id) return true;
    retired = true;
    // After the caller's own work: a hook must not run in the middle of a half-done update
    // (the marks layer, say), which would then put back what the hook took away.
    queueMicrotask(() => {
      for (const hook of retireHooks) hook();
    });
    return false;
  }

  /*
   * The messages, written in by build.py (docs/SENTINEL.md): the launcher's few with the page
   * bundle, all of them with the engine. i18n.getMessage's first call in a page loads the whole
   * catalog and each call is checked against the API's schema: in Chromium that was 2.5 ms on
   * every page and 4-5 ms where the panel comes. Picked as getMessage picks: the browser's
   * language (de_AT), then its language part (de), then the default locale.
   */
  const pickedTables = new WeakMap();
  function writtenMessages() {
    const all = globalThis.ohneHakenMessages || globalThis.ohneHakenLauncherText;
    if (!all) return null;
    if (!pickedTables.has(all)) {
      let ui = "";
      try {
        ui = api.i18n.getUILanguage() || "";
      } catch {
        // orphaned: the default locale
      }
      pickedTables.set(all, all[ui.replace("-", "_")] || all[ui.split("-")[0]] || all[all.default] || null);
    }
    return pickedTables.get(all);
  }

  /** $1 ... $9 filled in as getMessage fills them (a missing one gives ""). */
  function fill(message, subs) {
    return message.replace(/\$(\d)/g, (_all, n) => (subs[n - 1] === undefined ? "" : String(subs[n - 1])));
  }

  const common = globalThis.ohneHakenCommon; // shared/common.js

  /*
   * Only custom elements and article, aside, blockquote, body, div, footer, h1-h6, header,
   * main, nav, p, section and span can host a shadow root (attachShadow refuses all others), so
   * a walk (the sentinel's, dom.js's) does not ask the most frequent other elements for one:
   * asking is a call into the extension API per element, most of a walk's cost. A short list
   * matches faster than a complete one and leaves out nearly as many; frames stay in (they are
   * walked into).
   */
  const NO_HOSTS = new Set(["a", "li", "img", "path", "svg", "i", "ul", "button", "input", "br", "option", "td", "tr",
    "label", "script", "source", "strong", "g", "use", "b", "em", "small", "table", "tbody"]);
  const MAY_HOST_SELECTOR = `:not(${[...NO_HOSTS].join(", ")})`;

  /** Shadow root of an element, open or closed (extension-only access where the browser offers it),
   *  with the browser's accessor looked up once. Chromium's accessor is an extension API call, the
   *  most costly step of a walk: it is asked only for custom elements and empty elements, the
   *  elements a closed root can be of use on (a built-in element with content of its own and a
   *  closed root would hide that content). */
  let pickedAccessor = null;
  const shadowRootOf = (element) => (pickedAccessor ??= pickAccessor())(element);
  // Picked at the first call, after `load`: the first look at an element's properties sets up the
  // DOM's interfaces in the extension's world, which would otherwise happen before the page loads.
  function pickAccessor() {
    if ("openOrClosedShadowRoot" in (document.documentElement ?? document.createElement("div"))) return (element) => element.openOrClosedShadowRoot || null; // Firefox
    const domApi = api?.dom;
    if (domApi?.openOrClosedShadowRoot) {
      return (element) => {
        const open = element.shadowRoot;
        if (open || !(element.localName.includes("-") || !element.firstChild)) return open;
        try {
          return domApi.openOrClosedShadowRoot(element); // Chromium
        } catch {
          return null;
        }
      };
    }
    return (element) => element.shadowRoot;
  }

  const SLICE_MS = 8; // longest piece of a look or scan before the page gets its turn

  /** Let the page run (input, rendering, its own tasks) before going on: scheduler.yield() where
   *  the browser offers it to content scripts, else a message-channel task of our own. */
  function yieldToPage() {
    try {
      const scheduler = globalThis.scheduler;
      if (typeof scheduler?.yield === "function") return scheduler.yield();
    } catch {
      // not offered to content scripts here: a task of our own
    }
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.addEventListener("message", () => resolve(), {once: true});
      channel.port1.start();
      channel.port2.postMessage(null);
    });
  }

  /**
   * Run a generator's steps in slices of at most SLICE_MS, the page's turn between them (the
   * sentinel's first look, the engine's scans): no long task on a large page. `goOn()` is asked
   * after each turn the page had; once it says no, the rest is dropped. Resolves to the
   * generator's value, or undefined when dropped. The clock is Date.now(): performance.now() is
   * a call across worlds in Firefox, and it is read at every step.
   */
  async function runInSlices(steps, goOn) {
    let sliceEnd = Date.now() + SLICE_MS;
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (Date.now() < sliceEnd) continue;
      await yieldToPage();
      if (!goOn()) return undefined;
      sliceEnd = Date.now() + SLICE_MS;
    }
  }

  globalThis.ohneHaken = {
    api,
    alive,
    runInSlices,
    MAY_HOST_SELECTOR,
    /** May an element of this (local) name host a shadow root? (An element already in hand: no query needed.) */
    mayHost: (localName) => !NO_HOSTS.has(localName),
    shadowRootOf,
    /** The storage.local keys (shared/common.js, their one home). */
    keys: common.KEYS,

    /** "N still share data" for a snapshot {active, total} (shared with the popup). */
    countText(snapshot) {
      return common.countText(snapshot, globalThis.ohneHaken.t);
    },

    /** Run `hook` once when this copy turns out to be orphaned (see `alive`). */
    onRetire(hook) {
      retireHooks.push(hook);
    },

    /** The rule sites (rules/*.json, kind "site") whose patterns cover this host name. */
    sitesFor(hostname, rules = globalThis.ohneHakenRules) {
      return rules.sites.filter((site) => site.matches.some((pattern) => common.hostMatches(pattern, hostname)));
    },

    /** A localised message; `subs` fill $1, $2 ... (messages without them are looked up once).
     *  From the messages build.py wrote in where it has them, else from i18n.getMessage. */
    t(key, subs) {
      if (!subs && messageCache.has(key)) return messageCache.get(key);
      const written = writtenMessages()?.[key];
      if (written !== undefined) {
        const message = subs ? fill(written, [].concat(subs)) : written;
        if (!subs) messageCache.set(key, message);
        return message;
      }
      if (!alive()) return key; // orphaned: its UI is off the page by now
      if (subs) return api.i18n.getMessage(key, subs) || key;
      const message = api.i18n.getMessage(key) || key;
      messageCache.set(key, message);
      return message;
    },

    /** Send a message to the background; never throws (the background may be restarting). */
    async send(message) {
      if (!alive()) return undefined;
      try {
        return await api.runtime.sendMessage(message);
      } catch {
        return undefined;
      }
    },
  };
})();
