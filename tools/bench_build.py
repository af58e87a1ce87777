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
    """Copy the probe and let every content script tell it when it has run."""
    shutil.copy2(PROBE, dest / PROBE_OUTPUT)
    for script in manifest.get("content_scripts", []):
        for name in script["js"]:
            if name == PROBE_OUTPUT:
                continue
            with open(dest / name, "a", encoding="utf-8") as file:
                file.write(f"\n;globalThis.ohneHakenBench?.after({json.dumps(name)});\n")
