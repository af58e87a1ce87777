"""The bench build variant (`build.py --bench --out DIR`, tools/bench.py): tools/bench-probe.js
runs before every other content script, and every content script tells it when it has run.
Never in dist/: build.py refuses every variant there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

NAME = "bench"
PROBE = Path(__file__).resolve().parent / "bench-probe.js"
PROBE_OUTPUT = "content/bench-probe.js"


def manifest(manifest: dict, target: str) -> dict:
    """The probe first in every content-script list."""
    for script in manifest.get("content_scripts", []):
        script["js"] = [PROBE_OUTPUT, *script["js"]]
    return manifest


def add_files(dest: Path, manifest: dict, target: str) -> None:
    """Copy the probe and let every content script (those of the manifest and those injected on
    demand) tell it when its evaluation starts and ends."""
    shutil.copy2(PROBE, dest / PROBE_OUTPUT)
    # Before build.py bundles them (BUNDLES): each file is timed on its own inside its bundle.
    listed = {dest / name for script in manifest.get("content_scripts", []) for name in script["js"]}
    sources = set((dest / "content").glob("*.js")) | {dest / "shared" / "common.js"}
    for path in sorted(sources | {path for path in listed if path.is_file()}):
        name = path.relative_to(dest).as_posix()
        if name == PROBE_OUTPUT:
            continue
        source = path.read_text(encoding="utf-8")
        before = f"globalThis.ohneHakenBench?.before({json.dumps(name)});\n"
        strict = '"use strict";\n'  # stays the file's first statement (a directive)
        source = source.replace(strict, strict + before, 1) if strict in source else before + source
        path.write_text(f"{source}\n;globalThis.ohneHakenBench?.after({json.dumps(name)});\n", encoding="utf-8")
