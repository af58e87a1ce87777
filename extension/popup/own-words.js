/*
 * "Eigene Begriffe" in the toolbar popup's settings (issue 16): the user adds a phrase as
 * consent, objection or never-touch, sees the list with a remove button per phrase. Stored in
 * storage.local (content/user-terms.js: key, validation); the content scripts of open pages
 * pick the change up at once (storage.onChanged) and classify again.
 */
"use strict";

(function () {
  const api = globalThis.browser ?? globalThis.chrome;
  const terms = globalThis.ohneHakenUserTerms;
  const t = (key, subs) => api.i18n.getMessage(key, subs) || key;
  const box = document.querySelector('[data-role="own-words"]');
  if (!box || !terms) return;
  const form = box.querySelector('[data-role="own-word-form"]');
  const phraseField = box.querySelector('[data-field="own-word"]');
  const kindField = box.querySelector('[data-field="own-word-kind"]');
  const error = box.querySelector('[data-role="own-word-error"]');
  const list = box.querySelector('[data-role="own-words-list"]');
  const none = box.querySelector('[data-role="own-words-none"]');
  const ERRORS = {length: "ownWordsErrorLength", markup: "ownWordsErrorMarkup", letters: "ownWordsErrorLetters",
    duplicate: "ownWordsErrorDuplicate", full: "ownWordsErrorFull", kind: "ownWordsErrorLength"};
  const KIND_NAMES = {consent: "kindConsent", objection: "kindObjection", protected: "ownWordsKindProtected"};

  async function load() {
    return terms.valid((await api.storage.local.get(terms.KEY))[terms.KEY]);
  }

  async function store(next) {
    if (next.length) await api.storage.local.set({[terms.KEY]: next});
    else await api.storage.local.remove(terms.KEY); // nothing kept once the list is empty
  }

  function render(current) {
    list.replaceChildren(...current.map((term) => {
      const item = document.createElement("li");
      item.dataset.phrase = term.phrase;
      item.dataset.kind = term.kind;
      const phrase = document.createElement("span");
      phrase.textContent = `„${term.phrase}“ `;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = t(KIND_NAMES[term.kind]);
      phrase.append(kind);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.dataset.action = "remove-own-word";
      remove.textContent = t("ownWordsRemove");
      remove.setAttribute("aria-label", `${t("ownWordsRemove")}: ${term.phrase}`);
      remove.addEventListener("click", async () => {
        const now = await load();
        await store(now.filter((other) => other.phrase !== term.phrase));
      });
      item.append(phrase, remove);
      return item;
    }));
    none.hidden = current.length > 0;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const current = await load();
    const result = terms.check(phraseField.value, kindField.value, current);
    error.hidden = result.ok;
    error.textContent = result.ok ? "" : t(ERRORS[result.error]);
    if (!result.ok) return;
    await store([...current, result.term]);
    phraseField.value = "";
    phraseField.focus();
  });

  api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && terms.KEY in changes) load().then(render);
  });
  load().then((current) => {
    render(current);
    box.dataset.ready = "true";
  });
})();
