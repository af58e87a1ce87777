"""build.py --bench: the benchmark probe goes into bench builds only, never into dist/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import build  # noqa: E402  (BUNDLES)

PROBE = "content/bench-probe.js"


def run_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def test_bench_build_refuses_dist():
    result = run_build("--bench")
    assert result.returncode == 1
    assert "never goes into dist/" in result.stderr


def test_bench_build_runs_the_probe_first_and_hears_from_every_script(tmp_path: Path):
    assert run_build("--bench", "--out", str(tmp_path)).returncode == 0
    for target in ("firefox", "chromium"):
        scripts = json.loads((tmp_path / target / "manifest.json").read_text())["content_scripts"][0]["js"]
        assert scripts[0] == PROBE
        assert (tmp_path / target / PROBE).read_text() == (ROOT / "tools" / "bench-probe.js").read_text()
        assert scripts[1:] == ["bundles/page.js"]
        for bundle, files in build.BUNDLES.items():
            code = (tmp_path / target / bundle).read_text()
            for name in files:
                assert f'ohneHakenBench?.before("{name}")' in code and f'ohneHakenBench?.after("{name}")' in code


def test_release_build_has_no_probe(tmp_path: Path):
    assert run_build("--out", str(tmp_path)).returncode == 0
    for target in ("firefox", "chromium"):
        scripts = json.loads((tmp_path / target / "manifest.json").read_text())["content_scripts"][0]["js"]
        assert PROBE not in scripts
        assert not (tmp_path / target / PROBE).exists()
        assert all("ohneHakenBench" not in (tmp_path / target / name).read_text() for name in [*scripts, *build.BUNDLES])
