/*
 * Shape "pressed": a toggle button with aria-pressed ("E-Mail", "SMS" chips under a heading
 * asking which channels may carry advertising). "yes" is pressed; the question is the button.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.shapes.list.some((adapter) => adapter.name === "pressed")) return;
  const {shapes} = OH;

  shapes.add({
    name: "pressed",
    selector: 'button[aria-pressed], [role="button"][aria-pressed], input[type="button"][aria-pressed]',
    question: (button) => (["true", "false", "mixed"].includes(button.getAttribute("aria-pressed")) ? button : null),
    state: (button) => (button.getAttribute("aria-pressed") === "false" ? "no" : "yes"),
    disabled: shapes.isDisabled,
    apply: (button) => () => button.click(),
    /** A role=button element that listens only to keys: Space (a native button turns clicks and keys alike). */
    alternative: (button) => (button.tagName === "BUTTON" || button.tagName === "INPUT" ? null : () => shapes.pressSpace(button)),
  });
})();
