/*
 * The guided walkthrough: flows from rules/flows/*.json, one overlay (host #ohne-haken-tour,
 * open shadow root; stable hooks in docs/HOOKS.md). Not among the manifest's content scripts:
 * main.js has the background load it into a page that starts or runs a walkthrough.
 *
 * Which step to show is decided from what the page shows, not from where the user clicked:
 * every step names the page it belongs to (headings, links, buttons, field labels, the
 * engine's state); the highest step whose page is recognised wins. So users may take another
 * route, go back, reload or arrive in the middle. Where nothing is recognised the current
 * step stays and, its target missing, the popover says what to look for and where.
 *
 * State lives in extension storage (storage.local "tour", storage schema 2: see
 * background/storage-schema.js), so it survives page loads, the hop between login.o2online.de
 * and www.o2online.de, and a reload of the extension; it ends on Close, on completion, or
 * after an hour untouched. It keeps page paths, never full addresses, and the overlay never
 * reads a field's value.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createTour) return;
  const {dom, text} = OH;
  const {el} = dom;

  const STORAGE_KEY = "tour";
  const DONE_KEY = "flowsDone"; // {flow name: "YYYY-MM-DD"} for flows whose result expires (renewAfterDays)
  const STALE_MS = 60 * 60 * 1000;
  const MISSING_WAIT_MS = 1200; // wait this long for late content before saying "look for ..."
  const DECIDE_DEBOUNCE_MS = 120;
  const ROLE_SELECTORS = {
    link: 'a[href], [role="link"], [role="tab"], [role="menuitem"]',
    tab: '[role="tab"], a[href]',
    button: 'button, [role="button"], input[type="submit"], input[type="button"]',
    control: 'a[href], [role="link"], [role="tab"], [role="menuitem"], button, [role="button"], input[type="submit"], input[type="button"]',
    field: 'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="submit"]):not([type="button"]), textarea',
  };
  const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role="heading"], legend';
  const SECTION_CONTAINERS = 'section, article, fieldset, [role="region"], [role="group"], form, li, div';

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .spot { position: fixed; border-radius: 8px; pointer-events: none; border: 3px solid #ffb300;
            box-shadow: 0 0 0 100vmax rgba(10, 20, 40, .45); }
    .pop { position: fixed; pointer-events: auto; width: min(340px, calc(100vw - 16px)); background: #fff; color: #14213d;
           font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; border: 2px solid #003ca0; border-radius: 10px;
           box-shadow: 0 6px 24px rgba(0,0,0,.35); padding: 12px 14px; }
    .pop:focus { outline: 3px solid #ffb300; outline-offset: 2px; }
    .step { font-size: 12px; font-weight: 600; color: #003ca0; margin: 0 0 2px; }
    h2 { font-size: 15px; margin: 0 0 6px; }
    p { margin: 0 0 8px; }
    .offers { border-top: 1px solid #d0d7e2; margin: 4px 0 8px; padding-top: 8px; display: flex; flex-direction: column; gap: 6px; }
    .offers p { margin: 0; font-weight: 600; }
    .offers button { text-align: left; }
    .where { background: #fff8e1; border-left: 4px solid #ffb300; padding: 6px 8px; }
    .buttons { display: flex; gap: 8px; justify-content: flex-end; flex-wrap: wrap; }
    button { font: inherit; border-radius: 6px; border: 1px solid #003ca0; background: #fff; color: #003ca0;
             padding: 5px 10px; cursor: pointer; min-height: 32px; }
    button.primary { background: #003ca0; color: #fff; font-weight: 600; }
    button:focus-visible { outline: 3px solid #ffb300; outline-offset: 2px; }
    .close { position: absolute; right: 6px; top: 4px; border: none; font-size: 18px; padding: 0 6px; min-height: 26px; }
    [hidden] { display: none !important; }
    @media (prefers-reduced-motion: no-preference) { .spot { transition: left .15s, top .15s, width .15s, height .15s; } }
    .pop { max-height: calc(100vh - 16px); overflow: auto; }
    /* A phone or touch screen (issue 15): 16 px text, 44 x 44 px touch targets. */
    @media (max-width: 480px), (pointer: coarse) {
      .pop, h2 { font-size: 16px; }
      .step { font-size: 14px; }
      .pop { padding: 10px 12px; }
      button { min-height: 44px; min-width: 44px; }
      .close { min-height: 44px; right: 2px; top: 2px; }
      .step { padding-right: 44px; }
    }
  `;

  // ---- reading the page (names and labels only, never values) ---------------------------

  function visible(start, selector) {
    return dom.deepQueryAll(start, selector).filter((element) => dom.isVisible(visualOf(element)));
  }

  /** What the user sees of an element: a field inside a custom element is drawn by its host. */
  function visualOf(element) {
    const root = element.getRootNode();
    if (element.matches(ROLE_SELECTORS.field) && root.nodeType === 11 && root.host) return root.host;
    return element;
  }

  function fieldName(field) {
    const name = dom.accessibleName(field);
    if (name && name !== field.getAttribute("placeholder")) return name;
    const root = field.getRootNode();
    if (root.nodeType === 11 && root.host) return root.host.getAttribute("label") || root.host.getAttribute("aria-label") || name;
    return name;
  }

  function named(start, role, names) {
    const nameOf = role === "field" ? fieldName : dom.accessibleName;
    return visible(start, ROLE_SELECTORS[role]).filter((element) => text.matchesName(nameOf(element), names));
  }

  function createTour({rules, engine, onEngineUpdate, onTarget = () => {}, doc = document, storage = OH.api.storage.local}) {
    const flows = rules.flows;
    let state = null; // {flow, step, reached, updated, manualPath, manualBest}
    let engineState = engine.snapshot();
    let host = null;
    let ui = null;
    let shown = null; // {flowName, stepIndex, target, missing}
    let target = null;
    let decideTimer = 0;
    let missingTimer = 0;
    let observer = null;
    let frame = 0;
    let resizeObserver = null;

    const flowByName = (name) => flows.find((flow) => flow.name === name) || null;
    /** Flows of the sites this page belongs to (O2's two paths on o2online.de, DAP on telefonica.de, ...);
     *  fixed for the document, whose host cannot change. */
    const siteNames = new Set(OH.sitesFor(location.hostname, rules).map((site) => site.name));
    const here = flows.filter((flow) => siteNames.has(flow.site));
    /** Where a flow starts when opened from elsewhere: its site's origin plus its start path. */
    const startUrl = (flow) => {
      const origin = rules.sites.find((site) => site.name === flow.site)?.origin;
      return origin ? origin + flow.start : null;
    };

    // -- page recognition --
    function holds(matcher) {
      const [kind, value] = Object.entries(matcher)[0];
      switch (kind) {
        case "heading": return visible(doc, HEADINGS).some((h) => text.matchesName(dom.textOf(h, 300), value));
        case "link": return named(doc, "link", value).length > 0;
        case "button": return named(doc, "button", value).length > 0;
        case "field": return named(doc, "field", value).length > 0;
        case "passwordField": return visible(doc, 'input[type="password"]').length > 0;
        case "text": return text.findTerms(text.normalize(dom.textOf(doc.body, 20000)), text.compileTerms(value)).length > 0;
        case "consents":
          if (value === "present") return engineState.total > 0;
          if (value === "active") return engineState.active > 0;
          return engineState.total > 0 && engineState.active === 0;
        default: return false;
      }
    }

    function pageMatches(step, reached) {
      const page = step.page;
      if (step.after) {
        const flow = flowByName(state?.flow);
        const index = flow ? flow.steps.findIndex((s) => s.id === step.after) : -1;
        if (index < 0 || reached < index) return false;
      }
      if (page.host && !(location.hostname === page.host || location.hostname.endsWith(`.${page.host}`))) return false;
      if (page.all && !page.all.every(holds)) return false;
      if (page.any && !page.any.some(holds)) return false;
      if (page.none && page.none.some(holds)) return false;
      return Boolean(page.all || page.any || page.host);
    }

    function matchingSteps(flow, reached) {
      return flow.steps.map((step, index) => (pageMatches(step, reached) ? index : -1)).filter((index) => index >= 0);
    }

    // -- finding the target --
    function regionRoots(region) {
      if (!region || region.landmark) return [doc]; // landmarks are checked per candidate (inRegion)
      const headings = visible(doc, HEADINGS).filter((h) => text.matchesName(dom.textOf(h, 300), region.section));
      return headings.map(sectionOf);
    }

    /** The part of the page a heading names: the smallest container holding more than the heading. */
    function sectionOf(heading) {
      if (heading.tagName === "LEGEND") return heading.parentElement;
      let node = heading.parentElement;
      for (let depth = 0; node && depth < 8; depth++, node = node.parentElement) {
        if (node.matches(SECTION_CONTAINERS) && node.querySelectorAll(ROLE_SELECTORS.control).length) return node;
      }
      return heading.parentElement || doc.body;
    }

    function inRegion(element, region) {
      if (!region) return true;
      if (region.landmark) return dom.landmarksOf(element).includes(region.landmark);
      return regionRoots(region).some((root) => root.contains(element));
    }

    function findTarget(step) {
      const spec = step.target;
      if (!spec) return null;
      if (spec.role === "panel") return panelButton();
      if (spec.role === "save") {
        const button = engineState.saveButton;
        return button?.isConnected && dom.isVisible(button) ? button : null;
      }
      let found = [];
      for (const root of regionRoots(spec.within)) found.push(...named(root, spec.role, spec.name));
      found = [...new Set(found)];
      if (spec.within) found = found.filter((element) => inRegion(element, spec.within));
      // Preferred and avoided regions first, then the earlier name in the list (the more specific
      // one: „Widerspruch Datenanalyse“ before „Widerspruch“), then the order on the page.
      const nameOf = spec.role === "field" ? fieldName : dom.accessibleName;
      const region = (element) => (spec.prefer && inRegion(element, spec.prefer) ? -2 : 0) + (spec.avoid && inRegion(element, spec.avoid) ? 2 : 0);
      const scores = new Map(found.map((element) => [element, region(element) * 1000 + text.nameIndex(nameOf(element), spec.name)]));
      found.sort((a, b) => scores.get(a) - scores.get(b));
      return found.length ? visualOf(found[0]) : null;
    }

    function panelButton() {
      const panel = doc.getElementById("ohne-haken-panel");
      const button = panel?.shadowRoot?.querySelector('[data-action="clear-all"]');
      return button && dom.isVisible(button) ? button : panel;
    }

    // -- state --
    /** Extension storage, or null once this copy is orphaned (its calls would throw: OH.alive). */
    const store = () => (OH.alive() ? storage : null);

    /** A walkthrough state of storage schema 2. Anything else (0.1.0's shape before the background
     *  has migrated it, a newer version's) is not this code's to use, nor to delete. */
    function isState(value) {
      return typeof value === "object" && value !== null && !("version" in value) && !("manualUrl" in value)
        && Boolean(flowByName(value.flow)) && typeof value.step === "string" && Number.isInteger(value.reached)
        && Number.isFinite(value.updated) && (value.manualPath === null || typeof value.manualPath === "string");
    }

    async function load() {
      try {
        const stored = (await store()?.get(STORAGE_KEY))?.[STORAGE_KEY];
        if (!isState(stored)) return null;
        if (Date.now() - stored.updated > STALE_MS) {
          await store()?.remove(STORAGE_KEY);
          return null;
        }
        return stored;
      } catch {
        return null;
      }
    }

    function save() {
      if (!state) return;
      state.updated = Date.now();
      store()?.set({[STORAGE_KEY]: state}).catch(() => {});
    }

    function end() {
      state = null;
      store()?.remove(STORAGE_KEY).catch(() => {});
      stop();
    }

    /** Off the page without touching the stored state (orphaned: the next page load resumes it). */
    function stop() {
      state = null;
      clearTimeout(decideTimer);
      decideTimer = 0;
      hide();
      stopWatching();
    }

    // -- deciding the step --
    function currentIndex(flow) {
      const index = flow.steps.findIndex((step) => step.id === state.step);
      return index < 0 ? 0 : index;
    }

    /** Choose the step for this page (see the comment at the top of this file). */
    function decide() {
      decideTimer = 0;
      if (!state || !OH.alive()) return;
      let flow = flowByName(state.flow); // one of `here`: resume() and start() take no other
      const current = currentIndex(flow);
      let matches = matchingSteps(flow, state.reached);
      if (!matches.length) {
        // Another flow may fit this page better (the user took the other route).
        for (const other of here) {
          if (other === flow) continue;
          const otherMatches = matchingSteps(other, -1).filter((index) => index > 0);
          if (otherMatches.length) {
            flow = other;
            matches = otherMatches;
            state.flow = other.name;
            state.reached = -1;
            break;
          }
        }
      }
      // A recognised optional step (cookie banner, opt-in overlay) is a detour to take first;
      // otherwise the furthest recognised step wins.
      const optional = matches.filter((index) => flow.steps[index].optional);
      const best = optional.length ? Math.min(...optional) : matches.length ? Math.max(...matches) : -1;
      const manualHere = state.manualPath === location.pathname;
      let next = current;
      const held = Math.max(current, state.manualBest ?? -1); // what the page showed when Back/Next was pressed
      if (manualHere ? best > held : best >= 0 && (best > current || !matches.includes(current) || optional.length)) {
        next = best;
      }
      if (!manualHere) {
        state.manualPath = null;
        state.manualBest = -1;
      }
      // Tie-breaker: an earlier step was recognised, but the URL says we are where the current step lives.
      if (next < current && flow === flowByName(state.flow) && pathHintHolds(flow.steps[current])) next = current;
      if (flow.steps[next].id !== state.step || next > state.reached) {
        state.step = flow.steps[next].id;
        state.reached = Math.max(state.reached, next);
        save();
      }
      show(flow, next);
    }

    function pathHintHolds(step) {
      return Boolean(step.page.pathHint) && location.pathname.includes(step.page.pathHint);
    }

    function scheduleDecide() {
      if (!state || decideTimer) return;
      decideTimer = setTimeout(decide, DECIDE_DEBOUNCE_MS);
    }

    // -- the overlay --
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
      const where = el(doc, "p", {class: "where", "data-role": "where"});
      const back = el(doc, "button", {"data-action": "tour-back", text: OH.t("tourBack")});
      const next = el(doc, "button", {"data-action": "tour-next", class: "primary", text: OH.t("tourNext")});
      const close = el(doc, "button", {"data-action": "tour-close", class: "close", "aria-label": OH.t("tourClose"), title: OH.t("tourClose"), text: "×"});
      const offers = el(doc, "div", {class: "offers", "data-role": "offers", hidden: ""});
      const pop = el(doc, "div", {class: "pop", role: "dialog", "aria-modal": "false", "aria-labelledby": "oh-tour-title",
        "aria-describedby": "oh-tour-text", tabindex: "-1"}, [close, stepLine, title, instruction, where, offers, el(doc, "div", {class: "buttons"}, [back, next])]);
      root.append(el(doc, "style", {text: CSS}), spot, pop);
      ui = {root, spot, pop, stepLine, title, instruction, where, offers, back, next, close};

      const onTrusted = (button, handler) => button.addEventListener("click", (event) => {
        if (event.isTrusted) handler();
      });
      onTrusted(back, () => step(-1));
      onTrusted(next, () => step(+1));
      onTrusted(close, () => end());
      pop.addEventListener("keydown", onKey);
    }

    function onKey(event) {
      if (!event.isTrusted) return;
      if (event.key === "Escape") {
        event.preventDefault();
        end();
      } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        step(event.key === "ArrowRight" ? +1 : -1);
      } else if (event.key === "Tab") {
        const offered = ui.offers.hidden ? [] : [...ui.offers.querySelectorAll("button")];
        const focusable = [ui.close, ...offered, ui.back, ui.next].filter((button) => !button.hidden && !button.disabled);
        const index = focusable.indexOf(ui.root.activeElement);
        const to = event.shiftKey ? (index <= 0 ? focusable.length - 1 : index - 1) : (index + 1) % focusable.length;
        event.preventDefault();
        focusable[to].focus();
      }
    }

    /** Back / Next by hand: the chosen step holds on this page until the page moves on. */
    function step(delta) {
      if (!state || !OH.alive()) return;
      const flow = flowByName(state.flow);
      const current = currentIndex(flow);
      if (flow.steps[current].type === "done" && delta > 0) {
        end();
        return;
      }
      const to = Math.min(Math.max(current + delta, 0), flow.steps.length - 1);
      state.step = flow.steps[to].id;
      state.reached = Math.max(state.reached, to);
      state.manualPath = location.pathname;
      const matches = matchingSteps(flow, state.reached);
      state.manualBest = matches.length ? Math.max(...matches) : -1;
      save();
      show(flow, to, true);
    }

    function show(flow, index, focus = false) {
      const stepRule = flow.steps[index];
      const newStep = !shown || shown.flowName !== flow.name || shown.stepIndex !== index;
      const found = findTarget(stepRule);
      if (!host) build();
      if (!host.isConnected) doc.documentElement.append(host);
      raise();
      setTarget(found);
      if (newStep || found) {
        clearTimeout(missingTimer);
        missingTimer = 0;
      }
      const needsTarget = Boolean(stepRule.target);
      if (needsTarget && !found && newStep) {
        // Give late content a moment before saying "look for ...": never an empty overlay,
        // so the popover shows the instruction centred meanwhile.
        missingTimer = setTimeout(() => {
          missingTimer = 0;
          if (state && !findTarget(stepRule)) render(flow, index, null, true);
        }, MISSING_WAIT_MS);
      }
      const missing = needsTarget && !found && !newStep && shown?.missing;
      render(flow, index, found, missing);
      if (newStep || focus) {
        if (found && !found.closest?.("#ohne-haken-panel")) scrollTo(found);
        ui.pop.focus({preventScroll: true});
      }
      shown = {flowName: flow.name, stepIndex: index, missing};
      if (stepRule.type === "done" && !state.finished) {
        store()?.remove(STORAGE_KEY).catch(() => {}); // completed: a reload must not bring it back
        state = {...state, finished: true};
        if (flow.renewAfterDays) rememberDone(flow);
      }
    }

    function render(flow, index, found, missing) {
      const stepRule = flow.steps[index];
      ui.stepLine.textContent = OH.t("tourStepOf", [String(index + 1), String(flow.steps.length)]);
      ui.title.textContent = OH.t(flow.title);
      ui.instruction.textContent = OH.t(stepRule.text);
      ui.where.textContent = missing && stepRule.where ? OH.t(stepRule.where) : "";
      ui.where.hidden = !missing;
      renderOffers(stepRule.type === "done" ? flow.then || [] : []);
      ui.back.hidden = index === 0;
      ui.next.textContent = OH.t(stepRule.type === "done" ? "tourFinish" : "tourNext");
      ui.pop.setAttribute("aria-describedby", missing ? "oh-tour-text oh-tour-where" : "oh-tour-text");
      ui.where.id = "oh-tour-where";
      if (shown) shown.missing = missing;
      place(found);
    }

    /** On the last step: other opt-outs, each opened in a new tab where its walkthrough starts. */
    function renderOffers(names) {
      const offered = names.map(flowByName).filter((flow) => flow && startUrl(flow));
      const signature = offered.map((flow) => flow.name).join(",");
      ui.offers.hidden = !offered.length;
      if (ui.offers.dataset.flows === signature) return;
      ui.offers.dataset.flows = signature;
      const buttons = offered.map((flow) => {
        const button = el(doc, "button", {"data-action": "tour-offer", "data-flow": flow.name, text: OH.t(flow.title)});
        button.addEventListener("click", (event) => {
          if (!event.isTrusted) return;
          OH.send({type: "openPortal", url: startUrl(flow), flow: flow.name});
        });
        return button;
      });
      ui.offers.replaceChildren(...(offered.length ? [el(doc, "p", {text: OH.t("tourOfferIntro")}), ...buttons] : []));
    }

    /** A result that expires (Utiq: one year): keep only the date it was done, for the popup's reminder. */
    function rememberDone(flow) {
      const day = new Date().toISOString().slice(0, 10);
      const area = store();
      area?.get(DONE_KEY).then((stored) => {
        const done = stored[DONE_KEY] && typeof stored[DONE_KEY] === "object" ? stored[DONE_KEY] : {};
        return area.set({[DONE_KEY]: {...done, [flow.name]: day}});
      }).catch(() => {});
    }

    function setTarget(found) {
      if (target && target !== found) target.removeAttribute("data-ohne-haken-tour");
      target = found;
      if (target) target.setAttribute("data-ohne-haken-tour", "target");
      onTarget(target);
      resizeObserver?.disconnect();
      if (target && typeof ResizeObserver === "function") {
        resizeObserver = new ResizeObserver(() => requestPlace());
        resizeObserver.observe(target);
      }
    }

    function scrollTo(element) {
      const reduce = doc.defaultView.matchMedia("(prefers-reduced-motion: reduce)").matches;
      element.scrollIntoView({block: "center", inline: "nearest", behavior: reduce ? "auto" : "smooth"});
    }

    function place(found = target) {
      if (!ui) return;
      const view = doc.defaultView;
      ui.pop.style.removeProperty("max-height");
      const popRect = ui.pop.getBoundingClientRect();
      const width = popRect.width || 340;
      const height = popRect.height || 180;
      if (!found || !found.isConnected) {
        ui.spot.hidden = true;
        ui.pop.style.left = `${Math.max(8, (view.innerWidth - width) / 2)}px`;
        ui.pop.style.top = `${Math.max(8, (view.innerHeight - height) / 2)}px`;
        return;
      }
      const r = dom.pageRect(found);
      const pad = 6;
      ui.spot.hidden = false;
      Object.assign(ui.spot.style, {left: `${r.left - pad}px`, top: `${r.top - pad}px`, width: `${r.width + 2 * pad}px`, height: `${r.height + 2 * pad}px`});
      // Beside the target first (the space below it usually holds the button to press next),
      // then above, then below; the first place that fits in the window wins.
      const gap = pad + 10;
      const fits = ({left, top}) => left >= 8 && top >= 8 && left + width <= view.innerWidth - 8 && top + height <= view.innerHeight - 8;
      const clampTop = (top) => Math.min(Math.max(8, top), Math.max(8, view.innerHeight - height - 8));
      const clampLeft = (left) => Math.min(Math.max(8, left), Math.max(8, view.innerWidth - width - 8));
      const places = [
        {left: r.right + gap, top: clampTop(r.top)},
        {left: r.left - gap - width, top: clampTop(r.top)},
        {left: clampLeft(r.left), top: r.top - gap - height},
        {left: clampLeft(r.left), top: r.bottom + gap},
      ];
      // Never over the buttons the user presses next (a form's "SMS-Code anfordern" beside its field).
      const obstacles = nearbyControls(found);
      const free = ({left, top}) => !obstacles.some((o) => left < o.right && left + width > o.left && top < o.bottom && top + height > o.top);
      const chosen = places.find((p) => fits(p) && free(p)) || places.find(fits) || squeezed(r, gap, clampLeft(r.left));
      ui.pop.style.left = `${Math.round(chosen.left)}px`;
      ui.pop.style.top = `${Math.round(chosen.top)}px`;
    }

    /** Nothing fits whole (a phone): the larger band above or below the target, the popover scrolling inside it. */
    function squeezed(r, gap, left) {
      const view = doc.defaultView;
      const above = r.top - gap - 8;
      const below = view.innerHeight - r.bottom - gap - 8;
      const band = Math.floor(Math.max(above, below));
      if (band < 120) return {left, top: Math.max(8, view.innerHeight - (ui.pop.getBoundingClientRect().height || 180) - 8)};
      ui.pop.style.setProperty("max-height", `${band}px`);
      return {left, top: above > below ? Math.max(8, r.top - gap - Math.min(band, ui.pop.getBoundingClientRect().height)) : r.bottom + gap};
    }

    /** Viewport boxes of the buttons in the target's form (or its small container), at most a few. */
    function nearbyControls(found) {
      const container = found.closest?.("form") || found.parentElement?.parentElement;
      if (!container || container === doc.body || container === doc.documentElement) return [];
      return [...container.querySelectorAll(ROLE_SELECTORS.button)].slice(0, 8)
        .filter((button) => button !== found && dom.isVisible(button))
        .map((button) => button.getBoundingClientRect());
    }

    function requestPlace() {
      if (frame || !ui) return;
      frame = doc.defaultView.requestAnimationFrame(() => {
        frame = 0;
        place();
      });
    }

    /** Above the page's sticky headers, overlays and modal dialogs (top layer where possible). */
    function raise() {
      if (typeof host.showPopover !== "function") return;
      if (!host.hasAttribute("popover")) host.setAttribute("popover", "manual");
      try {
        if (host.matches(":popover-open")) host.hidePopover();
        host.showPopover();
      } catch {
        // not in the document or not supported: the z-index still applies
      }
    }

    function hide() {
      clearTimeout(missingTimer);
      setTarget(null);
      host?.remove();
      shown = null;
    }

    // -- watching the page while a walkthrough runs --
    function startWatching() {
      if (observer) return;
      observer = new MutationObserver((mutations) => {
        if (mutations.every((m) => dom.insideOwn(m.target))) return;
        scheduleDecide();
        requestPlace();
      });
      observer.observe(doc.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["hidden", "open", "class", "style", "aria-hidden"]});
      doc.defaultView.addEventListener("scroll", requestPlace, {passive: true, capture: true});
      doc.defaultView.addEventListener("resize", requestPlace, {passive: true});
      doc.defaultView.addEventListener("popstate", scheduleDecide);
      doc.addEventListener("click", onPageClick, true);
    }

    /** Changes inside a page's shadow roots are not seen by the observer: look again after clicks. */
    function onPageClick(event) {
      if (dom.isOwn(event.target)) return;
      scheduleDecide();
      setTimeout(scheduleDecide, 400);
    }

    function stopWatching() {
      observer?.disconnect();
      observer = null;
      resizeObserver?.disconnect();
      doc.defaultView.removeEventListener("scroll", requestPlace, {capture: true});
      doc.defaultView.removeEventListener("resize", requestPlace);
      doc.defaultView.removeEventListener("popstate", scheduleDecide);
      doc.removeEventListener("click", onPageClick, true);
    }

    onEngineUpdate((snapshot) => {
      engineState = snapshot;
      scheduleDecide();
    });

    /** Start `flowName` if it belongs here, else the flow that fits this page best (the default on a tie). */
    function start(flowName) {
      if (!OH.alive()) return false;
      let chosen = here.find((flow) => flow.name === flowName) || null;
      let chosenBest = chosen ? Math.max(-1, ...matchingSteps(chosen, -1)) : -1;
      if (!chosen) {
        for (const flow of here) {
          const matches = matchingSteps(flow, -1);
          const best = matches.length ? Math.max(...matches) : -1;
          if (!chosen || best > chosenBest || (best === chosenBest && flow.default)) {
            chosen = flow;
            chosenBest = best;
          }
        }
      }
      if (!chosen) return false; // no walkthrough for this site
      state = {flow: chosen.name, step: chosen.steps[Math.max(chosenBest, 0)].id, reached: Math.max(chosenBest, 0), updated: Date.now(), manualPath: null, manualBest: -1};
      save();
      shown = null;
      startWatching();
      decide();
      return true;
    }

    async function resume() {
      state = await load();
      if (!state) return;
      if (!here.some((flow) => flow.name === state.flow)) {
        state = null; // a walkthrough on another site (e.g. DAP on telefonica.de): it goes on there, not here
        return;
      }
      state.manualPath = null;
      startWatching();
      decide();
    }

    storage.onChanged?.addListener?.((changes) => {
      if (changes[STORAGE_KEY] && !changes[STORAGE_KEY].newValue && state && !state.finished) {
        state = null; // ended in another tab
        hide();
        stopWatching();
      }
    });

    return {start, resume, end, stop};
  }

  OH.createTour = createTour;
})();
