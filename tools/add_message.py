#!/usr/bin/env python3
"""Add or replace one message in every locale at once, keeping the files' format.

    tools/add_message.py KEY "description" "German text" "English text" [placeholder=example ...]

Placeholders are written $name$ in the texts and numbered in the order given.
"""
import json
import sys
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "extension" / "_locales"


def add(key: str, description: str, german: str, english: str, placeholders: list[tuple[str, str]]) -> None:
    for lang, text in (("de", german), ("en", english)):
        path = LOCALES / lang / "messages.json"
        messages = json.loads(path.read_text(encoding="utf-8"))
        entry = {"message": text, "description": description}
        if placeholders:
            entry["placeholders"] = {name: {"content": f"${i + 1}", "example": example}
                                     for i, (name, example) in enumerate(placeholders)}
        messages[key] = entry
        path.write_text(json.dumps(messages, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    extra = [tuple(arg.split("=", 1)) for arg in sys.argv[5:]]
    add(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], extra)
