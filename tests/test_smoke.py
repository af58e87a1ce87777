"""The content script runs on the mapped o2online.de hosts, and only there."""


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

