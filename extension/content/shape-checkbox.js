/*
 * Shape "checkbox": input[type=checkbox], role=checkbox and role=switch. The question is the
 * control itself; "yes" is ticked (aria-checked "mixed" counts as ticked).
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.shapes.list.some((adapter) => adapter.name === "checkbox")) return;
  const {dom, shapes} = OH;

  function isChecked(element) {
    if (element.tagName === "INPUT") return element.checked;
    const value = element.getAttribute("aria-checked");
    return value === "true" || value === "mixed";
  }

  shapes.add({
    name: "checkbox",
    selector: 'input[type="checkbox"], [role="checkbox"], [role="switch"]',
    question: (element) => element,
    state: (element) => (isChecked(element) ? "yes" : "no"),
    disabled: shapes.isDisabled,
    apply: (element) => () => element.click(),
    /** A native box: click its first label (or the shadow host drawing it); a role widget: Space. */
    alternative(element) {
      if (element.tagName === "INPUT") {
        const root = element.getRootNode();
        const label = dom.labelsOf(element)?.[0] || (root.nodeType === 11 ? root.host : null);
        return label ? () => label.click() : null;
      }
      return () => shapes.pressSpace(element);
    },
  });
})();
