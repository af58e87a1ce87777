"""Every user-visible string exists in German and English, is used, and is not empty."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "extension" / "_locales"


def messages(lang: str) -> dict:
    return json.loads((LOCALES / lang / "messages.json").read_text(encoding="utf-8"))


def sources() -> str:
    """All text a message name can be used from: code, pages, the manifest template, the rules."""
    files = [p for p in (ROOT / "extension").rglob("*") if p.suffix in {".js", ".html"}]
    files += [ROOT / "manifest.template.json", *(ROOT / "rules").rglob("*.json")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_both_locales_have_the_same_messages():
    assert set(messages("de")) == set(messages("en"))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_message_is_empty_and_each_is_described(lang):
    for key, entry in messages(lang).items():
        assert entry.get("message", "").strip(), f"{lang}: {key} is empty"
        assert entry.get("description", "").strip(), f"{lang}: {key} has no description"
        for name in re.findall(r"\$(\w+)\$", entry["message"]):
            assert name.lower() in {p.lower() for p in entry.get("placeholders", {})}, f"{lang}: {key} lacks placeholder {name}"


def test_every_message_is_used():
    text = sources()
    unused = [key for key in messages("de") if not re.search(rf"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", text)]
    assert not unused, f"messages nobody uses: {unused}"
