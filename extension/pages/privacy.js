/*
 * The privacy page: the promise in plain words, and everything Ohne Haken has stored right
 * now (extension storage only), with a button to forget it.
 */
"use strict";

(function () {
  const api = globalThis.browser ?? globalThis.chrome;
  const t = (key) => api.i18n.getMessage(key) || key;

  document.documentElement.lang = api.i18n.getUILanguage().split("-")[0];
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  document.title = t("privacyTitle");

  const stored = document.querySelector('[data-role="stored"]');

  async function show() {
    const data = await api.storage.local.get(null);
    stored.textContent = Object.keys(data).length ? JSON.stringify(data, null, 2) : t("privacyNothingStored");
  }

  document.querySelector('[data-action="forget"]').addEventListener("click", async () => {
    await api.storage.local.clear();
    await show();
  });
  api.storage.onChanged.addListener(show);
  show();
})();
