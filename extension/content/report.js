/*
 * The page report ("Seite melden", issue 16): a structural snapshot of the parts of a page that
 * hold controls, with Ohne Haken's verdict per control, made on the device and shown to the
 * user; it leaves only by the user's own hand (report-view.js). Nothing here sends or stores.
 *
 * What it keeps (docs/PRIVACY.md, "The page report"):
 * - per control region (the form, else the section, dialog or group around controls): the
 *   element tree with tag names, roles, `type`, aria-* attributes, checked/selected/pressed and
 *   disabled states, shadow roots and same-origin frames marked;
 * - text only where it labels: labels, legends, headings, table headers, buttons, options,
 *   texts a control names with aria-labelledby/-describedby, the row that holds one control,
 *   and up to three paragraphs between a section heading and its settings, its intro (the texts
 *   the classifier reads); outside the regions only headings and landmark names;
 * - the verdict per control (shape, kind, words, source), the count, the user's own words,
 *   the page's host and path (no query, no fragment), the extension's version and browser.
 * Never: a field's value (nothing here reads `.value`), typed text (textarea, contenteditable,
 * role=textbox), cookies, query strings, digit runs (only their digit count; a single digit right
 * after a letter stays, as in "o2"), e-mail addresses.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.report) return;
  const {dom} = OH;

  const FORMAT = "ohne-haken-report";
  const FORMAT_VERSION = 1;
  // Every element the engine's shapes may ask a question with (engine-shapes.js), and the usual ones.
  const BASE_CONTROLS = 'input[type="checkbox"], [role="checkbox"], [role="switch"], input[type="radio"], [role="radio"], select, [aria-pressed]';
  const controlSelector = () => [BASE_CONTROLS, OH.shapes?.selector?.()].filter(Boolean).join(", ");
  const REGION_TAGS = new Set(["SECTION", "ARTICLE", "DIALOG", "FIELDSET", "TABLE"]);
  const REGION_ROLES = new Set(["region", "dialog", "alertdialog", "group", "radiogroup"]);
  const LABELLING_TAGS = new Set(["LABEL", "LEGEND", "H1", "H2", "H3", "H4", "H5", "H6", "TH", "CAPTION", "BUTTON",
    "SUMMARY", "OPTION", "A", "DT"]);
  const LABELLING_ROLES = new Set(["heading", "button", "option", "tab", "switch", "checkbox", "radio", "columnheader", "rowheader"]);
  const SKIP_TAGS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "TEXTAREA", "INPUT", "IMG", "BR", "HR"]);
  const STOP_TAGS = new Set(["BODY", "HTML", "FORM", "FIELDSET", "SECTION", "MAIN", "TABLE", "TBODY", "UL", "OL", "DL"]);
  const ROW_TAGS = new Set(["TR", "LI", "DD", "LABEL"]);
  const REF_ATTRIBUTES = ["aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"];
  const LANDMARKS = 'header, nav, main, footer, aside, [role="banner"], [role="navigation"], [role="main"], ' +
    '[role="contentinfo"], [role="complementary"], [role="region"], [role="search"]';
  const MAX_NODES = 3000;
  const MAX_DEPTH = 48;
  const MAX_TEXT = 300;
  const MAX_BLOCK_DEPTH = 8;
  const MAX_INTRO = 3; // elements after a section heading kept as its intro
  const INTRO_HEADINGS = 'h2, h3, h4, h5, h6, [role="heading"], legend';
  const TYPING_FIELDS = 'input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"]), textarea, [contenteditable], [role="textbox"]';

  /** Digit runs (with the spaces, dots, dashes and slashes between them) become their count;
   *  e-mail addresses go entirely. Applied to every piece of page text a report keeps. */
  function redact(raw, max = MAX_TEXT) {
    const text = String(raw ?? "").replace(/\s+/g, " ").trim()
      .replace(/[^\s@<>()]+@[^\s@<>()]+/g, "[e-mail]")
      .replace(/\d(?:[\s./-]?\d)*/g, (run, at, whole) => (run.length === 1 && /\p{L}/u.test(whole[at - 1] || "")
        ? run // one digit in a name ("o2", "E2E") says nothing about anyone
        : `[${run.replace(/\D/g, "").length} digits]`));
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  const isTyping = (element) => element.isContentEditable || element.getAttribute("role") === "textbox" ||
    element.getAttribute("contenteditable") !== null;

  function shapeOf(element) {
    if (element.tagName === "SELECT") return "select";
    const role = element.getAttribute("role");
    if (element.type === "radio" || role === "radio") return "radio";
    if (element.hasAttribute("aria-pressed") && !role && element.type !== "checkbox") return "pressed";
    return "checkbox";
  }

  function stateOf(element) {
    if (element.tagName === "SELECT") return {selected: [...element.options].findIndex((option) => option.selected)};
    if (element.tagName === "INPUT") return {checked: element.checked};
    const value = element.getAttribute("aria-checked") ?? element.getAttribute("aria-pressed");
    return {checked: value === "true" || value === "mixed"};
  }

  /** Ancestors across shadow roots and same-origin frames, innermost first. */
  function ancestors(node) {
    const chain = [];
    for (let up = node, depth = 0; up && depth < dom.MAX_DEPTH * 2; depth++) {
      const parent = dom.parentOf(up) || frameOf(up);
      if (!parent) break;
      chain.push(parent);
      up = parent;
    }
    return chain;
  }

  function frameOf(element) {
    if (element.tagName !== "HTML") return null;
    try {
      return element.ownerDocument.defaultView.frameElement;
    } catch {
      return null;
    }
  }

  /** The form around a control, else its nearest section, dialog or group, else <main>, else the block below <body>. */
  function regionOf(control) {
    const chain = ancestors(control);
    const form = chain.find((node) => node.tagName === "FORM" || node.getAttribute("role") === "form");
    if (form) return form;
    const near = chain.find((node) => REGION_TAGS.has(node.tagName) || REGION_ROLES.has(node.getAttribute("role")));
    if (near) return near;
    const main = chain.find((node) => node.tagName === "MAIN" || node.getAttribute("role") === "main");
    if (main) return main;
    const body = chain.findIndex((node) => node.tagName === "BODY");
    return body > 0 ? chain[body - 1] : chain[0] || control;
  }

  /** The row or block that holds only this control (as the classifier reads it: labels.js). */
  function blockOf(control, counts) {
    let best = null;
    let node = dom.parentOf(control);
    for (let depth = 0; node && depth < MAX_BLOCK_DEPTH && !STOP_TAGS.has(node.tagName); depth++, node = dom.parentOf(node)) {
      if ((counts.get(node) || 0) > 1) break;
      best = node;
      if (ROW_TAGS.has(node.tagName) || node.getAttribute("role") === "row" || node.getAttribute("role") === "listitem") break;
    }
    return best;
  }

  function build({snapshot, userTerms = [], doc = document}) {
    const shadows = new Map(); // host -> its (open or closed) shadow root
    const frames = new Map(); // frame element -> its document
    dom.walkRoots(doc, (root) => {
      if (root.nodeType === 11 && root.host) shadows.set(root.host, root);
      if (root.nodeType === 9 && root !== doc) {
        try {
          if (root.defaultView?.frameElement) frames.set(root.defaultView.frameElement, root);
        } catch {
          // a frame we may not look into
        }
      }
    });
    const verdicts = new Map((snapshot?.items || []).filter((item) => item.element).map((item) => [item.element, item]));
    // The controls, and the question elements the engine recorded (a radio question's group).
    const isControl = new Set([...dom.deepQueryAll(doc, controlSelector()), ...verdicts.keys()]);
    const controls = [...isControl].filter((element) => element.isConnected && !dom.insideOwn(element));
    const counts = new Map(); // ancestor -> how many controls it holds
    for (const control of controls) for (const up of ancestors(control)) counts.set(up, (counts.get(up) || 0) + 1);

    const speaking = new Set(); // elements whose text is kept: blocks of one control, texts controls point at
    for (const control of controls) {
      const block = blockOf(control, counts);
      if (block) speaking.add(block);
      const root = control.getRootNode();
      for (const attribute of ["aria-labelledby", "aria-describedby"]) {
        for (const id of (control.getAttribute(attribute) || "").split(/\s+/).filter(Boolean)) {
          const target = root.getElementById?.(id) || root.querySelector?.(`#${CSS.escape(id)}`);
          if (target) speaking.add(target);
        }
      }
    }

    // A section's intro: what follows a heading (not the page's title) up to the first control,
    // which the classifier reads with the heading ("Auf welchen Wegen dürfen wir dich kontaktieren?").
    // Only paragraphs, and only when the settings follow right after them (a summary of the
    // customer's data after "Deine Angaben" is no intro).
    for (const heading of dom.deepQueryAll(doc, INTRO_HEADINGS)) {
      const intro = [];
      let sibling = heading.nextElementSibling;
      while (sibling && intro.length < MAX_INTRO && sibling.tagName === "P" && !counts.has(sibling)) {
        intro.push(sibling);
        sibling = sibling.nextElementSibling;
      }
      if (sibling && (counts.has(sibling) || isControl.has(sibling)) && !sibling.querySelector(TYPING_FIELDS)) {
        for (const paragraph of intro) speaking.add(paragraph);
      }
    }

    const regionRoots = [];
    for (const control of controls) {
      const region = regionOf(control);
      if (!regionRoots.includes(region)) regionRoots.push(region);
    }
    const outermost = regionRoots.filter((region) => !ancestors(region).some((up) => regionRoots.includes(up)))
      .sort((a, b) => (inPageOrder(doc, a, b) ? -1 : 1));

    const refs = new Map(); // page id -> "r1" ... (only ids a label or aria attribute points at)
    const refOf = (id) => {
      if (!refs.has(id)) refs.set(id, `r${refs.size + 1}`);
      return refs.get(id);
    };
    const referenced = new Set();
    for (const region of outermost) {
      for (const element of [region, ...dom.deepQueryAll(region, "[for], [aria-labelledby], [aria-describedby], [aria-controls], [aria-owns]")]) {
        for (const attribute of ["for", ...REF_ATTRIBUTES]) {
          for (const id of (element.getAttribute(attribute) || "").split(/\s+/).filter(Boolean)) referenced.add(id);
        }
      }
    }

    const controlList = [];
    let nodeCount = 0;

    function attributesOf(element) {
      const out = {};
      const role = element.getAttribute("role");
      if (role) out.role = redact(role, 40);
      if (element.tagName === "INPUT" || element.tagName === "BUTTON") out.type = (element.getAttribute("type") || (element.tagName === "INPUT" ? "text" : "submit")).toLowerCase().slice(0, 20);
      if (element.id && referenced.has(element.id)) out.id = refOf(element.id);
      for (const attribute of element.getAttributeNames()) {
        if (!attribute.startsWith("aria-")) continue;
        const value = element.getAttribute(attribute);
        out[attribute] = REF_ATTRIBUTES.includes(attribute)
          ? value.split(/\s+/).filter(Boolean).map(refOf).join(" ")
          : redact(value, 120);
      }
      if (element.tagName === "LABEL" && element.htmlFor) out.for = refOf(element.htmlFor);
      if (element.title) out.title = redact(element.title, 120);
      if (element.disabled === true) out.disabled = true;
      if (element.hidden) out.hidden = true;
      if (element.tagName === "OPTION") out.selected = element.selected;
      if (element.tagName === "DETAILS" || element.tagName === "DIALOG") out.open = element.hasAttribute("open");
      if (element.tagName === "INPUT" && (element.type === "checkbox" || element.type === "radio")) out.checked = element.checked;
      if (element.tagName === "INPUT" && element.type === "radio" && element.name) out.name = redact(element.name, 60); // the group
      return out;
    }

    function visit(element, keepText, depth) {
      if (++nodeCount > MAX_NODES || depth > MAX_DEPTH || dom.isOwn(element)) return null;
      const node = {tag: element.localName, ...attributesOf(element)};
      if (isControl.has(element)) {
        const item = verdicts.get(element);
        const entry = {n: controlList.length + 1, shape: item?.shape || shapeOf(element), ...stateOf(element),
          kind: item?.kind || null, words: item?.words || [], source: item?.source || null};
        if (item) entry.label = redact(item.label, 160);
        controlList.push(entry);
        node.control = entry.n;
      }
      if (SKIP_TAGS.has(element.tagName) || element.namespaceURI !== "http://www.w3.org/1999/xhtml" || isTyping(element)) return node;
      const keep = keepText || speaking.has(element) || LABELLING_TAGS.has(element.tagName) ||
        LABELLING_ROLES.has(element.getAttribute("role"));
      // Light-DOM content shown in a kept slot is the label's text too (a custom element's label).
      if (keep && element.tagName === "SLOT") for (const assigned of element.assignedNodes({flatten: true})) speaking.add(assigned);
      const shadow = shadows.get(element);
      if (shadow) node.shadowRoot = childrenOf(shadow, keep, depth);
      const frame = frames.get(element);
      if (frame?.body) node.frame = {path: pathOf(frame.defaultView.location), children: childrenOf(frame.body, false, depth)};
      const children = childrenOf(element, keep, depth);
      if (children.length) node.children = children;
      return node;
    }

    function childrenOf(parent, keepText, depth) {
      const out = [];
      for (const child of parent.childNodes) {
        if (child.nodeType === 1) {
          const node = visit(child, keepText, depth + 1);
          if (node) out.push(node);
        } else if (child.nodeType === 3 && (keepText || speaking.has(child))) {
          const text = redact(child.data);
          if (text) out.push(text);
        }
      }
      return out;
    }

    const inRegion = (element) => outermost.some((region) => region === element || ancestors(element).includes(region));
    const headings = dom.deepQueryAll(doc, "h1, h2, h3, h4, h5, h6, [role='heading']")
      .filter((heading) => !inRegion(heading) && dom.textOf(heading).trim())
      .slice(0, 60)
      .map((heading) => ({level: Number(heading.tagName.slice(1)) || Number(heading.getAttribute("aria-level")) || 2, text: redact(dom.textOf(heading, MAX_TEXT))}));
    const landmarks = dom.deepQueryAll(doc, LANDMARKS).slice(0, 40).map((landmark) => {
      const entry = {role: landmark.getAttribute("role") || dom.landmarksOf(landmark)[0] || landmark.localName};
      const name = landmark.getAttribute("aria-label") || (landmark.hasAttribute("aria-labelledby") ? dom.accessibleName(landmark) : "");
      if (name) entry.name = redact(name, 120);
      return entry;
    });

    const regions = outermost.map((region) => visit(region, false, 0)).filter(Boolean);
    const manifest = OH.api.runtime.getManifest();
    return {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      extension: {version: manifest.version, browser: browserName()},
      page: {host: doc.location.hostname, path: pathOf(doc.location), language: (doc.documentElement.lang || "").slice(0, 10)},
      summary: {total: snapshot?.total ?? 0, active: snapshot?.active ?? 0, controls: controlList.length, truncated: nodeCount > MAX_NODES},
      userTerms: userTerms.map(({phrase, kind}) => ({phrase, kind})),
      headings,
      landmarks,
      regions,
      controls: controlList,
    };
  }

  /** Is `a` before `b` in the page (compared where each enters the top document)? */
  function inPageOrder(doc, a, b) {
    const anchor = (element) => [element, ...ancestors(element)].find((node) => node.getRootNode() === doc) || element;
    return Boolean(anchor(a).compareDocumentPosition(anchor(b)) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  /** The address without query and fragment: only the path. */
  function pathOf(location) {
    return redact(location.pathname, 200);
  }

  function browserName() {
    const base = OH.api.runtime.getURL("");
    const firefox = base.startsWith("moz-extension:");
    const major = navigator.userAgent.match(firefox ? /Firefox\/(\d+)/ : /Chrom(?:e|ium)\/(\d+)/)?.[1];
    return `${firefox ? "firefox" : "chromium"}${major ? ` ${major}` : ""}`;
  }

  OH.report = {build, redact, FORMAT, FORMAT_VERSION};
})();
