/*
 * The storage keys and small helpers that the content scripts, the extension pages and the
 * background share (each
 * loads this file: the manifest's content-script list, popup.html and privacy.html, the
 * background's scripts).
 * Safe to run twice.
 */
"use strict";

(function () {
  if (globalThis.ohneHakenCommon) return;

  /** storage.local: every key the extension writes, their one home (background/storage-schema.js
   *  describes the layout; tests/harness.py reads this list too). */
  const KEYS = Object.freeze({
    schemaVersion: "schemaVersion", // the layout of this area (background/storage-schema.js)
    tour: "tour", // the running walkthrough (content/tour.js)
    flowsDone: "flowsDone", // {flow name: "YYYY-MM-DD"} for walkthroughs whose result expires
    showLauncher: "showLauncher", // the popup's setting; absent means on
    autoDeclineCookies: "autoDeclineCookies", // the popup's setting; absent means off
    userTerms: "userTerms", // the user's own words, "Eigene Begriffe" (content/user-terms.js)
  });
  /** storage.session (background/background.js). */
  const SESSION_KEYS = Object.freeze({
    pendingTour: "pendingTour", // {tabId: {time, flow}}: tabs opened to start a walkthrough
  });

  /** Does a match pattern's host part ("*", "*.example.de" or a name) cover this host name? */
  function hostMatches(pattern, hostname) {
    const host = pattern.split("://")[1]?.split("/")[0] ?? "";
    if (host === "*") return true;
    if (host.startsWith("*.")) return hostname === host.slice(2) || hostname.endsWith(host.slice(1));
    return hostname === host;
  }

  /** "N still share data" for a page's {active, total}, in the words `t(key, subs)` gives. */
  function countText({active, total}, t) {
    if (total === 0) return t("launcherCount", ["0"]);
    if (active === 0) return t("activeCountNone", ["0"]);
    if (active === 1) return t("activeCountOne");
    return t("activeCount", [String(active)]);
  }

  /** An extension page (popup, privacy page) in the browser's language: <html lang> and the text
   *  of every [data-i18n] element (the <title> too). */
  function localizePage(doc, api) {
    doc.documentElement.lang = api.i18n.getUILanguage().split("-")[0];
    for (const element of doc.querySelectorAll("[data-i18n]")) element.textContent = api.i18n.getMessage(element.dataset.i18n) || element.dataset.i18n;
  }

  globalThis.ohneHakenCommon = {KEYS, SESSION_KEYS, hostMatches, countText, localizePage};
})();
