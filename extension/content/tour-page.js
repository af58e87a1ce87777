/*
 * The walkthrough's reading of the page: which steps of a flow the page shows and how strongly,
 * which step to show, and which element a step points at. No drawing and no storage (that is
 * tour-overlay.js and tour.js); loaded on demand with them (background loadTour). Names, labels
 * and the engine's marks only, never a field's value.
 *
 * Evidence: every matcher of a step's `page` that holds counts 1, the consent form itself
 * (`form`: its heading, classified controls and their save button together) counts 3, the host
 * and a satisfied `after` count 1 each. The strongest step wins; on equal evidence the later one.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.tourPage) return;
  const {dom, text} = OH;

  const ROLE_SELECTORS = {
    link: 'a[href], [role="link"], [role="tab"], [role="menuitem"]',
    tab: '[role="tab"], a[href]',
    button: 'button, [role="button"], input[type="submit"], input[type="button"]',
    control: 'a[href], [role="link"], [role="tab"], [role="menuitem"], button, [role="button"], input[type="submit"], input[type="button"]',
    field: 'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="submit"]):not([type="button"]), textarea',
  };
  const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role="heading"], legend';
  const SECTION_CONTAINERS = 'section, article, fieldset, [role="region"], [role="group"], form, li, div';
  const MARKED_CONTROLS = '[data-ohne-haken="consent"], [data-ohne-haken="objection"]'; // the engine's marks (docs/HOOKS.md)
  const FORM_WEIGHT = 3;
  const EMPTY_TEXT = 40; // a page showing less text than this, and no control, is empty

  function visible(start, selector) {
    return dom.deepQueryAll(start, selector).filter((element) => dom.isVisible(shownBy(element)));
  }

  /** What the user sees of an element: a field inside a custom element is drawn by its host. */
  function shownBy(element) {
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

  /** Is `element` inside `node`, across shadow roots? */
  function within(node, element) {
    for (let at = element; at; at = at.parentNode || at.host) if (at === node) return true;
    return false;
  }

  /**
   * The page reader of one document. `engineState()` is the engine's latest snapshot, `walk()`
   * the running walkthrough ({flow, reached, formPath}) or null, `now()` ms since the page began.
   */
  function createPage({rules, doc = document, engineState, walk, now = () => performance.now()}) {
    const flows = rules.flows;
    const flowByName = (name) => flows.find((flow) => flow.name === name) || null;
    /** Flows of the sites this page belongs to, fixed for the document (its host cannot change). */
    const siteNames = new Set(OH.sitesFor(location.hostname, rules).map((site) => site.name));
    const here = flows.filter((flow) => siteNames.has(flow.site));
    /** Where a flow starts when opened from elsewhere: its site's origin plus its start path. */
    const startUrl = (flow) => {
      const origin = rules.sites.find((site) => site.name === flow.site)?.origin;
      return origin ? origin + flow.start : null;
    };

    const headingsNamed = (names) => visible(doc, HEADINGS).filter((h) => text.matchesName(dom.textOf(h, 300), names));

    /** The consent form itself: a heading of `names` that shares a part of the page (not the whole
     *  page) with the engine's save button and at least one classified control. A lone newsletter
     *  box or a cookie banner has no such heading; the engine marks no save button for it. */
    function formShown(names) {
      const state = engineState();
      const save = state.saveButton;
      if (!state.total || !save?.isConnected || !dom.isVisible(save)) return false;
      const controls = dom.deepQueryAll(doc, MARKED_CONTROLS);
      return headingsNamed(names).some((heading) => {
        let part = heading.parentElement;
        while (part && part !== doc.body && !within(part, save)) part = part.parentElement;
        return Boolean(part) && part !== doc.body && controls.some((control) => within(part, control));
      });
    }

    /** The page shows (almost) nothing: no control and hardly any text, `ms` after it began. */
    function empty(ms) {
      if (now() < ms || !doc.body) return false;
      if (visible(doc, `${ROLE_SELECTORS.control}, ${ROLE_SELECTORS.field}`).length) return false;
      return dom.textOf(doc.body, 400).replace(/\s+/g, "").length < EMPTY_TEXT;
    }

    function holds(matcher) {
      const [kind, value] = Object.entries(matcher)[0];
      switch (kind) {
        case "heading": return headingsNamed(value).length > 0;
        case "link": return named(doc, "link", value).length > 0;
        case "button": return named(doc, "button", value).length > 0;
        case "field": return named(doc, "field", value).length > 0;
        case "passwordField": return visible(doc, 'input[type="password"]').length > 0;
        case "text": return text.findTerms(text.normalize(dom.textOf(doc.body, 20000)), text.compileTerms(value)).length > 0;
        case "form": return formShown(value);
        case "formPage": return Boolean(walk()?.formPath) && walk().formPath === location.pathname && engineState().total > 0;
        case "emptyAfter": return empty(value);
        case "consents": {
          const state = engineState();
          if (value === "present") return state.total > 0;
          if (value === "active") return state.active > 0;
          return state.total > 0 && state.active === 0;
        }
        default: return false;
      }
    }

    const weight = (matcher) => ("form" in matcher ? FORM_WEIGHT : 1);

    /** How strongly the page shows `step` of `flow` (0: not at all), the walkthrough having reached `reached`. */
    function evidence(flow, step, reached) {
      const page = step.page;
      let strength = 0;
      if (step.after) {
        const index = flow.steps.findIndex((s) => s.id === step.after);
        if (walk()?.flow !== flow.name || index < 0 || reached < index) return 0;
        strength += 1;
      }
      if (page.host) {
        if (!(location.hostname === page.host || location.hostname.endsWith(`.${page.host}`))) return 0;
        strength += 1;
      }
      for (const matcher of page.all || []) {
        if (!holds(matcher)) return 0;
        strength += weight(matcher);
      }
      if (page.any) {
        const held = page.any.filter(holds);
        if (!held.length) return 0;
        strength += held.reduce((sum, matcher) => sum + weight(matcher), 0);
      }
      if (page.none && page.none.some(holds)) return 0;
      return page.all || page.any || page.host ? strength : 0;
    }

    /** Every step of `flow` the page shows: [{index, strength}]. */
    function matchingSteps(flow, reached) {
      return flow.steps.map((step, index) => ({index, strength: evidence(flow, step, reached)})).filter((m) => m.strength > 0);
    }

    function pathHintHolds(step) {
      return Boolean(step.page.pathHint) && location.pathname.includes(step.page.pathHint);
    }

    // -- finding the target --
    function regionRoots(region) {
      if (!region || region.landmark) return [doc]; // landmarks are checked per candidate (inRegion)
      return headingsNamed(region.section).map(sectionOf);
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
      if (spec.role === "panel") return panelButton("clear-all");
      if (spec.role === "save") {
        const button = engineState().saveButton;
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
      return found.length ? shownBy(found[0]) : null;
    }

    /** A button of Ohne Haken's own panel (`action`), else the panel itself; null where none is shown. */
    function panelButton(action) {
      const panel = doc.getElementById("ohne-haken-panel");
      const button = panel?.shadowRoot?.querySelector(`[data-action="${action}"]`);
      return button && dom.isVisible(button) ? button : panel;
    }

    return {here, flowByName, startUrl, matchingSteps, pathHintHolds, findTarget, panelButton, buttonSelector: ROLE_SELECTORS.button};
  }

  /** The strongest of `matches` ({index, strength}); on equal strength the later step. -1 for none. */
  function strongest(matches) {
    let best = null;
    for (const m of matches) if (!best || m.strength > best.strength || (m.strength === best.strength && m.index > best.index)) best = m;
    return best ? best.index : -1;
  }

  /**
   * The step to show, from the steps the page shows (`matches` of `flow`) and where the walkthrough
   * stands: a step recognised only after another replaces that one; a recognised optional step
   * (cookie banner, opt-in overlay) is a detour to take first; otherwise the strongest evidence
   * wins. After Back/Next on this page (`manual`), only a step further than the one held (`held`)
   * moves on. If only earlier steps are recognised but the URL belongs to the current step
   * (`currentHinted`), the current step stays. Pure: tests/unit/test_tour_choice.py runs it in node.
   */
  function chooseStep({flow, matches: all, current, manual, held, currentHinted, sameFlow}) {
    // done after save: the saved form may still be on the page
    const superseded = new Set(all.map((m) => flow.steps[m.index].after).filter(Boolean));
    const matches = all.filter((m) => !superseded.has(flow.steps[m.index].id));
    const optional = matches.filter((m) => flow.steps[m.index].optional).map((m) => m.index);
    const best = optional.length ? Math.min(...optional) : strongest(matches);
    let next = current;
    if (manual ? best > held : best >= 0) next = best;
    if (next < current && sameFlow && currentHinted) next = current;
    return next;
  }

  OH.tourPage = {createPage, chooseStep, strongest};
})();
