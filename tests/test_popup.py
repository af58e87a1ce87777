"""The toolbar popup, opened as a page in its own window, and the toolbar badge.

The popup speaks to a tab given as ?tab=<id> (ids come from tabs.query in an extension page,
matched by URL: the host permission shows the URLs of o2online.de tabs), or, opened as a page
without it, to the o2online.de tab used last. The page the popup acts on stays the active tab
of the main window, the popup has a window of its own, so no page that works is a throttled
background tab. The badge is read with action.getBadgeText.
"""

from __future__ import annotations

import http.server
import re
import time

import pytest
from harness import FixtureHandler, open_after_error_page, serve
from selenium.webdriver.common.by import By

SHOWN = "const h = document.getElementById('{id}'); return !!h && h.isConnected && getComputedStyle(h).display !== 'none';"


class CacheableHandler(FixtureHandler):
    """The fixtures without the harness's no-store, so a page may enter the back/forward cache."""

    def end_headers(self):
        http.server.SimpleHTTPRequestHandler.end_headers(self)


@pytest.fixture(scope="module")
def cacheable_port():
    httpd = serve(CacheableHandler)
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def in_window(browser, popup, handle, script: str, *args):
    popup.to(handle)
    return browser.js(script, *args)


def test_count_clear_all_and_badges(browser, popup, cacheable_port):
    page = popup.main
    popup.expected_requests.append(f"http://www.o2online.de:{cacheable_port}/")
    browser.driver.get(f"http://www.o2online.de:{cacheable_port}/engine/o2-2012-form.html")
    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == 6)
    page_url = browser.driver.current_url
    popup.open_tab("engine/mixed-settings.html")  # another o2online.de tab with 3 consents: its badge stays its own
    browser.fixture_ready()
    popup.open()
    page_id, other_id = popup.tab_id(page_url), popup.tab_id(browser.url("engine/mixed-settings.html"))
    popup.open(tab=page_id)
    assert popup.view() == "portal" and popup.count() == 6
    browser.wait(lambda: (popup.badge(page_id), popup.badge(other_id)) == ("6", "3"))

    started = time.perf_counter()
    popup.press('[data-action="clear-all"]')
    browser.wait(lambda: popup.count() == 0 and "Speichern" in popup.text('[data-role="status"]'),
                 message=f"popup after clearing: {popup.text('[data-role=status]')!r}")
    print(f"clear-all through the popup: {time.perf_counter() - started:.2f} s")
    state = in_window(browser, popup, page, "return window.__fixture.state()")
    assert not any(state.values()), f"the page's own state after clear-all: {state}"
    assert in_window(browser, popup, page, "return window.__fixture.submitted") == 0
    browser.wait(lambda: (popup.badge(page_id), popup.badge(other_id)) == ("✓", "3"),
                 message=f"badges after clearing: {popup.badge(page_id)!r}, {popup.badge(other_id)!r}")

    # Live: one box is ticked again; badge and popup follow. (A script click: a WebDriver click
    # keeps Firefox from putting the page into the back/forward cache below.)
    in_window(browser, popup, page, "document.querySelector('input[name=opt_01]').click()")
    browser.wait(lambda: popup.badge(page_id) == "1" and popup.count() == 1)

    # Navigation: the badge is cleared, and the popup now describes another site ...
    popup.to(page)
    browser.js("window.__keptInCache = true")
    browser.open_unmapped("smoke/plain.html")
    browser.wait(lambda: popup.badge(page_id) == "" and popup.view() == "elsewhere" and popup.badge(other_id) == "3")
    # ... and back again from the back/forward cache, the page's count returns.
    popup.to(page)
    browser.driver.back()
    browser.wait(lambda: browser.js("return document.readyState") == "complete")
    # Browsers usually keep the page (then it reports again on pageshow); under load they may load
    # it anew (then the fixture starts over with 6). Either way the badge must show its count.
    want = 1 if browser.js("return window.__keptInCache === true") else 6
    browser.wait(lambda: popup.badge(page_id) == str(want) and popup.view() == "portal" and popup.count() == want)


def test_walkthrough_and_launcher_setting(browser, popup):
    browser.open("smoke/plain.html")
    browser.js("document.cookie = 'mock_session=1; domain=o2online.de; path=/';"
               "localStorage.setItem('mock_optin', 'dismissed'); localStorage.setItem('mock_uc_choice', 'deny');")
    browser.open("portal/mein-o2/meine-daten/")  # no consents here; the walkthrough's step 8
    browser.panel()
    popup.open()
    browser.wait(lambda: popup.view() == "portal" and popup.count() == 0)
    launcher_shown = SHOWN.format(id="ohne-haken-panel")
    tour_shown = SHOWN.format(id="ohne-haken-tour")

    # Setting: the launcher disappears on pages without consents, and comes back.
    assert in_window(browser, popup, popup.main, launcher_shown)
    popup.press('[data-setting="showLauncher"]')
    browser.wait(lambda: not in_window(browser, popup, popup.main, launcher_shown), message="the launcher stayed")
    assert popup.stored("showLauncher") is False
    popup.press('[data-setting="showLauncher"]')
    browser.wait(lambda: in_window(browser, popup, popup.main, launcher_shown), message="the launcher did not come back")

    # Start, stop, continue.
    assert popup.shown('[data-action="start-tour"]') and not popup.shown('[data-action="end-tour"]')
    popup.press('[data-action="start-tour"]')
    browser.wait(lambda: in_window(browser, popup, popup.main, tour_shown), message="the walkthrough did not start")
    step = "return document.getElementById('ohne-haken-tour').shadowRoot.querySelector('[data-role=\"step\"]').textContent"
    assert re.search(r"(Schritt|Step) 8 ", in_window(browser, popup, popup.main, step))
    browser.wait(lambda: popup.shown('[data-action="end-tour"]') and not popup.shown('[data-action="resume-tour"]'))
    popup.press('[data-action="end-tour"]')
    browser.wait(lambda: not in_window(browser, popup, popup.main, tour_shown), message="the walkthrough did not stop")
    browser.wait(lambda: popup.stored("tour") is None and popup.shown('[data-action="start-tour"]'))

    # A walkthrough running elsewhere (stored after this page loaded) is continued here.
    popup.call("api.storage.local.set({tour: {flow: 'o2-today', step: 'meine-daten', reached: 6,"
               " updated: Date.now(), manualPath: null, manualBest: -1}}).then(() => done());")
    browser.wait(lambda: popup.shown('[data-action="resume-tour"]') and not popup.shown('[data-action="start-tour"]'))
    assert not in_window(browser, popup, popup.main, tour_shown)
    popup.press('[data-action="resume-tour"]')
    browser.wait(lambda: in_window(browser, popup, popup.main, tour_shown), message="the walkthrough did not continue")


def test_other_sites_open_mein_o2_with_the_walkthrough(browser, popup):
    browser.open("smoke/plain.html")
    browser.js("document.cookie = 'mock_session=1; domain=o2online.de; path=/';"
               "localStorage.setItem('mock_optin', 'dismissed'); localStorage.setItem('mock_uc_choice', 'deny');")
    browser.open_unmapped("smoke/plain.html")  # no o2online.de tab left
    popup.open()
    assert popup.view() == "elsewhere"
    assert "o2online.de" in popup.text('[data-view="elsewhere"] p')
    assert not popup.shown('[data-action="clear-all"]')
    link = popup.b.js("return document.querySelector('footer a').href")
    assert link == f"{browser.extension_base}/pages/privacy.html"

    before = set(browser.driver.window_handles)
    portal = "https://www.o2online.de/mein-o2/"  # the real one: unreachable here, the browser shows an error page
    popup.follow_new_tab('[data-action="open-portal"]', portal, before)
    # Continue in the same tab on the mock portal.
    open_after_error_page(browser, "portal/mein-o2/meine-daten/")
    browser.wait(lambda: browser.js(SHOWN.format(id="ohne-haken-tour")), message="the walkthrough did not start")
    # Once only: after the walkthrough is closed, a reload does not start it again.
    browser.driver.find_element(By.ID, "ohne-haken-tour").shadow_root.find_element(
        By.CSS_SELECTOR, '[data-action="tour-close"]').click()
    browser.wait(lambda: not browser.js(SHOWN.format(id="ohne-haken-tour")))
    browser.driver.refresh()
    browser.settled()
    assert not browser.js(SHOWN.format(id="ohne-haken-tour"))

    # The privacy page the popup links to names every permission from the manifest.
    browser.driver.get(link)
    permissions = browser.js("return [...document.querySelectorAll('[data-role=permissions] li')].map(li => li.textContent)")
    assert len(permissions) == 4 and "*://*.o2online.de/*" in permissions[3], permissions
    assert permissions[1].startswith("activeTab") and permissions[2].startswith("scripting"), permissions


def test_walkthrough_script_loads_only_when_a_walkthrough_runs(browser, popup):
    """content/tour.js is not among the injected scripts; the background loads it on demand."""
    browser.open("smoke/plain.html")
    browser.panel()
    browser.settle()
    popup.open()
    tab = popup.tab_id(browser.url("smoke/plain.html"))
    probe = ("api.scripting.executeScript({target: {tabId: arguments[0], frameIds: [0]},"
             " func: () => typeof globalThis.ohneHaken.createTour}).then((r) => done(r[0].result));")
    assert popup.call(probe, tab) == "undefined"
    popup.to(popup.main)
    browser.click_action("start-tour")
    browser.wait(lambda: browser.js(SHOWN.format(id="ohne-haken-tour")), message="the walkthrough did not start")
    assert popup.call(probe, tab) == "function"
