/*
 * Background: the toolbar badge per tab, and the few things a page or the popup may ask for.
 * One dispatcher (HANDLERS); content scripts may send only CONTENT_SCRIPT_MESSAGES, the
 * extension's own pages (the popup) every type. Nothing here touches the network.
 *
 *   content script --reportCount-----> badge of its tab (number still sharing data, or ✓)
 *   popup or the walkthrough's last step --openPortal {url, flow}--> new tab, marked in storage.session
 *   that tab's content script --claimTourStart--> {flow} once: it starts that walkthrough
 *
 * The badge is set per tab (tabId), and both browsers reset such per-tab values when the tab
 * loads another document, so the badge clears itself on navigation (tests/test_popup.py checks
 * it); a client-side route change keeps the document and its badge. A page restored from the
 * back/forward cache reports again (content/main.js). No tabs.onUpdated listener here: it would
 * wake the background for every page load in the browser.
 *
 * At every start it also brings storage.local to the current layout (storage-schema.js).
 */
"use strict";

/* global importScripts -- the service worker's; Firefox's background page has none */
// Chromium runs one classic script as the service worker; Firefox loads shared/common.js and
// storage-schema.js first (manifest background.scripts).
if (typeof importScripts === "function" && !globalThis.ohneHakenStorageSchema) importScripts("../shared/common.js", "storage-schema.js");

const api = globalThis.browser ?? globalThis.chrome;

// openPortal: the walkthrough's last step offers the other opt-outs (a trusted click there).
// loadTour: the walkthrough's script is injected only into pages that run one.
// loadEngine: the sentinel (content/sentinel.js) has the engine injected where it is needed.
const CONTENT_SCRIPT_MESSAGES = new Set(["reportCount", "claimTourStart", "openPortal", "loadTour", "loadEngine"]);
// Built by build.py (BUNDLES): the walkthrough's files, and the engine's and the panel's (main.js
// last), each joined and minified into one file. The manifest's content script (bundles/page.js:
// common.js, namespace.js, sites-data.js, sentinel.js) has run before either comes.
const TOUR_SCRIPTS = ["bundles/tour.js"];
const ENGINE_SCRIPTS = ["bundles/engine.js"];
const PENDING_KEY = globalThis.ohneHakenCommon.SESSION_KEYS.pendingTour; // storage.session: tabs opened to start a walkthrough
const FLOW_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PENDING_MS = 10 * 60 * 1000; // a tab that did not reach the site by then starts nothing
const COLORS = {sharing: "#b3261e", done: "#1e7b34"};

// tabId -> {time, flow}; mirrors storage.session for a restarted service worker. An entry goes when its
// tab claims it or PENDING_MS after it was made (tab ids are not reused while the browser runs): no
// tabs.onRemoved listener, which would wake the background whenever the user closes any tab.
const pendingTabs = new Map();

let upgrading = Promise.resolve();

/** Migrate storage.local (one read once it is current); runs are queued, never side by side. */
function upgradeStorage() {
  upgrading = upgrading
    .then(() => globalThis.ohneHakenStorageSchema.upgrade(api.storage.local))
    .catch((error) => console.error("Ohne Haken: storage migration failed", error));
  return upgrading;
}

function showCount(tabId, active, total) {
  const text = total === 0 ? "" : active > 0 ? String(Math.min(active, 999)) : "✓";
  api.action.setBadgeText({tabId, text}).catch(() => {}); // the tab may be gone
  if (text) api.action.setBadgeBackgroundColor({tabId, color: active > 0 ? COLORS.sharing : COLORS.done}).catch(() => {});
}

const {hostMatches} = globalThis.ohneHakenCommon; // shared/common.js

/** Only https pages where the content script runs may be opened for a walkthrough. */
function isPortalUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const patterns = api.runtime.getManifest().host_permissions || [];
  return url.protocol === "https:" && patterns.some((pattern) => hostMatches(pattern, url.hostname));
}

async function loadPending() {
  const stored = (await api.storage.session.get(PENDING_KEY))[PENDING_KEY] || {};
  for (const [tabId, pending] of Object.entries(stored)) {
    if (pending && typeof pending === "object") pendingTabs.set(Number(tabId), pending);
  }
}

function savePending() {
  const now = Date.now();
  for (const [tabId, pending] of pendingTabs) if (now - pending.time > PENDING_MS) pendingTabs.delete(tabId);
  const value = Object.fromEntries(pendingTabs);
  const change = pendingTabs.size ? api.storage.session.set({[PENDING_KEY]: value}) : api.storage.session.remove(PENDING_KEY);
  return change.catch(() => {});
}

/**
 * Where loadEngine and loadTour inject: the document that asked (sender.documentId), not the
 * tab's top frame. A top frame that has navigated meanwhile (O2's Mein o2 sends the visitor on to
 * the login page right while its engine comes) holds another document, which would get the rest
 * of the files ahead of its own first ones; with documentIds the injection into a document that is
 * gone fails instead. Without a documentId (older browsers) the top frame: each bundle is one file,
 * and one injection lands whole in one document. null: not a tab's top frame.
 */
function senderDocument(sender) {
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.frameId !== 0) return null;
  return sender.documentId ? {tabId, documentIds: [sender.documentId]} : {tabId, frameIds: [0]};
}

/**
 * Inject `files` (in this order, one task) into `target`; false when they ran in another document.
 * Chromium may still run a call meant for a document that is being left in the next one while that
 * one commits (its result names the other document; docs/SENTINEL.md). build.py guards the engine's
 * and the walkthrough's bundles, so such a stray run does nothing before that page's own script.
 */
async function inject(target, files) {
  const results = await api.scripting.executeScript({target, files});
  return !target.documentIds || results.every((result) => target.documentIds.includes(result.documentId));
}

const HANDLERS = {
  /** {type: "reportCount", active: n, total: n}: show the number still sharing data. */
  reportCount(message, sender) {
    const tabId = sender.tab?.id;
    if (tabId === undefined || sender.frameId !== 0) return undefined;
    showCount(tabId, Number(message.active) || 0, Number(message.total) || 0);
    return undefined;
  },

  /** {type: "claimTourStart"}: once, {flow} if this tab was opened to start a walkthrough (flow may be null: the site's best fit). */
  async claimTourStart(message, sender) {
    const tabId = sender.tab?.id;
    if (tabId === undefined || sender.frameId !== 0) return false;
    if (!pendingTabs.has(tabId)) await loadPending();
    const pending = pendingTabs.get(tabId);
    if (pending === undefined) return false;
    pendingTabs.delete(tabId);
    await savePending();
    return Date.now() - pending.time <= PENDING_MS ? {flow: pending.flow} : false;
  },

  /** {type: "loadTour"}: load the walkthrough (bundles/tour.js) into the sender's document. */
  async loadTour(message, sender) {
    const target = senderDocument(sender);
    if (!target) return false;
    return inject(target, TOUR_SCRIPTS);
  },

  /** {type: "loadEngine"}: the engine and the panel (bundles/engine.js) into the sender's document. */
  async loadEngine(message, sender) {
    const target = senderDocument(sender);
    if (!target) return false;
    return inject(target, ENGINE_SCRIPTS); // one file (build.py bundles it): it lands whole in one document
  },

  /** {type: "openPortal", url, flow?}: open a site of ours in a new tab; its page starts that walkthrough. */
  async openPortal(message) {
    if (!isPortalUrl(message.url)) return false;
    const flow = typeof message.flow === "string" && FLOW_NAME.test(message.flow) ? message.flow : null;
    const tab = await api.tabs.create({url: message.url});
    pendingTabs.set(tab.id, {time: Date.now(), flow});
    await savePending();
    return true;
  },
};

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== api.runtime.id || !message || !Object.hasOwn(HANDLERS, message.type)) return false;
  const fromExtensionPage = typeof sender.url === "string" && sender.url.startsWith(api.runtime.getURL(""));
  if (!fromExtensionPage && !CONTENT_SCRIPT_MESSAGES.has(message.type)) return false;
  Promise.resolve(HANDLERS[message.type](message, sender)).then(sendResponse, () => sendResponse(undefined));
  return true; // the answer comes asynchronously
});

// Every start of the background (browser start, install, update, reload, a service worker
// woken again) and every install or update event: whichever comes first finds the old layout.
upgradeStorage();
api.runtime.onInstalled.addListener(() => upgradeStorage());
