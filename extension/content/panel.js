/*
 * The in-page panel: host #ohne-haken-panel with an open shadow root (a stable interface,
 * see docs/HOOKS.md). Shows how many settings still share data, lists them with the words
 * they were recognised by, and offers "Alle abwählen", "Rückgängig" and the walkthrough.
 * On pages without consents it shrinks to a small launcher, or hides completely when the
 * popup's setting says so (storage.local "showLauncher" false). It acts only on real user
 * input (event.isTrusted), so the page cannot press its buttons. Page text goes in as
 * textContent only.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createPanel) return;
  const {dom} = OH;
  const {el} = dom;

  const LAUNCHER_KEY = OH.keys.showLauncher; // set in the toolbar popup; absent means on
  const PHONE_MAX_WIDTH = 480; // CSS px: up to this window width (or height: a phone held sideways) the phone layout
  const MIN_BAND = 160; // px: below this height a shrunk panel shows too little; it becomes its handle

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .panel { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #14213d; background: #fff;
             border: 2px solid #003ca0; border-radius: 10px; box-shadow: 0 4px 18px rgba(0,0,0,.25);
             width: 360px; max-width: 100%; max-height: min(70vh, 560px); overflow: auto; padding: 10px 12px; }
    .panel.compact { width: auto; padding: 6px 8px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    header { display: flex; align-items: center; gap: 8px; }
    h2 { font-size: 15px; margin: 0; flex: 1; color: #003ca0; }
    .compact h2 { flex: none; font-size: 13px; }
    .count { font-size: 17px; font-weight: 700; margin: 6px 0; }
    .compact .count { font-size: 13px; font-weight: 400; margin: 0; }
    .count.done { color: #1e7b34; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
    button { font: inherit; border-radius: 6px; border: 1px solid #003ca0; background: #fff; color: #003ca0;
             padding: 6px 10px; cursor: pointer; min-height: 32px; }
    button.primary { background: #003ca0; color: #fff; font-weight: 600; }
    button:disabled { opacity: .55; cursor: default; }
    button:focus-visible { outline: 3px solid #ffb300; outline-offset: 2px; }
    button.icon { border: none; padding: 2px 8px; min-height: 28px; font-size: 18px; line-height: 1; }
    .status { margin: 6px 0; }
    .status:empty, .failed:empty { display: none; }
    .failed { color: #8a1c13; margin: 6px 0; }
    .failed ul, .items { margin: 4px 0 0; padding-left: 18px; }
    .items li { margin: 3px 0; }
    .kind { font-size: 12px; font-weight: 600; }
    .sharing { color: #b3261e; }
    .protected { color: #1e7b34; }
    .why { display: block; font-size: 12px; color: #555; }
    details { margin-top: 6px; }
    summary { cursor: pointer; }
    .collapsed { width: auto; padding: 4px; }
    [hidden] { display: none !important; }
    @media (prefers-reduced-motion: no-preference) { .panel { transition: opacity .15s; } }
    /* A phone (or any touch screen): text at 16 px, touch targets of 44 x 44 px, and at most
       40 % of the window's height, so that most of the screen stays the page's. */
    @media (max-width: ${PHONE_MAX_WIDTH}px), (max-height: ${PHONE_MAX_WIDTH}px), (pointer: coarse) {
      .panel { font-size: 16px; max-height: min(40vh, 560px); padding: 8px 10px; }
      /* A floor for every text on a phone, whatever a part's own CSS says (report-view.js too). */
      :host .panel * { font-size: 16px !important; }
      .count { margin: 4px 0; }
      .actions { margin: 6px 0; }
      button, button.icon { min-height: 44px; min-width: 44px; }
      summary { min-height: 44px; display: list-item; padding: 10px 0; }
    }
  `;

  function createPanel({doc = document, actions, stored = null}) {
    const host = dom.ownHost(doc, "div", "ohne-haken-panel");
    const fixed = {position: "fixed", "z-index": "2147483646", right: "8px", bottom: "8px", left: "auto", top: "auto", margin: "0", display: "block",
      "max-width": "calc(100% - 16px)"}; // 100% of the viewport without its scrollbar (100vw would include it)
    for (const [property, value] of Object.entries(fixed)) host.style.setProperty(property, value, "important");
    const root = host.attachShadow({mode: "open"});

    const title = el(doc, "h2", {id: "oh-title", text: OH.t("panelTitle")});
    const collapse = el(doc, "button", {"data-action": "collapse", class: "icon", "aria-expanded": "true", "aria-label": OH.t("collapse"), title: OH.t("collapse"), text: "–"});
    const expand = el(doc, "button", {"data-action": "expand", class: "primary", "aria-expanded": "false", text: OH.t("panelTitle")});
    const count = el(doc, "p", {"data-role": "active-count", class: "count", role: "status", "aria-live": "polite"});
    const clearButton = el(doc, "button", {"data-action": "clear-all", class: "primary", text: OH.t("clearAll")});
    const undoButton = el(doc, "button", {"data-action": "undo", text: OH.t("undo")});
    const tourButton = el(doc, "button", {"data-action": "start-tour", text: OH.t("startTour")});
    const cookieButton = el(doc, "button", {"data-action": "decline-cookies", text: OH.t("declineCookies")});
    const cookieStatus = el(doc, "p", {"data-role": "cookie-status", class: "status", "aria-live": "polite"});
    const status = el(doc, "p", {"data-role": "status", class: "status", "aria-live": "polite"});
    const showSave = el(doc, "button", {"data-action": "show-save", text: OH.t("showSave")});
    const failed = el(doc, "div", {"data-role": "failed", class: "failed"});
    const list = el(doc, "ul", {"data-role": "items", class: "items"});
    const summary = el(doc, "summary");
    const details = el(doc, "details", {}, [summary, list]);
    const header = el(doc, "header", {}, [title, collapse]);
    // "Seite melden" and the report it shows (report-view.js): on every page the panel is on.
    const report = OH.createReportView({doc, makeReport: actions.makeReport, onToggle: () => render()});
    const actionRow = el(doc, "div", {class: "actions"}, [clearButton, undoButton, showSave]);
    const panel = el(doc, "section", {class: "panel", "aria-labelledby": "oh-title", "aria-describedby": "oh-desc"},
      [header, report.view, count, actionRow, status, failed, details, cookieStatus, cookieButton, tourButton, report.button]);
    count.id = "oh-desc";
    const style = el(doc, "style", {text: CSS});
    root.append(style, panel, expand);

    let collapsed = false; // the user minimised the panel to its handle
    let autoMinimised = false; // the panel minimised itself: no room beside the save button
    let cookieBanner = false; // a cookie banner with a decline button is shown
    let pointedAt = null; // what the walkthrough points at: the panel keeps clear of it too
    let snapshot = null;
    let frame = 0;
    let showLauncher = null; // unknown until storage answers: the launcher waits rather than flickers

    // The setting as main.js read it with its own (`stored`), else asked here.
    (stored || OH.api.storage.local.get(LAUNCHER_KEY)).then((values) => {
      showLauncher = values[LAUNCHER_KEY] !== false;
      render();
    }, () => {
      showLauncher = true;
      render();
    });
    OH.api.storage.onChanged.addListener((changes, area) => {
      if (area !== "local" || !(LAUNCHER_KEY in changes)) return;
      showLauncher = changes[LAUNCHER_KEY].newValue !== false;
      render();
    });

    function on(button, handler) {
      button.addEventListener("click", (event) => {
        if (!event.isTrusted) return; // the page must not press the panel's buttons
        event.stopPropagation();
        handler();
      });
    }
    on(clearButton, () => actions.clearAll());
    on(undoButton, () => actions.undo());
    if (actions.startTour) on(tourButton, () => actions.startTour(tourButton));
    else tourButton.hidden = true; // a site without a walkthrough (a page checked on request)
    on(cookieButton, () => actions.declineCookies());
    on(showSave, () => {
      const button = snapshot?.saveButton;
      if (!button?.isConnected) return;
      button.scrollIntoView({block: "center", behavior: "auto"});
      button.focus({preventScroll: true});
    });
    on(collapse, () => setCollapsed(true));
    on(expand, () => setCollapsed(false));

    function setCollapsed(value) {
      collapsed = value;
      render();
      if (!collapsed && autoMinimised) makeRoom();
      (collapsed || autoMinimised ? expand : collapse).focus();
    }

    /** The user opens a panel that minimised itself: scroll the save button up, so that the band below it has room. */
    function makeRoom() {
      const button = snapshot?.saveButton;
      if (!button?.isConnected) return;
      const top = button.getBoundingClientRect().top - 32; // its badge stays in sight
      if (top > 0) doc.defaultView.scrollBy({top, behavior: "instant"});
      avoidSaveButton();
    }

    function renderItems(s) {
      summary.textContent = OH.t("foundSummary", [String(s.total)]);
      list.replaceChildren(...s.items.map((item) => el(doc, "li", {}, [
        el(doc, "span", {class: `kind ${item.protective ? "protected" : "sharing"}`,
          text: `${OH.t(item.kind === "consent" ? "kindConsent" : "kindObjection")} · ${OH.t(item.protective ? "stateProtected" : "stateSharing")}: `}),
        el(doc, "span", {text: item.label}),
        el(doc, "span", {class: "why", text: OH.t("whyLabel", [item.words.join(", ")])}),
      ])));
    }

    function renderRun(s) {
      const run = s.lastRun;
      const lines = [];
      if (run?.kind === "clear") {
        lines.push(OH.t("changedSummary", [String(run.changes.length)]));
        for (const button of new Set(run.confirmed)) lines.push(OH.t("confirmedDialog", [button]));
        if (s.save) lines.push(OH.t("saveHint", [s.save]));
        else if (run.changes.length) lines.push(OH.t("saveHintNoButton"));
      } else if (run?.kind === "undo") {
        lines.push(OH.t("undone", [String(run.restored)]));
        if (run.kept) lines.push(run.kept === 1 ? OH.t("undoneKeptOne") : OH.t("undoneKept", [String(run.kept)]));
      }
      status.textContent = lines.join(" ");
      const failures = run?.failed || [];
      failed.replaceChildren(...(failures.length ? [
        el(doc, "strong", {text: OH.t("failedHeading")}),
        el(doc, "ul", {}, failures.map((f) => el(doc, "li", {text: `${f.label} – ${OH.t(REASONS[f.reason] || "failedNoEffect")}`}))),
      ] : []));
    }

    const REASONS = {disabled: "failedDisabled", noEffect: "failedNoEffect", tickedBack: "failedTickedBack"};

    function render(place = true) {
      const s = snapshot;
      if (!s) return;
      const compact = s.total === 0 && !report.isOpen();
      host.style.setProperty("display", compact && showLauncher !== true && !cookieBanner ? "none" : "block", "important");
      expand.textContent = s.active ? `${OH.t("panelTitle")} (${s.active})` : OH.t("panelTitle");
      panel.classList.toggle("compact", compact);
      panel.setAttribute("aria-label", compact ? OH.t("launcherLabel") : OH.t("panelLabel"));
      count.textContent = OH.countText(s);
      count.classList.toggle("done", s.total > 0 && s.active === 0);
      actionRow.hidden = s.total === 0; // also while a report is open on a page without consents
      details.hidden = s.total === 0;
      clearButton.disabled = s.busy || s.active === 0;
      clearButton.textContent = OH.t(s.busy ? "clearing" : "clearAll");
      undoButton.hidden = !(s.lastRun?.kind === "clear" && s.lastRun.changes.length);
      undoButton.disabled = s.busy;
      showSave.hidden = !(s.lastRun?.kind === "clear" && s.saveButton);
      if (!compact) renderItems(s);
      renderRun(s);
      host.toggleAttribute("data-busy", s.busy);
      cookieButton.hidden = !cookieBanner;
      if (place) avoidSaveButton();
    }

    const CORNERS = [["right", "bottom"], ["left", "bottom"], ["right", "top"]];

    /**
     * Never cover the form's save button (nor its badge just above it): move to another corner,
     * and where every corner covers it (a narrow window), shrink into the larger free band
     * above or below it.
     */
    function avoidSaveButton(rects = keepClear(), box = null) {
      const unchanged = panel.hidden === collapsed && !autoMinimised; // the box read before still holds
      showHandle(collapsed);
      autoMinimised = false;
      if (collapsed ? placeClear(rects, unchanged ? box : null) : placePanel(rects, unchanged ? box : null)) return;
      // Nowhere room enough for the panel (a phone held sideways, the button mid-screen): its handle instead.
      autoMinimised = true;
      showHandle(true);
      placeClear(rects);
    }

    /** The save button (and its badge just above it) first, then what the walkthrough points at. */
    function keepClear() {
      return [snapshot?.saveButton, pointedAt].filter((element) => element?.isConnected).map((element) => {
        const rect = dom.pageRect(element);
        return {left: rect.left - 6, right: rect.right + 6, top: rect.top - 24, bottom: rect.bottom + 6};
      });
    }

    /** Whether the panel (or its handle) fits a corner without covering any of rects. Its box
     *  (`box` where it was read before) is read once, before any write, and moved to each corner
     *  by arithmetic: no layout of ours. */
    function placeClear(rects, box = null) {
      if (!rects.length) {
        placeAt(...CORNERS[0]);
        return true;
      }
      const {width, height} = box || host.getBoundingClientRect();
      placeAt(...CORNERS[0]);
      const view = {width: doc.documentElement.clientWidth || doc.defaultView.innerWidth,
        height: doc.documentElement.clientHeight || doc.defaultView.innerHeight};
      for (const [side, edge] of CORNERS) {
        const left = side === "left" ? 8 : view.width - 8 - width;
        const top = edge === "top" ? 8 : view.height - 8 - height;
        if (!rects.some((rect) => overlaps({left, top, right: left + width, bottom: top + height}, rect))) {
          placeAt(side, edge);
          return true;
        }
      }
      return false;
    }

    /** A corner, or else the larger free band above or below the save button, shrunk to fit. */
    function placePanel(rects, box = null) {
      if (panel.style.getPropertyValue("max-height")) {
        panel.style.removeProperty("max-height");
        box = null; // its size may change
      }
      if (placeClear(rects, box)) return true;
      const avoid = rects[0];
      const above = avoid.top - 16;
      const viewHeight = Math.min(doc.defaultView.innerHeight, doc.documentElement.clientHeight || Infinity); // no scrollbar
      const below = viewHeight - avoid.bottom - 16;
      const band = Math.floor(Math.max(above, below));
      // Only the save button makes it minimise itself: the walkthrough's target may be a whole
      // section, and the panel's own buttons (which the walkthrough may point at next) stay in reach.
      const save = Boolean(snapshot?.saveButton?.isConnected);
      if (save && band < MIN_BAND) return false;
      placeAt("right", above > below ? "top" : "bottom");
      panel.style.setProperty("max-height", `min(70vh, 560px, ${Math.max(120, band)}px)`);
      return !save || !overlaps(host.getBoundingClientRect(), avoid);
    }

    function showHandle(handle) {
      panel.hidden = handle;
      expand.hidden = !handle;
      host.toggleAttribute("data-minimised", handle);
      if (handle) host.setAttribute("data-minimised", collapsed ? "user" : "auto");
    }

    function placeAt(side, edge) {
      host.style.setProperty("left", side === "left" ? "8px" : "auto", "important");
      host.style.setProperty("right", side === "right" ? "8px" : "auto", "important");
      host.style.setProperty("top", edge === "top" ? "8px" : "auto", "important");
      host.style.setProperty("bottom", edge === "bottom" ? "8px" : "auto", "important");
    }

    function overlaps(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    function onScroll() {
      if (frame || !(snapshot?.saveButton || pointedAt)) return; // nothing to keep clear of
      frame = requestAnimationFrame(() => {
        frame = 0;
        avoidSaveButton();
      });
    }

    function attach() {
      if (!host.isConnected) doc.documentElement.append(host);
    }

    doc.defaultView.addEventListener("scroll", onScroll, {passive: true, capture: true});
    doc.defaultView.addEventListener("resize", onScroll, {passive: true});
    details.addEventListener("toggle", onScroll); // the opened list makes the panel taller

    return {
      host,
      attach,
      /** The walkthrough's current target (or null): never cover it. */
      keepClearOf(element) {
        pointedAt = element && !host.contains(element) && element !== host ? element : null;
        avoidSaveButton();
      },
      /** Whether the page shows a cookie banner that can be declined (main.js asks cookies.js). */
      setCookieBanner(shown) {
        cookieBanner = shown;
      },
      /** After declining: say whether the banner went away. */
      cookiesDeclined(declined) {
        cookieStatus.textContent = OH.t(declined ? "cookiesDeclined" : "cookiesNotDeclined");
        render();
      },
      /** "Seite melden" from the toolbar popup: open the panel and show the report. */
      async showReport() {
        collapsed = false;
        await report.open();
        if (autoMinimised) makeRoom(); // a phone: the save button scrolls up, the report gets the room
      },
      update(next) {
        snapshot = next;
        if (!host.isConnected) host.style.setProperty("opacity", "0", "important"); // drawn once placed (still focusable)
        attach();
        render(false);
        // Placed once the browser has laid out the panel itself (a frame): our read of its box
        // then forces no layout. Ready (docs/HOOKS.md) when placed.
        dom.afterNextFrame(() => {
          const rects = keepClear(); // the reads, before any write of this frame (dom.afterNextFrame)
          const box = host.getBoundingClientRect();
          return () => {
            avoidSaveButton(rects, box);
            host.style.removeProperty("opacity");
            host.setAttribute("data-ready", "true");
          };
        }, doc);
      },
    };
  }

  OH.createPanel = createPanel;
})();
