"""The guided walkthrough on the mock portal (tests/fixtures/portal, see its README).

Both flows end to end by clicking what the walkthrough points at, plus reload in the middle,
the login hop, a page where the target is missing, going back, and the keyboard.
"""

from __future__ import annotations

import pytest
from harness import Tour, click_button, log_in, press, reset_portal, start_tour, type_into
from selenium.webdriver.common.keys import Keys

SECRET_PASSWORD = "Geheim-Passwort-4711"
SECRET_USER = "kundin@example.org"
SECRET_SMS = "918273"
SECRET_PKK = "7392"


@pytest.fixture
def tour(browser):
    reset_portal(browser)
    return Tour(browser)


def assert_secrets_unread(browser, tour, secrets, expect_flow):
    """What the user typed appears nowhere: not in the overlay, the panel, or extension storage."""
    shown = browser.js("return [document.getElementById('ohne-haken-tour'), document.getElementById('ohne-haken-panel')]"
                       ".map(h => h ? h.shadowRoot.textContent : '').join(' ')")
    stored = browser.all_storage()  # local, session and sync
    assert expect_flow in stored  # the walkthrough's state is there ...
    for secret in secrets:  # ... and nothing that was typed
        assert secret not in stored and secret not in shown
    logs = " ".join(browser.errors)
    assert not any(secret in logs for secret in secrets)
    browser.driver.back()
    browser.panel()


def test_todays_flow_end_to_end(browser, tour):
    start_tour(browser, "portal/index.html")
    tour.wait_step(1, 12)  # cookie banner
    assert tour.wait_target().get_attribute("data-testid") == "uc-deny-all-button"
    assert browser.js("return document.activeElement && document.activeElement.id") == "ohne-haken-tour"
    tour.target().click()

    tour.wait_step(2)  # "Mein o2" in the header, not the footer
    target = tour.wait_target()
    assert browser.js("return !!arguments[0].closest('header')", target)
    target.click()

    # The hop to login.o2online.de: the walkthrough continues there.
    browser.wait(lambda: "login.o2online.de" in browser.driver.current_url)
    tour.wait_step(3)
    type_into(browser, tour.wait_target(), SECRET_USER)
    click_button(browser, "Weiter")
    tour.wait_step(4)
    type_into(browser, tour.wait_target(), SECRET_PASSWORD)
    click_button(browser, "Weiter")
    tour.wait_step(5)
    type_into(browser, tour.wait_target(), SECRET_SMS)
    click_button(browser, "Bestätigen")

    browser.wait(lambda: "www.o2online.de" in browser.driver.current_url)
    tour.wait_step(6)  # the opt-in overlay: "Später", never "Einverstanden"
    assert_secrets_unread(browser, tour, [SECRET_USER, SECRET_PASSWORD, SECRET_SMS], expect_flow="o2-today")
    tour.wait_step(6)
    target = tour.wait_target()
    assert target.text == "Später"
    target.click()
    assert browser.js("return window.__portal.optinChoice()") != "accepted"

    tour.wait_step(7)
    target = tour.wait_target()
    assert target.text == "Meine Daten"
    target.click()

    tour.wait_step(8)
    target = tour.wait_target()
    assert target.text == "Einstellungen"  # not "Cookie-Einstellungen"
    target.click()

    tour.wait_step(9)
    target = tour.wait_target()
    assert browser.js("return arguments[0].closest('section').querySelector('h2').textContent", target) == "Nutzung Ihrer Daten"
    target.click()

    tour.wait_step(10)  # the panel's "Alle abwählen"
    target = tour.wait_target(lambda t: t.get_attribute("data-action") == "clear-all")
    target.click()

    tour.wait_step(11)  # save, pressed by the user
    target = tour.wait_target(lambda t: t.get_attribute("data-ohne-haken") == "save")
    assert browser.js("return window.__portal.submitted") == 0
    target.click()

    tour.wait_step(12)
    saved = browser.js("return window.__portal.consents()")
    assert saved["widerspruchWerbung"] is True
    assert not any(v for k, v in saved.items() if k != "widerspruchWerbung")
    # The other opt-outs are offered (tests/test_flows.py follows them).
    assert tour.offers() == ["telefonica-dap", "utiq-optout"]
    tour.button("tour-next").click()  # "Fertig"
    browser.wait(lambda: not tour.host_present())
    # Completed: a reload does not bring it back.
    browser.driver.refresh()
    browser.settled()
    assert not tour.host_present()


def test_2012_flow_end_to_end(browser, tour):
    start_tour(browser, "portal/2012/index.html")
    tour.wait_step(2, 8)  # already in Mein O2: "Persönliche Daten"
    tour.wait_target().click()
    tour.wait_step(3)
    target = tour.wait_target()
    assert target.get_attribute("id") == "link-nutzung-aendern"  # under "Daten ändern", not "Daten anzeigen"
    target.click()
    tour.wait_step(4)
    tour.wait_target().click()
    tour.wait_step(5)
    type_into(browser, tour.wait_target(), SECRET_PKK)
    click_button(browser, "Weiter")
    tour.wait_step(6)
    assert_secrets_unread(browser, tour, [SECRET_PKK], expect_flow="o2-2012")
    tour.wait_step(6)
    tour.wait_target(lambda t: t.get_attribute("data-action") == "clear-all").click()
    tour.wait_step(7)
    tour.wait_target(lambda t: t.get_attribute("data-ohne-haken") == "save").click()
    tour.wait_step(8)
    saved = browser.js("return window.__portal.consents()")
    assert not any(saved.values())
    assert tour.offers() == ["telefonica-dap", "utiq-optout"]
    tour.button("tour-next").click()
    browser.wait(lambda: not tour.host_present())


def test_arriving_in_the_middle_and_reloading(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/")
    tour.wait_step(8, 12)  # "Meine Daten" is open: next is the tab "Einstellungen"
    assert tour.wait_target().text == "Einstellungen"
    browser.driver.refresh()
    tour.wait_step(8)
    # A new tab of the same flow shows the same step.
    original = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    try:
        browser.open("portal/mein-o2/meine-daten/")
        tour.wait_step(8)
    finally:
        browser.driver.close()
        browser.driver.switch_to.window(original)


def test_going_back_follows_the_page(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/")
    tour.wait_step(8)
    tour.wait_target().click()
    tour.wait_step(9)
    browser.driver.back()
    tour.wait_step(8)
    assert tour.wait_target().text == "Einstellungen"


def test_missing_target_says_where_to_look(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/?optin=0")
    tour.wait_step(7)
    assert tour.wait_target().text == "Meine Daten"
    browser.open("portal/mein-o2/unbekannt.html")  # a Mein o2 page without the side menu
    tour.wait_step(7)
    browser.wait(lambda: tour.where() != "", message="the popover should say where to look")
    assert "Menü" in tour.where() or "menu" in tour.where()
    assert tour.target() is None
    pop = browser.js("const r = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('.pop')"
                     ".getBoundingClientRect(); return [r.left + r.width / 2, innerWidth / 2];")
    assert abs(pop[0] - pop[1]) < 20, "the popover is centred when it has nothing to point at"
    tour.button("tour-next").click()  # the user found it by hand
    tour.wait_step(8)


def test_back_and_next_buttons(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/einstellungen/")
    tour.wait_step(9)
    tour.button("tour-back").click()
    tour.wait_step(8)
    browser.wait(lambda: tour.target() is not None and tour.target().text == "Einstellungen")
    tour.button("tour-next").click()
    tour.wait_step(9)


def test_keyboard(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/einstellungen/")
    tour.wait_step(9)
    is_host_focused = "return document.activeElement && document.activeElement.id === 'ohne-haken-tour'"
    browser.wait(lambda: browser.js(is_host_focused))
    inner = "return document.getElementById('ohne-haken-tour').shadowRoot.activeElement?.getAttribute('data-action') || null"
    seen = set()
    for _ in range(5):  # Tab cycles inside the popover
        press(browser, Keys.TAB)
        assert browser.js(is_host_focused)
        seen.add(browser.js(inner))
    assert seen == {"tour-close", "tour-back", "tour-next"}
    press(browser, Keys.ARROW_LEFT)
    tour.wait_step(8)
    press(browser, Keys.ARROW_RIGHT)
    tour.wait_step(9)
    dialog = browser.js("const p = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('[role=dialog]');"
                        "return [p.getAttribute('aria-labelledby'), p.getAttribute('aria-describedby')];")
    assert all(dialog)
    press(browser, Keys.ESCAPE)
    browser.wait(lambda: not tour.host_present())
    browser.wait(lambda: "o2-today" not in browser.stored(), message="Close did not end the walkthrough")


def test_a_stale_walkthrough_does_not_come_back(browser, tour):
    log_in(browser)
    browser.open_extension_page("pages/privacy.html")
    two_hours_ago = "Date.now() - 2 * 60 * 60 * 1000"
    browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const api = globalThis.browser ?? chrome;"
        "api.storage.local.set({tour: {flow: 'o2-today', step: 'einstellungen', reached: 7,"
        f" updated: {two_hours_ago}, manualPath: null, manualBest: -1}}}}).then(() => done());")
    browser.open("portal/mein-o2/meine-daten/")
    browser.settled()
    assert not tour.host_present()
    browser.wait(lambda: "o2-today" not in browser.stored(), message="the stale walkthrough was not removed")


def test_spotlight_follows_scrolling_and_sits_in_the_top_layer(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/einstellungen/")
    tour.wait_step(9)
    target = tour.wait_target()
    gap = ("const t = arguments[0].getBoundingClientRect();"
           "const s = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('.spot').getBoundingClientRect();"
           "return Math.abs((t.top - s.top) - 6) < 2 && Math.abs((t.left - s.left) - 6) < 2;")
    browser.wait(lambda: browser.js(gap, target))
    browser.js("window.scrollBy(0, 120)")
    browser.wait(lambda: browser.js(gap, target), message="the spotlight did not follow the scroll")
    assert browser.js("return document.getElementById('ohne-haken-tour').matches(':popover-open')")
