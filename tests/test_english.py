"""The English interface: the panel, the launcher and the walkthrough in a browser whose interface
is English (the other tests run in German). One English browser for this module (`english` in
conftest.py): a browser's start is seconds of the suite, and it is gone before the other modules
run (an idle Chromium fetches its own components after a while, which the request check of the
tests running meanwhile would count)."""

from __future__ import annotations

from harness import Tour, log_in, start_tour
from test_panel import ITEMS, clear, message, open_page
from test_tour import ANNOUNCED


def test_panel_speaks_english_in_an_english_browser(english, locales):
    en = locales["en"]
    open_page(english, "engine/o2-2012-form.html", active=6)
    assert english.panel_text('[data-action="clear-all"]') == en["clearAll"]["message"]
    assert english.panel_text('[data-role="active-count"]') == message(en, "activeCount", "6")
    assert english.panel_text("summary") == message(en, "foundSummary", "7")
    assert english.js(ITEMS)[0]["why"].startswith(message(en, "whyLabel", ""))
    clear(english)
    english.wait(lambda: english.active_count() == 0)
    assert english.panel_text('[data-role="status"]') == \
        f"{message(en, 'changedSummary', '6')} {message(en, 'saveHint', 'Speichern')}"
    # The launcher (a page without consents): its words are written in by build.py, per locale.
    english.open("smoke/plain.html")
    english.settled()
    assert english.js(f"return {english.PANEL_JS}.hasAttribute('data-ohne-haken-launcher')")
    assert english.panel_text('[data-role="active-count"]') == message(en, "launcherCount", "0")
    assert english.panel_text('[data-action="start-tour"]') == en["startTour"]["message"]


def test_walkthrough_speaks_english_in_an_english_browser(english):
    """The English interface stays: a second session whose browser asks for English."""
    tour = Tour(english)
    log_in(english)
    start_tour(english, "portal/mein-o2/meine-daten/")
    tour.wait_step(8, 12)
    assert tour.step_text() == "Step 8 of 12"
    assert english.panel_text('[data-action="start-tour"]') == "Guide me to the form"
    english.wait(lambda: english.js(ANNOUNCED)["text"].startswith("Step 8 of 12"))
