"""A clerk with an assignment goes from "Meine Fortbildung" to the review of their
assignments' vocabulary, rates cards by keyboard and sees the dashboard's due count fall."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import browser_db
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
    UserFactory,
)
from training.assignments import AssignmentData, assignment_create
from training.models import VocabularyReview
from training.roles import Role

pytestmark = browser_db

ASSIGNED = 4


def _lesson(module, terms):
    body = [{"type": "vocabulary", "value": {"title": "Begriffe", "terms": [t.pk for t in terms]}}]
    LessonPageFactory(parent=module, body=json.dumps(body))


def test_clerk_reviews_the_vocabulary_of_their_assignment_from_the_dashboard(
    page, live_site, clerk, sign_in
):
    course = CoursePageFactory(parent=live_site, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Aufenthalt verstehen")
    _lesson(module, [TermFactory(term=f"Fiktionsbescheinigung {n}") for n in range(ASSIGNED)])
    # Vocabulary of a module that is not assigned stays out.
    _lesson(ModulePageFactory(parent=course), [TermFactory(term="Nicht zugewiesen")])
    assignment_create(
        actor=UserFactory(role=Role.ADMINISTRATOR),
        data=AssignmentData(page=module, people=(clerk,), due_mode="assigned", due_days=30),
    )
    sign_in(page, clerk.username)

    page.get_by_role("link", name="Meine Fortbildung").first.click()
    dashboard_due = page.get_by_test_id("vocabulary-due")
    expect(dashboard_due).to_contain_text("0 Karten fällig")
    page.get_by_test_id("assigned-vocabulary").get_by_role("link", name="Im Browser üben").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vokabeln üben")
    expect(page.get_by_label("Vokabeln aus").locator("option:checked")).to_have_text(
        "Meine Zuweisungen (alle zugewiesenen Kurse und Module)"
    )
    page.get_by_label("Sprache der Kundschaft").select_option("uk")
    page.get_by_label("Deutsch → Sprache").check()
    page.get_by_role("button", name="Üben beginnen").click()

    expect(page.locator(".review-scope")).to_have_text("Meine Zuweisungen")
    due = page.get_by_test_id("due-count")
    expect(due).to_contain_text(f"{ASSIGNED} Karten fällig")
    for done in range(3):
        expect(page.locator(".review-word")).to_contain_text("Fiktionsbescheinigung")
        page.wait_for_load_state("load")
        page.keyboard.press("Space")
        expect(page.get_by_role("button", name="Gut")).to_be_visible()
        page.keyboard.press("3")
        left = ASSIGNED - done - 1
        expect(due).to_contain_text(f"{left} Karte{'n' if left != 1 else ''} fällig")

    page.get_by_role("link", name="Meine Fortbildung").first.click()
    expect(page.get_by_test_id("vocabulary-due")).to_contain_text("1 Karte fällig")
    assert VocabularyReview.objects.filter(user=clerk).count() == 3
