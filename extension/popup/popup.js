/*
 * The toolbar popup. On a page where Ohne Haken runs (its content script answers): how many
 * settings still share data, "Alle abwählen" and the walkthrough, all as messages to that tab,
 * so the page's own engine and walkthrough do the work. Elsewhere: a button that opens Mein o2
 * and starts the walkthrough there, and on any other web page "Diese Seite prüfen", which loads
 * the same content scripts into that one page (activeTab: granted by the toolbar click, gone
 * when the tab leaves the page). Always: the other opt-outs (Telefónica's movement data, Utiq)
 * with a reminder when one has expired, the settings and the privacy promise.
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
  const DONE_KEY = "flowsDone"; // {flow: "YYYY-MM-DD"} for walkthroughs whose result expires (content/tour.js)
  const DAY_MS = 24 * 60 * 60 * 1000;
  const rules = globalThis.ohneHakenRules;

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
    checkPage: $('[data-action="check-page"]'),
    pageReport: $('[data-action="page-report"]'),
  };
  const checkPageBox = $('[data-role="check-page"]');
  const checkFailed = $('[data-role="check-failed"]');
  const tourBox = $('[data-role="tour"]');
  const offersBox = $('[data-role="offers"]');
  // Settings: each checkbox <input data-setting="KEY" data-default="on|off"> is storage.local KEY
  // (true or false; absent means the default). The content scripts read them.
  const settings = [...document.querySelectorAll("input[data-setting]")];
  const watchedKeys = [TOUR_KEY, DONE_KEY, ...settings.map((box) => box.dataset.setting)];

  let tabId = null;
  let inTab = false; // opened as a page in a tab (by a test or by hand), not from the toolbar
  let tabStatus = null; // the target tab's last answer; null: not an o2online.de page with Ohne Haken
  let tabUrl = null; // the target tab's address, known only with access to it (activeTab: the toolbar click)

  /** popup.css: full width in a tab and on Android (its toolbar popup fills the screen); touch sizes on
   *  a touch screen and in a phone-wide tab (the desktop toolbar popup is 330 px wide itself). */
  async function setLayout() {
    const android = (await api.runtime.getPlatformInfo().catch(() => null))?.os === "android";
    const root = document.documentElement;
    root.toggleAttribute("data-in-tab", inTab || android);
    const touch = () => android || matchMedia("(pointer: coarse)").matches || (inTab && matchMedia("(max-width: 480px)").matches);
    root.toggleAttribute("data-touch", touch());
    addEventListener("resize", () => root.toggleAttribute("data-touch", touch()));
  }

  async function findTarget() {
    inTab = Boolean(await api.tabs.getCurrent());
    await setLayout();
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

  /** Where a flow starts: its site's origin plus its start path (null if the site has none). */
  function flowUrl(flow) {
    const site = rules?.sites.find((candidate) => candidate.name === flow?.site);
    return site?.origin && flow ? site.origin + flow.start : null;
  }

  function portalUrl() {
    return flowUrl(rules?.flows.find((candidate) => candidate.default) ?? rules?.flows[0]);
  }

  /** The other opt-outs (flows marked offer), each with its caveat and, once expired, a reminder. */
  let offersDrawnFor = null; // the flowsDone they were drawn for: redrawn only when it changes (the reminder is an alert)
  function renderOffers(done) {
    const key = JSON.stringify(done ?? null);
    if (key === offersDrawnFor) return;
    offersDrawnFor = key;
    const uiLanguage = api.i18n.getUILanguage();
    const items = (rules?.flows || []).filter((flow) => flow.offer && flowUrl(flow)).map((flow) => {
      const item = document.createElement("div");
      item.className = "offer";
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.action = "open-flow";
      button.dataset.flow = flow.name;
      button.textContent = t(flow.title);
      button.addEventListener("click", async () => {
        await api.runtime.sendMessage({type: "openPortal", url: flowUrl(flow), flow: flow.name});
        if (!inTab) window.close();
      });
      item.append(button);
      if (flow.caveat) {
        const caveat = document.createElement("p");
        caveat.className = "caveat";
        caveat.textContent = t(flow.caveat);
        item.append(caveat);
      }
      const day = typeof done?.[flow.name] === "string" ? Date.parse(done[flow.name]) : NaN;
      if (flow.renewAfterDays && !Number.isNaN(day) && Date.now() - day >= flow.renewAfterDays * DAY_MS) {
        const reminder = document.createElement("p");
        reminder.className = "renew";
        reminder.dataset.role = "renew";
        reminder.dataset.flow = flow.name;
        reminder.setAttribute("role", "alert");
        reminder.textContent = t("popupRenew", [t(flow.title), new Date(day).toLocaleDateString(uiLanguage, {timeZone: "UTC"})]);
        item.prepend(reminder);
      }
      return item;
    });
    offersBox.replaceChildren(...items);
  }

  /** Another provider's page (or any web page) that Ohne Haken may check on request. */
  function checkable() {
    return !tabStatus && typeof tabUrl === "string" && /^https?:/.test(tabUrl);
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
    checkPageBox.hidden = !checkable();
    tourBox.hidden = onPortal && !tabStatus.tourFlows?.length;
    const stored = await api.storage.local.get(watchedKeys);
    renderOffers(stored[DONE_KEY]);
    const running = Boolean(stored[TOUR_KEY]);
    tourState.hidden = !running;
    buttons.startTour.hidden = running;
    // Continue only where the running walkthrough belongs (DAP on telefonica.de, not on o2online.de).
    const belongsHere = Boolean(tabStatus?.tourFlows?.includes(stored[TOUR_KEY]?.flow));
    buttons.resumeTour.hidden = !running || Boolean(tabStatus?.tourShown) || !belongsHere;
    buttons.endTour.hidden = !running;
    for (const box of settings) {
      const value = stored[box.dataset.setting];
      box.checked = typeof value === "boolean" ? value : box.dataset.default === "on";
    }
    document.body.dataset.ready = "true";
  }

  async function refresh() {
    tabStatus = await ask("getStatus");
    if (!tabStatus && tabId !== null && !Number.isNaN(tabId)) tabUrl = (await api.tabs.get(tabId).catch(() => null))?.url ?? null;
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
  // "Seite melden": the page's panel makes the report and shows it there (content/report-view.js).
  buttons.pageReport.addEventListener("click", () => act("showReport", {close: true}));
  buttons.openPortal.addEventListener("click", async () => {
    await api.runtime.sendMessage({type: "openPortal", url: portalUrl()});
    if (!inTab) window.close();
  });
  // "Diese Seite prüfen": the same content scripts, into this one page, only now. The access
  // comes from the toolbar click (activeTab) and ends when the tab leaves the page.
  buttons.checkPage.addEventListener("click", async () => {
    buttons.checkPage.disabled = true;
    checkFailed.hidden = true;
    try {
      await api.scripting.executeScript({target: {tabId}, files: api.runtime.getManifest().content_scripts[0].js});
    } catch {
      checkFailed.hidden = false;
    }
    buttons.checkPage.disabled = false;
    await refresh();
  });
  // The privacy page opens as a tab of its own (Firefox for Android has no windows, and its popup
  // is no place for a second page).
  $('[data-action="privacy"]').addEventListener("click", async (event) => {
    event.preventDefault();
    await api.tabs.create({url: event.currentTarget.href});
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
