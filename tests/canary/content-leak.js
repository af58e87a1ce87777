// Canary (tests/canary/build_variant.py, never in a release): one request from the content script
// to a foreign host, and a message that makes the background send one too.
"use strict";
if (window.top === window) {
  fetch("http://canary-content.invalid/leak", {mode: "no-cors"}).catch(() => {});
  (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({type: "canaryLeak"}).catch(() => {});
}
