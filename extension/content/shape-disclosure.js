/*
 * Collapsed sections: a question inside a closed <details>, or inside a region controlled by a
 * disclosure button (aria-expanded="false" + aria-controls), is found and counted although it
 * is not shown. Its opener is the <summary> or that button, the one thing the engine clicks to
 * show it (docs/ENGINE.md). An opener whose name is an edit, save or neverPress name
 * ("Bearbeiten", "Ändern", "Speichern" ...) is never one: a form that is read-only until
 * "Bearbeiten" stays the walkthrough's job.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createDisclosure) return;
  const {dom, text} = OH;

  // Edit buttons open an editor, not a section; the words are few and stable.
  const EDIT_NAMES = ["Bearbeiten", "Ändern", "Edit", "Change"];

  function createDisclosure(vocabulary) {
    const names = [...EDIT_NAMES, ...(vocabulary.save || [])];
    const neverPress = text.compileTerms(vocabulary.neverPress || []);

    function mayPress(opener) {
      if (!dom.isVisible(opener) || dom.insideOwn(opener)) return false;
      const name = dom.accessibleName(opener);
      return !text.matchesName(name, names) && !text.findTerms(text.normalize(name), neverPress).length;
    }

    /** The closed disclosure button controlling `region` (by aria-controls), or null. */
    function buttonFor(region) {
      const root = region.getRootNode();
      if (!root.querySelector) return null;
      const id = CSS.escape(region.id);
      return root.querySelector(`[aria-controls~="${id}"][aria-expanded="false"]`);
    }

    /**
     * What the user clicks to show a question that is not shown: the summary of the outermost
     * closed <details> around it, else the disclosure button of the outermost collapsed region;
     * null when no such opener is visible (or it may not be pressed).
     */
    function openerOf(question) {
      let opener = null;
      for (let node = dom.parentOf(question), depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
        if (node.tagName === "DETAILS" && !node.open) {
          const summary = node.querySelector(":scope > summary");
          if (summary) opener = summary;
        } else if (node.id) {
          const button = buttonFor(node);
          if (button) opener = button;
        }
      }
      return opener && mayPress(opener) ? opener : null;
    }

    return {openerOf};
  }

  OH.createDisclosure = createDisclosure;
})();
