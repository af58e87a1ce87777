"""The content script runs on the mapped o2online.de hosts, and only there."""

from harness import FixtureHandler


def test_panel_appears_on_o2online(browser):
    browser.open("smoke/plain.html")
    browser.panel()
    assert browser.active_count() == 0
    assert browser.js("return document.documentElement.querySelectorAll('[data-ohne-haken]').length") == 0


def test_panel_appears_on_login_host(browser):
    browser.open("smoke/plain.html", host="login.o2online.de")
    browser.panel()


def test_nothing_runs_on_other_hosts(browser):
    # Positive control: on o2online.de the panel is there once the page has settled ...
    browser.open("smoke/plain.html")
    browser.settle()
    assert browser.js("return !!document.getElementById('ohne-haken-panel')")
    # ... and the same page on another host stays untouched.
    browser.open_unmapped("smoke/plain.html")
    browser.settle()
    assert browser.js("return document.getElementById('ohne-haken-panel')") is None
    assert browser.js("return document.querySelectorAll('[data-ohne-haken], ohne-haken-marks').length") == 0



def test_extension_pages_cannot_reach_the_network(browser):
    """The manifest's content security policy (connect-src 'none') stops a request from an extension
    page even if code tried one; the lint rules keep such code out in the first place."""
    browser.open_extension_page("pages/privacy.html")
    probe = browser.url("smoke/plain.html?from-extension-page", host="127.0.0.1")
    outcome = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "globalThis['fe' + 'tch'](arguments[0]).then(() => done('reached'), (err) => done('blocked: ' + err));", probe)
    assert outcome.startswith("blocked"), outcome
    assert not any("from-extension-page" in line for line in FixtureHandler.requests)
    browser.requests[:] = [url for url in browser.requests if "from-extension-page" not in url]
