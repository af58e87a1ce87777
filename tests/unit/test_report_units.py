"""The page report's redaction (content/report.js `redact`) and the own words' validation
(content/user-terms.js `check`, `valid`) on a table of inputs, in node (tests/unit/report_runner.cjs).
The browser tests (tests/test_report.py, tests/test_own_words.py) check the wiring on real pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RUNNER = Path(__file__).with_name("report_runner.cjs")

REDACT = [
    ("Rufnummer 0176 12345678", "Rufnummer [12 digits]"),
    ("IBAN DE89 3704 0044 0532 0130 00", "IBAN DE[20 digits]"),
    ("PLZ 51147, Kundennummer 4711-0815-42", "PLZ [5 digits], Kundennummer [10 digits]"),
    ("Geburtstag 03.11.1980", "Geburtstag [8 digits]"),
    ("Werbung an erika.mustermann@example.de senden", "Werbung an [e-mail] senden"),
    ("Mail: a.b+c@sub.example.co.uk.", "Mail: [e-mail]"),
    ("Angebote von o2 per SMS", "Angebote von o2 per SMS"),  # one digit after a letter stays
    ("Schritt 3 von 12", "Schritt [1 digits] von [2 digits]"),
    ("  viel   Leerraum\n", "viel Leerraum"),
    ("x" * 400, "x" * 299 + "…"),
]

CHECK = [
    (["Clubpost", "consent", []], {"ok": True, "term": {"phrase": "Clubpost", "kind": "consent"}}),
    (["  Kunden  magazin ", "protected", []], {"ok": True, "term": {"phrase": "Kunden magazin", "kind": "protected"}}),
    (["ab", "consent", []], {"ok": False, "error": "length"}),
    (["x" * 61, "consent", []], {"ok": False, "error": "length"}),
    (["<b>Werbung</b>", "consent", []], {"ok": False, "error": "markup"}),
    (["Werbung &amp; mehr", "consent", []], {"ok": False, "error": "markup"}),
    (["javascript:alert", "consent", []], {"ok": False, "error": "markup"}),
    (["12345", "consent", []], {"ok": False, "error": "letters"}),
    (["Clubpost", "maybe", []], {"ok": False, "error": "kind"}),
    (["clubpost", "objection", [{"phrase": "Clubpost", "kind": "consent"}]], {"ok": False, "error": "duplicate"}),
    (["Neu", "consent", [{"phrase": f"Wort {i}", "kind": "consent"} for i in range(50)]], {"ok": False, "error": "full"}),
    (["Marketing & Angebote", "consent", []], {"ok": True, "term": {"phrase": "Marketing & Angebote", "kind": "consent"}}),
]

VALID = [
    (None, []),
    ("Clubpost", []),
    ([{"phrase": "Clubpost", "kind": "consent"}, {"phrase": "<i>x</i>", "kind": "consent"},
      {"phrase": "clubpost", "kind": "objection"}, {"kind": "consent"}, {"phrase": "Kundenmagazin", "kind": "protected"}],
     [{"phrase": "Clubpost", "kind": "consent"}, {"phrase": "Kundenmagazin", "kind": "protected"}]),
]


@pytest.fixture(scope="module")
def results() -> dict:
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("node is not installed")
    job = {"redact": [text for text, _ in REDACT], "check": [args for args, _ in CHECK], "valid": [value for value, _ in VALID]}
    done = subprocess.run([node, str(RUNNER)], input=json.dumps(job), capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("index", range(len(REDACT)), ids=[text[:30] for text, _ in REDACT])
def test_redact(results, index):
    assert results["redact"][index] == REDACT[index][1]


@pytest.mark.parametrize("index", range(len(CHECK)), ids=[str(args[0])[:30] for args, _ in CHECK])
def test_check(results, index):
    assert results["check"][index] == CHECK[index][1]


@pytest.mark.parametrize("index", range(len(VALID)), ids=["none", "text", "mixed"])
def test_valid(results, index):
    assert results["valid"][index] == VALID[index][1]
