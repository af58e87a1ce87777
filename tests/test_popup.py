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
from conftest import FixtureHandler, serve
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

API = "const api = globalThis.browser ?? chrome; const done = arguments[arguments.length - 1];"
SHOWN = "const h = document.getElementById('{id}'); return !!h && h.isConnected && getComputedStyle(h).display !== 'none';"


class Popup:
    """The popup page in a window of its own (one per module: new windows are slow in Firefox),
    beside the harness's main window, and the tabs a test opened."""

    def __init__(self, browser, main: str, handle: str):
        self.b, self.main, self.handle = browser, main, handle
        self.expected_requests: list[str] = []  # URL prefixes a test loads on purpose beyond the fixture server

    # -- windows --
    def to(self, handle: str):
        self.b.driver.switch_to.window(handle)

    def open_tab(self, path: str) -> str:
        """A page in a new tab of the popup's window (a background tab once the popup is shown again)."""
        self.to(self.handle)
        self.b.driver.switch_to.new_window("tab")
        self.b.open(path)
        return self.b.driver.current_window_handle

    def open(self, tab: int | None = None):
        """Open the popup page (?tab=<id> if given) and wait until it has drawn."""
        self.to(self.handle)
        self.b.open_extension_page("popup/popup.html" + (f"?tab={tab}" if tab is not None else ""))
        self.b.wait(lambda: self.b.js("return document.body.dataset.ready === 'true'"), message="the popup did not draw")

    def close_tabs(self):
        """Close what the test opened; the main window and the popup's stay."""
        for handle in self.b.driver.window_handles:
            if handle not in (self.main, self.handle):
                self.to(handle)
                self.b.driver.close()
        self.to(self.main)

    # -- the extension's view, from the popup page --
    def call(self, script: str, *args):
        self.to(self.handle)
        return self.b.driver.execute_async_script(API + script, *args)

    def tab_id(self, url: str) -> int:
        tabs = self.call("api.tabs.query({url: '*://*.o2online.de/*'}).then(t => done(t.map(x => [x.id, x.url])));")
        ids = [tab_id for tab_id, tab_url in tabs if tab_url == url]
        assert len(ids) == 1, f"no single tab with {url} in {tabs}"
        return ids[0]

    def badge(self, tab_id: int) -> str:
        return self.call("api.action.getBadgeText({tabId: arguments[0]}).then(done);", tab_id)

    def stored(self, key: str):
        return self.call("api.storage.local.get(arguments[0]).then(s => done(s[arguments[0]] ?? null));", key)

    # -- the popup's hooks --
    def text(self, css: str) -> str:
        self.to(self.handle)
        return self.b.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css)

    def count(self) -> int | None:
        match = re.search(r"\d+", self.text('[data-role="active-count"]') or "")
        return int(match.group()) if match else None

    def view(self) -> str:
        self.to(self.handle)
        return self.b.js("return document.body.dataset.currentView")

    def shown(self, css: str) -> bool:
        self.to(self.handle)
        return self.b.js("const e = document.querySelector(arguments[0]); return !!e && !e.closest('[hidden]');", css)

    def press(self, css: str):
        self.to(self.handle)
        self.b.driver.find_element(By.CSS_SELECTOR, css).click()


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


@pytest.fixture(scope="module")
def popup_window(browser_session):
    driver = browser_session.driver
    main = driver.current_window_handle
    driver.switch_to.new_window("window")
    handle = driver.current_window_handle
    driver.switch_to.window(main)
    yield main, handle
    driver.switch_to.window(handle)
    driver.close()
    driver.switch_to.window(main)


@pytest.fixture
def popup(browser, popup_window):
    p = Popup(browser, *popup_window)
    yield p
    p.call("api.storage.local.remove(['tour', 'showLauncher']).then(() => done());")
    p.close_tabs()
    browser.requests[:] = [url for url in browser.requests if not url.startswith(tuple(p.expected_requests))]


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
    assert (popup.badge(page_id), popup.badge(other_id)) == ("✓", "3")

    # Live: one box is ticked again; badge and popup follow. (A script click: a WebDriver click
    # keeps Firefox from putting the page into the back/forward cache below.)
    in_window(browser, popup, page, "document.querySelector('input[name=opt_01]').click()")
    browser.wait(lambda: popup.badge(page_id) == "1" and popup.count() == 1)

    # Navigation: the badge is cleared, and the popup now describes another site ...
    popup.to(page)
    browser.js("window.__keptInCache = true")
    browser.open_unmapped("smoke/plain.html")
    browser.wait(lambda: popup.badge(page_id) == "" and popup.view() == "elsewhere")
    assert popup.badge(other_id) == "3"
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
    popup.expected_requests.append(portal)
    # Firefox's driver reports the error page's arrival as an error to whatever command is in flight
    # (even in another tab): the click, and every look until the error page is there (Firefox's stays
    # "interactive"), tolerate that error; afterwards it cannot hit a command any more.
    try:
        popup.press('[data-action="open-portal"]')
    except WebDriverException as err:
        if "Reached error page" not in str(err):
            raise
    error_page = "return document.readyState !== 'loading' && location.href"

    def new_tab_shows_the_portal(driver) -> bool:
        opened = set(driver.window_handles) - before
        if len(opened) != 1:
            return False
        driver.switch_to.window(opened.pop())
        return driver.current_url == portal and driver.execute_script(error_page) in (portal, "chrome-error://chromewebdata/")

    WebDriverWait(browser.driver, 10, 0.05, ignored_exceptions=(WebDriverException,)).until(
        new_tab_shows_the_portal, f"no new tab with {portal}")
    # Continue in the same tab on the mock portal.
    browser.open("portal/mein-o2/meine-daten/")
    browser.wait(lambda: browser.js(SHOWN.format(id="ohne-haken-tour")), message="the walkthrough did not start")
    # Once only: after the walkthrough is closed, a reload does not start it again.
    browser.driver.find_element(By.ID, "ohne-haken-tour").shadow_root.find_element(
        By.CSS_SELECTOR, '[data-action="tour-close"]').click()
    browser.wait(lambda: not browser.js(SHOWN.format(id="ohne-haken-tour")))
    browser.driver.refresh()
    browser.panel()
    browser.settle()
    assert not browser.js(SHOWN.format(id="ohne-haken-tour"))

    # The privacy page the popup links to names every permission from the manifest.
    browser.driver.get(link)
    permissions = browser.js("return [...document.querySelectorAll('[data-role=permissions] li')].map(li => li.textContent)")
    assert len(permissions) == 2 and "*://*.o2online.de/*" in permissions[1], permissions
