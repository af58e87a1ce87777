/*
 * Shape "select": one <select> per consent whose options answer it ("Ja, gerne" / "Nein,
 * danke", "Yes" / "No"). The question is the select; its state is the chosen option's answer.
 * Choosing is what a user's pick does: the option is selected, then input and change fire.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.shapes.list.some((adapter) => adapter.name === "select")) return;
  const {dom, shapes} = OH;

  const answerOf = (option, ctx) => ctx.answer(dom.textOf(option) || option.label || option.value || "");

  shapes.add({
    name: "select",
    selector: "select",
    question(select, ctx) {
      if (select.multiple) return null;
      const answers = new Set([...select.options].map((option) => answerOf(option, ctx)));
      return answers.has("yes") && answers.has("no") ? select : null;
    },
    state(select, ctx) {
      const chosen = select.options[select.selectedIndex];
      return chosen ? answerOf(chosen, ctx) : null;
    },
    disabled: shapes.isDisabled,
    apply(select, wanted, ctx) {
      const option = [...select.options].find((candidate) => !candidate.disabled && answerOf(candidate, ctx) === wanted);
      if (!option) return null;
      return () => {
        select.focus({preventScroll: true});
        option.selected = true;
        for (const type of ["input", "change"]) select.dispatchEvent(new Event(type, {bubbles: true}));
      };
    },
    alternative: () => null,
  });
})();
