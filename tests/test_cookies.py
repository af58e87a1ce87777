"""The cookie banner on o2online.de (tests/fixtures/portal: Usercentrics-like, in a shadow root):
declined in one click from the panel, or automatically when the user switched that on; never
accepted, never hidden without declining."""

from __future__ import annotations

from selenium.webdriver.common.by import By

UC_CHOICE = "return localStorage.getItem('mock_uc_choice')"  # the page's own record of the choice
BANNER_SHOWN = "const h = document.getElementById('usercentrics-root'); return !!h && !h.hidden;"


def fresh_visitor(browser):
    browser.open("smoke/plain.html")
    browser.js("localStorage.clear()")


def auto_decline_stored(browser) -> bool:
    return '"autoDeclineCookies": true' in browser.stored()


def set_auto_decline(browser, on: bool):
    """Switch the setting the way a user does: the checkbox in the toolbar popup."""
    current = auto_decline_stored(browser)
    browser.open_extension_page("popup/popup.html")
    box = browser.driver.find_element(By.CSS_SELECTOR, 'input[data-setting="autoDeclineCookies"]')
    browser.wait(lambda: box.is_displayed() and box.is_selected() == current)  # the popup has read the setting
    if current != on:
        box.click()
    browser.wait(lambda: auto_decline_stored(browser) == on, message="the popup did not store the setting")


def decline_button_shown(browser) -> bool:
    return browser.js(f"const b = {browser.PANEL_JS}.shadowRoot.querySelector('[data-action=\"decline-cookies\"]');"
                      "return !!b && !b.hidden && b.getClientRects().length > 0;")


def test_decline_cookies_from_the_panel(browser):
    fresh_visitor(browser)
    browser.open("portal/index.html")
    browser.panel()
    browser.wait(lambda: decline_button_shown(browser))
    assert browser.js(BANNER_SHOWN)
    browser.panel().find_element(By.CSS_SELECTOR, '[data-action="decline-cookies"]').click()
    browser.wait(lambda: browser.js(UC_CHOICE) == '"deny"')
    assert not browser.js(BANNER_SHOWN)
    browser.wait(lambda: not decline_button_shown(browser))
    assert browser.panel_text('[data-role="cookie-status"]')
    # Next visit: the page remembers, there is no banner and nothing to offer.
    browser.driver.refresh()
    browser.settled()
    assert not decline_button_shown(browser)


def test_automatic_decline_is_off_by_default_and_works_when_on(browser):
    # The storage is empty (a new install): the setting is whatever the default is.
    fresh_visitor(browser)
    browser.open("portal/index.html")
    browser.settled()
    assert browser.js(BANNER_SHOWN) and browser.js(UC_CHOICE) is None  # default: the user decides
    fresh_visitor(browser)
    set_auto_decline(browser, True)
    browser.open("portal/index.html")
    browser.wait(lambda: browser.js(UC_CHOICE) == '"deny"', message="the banner was not declined automatically")
    assert not browser.js(BANNER_SHOWN)


def test_a_banner_without_a_decline_button_is_left_alone(browser):
    set_auto_decline(browser, True)
    browser.open("cookies/accept-only.html")
    browser.settled()
    assert not decline_button_shown(browser)
    assert browser.js("return window.__choices") == []  # never "accept", not even automatically
    assert browser.js(BANNER_SHOWN)
