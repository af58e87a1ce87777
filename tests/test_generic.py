"""Generic mode: "Diese Seite prüfen" on another provider's page (tests/fixtures/vodafone, generic).

Ohne Haken has no access to these sites at install. The access comes from the user's click on the
toolbar button (activeTab), and the popup's button loads the packaged content scripts into that
one page (scripting.executeScript). The test takes the real path in Firefox: Firefox's own handler
for a toolbar-button click (the browser action's triggerAction, run in the browser's chrome
context, as the click itself would) grants activeTab and opens the popup; the test then presses
"Diese Seite prüfen" in the popup page opened in a tab (?tab=<id>). Nothing is injected by the test.

Chromium grants activeTab only for a real click on its toolbar or a keyboard shortcut, neither of
which WebDriver can perform (and its permission prompt cannot be answered from WebDriver), so in
Chromium only the "no access until asked" half runs.
"""

from __future__ import annotations

from harness import check_page, page_tab_id

VODAFONE = "www.vodafone.de"
PROVIDER = "www.anbieter.example"
MARKS = "return document.querySelectorAll('[data-ohne-haken]').length"
PANEL = "return [...document.querySelectorAll('#ohne-haken-panel')].some(h => h.shadowRoot)"


def test_no_access_until_asked(browser, popup):
    browser.open("vodafone/datenschutz-einstellungen.html", host=VODAFONE)
    browser.fixture_ready()
    browser.settle()
    assert not browser.js(PANEL) and browser.js(MARKS) == 0
    tab = page_tab_id(popup)
    popup.open(tab=tab)  # opened as a page, not by a toolbar click: no access to that tab
    assert popup.view() == "elsewhere"
    assert not popup.shown('[data-action="check-page"]')
    reached = popup.call("api.scripting.executeScript({target: {tabId: arguments[0]}, func: () => 1})"
                         ".then(() => done(true), () => done(false));", tab)
    assert reached is False  # the browser refuses: no host permission, no activeTab


def test_vodafone_page_cleared_on_request(browser, popup):
    check_page(browser, popup, "vodafone/datenschutz-einstellungen.html", VODAFONE)
    browser.wait(lambda: browser.active_count() == 8)  # "Post" is off already
    tour_button = f"return {browser.PANEL_JS}.shadowRoot.querySelector('[data-action=\"start-tour\"]').hidden"
    assert browser.js(tour_button) is True  # no walkthrough for this site: no dead button
    browser.click_action("clear-all")
    browser.wait_idle()
    # Every "Achtung!" answered with "Fortfahren"; the save dialog never opened, nothing saved.
    assert browser.page_state() == dict.fromkeys(
        ("email", "sms", "post", "call", "traffic", "location", "tracking", "exchange", "offers"), False)
    assert browser.submitted() == 0
    assert browser.js("return document.getElementById('warn').hidden && !document.getElementById('ask-save').open")
    assert browser.js("return document.getElementById('save').getAttribute('data-ohne-haken')") == "save"
    # The access ends with the page: after a reload nothing runs there.
    browser.driver.refresh()
    browser.fixture_ready()
    browser.settle()
    assert not browser.js(PANEL) and browser.js(MARKS) == 0


def test_vodafone_settings_that_are_not_consents_stay(browser, popup):
    check_page(browser, popup, "vodafone/meine-daten.html", VODAFONE)
    browser.settle()
    assert browser.js("return document.querySelectorAll('[data-ohne-haken=consent], [data-ohne-haken=objection]').length") == 0
    assert browser.page_state() == {"bill": True, "evn": True, "twofactor": True}


def test_any_provider_page_cleared_with_the_generic_words(browser, popup):
    check_page(browser, popup, "generic/einwilligungen.html", PROVIDER)
    browser.wait(lambda: browser.active_count() == 3)
    browser.click_action("clear-all")
    browser.wait_idle()
    assert browser.page_state() == {"mail": False, "research": False, "profile": False, "bill": True, "stay": True}
    assert browser.submitted() == 0


def test_any_provider_page_without_consents_is_left_alone(browser, popup):
    check_page(browser, popup, "generic/konto.html", PROVIDER)
    browser.settle()
    assert browser.js("return document.querySelectorAll('[data-ohne-haken=consent]').length") == 0
    assert browser.page_state() == {"bill": True, "evn": True, "twofactor": True, "stay": True}
