#!/usr/bin/env python3
"""Run `web-ext lint` offline on a built Firefox package and demand 0 errors, 0 warnings, 0 notices."""
import json
import subprocess
import sys

source = sys.argv[1] if len(sys.argv) > 1 else "dist/firefox"
result = subprocess.run(
    ["npx", "--no-install", "web-ext", "lint", "--source-dir", source, "--no-config-discovery", "--output", "json"],
    check=False, capture_output=True, text=True)
try:
    report = json.loads(result.stdout[result.stdout.index("{"):])
except ValueError:
    print(f"web-ext lint did not return a report:\n{result.stdout}\n{result.stderr}", file=sys.stderr)
    sys.exit(1)
counts = {kind: len(report.get(kind, [])) for kind in ("errors", "warnings", "notices")}
for kind in ("errors", "warnings", "notices"):
    for item in report.get(kind, []):
        print(f"web-ext {kind[:-1]}: {item.get('code')}: {item.get('message')} ({item.get('file', '')})", file=sys.stderr)
print(f"web-ext lint {source}: {counts['errors']} errors, {counts['warnings']} warnings, {counts['notices']} notices")
sys.exit(1 if any(counts.values()) else 0)
