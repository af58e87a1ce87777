"""Extension storage: its schema version, the upgrade from 0.1.0's layout, and a reload of the
extension in the middle of a walkthrough (background/storage-schema.js, docs/PRIVACY.md).

The extension is reloaded with runtime.reload() in the session's browser: Firefox keeps the
pinned UUID of the temporary add-on and Chromium the id of the same folder (it needs developer
mode for that, conftest.py), so later tests see the same extension. The browser closes the
extension's own pages when it unloads it; the tests read storage from a tab of their own.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from harness import API, Tour, log_in, reload_extension, reset_portal, start_tour

# A Mein o2 page without the side menu: a new walkthrough would start at step 2 ("Mein o2" in the
# header), a running one at step 7 stays there (tests/test_tour.py::test_missing_target_says_where_to_look).
UNKNOWN_PAGE = "portal/mein-o2/unbekannt.html"


@contextlib.contextmanager
def extension_tab(browser):
    """The privacy page in a new tab (extension APIs at hand), closed afterwards."""
    driver = browser.driver
    back = driver.current_window_handle
    driver.switch_to.new_window("tab")
    try:
        browser.wait(lambda: open_privacy_page(browser), message="the extension's pages do not open")
        yield
    finally:
        driver.close()
        driver.switch_to.window(back)


def open_privacy_page(browser) -> bool:
    """True once the page is the extension's (Chromium shows an error page while it is unloaded)."""
    browser.open_extension_page("pages/privacy.html")
    return browser.js("return !!document.querySelector('[data-role=\"stored\"]')")


def call(browser, script: str, *args):
    return browser.driver.execute_async_script(API + script, *args)


def stored(browser) -> dict:
    return call(browser, "api.storage.local.get(null).then(done);")


@pytest.fixture
def tour(browser):
    reset_portal(browser)
    return Tour(browser)


def test_stored_state_of_0_1_0_is_upgraded(browser, tour):
    log_in(browser)
    manual_url = browser.url("portal/mein-o2/meine-daten/?subscriptionId=4711#vertrag")
    with extension_tab(browser):  # storage exactly as 0.1.0 left it, in the middle of a walkthrough
        call(browser, "api.storage.local.clear().then(() => api.storage.local.set({"
             "tour: {version: 1, flow: 'o2-today', step: 'meine-daten', reached: 6, updated: Date.now(),"
             " manualUrl: arguments[0], manualBest: 6}, showLauncher: false, autoDeclineCookies: false})).then(done);",
             manual_url)
        old = stored(browser)

    # This version's content script leaves the old shape alone until the background migrates it.
    browser.open(UNKNOWN_PAGE)
    browser.settled()
    assert not tour.host_present()

    reload_extension(browser)
    with extension_tab(browser):
        browser.wait(lambda: "schemaVersion" in stored(browser), message="the background did not migrate")
        new = stored(browser)
    assert new == {
        "schemaVersion": 2,
        "tour": {"flow": "o2-today", "step": "meine-daten", "reached": 6, "updated": old["tour"]["updated"],
                 "manualPath": "/portal/mein-o2/meine-daten/", "manualBest": 6},
        "showLauncher": False,
        "autoDeclineCookies": False,
    }
    assert "4711" not in json.dumps(new)

    browser.open(UNKNOWN_PAGE)
    tour.wait_step(7, 12)  # 'meine-daten', from storage


def test_reloading_the_extension_mid_walkthrough_keeps_the_step(browser, tour):
    log_in(browser)
    start_tour(browser, "portal/mein-o2/meine-daten/?subscriptionId=4711")
    tour.wait_step(8, 12)
    tour.button("tour-back").click()  # by hand, back and forth
    tour.wait_step(7)
    tour.button("tour-next").click()
    tour.wait_step(8)
    with extension_tab(browser):
        browser.wait(lambda: stored(browser).get("tour", {}).get("manualPath") == "/portal/mein-o2/meine-daten/",
                     message="the walkthrough did not store the page's path")
        assert "4711" not in json.dumps(stored(browser))  # the page's path, never its address

    # The page notes every panel added to it (the new copy's, after the reload).
    browser.js("window.__panelsAdded = 0; new MutationObserver((ms) => { for (const m of ms) for (const n of m.addedNodes)"
               " if (n.id === 'ohne-haken-panel') window.__panelsAdded++; })"
               ".observe(document.documentElement, {childList: true});")
    reload_extension(browser)
    if browser.name == "chromium":
        # Chromium keeps the page's old copy running without its extension (every API call
        # throws "Extension context invalidated") until the page loads again. The user presses
        # its Back button and the page changes: nothing may throw, and the old
        # copy takes its walkthrough, panel and marks off the page.
        tour.button("tour-back").click()
        browser.js("document.body.append(document.createElement('p'))")
        browser.wait(lambda: not tour.host_present() and not browser.js(f"return !!({browser.PANEL_JS})"),
                     message="the orphaned content script left its UI on the page")
    else:
        # Firefox ends the old copy, keeps what it drew, and injects the new one into the open page
        # at once. The new copy removes the old UI (a dead walkthrough would dim the page for good):
        # one panel, one walkthrough at the same step. The page changes: nothing may throw.
        browser.js("document.body.append(document.createElement('p'))")
        browser.wait(lambda: browser.js("return window.__panelsAdded") > 0, message="no new copy in the open page")
        browser.settle()
        count = "return document.querySelectorAll(arguments[0]).length"
        browser.wait(lambda: browser.js(count, "#ohne-haken-panel") == 1 and browser.js(count, "#ohne-haken-tour") == 1
                     and browser.js(count, "ohne-haken-marks") <= 1,
                     message="the old copy's panel, walkthrough or marks are still on the page")
        tour.wait_step(8)
        browser.settle()
    assert not browser.errors, browser.errors

    browser.driver.refresh()  # the new copy
    tour.wait_step(8)
    with extension_tab(browser):
        assert stored(browser)["tour"]["step"] == "einstellungen"


# ---- migrate() on its own, in an extension page that loads the packaged file -------------

def tour_of_0_1_0(**changes) -> dict:
    tour = {"version": 1, "flow": "o2-today", "step": "aendern", "reached": 8, "updated": 1700000000000,
            "manualUrl": "https://www.o2online.de/mein-o2/meine-daten/?subscriptionId=4711", "manualBest": 8}
    return {**tour, **changes}


TOUR_2 = {"flow": "o2-today", "step": "aendern", "reached": 8, "updated": 1700000000000,
          "manualPath": "/mein-o2/meine-daten/", "manualBest": 8}
NO_CHANGE = {"set": {}, "remove": []}

MIGRATIONS = {
    "schema 1 to 2": (
        {"tour": tour_of_0_1_0(), "showLauncher": False, "autoDeclineCookies": True},
        {"set": {"tour": TOUR_2, "schemaVersion": 2}, "remove": []}),
    "schema 1 without a manual step": (
        {"tour": tour_of_0_1_0(manualUrl=None)},
        {"set": {"tour": {**TOUR_2, "manualPath": None}, "schemaVersion": 2}, "remove": []}),
    "schema 1, an address that does not parse": (
        {"tour": tour_of_0_1_0(manualUrl="not an address")},
        {"set": {"tour": {**TOUR_2, "manualPath": None}, "schemaVersion": 2}, "remove": []}),
    "already schema 2": (
        {"schemaVersion": 2, "tour": TOUR_2, "showLauncher": True},
        NO_CHANGE),
    "a newer schema is left alone": (
        {"schemaVersion": 3, "tour": tour_of_0_1_0(), "somethingNew": [1, 2]},
        NO_CHANGE),
    "a broken tour goes, only it": (
        {"tour": "step 7", "showLauncher": False, "unknownKey": {"a": 1}},
        {"set": {"schemaVersion": 2}, "remove": ["tour"]}),
    "a tour that is an array": (
        {"tour": [1, 2]},
        {"set": {"schemaVersion": 2}, "remove": ["tour"]}),
    "empty storage (a new install)": (
        {},
        {"set": {"schemaVersion": 2}, "remove": []}),
    "the new shape written before the migration ran": (
        {"tour": TOUR_2},
        {"set": {"schemaVersion": 2}, "remove": []}),
    "a broken schemaVersion counts as schema 1": (
        {"schemaVersion": "2", "tour": tour_of_0_1_0()},
        {"set": {"schemaVersion": 2, "tour": TOUR_2}, "remove": []}),
}


def test_migrate_table(browser):
    with extension_tab(browser):
        call(browser, "const s = document.createElement('script'); s.src = '/background/storage-schema.js';"
             "s.onload = () => done(); document.head.append(s);")
        results = call(browser, """
            const {migrate, SCHEMA_VERSION} = globalThis.ohneHakenStorageSchema;
            const out = {SCHEMA_VERSION};
            for (const [name, data] of Object.entries(arguments[0])) {
              const before = JSON.stringify(data);
              const changes = migrate(data);
              const after = {...data, ...changes.set};
              for (const key of changes.remove) delete after[key];
              out[name] = {changes, pure: JSON.stringify(data) === before, again: migrate(after)};
            }
            done(out);""", {name: data for name, (data, _) in MIGRATIONS.items()})
    assert results.pop("SCHEMA_VERSION") == 2
    for name, (_, expected) in MIGRATIONS.items():
        result = results[name]
        assert result["changes"] == expected, name
        assert result["pure"], f"{name}: migrate changed its input"
        assert result["again"] == NO_CHANGE, f"{name}: a second run still changes something"
