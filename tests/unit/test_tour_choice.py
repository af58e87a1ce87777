"""The walkthrough's step choice (extension/content/tour-page.js `chooseStep`) without a browser:
the strongest page evidence wins, on equal evidence the later step; detours first; a step that comes
only after another replaces it; Back/Next hold; a URL that belongs to the current step keeps it.
Evidence numbers as tour-page.js counts them (docs/FLOWS.md, "How the current step is decided")."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RUNNER = Path(__file__).with_name("tour_choice_runner.cjs")

# (why, job, expected step id); matches are [step id, evidence]
CASES = [
    ("tie: the later step", {"flow": "o2-today", "matches": [["mein-o2", 1], ["meine-daten", 1]], "current": "mein-o2"},
     "meine-daten"),
    ("stronger evidence", {"flow": "o2-today", "matches": [["mein-o2", 1], ["meine-daten", 1], ["einstellungen", 2]],
                           "current": "mein-o2"}, "einstellungen"),
    ("stronger and earlier beats weaker and later",
     {"flow": "o2-today", "matches": [["login-user", 2], ["meine-daten", 1]], "current": "mein-o2"}, "login-user"),
    ("the consent form beats a link", {"flow": "o2-today", "matches": [["mein-o2", 1], ["clear", 4]], "current": "aendern"},
     "clear"),
    ("a stray box: only the way to Mein o2", {"flow": "o2-today", "matches": [["mein-o2", 1]], "current": "save"}, "mein-o2"),
    ("a detour first", {"flow": "o2-today", "matches": [["cookies", 1], ["mein-o2", 1]], "current": "mein-o2"}, "cookies"),
    ("done replaces save on the saved form", {"flow": "o2-2012", "matches": [["save", 5], ["done", 2]], "current": "save"},
     "done"),
    ("done beats the form's Ändern after saving", {"flow": "o2-today", "matches": [["aendern", 2], ["done", 2]],
                                                   "current": "save"}, "done"),
    ("nothing recognised: the step stays", {"flow": "o2-today", "matches": [], "current": "einstellungen"}, "einstellungen"),
    ("Next by hand holds", {"flow": "o2-today", "matches": [["einstellungen", 2]], "current": "aendern", "manual": True,
                            "held": "aendern"}, "aendern"),
    ("after Next, a further page moves on", {"flow": "o2-today", "matches": [["clear", 4]], "current": "aendern",
                                             "manual": True, "held": "aendern"}, "clear"),
    ("the URL belongs to the current step", {"flow": "o2-today", "matches": [["meine-daten", 1]], "current": "aendern",
                                             "currentHinted": True}, "aendern"),
    ("Utiq: done replaces the opt-out", {"flow": "utiq-optout", "matches": [["optout", 2], ["done", 3]], "current": "optout"},
     "done"),
]


def node() -> str:
    found = shutil.which("node") or "/usr/bin/node"
    if not Path(found).exists():
        pytest.skip("node is not installed")
    return found


@pytest.fixture(scope="module")
def chosen() -> list[str]:
    result = subprocess.run([node(), str(RUNNER)], input=json.dumps([job for _, job, _ in CASES]), capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", range(len(CASES)), ids=[why for why, _, _ in CASES])
def test_step_choice(chosen, case):
    why, job, expected = CASES[case]
    assert chosen[case] == expected, f"{why}: {job}"
