/*
 * The walkthrough's overlay: host #ohne-haken-tour (open shadow root, stable hooks in
 * docs/HOOKS.md) with a spotlight on the step's target and a popover (a non-modal dialog, WAI-ARIA
 * APG). Draws what tour.js tells it; reads nothing of the page but boxes. Loaded on demand with
 * tour-page.js and tour.js (background loadTour).
 *
 * Accessibility: a polite live region announces each new step; the popover is placed beside,
 * above or below its target so that it never covers the target, the page's focused element
 * (WCAG 2.4.11) or the buttons next to the target; with prefers-reduced-motion the spotlight
 * jumps instead of moving and scrolling is instant.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createTourOverlay) return;
  const {dom, dom: {el}} = OH;

  const MARGIN = 8; // px kept free at the window's edges
  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .spot { position: fixed; border-radius: 8px; pointer-events: none; border: 3px solid #ffb300;
            box-shadow: 0 0 0 100vmax rgba(10, 20, 40, .45); }
    .pop { position: fixed; pointer-events: auto; width: min(340px, calc(100vw - 16px)); background: #fff; color: #14213d;
           font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; border: 2px solid #003ca0; border-radius: 10px;
           box-shadow: 0 6px 24px rgba(0,0,0,.35); padding: 12px 14px; max-height: calc(100vh - 16px); overflow: auto; }
    .pop:focus { outline: 3px solid #ffb300; outline-offset: 2px; }
    .step { font-size: 12px; font-weight: 600; color: #003ca0; margin: 0 0 2px; }
    h2 { font-size: 15px; margin: 0 0 6px; }
    p { margin: 0 0 8px; }
    .offers { border-top: 1px solid #d0d7e2; margin: 4px 0 8px; padding-top: 8px; display: flex; flex-direction: column; gap: 6px; }
    .offers p { margin: 0; font-weight: 600; }
    .offers button { text-align: left; }
    .where { background: #fff8e1; border-left: 4px solid #ffb300; padding: 6px 8px; }
    .alternative { font-size: 13px; color: #33415c; }
    .alternative a { color: #003ca0; font-weight: 600; }
    .live { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; margin: -1px; }
    .buttons { display: flex; gap: 8px; justify-content: flex-end; flex-wrap: wrap; }
    button { font: inherit; border-radius: 6px; border: 1px solid #003ca0; background: #fff; color: #003ca0;
             padding: 5px 10px; cursor: pointer; min-height: 32px; }
    button.primary { background: #003ca0; color: #fff; font-weight: 600; }
    button:focus-visible, a:focus-visible { outline: 3px solid #ffb300; outline-offset: 2px; }
    .close { position: absolute; right: 6px; top: 4px; border: none; font-size: 18px; padding: 0 6px; min-height: 26px; }
    [hidden] { display: none !important; }
    @media (prefers-reduced-motion: no-preference) { .spot { transition: left .15s, top .15s, width .15s, height .15s; } }
    /* A phone or touch screen (issue 15): 16 px text, 44 x 44 px touch targets. */
    @media (max-width: 480px), (max-height: 480px), (pointer: coarse) {
      .pop, h2, .step, .alternative { font-size: 16px; }
      .pop { padding: 10px 12px; }
      button { min-height: 44px; min-width: 44px; }
      .close { min-height: 44px; right: 2px; top: 2px; }
      .step { padding-right: 44px; }
    }
  `;

  /** Viewport area shared by two boxes {left, top, right, bottom}. */
  function overlap(a, b) {
    const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return width > 0 && height > 0 ? width * height : 0;
  }

  /** The element that has the keyboard focus, inside shadow roots too. */
  function deepActive(doc) {
    let active = doc.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active;
  }

  function createTourOverlay({doc = document, onBack, onNext, onClose, onOffer, buttonSelector}) {
    let host = null;
    let ui = null;
    let target = null;
    let frame = 0;
    let resizeObserver = null;
    const view = doc.defaultView;
    const reducedMotion = () => view.matchMedia("(prefers-reduced-motion: reduce)").matches;

    function build() {
      host = dom.ownHost(doc, "div", "ohne-haken-tour");
      const fixed = {position: "fixed", inset: "0", width: "100vw", height: "100vh", margin: "0", padding: "0", border: "0",
        background: "transparent", overflow: "visible", "pointer-events": "none", "z-index": "2147483647", display: "block"};
      for (const [property, value] of Object.entries(fixed)) host.style.setProperty(property, value, "important");
      const root = host.attachShadow({mode: "open"});
      const spot = el(doc, "div", {class: "spot"});
      const stepLine = el(doc, "p", {"data-role": "step", class: "step"});
      const title = el(doc, "h2", {id: "oh-tour-title"});
      const instruction = el(doc, "p", {id: "oh-tour-text", "data-role": "instruction"});
      const where = el(doc, "p", {id: "oh-tour-where", class: "where", "data-role": "where"});
      const alternative = el(doc, "p", {class: "alternative", "data-role": "alternative", hidden: ""});
      const live = el(doc, "p", {class: "live", "data-role": "announce", "aria-live": "polite", "aria-atomic": "true"});
      const back = el(doc, "button", {"data-action": "tour-back", text: OH.t("tourBack")});
      const next = el(doc, "button", {"data-action": "tour-next", class: "primary", text: OH.t("tourNext")});
      const close = el(doc, "button", {"data-action": "tour-close", class: "close", "aria-label": OH.t("tourClose"), title: OH.t("tourClose"), text: "×"});
      const offers = el(doc, "div", {class: "offers", "data-role": "offers", hidden: ""});
      const pop = el(doc, "div", {class: "pop", role: "dialog", "aria-modal": "false", "aria-labelledby": "oh-tour-title",
        "aria-describedby": "oh-tour-text", tabindex: "-1"},
      [close, stepLine, title, instruction, where, alternative, offers, el(doc, "div", {class: "buttons"}, [back, next]), live]);
      root.append(el(doc, "style", {text: CSS}), spot, pop);
      ui = {root, spot, pop, stepLine, title, instruction, where, alternative, live, offers, back, next, close};

      const onTrusted = (button, handler) => button.addEventListener("click", (event) => {
        if (event.isTrusted) handler();
      });
      onTrusted(back, onBack);
      onTrusted(next, onNext);
      onTrusted(close, onClose);
      pop.addEventListener("keydown", onKey);
    }

    function onKey(event) {
      if (!event.isTrusted) return;
      if (event.key === "Escape") {
        event.preventDefault();
        onClose();
      } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && ui.root.activeElement?.tagName !== "A") {
        event.preventDefault();
        (event.key === "ArrowRight" ? onNext : onBack)();
      } else if (event.key === "Tab") {
        const focusable = [ui.close, ...ui.alternative.querySelectorAll("a"), ...(ui.offers.hidden ? [] : ui.offers.querySelectorAll("button")), ui.back, ui.next]
          .filter((item) => !item.hidden && !item.disabled && !item.closest("[hidden]"));
        const index = focusable.indexOf(ui.root.activeElement);
        const to = event.shiftKey ? (index <= 0 ? focusable.length - 1 : index - 1) : (index + 1) % focusable.length;
        event.preventDefault();
        focusable[to].focus();
      }
    }

    /**
     * Draw a step: `view` = {stepLine, title, instruction, where (text or ""), alternative
     * ({text, href}) or null, offers [{name, title}], first, done}; `found` its target or null.
     * `announce`: a new step, said in the live region; `focus`: move the keyboard focus to the popover.
     */
    function show(viewModel, found, {announce = false, focus = false} = {}) {
      if (!host) build();
      if (!host.isConnected) doc.documentElement.append(host);
      raise();
      setTarget(found);
      ui.stepLine.textContent = viewModel.stepLine;
      ui.title.textContent = viewModel.title;
      ui.instruction.textContent = viewModel.instruction;
      ui.where.textContent = viewModel.where;
      ui.where.hidden = !viewModel.where;
      ui.pop.setAttribute("aria-describedby", viewModel.where ? "oh-tour-text oh-tour-where" : "oh-tour-text");
      renderAlternative(viewModel.alternative);
      renderOffers(viewModel.offers);
      ui.back.hidden = viewModel.first;
      ui.next.textContent = OH.t(viewModel.done ? "tourFinish" : "tourNext");
      if (announce) ui.live.textContent = `${viewModel.stepLine}: ${viewModel.instruction}`;
      place();
      if (focus) {
        if (found && !found.closest?.("#ohne-haken-panel")) {
          found.scrollIntoView({block: "center", inline: "nearest", behavior: reducedMotion() ? "auto" : "smooth"});
        }
        ui.pop.focus({preventScroll: true});
      }
    }

    /** Another way to the same result (DAP: an SMS): a link where the browser can open it, else text. */
    function renderAlternative(alternative) {
      ui.alternative.hidden = !alternative;
      if (!alternative) return ui.alternative.replaceChildren();
      const signature = `${alternative.text}|${alternative.href || ""}`;
      if (ui.alternative.dataset.shown === signature) return undefined;
      ui.alternative.dataset.shown = signature;
      const parts = [alternative.text];
      if (alternative.href) parts.push(" ", el(doc, "a", {href: alternative.href, "data-action": "tour-alternative", text: alternative.linkText}));
      return ui.alternative.replaceChildren(...parts);
    }

    function renderOffers(offered) {
      const signature = offered.map((offer) => offer.name).join(",");
      ui.offers.hidden = !offered.length;
      if (ui.offers.dataset.flows === signature) return;
      ui.offers.dataset.flows = signature;
      const buttons = offered.map((offer) => {
        const button = el(doc, "button", {"data-action": "tour-offer", "data-flow": offer.name, text: offer.title});
        button.addEventListener("click", (event) => {
          if (event.isTrusted) onOffer(offer.name);
        });
        return button;
      });
      ui.offers.replaceChildren(...(offered.length ? [el(doc, "p", {text: OH.t("tourOfferIntro")}), ...buttons] : []));
    }

    function setTarget(found) {
      if (target && target !== found) target.removeAttribute("data-ohne-haken-tour");
      target = found;
      if (target) target.setAttribute("data-ohne-haken-tour", "target");
      resizeObserver?.disconnect();
      if (target && typeof ResizeObserver === "function") {
        resizeObserver = new ResizeObserver(() => requestPlace());
        resizeObserver.observe(target);
      }
    }

    /**
     * Beside the target first (the space below it usually holds the button to press next), then
     * above, then below, each kept inside the window; the place that covers the least of the
     * target, then of the focused element, then of the buttons near the target wins.
     */
    function place() {
      if (!ui) return;
      const popRect = ui.pop.getBoundingClientRect();
      const width = popRect.width || 340;
      const height = popRect.height || 180;
      const clampTop = (top) => Math.min(Math.max(MARGIN, top), Math.max(MARGIN, view.innerHeight - height - MARGIN));
      const clampLeft = (left) => Math.min(Math.max(MARGIN, left), Math.max(MARGIN, view.innerWidth - width - MARGIN));
      const focused = focusedBox();
      const found = target?.isConnected ? target : null;
      ui.spot.hidden = !found;
      let places;
      let spotBox = null;
      if (found) {
        const r = dom.pageRect(found);
        const pad = 6;
        Object.assign(ui.spot.style, {left: `${r.left - pad}px`, top: `${r.top - pad}px`, width: `${r.width + 2 * pad}px`, height: `${r.height + 2 * pad}px`});
        const gap = pad + 10;
        spotBox = {left: r.left - pad, top: r.top - pad, right: r.right + pad, bottom: r.bottom + pad};
        places = [
          {left: r.right + gap, top: clampTop(r.top)},
          {left: r.left - gap - width, top: clampTop(r.top)},
          {left: clampLeft(r.left), top: r.top - gap - height},
          {left: clampLeft(r.left), top: r.bottom + gap},
          {left: clampLeft(r.left), top: MARGIN},
          {left: clampLeft(r.left), top: view.innerHeight - height - MARGIN},
        ];
      } else {
        const middle = {left: (view.innerWidth - width) / 2, top: (view.innerHeight - height) / 2};
        places = [middle, {left: middle.left, top: MARGIN}, {left: middle.left, top: view.innerHeight - height - MARGIN}];
      }
      const obstacles = found ? nearbyControls(found) : [];
      const cost = (p) => {
        const box = {left: p.left, top: p.top, right: p.left + width, bottom: p.top + height};
        return (spotBox ? overlap(box, spotBox) * 1e6 : 0) + (focused ? overlap(box, focused) * 1e3 : 0)
          + obstacles.reduce((sum, o) => sum + overlap(box, o), 0);
      };
      let chosen = null;
      let best = Infinity;
      for (const p of places) {
        const kept = {left: clampLeft(p.left), top: clampTop(p.top)};
        const moved = kept.left !== p.left || kept.top !== p.top ? 0.5 : 0; // a place that fits as it is wins a tie
        const c = cost(kept) + moved;
        if (c < best) {
          best = c;
          chosen = kept;
        }
      }
      ui.pop.style.left = `${Math.round(chosen.left)}px`;
      ui.pop.style.top = `${Math.round(chosen.top)}px`;
    }

    /** The box of the page's focused element (not ours), or null. */
    function focusedBox() {
      const active = deepActive(doc);
      if (!active || active === doc.body || active === doc.documentElement || dom.insideOwn(active) || dom.isOwn(active)) return null;
      const box = active.getBoundingClientRect();
      return box.width || box.height ? box : null;
    }

    /** Viewport boxes of the buttons in the target's form (or its small container), at most a few. */
    function nearbyControls(found) {
      const container = found.closest?.("form") || found.parentElement?.parentElement;
      if (!container || container === doc.body || container === doc.documentElement) return [];
      return [...container.querySelectorAll(buttonSelector)].slice(0, 8)
        .filter((button) => button !== found && dom.isVisible(button))
        .map((button) => button.getBoundingClientRect());
    }

    function requestPlace() {
      if (frame || !ui) return;
      frame = view.requestAnimationFrame(() => {
        frame = 0;
        place();
      });
    }

    /** Above the page's sticky headers, overlays and modal dialogs (top layer where possible). Shown
     *  again (to the top) only when the page has opened a modal dialog or popover of its own, so
     *  the popover does not flicker out of reach on every step. */
    function raise() {
      if (typeof host.showPopover !== "function") return;
      if (!host.hasAttribute("popover")) host.setAttribute("popover", "manual");
      try {
        if (host.matches(":popover-open")) {
          if (![...doc.querySelectorAll("dialog:modal, :popover-open")].some((other) => other !== host)) return;
          host.hidePopover();
        }
        host.showPopover();
      } catch {
        // not in the document or not supported: the z-index still applies
      }
    }

    /** Off the page. Returns whether the keyboard focus was in the popover (it must go somewhere). */
    function hide() {
      const hadFocus = Boolean(host?.isConnected) && doc.activeElement === host;
      setTarget(null);
      host?.remove();
      return hadFocus;
    }

    return {show, place, requestPlace, hide, shown: () => Boolean(host?.isConnected)};
  }

  OH.createTourOverlay = createTourOverlay;
  OH.deepActive = deepActive;
})();
