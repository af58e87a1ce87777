/*
 * The privacy page (docs/PRIVACY.md for users): the promise in plain words, the permissions
 * read from the manifest with what each is for, and everything Ohne Haken has stored right
 * now (extension storage only), with a button to forget it.
 */
"use strict";

(function () {
  const api = globalThis.browser ?? globalThis.chrome;
  const t = (key, subs) => api.i18n.getMessage(key, subs) || key;
  const PERMISSION_TEXTS = {storage: "privacyPermissionStorage", activeTab: "privacyPermissionActiveTab", scripting: "privacyPermissionScripting"}; // a permission without a text shows its bare name

  globalThis.ohneHakenCommon.localizePage(document, api); // the title too

  const manifest = api.runtime.getManifest();
  const permissions = (manifest.permissions || []).map((name) => (PERMISSION_TEXTS[name] ? t(PERMISSION_TEXTS[name]) : name));
  if (manifest.host_permissions?.length) permissions.push(t("privacyPermissionHosts", [manifest.host_permissions.join(", ")]));
  document.querySelector('[data-role="permissions"]').replaceChildren(...permissions.map((line) => {
    const item = document.createElement("li");
    item.textContent = line;
    return item;
  }));

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
