"""tools/bench.py's judging and its report (docs/benchmarks.md), on made-up figures: a budget met
reads "yes", one missed reads "no", gets its "what limits it" text and makes `make bench` fail.
The browsers' half of the benchmark takes minutes and runs in `make bench` only; this half is what
turns its figures into the verdict, and a slip there (a key, a format field) would go unnoticed
until then."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import bench  # noqa: E402


def figure(value: float) -> dict:
    return bench.stats([value] * bench.MIN_RUNS)


def outside_page(key: str, cdp: bool, script: float) -> dict:
    page = {"load_with": figure(50.0), "load_without": figure(50.0), "elements": 3000, "load_ratio": 1.0,
            "ready": figure(30.0), "ready_missing": 0}
    if key in bench.EMPTY_SIDE:
        page |= {"load_empty": figure(50.0), "load_ratio_empty": 1.0}
    if cdp:
        page |= {"script_with": figure(script + 1), "script_without": figure(1.0), "script": script,
                 "long": figure(0.0), "long_runs": 0, "long_base": 0.0}
        if key in bench.EMPTY_SIDE:
            page["script_empty"] = 0.5
    return page


def results_within_budget() -> dict:
    results = {}
    for name in ("firefox", "chromium"):
        cdp = name == "chromium"
        keys = bench.OUTSIDE if cdp else bench.FIREFOX_OUTSIDE
        results[name] = {
            "version": "1.0",
            "outside": {key: outside_page(key, cdp, script=1.0) for key in keys},
            "pages": {key: {"longest": figure(5.0), "total": figure(8.0)} for key in bench.OUTSIDE if key != "load"},
            "scan": {size: {"scan": figure(size / 1000), "floor": figure(size / 2000), "ratio": figure(2.0)}
                     for size in bench.SCAN_SIZES},
            "idle": {"total": figure(3.0), "load": figure(0.5), "callbacks": 0, "callback_kinds": {}, "hosts": 284},
            "mutations": {"batch": figure(1.0), "examined": figure(600.0), "documents": 0},
            "click": {"cpu": figure(40.0), "wall": figure(420.0), "reactions": figure(2.0), "rest": figure(70.0)},
        }
    return results


STATIC = {"build": figure(0.3), "files": ["bundles/page.js"], "size": 9_000, "detail": "page.js 9,000 bytes",
          "engine_files": ["bundles/engine.js"], "engine_count": 1, "engine_size": 110_000}
INFO = {"date": "2026-12-01 00:00 UTC", "machine": {"cpu": "test", "cores": 2, "memory": "1 GiB RAM", "os": "test"},
        "runs": bench.MIN_RUNS, "load_start": "0.0", "load_end": "0.0", "seconds": 1.0, "idle_hosts": 284}


def verdicts(results: dict) -> dict[str, bool | None]:
    return {figure.strip(): met for figure, _budget, _texts, met, _limit in bench.rows(results, STATIC)}


def test_figures_within_budget_are_all_met(tmp_path: Path):
    results = results_within_budget()
    lines = bench.rows(results, STATIC)
    assert [figure for figure, _b, _t, met, _l in lines if met is False] == []
    out = tmp_path / "benchmarks.md"
    bench.report(results, STATIC, INFO, lines, out)
    text = out.read_text(encoding="utf-8")
    assert "## Budgets missed\n\nNone." in text and "**no**" not in text
    assert "## How each figure is taken" in text


@pytest.mark.parametrize("change, figure, limit", [
    (lambda r: r["chromium"]["mutations"].update(batch=figure(2.5)), "Mutations: work per batch of 100 rows", "Mutations"),
    (lambda r: r["chromium"]["outside"]["none"].update(script=2.5),
     "Extension script per load, page without candidate controls (3,000 elements) (CDP ScriptDuration, with - without)",
     "Script per load"),
    (lambda r: r["firefox"]["outside"]["load"].update(load_ratio=1.04),
     "Page load, with / without the extension (engine/many-consents.html, same host name)", "Page load"),
    (lambda r: r["firefox"]["scan"][10_000].update(ratio=figure(3.5)), "scan / floor, 10,000 elements", "Scan"),
], ids=["mutations", "script", "page-load", "scan"])
def test_a_figure_over_its_budget_is_missed_and_explained(tmp_path: Path, change, figure, limit):
    results = results_within_budget()
    change(results)
    assert verdicts(results)[figure] is False
    assert [name for name, met in verdicts(results).items() if met is False] == [figure]
    out = tmp_path / "benchmarks.md"
    bench.report(results, STATIC, INFO, bench.rows(results, STATIC), out)
    missed = out.read_text(encoding="utf-8").split("## Budgets missed", 1)[1].split("## How each figure", 1)[0]
    assert f"**{limit}**" in missed and f"- {figure} (budget" in missed
    assert "What limits it: " in missed and "{" not in missed  # every format field of LIMITS filled in


def test_a_figure_only_one_browser_gives_is_judged_on_that_one():
    """Firefox has no CDP: the script figures read "-" there and are judged on Chromium's."""
    lines = {figure.strip(): (texts, met) for figure, _b, texts, met, _l in bench.rows(results_within_budget(), STATIC)}
    texts, met = lines["Extension script per load, the consent form (o2 2012) (CDP ScriptDuration, with - without)"]
    assert texts["firefox"] == "-" and texts["chromium"].startswith("1.0 ms") and met is True


def test_fewer_runs_than_a_median_needs_are_refused(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--runs", str(bench.MIN_RUNS - 1)])
    assert "at least" in capsys.readouterr().err
