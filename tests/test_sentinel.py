"""The sentinel (content/sentinel.js, docs/SENTINEL.md): only one small file on every page; the
engine is injected where a candidate control is, however hidden, or when the user asks."""

from __future__ import annotations

import pytest

HOSTS = "[...document.querySelectorAll('#ohne-haken-panel')].filter(h => h.shadowRoot)"
ENGINE = f"return {HOSTS}.some(h => h.hasAttribute('data-ohne-haken-ui') && h.hasAttribute('data-ready'))"
LAUNCHER = f"return {HOSTS}.some(h => h.hasAttribute('data-ohne-haken-launcher') && h.hasAttribute('data-settled'))"


@pytest.mark.parametrize("case", ["closed", "frame", "late-defined", "nested-div"])
def test_the_engine_comes_for_a_control_only_reached_inside(browser, case):
    browser.open(f"sentinel/page.html?case={case}")
    browser.fixture_ready()
    browser.wait(lambda: browser.js(ENGINE), message=f"the engine was not loaded for the control of case {case}")
    browser.wait(lambda: browser.active_count() == 1, message="the engine did not count the consent")


@pytest.mark.parametrize("case", ["closed-twin", "frame-twin"])
def test_no_engine_where_there_is_no_control(browser, case):
    browser.open(f"sentinel/page.html?case={case}")
    browser.fixture_ready()
    browser.settled()
    assert browser.js(LAUNCHER), "the launcher is not there"
    assert not browser.js(ENGINE), "the engine was loaded on a page without candidate controls"
    assert browser.active_count() == 0


def test_the_launcher_has_the_engine_loaded_when_the_user_asks(browser, popup):
    browser.open("smoke/plain.html")
    browser.settled()
    assert browser.js(LAUNCHER) and not browser.js(ENGINE)
    popup.open()  # opening the popup asks the page for its status: the user's request
    browser.wait(lambda: popup.view() == "portal" and popup.count() == 0)
    popup.to(popup.main)
    browser.wait(lambda: browser.js(ENGINE), message="the popup's request did not bring the engine")
    assert not browser.js(LAUNCHER), "the launcher stayed beside the panel"
