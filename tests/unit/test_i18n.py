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


def test_the_content_scripts_messages_are_written_in_at_build_time():
    """OH.t (content/namespace.js) reads the messages build.py writes in, as the catalog has them:
    all of them in the engine's bundle, and in the page bundle every one the launcher
    (content/sentinel.js) says, so that a page without consents never loads the catalog."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_for_i18n", ROOT / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    said = set(re.findall(r'\bOH\.t\("(\w+)"', (ROOT / "extension" / "content" / "sentinel.js").read_text(encoding="utf-8")))
    assert said and said <= set(build.LAUNCHER_MESSAGES), said - set(build.LAUNCHER_MESSAGES)
    locales = {lang: messages(lang) for lang in ("de", "en")}
    texts = build.message_texts(locales, "de")
    assert texts["default"] == "de" and set(texts["de"]) == set(messages("de"))
    assert texts["de"]["startTour"] == messages("de")["startTour"]["message"]
    assert texts["en"]["launcherCount"] == "$1 consents on this page"  # the placeholder's content, filled in the page
    assert set(build.message_texts(locales, "de", build.LAUNCHER_MESSAGES)["en"]) == set(build.LAUNCHER_MESSAGES)
