"""Storage keys have one home, shared/common.js (KEYS, SESSION_KEYS): no other script
of the extension spells one as a string of its own, so a renamed key cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "extension" / "shared" / "common.js"


def keys() -> set[str]:
    text = HOME.read_text(encoding="utf-8")
    blocks = [text.split(f"const {name} = Object.freeze({{", 1)[1].split("});", 1)[0] for name in ("KEYS", "SESSION_KEYS")]
    return {value for block in blocks for value in re.findall(r'^\s*\w+: "([^"]+)",', block, re.MULTILINE)}


def test_the_home_lists_the_keys():
    assert {"schemaVersion", "tour", "flowsDone", "showLauncher", "autoDeclineCookies", "pendingTour"} <= keys()


def test_no_other_script_spells_a_key():
    spelled = []
    for path in sorted((ROOT / "extension").rglob("*.js")):
        if path == HOME:
            continue
        text = re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)  # code only
        for key in keys():
            # a string literal that is exactly the key (not an attribute value inside a selector)
            if re.search(rf"(?<![=\w])([\"'`]){re.escape(key)}\1", text):
                spelled.append(f"{path.relative_to(ROOT)}: {key}")
    assert not spelled, f"storage keys spelled outside {HOME.relative_to(ROOT)}: {spelled}"
