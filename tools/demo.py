#!/usr/bin/env python3
"""See Ohne Haken work on the mock o2online.de portal (tests/fixtures/portal), no O2 account needed.

    tools/demo.py                      build, serve the mock portal on loopback, open Firefox with
                                       the extension installed and the o2online.de names mapped to it
                                       (`make demo`). Without a display ($DISPLAY unset) it runs
                                       headless: one click on the mock consent form, prints what
                                       changed and where the before/after screenshots are.
    tools/demo.py --screenshots DIR    headless: the README's pictures into DIR (`make screenshots`), in
                                       German (the product's first language) and one in English
    tools/demo.py --du                 the mock portal in O2's newer "du" form ("Nutzung deiner Daten",
                                       the page "Einwilligungen und Erlaubnisse"); `make demo DU=1`

The browser starts exactly as in the tests: tests/conftest.py's server, start_firefox and Browser.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import harness as conftest  # noqa: E402  the test harness (tests/harness.py): fixture server, Firefox with the extension, page helpers
import phone_emulation  # noqa: E402  a phone-sized tab (README section "Firefox für Android")
import urllib3  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

FORM_PAGE = "portal/mein-o2/meine-daten/einstellungen/"
STATUS = '[data-role="status"]'
GONE = (WebDriverException, OSError, urllib3.exceptions.HTTPError)  # Firefox closed: the driver fails or cannot be reached
# The blue button of the consent section, in either form of address (tests/fixtures/portal/README.md).
EDIT_BUTTON = ("//section[h2[normalize-space()='Nutzung Ihrer Daten' or normalize-space()='Einwilligungen und Erlaubnisse']]"
               "//button[normalize-space()='Ändern' or normalize-space()='Bearbeiten']")
ANREDE = {False: "sie", True: "du"}  # ?anrede= sets the mock portal's form of address (a cookie on o2online.de)
LABELS_JS = ("return [...document.querySelectorAll('#einwilligungen-form input[type=checkbox]')]"
             ".map(box => [box.name, box.labels[0] ? box.labels[0].textContent : box.name]);")


def build() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q"], check=False)  # both browsers: dist/ is the release
    if result.returncode != 0:
        sys.exit(result.returncode)


def start(headless: bool, locale: str = "de") -> tuple[conftest.Browser, object]:
    httpd = conftest.serve()
    try:
        driver, base = conftest.start_firefox(ROOT / "dist", headless=headless, locale=locale)
    except conftest.pytest.exit.Exception as err:  # geckodriver missing: the harness says what to do
        sys.exit(f"demo: {err}")
    browser = conftest.Browser("firefox", driver, base, httpd.server_address[1])
    browser.open_extension_page("pages/privacy.html")
    spoken = browser.js("return browser.i18n.getUILanguage()")
    if not spoken.startswith(locale):  # Firefox without its language pack speaks English
        browser.quit()
        sys.exit(f"demo: Firefox speaks {spoken!r}, not {locale!r}: run `scripts/ensure-tools.sh browsers` as root")
    return browser, httpd


def log_in(browser: conftest.Browser, du: bool = False) -> None:
    """The mock portal's session cookie, the form of address, and the cookie banner and opt-in overlay already answered."""
    browser.open(f"portal/?anrede={ANREDE[du]}")
    browser.js("document.cookie = 'mock_session=1; domain=o2online.de; path=/';"
               "localStorage.setItem('mock_optin', 'dismissed'); localStorage.setItem('mock_uc_choice', 'deny');")


def open_consent_form(browser: conftest.Browser) -> None:
    """Meine Daten > Einstellungen, then the "Ändern" of the section "Nutzung Ihrer Daten"."""
    browser.open(FORM_PAGE)
    browser.wait(lambda: browser.driver.find_elements(By.XPATH, EDIT_BUTTON), message="no 'Ändern' in 'Nutzung Ihrer Daten'")
    browser.driver.find_element(By.XPATH, EDIT_BUTTON).click()
    browser.wait(lambda: browser.active_count() > 0, message="the panel found no consents on the form")
    browser.js("document.getElementById('editor-h').scrollIntoView({block: 'start'})")


def clear_all(browser: conftest.Browser) -> tuple[dict, dict]:
    """One click on the panel's "Alle abwählen"; the form's state before and after."""
    before = browser.js("return window.__portal.draft()")
    browser.click_action("clear-all")
    browser.wait(lambda: browser.active_count() == 0, message="the panel still counts active consents")
    browser.wait_idle()
    return before, browser.js("return window.__portal.draft()")


def headless_demo(out: Path, du: bool = False) -> None:
    browser, httpd = start(headless=True)
    try:
        log_in(browser, du)
        open_consent_form(browser)
        out.mkdir(parents=True, exist_ok=True)
        browser.driver.save_screenshot(str(out / "before.png"))
        button = browser.panel_text('[data-action="clear-all"]')
        before, after = clear_all(browser)
        browser.driver.save_screenshot(str(out / "after.png"))
        changed = [(key, label) for key, label in browser.js(LABELS_JS) if before[key] != after[key]]
        print(f"Mock portal: {browser.url(FORM_PAGE)}")
        print(f"One click on the panel's “{button}” changed {len(changed)} settings on the form:")
        for key, label in changed:
            print(f"  {label}: {'ticked' if before[key] else 'empty'} -> {'ticked' if after[key] else 'empty'}")
        print(f"Panel: {browser.panel_text(STATUS)}")
        saved = browser.js("return window.__portal.submitted")
        print(f"Form saved: {saved} times. Ohne Haken never saves; on the real portal you press „Speichern“ yourself.")
        print(f"Screenshots: {out / 'before.png'} and {out / 'after.png'}")
    finally:
        browser.quit()
        httpd.shutdown()


def interactive_demo(du: bool = False) -> None:
    browser, httpd = start(headless=False)
    start_page = browser.url(f"portal/?anrede={ANREDE[du]}")
    browser.driver.get(start_page)
    print(f"Firefox shows the mock o2online.de portal ({'du' if du else 'Sie'} form): {start_page}")
    print("The Ohne Haken panel is at the bottom right. „Zum Formular führen“ starts the walkthrough;")
    print("the mock login takes any input. Ohne Haken's toolbar button (in the extensions menu) opens the popup.")
    print("Close the Firefox window (or press Ctrl+C here) to end the demo.")
    try:
        while browser.driver.window_handles:
            time.sleep(1)
    except (KeyboardInterrupt, *GONE):
        pass  # Ctrl+C, or the user closed Firefox
    finally:
        try:
            browser.quit()
        except GONE:
            pass  # Firefox is gone already
        httpd.shutdown()


SPOT_ON_TARGET = """
const target = document.querySelector('[data-ohne-haken-tour=target]');
const spot = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('.spot');
const t = target.getBoundingClientRect(), r = spot.getBoundingClientRect();
return Math.abs(r.left + 6 - t.left) < 1 && Math.abs(r.top + 6 - t.top) < 1 && Math.abs(r.width - 12 - t.width) < 1;
"""


def spotlight_settled(browser: conftest.Browser) -> bool:
    return bool(browser.js(SPOT_ON_TARGET))


def screenshots(out: Path) -> None:
    """The README's pictures: the popup, the panel before and after one click, two walkthrough steps."""
    browser, httpd = start(headless=True)
    driver = browser.driver
    try:
        out.mkdir(parents=True, exist_ok=True)
        driver.set_window_size(1280, 860)
        log_in(browser)
        open_consent_form(browser)
        page = driver.current_window_handle

        driver.switch_to.new_window("tab")  # the popup as a page, speaking to the form's tab
        browser.open_extension_page("popup/popup.html")
        browser.wait(lambda: browser.js("return document.body.dataset.currentView === 'portal'"))
        driver.find_element(By.TAG_NAME, "main").screenshot(str(out / "popup.png"))
        driver.close()
        driver.switch_to.window(page)

        browser.wait_idle()
        driver.save_screenshot(str(out / "panel-before.png"))
        clear_all(browser)
        driver.save_screenshot(str(out / "panel-after.png"))

        walkthrough_step(browser, out / "walkthrough.png")

        # Telefónica's movement-data opt-out: the step "Abmelden" after number and SMS code.
        browser.open("telefonica/dap.html", host="www.telefonica.de")
        browser.click_action("start-tour")
        for field, button in (("msisdn", "SMS-Code anfordern"), ("code", "OK")):
            browser.wait(lambda field=field: browser.js("return !!document.querySelector("
                                                        "'[data-ohne-haken-tour=target]#' + arguments[0])", field))
            driver.find_element(By.ID, field).send_keys("0176 5550 1234" if field == "msisdn" else "482916")
            driver.find_element(By.XPATH, f"//button[normalize-space()='{button}']").click()
        browser.wait(lambda: browser.js("return !!document.querySelector('[data-ohne-haken-tour=target]#optout')"))
        browser.settle()
        browser.wait(lambda: spotlight_settled(browser))  # the spotlight glides to its target (a short CSS transition)
        driver.save_screenshot(str(out / "walkthrough-dap.png"))
        phone_screenshots(browser, out)
    finally:
        browser.quit()
        httpd.shutdown()
    # One picture in English: the same walkthrough step in a browser that asks for English.
    browser, httpd = start(headless=True, locale="en")
    try:
        browser.driver.set_window_size(1280, 860)
        log_in(browser)
        walkthrough_step(browser, out / "walkthrough-en.png")
    finally:
        browser.quit()
        httpd.shutdown()
    for name in ("popup", "panel-before", "panel-after", "walkthrough", "walkthrough-dap", "walkthrough-en", *PHONE_SHOTS):
        print(out / f"{name}.png")


def walkthrough_step(browser: conftest.Browser, path: Path) -> None:
    """The walkthrough on "Meine Daten": its step 8 points at the tab "Einstellungen"."""
    browser.open("portal/mein-o2/meine-daten/")
    browser.click_action("start-tour")
    browser.wait(lambda: browser.js("const t = document.getElementById('ohne-haken-tour');"
                                    "return !!t && !!document.querySelector('[data-ohne-haken-tour=target]');"))
    browser.settle()
    browser.wait(lambda: spotlight_settled(browser))
    browser.driver.save_screenshot(str(path))


PHONE_SHOTS = ("phone-panel", "phone-walkthrough")


def phone_screenshots(browser: conftest.Browser, out: Path) -> None:
    """At 360 x 640 CSS px: the panel on a phone-sized consent page, and a walkthrough step."""
    with phone_emulation.phone(browser):
        browser.open("phone/einwilligungen.html")
        phone_emulation.fit(browser)
        browser.wait(lambda: browser.active_count() > 0)
        browser.settle()
        browser.driver.save_screenshot(str(out / "phone-panel.png"))
        browser.open("portal/mein-o2/")
        browser.js("localStorage.setItem('mock_optin', JSON.stringify('dismissed'))")  # the opt-in overlay answered
        browser.open("portal/mein-o2/")
        phone_emulation.fit(browser)
        browser.click_action("start-tour")
        target = browser.wait(lambda: browser.js("return document.querySelector('[data-ohne-haken-tour=target]')"))
        phone_emulation.still(browser, target)
        browser.wait(lambda: spotlight_settled(browser))
        browser.driver.save_screenshot(str(out / "phone-walkthrough.png"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Ohne Haken on the mock o2online.de portal, in Firefox.")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="write the README's screenshots into DIR and exit")
    parser.add_argument("--headless", action="store_true", help="run the one-click demo headless even with a display")
    parser.add_argument("--du", action="store_true", help="the mock portal in O2's newer du form")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "demo", metavar="DIR",
                        help="where the headless demo saves before.png and after.png (default: dist/demo)")
    args = parser.parse_args(argv)
    build()
    if args.screenshots:
        screenshots(args.screenshots.resolve())
    elif args.headless or not os.environ.get("DISPLAY"):
        headless_demo(args.out.resolve(), args.du)
    else:
        interactive_demo(args.du)
    return 0


if __name__ == "__main__":
    sys.exit(main())
