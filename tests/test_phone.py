"""Ohne Haken on a phone (issue 15): 360 x 640 CSS px, touch, in both browsers.

The phone comes from tests/phone_emulation.py: Chromium's CDP device emulation with touch and a
mobile user agent; in Firefox pages zoomed to a 360 x 640 CSS px viewport. Taps are WebDriver
touch actions (pointer type "touch") in both browsers.

Checked at that size: the panel fits the width, leaves most of the screen to the page, never
covers the save button (it moves, or minimises itself to its handle), can be minimised by hand;
one tap clears; the walkthrough's popover stays inside the window and off its target; the popup
works as a full-width tab; touch targets of 44 x 44 px and text of 16 px. At desktop size: the
keyboard alone reaches "Alle abwählen" and the handle.
"""

from __future__ import annotations

import re

import pytest
from harness import reset_portal
from phone_emulation import PHONE, RECT, fit, next_frames, phone, resize, still, tap
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

LANDSCAPE = (640, 360)
MIN_TARGET = 44  # CSS px, both sides of a main action's touch target
MIN_TEXT = 16  # CSS px
PAGE = "phone/einwilligungen.html"
TWIN = "phone/einwilligungen-twin.html"
CONSENTS = ("push", "email", "sms", "analyse")  # ticked consents on PAGE; the rest must stay as they are

HOST = "[...document.querySelectorAll('#ohne-haken-panel')].find(h => h.shadowRoot)"
GEOMETRY = f"""
const rect = {RECT};
const host = {HOST};
const save = document.querySelector('[data-ohne-haken="save"]');
return {{panel: rect(host), save: save && rect(save), minimised: host.getAttribute('data-minimised'),
        width: document.documentElement.clientWidth, height: document.documentElement.clientHeight,
        scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth, innerHeight: innerHeight}};
"""
# Every shown button (and summary) under a root, with its size; every shown text node's font size.
SIZES = f"""
const root = arguments[0];
const rect = {RECT};
const shown = (e) => {{ const r = e.getBoundingClientRect();
                       return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; }};
const targets = [...root.querySelectorAll('button, summary, a[href], label')].filter(shown)
  .map((e) => ({{name: (e.getAttribute('data-action') || e.textContent).trim().slice(0, 40), ...rect(e)}}));
const texts = [];
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {{
  const parent = node.parentElement;
  if (!node.textContent.trim() || !parent || !shown(parent) || parent.closest('style, script')) continue;
  texts.push({{text: node.textContent.trim().slice(0, 40), size: parseFloat(getComputedStyle(parent).fontSize)}});
}}
return {{targets, texts}};
"""

# ---- checks -------------------------------------------------------------------------------

def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def panel_button(browser, action: str):
    return browser.panel().find_element(By.CSS_SELECTOR, f'[data-action="{action}"]')


def open_phone_page(browser, path: str = PAGE, active: int | None = len(CONSENTS)):
    browser.open(path)
    fit(browser)
    browser.fixture_ready()
    browser.panel()
    if active is not None:
        browser.wait(lambda: browser.active_count() == active, message=f"active count should be {active}")
    browser.settle()
    next_frames(browser)


def assert_touch_sized(browser, root, where: str, targets: bool = True):
    """Every shown button at least 44 x 44 px, every shown text at least 16 px."""
    sizes = browser.js(SIZES, root)
    small = [t for t in sizes["targets"] if t["width"] < MIN_TARGET - 0.5 or t["height"] < MIN_TARGET - 0.5]
    tiny = [t for t in sizes["texts"] if t["size"] < MIN_TEXT]
    assert sizes["texts"], f"{where}: no text found"
    assert not (targets and small), f"{where}: touch targets below {MIN_TARGET} px: {small}"
    assert not tiny, f"{where}: text below {MIN_TEXT} px: {tiny}"


def assert_panel_placed(browser, where: str) -> dict:
    """Inside the window's width, at most half its height, off the save button, no sideways scrolling."""
    g = browser.js(GEOMETRY)
    assert g["innerWidth"] == PHONE[0] or browser.phone_size != PHONE, f"{where}: not at phone size: {g}"
    assert g["scrollWidth"] <= g["width"], f"{where}: the page scrolls sideways: {g}"
    assert g["panel"]["left"] >= 0 and g["panel"]["right"] <= g["width"], f"{where}: wider than the window: {g}"
    assert g["panel"]["height"] <= g["height"] / 2, f"{where}: the panel takes more than half the height: {g}"
    if g["save"]:
        assert not overlaps(g["panel"], g["save"]), f"{where}: the panel covers the save button: {g}"
    return g


# ---- the panel ---------------------------------------------------------------------------

def test_one_tap_clears_at_phone_size(browser):
    with phone(browser):
        open_phone_page(browser)
        assert browser.js("return [innerWidth, innerHeight]") == list(PHONE)
        before = browser.page_state()
        g = assert_panel_placed(browser, "loaded")
        # The save bar sticks to the bottom: the panel went to the top, and leaves the page most of the screen.
        area = g["panel"]["height"] * g["panel"]["width"]
        assert g["panel"]["top"] < g["height"] / 2 and area < 0.45 * g["width"] * g["height"], g
        assert_touch_sized(browser, browser.panel(), "panel")

        tap(browser, panel_button(browser, "clear-all"))
        browser.wait_idle()
        browser.wait(lambda: browser.active_count() == 0, message="one tap did not clear")
        after = browser.page_state()
        assert after == {**before, **{key: False for key in CONSENTS}}, after
        assert browser.submitted() == 0, "the save button was pressed"
        next_frames(browser)
        assert_panel_placed(browser, "after the tap")  # taller now: status and "Zum Speichern-Knopf"
        assert_touch_sized(browser, browser.panel(), "panel after the tap")
        summary = browser.panel().find_element(By.CSS_SELECTOR, "summary")
        browser.js("arguments[0].scrollIntoView({block: 'nearest'})", summary)  # the user swipes inside the panel
        tap(browser, summary)  # the list: the panel scrolls inside
        browser.wait(lambda: browser.panel().find_element(By.CSS_SELECTOR, '[data-role="items"]').is_displayed())
        next_frames(browser)
        assert_panel_placed(browser, "list open")


def test_twin_page_shows_only_the_launcher_at_phone_size(browser):
    with phone(browser):
        open_phone_page(browser, TWIN, active=0)
        before = browser.page_state()
        g = assert_panel_placed(browser, "twin")
        # The launcher: title, count, "Zum Formular führen" and "Seite melden", each 44 px high on a phone.
        assert g["panel"]["height"] <= g["height"] / 3, f"the launcher takes more than a third of the screen: {g}"
        assert_touch_sized(browser, browser.panel(), "launcher")
        browser.settle()
        assert browser.page_state() == before and browser.submitted() == 0


def test_launcher_of_a_page_without_controls_at_phone_size(browser):
    """A page with no control at all shows the small launcher (content/sentinel.js), phone-sized too."""
    with phone(browser):
        browser.open("phone/hilfe.html")
        fit(browser)
        browser.panel()
        browser.settled()
        browser.wait(lambda: browser.js(f"return getComputedStyle({HOST}).display") != "none", message="no launcher")
        g = assert_panel_placed(browser, "launcher without controls")
        assert g["panel"]["height"] <= g["height"] / 3, f"the launcher takes more than a third of the screen: {g}"
        assert_touch_sized(browser, browser.panel(), "launcher without controls")


def test_minimise_to_a_handle_by_hand_and_by_itself(browser):
    with phone(browser):
        open_phone_page(browser)
        tap(browser, panel_button(browser, "collapse"))
        handle = panel_button(browser, "expand")
        browser.wait(handle.is_displayed)
        g = assert_panel_placed(browser, "minimised")
        assert g["minimised"] == "user"
        assert g["panel"]["width"] * g["panel"]["height"] <= 200 * 60, f"not a small handle: {g}"
        assert_touch_sized(browser, browser.panel(), "handle")
        assert str(len(CONSENTS)) in handle.text
        tap(browser, handle)
        browser.wait(lambda: panel_button(browser, "clear-all").is_displayed())
        assert browser.js(GEOMETRY)["minimised"] is None

        # Held sideways, with the save button in the page's flow and scrolled to the middle: no
        # band above or below it is tall enough, so the panel becomes its handle, off the button.
        browser.open(PAGE + "?save=inline")
        fit(browser)
        browser.fixture_ready()
        browser.wait(lambda: browser.active_count() == len(CONSENTS))
        resize(browser, LANDSCAPE)
        browser.js("document.querySelector('[data-ohne-haken=\"save\"]').scrollIntoView({block: 'center'})")
        browser.wait(lambda: browser.js(GEOMETRY)["minimised"] == "auto", message="the panel did not minimise itself")
        g = assert_panel_placed(browser, "sideways, save button in the middle")
        assert g["panel"]["width"] * g["panel"]["height"] <= 200 * 60, f"not a small handle: {g}"
        # Scrolled so that the button is at the top: there is room again, and the panel comes back.
        browser.js("document.querySelector('[data-ohne-haken=\"save\"]').scrollIntoView({block: 'start'})")
        browser.wait(lambda: browser.js(GEOMETRY)["minimised"] is None, message="the panel did not come back")
        assert_panel_placed(browser, "sideways, save button at the top")
        # Minimised by itself, a tap on the handle opens it: the page scrolls to make room.
        browser.js("document.querySelector('[data-ohne-haken=\"save\"]').scrollIntoView({block: 'center'})")
        browser.wait(lambda: browser.js(GEOMETRY)["minimised"] == "auto")
        tap(browser, panel_button(browser, "expand"))
        browser.wait(lambda: browser.js(GEOMETRY)["minimised"] is None, message="the handle did not open the panel")
        next_frames(browser)
        assert_panel_placed(browser, "opened by hand, sideways")


# ---- the walkthrough ----------------------------------------------------------------------

TOUR = "document.getElementById('ohne-haken-tour')"
FIND_TARGET = f"""
const inPanel = {HOST}?.shadowRoot.querySelector('[data-ohne-haken-tour="target"]');
return document.querySelector('[data-ohne-haken-tour="target"]') || inPanel || null;
"""
POPOVER = f"""
const rect = {RECT};
const pop = {TOUR}.shadowRoot.querySelector('[role="dialog"]');
const target = arguments[0];
// The window as the walkthrough sees it: a page wider than the phone (the mock's side menu at
// 500 px) makes Chromium zoom out, and innerWidth is then what the user sees.
return {{pop: rect(pop), target: target && rect(target), width: innerWidth, height: innerHeight,
        buttons: [...pop.querySelectorAll('button')].filter((b) => b.getClientRects().length).map(rect),
        step: pop.querySelector('[data-role="step"]').textContent}};
"""


def step_number(browser) -> int | None:
    text = browser.js(f"const h = {TOUR}; const s = h && h.isConnected && h.shadowRoot.querySelector('[data-role=\"step\"]');"
                      "return s ? s.textContent : null;")
    match = re.search(r"\d+", text or "")
    return int(match.group()) if match else None


def assert_popover_placed(browser, target, where: str):
    g = browser.js(POPOVER, target)
    pop = g["pop"]
    for box in (pop, *g["buttons"]):
        assert box["left"] >= 0 and box["top"] >= 0 and box["right"] <= g["width"] and box["bottom"] <= g["height"], \
            f"{where}: the popover or a button of it outside the window: {g}"
    assert g["target"] and not overlaps(pop, g["target"]), f"{where}: the popover covers its target: {g}"
    return g


def test_walkthrough_at_phone_size(browser):
    # Logged in on the mock portal (tests/fixtures/portal/README.md), the cookie banner and the
    # opt-in overlay answered (the mock reads its stored choices as JSON).
    reset_portal(browser)
    browser.open("smoke/plain.html")
    browser.js("document.cookie = 'mock_session=1; domain=o2online.de; path=/';"
               "localStorage.setItem('mock_optin', JSON.stringify('dismissed'));"
               "localStorage.setItem('mock_uc_choice', JSON.stringify('deny'));")
    try:
        with phone(browser):
            browser.open("portal/mein-o2/")
            fit(browser)
            tap(browser, panel_button(browser, "start-tour"))
            seen = []
            for _ in range(8):
                browser.wait(lambda: step_number(browser) not in (None, *seen) and browser.js(FIND_TARGET) is not None,
                             message=f"no next step with a target after steps {seen}")
                number = step_number(browser)
                seen.append(number)
                browser.settle()
                fit(browser)
                target = browser.js(FIND_TARGET)
                still(browser, target)  # the walkthrough scrolls it into view, smoothly
                next_frames(browser)
                g = assert_popover_placed(browser, target, f"step {number}")
                assert_touch_sized(browser, browser.js(f"return {TOUR}.shadowRoot"), f"popover, step {number}")
                if target.get_attribute("data-ohne-haken") == "save":
                    panel = browser.js(GEOMETRY)["panel"]
                    assert not overlaps(panel, g["target"]), f"the panel covers the save button: {panel}"
                    break
                tap(browser, target)
            assert len(seen) >= 4, f"only steps {seen}"
            # The panel's "Alle abwählen" was one of the steps, and it cleared.
            assert browser.active_count() == 0
            assert browser.js("return window.__portal.submitted") == 0  # saving is the user's tap
    finally:
        reset_portal(browser)


# ---- the popup as a tab ------------------------------------------------------------------

def test_popup_as_a_full_width_tab_at_phone_size(browser, popup):
    tab = popup.open_tab(PAGE)
    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == len(CONSENTS))
    popup.open()
    tab_id = popup.tab_id(browser.url(PAGE))
    with phone(browser):
        popup.open(tab_id)
        fit(browser)
        browser.wait(lambda: popup.count() == len(CONSENTS))
        layout = browser.js("const m = document.querySelector('main').getBoundingClientRect();"
                            "const d = document.documentElement;"
                            "return {main: m.width, width: d.clientWidth, scroll: d.scrollWidth,"
                            "inTab: document.documentElement.hasAttribute('data-in-tab')};")
        assert layout["inTab"] and PHONE[0] - 16 <= layout["width"] <= PHONE[0], layout  # a scrollbar in Firefox
        assert layout["main"] >= layout["width"] - 1 and layout["scroll"] <= layout["width"], f"not full width: {layout}"
        assert_touch_sized(browser, browser.js("return document.querySelector('main')"), "popup", targets=False)
        sizes = browser.js(SIZES, browser.js("return document.querySelector('main')"))
        small = [t for t in sizes["targets"] if t["height"] < MIN_TARGET - 0.5 or t["width"] < MIN_TARGET - 0.5]
        assert not small, f"popup touch targets below {MIN_TARGET} px: {small}"
        tap(browser, browser.driver.find_element(By.CSS_SELECTOR, '[data-action="clear-all"]'))
        browser.wait(lambda: popup.count() == 0, message="the popup's clear did nothing")
    popup.to(tab)
    assert not any(browser.page_state()[key] for key in CONSENTS)
    assert browser.submitted() == 0


# ---- the keyboard at desktop size ---------------------------------------------------------

def focused_action(browser) -> str | None:
    return browser.js(f"const h = {HOST};"
                      "return document.activeElement === h ? h.shadowRoot.activeElement?.getAttribute('data-action') : null;")


def tab_to(browser, action: str, limit: int = 40, back: bool = False):
    for _ in range(limit):
        if back:
            ActionChains(browser.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        if focused_action(browser) == action:
            return
    pytest.fail(f"Tab did not reach {action}")


def test_keyboard_only_at_desktop_size(browser):
    open_phone_page(browser)
    browser.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    # From the top of the page, Tab alone reaches "Alle abwählen", and Enter clears.
    tab_to(browser, "clear-all")
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    browser.wait_idle()
    browser.wait(lambda: browser.active_count() == 0, message="Enter on the clear button did nothing")
    assert not any(browser.page_state()[key] for key in CONSENTS) and browser.submitted() == 0
    # Minimise and open again by keyboard: focus follows to the handle and back.
    tab_to(browser, "collapse", back=True)  # the header's button, before "Alle abwählen"
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    browser.wait(lambda: focused_action(browser) == "expand", message="focus did not move to the handle")
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    browser.wait(lambda: focused_action(browser) == "collapse", message="the handle did not open the panel")
