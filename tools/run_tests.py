#!/usr/bin/env python3
"""Run the whole test suite: build once, then Firefox and Chromium side by side.

Two pytest processes (one per browser, the unit tests with the last) run in parallel: the
browsers mostly wait for pages, so two cores serve both. Each one's output is printed when it
ends, then one closing line counts them all: 'N passed, N failed'. Extra arguments go to pytest.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|deselected)")


def main() -> int:
    started = time.monotonic()
    build = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q"], cwd=ROOT, check=False)
    if build.returncode != 0:
        return build.returncode
    browsers = [b for b in os.environ.get("OHNE_HAKEN_BROWSERS", "firefox,chromium").split(",") if b]
    runs = []
    for index, browser in enumerate(browsers):
        env = {**os.environ, "OHNE_HAKEN_BROWSERS": browser, "OHNE_HAKEN_PREBUILT": "1"}
        args = [sys.executable, "-m", "pytest", *sys.argv[1:]]
        if index < len(browsers) - 1:  # the unit tests go with the last (the quicker) browser
            args += ["--ignore", str(ROOT / "tests" / "unit")]
        log = tempfile.NamedTemporaryFile("w+", encoding="utf-8", prefix=f"pytest-{browser}-", suffix=".log", delete=False)
        runs.append((browser, subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    totals: dict[str, int] = {}
    worst = 0
    for browser, process, log in runs:
        code = process.wait()
        log.seek(0)
        output = log.read()
        log.close()
        Path(log.name).unlink()
        print(f"==== {browser} ====\n{output}", flush=True)
        summary = output.strip().splitlines()[-1] if output.strip() else ""
        for number, word in COUNT.findall(summary):
            kind = "errors" if word.startswith("error") else word
            totals[kind] = totals.get(kind, 0) + int(number)
        if code not in (0, 5):
            worst = max(worst, code)
    failed = totals.get("failed", 0) + totals.get("errors", 0)
    print(f"suite time: {time.monotonic() - started:.0f} s for {', '.join(browsers)}")
    line = f"{totals.get('passed', 0)} passed, {failed} failed"
    if totals.get("skipped"):
        line += f", {totals['skipped']} skipped"
    print(line)
    if totals.get("passed", 0) == 0 and not failed:
        return 1  # nothing ran: that is a failure, not a success
    return worst or (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
