/*
 * Reading a control the way a screen reader announces it: its own name, its group (fieldset
 * legend, radiogroup name, aria-describedby), its table cell's column and row headers and the
 * caption, the row or block that holds only this control, and the nearest section heading
 * (never the page's main title alone). See docs/RULES.md, "How a control is described".
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.labels) return;
  const {dom, text} = OH;

  const ROW_TAGS = new Set(["TR", "LI", "DD", "LABEL"]);
  const ROW_ROLES = new Set(["row", "listitem", "option", "menuitemcheckbox"]);
  const STOP_TAGS = new Set(["BODY", "HTML", "FORM", "FIELDSET", "SECTION", "MAIN", "TABLE", "TBODY", "UL", "OL", "DL"]);
  const GROUP_ROLES = new Set(["radiogroup", "group"]);
  const CELL_ROLES = new Set(["cell", "gridcell", "columnheader", "rowheader"]);
  const TABLE_ROLES = new Set(["table", "grid", "treegrid"]);
  const CONTROL_ROLES = new Set(["checkbox", "switch", "radio", "button", "option", "combobox", "listbox"]);
  const OPTION_SELECTOR = 'input[type="radio"], [role="radio"]';
  const MAX_BLOCK_TEXT = 800;
  const MAX_BLOCK_DEPTH = 8;
  const MAX_PART = 300; // characters of one legend, header cell or caption
  const JOIN = " | ";

  const roleOf = (element) => (element.getAttribute?.("role") || "").trim().toLowerCase();
  const joined = (parts) => [...new Set(parts.map((part) => part.trim()).filter(Boolean))].join(JOIN);

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

  /** Is this element a question's group (fieldset, radiogroup, group) rather than one control? */
  function isGroup(element) {
    return element.tagName === "FIELDSET" || GROUP_ROLES.has(roleOf(element));
  }

  /** A group's own name: aria-labelledby, aria-label, or its fieldset legend ("" when unnamed). */
  function groupName(group) {
    const byIds = (group.getAttribute("aria-labelledby") || "").trim().split(/\s+/).filter(Boolean);
    if (byIds.length) {
      const root = group.getRootNode();
      const named = byIds.map((id) => root.getElementById?.(id)).filter(Boolean).map((node) => dom.textOf(node, MAX_PART)).join(" ").trim();
      if (named) return named;
    }
    const aria = (group.getAttribute("aria-label") || "").trim();
    if (aria) return aria;
    if (group.tagName === "FIELDSET") {
      const legend = group.querySelector(":scope > legend");
      if (legend) return dom.textOf(legend, MAX_PART);
    }
    return "";
  }

  /** The options of a question element (a group or the element holding a radio pair). */
  function optionsIn(element) {
    if (element.tagName === "INPUT" || element.tagName === "SELECT" || CONTROL_ROLES.has(roleOf(element))) return [];
    return [...element.querySelectorAll(OPTION_SELECTOR)];
  }

  /** A question's text without its options' labels: "Erlaubt Nicht erlaubt Werbung per SMS" -> "Werbung per SMS". */
  function questionText(element, options) {
    let rest = ` ${dom.textOf(element, MAX_BLOCK_TEXT)} `;
    const names = options.map((option) => dom.accessibleName(option).trim()).filter(Boolean).sort((a, b) => b.length - a.length);
    for (const name of names) rest = rest.replace(name, " ");
    return rest.replace(/\s+/g, " ").trim();
  }

  /** The control's own label, or "" when it has none (for a question: its legend, name or own text). */
  function ownLabel(control, stateWords = []) {
    const options = optionsIn(control);
    if (isGroup(control) || options.length) {
      const name = groupName(control);
      if (name || !options.length) return name;
      return questionText(control, options);
    }
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

  /** Text of the elements an id-list attribute points at. */
  function idsText(element, attribute) {
    const ids = (element.getAttribute(attribute) || "").trim().split(/\s+/).filter(Boolean);
    const root = element.getRootNode();
    return ids.map((id) => root.getElementById?.(id)).filter(Boolean).map((node) => dom.textOf(node, MAX_PART));
  }

  /** Group context: the nearest named enclosing fieldset/radiogroup/group and aria-describedby. */
  function groupText(control) {
    const parts = [];
    for (let node = dom.parentOf(control), depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
      if (isGroup(node)) {
        const name = groupName(node);
        if (name) {
          parts.push(name);
          break;
        }
      }
    }
    parts.push(...idsText(control, "aria-describedby"));
    return joined(parts);
  }

  /** The table cell (native or ARIA) holding a control, or null. */
  function cellOf(control) {
    for (let node = dom.parentOf(control), depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
      if (node.tagName === "TD" || node.tagName === "TH" || CELL_ROLES.has(roleOf(node))) return node;
      if (node.tagName === "TABLE" || TABLE_ROLES.has(roleOf(node))) return null;
    }
    return null;
  }

  /** Column position of every cell of a native table (rowspan and colspan honoured). */
  function tableGrid(table) {
    const grid = new Map(); // cell -> {row, from, to}
    const taken = []; // taken[row] = Set of occupied columns
    Array.from(table.rows).forEach((row, r) => {
      taken[r] ||= new Set();
      let column = 0;
      for (const cell of row.cells) {
        while (taken[r].has(column)) column++;
        const span = Math.max(1, cell.colSpan || 1);
        const rows = Math.max(1, cell.rowSpan || 1);
        grid.set(cell, {row: r, from: column, to: column + span - 1});
        for (let dr = 0; dr < rows; dr++) {
          taken[r + dr] ||= new Set();
          for (let dc = 0; dc < span; dc++) taken[r + dr].add(column + dc);
        }
        column += span;
      }
    });
    return grid;
  }

  /**
   * The grid of a table and its th cells, made once per task: a scan describes every control of a
   * table in one task, and a grid per control made a 3,000-row table quadratic (minutes).
   */
  const tables = new WeakMap();
  function tableInfo(table) {
    let info = tables.get(table);
    if (!info) {
      const grid = tableGrid(table);
      info = {grid, headers: [...grid].filter(([cell]) => cell.tagName === "TH")};
      tables.set(table, info);
      queueMicrotask(() => tables.delete(table));
    }
    return info;
  }

  /** A th's scope: "col", "row" or "" (auto: a column header above a cell, a row header beside it). */
  function scopeOf(th) {
    const scope = (th.getAttribute("scope") || "").toLowerCase();
    return scope.startsWith("col") ? "col" : scope.startsWith("row") ? "row" : "";
  }

  function nativeHeaders(cell) {
    const table = cell.closest("table");
    if (!table) return [];
    const caption = table.caption ? dom.textOf(table.caption, MAX_PART) : (table.getAttribute("aria-label") || idsText(table, "aria-labelledby").join(" "));
    if (cell.hasAttribute("headers")) return [...idsText(cell, "headers"), caption];
    const {grid, headers} = tableInfo(table);
    const place = grid.get(cell);
    if (!place) return [caption];
    const columns = [];
    const rows = [];
    for (const [other, at] of headers) {
      if (other === cell) continue;
      const overlaps = at.from <= place.to && at.to >= place.from;
      if (overlaps && at.row < place.row && scopeOf(other) !== "row") columns.push(dom.textOf(other, MAX_PART));
      else if (at.row === place.row && at.to < place.from && scopeOf(other) !== "col") rows.push(dom.textOf(other, MAX_PART));
    }
    return [...columns, ...rows, caption];
  }

  function ariaHeaders(cell) {
    let table = null;
    for (let node = dom.parentOf(cell), depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
      if (TABLE_ROLES.has(roleOf(node))) {
        table = node;
        break;
      }
    }
    if (!table) return [];
    const row = cell.closest('[role="row"]');
    const cellsOf = (r) => Array.from(r.querySelectorAll('[role="cell"], [role="gridcell"], [role="columnheader"], [role="rowheader"]'))
      .filter((c) => c.closest('[role="row"]') === r);
    const columnOf = (c, r) => Number(c.getAttribute("aria-colindex")) || cellsOf(r).indexOf(c) + 1;
    const column = row ? columnOf(cell, row) : 0;
    const columns = [];
    for (const header of table.querySelectorAll('[role="columnheader"]')) {
      const headerRow = header.closest('[role="row"]');
      if (header !== cell && headerRow && headerRow !== row && columnOf(header, headerRow) === column) columns.push(dom.textOf(header, MAX_PART));
    }
    const rows = row ? cellsOf(row).filter((c) => c !== cell && roleOf(c) === "rowheader").map((c) => dom.textOf(c, MAX_PART)) : [];
    const caption = table.getAttribute("aria-label") || idsText(table, "aria-labelledby").join(" ");
    return [...columns, ...rows, caption];
  }

  /** Column header, row header and caption of the table cell holding the control. */
  function headersText(control) {
    const cell = cellOf(control);
    if (!cell) return "";
    const native = (cell.tagName === "TD" || cell.tagName === "TH") && !roleOf(cell);
    return joined(native ? nativeHeaders(cell) : ariaHeaders(cell));
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
   * `others` are the anchor chains of every other control found on the page (anchors inside
   * the control itself, such as a question group's own radios, do not count).
   */
  function blockText(control, others) {
    let best = "";
    let node = dom.parentOf(control);
    const foreign = (anchor) => anchor !== control && !control.contains(anchor);
    for (let depth = 0; node && depth < MAX_BLOCK_DEPTH && !STOP_TAGS.has(node.tagName); depth++, node = dom.parentOf(node)) {
      const holder = node;
      if (others.some((chain) => chain.some((anchor) => foreign(anchor) && holder.contains(anchor)))) break;
      const content = dom.textOf(holder, MAX_BLOCK_TEXT + 1);
      if (content.length > MAX_BLOCK_TEXT) break;
      best = content;
      if (ROW_TAGS.has(holder.tagName) || ROW_ROLES.has(holder.getAttribute("role"))) break;
    }
    return best;
  }

  /** Is this heading the page's main title (an h1, a level-1 heading, or the document title)? */
  function isMainTitle(heading) {
    if (!heading || heading.tagName === "LEGEND") return false;
    if (heading.tagName === "H1" || heading.getAttribute("aria-level") === "1") return true;
    const title = text.normalize(heading.ownerDocument.title).trim();
    return Boolean(title) && text.normalize(dom.textOf(heading, MAX_PART)).trim() === title;
  }

  /** The nearest section heading with its intro; a main title contributes its intro only. */
  function headingText(control) {
    const cell = cellOf(control);
    const table = cell && (cell.closest("table") || cell.closest('[role="table"], [role="grid"], [role="treegrid"]'));
    // in a table the header cells speak for the control: the heading is the table's, without
    // the other rows' text as its intro
    const found = dom.headingOf(table || control);
    if (!found) return "";
    if (!isMainTitle(found.element) || !dom.isHeading(found.element)) return found.text;
    const title = dom.textOf(found.element, MAX_PART);
    return found.text.startsWith(title) ? found.text.slice(title.length).trim() : "";
  }

  /**
   * Everything classification needs to know about one control (or one question's group
   * element): {own, group, headers, block, heading, visual}, strings "" when absent.
   */
  function describe(control, others = [], stateWords = []) {
    const own = ownLabel(control, stateWords);
    return {
      own,
      group: groupText(control),
      headers: headersText(control),
      block: own ? "" : blockText(control, others),
      heading: headingText(control),
      visual: visualOf(control),
    };
  }

  OH.labels = {describe, visualOf, anchorsOf, ownLabel, groupName, isGroup};
})();
