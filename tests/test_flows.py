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
    tour.wait_step(1, 12)
    for _ in range(11):  # Next by hand to the last step (the page matches none of them)
        tour.button("tour-next").click()
    tour.wait_step(12, 12)
    assert tour.offers() == ["telefonica-dap", "utiq-optout"]
    main = browser.driver.current_window_handle
    offer = browser.driver.find_element("id", "ohne-haken-tour").shadow_root.find_element(
        "css selector", '[data-action="tour-offer"][data-flow="utiq-optout"]')
    follow_new_tab(browser, offer.click, "https://consenthub.utiq.com/", set(browser.driver.window_handles))
    try:
        open_after_error_page(browser, "utiq/index.html", host=UTIQ)
        tour.wait_step(2, 4)  # "Utiq deaktivieren" (the mobile-data hint is skipped: the hub recognised the line)
        assert tour.wait_target().get_attribute("id") == "off"
        tour.target().click()
        tour.wait_step(3)  # the hub's confirmation
        assert tour.wait_target().get_attribute("id") == "yes"
        tour.target().click()
        tour.wait_step(4)
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
    tour.wait_step(1, 4)
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
