/*
 * The layout of storage.local (its keys: KEYS in shared/common.js, loaded first), and the steps that bring stored data from an older layout to
 * the current one (docs/PRIVACY.md, "Storage schema and migrations").
 *
 *   schema 1 (0.1.0, no version key): tour {version: 1, flow, step, reached, updated,
 *            manualUrl, manualBest}, showLauncher, autoDeclineCookies
 *   schema 2: schemaVersion 2; tour {flow, step, reached, updated, manualPath, manualBest,
 *            formPath}: paths of pages only, never a full address (a query string can hold ids);
 *            formPath (the consent form's page, where the clear step ran) is optional: absent
 *            reads as null (content/tour.js), so no migration step;
 *            optional userTerms [{phrase, kind}], the user's own words (content/user-terms.js
 *            holds the key and validates; absent means none, so no migration step)
 *
 * `migrate(data)` is pure: everything in storage.local in, the changes {set, remove} out. The
 * background applies them with `upgrade` at every start; once current, nothing changes.
 * Data of a newer schema than this code knows is left alone (an older version must not
 * destroy what a newer one wrote), keys no step names are never touched, and a broken value
 * is removed for its own key only.
 */
"use strict";

(function () {
  if (globalThis.ohneHakenStorageSchema) return;

  const {KEYS} = globalThis.ohneHakenCommon;
  const VERSION_KEY = KEYS.schemaVersion;

  const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

  function pathOf(address) {
    try {
      return new URL(address).pathname;
    } catch {
      return null;
    }
  }

  /*
   * STEPS[n - 1] turns schema n into schema n + 1: it gets a copy of all data and returns it
   * changed. Every step must leave data already in its target shape as it is: a content script
   * of the new version may write before the background has migrated, and a lost or broken
   * schemaVersion runs every step again. To add schema 3, append a step and document it above.
   */
  const STEPS = [
    function toSchema2(data) {
      if (!(KEYS.tour in data)) return data;
      if (!isRecord(data[KEYS.tour])) {
        delete data[KEYS.tour];
        return data;
      }
      const tour = data[KEYS.tour];
      if (typeof tour.manualPath !== "string") {
        tour.manualPath = typeof tour.manualUrl === "string" ? pathOf(tour.manualUrl) : null;
      }
      delete tour.manualUrl;
      delete tour.version; // schemaVersion says it for all keys now
      return data;
    },
  ];
  const SCHEMA_VERSION = STEPS.length + 1;

  /** The schema the data is in: none stored is schema 1 (0.1.0), a broken value counts as 1 too. */
  function versionOf(data) {
    const version = data[VERSION_KEY];
    return Number.isInteger(version) && version >= 1 ? version : 1;
  }

  /** The changes {set: {key: value}, remove: [key]} that bring `data` to SCHEMA_VERSION. */
  function migrate(data) {
    const from = versionOf(data);
    if (from >= SCHEMA_VERSION) return {set: {}, remove: []};
    let next = structuredClone(data);
    for (let version = from; version < SCHEMA_VERSION; version++) next = STEPS[version - 1](next);
    next[VERSION_KEY] = SCHEMA_VERSION;
    const set = {};
    for (const [key, value] of Object.entries(next)) {
      if (!(key in data) || JSON.stringify(value) !== JSON.stringify(data[key])) set[key] = value;
    }
    return {set, remove: Object.keys(data).filter((key) => !(key in next))};
  }

  /** Migrate a storage area in place. Removals first, then one `set` with schemaVersion: a
   *  run cut short in between leaves the old version number, and the next start repeats it. */
  async function upgrade(area) {
    const {set, remove} = migrate(await area.get(null));
    if (remove.length) await area.remove(remove);
    if (Object.keys(set).length) await area.set(set);
  }

  globalThis.ohneHakenStorageSchema = {SCHEMA_VERSION, VERSION_KEY, migrate, upgrade};
})();
