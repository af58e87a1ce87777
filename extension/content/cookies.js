/*
 * The cookie banner (o2online.de uses Usercentrics, in a shadow root): find it and decline in
 * one click. Only a button whose name says "decline" is ever pressed, never one that accepts,
 * and a banner is never hidden without declining. Which banner and which buttons: the site's
 * rule file (`cookieBanner`), see docs/RULES.md.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createCookieBanner) return;
  const {dom, text} = OH;

  const DECLINE_WAIT_MS = 1500;
  const BUTTONS = 'button, [role="button"], input[type="button"], input[type="submit"], a[href]';

  /** `config`: {hosts: [css], deny: [names], denyTestIds: [ids]} from the site rules, or null. */
  function createCookieBanner({config, neverPress, doc = document}) {
    const accepting = text.compileTerms(neverPress || []);

    function denyButtonIn(root) {
      const buttons = dom.deepQueryAll(root, BUTTONS).filter((button) => dom.isVisible(button));
      const byTestId = buttons.find((button) => (config.denyTestIds || []).includes(button.getAttribute("data-testid")));
      const byName = buttons.find((button) => text.matchesName(dom.accessibleName(button), config.deny || []));
      const button = byTestId || byName || null;
      if (!button) return null;
      // A decline button never says accept, agree or save.
      return text.findTerms(text.normalize(dom.accessibleName(button)), accepting).length ? null : button;
    }

    /** The visible banner and its decline button, or null. */
    function find() {
      if (!config) return null;
      for (const selector of config.hosts || []) {
        for (const host of doc.querySelectorAll(selector)) {
          if (dom.isOwn(host)) continue;
          const button = denyButtonIn(host);
          if (button) return {host, button};
        }
      }
      return null;
    }

    /** Press the banner's decline button; true when the banner went away afterwards. */
    async function decline() {
      const banner = find();
      if (!banner) return false;
      banner.button.click();
      const end = performance.now() + DECLINE_WAIT_MS;
      while (performance.now() < end) {
        if (!find()) return true;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      return !find();
    }

    return {find, decline};
  }

  OH.createCookieBanner = createCookieBanner;
})();
