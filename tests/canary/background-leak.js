// Canary (tests/canary/build_variant.py, never in a release): the background's one foreign request.
(globalThis.browser ?? globalThis.chrome).runtime.onMessage.addListener((message) => {
  if (message?.type === "canaryLeak") fetch("http://canary-background.invalid/leak").catch(() => {});
  return false;
});
