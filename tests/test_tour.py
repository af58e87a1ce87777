"""The guided walkthrough on the mock portal (tests/fixtures/portal, see its README).

Both flows end to end by clicking what the walkthrough points at, plus reload in the middle,
the login hop, a page where the target is missing, going back, and the keyboard.
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

SECRET_PASSWORD = "Geheim-Passwort-4711"
SECRET_USER = "kundin@example.org"
SECRET_SMS = "918273"
SECRET_PKK = "7392"

FIND_TARGET = """
const seen = new Set();
function find(root) {
  const hit = root.querySelector('[data-ohne-haken-tour="target"]');
  if (hit) return hit;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot && !seen.has(el.shadowRoot)) {
      seen.add(el.shadowRoot);
      const inner = find(el.shadowRoot);
      if (inner) return inner;
    }
  }
  return null;
}
return find(document);
"""


class Tour:
    def __init__(self, browser):
        self.b = browser

    def host_present(self) -> bool:
        return self.b.js("return !!document.getElementById('ohne-haken-tour')")

    def step_text(self) -> str | None:
        return self.b.js("const h = document.getElementById('ohne-haken-tour');"
                         "const s = h && h.shadowRoot.querySelector('[data-role=\"step\"]');"
                         "return s && h.isConnected ? s.textContent : null;")

    def instruction(self) -> str:
        return self.b.js("return document.getElementById('ohne-haken-tour').shadowRoot"
                         ".querySelector('[data-role=\"instruction\"]').textContent")

    def where(self) -> str:
        return self.b.js("const w = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('[data-role=\"where\"]');"
                         "return w.hidden ? '' : w.textContent")

    def wait_step(self, number: int, total: int | None = None):
        of = str(total) if total else r"\d+"
        pattern = rf"(Schritt|Step) {number} (von|of) {of}"
        self.b.wait(lambda: re.search(pattern, self.step_text() or ""),
                    message=f"expected step {number}, saw {self.step_text()!r}")

    def target(self):
        return self.b.js(FIND_TARGET)

    def wait_target(self, check=None):
        self.b.wait(lambda: self.target() is not None and (check is None or check(self.target())),
                    message="the step's target was not marked")
        return self.target()

    def button(self, action: str):
        host = self.b.driver.find_element(By.ID, "ohne-haken-tour")
        return host.shadow_root.find_element(By.CSS_SELECTOR, f'[data-action="{action}"]')

    def offers(self) -> list[str]:
        """The flows the last step offers (buttons [data-action="tour-offer"][data-flow])."""
        return self.b.js("const h = document.getElementById('ohne-haken-tour');"
                         "const box = h.shadowRoot.querySelector('[data-role=\"offers\"]');"
                         "if (box.hidden) return [];"
                         "return [...box.querySelectorAll('[data-action=\"tour-offer\"]')].map(b => b.dataset.flow);")

    def close(self):
        self.button("tour-close").click()
        self.b.wait(lambda: not self.host_present())


def type_into(browser, host, value: str):
    """Type into a field the walkthrough pointed at (a one-input host or a plain input)."""
    field = browser.js("const h = arguments[0]; return h.shadowRoot ? h.shadowRoot.querySelector('input') : h;", host)
    field.send_keys(value)


def press(browser, key):
    """A key press wherever the keyboard focus is, as a user would type it."""
    ActionChains(browser.driver).send_keys(key).perform()


def click_button(browser, name: str):
    buttons = browser.driver.find_elements(By.XPATH, f"//button[normalize-space()='{name}']")
    next(b for b in buttons if b.is_displayed()).click()


def reset_portal(browser):
    """A new customer: no session cookie, no stored choices, no running walkthrough."""
    for host in ("login.o2online.de", "www.o2online.de"):
        browser.open("smoke/plain.html", host=host)
        browser.js("localStorage.clear()")
        browser.driver.delete_all_cookies()
    browser.panel()
    tour = Tour(browser)
    browser.settle()
    if tour.host_present():
        tour.close()


@pytest.fixture
def tour(browser):
    reset_portal(browser)
    t = Tour(browser)
    yield t
    if t.host_present():
        t.close()


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


def log_in(browser):
    """The mock portal's session cookie, as after a completed login."""
    browser.open("smoke/plain.html")
    browser.js("document.cookie = 'mock_session=1; domain=o2online.de; path=/';"
               "localStorage.setItem('mock_optin', 'dismissed'); localStorage.setItem('mock_uc_choice', 'deny');")


def start_tour(browser, path: str):
    browser.open(path)
    browser.click_action("start-tour")


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
    browser.panel()
    browser.settle()
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
    assert "o2-today" not in browser.stored()  # Close ends it


def test_a_stale_walkthrough_does_not_come_back(browser, tour):
    log_in(browser)
    browser.open_extension_page("pages/privacy.html")
    two_hours_ago = "Date.now() - 2 * 60 * 60 * 1000"
    browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const api = globalThis.browser ?? chrome;"
        "api.storage.local.set({tour: {flow: 'o2-today', step: 'einstellungen', reached: 7,"
        f" updated: {two_hours_ago}, manualPath: null, manualBest: -1}}}}).then(() => done());")
    browser.open("portal/mein-o2/meine-daten/")
    browser.panel()
    browser.settle()
    assert not tour.host_present()
    assert "o2-today" not in browser.stored()  # and it was removed


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
    """The same pages without any link to Mein o2: still step 2, nothing marked, where to look."""
    start_tour(browser, page.replace(".html", "-no-way.html"))
    for _attempt in ("started", "reloaded"):
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
