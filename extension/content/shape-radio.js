/*
 * Shape "radio": a Ja/Nein question asked with native radios (grouped by name, with a fieldset
 * legend or other label for the question) or with role=radiogroup / role=radio. The question
 * element, which carries the mark, is the group: the radiogroup or fieldset holding exactly
 * this question's options, else the smallest element holding them all. What each option means
 * comes from the answer vocabulary (ctx.answer: "Ja", "Nicht erlaubt", "Ablehnen", "No" ...);
 * only a group with a "yes" and a "no" option is a question.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.shapes.list.some((adapter) => adapter.name === "radio")) return;
  const {dom, shapes} = OH;

  const OPTION_SELECTOR = 'input[type="radio"], [role="radio"]';

  /** The native radios sharing this one's name (in its form, else in its tree). */
  function sameName(radio) {
    if (!radio.name) return [radio];
    const scope = radio.form || radio.getRootNode();
    return [...scope.querySelectorAll(`input[type="radio"][name="${CSS.escape(radio.name)}"]`)]
      .filter((other) => other.form === radio.form);
  }

  function holdsOnly(container, options) {
    const inside = container.querySelectorAll(OPTION_SELECTOR);
    return inside.length === options.length && options.every((option) => container.contains(option));
  }

  /** The group element of a radio question. */
  function groupOf(radio) {
    const options = radio.tagName === "INPUT" ? sameName(radio) : null;
    let smallest = null;
    for (let node = radio.parentElement, depth = 0; node && depth < dom.MAX_DEPTH; node = node.parentElement, depth++) {
      const isGroup = node.tagName === "FIELDSET" || node.getAttribute("role") === "radiogroup";
      if (!options) {
        if (isGroup) return node; // role=radio: its radiogroup
        continue;
      }
      if (!options.every((option) => node.contains(option))) continue;
      smallest ??= node;
      if (isGroup && holdsOnly(node, options)) return node;
      if (node.querySelectorAll(OPTION_SELECTOR).length > options.length) break; // other questions begin
    }
    return smallest || radio.parentElement;
  }

  function optionsOf(group) {
    const all = [...group.querySelectorAll(OPTION_SELECTOR)];
    const named = all.find((option) => option.tagName === "INPUT" && option.name);
    return named ? all.filter((option) => option.tagName !== "INPUT" || option.name === named.name) : all;
  }

  function isSelected(option) {
    return option.tagName === "INPUT" ? option.checked : option.getAttribute("aria-checked") === "true";
  }

  function answerOf(option, ctx) {
    return ctx.answer(dom.accessibleName(option) || option.value || "");
  }

  function optionFor(group, wanted, ctx) {
    return optionsOf(group).find((option) => answerOf(option, ctx) === wanted) || null;
  }

  shapes.add({
    name: "radio",
    selector: OPTION_SELECTOR,
    question(radio, ctx) {
      const group = groupOf(radio);
      if (!group) return null;
      const answers = new Set(optionsOf(group).map((option) => answerOf(option, ctx)));
      return answers.has("yes") && answers.has("no") ? group : null;
    },
    state(group, ctx) {
      const chosen = optionsOf(group).find(isSelected);
      return chosen ? answerOf(chosen, ctx) : null;
    },
    disabled: (group) => shapes.isDisabled(group) || optionsOf(group).every(shapes.isDisabled),
    apply(group, wanted, ctx) {
      const option = optionFor(group, wanted, ctx);
      return option ? () => option.click() : null;
    },
    /** A native radio: click its label; an ARIA radio: focus it and press Space. */
    alternative(group, wanted, ctx) {
      const option = optionFor(group, wanted, ctx);
      if (!option) return null;
      if (option.tagName !== "INPUT") return () => shapes.pressSpace(option);
      const label = dom.labelsOf(option)?.[0];
      return label ? () => label.click() : null;
    },
  });
})();
