/*
 * Background: the toolbar badge per tab and the few things a page may ask for.
 * One dispatcher; content scripts may send only the message types listed in HANDLERS.
 * Nothing here touches the network.
 */
"use strict";

const api = globalThis.browser ?? globalThis.chrome;

const HANDLERS = {
  /** {type: "reportCount", active: n, total: n}: show the number still sharing data. */
  reportCount(message, sender) {
    const tabId = sender.tab?.id;
    if (tabId === undefined || sender.frameId !== 0) return;
    const active = Number(message.active) || 0;
    const total = Number(message.total) || 0;
    const text = total === 0 ? "" : active > 0 ? String(Math.min(active, 999)) : "✓";
    api.action.setBadgeText({tabId, text});
    api.action.setBadgeBackgroundColor({tabId, color: active > 0 ? "#b3261e" : "#1e7b34"});
  },
};

api.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== api.runtime.id || !message || !Object.hasOwn(HANDLERS, message.type)) return undefined;
  const result = HANDLERS[message.type](message, sender);
  return result === undefined ? undefined : Promise.resolve(result);
});
