"""One-click unticking on the fixture pages of tests/fixtures/engine (see its README and cases.json).

For every page: the count, the marks on exactly the right controls, the page's own state after
one click (consents off, objections on, everything else untouched), undo, no submission, and
no content-script error. Twins, where the right answer is "do nothing", are in the same list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

CASES = json.loads((Path(__file__).parent / "fixtures" / "engine" / "cases.json").read_text())
CASE_IDS = [case["page"].removeprefix("engine/") for case in CASES]


def protective(kind: str, checked: bool) -> bool:
    return not checked if kind == "consent" else checked


def open_case(browser, case):
    page = case["page"].split("#")[0]
    browser.open_as_user(page, host=case.get("host", "www.o2online.de"))  # on-request hosts: as the user asks
    browser.fixture_ready()
    setup = case.get("setup") or {}
    if "click_css" in setup:
        browser.driver.find_element(By.CSS_SELECTOR, setup["click_css"]).click()
    if "click_text" in setup:
        browser.driver.find_element(By.XPATH, f"//button[normalize-space()='{setup['click_text']}']").click()
    if "route" in setup:
        browser.driver.find_element(By.XPATH, f"//*[self::a or self::button][normalize-space()='{setup['route']}']").click()
    browser.fixture_ready()


def expected_marks(case) -> dict:
    return {key: (kind if kind != "other" else None) for key, kind in case["classes"].items()}


def wait_for_marks(browser, case):
    want = expected_marks(case)
    try:
        browser.wait(lambda: browser.page_marks() == want and browser.page_state() == case["initial"], timeout=8)
    except Exception:
        pytest.fail(f"marks {browser.page_marks()} != expected {want}; state {browser.page_state()}")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_one_click(browser, case):
    open_case(browser, case)
    wait_for_marks(browser, case)
    classified = {k: v for k, v in case["classes"].items() if v != "other"}
    active = sum(1 for k, kind in classified.items() if not protective(kind, case["initial"][k]))
    browser.wait(lambda: browser.active_count() == active, message=f"active count should be {active}")

    save_marked = browser.js(
        "const docs = [document, ...Array.from(document.querySelectorAll('iframe'), f => f.contentDocument).filter(Boolean)];"
        "return docs.reduce((n, d) => n + d.querySelectorAll('[data-ohne-haken=\"save\"]').length, 0);")
    assert save_marked == (1 if case["save"] and classified else 0)

    if "opened" in case:
        assert browser.js("return window.__fixture.opened()") == [], "a closed section was open before the click"

    if not classified:
        # Do nothing: no list, no clear button to see, nothing changed.
        assert browser.js(f"const b = {browser.PANEL_JS}.shadowRoot.querySelector('[data-action=\"clear-all\"]');"
                          "return b ? b.getClientRects().length : -1") == 0, "a clear button is shown (or missing)"
        assert browser.js("return getComputedStyle(document.querySelector('#ohne-haken-panel').shadowRoot"
                          ".querySelector('.actions')).display") == "none"
        assert browser.page_state() == case["initial"]
        return

    browser.click_action("clear-all")
    browser.wait_idle()
    browser.wait(lambda: browser.page_state() == case["after"], timeout=5,
                 message=f"state after one click: {browser.page_state()} != {case['after']}")
    assert browser.submitted() == 0, "the extension must never submit or press save"
    if "opened" in case:  # closed sections: exactly those holding something to change were opened
        assert browser.js("return window.__fixture.opened()") == case["opened"]
    assert browser.js("return window.__fixture.editPresses || 0") == 0, "an edit button was pressed"
    unchangeable = set(case.get("unchangeable", []))
    still_active = sum(1 for k in unchangeable if k in classified and not protective(classified[k], case["after"][k]))
    browser.wait(lambda: browser.active_count() == still_active)
    failed = browser.panel_text('[data-role="failed"]') or ""
    assert bool(failed) == bool(still_active), f"failures listed: {failed!r}"

    browser.click_action("undo")
    browser.wait_idle()
    browser.wait(lambda: browser.page_state() == case["initial"], timeout=5,
                 message=f"state after undo: {browser.page_state()} != {case['initial']}")
    assert browser.submitted() == 0
    if "opened" in case:  # undo puts the page back: the sections the clear opened are closed again
        browser.wait(lambda: browser.js("return window.__fixture.opened()") == [],
                     message=f"still open after undo: {browser.js('return window.__fixture.opened()')}")
