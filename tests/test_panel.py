"""The in-page panel and the marks on the page (docs/HOOKS.md), in every browser of the session.

What tests/test_engine.py does not cover: the panel acts only on trusted input; what it lists and
says after a click; the save button it points at but never presses; confirmations and failures it
reports; the marks (outline and badge layer) and that they never shift the page's layout; where
the panel sits on a narrow screen; keyboard use; collapsing; late content; English.

Expected texts come from the built _locales of the language the panel speaks, so the tests hold in
a German and in an English browser (Debian's browsers speak German only with their l10n packages).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from harness import set_viewport
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

HOST = "document.querySelector('#ohne-haken-panel')"
DASH = "\N{EN DASH}"  # between a failed control's label and the reason (panel.js)

# The page itself presses a panel button, once with .click() and once with a dispatched event, and
# reports at once what it sees: a clear that started would have set data-busy synchronously.
PAGE_PRESSES = f"""
const host = {HOST};
const button = host.shadowRoot.querySelector(`[data-action="${{arguments[0]}}"]`);
button.click();
button.dispatchEvent(new MouseEvent('click', {{bubbles: true, composed: true, cancelable: true}}));
return {{busy: host.hasAttribute('data-busy'), state: window.__fixture.state()}};
"""

ITEMS = f"""
return Array.from({HOST}.shadowRoot.querySelectorAll('[data-role="items"] > li'), (li) => {{
  const [state, label, why] = li.children;
  return {{state: state.textContent, label: label.textContent, why: why.textContent}};
}});
"""

# The element a user sees for each control of the fixture: the control or the nearest ancestor
# (across shadow hosts) that carries an outline; its rect, and whether it is outlined at all.
OUTLINED = """
const out = {};
const els = window.__fixture.elements();
for (const key of Object.keys(els)) {
  let node = els[key], found = null;
  for (let i = 0; node && i < 5 && !found; i++, node = node.parentElement || node.getRootNode().host) {
    const style = getComputedStyle(node);
    if (style.outlineStyle === 'solid' && style.outlineWidth === '3px') found = node;
  }
  const r = found ? found.getBoundingClientRect() : null;
  out[key] = r && r.width > 0 && r.height > 0 ? [r.left, r.top] : null;
}
return out;
"""

LAYOUT = """
const els = document.querySelectorAll('body, header, .o2-header, nav, main, h1, table, tr, td, input, form, p, footer');
return {rects: Array.from(els, (e) => { const r = e.getBoundingClientRect(); return [e.tagName, r.x, r.y, r.width, r.height]; }),
        size: [document.documentElement.scrollWidth, document.documentElement.scrollHeight]};
"""

RECTS = f"""
const rect = (e) => {{ const r = e.getBoundingClientRect();
                     return {{left: r.left, top: r.top, right: r.right, bottom: r.bottom}}; }};
return {{panel: rect({HOST}), save: rect(document.querySelector('[data-ohne-haken="save"]')),
        width: document.documentElement.clientWidth, height: document.documentElement.clientHeight}};
"""

NEXT_FRAMES = ("const done = arguments[arguments.length - 1];"
               "requestAnimationFrame(() => requestAnimationFrame(() => done()));")


# ---- helpers ----------------------------------------------------------------------------


def message(messages: dict, key: str, *subs: str) -> str:
    """A message as chrome.i18n.getMessage renders it."""
    entry = messages[key]
    text = entry["message"]
    for name, placeholder in entry.get("placeholders", {}).items():
        text = re.sub(rf"\${re.escape(name)}\$", lambda _m, c=placeholder["content"]: c, text, flags=re.IGNORECASE)
    for index, sub in enumerate(subs, start=1):
        text = text.replace(f"${index}", sub)
    return text


def spoken(browser, locales) -> dict:
    """The messages of the language the panel speaks (told apart by its clear button)."""
    label = browser.panel_text('[data-action="clear-all"]')
    for messages in locales.values():
        if label in (messages["clearAll"]["message"], messages["clearing"]["message"]):
            return messages
    pytest.fail(f"the clear button says {label!r}, which is in no locale")


def normalize(text: str) -> str:
    """Like text.js: lower case, umlauts folded, accents removed, non-letters to one space."""
    text = text.lower()
    for umlaut, folded in {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}.items():
        text = text.replace(umlaut, folded)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


def open_page(browser, page: str, active: int | None = None):
    browser.open(page)
    browser.fixture_ready()
    browser.panel()
    if active is None:
        browser.wait(lambda: browser.active_count() > 0, message="no active consent found")
    else:
        browser.wait(lambda: browser.active_count() == active, message=f"active count should be {active}")


def clear(browser):
    browser.click_action("clear-all")
    browser.wait_idle()


def next_frames(browser):
    browser.driver.execute_async_script(NEXT_FRAMES)


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def badges(browser) -> list[dict]:
    """The badges in the extension's closed layer (WebDriver may open closed shadow roots)."""
    layer = browser.driver.find_element(By.CSS_SELECTOR, "ohne-haken-marks").shadow_root
    return [{"text": b.text, "class": b.get_attribute("class"), "rect": b.rect}
            for b in layer.find_elements(By.CSS_SELECTOR, ".badge") if b.is_displayed()]


# ---- trusted input only -------------------------------------------------------------------

def test_page_cannot_press_the_panel_buttons(browser):
    open_page(browser, "engine/o2-2012-form.html", active=6)
    initial = browser.page_state()
    for action in ("clear-all", "collapse", "start-tour"):
        assert browser.js(PAGE_PRESSES, action) == {"busy": False, "state": initial}, f"the page pressed {action}"
    browser.settle()
    assert browser.page_state() == initial
    assert browser.panel_text('[data-role="status"]') == ""
    assert browser.panel().find_element(By.CSS_SELECTOR, '[data-action="clear-all"]').is_displayed(), "collapsed by the page"
    assert browser.js("return document.getElementById('ohne-haken-tour')") is None

    # A real click does start the clear (data-busy at once, the button says so) ...
    browser.click_action("clear-all")
    assert browser.js(f"return {HOST}.hasAttribute('data-busy')"), "data-busy is missing while clearing"
    assert browser.js(f"return {HOST}.shadowRoot.querySelector('[data-action=\"clear-all\"]').disabled")
    browser.wait_idle()
    cleared = {key: False for key in initial}
    browser.wait(lambda: browser.page_state() == cleared)
    # ... and the page cannot press undo either.
    assert browser.js(PAGE_PRESSES, "undo") == {"busy": False, "state": cleared}
    browser.settle()
    assert browser.page_state() == cleared


# ---- what the panel says ------------------------------------------------------------------

def test_item_list_and_status_after_one_click(browser, locales):
    open_page(browser, "engine/o2-2012-form.html", active=6)
    m = spoken(browser, locales)
    rows = browser.js("const out = {}, els = window.__fixture.elements();"
                      "for (const k of Object.keys(els)) out[k] = els[k].closest('tr').textContent.replace(/\\s+/g, ' ').trim();"
                      "return out;")
    why_prefix = message(m, "whyLabel", "")

    def item_for(items, row):
        found = [item for item in items if row.startswith(item["label"].rstrip("…"))]
        assert len(found) == 1, f"{row!r} is listed {len(found)} times in {items}"
        return found[0]

    # The list opens from its summary and shows every control: label, state, and why.
    panel = browser.panel()
    panel.find_element(By.CSS_SELECTOR, "summary").click()
    assert panel.find_element(By.CSS_SELECTOR, '[data-role="items"]').is_displayed()
    assert browser.panel_text("summary") == message(m, "foundSummary", "7")
    items = browser.js(ITEMS)
    assert len(items) == 7
    for key, row in rows.items():
        item = item_for(items, row)
        state = "stateProtected" if key == "post" else "stateSharing"
        assert item["state"] == f"{m['kindConsent']['message']} · {m[state]['message']}: ", key
        assert item["why"].startswith(why_prefix), item
        words = [normalize(word).strip() for word in item["why"][len(why_prefix):].split(", ")]
        assert all(words) and all(f" {word}" in normalize(row) for word in words), (item["why"], row)

    clear(browser)
    browser.wait(lambda: not any(browser.page_state().values()))
    status = browser.panel_text('[data-role="status"]')
    assert status == f"{message(m, 'changedSummary', '6')} {message(m, 'saveHint', 'Speichern')}"
    assert "Speichern" in status
    assert all(item["state"].endswith(f"{m['stateProtected']['message']}: ") for item in browser.js(ITEMS))
    assert browser.panel_text('[data-role="failed"]') == ""
    assert browser.submitted() == 0


def test_show_save_scrolls_to_and_focuses_the_save_button(browser, locales):
    open_page(browser, "engine/many-consents.html")
    m = spoken(browser, locales)
    browser.js("window.scrollTo(0, 0)")
    in_view = ("const r = document.querySelector('[data-ohne-haken=\"save\"]').getBoundingClientRect();"
               "return r.top >= 0 && r.bottom <= innerHeight;")
    assert not browser.js(in_view), "the save button should start out of view"
    assert not browser.panel().find_element(By.CSS_SELECTOR, '[data-action="show-save"]').is_displayed()

    clear(browser)
    status = browser.panel_text('[data-role="status"]')
    assert message(m, "saveHint", "Änderungen speichern") in status, status
    browser.click_action("show-save")
    browser.wait(lambda: browser.js("return document.activeElement?.getAttribute('data-ohne-haken')") == "save",
                 message="the save button did not get focus")
    assert browser.js("return document.activeElement.textContent.trim()") == "Änderungen speichern"
    browser.wait(lambda: browser.js(in_view), message="the save button was not scrolled into view")
    assert browser.submitted() == 0, "the extension pressed save (or the opt-in overlay)"


def test_confirmation_dialog_is_confirmed_and_reported(browser, locales):
    open_page(browser, "engine/confirm-dialog.html", active=5)
    m = spoken(browser, locales)
    clear(browser)
    browser.wait(lambda: not any(browser.page_state().values()))
    status = browser.panel_text('[data-role="status"]')
    confirmed = message(m, "confirmedDialog", "Fortfahren")
    assert status.count(confirmed) == 1, status
    assert message(m, "saveHint", "Änderungen speichern") in status
    assert browser.submitted() == 0, "'Änderungen speichern', 'Ja, Änderungen speichern' or 'Nein' was pressed"
    assert browser.js("return document.getElementById('ask-save').open") is False
    assert browser.js("return document.getElementById('saved').textContent") == ""


def test_failed_names_the_locked_and_the_ticked_back_control(browser, locales):
    open_page(browser, "engine/tick-back.html", active=4)
    m = spoken(browser, locales)
    labels = browser.js("const label = (id) => document.querySelector(`label[for=${id}]`).textContent.trim();"
                        "return {offers: label('c-offers'), research: label('c-research')};")
    clear(browser)
    browser.wait(lambda: browser.active_count() == 2)
    failed = browser.js(f"const f = {HOST}.shadowRoot.querySelector('[data-role=\"failed\"]');"
                        "return {heading: f.querySelector('strong')?.textContent,"
                        "        lines: Array.from(f.querySelectorAll('li'), (li) => li.textContent)};")
    assert failed["heading"] == m["failedHeading"]["message"]
    assert sorted(failed["lines"]) == sorted([
        f"{labels['research']} {DASH} {m['failedDisabled']['message']}",
        f"{labels['offers']} {DASH} {m['failedTickedBack']['message']}",
    ])
    assert browser.page_state() == {"offers": True, "research": True, "email": False, "sms": False}


# ---- marks on the page ----------------------------------------------------------------------

@pytest.mark.parametrize("page", ["engine/o2-2012-form.html", "engine/one-elements.html"])
def test_every_control_is_outlined_and_badged(browser, locales, page):
    open_page(browser, page)
    m = spoken(browser, locales)
    classified = {key for key, mark in browser.page_marks().items() if mark in ("consent", "objection")}
    assert classified
    browser.wait(lambda: len(badges(browser)) == len(classified) + 1, message="one badge per control and the save button")
    outlined = browser.js(OUTLINED)
    assert {key for key, where in outlined.items() if where} == classified, outlined
    assert browser.js("return getComputedStyle(document.querySelector('[data-ohne-haken=\"save\"]')).outlineStyle") == "solid"

    state = browser.page_state()
    marks = badges(browser)
    kinds = browser.page_marks()
    sharing = sum(1 for key in classified if state[key] == (kinds[key] == "consent"))
    assert [b["text"] for b in marks].count(m["badgeSharing"]["message"]) == sharing
    assert [b["text"] for b in marks].count(m["badgeProtected"]["message"]) == len(classified) - sharing
    assert [b["text"] for b in marks].count(m["badgeSave"]["message"]) == 1
    for key in classified:  # each badge sits on the top left corner of what it marks
        left, top = outlined[key]
        assert any(abs(b["rect"]["x"] - left) <= 2 and abs(b["rect"]["y"] + b["rect"]["height"] - top) <= 6 for b in marks), key

    layer = browser.js("const l = document.querySelector('ohne-haken-marks');"
                       "return {parent: l.parentNode === document.documentElement, open: l.shadowRoot !== null};")
    assert layer == {"parent": True, "open": False}, "the badge layer must be a closed shadow root outside the body"


def test_marks_never_shift_the_layout(browser):
    browser.open_unmapped("engine/o2-2012-form.html")  # the extension does not run here
    browser.fixture_ready()
    browser.settle()
    assert browser.js("return document.querySelector('ohne-haken-marks, #ohne-haken-panel')") is None
    before = browser.js(LAYOUT)

    open_page(browser, "engine/o2-2012-form.html", active=6)
    browser.wait(lambda: len(badges(browser)) == 8)
    assert browser.js(LAYOUT) == before


def test_marks_follow_controls_that_leave_and_return(browser):
    open_page(browser, "engine/o2-2012-form.html", active=6)
    browser.wait(lambda: len(badges(browser)) == 8)
    browser.js("const input = window.__fixture.elements().email; window.__gone = input;"
               "window.__row = input.closest('tr'); window.__row.remove();")
    browser.wait(lambda: browser.active_count() == 5)
    assert browser.js("return window.__gone.getAttribute('style')") is None, "the outline stayed on a removed control"
    browser.wait(lambda: len(badges(browser)) == 7, message="the badge of a removed control stayed")

    browser.js("document.querySelector('table.daten tbody').prepend(window.__row)")
    browser.wait(lambda: browser.active_count() == 6)
    browser.wait(lambda: browser.js(OUTLINED)["email"] is not None, message="a returning control is outlined again")
    browser.wait(lambda: len(badges(browser)) == 8)


def test_marks_follow_when_content_without_controls_pushes_the_form_down(browser):
    """A banner without controls comes in above the form (as a portal's notice does): no scan
    finds anything new, but every badge moves down with what it marks, placed after the browser's
    own layout (engine-core.js flush, highlight.js placeSoon)."""
    open_page(browser, "engine/o2-2012-form.html", active=6)
    browser.wait(lambda: len(badges(browser)) == 8)

    def on_their_controls():
        outlined, marks = browser.js(OUTLINED), badges(browser)
        return all(any(abs(b["rect"]["x"] - left) <= 2 and abs(b["rect"]["y"] + b["rect"]["height"] - top) <= 6
                       for b in marks) for left, top in (where for where in outlined.values() if where))

    assert on_their_controls()
    before = sorted(b["rect"]["y"] for b in badges(browser))
    browser.js("const notice = document.createElement('div'); notice.style.height = '240px';"
               "notice.textContent = 'Wartungsarbeiten am Sonntag: Mein o2 ist kurz nicht erreichbar.';"
               "document.body.prepend(notice);")
    browser.wait(on_their_controls, message="the badges stayed where the controls were")
    after = sorted(b["rect"]["y"] for b in badges(browser))
    assert all(a - b >= 200 for a, b in zip(after, before, strict=True)), (before, after)
    assert browser.active_count() == 6


# ---- where the panel sits, keyboard, collapsing ------------------------------------------------

def test_panel_never_covers_the_save_button(browser):
    def check(where):
        next_frames(browser)
        rects = browser.js(RECTS)
        assert not overlaps(rects["panel"], rects["save"]), f"{where}: {rects}"
        assert rects["panel"]["left"] >= 0 and rects["panel"]["right"] <= rects["width"], f"{where}: {rects}"

    def scroll_through(where):
        for block in ("start", "end", "center"):  # ends centred, where a taller panel covers it
            browser.js(f"document.querySelector('[data-ohne-haken=\"save\"]').scrollIntoView({{block: '{block}'}})")
            check(f"{where}, save button at the {block}")

    try:
        # Unscrolled, with a window just tall enough to show the save button at its bottom edge,
        # where the panel sits by default: only a resize or the first render can move the panel.
        open_page(browser, "engine/o2-2012-form.html", active=6)
        check("1280 x 1000")
        set_viewport(browser, 360, 740)  # a phone: the panel spans the width
        height = round(browser.js(RECTS)["save"]["bottom"]) + 40
        set_viewport(browser, 360, height)
        check(f"resized to 360 x {height}")
        open_page(browser, "engine/o2-2012-form.html", active=6)
        check(f"loaded at 360 x {height}")
        # A long page, where the save button can be anywhere.
        set_viewport(browser, 360, 740)
        open_page(browser, "engine/many-consents.html")
        scroll_through("long page")
        clear(browser)  # the panel grows: status and the show-save button
        check("after clearing")
        scroll_through("after clearing")
        browser.panel().find_element(By.CSS_SELECTOR, "summary").click()  # the list makes it taller still
        check("after opening the list")
        scroll_through("list open")
        browser.click_action("show-save")
        check("after show-save")
    finally:
        set_viewport(browser, None)
        browser.driver.set_window_size(1280, 1000)


def test_panel_buttons_are_real_buttons_reachable_by_keyboard(browser):
    open_page(browser, "engine/o2-2012-form.html", active=6)
    shown = [b for b in browser.panel().find_elements(By.CSS_SELECTOR, "[data-action]") if b.is_displayed()]
    assert {b.get_attribute("data-action") for b in shown} == {"collapse", "clear-all", "start-tour", "page-report"}
    for button in shown:
        assert button.tag_name.lower() == "button", button.get_attribute("data-action")
        assert button.accessible_name.strip(), f"{button.get_attribute('data-action')} has no accessible name"

    # From the page's last link, Tab walks into the panel and reaches the clear button ...
    browser.js("document.querySelector('form a').focus()")
    focused_in_panel = f"return document.activeElement === {HOST} && {HOST}.shadowRoot.activeElement?.getAttribute('data-action')"
    focused = None
    for _ in range(6):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        focused = browser.js(focused_in_panel)
        if focused == "clear-all":
            break
    assert focused == "clear-all", "Tab did not reach the clear button"
    # ... and Enter presses it.
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()
    browser.wait_idle()
    browser.wait(lambda: not any(browser.page_state().values()), message="Enter on the focused clear button did nothing")


def test_panel_collapses_and_expands(browser):
    open_page(browser, "engine/o2-2012-form.html", active=6)
    panel = browser.panel()
    section = panel.find_element(By.CSS_SELECTOR, "section")
    expand = panel.find_element(By.CSS_SELECTOR, '[data-action="expand"]')
    open_shadow = f"return !!{HOST} && {HOST}.shadowRoot !== null"
    assert section.is_displayed() and not expand.is_displayed()

    browser.click_action("collapse")
    assert not section.is_displayed() and expand.is_displayed()
    assert browser.js(open_shadow)
    assert browser.js(f"return {HOST}.shadowRoot.activeElement?.getAttribute('data-action')") == "expand"
    assert "6" in expand.text
    # It stays collapsed while the page changes, and the count on it follows.
    browser.js("window.__fixture.elements().email.closest('tr').remove()")
    browser.wait(lambda: "5" in expand.text)
    assert not section.is_displayed()

    browser.click_action("expand")
    assert section.is_displayed() and not expand.is_displayed()
    assert browser.js(open_shadow)
    assert browser.js(f"return {HOST}.shadowRoot.activeElement?.getAttribute('data-action')") == "collapse"
    assert browser.active_count() == 5


# ---- late content -------------------------------------------------------------------------------

def test_count_rises_with_late_content_and_route_changes(browser):
    browser.open("engine/late-content.html")
    browser.panel()
    browser.js("window.__sameDocument = true")
    early = browser.js(f"return {{ready: window.__fixture.ready, count: {HOST}.shadowRoot"
                       ".querySelector('[data-role=\"active-count\"]').textContent}")
    assert early["ready"] is False, "the panel came after the late content: the machine is too slow for this test"
    assert re.search(r"\d+", early["count"]).group() == "0"

    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == 3, message="late content was not picked up")
    browser.driver.find_element(By.ID, "nav-settings").click()
    browser.fixture_ready()
    browser.wait(lambda: browser.active_count() == 5, message="the route change was not picked up")
    assert browser.js("return location.hash") == "#/einstellungen"
    assert browser.js("return window.__sameDocument") is True, "the page was reloaded"


# ---- the user's own answers ---------------------------------------------------------------------

def test_count_follows_the_users_own_answers(browser):
    """The user ticks and unticks by hand: inside design-system elements (an open and a closed
    shadow root; the page reflects nothing in an attribute) and on a plain checkbox. The count
    follows each answer about data use and none other ("Angemeldet bleiben"). Clicked from the
    page (a click as the browser dispatches it, without the scrolling a WebDriver click may do,
    which would redraw the panel anyway)."""
    press = "window.__fixture.elements()[arguments[0]].click()"  # the inner input, closed roots too
    browser.open("engine/one-elements.html")
    browser.panel()
    browser.wait(lambda: browser.active_count() == 3, message="the design-system consents were not counted")
    browser.js(press, "stay")  # not about data use: the count stays
    browser.wait(lambda: browser.js("return !window.__fixture.state().stay"))
    browser.js(press, "ads")  # open shadow root
    browser.wait(lambda: browser.active_count() == 2, message="an answer inside an open shadow root was not noticed")
    browser.js(press, "traffic")  # closed shadow root
    browser.wait(lambda: browser.active_count() == 1, message="an answer inside a closed shadow root was not noticed")
    browser.js(press, "ads")
    browser.wait(lambda: browser.active_count() == 2, message="ticking again was not noticed")

    browser.open("engine/o2-2012-form.html")
    browser.panel()
    before = browser.wait(browser.active_count)
    browser.js("document.querySelector('input[type=checkbox]:checked').click()")
    browser.wait(lambda: browser.active_count() == before - 1, message="a plain checkbox unticked by hand was not noticed")


# ---- undo -----------------------------------------------------------------------------------------

UNANSWER = """
for (const radio of document.querySelectorAll('input[name="post_obj"]')) radio.checked = false;
document.querySelector('input[name="post_obj"]').dispatchEvent(new Event('change', {bubbles: true}));
"""
POST_OBJECTION = "return [...document.querySelectorAll('input[name=\"post_obj\"]')].map((r) => r.checked)"


@pytest.mark.parametrize("unanswered", [True, False], ids=["unanswered-objection", "twin-all-answered"])
def test_undo_says_which_question_keeps_its_new_answer(browser, locales, unanswered):
    """A Ja/Nein objection with no answer yet: the clear answers it ("Ja", I object). No click can
    take an answer back, so undo puts back the others and says that this one stays answered. In the
    twin every question had an answer: undo puts all back and says nothing more."""
    browser.open("engine/radio-questions.html")
    browser.fixture_ready()
    browser.panel()
    browser.wait(lambda: browser.active_count() > 0, message="no active consent found")
    if unanswered:
        browser.js(UNANSWER)
        browser.wait(lambda: browser.js(POST_OBJECTION) == [False, False])
    m = spoken(browser, locales)
    before = browser.js(POST_OBJECTION)
    clear(browser)
    assert browser.js(POST_OBJECTION) == [True, False], "the objection was not answered"
    after_clear = browser.panel_text('[data-role="status"]')
    changed = int(re.search(r"\d+", after_clear).group())
    browser.click_action("undo")
    browser.wait_idle()
    browser.wait(lambda: browser.panel_text('[data-role="status"]') != after_clear, message="undo said nothing")
    status = browser.panel_text('[data-role="status"]')
    if unanswered:
        assert status == f"{message(m, 'undone', str(changed - 1))} {message(m, 'undoneKeptOne')}"
        assert browser.js(POST_OBJECTION) == [True, False], "an answer the page never had was taken back somehow"
    else:
        assert status == message(m, "undone", str(changed))
        assert browser.js(POST_OBJECTION) == before
