/*
 * Marks on the page, all reversible: an outline on what the user sees of each control
 * (saved and restored inline style, so the layout never shifts) and a small state badge
 * drawn in the extension's own layer (a shadow root outside the page's content).
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createHighlighter) return;
  const {dom} = OH;

  const COLORS = {sharing: "#c62828", protected: "#2e7d32", save: "#1565c0"};
  const CSS = `
    :host { all: initial; }
    .layer { position: absolute; left: 0; top: 0; width: 0; height: 0; overflow: visible; pointer-events: none; }
    .badge { position: absolute; font: 600 11px/1.2 system-ui, sans-serif; color: #fff; padding: 1px 5px;
             border-radius: 8px; white-space: nowrap; transform: translateY(-100%); box-shadow: 0 1px 2px rgba(0,0,0,.3); }
    .sharing { background: ${COLORS.sharing}; }
    .protected { background: ${COLORS.protected}; }
    .save { background: ${COLORS.save}; }
  `;

  function createHighlighter(doc) {
    const saved = new Map(); // element -> {outline, offset}
    const badges = new Map(); // element -> badge span
    let host = null;
    let layer = null;
    let frame = 0;

    function ensureLayer() {
      if (host?.isConnected) return;
      host = dom.ownHost(doc, "ohne-haken-marks");
      host.style.setProperty("position", "absolute", "important");
      host.style.setProperty("left", "0", "important");
      host.style.setProperty("top", "0", "important");
      host.style.setProperty("z-index", "2147483645", "important");
      const root = host.attachShadow({mode: "closed"});
      const style = doc.createElement("style");
      style.textContent = CSS;
      layer = doc.createElement("div");
      layer.className = "layer";
      root.append(style, layer);
      doc.documentElement.append(host);
    }

    function outline(element, color) {
      if (!saved.has(element)) {
        saved.set(element, {
          outline: [element.style.getPropertyValue("outline"), element.style.getPropertyPriority("outline")],
          offset: [element.style.getPropertyValue("outline-offset"), element.style.getPropertyPriority("outline-offset")],
        });
      }
      // Only write when something changes: a write is a mutation the engine would look at again.
      const value = `3px solid ${color}`;
      const entry = saved.get(element);
      if (entry.applied !== value) {
        element.style.setProperty("outline", value, "important");
        element.style.setProperty("outline-offset", "2px", "important");
        entry.applied = value;
      }
    }

    function restore(element) {
      const before = saved.get(element);
      if (!before) return;
      for (const [property, [value, priority]] of [["outline", before.outline], ["outline-offset", before.offset]]) {
        if (value) element.style.setProperty(property, value, priority);
        else element.style.removeProperty(property);
      }
      if (element.getAttribute("style") === "") element.removeAttribute("style");
      saved.delete(element);
    }

    function badgeFor(element, label, kind) {
      ensureLayer();
      let badge = badges.get(element);
      if (!badge) {
        badge = doc.createElement("span");
        badge.style.visibility = "hidden"; // until placed: laid out by the browser's next frame, not drawn
        badges.set(element, badge);
        layer.append(badge);
      }
      if (badge.className !== `badge ${kind}`) badge.className = `badge ${kind}`;
      if (badge.textContent !== label) badge.textContent = label;
    }

    /** Every read first (after the browser's own layout they cost nothing), then every write. A
     *  badge hidden for a control without a box keeps the width it had when last shown. */
    const widths = new WeakMap();
    function placeAll() {
      measure()();
    }

    /** The reads of placeAll; returns its writes. */
    function measure() {
      const view = doc.defaultView;
      const spots = [...badges].map(([element, badge]) => [badge, dom.pageRect(element),
        badge.hidden ? widths.get(badge) || 0 : badge.offsetWidth]);
      const {scrollX, scrollY} = view;
      // The badge of a control in the window never reaches past its right edge: on a phone that would widen the page.
      const viewWidth = doc.documentElement.clientWidth;
      return () => place(spots, scrollX, scrollY, viewWidth);
    }

    function place(spots, scrollX, scrollY, viewWidth) {
      for (const [badge, rect, width] of spots) {
        if (width) widths.set(badge, width);
        const left = rect.left < viewWidth ? Math.max(0, Math.min(rect.left, viewWidth - 2 - width)) : rect.left;
        badge.style.left = `${Math.round(left + scrollX)}px`;
        badge.style.top = `${Math.round(rect.top + scrollY - 3)}px`;
        badge.hidden = rect.width === 0 && rect.height === 0;
        badge.style.removeProperty("visibility");
      }
    }

    /** Show each item: {visual, protective}, plus the save button. Removes marks of items gone. */
    function show(items, saveButton) {
      const keep = new Set();
      for (const item of items) {
        const element = item.visual;
        if (!element?.isConnected) continue;
        keep.add(element);
        const kind = item.protective ? "protected" : "sharing";
        outline(element, COLORS[kind]);
        badgeFor(element, OH.t(item.protective ? "badgeProtected" : "badgeSharing"), kind);
      }
      if (saveButton?.isConnected) {
        keep.add(saveButton);
        outline(saveButton, COLORS.save);
        badgeFor(saveButton, OH.t("badgeSave"), "save");
      }
      for (const element of [...saved.keys()]) if (!keep.has(element)) restore(element);
      for (const [element, badge] of [...badges]) {
        if (!keep.has(element)) {
          badge.remove();
          badges.delete(element);
        }
      }
      placeSoon();
    }

    /** Place the badges once the browser has laid out the page and our marks itself (one frame). */
    let placing = false;
    function placeSoon() {
      if (placing || !badges.size) return;
      placing = true;
      dom.afterNextFrame(() => {
        placing = false;
        return host?.isConnected ? measure() : null;
      }, doc);
    }

    /** Re-place badges after layout changes; at most once per frame. */
    function reposition() {
      if (frame || !badges.size) return;
      frame = doc.defaultView.requestAnimationFrame(() => {
        frame = 0;
        placeAll();
      });
    }

    function clear() {
      if (frame) doc.defaultView.cancelAnimationFrame(frame);
      frame = 0;
      show([], null);
      host?.remove();
    }

    return {show, reposition, placeSoon, clear};
  }

  OH.createHighlighter = createHighlighter;
})();
