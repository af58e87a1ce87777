/*
 * Reading a control's label the way a user would: its own label (label elements,
 * aria-labelledby, aria-label, slotted text of a custom element), else the text of the
 * row, list item or block that holds only this control, and the section heading above it.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.labels) return;
  const {dom, text} = OH;

  const ROW_TAGS = new Set(["TR", "LI", "DD", "LABEL"]);
  const ROW_ROLES = new Set(["row", "listitem", "option", "menuitemcheckbox"]);
  const STOP_TAGS = new Set(["BODY", "HTML", "FORM", "FIELDSET", "SECTION", "MAIN", "TABLE", "TBODY", "UL", "OL", "DL"]);
  const MAX_BLOCK_TEXT = 800;
  const MAX_BLOCK_DEPTH = 8;

  /** The element a user sees for a control: a hidden native box is drawn by its label or host. */
  function visualOf(control) {
    const root = control.getRootNode();
    if (root.nodeType === 11 && root.host) return root.host;
    if (control.tagName === "INPUT") {
      const rect = control.getBoundingClientRect();
      const style = control.ownerDocument.defaultView.getComputedStyle(control);
      if (rect.width < 4 || rect.height < 4 || style.opacity === "0" || style.visibility === "hidden") {
        return dom.labelsOf(control)?.[0] || control.parentElement || control;
      }
    }
    return control;
  }

  function withoutStateWords(raw, stateWords) {
    const words = new Set(stateWords.map((w) => text.normalize(w).trim()));
    return raw.split(/\s+/).filter((w) => !words.has(text.normalize(w).trim())).join(" ").trim();
  }

  /** The control's own label, or "" when it has none. */
  function ownLabel(control, stateWords) {
    let label = dom.accessibleName(control);
    if (control.getAttribute("role")) label = withoutStateWords(label, stateWords);
    if (label) return label;
    const root = control.getRootNode();
    if (root.nodeType === 11 && root.host) {
      const host = root.host;
      return host.getAttribute("aria-label") || host.getAttribute("label") || dom.textOf(host) || "";
    }
    return control.getAttribute("title") || "";
  }

  /** The chain of elements that stand for a control in each tree: itself, its hosts. */
  function anchorsOf(control) {
    const chain = [control];
    for (let root = control.getRootNode(), depth = 0; root.nodeType === 11 && root.host && depth < 16; depth++) {
      chain.push(root.host);
      root = root.host.getRootNode();
    }
    return chain;
  }

  /**
   * Text of the row, list item or block that holds this control and no other one.
   * `others` are the anchor chains of every other control found on the page.
   */
  function blockText(control, others) {
    let best = "";
    let node = dom.parentOf(control);
    for (let depth = 0; node && depth < MAX_BLOCK_DEPTH && !STOP_TAGS.has(node.tagName); depth++, node = dom.parentOf(node)) {
      const holder = node;
      if (others.some((chain) => chain.some((anchor) => anchor !== control && holder.contains(anchor)))) break;
      const content = dom.textOf(holder, MAX_BLOCK_TEXT + 1);
      if (content.length > MAX_BLOCK_TEXT) break;
      best = content;
      if (ROW_TAGS.has(holder.tagName) || ROW_ROLES.has(holder.getAttribute("role"))) break;
    }
    return best;
  }

  /** Everything classification needs to know about one control. */
  function describe(control, others, stateWords) {
    const own = ownLabel(control, stateWords);
    const heading = dom.headingOf(control);
    return {
      own,
      block: own ? "" : blockText(control, others),
      heading: heading ? heading.text : "",
      visual: visualOf(control),
    };
  }

  OH.labels = {describe, visualOf, anchorsOf, ownLabel};
})();
