"""Context the way a screen reader announces a control: labels.describe() and classify() in a page.

The extension's real dom.js, text.js, labels.js and classify.js are loaded into the fixture page
tests/fixtures/labels/describe.html (opened on 127.0.0.1, where the extension itself does not run)
with the merged rule vocabulary, and every [data-case] element is described and classified.
The page's title and h1 say "Werbung"; a second table of service notices stands under the same
title: its boxes must come out protected (the do-nothing half of the page).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ["dom.js", "text.js", "labels.js", "classify.js"]

HINT = "Option deaktivieren, um keine {} von O2 in der App zu erhalten"
# case -> (own, group, headers, heading, verdict); verdict is "consent", "objection", "protected" or None
EXPECTED = {
    "ads-tariffs-email": ("E-Mail", "", "E-Mail | Angebote zu Tarifen | Werbung", None, "consent"),
    "ads-tariffs-sms": ("", "", "SMS | Angebote zu Tarifen | Werbung", None, "consent"),
    "ads-research-sms": ("", "", "SMS | Marktforschung | Werbung", None, "consent"),
    "svc-bill-email": ("", "", "E-Mail | Rechnung | Service-Benachrichtigungen", None, "protected"),
    "svc-security-sms": ("", "", "SMS | Sicherheitshinweise | Service-Benachrichtigungen", None, "protected"),
    "span-ads-post": ("", "", "Werbung | Post", "Kanäle nach Zweck", "consent"),
    "span-ads-phone": ("", "", "Werbung | Telefon", "Kanäle nach Zweck", "consent"),
    "span-service-phone": ("", "", "Service | Telefon", "Kanäle nach Zweck", "protected"),
    "headers-attr-2": ("", "", "Neuigkeiten | Push", None, None),
    "grid-ads": ("", "", "Werbung per Post | Festnetz | Einwilligungen", None, "consent"),
    "grid-fault": ("", "", "Störungsmeldung | Festnetz | Einwilligungen", None, "protected"),
    "fieldset-question": ("Dürfen wir dich über neue Tarife informieren?", "", "", None, "consent"),
    "radio-yes": ("Ja", "Dürfen wir dich über neue Tarife informieren?", "", None, "consent"),
    "radiogroup-question": ("Dürfen wir deine Verbindungsdaten anonymisiert auswerten?", "", "", None, "consent"),
    # a neighbouring question's "Ablehnen" is not this question's intro (no objection context)
    "after-neighbour": ("Teilnahme an Marktforschung", "", "", "Personalisierte Werbung", "consent"),
    # a question's own text without its options' labels ("Nicht erlaubt" negates nothing)
    "pair-div": ("Werbung per SMS", "", "", None, "consent"),
    "fieldset-unnamed": ("Dürfen wir dich für Kundenbefragungen anrufen?", "", "", None, "consent"),
    "switch-ads": ("Werbenachrichten", "Benachrichtigungen in der App | " + HINT.format("Werbenachrichten"),
                   "", None, "consent"),
    "switch-service": ("Dienstkommunikation", "Benachrichtigungen in der App | " + HINT.format("Dienstkommunikation"),
                       "", None, "protected"),
    "under-title-only": ("E-Mail", "", "", "Hier legst du fest, wie wir dich erreichen dürfen.", None),
    "under-title-copy": ("SMS", "", "", "", None),
}

DESCRIBE = """
const [sources, vocabularies] = arguments;
globalThis.ohneHaken = {};
for (const source of sources) (0, eval)(source);
const OH = globalThis.ohneHaken;
const vocabulary = OH.mergeVocabulary(...vocabularies);
const classifier = OH.createClassifier(vocabulary);
const all = [...document.querySelectorAll('[data-case]')];
const chains = all.map(OH.labels.anchorsOf);
const out = {};
for (const element of all) {
  const d = OH.labels.describe(element, chains, vocabulary.stateWords);
  const v = classifier.classify(d);
  out[element.dataset.case] = {own: d.own, group: d.group, headers: d.headers, heading: d.heading,
    verdict: v.protected ? 'protected' : v.kind, visual: d.visual === element || d.visual.contains(element)};
}
return out;
"""


def vocabularies() -> list[dict]:
    """The terms of every vocabulary file (merged in the page by the extension's own mergeVocabulary)."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "rules").glob("*.json")) if p.name != "schema.json"]
    return [doc["terms"] for doc in docs if doc["kind"] == "vocabulary"]


def test_describe_reads_labels_groups_table_headers_and_headings(browser):
    browser.open_unmapped("labels/describe.html")
    browser.wait(lambda: browser.js("return document.readyState") == "complete")
    sources = [(ROOT / "extension" / "content" / name).read_text(encoding="utf-8") for name in SCRIPTS]
    got = browser.js(DESCRIBE, sources, vocabularies())
    wrong = {}
    for case, (own, group, headers, heading, verdict) in EXPECTED.items():
        have = got[case]
        want = {"own": own, "group": group, "headers": headers, "verdict": verdict, "visual": True}
        if heading is not None:
            want["heading"] = heading
        if any(have[key] != value for key, value in want.items()):
            wrong[case] = {"want": want, "have": have}
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
