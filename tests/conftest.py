"""pytest fixtures for the browser tests; the helpers they use live in tests/harness.py.

- `dist`: the release build in dist/, built once per session on first use (the unit tests never
  ask for it, so `pytest tests/unit` builds nothing); `OHNE_HAKEN_PREBUILT` skips the build
  (tools/run_tests.py builds once for both browsers).
- `server`: the fixture server's port; `browser_session`: one browser per session and browser
  name (OHNE_HAKEN_BROWSERS=firefox,chromium, default both); `browser`: that browser, failing the
  test after content-script errors or requests beyond the fixture server.
- `clean_extension_storage` (autouse): every browser test starts with empty extension storage.
- `locales`: the built messages.json of each locale.
- `popup_window`, `popup`: the toolbar popup opened as a page in a window of its own.
- `english`: a second browser of the same name whose interface is English, one per module that
  asks for it (tests/test_english.py), checked and cleaned like `browser`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from harness import BROWSERS, ROOT, Popup, build_release, serve, start_browser


@pytest.fixture(scope="session")
def dist() -> Path:
    if not os.environ.get("OHNE_HAKEN_PREBUILT"):
        build_release()
    return ROOT / "dist"


@pytest.fixture(scope="session")
def locales(dist) -> dict[str, dict]:
    """The built messages of each locale: the texts the panel's tests expect."""
    return {path.parent.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((dist / "firefox" / "_locales").glob("*/messages.json"))}


@pytest.fixture(scope="session")
def server():
    httpd = serve()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session", params=BROWSERS)
def browser_session(request, dist, server):
    browser = start_browser(request.param, dist, server)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def english_session(browser_session, dist, server):
    english = start_browser(browser_session.name, dist, server, locale="en")
    yield english
    english.quit()


@pytest.fixture
def english(english_session):
    """The English browser, its extension storage empty, checked after the test like `browser`."""
    english_session.clear_storage()
    yield from checked(english_session)


@pytest.fixture
def browser(browser_session):
    """The session's browser, checked for content-script errors after each test."""
    yield from checked(browser_session)


def checked(session):
    """Yield the browser; afterwards fail on content-script errors or requests beyond the fixture server."""
    session.errors.clear()
    session.forget_requests()
    yield session
    errors = list(session.errors)
    session.errors.clear()
    assert not errors, f"content-script errors in {session.name}: {errors}"
    foreign = session.foreign_requests()
    assert not foreign, f"requests beyond the fixture server in {session.name}: {foreign}"


@pytest.fixture(autouse=True)
def clean_extension_storage(request):
    """Every test that uses a browser starts with the extension's storage empty (what a test or
    a failed one left behind is gone), in the tab the test starts in."""
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser_session").clear_storage()


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
    p.close_tabs()
