"""A phone-sized tab in the test browsers (tests/test_phone.py, tools/demo.py --screenshots).

Chromium: CDP device emulation (Emulation.setDeviceMetricsOverride with `mobile`, touch events,
a mobile user agent). Firefox: a headless window cannot be narrower than 500 px, so pages are
zoomed (the browser's default zoom, so that every page loads at that size) until the viewport is
the phone's width x height in CSS px (/work/shared/ENVIRONMENT.md, "Verified 2026-12").
Taps are WebDriver touch actions (pointer type "touch") in both browsers.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import pytest
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput

PHONE = (360, 640)
MOBILE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/156.0.0.0 Mobile Safari/537.36")
DESKTOP = (1280, 1000)  # the harness's window
RECT = ("(e) => { const r = e.getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; }")
NEXT_FRAMES = ("const done = arguments[arguments.length - 1];"
               "requestAnimationFrame(() => requestAnimationFrame(() => done()));")


# ---- the phone -------------------------------------------------------------------------------

ZOOM_PREFS = 'Cc["@mozilla.org/content-pref/service;1"].getService(Ci.nsIContentPrefService2)'


def _firefox_zoom(browser, zoom: float | None = None) -> float:
    """Set the zoom of the current tab and the default zoom of every page loaded later (Firefox's
    "Default zoom"), so that pages load at phone size; None resets both."""
    driver = browser.driver
    driver.set_context("chrome")
    try:
        if zoom is None:
            driver.execute_script(f'{ZOOM_PREFS}.removeGlobal("browser.content.full-zoom", null);'
                                  f'{ZOOM_PREFS}.removeByName("browser.content.full-zoom", null);')
        else:
            driver.execute_script(f'{ZOOM_PREFS}.setGlobal("browser.content.full-zoom", arguments[0], null);', zoom)
        driver.execute_script("gBrowser.selectedBrowser.fullZoom = arguments[0];", zoom or 1)
        return driver.execute_script("return gBrowser.selectedBrowser.fullZoom;")
    finally:
        driver.set_context("content")


def _firefox_viewport(browser, width: int, height: int):
    """Zoom the tab so that a window at least 500 px wide shows width x height CSS px."""
    zoom = _firefox_zoom(browser, max(1.0, 500 / width))
    window_width, window_height = math.ceil(width * zoom), 1000
    for _ in range(4):  # the window's frame is not known in advance: measure and correct
        browser.driver.set_window_size(window_width, window_height)
        inner = browser.js("return [innerWidth, innerHeight]")
        if inner == [width, height]:
            return
        window_width += round((width - inner[0]) * zoom)
        window_height += round((height - inner[1]) * zoom)
    pytest.fail(f"Firefox viewport is {inner}, not {[width, height]}")


def fit(browser):
    """Firefox: correct the window when a page shows another size (a new window, a zoom not yet applied)."""
    size = getattr(browser, "phone_size", None)
    if browser.name == "firefox" and size and browser.js("return [innerWidth, innerHeight]") != list(size):
        _firefox_viewport(browser, *size)


@contextmanager
def phone(browser, size: tuple[int, int] = PHONE):
    """The current tab as a phone of `size` CSS px (touch and a mobile user agent in Chromium).
    In Firefox, fit() corrects the size where a page shows another one."""
    driver = browser.driver
    browser.phone_size = size
    if browser.name == "chromium":
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": size[0], "height": size[1], "deviceScaleFactor": 3, "mobile": True})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {"userAgent": MOBILE_UA})
    else:
        _firefox_viewport(browser, *size)
    try:
        yield
    finally:
        if browser.name == "chromium":
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
            driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {"userAgent": browser.js("return navigator.userAgent")
                                                                     .replace("Linux; Android 14; Pixel 8", "X11; Linux x86_64")
                                                                     .replace(" Mobile ", " ")})
        else:
            _firefox_zoom(browser, None)
        browser.phone_size = None
        driver.set_window_size(*DESKTOP)


def resize(browser, size: tuple[int, int]):
    """Turn the phone (inside `phone()`)."""
    browser.phone_size = size
    if browser.name == "chromium":
        browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": size[0], "height": size[1], "deviceScaleFactor": 3, "mobile": True})
    else:
        _firefox_viewport(browser, *size)
    browser.wait(lambda: browser.js("return [innerWidth, innerHeight]") == list(size))
    next_frames(browser)


def tap(browser, element):
    """A finger on the element's middle (WebDriver touch input: pointer events of type touch)."""
    still(browser, element)
    actions = ActionBuilder(browser.driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
    actions.pointer_action.move_to(element).pointer_down().pointer_up()
    actions.perform()


def still(browser, element) -> dict:
    """The element's box once it has stopped moving (a smooth scroll, a panel that moved aside)."""
    boxes = [None]

    def settled() -> bool:
        next_frames(browser)
        boxes.append(browser.js(f"return ({RECT})(arguments[0])", element))
        return boxes[-1] == boxes[-2]

    browser.wait(settled, message="the element keeps moving")
    return boxes[-1]


def next_frames(browser):
    browser.driver.execute_async_script(NEXT_FRAMES)


