"""A deliberately leaking build, for tests/test_canary.py only: a content script and the background
each make one request to a foreign host (and the extension pages' CSP lets them), so the test can
show that the harness's network check catches both. `build.py --variant` refuses dist/ for every
variant, so this build can never become the release."""

from __future__ import annotations

import shutil
from pathlib import Path

NAME = "canary"
HERE = Path(__file__).resolve().parent
CONTENT_SCRIPT = "content/canary.js"
CONTENT_LEAK = "http://canary-content.invalid/leak"
BACKGROUND_LEAK = "http://canary-background.invalid/leak"


def manifest(manifest: dict, target: str) -> dict:
    csp = manifest["content_security_policy"]
    csp["extension_pages"] = csp["extension_pages"].replace("connect-src 'none'", "connect-src http: https:")
    for script in manifest["content_scripts"]:
        script["js"] = [*script["js"], CONTENT_SCRIPT]
    return manifest


def add_files(dest: Path, manifest: dict, target: str) -> None:
    shutil.copy2(HERE / "content-leak.js", dest / CONTENT_SCRIPT)
    background = manifest["background"].get("service_worker") or manifest["background"]["scripts"][-1]
    with open(dest / background, "a", encoding="utf-8") as file:
        file.write("\n" + (HERE / "background-leak.js").read_text(encoding="utf-8"))
