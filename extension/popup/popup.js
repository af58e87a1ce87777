/*
 * The toolbar popup. On an o2online.de tab (its content script answers): how many settings
 * still share data, "Alle abwählen" and the walkthrough, all as messages to that tab, so the
 * page's own engine and walkthrough do the work. Elsewhere: what Ohne Haken does, and a
 * button that opens Mein o2 and starts the walkthrough there. Always: the settings and the
 * privacy promise.
 *
 * Which tab it speaks to: ?tab=<id> if given; else the active tab of this window (the
 * toolbar popup); opened as a page in a tab itself, the o2online.de tab used last.
 */
"use strict";

(function () {
  const api = globalThis.browser ?? globalThis.chrome;
  const t = (key, subs) => api.i18n.getMessage(key, subs) || key;
  const $ = (selector) => document.querySelector(selector);
  const TOUR_KEY = "tour"; // the walkthrough's state in storage.local (content/tour.js)

  document.documentElement.lang = api.i18n.getUILanguage().split("-")[0];
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);

  const views = {portal: $('[data-view="portal"]'), elsewhere: $('[data-view="elsewhere"]')};
  const count = $('[data-role="active-count"]');
  const statusLine = $('[data-role="status"]');
  const tourState = $('[data-role="tour-state"]');
  const buttons = {
    clearAll: $('[data-action="clear-all"]'),
    startTour: $('[data-action="start-tour"]'),
    resumeTour: $('[data-action="resume-tour"]'),
    endTour: $('[data-action="end-tour"]'),
    openPortal: $('[data-action="open-portal"]'),
  };
  // Settings: each checkbox <input data-setting="KEY" data-default="on|off"> is storage.local KEY
  // (true or false; absent means the default). The content scripts read them.
  const settings = [...document.querySelectorAll("input[data-setting]")];
  const watchedKeys = [TOUR_KEY, ...settings.map((box) => box.dataset.setting)];

  let tabId = null;
  let inTab = false; // opened as a page in a tab (by a test or by hand), not from the toolbar
  let tabStatus = null; // the target tab's last answer; null: not an o2online.de page with Ohne Haken

  async function findTarget() {
    inTab = Boolean(await api.tabs.getCurrent());
    const param = new URLSearchParams(location.search).get("tab");
    if (param !== null) return Number(param);
    if (!inTab) {
      const [active] = await api.tabs.query({active: true, currentWindow: true});
      return active?.id ?? null;
    }
    const patterns = api.runtime.getManifest().content_scripts.flatMap((script) => script.matches);
    const tabs = await api.tabs.query({url: patterns});
    tabs.sort((a, b) => (b.lastAccessed || 0) - (a.lastAccessed || 0));
    return tabs[0]?.id ?? null;
  }

  /** Ask the target tab's content script; null when there is none (another site, or no tab). */
  async function ask(type) {
    if (tabId === null || Number.isNaN(tabId)) return null;
    try {
      return (await api.tabs.sendMessage(tabId, {type}, {frameId: 0})) ?? null;
    } catch {
      return null;
    }
  }

  function portalUrl() {
    const rules = globalThis.ohneHakenRules;
    const flow = rules?.flows.find((candidate) => candidate.default) ?? rules?.flows[0];
    const site = rules?.sites.find((candidate) => candidate.name === flow?.site);
    return site?.origin && flow ? site.origin + flow.start : null;
  }

  function countText(s) {
    if (s.total === 0) return t("launcherCount", ["0"]);
    if (s.active === 0) return t("activeCountNone", ["0"]);
    if (s.active === 1) return t("activeCountOne");
    return t("activeCount", [String(s.active)]);
  }

  function runText(s) {
    const run = s.lastRun;
    if (run?.kind !== "clear") return "";
    const lines = [t("changedSummary", [String(run.changed)])];
    if (s.save) lines.push(t("saveHint", [s.save]));
    else if (run.changed) lines.push(t("saveHintNoButton"));
    if (run.failed) lines.push(t("popupFailed", [String(run.failed)]));
    return lines.join(" ");
  }

  async function render() {
    const onPortal = Boolean(tabStatus);
    views.portal.hidden = !onPortal;
    views.elsewhere.hidden = onPortal;
    document.body.dataset.currentView = onPortal ? "portal" : "elsewhere";
    if (onPortal) {
      count.textContent = countText(tabStatus);
      count.classList.toggle("done", tabStatus.total > 0 && tabStatus.active === 0);
      buttons.clearAll.disabled = tabStatus.busy || tabStatus.active === 0;
      buttons.clearAll.textContent = t(tabStatus.busy ? "clearing" : "clearAll");
      statusLine.textContent = runText(tabStatus);
    }
    buttons.openPortal.hidden = !portalUrl();
    const stored = await api.storage.local.get(watchedKeys);
    const running = Boolean(stored[TOUR_KEY]);
    tourState.hidden = !running;
    buttons.startTour.hidden = running;
    buttons.resumeTour.hidden = !running || Boolean(tabStatus?.tourShown);
    buttons.endTour.hidden = !running;
    for (const box of settings) {
      const value = stored[box.dataset.setting];
      box.checked = typeof value === "boolean" ? value : box.dataset.default === "on";
    }
    document.body.dataset.ready = "true";
  }

  async function refresh() {
    tabStatus = await ask("getStatus");
    await render();
  }

  /** Send one of the tab's actions, show its answer; the toolbar popup closes after walkthrough actions. */
  async function act(type, {close = false} = {}) {
    const answer = await ask(type);
    if (answer) tabStatus = answer;
    await render();
    if (close && !inTab) window.close(); // the walkthrough is on the page, not here
  }

  buttons.clearAll.addEventListener("click", () => {
    buttons.clearAll.disabled = true;
    buttons.clearAll.textContent = t("clearing");
    act("clearAll");
  });
  buttons.startTour.addEventListener("click", () => act("startTour", {close: true}));
  buttons.resumeTour.addEventListener("click", () => act("resumeTour", {close: true}));
  buttons.endTour.addEventListener("click", () => act("endTour"));
  buttons.openPortal.addEventListener("click", async () => {
    await api.runtime.sendMessage({type: "openPortal", url: portalUrl()});
    if (!inTab) window.close();
  });
  for (const box of settings) {
    box.addEventListener("change", () => api.storage.local.set({[box.dataset.setting]: box.checked}));
  }

  // Live: the tab reports every change of its count; the walkthrough and the settings live in storage.
  api.runtime.onMessage.addListener((message, sender) => {
    if (sender.id === api.runtime.id && message?.type === "reportCount" && sender.tab?.id === tabId && sender.frameId === 0) {
      refresh();
    }
    return false;
  });
  api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && watchedKeys.some((key) => key in changes)) refresh();
  });
  api.tabs.onUpdated.addListener((updatedId, changeInfo) => {
    if (updatedId === tabId && changeInfo.status === "complete") refresh();
  });

  findTarget().then((id) => {
    tabId = id;
    return refresh();
  });
})();
