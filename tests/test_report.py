"""The page report ("Seite melden", issue 16): made on the device, shown first, then copied or saved
by the user; strict redaction; no request and no storage write; report -> fixture -> same result.

Pages: tests/fixtures/reports/ (redaction.html and its twin; the fixtures written by
tools/report_to_fixture.py, listed in cases.json) and some engine pages for the round trip.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from harness import FIXTURES, ROOT, check_page
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

CASES = json.loads((FIXTURES / "reports" / "cases.json").read_text())
TOOL = ROOT / "tools" / "report_to_fixture.py"
ROUND_TRIP_OUT = FIXTURES / "reports" / "_roundtrip"  # generated during the test, not committed (.gitignore)
REPORT_TEXT = ("const h = {panel}; const e = h && h.shadowRoot.querySelector('[data-role=\"report\"]');"
               "return e ? e.textContent : ''")

# What the test types into redaction.html, and what the page shows or keeps of the customer.
TYPED = {"name": "Erika Mustermann", "street": "Heidestraße 17", "city": "51147 Köln", "phone": "0176 12345678",
         "iban": "DE89 3704 0044 0532 0130 00", "mail": "erika.mustermann@example.de", "kkz": "8375",
         "lines": "3141", "note": "Bitte ruft mich nie an, Erika"}
MEMO = "Geheime Notiz von Frau Mustermann"
SECRETS = ["Erika", "Mustermann", "Heidestra", "51147", "Köln", "0176", "12345678", "DE89", "3704", "0532",
           "erika.mustermann", "example.de", "8375", "3141", "nie an", "Geheime", "sessiontoken", "99887766",
           "4711", "0815", "o2session", "kd=", "iban-anchor", "03.11", "07:45"]


@pytest.fixture(scope="module")
def downloads(browser_session, tmp_path_factory) -> Path:
    """Downloads of this browser go to a folder of the test's (no dialog)."""
    folder = tmp_path_factory.mktemp(f"downloads-{browser_session.name}")
    driver = browser_session.driver
    if browser_session.name == "firefox":
        with driver.context(driver.CONTEXT_CHROME):
            driver.execute_script(
                "Services.prefs.setIntPref('browser.download.folderList', 2);"
                "Services.prefs.setStringPref('browser.download.dir', arguments[0]);"
                "Services.prefs.setBoolPref('browser.download.useDownloadDir', true);"
                "Services.prefs.setBoolPref('browser.download.always_ask_before_handling_new_types', false);"
                "Services.prefs.setBoolPref('browser.download.alwaysOpenPanel', false);", str(folder))
    else:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


def report_text(browser) -> str:
    return browser.js(REPORT_TEXT.format(panel=browser.PANEL_JS))


def open_report(browser) -> str:
    browser.click_action("page-report")
    browser.wait(lambda: report_text(browser), message="no report shown")
    return report_text(browser)


def saved_report(browser, folder: Path) -> dict:
    """Press "Als Datei speichern" and read the file it downloads."""
    for old in folder.iterdir():
        old.unlink()
    browser.click_action("report-save")
    browser.wait(lambda: [f for f in folder.glob("*.json")], message="no report file downloaded")
    path = next(folder.glob("*.json"))
    browser.wait(lambda: path.stat().st_size > 0 and path.read_text().rstrip().endswith("}"))
    return json.loads(path.read_text())


def copied(browser) -> str:
    """Press "Kopieren", then paste the clipboard into a text area of the test's own on the page."""
    browser.click_action("report-copy")
    browser.wait(lambda: browser.panel_text('[data-role="report-status"]'))
    area = browser.js("const t = document.createElement('textarea'); t.id = 'paste-here'; document.body.prepend(t); return t;")
    area.click()
    ActionChains(browser.driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    browser.wait(lambda: browser.js("return document.getElementById('paste-here').value"), message="nothing pasted")
    return browser.js("return document.getElementById('paste-here').value")


def type_customer_data(browser):
    for field, value in TYPED.items():
        browser.driver.find_element(By.ID, field).send_keys(value)
    browser.driver.find_element(By.ID, "memo").send_keys(MEMO)


def assert_redacted(text: str):
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaked, f"personal data in the report: {leaked}"


def test_report_shows_structure_and_verdicts(browser, downloads):
    browser.open("engine/mixed-settings.html")
    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == 3)
    text = open_report(browser)
    assert "www.o2online.de/engine/mixed-settings.html" in text
    assert browser.panel_text('[data-action="report-copy"]') and browser.panel_text('[data-action="report-save"]')
    link = browser.js(f"return {browser.PANEL_JS}.shadowRoot.querySelector('[data-role=\"report-link\"]').href")
    assert link.startswith("https://") and "/issues" in link
    report = saved_report(browser, downloads)
    assert report["format"] == "ohne-haken-report" and report["page"]["path"] == "/engine/mixed-settings.html"
    assert report["summary"]["total"] == 4 and report["summary"]["active"] == 3
    assert report["extension"]["browser"].startswith(browser.name)
    kinds = [control["kind"] for control in report["controls"]]
    assert kinds.count("consent") == 4 and len(kinds) == 11  # every checkbox listed; seven are not consents
    traffic = next(c for c in report["controls"] if c["kind"] and "Verkehrsdaten" in c.get("label", ""))
    assert traffic["words"] and traffic["source"] and traffic["checked"] is True and traffic["shape"] == "checkbox"
    assert "Partner" in json.dumps(report["regions"], ensure_ascii=False)  # the section headings inside the form
    assert report["landmarks"] and report["headings"][0]["text"] == "Meine Einstellungen"


def test_report_redacts_personal_data(browser, downloads):
    browser.open("reports/redaction.html?kd=4711081542&name=Erika#iban-anchor")
    browser.fixture_ready()
    type_customer_data(browser)
    browser.wait(lambda: browser.active_count() == 3)
    text = open_report(browser)
    assert_redacted(text)
    assert "[e-mail]" in text and "[12 digits]" in text  # the labels' address and number, reduced
    report = saved_report(browser, downloads)
    dumped = json.dumps(report, ensure_ascii=False)
    assert_redacted(dumped)
    assert report["page"]["path"] == "/reports/redaction.html"
    fields = {c["n"]: c for c in report["controls"]}
    assert len(fields) == 4 and all("value" not in c for c in fields.values())
    assert "Kundenkennzahl" in dumped and "IBAN" in dumped  # the labels stay, the values never come
    assert_redacted(copied(browser))


def test_twin_report_redacts_too(browser, downloads):
    browser.open("reports/redaction-twin.html")
    browser.fixture_ready()
    type_customer_data(browser)
    browser.wait(lambda: browser.active_count() == 0)
    assert_redacted(open_report(browser))
    report = saved_report(browser, downloads)
    assert_redacted(json.dumps(report, ensure_ascii=False))
    assert report["summary"]["total"] == 0 and [c["kind"] for c in report["controls"]] == [None]
    assert browser.page_state() == {"onlineBill": True}


def test_report_sends_nothing_and_stores_nothing(browser, popup, downloads):
    popup.open()
    popup.call("window.__changes = []; for (const area of ['local', 'session', 'sync']) {"
               " api.storage.onChanged.addListener((c, a) => window.__changes.push([a, Object.keys(c)])); } done();")
    popup.to(popup.main)
    browser.open("engine/mixed-settings.html")
    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == 3)
    browser.settle()
    browser.requests.clear()
    open_report(browser)
    copied(browser)
    saved_report(browser, downloads)
    browser.click_action("report-close")
    browser.settle()
    assert [url for url in browser.requests if not url.startswith("blob:")] == [], "making a report asked the network"
    assert popup.call("done(window.__changes);") == [], "making a report wrote to storage"


def test_popup_opens_the_report_in_the_panel(browser, popup):
    popup.to(popup.main)
    browser.open("engine/mixed-settings.html")
    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == 3)
    url = browser.driver.current_url
    popup.open()
    popup.open(tab=popup.tab_id(url))
    popup.press('[data-action="page-report"]')
    popup.to(popup.main)
    browser.wait(lambda: "mixed-settings.html" in report_text(browser), message="the popup did not open the report")


def test_report_on_a_page_checked_on_request(browser, popup, downloads):
    """A page of another provider checked with "Diese Seite prüfen" (Firefox: see test_generic.py)."""
    check_page(browser, popup, "generic/einwilligungen.html", "www.anbieter.example")
    browser.wait(lambda: browser.active_count() == 3)
    assert "www.anbieter.example/generic/einwilligungen.html" in open_report(browser)
    report = saved_report(browser, downloads)
    assert report["page"]["host"] == "www.anbieter.example" and report["summary"]["total"] == 3


def test_report_on_a_page_without_consents(browser):
    browser.open("smoke/plain.html")
    browser.settle()
    text = open_report(browser)
    assert "smoke/plain.html" in text


def make_fixture(report: dict, name: str) -> str:
    ROUND_TRIP_OUT.mkdir(exist_ok=True)
    source = ROUND_TRIP_OUT / f"{name}.json"
    source.write_text(json.dumps(report))
    subprocess.run([sys.executable, str(TOOL), str(source), "--name", name, "--out", str(ROUND_TRIP_OUT), "--no-table"],
                   check=True)
    return f"reports/_roundtrip/{name}.html"


def marks_in_order(browser) -> list:
    return [mark for _, mark in sorted(browser.page_marks().items(), key=lambda kv: int(kv[0]))]


ROUND_TRIP = ["engine/mixed-settings.html", "engine/one-elements.html", "engine/iframe.html",
              "engine/o2-today-editor.html", "engine/switches.html", "engine/o2-2012-form.html", "engine/radio-questions.html",
              "engine/select-consents.html", "engine/pressed-chips.html", "engine/channel-table.html", "reports/redaction.html"]


@pytest.mark.parametrize("page", ROUND_TRIP, ids=[p.split("/")[-1] for p in ROUND_TRIP])
def test_round_trip(browser, downloads, page):
    browser.open(page)
    browser.fixture_ready()
    browser.settle()
    browser.panel()
    original = saved_report(browser, downloads) if open_report(browser) else None
    name = f"{browser.name}-{Path(page).stem}"
    browser.open(make_fixture(original, name))
    browser.fixture_ready()
    want = [control["kind"] for control in original["controls"]]
    browser.wait(lambda: marks_in_order(browser) == want, message=f"marks {marks_in_order(browser)} != {want}")
    assert browser.active_count() == original["summary"]["active"]
    again = saved_report(browser, downloads) if open_report(browser) else None
    assert again["summary"]["total"] == original["summary"]["total"]
    assert [c["kind"] for c in again["controls"]] == want


@pytest.mark.parametrize("case", CASES, ids=[case["page"] for case in CASES])
def test_fixture_from_a_report(browser, case):
    """Every fixture written by tools/report_to_fixture.py: its count and marks (cases.json)."""
    browser.open(case["page"])
    browser.fixture_ready()
    want = {key: kind for key, kind in case["marks"].items()}
    browser.wait(lambda: browser.page_marks() == want, message=f"marks {browser.page_marks()} != {want}")
    assert browser.active_count() == case["active"]


def test_report_json_has_no_digit_runs_beyond_counts(browser, downloads):
    browser.open("reports/redaction.html")
    browser.fixture_ready()
    type_customer_data(browser)
    open_report(browser)
    report = saved_report(browser, downloads)
    texts = " ".join(strings([report["regions"], report["headings"], report["landmarks"]]))
    runs = re.findall(r"(?<!\w)\d+|\d{2,}", re.sub(r"\[\d+ digits\]", "", texts))  # "o2" may stay
    assert runs == [], f"digits kept in page text: {runs}"


def strings(value, key: str = ""):
    """Every piece of page text in a report part (not the references the report makes up itself)."""
    if isinstance(value, str):
        if key not in ("id", "for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"):
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key if key == "children" else "")
