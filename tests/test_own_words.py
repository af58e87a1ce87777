"""The user's own words ("Eigene Begriffe" in the toolbar popup, issue 16): added as consent,
objection or never-touch, validated, stored in storage.local, listed with a remove button, used at
once by the classifier on a page that is already open, and included in the page report.

Page: tests/fixtures/reports/own-words.html (and its twin).
"""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

PAGE = "reports/own-words.html"
TWIN = "reports/own-words-twin.html"
KEY = "userTerms"


def add_word(popup, phrase: str, kind: str):
    popup.to(popup.handle)
    field = popup.b.driver.find_element(By.CSS_SELECTOR, '[data-field="own-word"]')
    field.clear()
    field.send_keys(phrase)
    Select(popup.b.driver.find_element(By.CSS_SELECTOR, '[data-field="own-word-kind"]')).select_by_value(kind)
    popup.press('[data-action="add-own-word"]')


def listed(popup) -> list:
    popup.to(popup.handle)
    return popup.b.js("return [...document.querySelectorAll('[data-role=\"own-words-list\"] li')]"
                      ".map(li => [li.dataset.phrase, li.dataset.kind]);")


def open_page(browser, popup, path: str = PAGE):
    popup.to(popup.main)
    browser.open(path)
    browser.fixture_ready()
    browser.panel()


def marks(browser, popup) -> dict:
    popup.to(popup.main)
    return browser.page_marks()


def test_unknown_label_becomes_a_consent_after_adding_its_word(browser, popup):
    open_page(browser, popup)
    browser.wait(lambda: browser.page_marks() == {"club": None, "magazine": "consent", "research": "consent", "bill": None})
    assert browser.active_count() == 2
    popup.open()
    add_word(popup, "Clubpost", "consent")
    browser.wait(lambda: listed(popup) == [["Clubpost", "consent"]])
    assert popup.stored(KEY) == [{"phrase": "Clubpost", "kind": "consent"}]
    # The page that is open already: classified again at once, without a reload.
    browser.wait(lambda: marks(browser, popup)["club"] == "consent", message="the open page did not use the new word")
    assert browser.active_count() == 3
    browser.click_action("clear-all")
    browser.wait_idle()
    assert browser.page_state() == {"club": False, "magazine": False, "research": False, "bill": True}
    assert browser.submitted() == 0


def test_never_touch_word_protects_a_control_the_vocabulary_would_clear(browser, popup):
    open_page(browser, popup)
    browser.wait(lambda: browser.page_marks()["magazine"] == "consent")
    popup.open()
    add_word(popup, "Kundenmagazin", "protected")
    browser.wait(lambda: marks(browser, popup)["magazine"] is None, message="the never-touch word did not protect")
    assert browser.active_count() == 1
    browser.click_action("clear-all")
    browser.wait_idle()
    assert browser.page_state() == {"club": True, "magazine": True, "research": False, "bill": True}
    # Removed again: the vocabulary decides once more, on the open page.
    popup.to(popup.handle)
    popup.press('[data-role="own-words-list"] [data-action="remove-own-word"]')
    browser.wait(lambda: listed(popup) == [] and popup.stored(KEY) is None)
    browser.wait(lambda: marks(browser, popup)["magazine"] == "consent")


def test_own_words_are_validated(browser, popup):
    popup.open()
    for phrase, error in (("<b>Werbung</b>", "ownWordsErrorMarkup"), ("ab", "ownWordsErrorLength"),
                          ("{{x}}", "ownWordsErrorMarkup"), ("12345", "ownWordsErrorLetters")):
        add_word(popup, phrase, "consent")
        expected = popup.call("done(api.i18n.getMessage(arguments[0]));", error)
        browser.wait(lambda e=expected: popup.text('[data-role="own-word-error"]') == e, message=f"no error for {phrase!r}")
        assert popup.shown('[data-role="own-word-error"]')
    assert popup.stored(KEY) is None and listed(popup) == []
    add_word(popup, "  Clubpost  ", "objection")
    browser.wait(lambda: listed(popup) == [["Clubpost", "objection"]])
    assert not popup.shown('[data-role="own-word-error"]')
    add_word(popup, "clubpost", "consent")
    expected = popup.call("done(api.i18n.getMessage('ownWordsErrorDuplicate'));")
    browser.wait(lambda: popup.text('[data-role="own-word-error"]') == expected)
    assert popup.stored(KEY) == [{"phrase": "Clubpost", "kind": "objection"}]
    # The field takes at most 60 characters; a longer or broken stored list (written by hand, or by
    # another version) is used only as far as it is valid.
    popup.call("api.storage.local.set({userTerms: [{phrase: '<i>x</i>', kind: 'consent'}, {phrase: 'Clubpost', kind: 'bogus'},"
               " {phrase: 'x'.repeat(61), kind: 'consent'}, {phrase: 'Kundenmagazin', kind: 'protected'}]}).then(() => done());")
    browser.wait(lambda: listed(popup) == [["Kundenmagazin", "protected"]])


def test_own_words_are_in_the_report(browser, popup):
    popup.open()
    add_word(popup, "Clubpost", "consent")
    browser.wait(lambda: listed(popup) == [["Clubpost", "consent"]])
    open_page(browser, popup)
    browser.wait(lambda: browser.page_marks()["club"] == "consent")
    browser.click_action("page-report")
    report = f"return {browser.PANEL_JS}.shadowRoot.querySelector('[data-role=\"report\"]').textContent"
    browser.wait(lambda: "„Clubpost“" in browser.js(report), message="the report does not list the own words")


def test_twin_own_words_change_nothing(browser, popup):
    open_page(browser, popup, TWIN)
    browser.settle()
    assert browser.active_count() == 0
    popup.open()
    add_word(popup, "Clubpost", "consent")
    add_word(popup, "Kundenmagazin", "protected")
    browser.wait(lambda: len(listed(popup)) == 2)
    popup.to(popup.main)
    browser.settle()
    assert browser.page_marks() == {"bill": None, "evn": None, "twofa": None}
    assert browser.active_count() == 0
    assert browser.page_state() == {"bill": True, "evn": False, "twofa": True}
