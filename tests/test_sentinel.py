"""The sentinel (content/sentinel.js, docs/SENTINEL.md): only one small file on every page; the
engine is injected where a candidate control is, however hidden, or when the user asks."""

from __future__ import annotations

import json

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
    # In German, the browser's language here (test_panel.py checks English).
    assert browser.panel_text('[data-role="active-count"]') == "0 Einwilligungen auf dieser Seite"
    assert browser.panel_text('[data-action="page-report"]') == "Seite melden"


def test_the_launcher_has_the_engine_loaded_when_the_user_asks(browser, popup):
    browser.open("smoke/plain.html")
    browser.settled()
    assert browser.js(LAUNCHER) and not browser.js(ENGINE)
    popup.open()  # opening the popup asks the page for its status: the user's request
    browser.wait(lambda: popup.view() == "portal" and popup.count() == 0)
    popup.to(popup.main)
    browser.wait(lambda: browser.js(ENGINE), message="the popup's request did not bring the engine")
    assert not browser.js(LAUNCHER), "the launcher stayed beside the panel"


# A page that sends the tab on while its engine is being injected, MS after its load event (when
# the sentinel asks). An injection still on its way must not land in the next document: there it
# would run ahead of that page's own first files (rules, text, dom), which then has no engine at
# all (the "login-hop race", docs/SENTINEL.md; the background now injects each bundle in one call
# into the document that asked). Delays from 0 to 38 ms, every other ms: the window was a few ms
# wide and moves with the machine's load. Without the fix this failed in every Firefox run (every
# ms then) and in about half the Chromium runs (where the errors show too).
HOP_DELAYS_MS = range(0, 40, 2)


def test_the_engine_comes_on_the_page_after_a_hop_during_the_injection(browser):
    for after in HOP_DELAYS_MS:
        browser.open(f"sentinel/hop.html?after={after}")
        browser.wait(lambda: "arrived=1" in browser.driver.current_url, message="the page did not send the tab on")
        browser.wait(lambda: browser.js(ENGINE), message=f"no engine on the page reached {after} ms after the last one's load")
        browser.wait(lambda: browser.active_count() == 1, message=f"the engine did not count the consent ({after} ms)")
        assert not browser.errors, f"{after} ms: {browser.errors}"


def test_the_engine_comes_on_a_page_that_stays(browser):
    """The twin: the same page without the hop."""
    browser.open("sentinel/hop.html")
    browser.wait(lambda: browser.js(ENGINE), message="no engine on the page")
    browser.wait(lambda: browser.active_count() == 1, message="the engine did not count the consent")
    assert not browser.errors, browser.errors


# The first look and the engine wait for the page's load event, at most 3 s (sentinel.js, main.js
# LOAD_WAIT_MS): on a page whose load does not come for 15 s, the engine is there well before.
# WebDriver's own commands wait for a page's load (chromedriver even for a script): the page is
# opened and looked at through BiDi, which does not.
LOAD_FALLBACK_MS = 3000  # sentinel.js: the wait for load ends this long after DOMContentLoaded
NEVER_LOADS_WITHIN_S = 6.0  # 3 s, plus the injection and the scan on a slow machine; not 3 s twice
ACTIVE = (f"const h = {HOSTS}.find(h => h.hasAttribute('data-ready'));"
          "return h ? h.shadowRoot.querySelector('[data-role=active-count]')?.textContent : null")


def bidi_js(browser, body: str):
    result = browser.driver.script.execute(f"() => {{ {body} }}")
    return result.get("value") if isinstance(result, dict) else result


@pytest.mark.parametrize("twin", [False, True])
def test_a_page_that_keeps_loading_gets_its_engine_after_one_wait(browser, twin):
    url = browser.url("sentinel/never-loads.html" + ("?twin" if twin else ""))
    context = browser.driver.current_window_handle
    browser.driver.browsing_context.navigate(context=context, url=url, wait="none")
    try:
        browser.wait(lambda: bidi_js(browser, "return location.href + ' ' + document.readyState") == f"{url} interactive",
                     message="the page did not start loading")
        if twin:
            browser.wait(lambda: bidi_js(browser, LAUNCHER), timeout=NEVER_LOADS_WITHIN_S,
                         message="no launcher while the page loads")
            assert not bidi_js(browser, ENGINE), "the engine came on a page without candidate controls"
        else:
            browser.wait(lambda: (bidi_js(browser, ACTIVE) or "").startswith("1 "), timeout=NEVER_LOADS_WITHIN_S,
                         message="the engine waited for the load event more than once")
        assert bidi_js(browser, "return document.readyState") == "interactive", "the page loaded after all: proves nothing"
        # Injected at document_start, the content script does nothing on the page until load or 3 s
        # after the document was parsed (sentinel.js `loaded`): the launcher or panel came no earlier.
        times = json.loads(bidi_js(browser, "return JSON.stringify(window.__fixture.times)"))
        assert times["parsed"] is not None and times["firstUi"] is not None, times
        assert times["firstUi"] - times["parsed"] >= LOAD_FALLBACK_MS - 50, f"our first element came early: {times}"
    finally:
        browser.driver.browsing_context.navigate(context=context, url="about:blank", wait="complete")  # ends the hanging load
