"""The guided walkthrough on the mock portal (tests/fixtures/portal, see its README).

Both flows end to end by clicking what the walkthrough points at, plus reload in the middle,
the login hop, a page where the target is missing, going back, and the keyboard.
"""

from __future__ import annotations

import re

import pytest
from harness import (
    API,
    KEYS,
    Tour,
    click_button,
    log_in,
    now_ms,
    press,
    reset_portal,
    set_viewport,
    start_tour,
    type_into,
)
from selenium.webdriver.common.by import By
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
    walk_todays_flow(browser, tour, section="Nutzung Ihrer Daten")


def test_todays_flow_end_to_end_in_the_du_form(browser, tour):
    """O2 now says "du" and names the page "Einwilligungen und Erlaubnisse" (O2-REFERENCE.md,
    "Added 2026-12"): the mock portal's du-form variant (cookie mock_anrede=du) runs the whole way."""
    browser.open("portal/index.html?anrede=du")
    try:
        walk_todays_flow(browser, tour, section="Einwilligungen und Erlaubnisse", du=True)
    finally:
        browser.open("portal/index.html?anrede=sie")


def walk_todays_flow(browser, tour, section: str, du: bool = False):
    """Today's flow from the home page to done, clicking what the walkthrough points at; the
    German interface says "Schritt … von 12"."""
    start_tour(browser, "portal/index.html")
    tour.wait_step(1, 12)  # cookie banner
    assert tour.step_text() == "Schritt 1 von 12"  # the session's browser speaks German
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
    assert browser.js("return arguments[0].closest('section').querySelector('h2').textContent", target) == section
    assert target.text == ("Bearbeiten" if du else "Ändern")
    target.click()

    tour.wait_step(10)  # the panel's "Alle abwählen"
    target = tour.wait_target(lambda t: t.get_attribute("data-action") == "clear-all")
    assert target.text == "Alle abwählen"  # the panel speaks German too
    target.click()

    tour.wait_step(11)  # save, pressed by the user
    target = tour.wait_target(lambda t: t.get_attribute("data-ohne-haken") == "save")
    assert browser.js("return window.__portal.submitted") == 0
    target.click()

    tour.wait_step(12)
    status = browser.js("return document.querySelector('[role=status]#nutzung-status').textContent")
    assert status.startswith("Deine Einstellungen" if du else "Ihre Einstellungen"), status
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
    two_hours_ago = now_ms() - 2 * 60 * 60 * 1000
    stale = {"flow": "o2-today", "step": "einstellungen", "reached": 7, "updated": two_hours_ago,
             "manualPath": None, "manualBest": -1}
    browser.driver.execute_async_script(API + "api.storage.local.set(arguments[0]).then(() => done());", {KEYS["tour"]: stale})
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


# ---- the step comes from what the page is (issue 13) -------------------------------------------

START_PAGES = {  # page: the name of the way to Mein o2 it shows in its header
    "portal/start/home-newsletter.html": "Mein o2",  # an unticked newsletter box
    "portal/start/product-offers.html": "Mein o2",  # a ticked "Angebote per E-Mail" box, an icon link
    "portal/start/checkout.html": "Login",  # a ticked box and "Speichern und weiter" under "Deine Daten"
}


def step_number(tour) -> int:
    return int(re.search(r"\d+", tour.step_text() or "0").group())


@pytest.mark.parametrize("page", START_PAGES)
def test_a_consent_box_elsewhere_is_not_the_consent_form(browser, tour, page):
    """On a home, product or checkout page with a consent box, the walkthrough points at the way to
    Mein o2 (step 2), never at the panel or a save button; also after a reload."""
    start_tour(browser, page)
    for attempt in ("started", "reloaded"):
        tour.wait_step(2, 12)
        target = tour.wait_target()
        name = target.get_attribute("aria-label") or target.text
        assert name == START_PAGES[page], f"{attempt}: points at {name!r}"
        assert browser.js("return !!arguments[0].closest('header')", target), attempt
        assert tour.where() == ""
        browser.driver.refresh()
    assert browser.active_count() == (0 if "newsletter" in page else 1)  # the engine did see the box


@pytest.mark.parametrize("page", START_PAGES)
def test_twin_without_a_way_to_mein_o2_points_at_nothing(browser, tour, page):
    """The same pages without any link to Mein o2: still step 2, nothing marked, where to look
    (after a reload too, on the first page: each look waits tour.js's MISSING_WAIT_MS)."""
    start_tour(browser, page + "?weg=0")
    for _attempt in ("started", "reloaded") if page == next(iter(START_PAGES)) else ("started",):
        tour.wait_step(2, 12)
        browser.wait(lambda: tour.where() != "", message="the popover should say where to look")
        assert "Mein o2" in tour.where()
        assert tour.target() is None and step_number(tour) == 2
        browser.driver.refresh()


def test_step_numbers_only_go_forward(browser, tour):
    """From a page with a stray newsletter box to the end: 2, 6, 7, … 12, never 11, 7, 8, 9."""
    log_in(browser)
    start_tour(browser, "portal/start/home-newsletter.html")
    seen = []
    for expected in (2, 6, 7, 8, 9, 10, 11):  # 6: the opt-in overlay after login, "Später"
        tour.wait_step(expected, 12)
        seen.append(step_number(tour))
        tour.wait_target().click()
    tour.wait_step(12, 12)
    seen.append(12)
    assert seen == sorted(seen), seen


# ---- accessibility (WAI-ARIA APG dialog pattern, WCAG 2.2) ---------------------------------------

ANNOUNCED = ("const h = document.getElementById('ohne-haken-tour'); if (!h) return null;"
             "const live = h.shadowRoot.querySelector('[aria-live]');"
             "return {polite: live.getAttribute('aria-live') === 'polite', inDialog: !!live.closest('[role=dialog]'),"
             " text: live.textContent};")
PANEL_FOCUS = ("const h = [...document.querySelectorAll('#ohne-haken-panel')].find(h => h.shadowRoot);"
               "return document.activeElement === h ? h.shadowRoot.activeElement?.getAttribute('data-action') : null;")
POP_BOX = ("const r = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('.pop').getBoundingClientRect();"
           "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};")
BOX = "const r = arguments[0].getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};"


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_each_new_step_is_announced(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/")
    tour.wait_step(8, 12)
    browser.wait(lambda: (browser.js(ANNOUNCED) or {}).get("text", "").startswith("Schritt 8 von 12"))
    live = browser.js(ANNOUNCED)
    assert live["polite"] and live["inDialog"]
    assert tour.instruction() in live["text"]  # the step and what to do
    tour.wait_target().click()
    tour.wait_step(9)
    browser.wait(lambda: browser.js(ANNOUNCED)["text"].startswith("Schritt 9 von 12"), message="step 9 was not announced")
    assert tour.instruction() in browser.js(ANNOUNCED)["text"]


def at_step_8_in_the_popover(browser, tour):
    """The walkthrough at its step 8 (the tab "Einstellungen"), the keyboard focus in its popover."""
    tour.wait_step(8, 12)
    browser.wait(lambda: browser.js("return document.activeElement?.id") == "ohne-haken-tour",
                 message="the focus did not go into the popover")


def focus_back_on_the_panel_button(browser, tour, how: str):
    """Once the walkthrough is gone, the focus is on the panel's "Zum Formular führen"."""
    browser.wait(lambda: not tour.host_present(), message=f"the walkthrough stayed after {how}")
    browser.wait(lambda: browser.js(PANEL_FOCUS) == "start-tour",
                 message=f"after {how} the focus is on {browser.js('return document.activeElement?.outerHTML.slice(0, 80)')}")


@pytest.mark.parametrize("how", ["escape", "close", "done"])
def test_focus_returns_to_the_panel_button_that_started_it(browser, tour, how):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/")
    at_step_8_in_the_popover(browser, tour)
    if how == "escape":
        press(browser, Keys.ESCAPE)
    elif how == "close":
        tour.button("tour-close").click()
    else:
        for _ in range(4):  # by hand to the last step, then "Fertig"
            tour.button("tour-next").click()
        tour.wait_step(12, 12)
        tour.button("tour-next").click()
    focus_back_on_the_panel_button(browser, tour, how)


# The page takes the focus once, a moment after the panel's button got it: before tour.js has
# loaded (it comes from the background, on first use), as a slow page or a busy machine may.
STEAL_FOCUS_ONCE = """
const elsewhere = document.createElement('button');
elsewhere.id = 'elsewhere'; elsewhere.textContent = 'Woanders';
document.body.prepend(elsewhere);
document.addEventListener('focusin', function steal(event) {
  if (event.target.id !== 'ohne-haken-panel' || event.target.hasAttribute('data-ohne-haken-launcher')) return;
  document.removeEventListener('focusin', steal, true);
  setTimeout(() => elsewhere.focus(), 0);
}, true);
"""


def test_focus_returns_to_the_pressed_panel_button_when_the_focus_moved_before_the_walkthrough_came(browser, tour):
    log_in(browser)
    browser.open("portal/mein-o2/meine-daten/")
    browser.panel()
    browser.js(STEAL_FOCUS_ONCE)
    start_tour(browser, None)
    at_step_8_in_the_popover(browser, tour)
    assert browser.js("return !!document.getElementById('elsewhere')")  # the page was not reloaded
    press(browser, Keys.ESCAPE)
    focus_back_on_the_panel_button(browser, tour, "escape")


def test_a_second_start_while_it_runs_keeps_the_panel_button_that_started_it(browser, popup, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/")
    at_step_8_in_the_popover(browser, tour)
    url = browser.driver.current_url
    popup.open()
    tab = popup.tab_id(url)
    # A stale popup (it showed "Zum Formular führen" before the walkthrough began) asks again.
    assert popup.call("api.tabs.sendMessage(arguments[0], {type: 'startTour'}).then(s => done(s.tourShown));", tab)
    popup.to(popup.main)
    at_step_8_in_the_popover(browser, tour)
    press(browser, Keys.ESCAPE)
    focus_back_on_the_panel_button(browser, tour, "escape")


def test_focus_goes_to_the_target_when_the_popup_started_it(browser, popup, tour):
    log_in(browser)
    browser.open("portal/mein-o2/meine-daten/")
    browser.panel()
    popup.open()
    browser.wait(lambda: popup.view() == "portal")
    assert popup.text('[data-action="start-tour"]') == "Zum Formular führen"  # the popup speaks German
    assert popup.text('[data-action="clear-all"]') == "Alle abwählen"
    popup.press('[data-action="start-tour"]')
    popup.to(popup.main)
    tour.wait_step(8, 12)
    target = tour.wait_target()
    browser.wait(lambda: browser.js("return document.activeElement?.id") == "ohne-haken-tour")
    press(browser, Keys.ESCAPE)
    browser.wait(lambda: not tour.host_present())
    browser.wait(lambda: browser.js("return document.activeElement === arguments[0]", target),
                 message="the focus did not go to the step's target")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_popover_covers_neither_its_target_nor_the_focused_element(browser, tour, width):
    set_viewport(browser, width, 740)
    try:
        log_in(browser)
        start_tour(browser, "portal/mein-o2/meine-daten/")
        assert browser.js("return innerWidth") == width  # the emulated viewport (BiDi) took effect
        tour.wait_step(8, 12)  # the tab "Einstellungen"
        check_clear(browser, tour, f"{width} px, step 8")
        click_in_view(browser, tour.target())
        tour.wait_step(9)  # "Ändern" in its section
        check_clear(browser, tour, f"{width} px, step 9")
        click_in_view(browser, tour.target())
        tour.wait_step(10)  # the panel's "Alle abwählen"
        check_clear(browser, tour, f"{width} px, step 10")
        click_in_view(browser, tour.wait_target(lambda t: t.get_attribute("data-action") == "clear-all"))
        tour.wait_step(11)  # the form's "Speichern"
        check_clear(browser, tour, f"{width} px, step 11")
        # The user tabs to another control of the page: the popover moves off it too.
        for name in ("c-email", "c-widerspruchWerbung"):
            focused = browser.driver.find_element(By.ID, name)
            browser.js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", focused)

            def clear(f=focused) -> bool:
                pop = browser.js(POP_BOX)
                return not overlaps(pop, browser.js(BOX, f)) and not overlaps(pop, browser.js(BOX, tour.target()))

            browser.wait(clear, message=f"{width} px: the popover covers the focused {name} or the target")
    finally:
        set_viewport(browser, None)
        browser.driver.set_window_size(1280, 1000)


def click_in_view(browser, element):
    """Click once the walkthrough has scrolled the element into view (smoothly) and nothing covers it."""
    hit = ("const r = arguments[0].getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;"
           "let e = document.elementFromPoint(x, y);"
           "while (e && e.shadowRoot) {"
           "  const inner = e.shadowRoot.elementFromPoint(x, y); if (!inner || inner === e) break; e = inner; }"
           "return !!e && (e === arguments[0] || arguments[0].contains(e));")
    last = {}

    def settled() -> bool:  # hit where it was at the previous look: the smooth scroll has ended
        box = browser.js(BOX, element)
        still, last["box"] = box == last.get("box"), box
        return still and browser.js(hit, element)

    browser.wait(settled, message="the element stayed covered or out of view")
    element.click()


def check_clear(browser, tour, where: str):
    target = tour.wait_target()
    browser.wait(lambda: not overlaps(browser.js(POP_BOX), browser.js(BOX, target)),
                 message=f"{where}: the popover covers its target")
    pop = browser.js(POP_BOX)
    width, height = browser.js("return [innerWidth, innerHeight]")
    assert pop["left"] >= 0 and pop["right"] <= width and pop["top"] >= 0 and pop["bottom"] <= height, f"{where}: {pop}"


def test_reduced_motion_stops_the_spotlight_moving(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/")
    tour.wait_step(8, 12)
    moving = ("return getComputedStyle(document.getElementById('ohne-haken-tour').shadowRoot.querySelector('.spot'))"
              ".transitionDuration")
    assert browser.js(moving) not in ("", "0s"), "the spotlight should glide when motion is welcome"
    set_reduced_motion(browser, True)
    try:
        browser.wait(lambda: browser.js("return matchMedia('(prefers-reduced-motion: reduce)').matches"))
        browser.wait(lambda: set(browser.js(moving).split(", ")) == {"0s"}, message=f"still moving: {browser.js(moving)}")
    finally:
        set_reduced_motion(browser, False)


def set_reduced_motion(browser, reduce: bool):
    """Chromium: CDP media emulation; Firefox: the pref ui.prefersReducedMotion, set from chrome."""
    if browser.name == "chromium":
        features = [{"name": "prefers-reduced-motion", "value": "reduce" if reduce else ""}]
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
        return
    with browser.driver.context(browser.driver.CONTEXT_CHROME):
        browser.js("Services.prefs.setIntPref('ui.prefersReducedMotion', 1)" if reduce
                   else "Services.prefs.clearUserPref('ui.prefersReducedMotion')")


