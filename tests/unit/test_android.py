"""Firefox for Android (issue 15): the manifest offers the add-on there, the code uses no API that
Android lacks, and nothing depends on a mouse (pointer and click events only, no hover)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"

# WebExtension namespaces Firefox for Android does not have (MDN browser compatibility tables):
# no windows (an extension page opens as a tab), no menus, keyboard commands, sidebars, bookmarks,
# history, sessions, devtools, omnibox, top sites, themes, PKCS #11, identity, search.
MISSING_ON_ANDROID = ("windows", "menus", "contextMenus", "commands", "sidebarAction", "bookmarks", "history",
                      "sessions", "devtools", "omnibox", "topSites", "theme", "pkcs11", "identity", "search", "tabGroups")
MISSING_METHODS = ("action.openPopup", "browserAction.openPopup")
MANIFEST_KEYS_MISSING_ON_ANDROID = ("commands", "sidebar_action", "devtools_page", "chrome_url_overrides", "omnibox")
# Mouse-only events and hover: a phone has neither. Clicks (also fired by a tap) and pointer events are fine.
MOUSE_ONLY = re.compile(r"""["'](mouse(?:down|up|over|out|enter|leave|move)|dblclick|contextmenu)["']|\bonmouse\w+""")
HOVER = re.compile(r":hover\b")


def sources() -> list[Path]:
    return sorted(p for p in EXTENSION.rglob("*") if p.suffix in (".js", ".html", ".css"))


@pytest.fixture(scope="module")
def manifests(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "--out", str(out)], check=True)
    return {t: json.loads((out / t / "manifest.json").read_text()) for t in ("firefox", "chromium")}


def test_firefox_manifest_offers_the_add_on_on_android(manifests):
    settings = manifests["firefox"]["browser_specific_settings"]
    assert settings["gecko_android"] == {"strict_min_version": "142.0"}  # the first with data_collection_permissions
    assert settings["gecko"]["data_collection_permissions"] == {"required": ["none"]}
    assert "browser_specific_settings" not in manifests["chromium"]


@pytest.mark.parametrize("target", ["firefox", "chromium"])
def test_manifest_has_no_key_android_lacks(manifests, target):
    assert not set(MANIFEST_KEYS_MISSING_ON_ANDROID) & set(manifests[target])
    assert not {"menus", "contextMenus", "bookmarks", "history", "sessions"} & set(manifests[target].get("permissions", []))


def test_no_api_that_firefox_for_android_lacks():
    used = []
    pattern = re.compile(r"\b(?:api|browser|chrome)\s*\??\.\s*(" + "|".join(MISSING_ON_ANDROID) + r")\b")
    methods = re.compile("|".join(re.escape(m) for m in MISSING_METHODS))
    for path in sources():
        if path.suffix != ".js":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line) or methods.search(line):
                used.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not used, "APIs Firefox for Android does not have:\n" + "\n".join(used)


def test_extension_pages_open_as_tabs():
    """Links from the popup to another extension page open it with tabs.create (Android has no windows)."""
    popup = (EXTENSION / "popup" / "popup.js").read_text(encoding="utf-8")
    assert "api.tabs.create({url: event.currentTarget.href})" in popup  # the privacy page
    assert "windows.create" not in popup and "window.open(" not in popup


def test_nothing_depends_on_a_mouse():
    found = []
    for path in sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if MOUSE_ONLY.search(line) or HOVER.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "mouse-only events or hover (a phone has neither):\n" + "\n".join(found)
