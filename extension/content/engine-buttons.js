/*
 * The page's buttons the engine cares about: the form's save button (found and marked, never
 * pressed) and the confirm button of a dialog that opened right after the engine's own click
 * ("Fortfahren"; never one whose name holds a neverPress word such as save or accept).
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.engineButtons) return;
  const {dom, text} = OH;

  const DIALOG_SELECTOR = 'dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]';
  const BUTTON_SELECTOR = 'button, input[type="submit"], input[type="button"], [role="button"]';

  function inTreeOrder(a, b) {
    return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  }

  function formOf(element) {
    return element.form || element.closest?.("form") || null;
  }

  /** Finds the save button for the first recognised control (`first`), or null. */
  function createSaveFinder({doc, saveNames}) {
    function isSaveButton(button) {
      return !button.closest(DIALOG_SELECTOR) && text.matchesName(dom.accessibleName(button), saveNames);
    }

    /**
     * The save button of the first control's form, found without walking the whole page (which
     * costs more than everything else on a large page, and ran after every mutation batch).
     * Same answer as `nearest` over all buttons: a save button of that form always wins, and
     * the first one in page order is taken (the form's buttons and the ones linked to it with
     * a form attribute share the form's tree, which the page walk reads in tree order).
     */
    function inForm(first) {
      const form = formOf(first);
      if (!form) return null;
      const inside = [...form.querySelectorAll(BUTTON_SELECTOR)];
      const linked = [...form.elements].filter((element) => !form.contains(element) && element.matches(BUTTON_SELECTOR));
      const ordered = linked.length ? [...inside, ...linked].sort(inTreeOrder) : inside;
      return ordered.find((button) => !dom.insideOwn(button) && isSaveButton(button)) || null;
    }

    /** Of several save buttons, the one in the same form, else closest to the controls. */
    function nearest(first, buttons) {
      if (buttons.length <= 1) return buttons[0] || null;
      const form = formOf(first);
      const sameForm = buttons.find((button) => form && (button.form === form || form.contains(button)));
      if (sameForm) return sameForm;
      for (let node = first, depth = 0; node && depth < dom.MAX_DEPTH; node = dom.parentOf(node), depth++) {
        const inside = buttons.find((button) => node.contains(button));
        if (inside) return inside;
      }
      return buttons[0];
    }

    return (first) => inForm(first) || nearest(first, dom.deepQueryAll(doc, BUTTON_SELECTOR).filter(isSaveButton));
  }

  function openDialogs(doc) {
    return new Set(dom.deepQueryAll(doc, DIALOG_SELECTOR).filter((dialog) => dom.isVisible(dialog)));
  }

  /** openDialogs() right after a full scan, without a second walk: the scan found every root. */
  function openDialogsIn(roots) {
    const found = new Set();
    for (const root of roots) {
      for (const dialog of root.querySelectorAll(DIALOG_SELECTOR)) {
        if (!dom.insideOwn(dialog) && dom.isVisible(dialog)) found.add(dialog);
      }
    }
    return found;
  }

  /**
   * Watch for a dialog opening after each click of a run. Only what changed is looked at
   * (walking the whole page per click would cost more than the click); `known` are dialogs
   * that were open before the clearing started, which never count as an answer to our click.
   * One watcher per run: observing every root again per click cost more than the click on
   * pages with hundreds of shadow roots.
   */
  function watchDialogs(roots, known) {
    const changed = new Set();
    const watched = new WeakSet();
    const collect = (mutations) => {
      for (const mutation of mutations) {
        if (mutation.type === "childList") {
          for (const node of mutation.addedNodes) if (node.nodeType === 1) changed.add(node);
        } else {
          changed.add(mutation.target);
        }
      }
    };
    const watcher = new MutationObserver(collect);
    return {
      /** Look only at what changes from now on (in every root known by now). */
      reset() {
        for (const root of roots) {
          const target = root.nodeType === 9 ? root.documentElement : root;
          if (watched.has(root) || !target?.isConnected) continue;
          watched.add(root);
          watcher.observe(target, {childList: true, subtree: true, attributes: true,
            attributeFilter: ["open", "hidden", "class", "style", "aria-hidden", "aria-modal", "role"]});
        }
        watcher.takeRecords();
        changed.clear();
      },
      dialogs() {
        collect(watcher.takeRecords());
        const found = new Set();
        for (const node of changed) {
          if (!node.isConnected || dom.insideOwn(node)) continue;
          const around = node.closest?.(DIALOG_SELECTOR);
          for (const dialog of [...(around ? [around] : []), ...dom.deepQueryAll(node, DIALOG_SELECTOR)]) {
            if (!known.has(dialog) && dom.isVisible(dialog)) found.add(dialog);
          }
        }
        return found;
      },
      stop: () => watcher.disconnect(),
    };
  }

  /** Press the confirm button of a dialog that opened right after our click, if it has one. */
  function confirmDialog(dialogs, {confirmNames, neverPress}, report) {
    for (const dialog of dialogs) {
      const buttons = dom.deepQueryAll(dialog, BUTTON_SELECTOR);
      const confirm = buttons.find((button) => {
        const name = dom.accessibleName(button);
        return text.matchesName(name, confirmNames) && !text.findTerms(text.normalize(name), neverPress).length;
      });
      if (confirm) {
        report.confirmed.push(text.clip(dom.accessibleName(confirm), 40));
        confirm.click();
        return true;
      }
    }
    return false;
  }

  OH.engineButtons = {createSaveFinder, openDialogs, openDialogsIn, watchDialogs, confirmDialog, BUTTON_SELECTOR};
})();
