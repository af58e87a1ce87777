"""The labelled corpus (tests/fixtures/labels/*.csv) run through the real classifier.

text.js and classify.js from extension/content/ run in node's vm module (tests/unit/classify_runner.cjs)
with rules/vocabulary.json plus the terms of every site file, the way the content script merges
them. Each phrase is classified as a control's own name. Figures: no protected or neutral phrase
may come out as a consent, and at least 97 % must come out as labelled. `pytest -s` prints the
confusion table. How to add phrases: docs/RULES.md, "The labelled corpus".
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "labels"
RUNNER = Path(__file__).with_name("classify_runner.cjs")
CLASSES = ("consent", "objection", "protected", "none")
MIN_ACCURACY = 0.97
MIN_PHRASES = 300


def node() -> str:
    found = shutil.which("node") or "/usr/bin/node"
    if not Path(found).exists():
        pytest.skip("node is not installed")
    return found


def vocabularies() -> list[dict]:
    """The generic vocabulary first, then the terms of every site file."""
    rules = sorted((ROOT / "rules").glob("*.json"))
    docs = [json.loads(path.read_text(encoding="utf-8")) for path in rules if path.name != "schema.json"]
    generic = [doc["terms"] for doc in docs if doc.get("kind") == "vocabulary"]
    return generic + [doc.get("terms", {}) for doc in docs if doc.get("kind") == "site"]


def corpus() -> list[dict]:
    rows = []
    for path in sorted(CORPUS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                assert row["class"] in CLASSES, f"{path.name}:{line}: unknown class {row['class']!r}"
                rows.append({**row, "where": f"{path.name}:{line}"})
    return rows


def run_all(jobs: list[dict]) -> list[dict]:
    result = subprocess.run([node(), str(RUNNER)], input=json.dumps(jobs), capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@cache
def results() -> list[dict]:
    """One node run for the whole file: every job below, in this order."""
    empty = {"own": "", "group": "", "headers": "", "block": "", "heading": ""}
    plain = {"vocabularies": vocabularies()}
    return run_all([
        {**plain, "texts": [{"own": row["phrase"]} for row in corpus()]},
        {**plain, "texts": [{**empty, **description} for description, _, _ in LEVEL_CASES], "answers": ANSWER_TEXTS},
        {**plain, "texts": USER_DESCRIPTIONS},
        {**plain, "texts": USER_DESCRIPTIONS, "userTerms": USER_TERMS},
    ])


def predicted(verdict: dict) -> str:
    if verdict["protected"]:
        return "protected"
    return verdict["kind"] or "none"


@cache
def outcome() -> tuple[list[dict], list[str]]:
    return corpus(), [predicted(verdict) for verdict in results()[0]["verdicts"]]


def confusion_table(rows: list[dict], got: list[str]) -> str:
    counts = {(want, have): 0 for want in CLASSES for have in CLASSES}
    for row, have in zip(rows, got, strict=True):
        counts[(row["class"], have)] += 1
    right = sum(counts[(c, c)] for c in CLASSES)
    width = max(len(c) for c in CLASSES) + 2
    lines = ["expected \\ classified".ljust(22) + "".join(c.rjust(width) for c in CLASSES) + "   total"]
    for want in CLASSES:
        total = sum(counts[(want, have)] for have in CLASSES)
        lines.append(want.ljust(22) + "".join(str(counts[(want, have)]).rjust(width) for have in CLASSES) + str(total).rjust(8))
    lines.append(f"accuracy: {right}/{len(rows)} = {right / len(rows):.1%}")
    return "\n".join(lines)


def test_corpus_is_large_and_varied():
    rows = corpus()
    assert len(rows) >= MIN_PHRASES
    for kind in CLASSES:
        assert sum(row["class"] == kind for row in rows) >= 30, kind
    phrases = [row["phrase"].strip().lower() for row in rows]
    duplicates = {phrase for phrase in phrases if phrases.count(phrase) > 1}
    assert not duplicates, duplicates


def test_no_protected_or_neutral_phrase_is_a_consent():
    rows, got = outcome()
    wrong = [f"{row['where']}: {row['phrase']!r} ({row['class']})" for row, have in zip(rows, got, strict=True)
             if have == "consent" and row["class"] in ("protected", "none")]
    assert not wrong, "classified as consent:\n" + "\n".join(wrong)


def test_nothing_is_flipped_or_acted_on_wrongly():
    """Also ticking is an action: no protected or neutral phrase as objection, no consent/objection swap."""
    rows, got = outcome()
    wrong = [f"{row['where']}: {row['phrase']!r} ({row['class']} -> {have})" for row, have in zip(rows, got, strict=True)
             if have in ("consent", "objection") and have != row["class"]]
    assert not wrong, "\n".join(wrong)


def test_accuracy_and_confusion_table():
    rows, got = outcome()
    table = confusion_table(rows, got)
    print("\n" + table)
    misses = [f"{row['where']}: {row['phrase']!r} expected {row['class']}, got {have}"
              for row, have in zip(rows, got, strict=True) if have != row["class"]]
    if misses:
        print("misclassified:\n" + "\n".join(misses))
    right = len(rows) - len(misses)
    assert right / len(rows) >= MIN_ACCURACY, table + "\n" + "\n".join(misses)


# --- The classifier's interface beyond single phrases (docs/RULES.md) ---

LEVEL_CASES = [
    # (description, expected kind or "protected", why)
    ({"own": "E-Mail", "headers": "Rechnung | Service-Benachrichtigungen"}, "protected",
     "a protected table header wins over the page's advertising heading"),
    ({"own": "E-Mail", "headers": "Werbung | Kanäle", "heading": "Benachrichtigungen"}, "consent",
     "column header says what a box means"),
    ({"own": "Werbung per E-Mail", "headers": "Sicherheitshinweise"}, "protected", "protected header beats a consent label"),
    ({"own": "Werbung per E-Mail", "group": "Rechnung und Vertrag"}, "protected", "protected legend beats a consent label"),
    ({"own": "Ja", "group": "Dürfen wir dich über neue Tarife informieren?"}, "consent", "radio option under its question"),
    ({"own": "Dürfen wir dich über neue Tarife informieren?"}, "consent", "the question itself (group element)"),
    ({"own": "Werbenachrichten",
      "group": "Option deaktivieren, um keine Werbenachrichten von O2 in der App zu erhalten"}, "consent",
     "the instruction beside the switch is neutral: the own name decides"),
    ({"own": "Dienstkommunikation",
      "group": "Option deaktivieren, um keine Service-Nachrichten von O2 in der App zu erhalten"}, "protected",
     "service switch with its hint"),
    ({"own": "per Post", "group": "Ich widerspreche der Nutzung meiner Daten für Werbung"}, "objection",
     "a consent under an objecting legend objects"),
    ({"own": "E-Mail", "headers": "Widerspruch | Werbung"}, "objection", "objection column"),
    ({"own": "Werbung per SMS", "heading": "Rechnung und Anschluss"}, "consent",
     "a heading cannot protect what the own label names"),
    ({"own": "E-Mail", "heading": "Rechnung und Anschluss"}, "protected", "a protected heading leaves an unnamed box alone"),
    ({"own": "", "block": "Nutzung der Verkehrsdaten für bedarfsgerechte Angebote", "headers": "Ja | Ihre Einwilligungen"},
     "consent", "2012 table: block text, caption"),
    ({"own": "Werbung per E-Mail",
      "group": "Diese Einwilligung kann ich jederzeit widerrufen oder der Nutzung widersprechen."}, "consent",
     "a disclaimer in aria-describedby does not object"),
    ({"own": "E-Mail"}, None, "a channel alone means nothing"),
    ({"own": "Werbenachrichten", "group": "Benachrichtigungen"}, "consent",
     "a notifications group does not protect an advertising switch"),
    ({"own": "Benachrichtigung bei Lastschriftrückgabe", "heading": "Werbung und Angebote"}, "protected",
     "an unknown service notice under an advertising heading is left alone"),
    ({"own": "E-Mail", "group": "Erinnerungen", "heading": "Werbung"}, "protected",
     "a reminders group under an advertising heading is left alone"),
]


@pytest.mark.parametrize("index", range(len(LEVEL_CASES)), ids=[case[2] for case in LEVEL_CASES])
def test_levels_of_a_description(index):
    _, expected, why = LEVEL_CASES[index]
    verdict = results()[1]["verdicts"][index]
    assert (("protected" if verdict["protected"] else verdict["kind"]) == expected), (why, verdict)
    if verdict["kind"]:
        assert verdict["words"], verdict


ANSWERS = {
    "yes": ["Ja", "Ja, gerne", "Erlaubt", "Zustimmen", "Ich stimme zu", "Einverstanden", "Aktiviert", "An", "Opt-in",
            "Yes", "Allow", "I agree", "Accept", "Newsletter per E-Mail", "Werbung per SMS"],
    "no": ["Nein", "Nein, danke", "Nicht erlaubt", "Ablehnen", "Ich stimme nicht zu", "Nicht einverstanden", "Keine",
           "Deaktiviert", "Aus", "Opt-out", "Widersprechen", "No", "No thanks", "Don't allow", "Decline", "Off",
           "Newsletter abbestellen"],
    None: ["Alle", "E-Mail", "Notify me", "Bitte wählen", "Nothing special", "Rechnung per Post", "HTML", "Wöchentlich"],
}


ANSWER_TEXTS = [text for values in ANSWERS.values() for text in values]


def test_answers_from_the_vocabulary():
    got = dict(zip(ANSWER_TEXTS, results()[1]["answers"], strict=True))
    wrong = {text: got[text] for meaning, values in ANSWERS.items() for text in values if got[text] != meaning}
    assert not wrong, wrong


USER_DESCRIPTIONS = [{"own": "Bonusprogramm-Punkte per E-Mail"}, {"own": "Werbung per E-Mail"},
                     {"own": "Kein Kundenmagazin"}, {"own": "E-Mail", "heading": "Mein Lieblingsverein"}]
USER_TERMS = [{"phrase": "Bonusprogramm", "kind": "consent"}, {"phrase": "Werbung per E-Mail", "kind": "protected"},
              {"phrase": "Kundenmagazin", "kind": "consent"}, {"phrase": "Lieblingsverein", "kind": "protected"},
              {"phrase": "x", "kind": "nonsense"}]


def test_user_terms_apply_at_once_and_protected_wins_everywhere():
    before = [predicted(v) for v in results()[2]["verdicts"]]
    assert before == ["none", "consent", "none", "none"], before
    after = [predicted(v) for v in results()[3]["verdicts"]]
    # a user consent word is negated like a vocabulary word; a protected one wins even in a heading
    assert after == ["consent", "protected", "objection", "protected"], after


def test_vocabulary_classes_are_complete():
    """Every class a combination names exists, and so does every class with a role in classify.js."""
    merged: dict = {}
    for terms in vocabularies():
        for name, words in terms.get("classes", {}).items():
            merged.setdefault(name, []).extend(words)
    combinations = [c for terms in vocabularies() for c in terms.get("combinations", [])]
    named = {name for c in combinations for name in c["all"]}
    roles = {"negators", "optOut", "nonNegating", "disclaimerMarkers", "instruction", "notices"}
    missing = sorted(name for name in named | roles if not merged.get(name))
    assert not missing, f"classes without terms: {missing}"


def test_an_indexed_list_finds_what_term_by_term_finds():
    """text.js indexes a list once it is asked often (a table of many rows): every list of the
    vocabulary, on every phrase of the corpus and its running text, finds the same terms in the
    same order both ways. (An index that lost a term would miss a consent only on large pages.)"""
    lists = []

    def collect(value):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            lists.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    for vocabulary in vocabularies():
        collect(vocabulary)
    phrases = [row["phrase"] for row in corpus()]
    texts = phrases + [" ".join(phrases[i:i + 12]) for i in range(0, len(phrases), 12)]
    result = subprocess.run([node(), str(RUNNER.with_name("term_index_runner.cjs"))],
                            input=json.dumps({"lists": lists, "texts": texts}),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert len(lists) >= 20 and outcome["asked"] == len(lists) * len(texts)
    assert outcome["count"] == 0, outcome["differences"]
