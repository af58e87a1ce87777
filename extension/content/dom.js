/*
 * DOM helpers that see what a user sees: open and closed shadow roots, same-origin frames,
 * visible text with slotted content, accessible names, landmarks and section headings.
 * The extension's own hosts (panel, tour, marks) are skipped everywhere.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.dom) return;

  const CONTROL_SELECTOR = 'input[type="checkbox"], [role="checkbox"], [role="switch"]';
  const HEADING_SELECTOR = 'h1, h2, h3, h4, h5, h6, [role="heading"], legend';
  const SKIP_TEXT = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG"]);
  const MAX_DEPTH = 64; // bounds every climb through ancestors
  const MAX_INTRO = 500; // characters of a section's intro text used as context
  // a sibling holding any of these answers another question: its text is no intro (classifier)
  const ANSWERING_SELECTOR = 'input, select, textarea, [role="checkbox"], [role="switch"], [role="radio"], [role="option"], [aria-pressed]';
  const ownHosts = new WeakSet();
  const UI_ATTRIBUTE = "data-ohne-haken-ui"; // on every host element Ohne Haken draws into a page

  /** A host element for Ohne Haken's own UI (panel, walkthrough, marks layer), known as ours. */
  function ownHost(doc, tag, id) {
    const host = doc.createElement(tag);
    if (id) host.id = id;
    host.setAttribute(UI_ATTRIBUTE, id || tag);
    ownHosts.add(host);
    return host;
  }

  /** UI left by an earlier copy of Ohne Haken (Firefox ends the old content scripts of an updated
   *  or reloaded extension but keeps what they drew, a dimming walkthrough included): remove it.
   *  A page element that imitates it (same attribute) goes too; one that merely has our id stays. */
  function removeStaleUi(doc) {
    for (const old of doc.querySelectorAll(`[${UI_ATTRIBUTE}]`)) if (!ownHosts.has(old)) old.remove();
  }

  /** The parent across shadow and frame boundaries (for climbing to context). */
  function parentOf(node) {
    if (node.parentElement) return node.parentElement;
    const root = node.parentNode;
    if (root && root.nodeType === 11 && root.host) return root.host; // shadow root -> host
    return null;
  }

  function isOwn(element) {
    return ownHosts.has(element);
  }

  const {MAY_HOST_SELECTOR, mayHost, shadowRootOf} = OH; // namespace.js: the sentinel walks by the same rule

  const WALK_PAUSE_EVERY = 256; // elements asked between two chances for the caller to pause

  /**
   * Every root under `start` (a document, shadow root or element): `start` itself, every shadow
   * root and every same-origin frame document inside it, as a generator. It yields null now and
   * then while it asks the elements of a large root for theirs, so a caller working in slices
   * can give the page its turn (engine-core.js). `count(n)` hears how many elements were asked.
   */
  function* rootsUnder(start, onFrame, count) {
    const stack = [start];
    while (stack.length) {
      const root = stack.pop();
      const isElement = root.nodeType === 1;
      if (isElement && isOwn(root)) continue;
      yield root;
      if (isElement) {
        const name = root.localName;
        const shadow = mayHost(name) ? shadowRootOf(root) : null; // an added row (li, tr) cannot host one
        if (shadow) stack.push(shadow);
        if (name === "iframe" || name === "frame") enterFrame(root, stack, onFrame);
      }
      // The one step per element (every property read is a call across worlds, dearest in
      // Firefox): an indexed loop that asks for the shadow root only; frames have their own query.
      // Each query of a whole document can take tens of ms on a large page (50,000 elements):
      // the caller may pause before each, so no two of them share a task. An added element (a
      // row) is rarely large: it pauses only once it turns out to be (the pauses of many small
      // roots would cost more than their queries).
      if (!isElement) yield null;
      const elements = root.querySelectorAll(MAY_HOST_SELECTOR);
      const total = elements.length;
      if (count) count(total);
      for (let i = 0; i < total; i++) {
        if ((i + 1) % WALK_PAUSE_EVERY === 0) yield null;
        const shadow = shadowRootOf(elements[i]);
        if (shadow && !isOwn(elements[i])) stack.push(shadow);
      }
      if (!isElement || total >= WALK_PAUSE_EVERY) yield null;
      if (!root.querySelector("iframe, frame")) continue; // one call where there is none (most roots)
      for (const frame of root.querySelectorAll("iframe, frame")) enterFrame(frame, stack, onFrame);
    }
  }

  function enterFrame(frame, stack, onFrame) {
    if (onFrame) onFrame(frame);
    let doc;
    try {
      doc = frame.contentDocument;
    } catch {
      doc = null; // cross-origin
    }
    if (doc?.documentElement) stack.push(doc);
  }

  /**
   * Call visit(root) for `start` (a document, shadow root or element) and for every shadow
   * root and same-origin frame document inside it, at once. Returns the number of elements asked.
   */
  function walkRoots(start, visit, onFrame) {
    let walked = 0;
    for (const root of rootsUnder(start, onFrame, (n) => {
      walked += n;
    })) if (root) visit(root);
    return walked;
  }

  /** All elements matching `selector` under `start`, through shadow roots and frames. */
  function deepQueryAll(start, selector, onFrame) {
    const found = [];
    walkRoots(start, (root) => {
      if (root.nodeType === 1 && root.matches(selector)) found.push(root);
      for (const element of root.querySelectorAll(selector)) {
        if (!insideOwn(element)) found.push(element);
      }
    }, onFrame);
    return found;
  }

  function insideOwn(element) {
    for (let node = element, depth = 0; node && depth < MAX_DEPTH; node = parentOf(node), depth++) {
      if (isOwn(node)) return true;
    }
    return false;
  }

  /** Visible text of a node: slotted content included, scripts and hidden parts left out. */
  function textOf(node, max = 2000) {
    let out = "";
    const stack = [node];
    while (stack.length && out.length < max) {
      const current = stack.pop();
      if (current.nodeType === 3) {
        out += current.data;
        continue;
      }
      if (current.nodeType !== 1 && current.nodeType !== 11) continue;
      if (current.nodeType === 1) {
        if (SKIP_TEXT.has(current.tagName.toUpperCase()) || isOwn(current)) continue;
        if (current.hidden || current.getAttribute("aria-hidden") === "true") continue;
        if (current.tagName === "INPUT" || current.tagName === "TEXTAREA" || current.tagName === "SELECT") continue;
      }
      let children = current.childNodes;
      if (current.tagName === "SLOT") {
        const assigned = current.assignedNodes({flatten: true});
        if (assigned.length) children = assigned;
      }
      out += " ";
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    return out.replace(/\s+/g, " ").trim().slice(0, max);
  }

  function byIdsText(element, attribute) {
    const ids = (element.getAttribute(attribute) || "").trim().split(/\s+/).filter(Boolean);
    if (!ids.length) return "";
    const root = element.getRootNode();
    return ids.map((id) => {
      const target = root.getElementById ? root.getElementById(id) : root.querySelector?.(`#${CSS.escape(id)}`);
      return target ? textOf(target) : "";
    }).join(" ").trim();
  }

  /**
   * element.labels (in tree order; null or undefined where it is), found without reading it:
   * after any change to the page that list walks the whole document on its next use, once per
   * control. Only a label around the element or one naming its id can be among them.
   */
  function labelsOf(element) {
    if (!element.labels) return element.labels; // not labelable (reading the list object costs nothing)
    const found = [];
    for (let node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "LABEL" && node.control === element) found.unshift(node);
    }
    if (element.id) {
      const root = element.getRootNode();
      for (const label of root.querySelectorAll(`label[for="${CSS.escape(element.id)}"]`)) {
        if (label.control === element && !found.includes(label)) found.push(label);
      }
      found.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    }
    return found;
  }

  /** Accessible name, close to the ARIA algorithm for links, buttons, fields and controls. */
  function accessibleName(element) {
    const labelled = byIdsText(element, "aria-labelledby");
    if (labelled) return labelled;
    const aria = element.getAttribute("aria-label");
    if (aria && aria.trim()) return aria.trim();
    const labels = labelsOf(element);
    if (labels && labels.length) {
      return labels.map((label) => textOf(label)).join(" ").trim();
    }
    if (element.tagName === "INPUT") {
      const type = (element.type || "").toLowerCase();
      if (["submit", "button", "reset"].includes(type)) return element.value || "";
      return element.getAttribute("placeholder") || element.title || "";
    }
    return textOf(element) || element.getAttribute("title") || element.getAttribute("label") || "";
  }

  function isVisible(element) {
    if (!element.isConnected) return false;
    if (typeof element.checkVisibility === "function") {
      if (!element.checkVisibility({visibilityProperty: true})) return false;
    }
    const rect = element.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  }

  const LANDMARK_TAGS = {HEADER: "banner", NAV: "navigation", MAIN: "main", FOOTER: "contentinfo", ASIDE: "complementary", FORM: "form", DIALOG: "dialog"};
  const SECTIONING = new Set(["ARTICLE", "SECTION", "ASIDE", "NAV", "MAIN"]);

  /** Landmark roles around an element, innermost first. */
  function landmarksOf(element) {
    const found = [];
    let child = null;
    for (let node = element, depth = 0; node && depth < MAX_DEPTH; child = node, node = parentOf(node), depth++) {
      const role = node.getAttribute?.("role");
      if (role && ["banner", "navigation", "main", "contentinfo", "complementary", "form", "dialog", "alertdialog", "region"].includes(role)) {
        found.push(role === "alertdialog" ? "dialog" : role);
        continue;
      }
      const tag = LANDMARK_TAGS[node.tagName];
      if (!tag) continue;
      if ((tag === "banner" || tag === "contentinfo") && child && hasSectioningAncestor(node)) continue;
      found.push(tag);
    }
    return found;
  }

  function hasSectioningAncestor(node) {
    for (let up = parentOf(node), depth = 0; up && depth < MAX_DEPTH; up = parentOf(up), depth++) {
      if (SECTIONING.has(up.tagName) && up.tagName !== "MAIN") return true;
    }
    return false;
  }

  function isHeading(element) {
    return element.nodeType === 1 && element.matches(HEADING_SELECTOR);
  }

  /**
   * The nearest heading above an element: a fieldset's legend, a labelled group, or the
   * closest preceding heading while climbing through ancestors (across shadow hosts).
   * Its text includes the intro between that heading and the element ("Auf welchen Wegen
   * dürfen wir Sie zu Werbezwecken kontaktieren?"), which often says what a group is for.
   */
  function headingOf(element) {
    let intro = "";
    const result = (heading, text) => ({element: heading, text: `${text} ${intro}`.trim().slice(0, MAX_INTRO)});
    /** Scan the siblings before `node`: a heading ends the search, other text is intro. */
    const scanBefore = (node) => {
      let sibling = node.previousElementSibling;
      for (let count = 0; sibling && count < 25; sibling = sibling.previousElementSibling, count++) {
        if (isOwn(sibling)) continue;
        if (isHeading(sibling)) return sibling;
        const inner = sibling.querySelectorAll(HEADING_SELECTOR);
        if (inner.length) return inner[inner.length - 1];
        if (intro.length < MAX_INTRO && !sibling.matches(ANSWERING_SELECTOR) && !sibling.querySelector(ANSWERING_SELECTOR)) {
          intro = `${textOf(sibling, MAX_INTRO)} ${intro}`;
        }
      }
      return null;
    };
    let node = element;
    for (let depth = 0; node && depth < MAX_DEPTH; depth++) {
      if (node !== element && node.nodeType === 1) {
        if (node.tagName === "FIELDSET") {
          const legend = node.querySelector(":scope > legend");
          if (legend) return result(legend, textOf(legend, 300));
        }
        const role = node.getAttribute("role");
        if (role === "group" || role === "region" || node.tagName === "SECTION" || node.tagName === "UL" || node.tagName === "OL") {
          const name = byIdsText(node, "aria-labelledby") || node.getAttribute("aria-label");
          if (name) {
            scanBefore(node);
            return result(node, name.slice(0, 300));
          }
        }
      }
      const heading = scanBefore(node);
      if (heading) return result(heading, textOf(heading, 300));
      node = parentOf(node);
    }
    return null;
  }

  /** Page coordinates of an element's box, through same-origin frames. */
  function pageRect(element) {
    const rect = element.getBoundingClientRect();
    let left = rect.left;
    let top = rect.top;
    let view = element.ownerDocument.defaultView;
    for (let depth = 0; view && view !== view.parent && depth < 8; depth++) {
      let frame;
      try {
        frame = view.frameElement;
      } catch {
        frame = null;
      }
      if (!frame) break;
      const frameRect = frame.getBoundingClientRect();
      left += frameRect.left + frame.clientLeft;
      top += frameRect.top + frame.clientTop;
      view = view.parent;
    }
    return {left, top, width: rect.width, height: rect.height, right: left + rect.width, bottom: top + rect.height};
  }

  /** An element built from plain data; text goes in as textContent, never as HTML. */
  function el(doc, tag, props = {}, children = []) {
    const node = doc.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  const FRAME_WAIT_MS = 100; // a tab in the background draws no frames: at most this long then

  /**
   * Run `fn` once the browser has drawn the next frame (a frame, then a task): boxes read then
   * were laid out by the browser itself, not by our read in the middle of our writes. The calls
   * waiting for the same frame run in one task, each `fn` doing its reads and returning its writes
   * (a function) where it has any: every write waits until all have read, so no read comes after
   * another's write, where it would lay the page out again.
   */
  const waiting = new Map(); // document -> the functions waiting for its next frame
  function afterNextFrame(fn, doc = document) {
    if (waiting.has(doc)) {
      waiting.get(doc).push(fn);
      return;
    }
    waiting.set(doc, [fn]);
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      setTimeout(() => {
        const fns = waiting.get(doc) || [];
        waiting.delete(doc);
        const writes = [];
        for (const read of fns) {
          try {
            const write = read();
            if (typeof write === "function") writes.push(write);
          } catch (error) {
            reportError(error); // as uncaught, and the others still run
          }
        }
        for (const write of writes) write();
      }, 0);
    };
    doc.defaultView.requestAnimationFrame(go);
    setTimeout(go, FRAME_WAIT_MS);
  }

  OH.dom = {
    CONTROL_SELECTOR, ownHost, removeStaleUi, parentOf, isOwn, insideOwn, rootsUnder, walkRoots, deepQueryAll, textOf,
    accessibleName, labelsOf, isVisible, landmarksOf, headingOf, isHeading, pageRect, el, MAX_DEPTH, afterNextFrame,
  };
})();
