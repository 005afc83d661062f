"""A clerk practises a module's vocabulary in the browser with the keyboard only."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import browser_db
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory, TermFactory
from training.models import VocabularyReview

pytestmark = browser_db

CARDS = 12


def _module_with_vocabulary(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Aufenthalt verstehen")
    terms = [TermFactory(term=f"Bescheinigung {n:02d}") for n in range(CARDS)]
    body = [
        {
            "type": "vocabulary",
            "value": {"title": "Begriffe", "terms": [t.pk for t in terms], "languages": []},
        }
    ]
    LessonPageFactory(parent=module, title="Der Aufenthaltstitel", body=json.dumps(body))
    return module


def test_clerk_reviews_ten_cards_with_the_keyboard(page, live_site, clerk, sign_in):
    _module_with_vocabulary(live_site)
    sign_in(page, clerk.username)

    # From the module page to the start page, as a clerk would go.
    page.get_by_role("link", name="Willkommen am Schalter").click()
    page.get_by_role("link", name="Aufenthalt verstehen").click()
    page.get_by_role("link", name="Vokabeln üben").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vokabeln üben")
    # The module the link came from is chosen already.
    expect(page.get_by_label("Vokabeln aus").locator("option:checked")).to_have_text(
        "Aufenthalt verstehen"
    )
    page.get_by_label("Sprache der Kundschaft").select_option("ar")
    page.get_by_label("Deutsch → Sprache").check()
    page.get_by_role("button", name="Üben beginnen").click()

    due = page.get_by_test_id("due-count")
    expect(due).to_contain_text(f"{CARDS} Karten fällig")
    for done in range(10):
        expect(page.locator(".review-word")).to_be_visible()
        # The keys work once the page's script has run (it is deferred to the end of loading).
        page.wait_for_load_state("load")
        expect(page.get_by_role("button", name="Gut")).to_be_hidden()
        page.keyboard.press("Space")
        answer = page.locator(".review-answer")
        expect(answer).to_be_visible()
        expect(answer).to_have_attribute("dir", "rtl")
        expect(page.locator("#review-back")).to_be_focused()
        expect(page.get_by_role("button", name="Gut")).to_be_visible()
        page.keyboard.press("3")
        left = CARDS - done - 1
        expect(due).to_contain_text(f"{left} Karte{'n' if left != 1 else ''} fällig")

    expect(due).to_contain_text(f"{CARDS - 10} Karten fällig")
    assert VocabularyReview.objects.filter(user=clerk, rating=3).count() == 10
