"""The network check is proven to fire: a deliberately leaking build (tests/canary/: a content script
and the background each make one request to a foreign host) runs in each browser, and the harness's
record of foreign requests, the one the `browser` fixture fails every test on, holds both. The
background's request (Firefox's background page, Chromium's service worker) is one that WebDriver
BiDi does not report; the fixture server, the browser's proxy, sees every request."""

from __future__ import annotations

import pytest
from harness import BROWSERS, ROOT, build_release, start_browser

VARIANT = ROOT / "tests" / "canary" / "build_variant.py"
CONTENT_LEAK = "http://canary-content.invalid/leak"
BACKGROUND_LEAK = "http://canary-background.invalid/leak"


@pytest.fixture(scope="module", params=BROWSERS)
def leaking(request, server, tmp_path_factory):
    out = tmp_path_factory.mktemp("canary")
    build_release("--variant", str(VARIANT), "--out", str(out))
    browser = start_browser(request.param, out, server)
    yield browser
    browser.quit()


def test_requests_of_a_content_script_and_the_background_are_caught(leaking):
    leaking.forget_requests()
    leaking.open("smoke/plain.html")
    leaking.panel()
    leaking.wait(lambda: {CONTENT_LEAK, BACKGROUND_LEAK} <= set(leaking.foreign_requests()),
                 message=f"the network check missed a leak: {leaking.foreign_requests()}")
    proxied = set(leaking.proxy_log[leaking.proxy_mark:])
    assert {CONTENT_LEAK, BACKGROUND_LEAK} <= proxied, "the proxy must see both, whatever BiDi reports"
    print(f"{leaking.name}: BiDi saw {sorted(set(leaking.requests) & {CONTENT_LEAK, BACKGROUND_LEAK})}")
