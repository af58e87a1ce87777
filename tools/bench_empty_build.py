"""The control build of `make bench` (tools/bench.py): the release build whose content script is
empty. Loaded like the extension, it shows what any content script costs a page in the browser
itself (its own world and bindings set up, the script injected), which no code of ours can
lower. Never in dist/: build.py refuses every variant there."""

from __future__ import annotations

from pathlib import Path

NAME = "bench-empty"
EMPTY = "content/empty.js"


def manifest(manifest: dict, target: str) -> dict:
    for script in manifest.get("content_scripts", []):
        script["js"] = [EMPTY]
    return manifest


def add_files(dest: Path, manifest: dict, target: str) -> None:
    (dest / EMPTY).write_text('"use strict";\n', encoding="utf-8")
