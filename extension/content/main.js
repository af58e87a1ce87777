/*
 * Entry point (the last content script): pick the vocabulary for this site, start the
 * engine, show the panel, and resume a walkthrough if one is running.
 * Same-origin child frames are scanned from the top frame, so they do nothing here.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (!OH || OH.started) return;
  OH.started = true;

  if (window.top !== window) {
    try {
      if (window.top.document) return; // same origin: the top frame's engine covers this frame
    } catch {
      return; // cross-origin frame: not supported (docs/ENGINE.md)
    }
  }

  /** Does a manifest match pattern's host part cover this host name? */
  function hostMatches(pattern, hostname) {
    const host = pattern.split("://")[1].split("/")[0];
    if (host === "*") return true;
    if (host.startsWith("*.")) return hostname === host.slice(2) || hostname.endsWith(host.slice(1));
    return hostname === host;
  }

  function vocabularyFor(rules, hostname) {
    const merged = {};
    const sites = rules.sites.filter((site) => site.matches.some((pattern) => hostMatches(pattern, hostname)));
    for (const terms of [rules.vocabulary, ...sites.map((site) => site.terms || {})]) {
      for (const [category, list] of Object.entries(terms)) merged[category] = [...(merged[category] || []), ...list];
    }
    return merged;
  }

  const rules = globalThis.ohneHakenRules;
  let lastReported = "";
  let panel = null;
  const listeners = [];

  const engine = OH.createEngine({
    vocabulary: vocabularyFor(rules, location.hostname),
    onUpdate(snapshot) {
      panel.update(snapshot);
      for (const listener of listeners) listener(snapshot);
      const report = `${snapshot.active}/${snapshot.total}`;
      if (report !== lastReported) {
        lastReported = report;
        OH.send({type: "reportCount", active: snapshot.active, total: snapshot.total});
      }
    },
  });

  const tour = OH.createTour ? OH.createTour({rules, engine, onEngineUpdate: (fn) => listeners.push(fn)}) : null;

  panel = OH.createPanel({
    actions: {
      clearAll: () => engine.clearAll(),
      undo: () => engine.undo(),
      startTour: () => tour?.start(),
    },
  });
  engine.start();
  tour?.resume();
})();
