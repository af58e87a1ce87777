"""The other opt-outs as walkthroughs on their own sites: Telefónica's movement-data analytics (DAP,
telefonica.de) and the Utiq ad identifier (consenthub.utiq.com). Offered by the O2 walkthrough's last
step and by the toolbar popup; Utiq's result lasts a year, so the popup reminds after 365 days.
Fixtures: tests/fixtures/telefonica, tests/fixtures/utiq (see tests/fixtures/README.md).
"""

from __future__ import annotations

import datetime
import json

import pytest
from harness import Tour, click_button, follow_new_tab, open_after_error_page, type_into

TELEFONICA = "www.telefonica.de"
UTIQ = "consenthub.utiq.com"
SECRET_NUMBER = "0176 5550 1234"
SECRET_CODE = "482916"


@pytest.fixture
def tour(browser):
    return Tour(browser)


def everything_stored(popup) -> str:
    return popup.call("Promise.all([api.storage.local.get(null), api.storage.session.get(null), api.storage.sync.get(null)])"
                      ".then(all => done(JSON.stringify(all)));")


def test_dap_walkthrough_from_the_popup(browser, popup, tour):
    popup.open()
    offer = '[data-action="open-flow"][data-flow="telefonica-dap"]'
    assert popup.shown(offer)
    popup.follow_new_tab(offer, "https://www.telefonica.de/dap", set(browser.driver.window_handles))
    page = browser.driver.current_window_handle
    open_after_error_page(browser, "telefonica/index.html", host=TELEFONICA)  # continue in that tab on the mock site

    tour.wait_step(1, 5)  # find the opt-out page
    target = tour.wait_target()
    assert target.get_attribute("id") == "dap-link"
    target.click()
    tour.wait_step(2)  # the mobile number: typed by the user, never read
    type_into(browser, tour.wait_target(), SECRET_NUMBER)
    click_button(browser, "SMS-Code anfordern")
    tour.wait_step(3)  # the SMS code
    type_into(browser, tour.wait_target(), SECRET_CODE)
    click_button(browser, "OK")
    tour.wait_step(4)  # "Teilnahme aktiviert": Abmelden, the opt-out, not the header's log-out
    target = tour.wait_target()
    assert target.get_attribute("id") == "optout"

    shown = browser.js("return [...document.querySelectorAll('#ohne-haken-tour, #ohne-haken-panel')]"
                       ".map(h => h.shadowRoot ? h.shadowRoot.textContent : '').join(' ')")
    stored = everything_stored(popup)
    assert "telefonica-dap" in stored
    for secret in (SECRET_NUMBER, SECRET_CODE, SECRET_NUMBER.replace(" ", "")):
        assert secret not in stored and secret not in shown

    popup.to(page)
    target.click()
    tour.wait_step(5)  # the status reads "Teilnahme deaktiviert"
    assert browser.page_state() == {"stage": "done", "optedOut": True, "logouts": 0}
    tour.button("tour-next").click()
    browser.wait(lambda: not tour.host_present())


def test_dap_walkthrough_never_takes_a_log_out_button_for_the_opt_out(browser, tour):
    # Without a walkthrough, Ohne Haken shows nothing on telefonica.de's opt-out page.
    browser.open("telefonica/dap.html", host=TELEFONICA)
    browser.fixture_ready()
    browser.settled()
    assert not tour.host_present()

    # A page with a log-out button "Abmelden" and no participation status: step 1, "where to look".
    browser.open("telefonica/konto.html", host=TELEFONICA)
    browser.click_action("start-tour")
    tour.wait_step(1, 5)
    browser.wait(lambda: tour.where() != "", message="no 'where to look' for the missing link")
    assert "telefonica.de/dap" in tour.where()
    assert tour.target() is None
    assert browser.page_state() == {"logouts": 0}


def test_a_walkthrough_shows_only_on_its_own_site(browser, popup, tour):
    popup.to(popup.main)
    browser.open("telefonica/index.html", host=TELEFONICA)
    browser.click_action("start-tour")
    tour.wait_step(1, 5)
    browser.open("smoke/plain.html")  # o2online.de: the DAP walkthrough is not shown here ...
    browser.settled()
    assert not tour.host_present()
    popup.open()
    popup.open(tab=popup.tab_id(browser.url("smoke/plain.html")))
    assert popup.shown('[data-action="end-tour"]')  # it runs ...
    assert not popup.shown('[data-action="resume-tour"]')  # ... but not for this site
    popup.to(popup.main)
    browser.open("telefonica/index.html", host=TELEFONICA)  # ... and goes on on telefonica.de
    tour.wait_step(1, 5)


def test_utiq_offered_when_the_o2_walkthrough_finishes(browser, tour):
    browser.open("smoke/plain.html")
    browser.click_action("start-tour")
    tour.wait_step(2, 12)  # nothing recognised: the first step that is not a detour ("Mein o2")
    for _ in range(10):  # Next by hand to the last step (the page matches none of them)
        tour.button("tour-next").click()
    tour.wait_step(12, 12)
    assert tour.offers() == ["telefonica-dap", "utiq-optout"]
    main = browser.driver.current_window_handle
    offer = browser.driver.find_element("id", "ohne-haken-tour").shadow_root.find_element(
        "css selector", '[data-action="tour-offer"][data-flow="utiq-optout"]')
    follow_new_tab(browser, offer.click, "https://consenthub.utiq.com/", set(browser.driver.window_handles))
    try:
        open_after_error_page(browser, "utiq/index.html", host=UTIQ)
        tour.wait_step(3, 5)  # "Utiq deaktivieren" (the hints are skipped: the hub shows and recognised the line)
        assert tour.wait_target().get_attribute("id") == "off"
        tour.target().click()
        tour.wait_step(4)  # the hub's confirmation
        assert tour.wait_target().get_attribute("id") == "yes"
        tour.target().click()
        tour.wait_step(5)
        assert browser.page_state() == {"active": False, "asked": 1}
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        tour.button("tour-next").click()
        browser.wait(lambda: not tour.host_present())
    finally:
        browser.driver.close()
        browser.driver.switch_to.window(main)
    flows_done = json.loads(browser.stored())["flowsDone"]
    assert flows_done == {"utiq-optout": today}  # only the date, and only for the flow that expires


def test_utiq_over_wifi_says_mobile_data_and_points_at_nothing(browser, tour):
    browser.open("utiq/wlan.html", host=UTIQ)
    browser.click_action("start-tour")
    tour.wait_step(2, 5)
    assert any(word in tour.instruction() for word in ("WLAN", "Wi-Fi"))
    assert tour.target() is None
    browser.settle()
    assert tour.where() == ""  # an info step: nothing is missing


def test_popup_offers_the_other_opt_outs_and_reminds_after_a_year(browser, popup):
    popup.open()
    assert popup.shown('[data-action="open-flow"][data-flow="telefonica-dap"]')
    caveat = popup.text('[data-flow="utiq-optout"] + .caveat')
    assert any(word in caveat for word in ("mobile Daten", "mobile data"))
    assert not popup.shown('[data-role="renew"]')

    def done_days_ago(days: int):
        day = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=days)).isoformat()
        popup.call("api.storage.local.set({flowsDone: {'utiq-optout': arguments[0]}}).then(() => done());", day)
        return day

    done_days_ago(30)
    popup.open()
    assert not popup.shown('[data-role="renew"]')  # a month old: still valid
    day = done_days_ago(366)
    browser.wait(lambda: popup.shown('[data-role="renew"][data-flow="utiq-optout"]'), message="no reminder after a year")
    reminder = popup.text('[data-role="renew"]')
    assert day[:4] in reminder and ("Utiq" in reminder)


def test_utiq_hub_that_stays_empty_says_why_and_what_to_do(browser, tour):
    """A content blocker that blocks utiq.com blocks consenthub.utiq.com too: the page stays empty."""
    browser.open("utiq/empty.html", host=UTIQ)
    browser.click_action("start-tour")
    tour.wait_step(1, 5)
    assert "Inhaltsblocker" in tour.instruction()  # the German interface
    assert tour.target() is None


def test_utiq_hub_that_fills_late_is_not_called_empty(browser, tour):
    """Twin: the hub draws itself after 1.5 s; the walkthrough points at "Utiq deaktivieren" and never
    says the page stays empty, also well after the 2.5 s that an empty page is given."""
    browser.open("utiq/late.html", host=UTIQ)
    browser.js("window.__said = []; setInterval(() => { const h = document.getElementById('ohne-haken-tour');"
               " const p = h && h.shadowRoot.querySelector('[data-role=\"instruction\"]');"
               " if (p && !window.__said.includes(p.textContent)) window.__said.push(p.textContent); }, 20);")
    browser.click_action("start-tour")
    tour.wait_step(3, 5)
    assert tour.wait_target().get_attribute("id") == "off"
    browser.fixture_ready()
    browser.wait(lambda: browser.js("return performance.now()") > 3500)
    tour.wait_step(3, 5)
    said = browser.js("return window.__said")
    assert said and not any("Inhaltsblocker" in text for text in said), said


def test_dap_walkthrough_offers_the_sms_route(browser, tour):
    """O2-REFERENCE.md, "Added 2026-12": an SMS "Abmelden" to 66866 ends the analysis too. Said on every
    step; an sms: link only where the browser can open one (a phone)."""
    browser.open("telefonica/index.html", host=TELEFONICA)
    browser.click_action("start-tour")
    tour.wait_step(1, 5)
    alternative = ("const a = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('[data-role=\"alternative\"]');"
                   "const link = a.querySelector('a'); return {hidden: a.hidden, text: a.textContent, href: link && link.href};")
    shown = browser.js(alternative)
    assert not shown["hidden"] and "66866" in shown["text"] and "„Abmelden“" in shown["text"], shown
    assert shown["href"] is None  # a desktop browser opens no sms: link
    set_phone_user_agent(browser, True)
    try:
        browser.driver.refresh()
        tour.wait_step(1, 5)
        browser.wait(lambda: browser.js(alternative)["href"] == "sms:66866?body=Abmelden", message=str(browser.js(alternative)))
    finally:
        set_phone_user_agent(browser, False)
    browser.driver.refresh()
    assert "Android" not in browser.js("return navigator.userAgent")


PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def set_phone_user_agent(browser, phone: bool):
    """Chromium: CDP user agent override; Firefox: the pref general.useragent.override, set from chrome."""
    if browser.name == "chromium":
        browser.driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {"userAgent": PHONE_UA if phone else ""})
        return
    with browser.driver.context(browser.driver.CONTEXT_CHROME):
        browser.js(f"Services.prefs.setStringPref('general.useragent.override', {PHONE_UA!r})" if phone
                   else "Services.prefs.clearUserPref('general.useragent.override')")
