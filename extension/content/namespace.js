/*
 * Ohne Haken content scripts: how the parts talk.
 *
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

  /** Does a match pattern's host part ("*", "*.example.de" or a name) cover this host name? */
  function hostMatches(pattern, hostname) {
    const host = pattern.split("://")[1]?.split("/")[0] ?? "";
    if (host === "*") return true;
    if (host.startsWith("*.")) return hostname === host.slice(2) || hostname.endsWith(host.slice(1));
    return hostname === host;
  }

  globalThis.ohneHaken = {
    api,
    alive,

    /** Run `hook` once when this copy turns out to be orphaned (see `alive`). */
    onRetire(hook) {
      retireHooks.push(hook);
    },

    /** The rule sites (rules/*.json, kind "site") whose patterns cover this host name. */
    sitesFor(hostname, rules = globalThis.ohneHakenRules) {
      return rules.sites.filter((site) => site.matches.some((pattern) => hostMatches(pattern, hostname)));
    },

    /** A localised message; `subs` fill $1, $2 ... (messages without them are looked up once). */
    t(key, subs) {
      if (!subs && messageCache.has(key)) return messageCache.get(key);
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
