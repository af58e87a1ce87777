"""The built manifests ask for nothing beyond what docs/PRIVACY.md lists and justifies."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def documented_permissions() -> set[str]:
    """Every `code` name in the first column of docs/PRIVACY.md's permission table."""
    text = (ROOT / "docs" / "PRIVACY.md").read_text(encoding="utf-8")
    section = text.split("## Permissions", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not set(line) <= set("|- "):
            first = line.split("|")[1]
            names.update(re.findall(r"`([^`]+)`", first))
    return names


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "--out", str(out)], check=True)
    return out


@pytest.fixture(scope="module")
def manifests(built) -> dict:
    return {t: json.loads((built / t / "manifest.json").read_text()) for t in ("firefox", "chromium")}


@pytest.mark.parametrize("target", ["firefox", "chromium"])
def test_no_file_names_the_browsers_own_download_host(built, target):
    """The browser tests let Chromium's own downloader ask for redirector.gvt1.com (tests/harness.py,
    CHROMIUM_OWN): that is safe only while nothing of ours could ask for it."""
    naming = [str(f.relative_to(built)) for f in (built / target).rglob("*")
              if f.is_file() and b"gvt1" in f.read_bytes()]
    assert not naming, f"these files name redirector.gvt1.com: {naming}"


@pytest.mark.parametrize("target", ["firefox", "chromium"])
def test_manifest_permissions_are_documented(manifests, target):
    manifest = manifests[target]
    asked = set()
    for key in ("permissions", "optional_permissions", "host_permissions", "optional_host_permissions"):
        asked.update(manifest.get(key, []))
    for script in manifest.get("content_scripts", []):
        asked.update(script["matches"])
    undocumented = asked - documented_permissions()
    assert not undocumented, f"{target} asks for {sorted(undocumented)}, not justified in docs/PRIVACY.md"


def test_the_table_is_read():
    assert {"storage", "*://*.o2online.de/*"} <= documented_permissions()
