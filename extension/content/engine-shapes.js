/*
 * Control shapes: one small adapter per way a page asks a consent question (checkbox or
 * switch, Ja/Nein radio question, pressed button, select). The engine knows only this
 * interface; adding a shape is one adapter file, one fixture and one test (docs/ENGINE.md).
 *
 *   name          "checkbox" | "radio" | "pressed" | "select" (the snapshot's item.shape)
 *   selector      what may belong to such a question (matched in every root)
 *   question(element, ctx)  the element the user operates for the question this element belongs
 *                 to (a radio's group, a checkbox itself), or null when it is not such a question
 *   state(q, ctx)           the question's answer: "yes" (ticked, pressed, "Ja"), "no", or null
 *   disabled(q)             locked: the engine reports it and never forces it
 *   apply(q, wanted, ctx)   a function doing what a user does to answer `wanted` (a real click()
 *                 on the option), or null when the question offers no such answer
 *   alternative(q, wanted, ctx)  one other way (label click, key press), or null
 *
 * The protective answer: "no" for a consent, "yes" for an objection (protectiveState).
 * ctx is {answer(text) -> "yes"|"no"|null} (the classifier's answer vocabulary).
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.shapes) return;

  const list = [];

  function protectiveState(kind) {
    return kind === "consent" ? "no" : "yes";
  }

  /** Is a question in its protective state? An unanswered consent question grants nothing. */
  function isProtective(kind, state) {
    if (state === null) return kind === "consent";
    return state === protectiveState(kind);
  }

  function isDisabled(element) {
    return element.disabled === true || element.getAttribute("aria-disabled") === "true";
  }

  /** Focus and press Space, as a keyboard user would (ARIA widgets that ignore clicks). */
  function pressSpace(element) {
    element.focus({preventScroll: true});
    for (const type of ["keydown", "keyup"]) {
      element.dispatchEvent(new KeyboardEvent(type, {key: " ", code: "Space", keyCode: 32, bubbles: true, cancelable: true, composed: true}));
    }
  }

  OH.shapes = {
    list,
    /** Register an adapter; the order of registration is the order of matching. */
    add(adapter) {
      list.push(adapter);
    },
    /** The adapter for an element (the first whose selector it matches), or null. */
    of(element) {
      return list.find((adapter) => element.matches(adapter.selector)) || null;
    },
    selector() {
      return list.map((adapter) => adapter.selector).join(", ");
    },
    protectiveState,
    isProtective,
    isDisabled,
    pressSpace,
  };
})();
