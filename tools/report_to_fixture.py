#!/usr/bin/env python3
"""Turn a page report ("Seite melden") into a fixture page, so a user's report becomes a test.

    tools/report_to_fixture.py REPORT.json [--name NAME] [--out DIR] [--no-table]

REPORT.json is the file the panel's "Als Datei speichern" wrote, or the text "Kopieren" put on the
clipboard (the JSON block after the readable part is used). Writes DIR/NAME.html (default
tests/fixtures/reports/, NAME from the page's host and path) and, unless --no-table, its entry in
tests/fixtures/reports/cases.json (count and marks the extension gave on the reported page) and a
row in tests/fixtures/reports/README.md; tests/test_report.py then opens the page and expects the
same. The page rebuilds each reported region: tags, roles, types, aria-* and checked/selected
states, the kept (redacted) texts, shadow roots as declarative shadow DOM, frames as srcdoc
frames, and marks each control with data-report-control="N" for its `window.__fixture`.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "fixtures" / "reports"
FORMAT = "ohne-haken-report"
VOID = {"input", "br", "hr", "img", "meta", "link", "source", "wbr", "col", "area", "base", "track", "embed"}
TAG = re.compile(r"^[a-z][a-z0-9-]*$")
BOOLEAN = {"disabled", "hidden", "checked", "selected", "open"}
STYLE = ("[role=checkbox],[role=switch],[role=radio],[aria-pressed]{display:inline-block;min-width:16px;"
         "min-height:16px;border:1px solid #555;margin:2px}")
FIXTURE_SCRIPT = """
(function () {
  function all(root, out) {
    root.querySelectorAll('[data-report-control]').forEach(function (e) { out[e.getAttribute('data-report-control')] = e; });
    root.querySelectorAll('*').forEach(function (e) { if (e.shadowRoot) all(e.shadowRoot, out); });
    root.querySelectorAll('iframe').forEach(function (f) {
      try { if (f.contentDocument) all(f.contentDocument, out); } catch (x) {}
    });
    return out;
  }
  function checked(e) {
    if (e.tagName === 'SELECT') return e.selectedIndex;
    if (e.tagName === 'INPUT') return e.checked;
    var v = e.getAttribute('aria-checked') || e.getAttribute('aria-pressed');
    return v === 'true' || v === 'mixed';
  }
  var frames = document.querySelectorAll('iframe');
  var pending = frames.length;
  window.__fixture = {
    elements: function () { return all(document, {}); },
    state: function () { var out = {}, els = all(document, {}); for (var k in els) out[k] = checked(els[k]); return out; },
    submitted: 0,
    ready: pending === 0
  };
  frames.forEach(function (f) {
    function done() { if (--pending === 0) window.__fixture.ready = true; }
    if (f.contentDocument && f.contentDocument.readyState === 'complete' && f.contentDocument.body) done();
    else f.addEventListener('load', done, {once: true});
  });
  document.addEventListener('submit', function (e) { e.preventDefault(); window.__fixture.submitted++; }, true);
})();
"""


def load_report(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    block = re.search(r"```json\s*(\{.*\})\s*```", text, re.S)
    report = json.loads(block.group(1) if block else text)
    if report.get("format") != FORMAT or report.get("formatVersion") != 1:
        sys.exit(f"{path}: not an Ohne Haken page report (format {FORMAT} 1)")
    return report


def attributes(node: dict) -> str:
    out = []
    for key, value in node.items():
        if key in ("tag", "children", "shadowRoot", "frame", "control"):
            continue
        if key in BOOLEAN:
            if value is True:
                out.append(key)
            continue
        if key in ("role", "type", "id", "for", "title", "name") or key.startswith("aria-"):
            out.append(f'{key}="{html.escape(str(value), quote=True)}"')
    if "control" in node:
        out.append(f'data-report-control="{int(node["control"])}"')
    return "".join(f" {a}" for a in out)


def render(items: list, depth: int = 0) -> str:
    parts = []
    for item in items:
        if isinstance(item, str):
            parts.append(html.escape(item))
            continue
        tag = item.get("tag", "div")
        if not TAG.match(tag) or tag in ("script", "style", "iframe", "object", "embed", "template"):
            tag = "div"
        inner = ""
        if "shadowRoot" in item:
            inner += f'<template shadowrootmode="open">{render(item["shadowRoot"], depth + 1)}</template>'
        if "frame" in item:
            frame = item["frame"]
            body = render(frame.get("children", []), depth + 1)
            doc = f'<!doctype html><html><head><meta charset="utf-8"><style>{STYLE}</style></head><body>{body}</body></html>'
            inner += f'<iframe srcdoc="{html.escape(doc, quote=True)}" title="frame"></iframe>'
        inner += render(item.get("children", []), depth + 1)
        if tag in VOID:
            parts.append(f"<{tag}{attributes(item)}>{inner}")
        else:
            parts.append(f"<{tag}{attributes(item)}>{inner}</{tag}>")
    return "".join(parts)


def page(report: dict, source: str) -> str:
    headings = "\n".join(f"<h{min(max(int(h['level']), 1), 6)}>{html.escape(h['text'])}</h{min(max(int(h['level']), 1), 6)}>"
                         for h in report.get("headings", [])[:1])  # the page's title heading; the others have no known place
    regions = "\n".join(render([region]) for region in report.get("regions", []))
    page_info = report["page"]
    return f"""<!doctype html>
<!--
  Written by tools/report_to_fixture.py from {html.escape(source)}: a page report of
  {html.escape(page_info['host'] + page_info['path'])} made with Ohne Haken {html.escape(report['extension']['version'])}
  ({html.escape(report['extension']['browser'])}).
  Reported: {report['summary']['total']} settings, {report['summary']['active']} sharing data.
  The regions with controls as the report kept them (redacted text, no values); controls carry
  data-report-control="N" (the report's control numbers). Expected marks: cases.json.
-->
<html lang="{html.escape(page_info.get('language') or 'de')}">
<head>
<meta charset="utf-8">
<title>Report fixture: {html.escape(page_info['path'])}</title>
<style>{STYLE}</style>
</head>
<body>
{headings}
<main>
{regions}
</main>
<script>{FIXTURE_SCRIPT}</script>
</body>
</html>
"""


def default_name(report: dict) -> str:
    base = f"{report['page']['host']}{report['page']['path']}".lower()
    return re.sub(r"[^a-z0-9]+", "-", base).strip("-")[:60] or "report"


def add_to_table(report: dict, name: str, source: str) -> None:
    cases_path = REPORTS / "cases.json"
    cases = json.loads(cases_path.read_text()) if cases_path.exists() else []
    entry = {
        "page": f"reports/{name}.html",
        "reported": f"{report['page']['host']}{report['page']['path']}",
        "extension": f"{report['extension']['version']} {report['extension']['browser']}",
        "total": report["summary"]["total"],
        "active": report["summary"]["active"],
        "marks": {str(c["n"]): c["kind"] for c in report["controls"]},
    }
    cases = [case for case in cases if case["page"] != entry["page"]] + [entry]
    cases_path.write_text(json.dumps(cases, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    readme = REPORTS / "README.md"
    row = (f"| `{name}.html` | {entry['reported']} | {entry['total']} / {entry['active']} | "
           f"report of Ohne Haken {entry['extension']} ({Path(source).name}, {datetime.date.today().isoformat()}) |")
    lines = [line for line in readme.read_text(encoding="utf-8").splitlines() if not line.startswith(f"| `{name}.html` |")]
    readme.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--name", help="file name without .html (default: from host and path)")
    parser.add_argument("--out", type=Path, default=REPORTS, help="folder for the page (default tests/fixtures/reports)")
    parser.add_argument("--no-table", action="store_true", help="write only the page, no cases.json entry or README row")
    args = parser.parse_args(argv)
    report = load_report(args.report)
    name = re.sub(r"[^a-z0-9-]+", "-", (args.name or default_name(report)).lower())
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"{name}.html"
    target.write_text(page(report, args.report.name), encoding="utf-8")
    if not args.no_table:
        add_to_table(report, name, str(args.report))
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
