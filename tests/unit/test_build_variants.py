"""Build variants (`build.py --variant FILE`, `--bench`) are for tools and tests only: none can
write into dist/, and the release build holds nothing of them (tests/canary/ leaks on purpose)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CANARY = ROOT / "tests" / "canary" / "build_variant.py"


def run_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("out", [None, "dist", "dist/canary"])
def test_the_leaking_build_never_goes_into_dist(out):
    result = run_build("--variant", str(CANARY), *(["--out", str(ROOT / out)] if out else []))
    assert result.returncode == 1
    assert "a canary build never goes into dist/" in result.stderr


def test_the_leaking_build_leaks_where_the_canary_test_looks(tmp_path: Path):
    assert run_build("--variant", str(CANARY), "--out", str(tmp_path)).returncode == 0
    for target in ("firefox", "chromium"):
        manifest = json.loads((tmp_path / target / "manifest.json").read_text())
        assert manifest["content_scripts"][0]["js"][-1] == "content/canary.js"
        assert "connect-src 'none'" not in manifest["content_security_policy"]["extension_pages"]
        assert "canary-background.invalid" in (tmp_path / target / "background" / "background.js").read_text()


def test_the_release_build_has_no_canary(tmp_path: Path):
    assert run_build("--out", str(tmp_path)).returncode == 0
    for target in ("firefox", "chromium"):
        text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / target).rglob("*") if p.suffix in {".js", ".json"})
        assert "canary" not in text
        manifest = json.loads((tmp_path / target / "manifest.json").read_text())
        assert "connect-src 'none'" in manifest["content_security_policy"]["extension_pages"]
