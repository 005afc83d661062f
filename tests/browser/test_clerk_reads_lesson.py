"""A clerk finds a lesson through the catalogue and reads its vocabulary right to left."""

import json

from playwright.sync_api import expect

from courses.models import TermTranslation
from tests.browser.conftest import browser_db
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
)

pytestmark = browser_db


def _lesson_with_vocabulary(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Aufenthalt verstehen")
    term = TermFactory(term="Aufenthaltstitel", translated=False)
    TermTranslation.objects.bulk_create(
        [
            TermTranslation(term=term, language="en", text="residence title"),
            TermTranslation(term=term, language="ar", text="سند الإقامة"),
            TermTranslation(term=term, language="fa", text="مجوز اقامت"),
        ]
    )
    body = [
        {
            "type": "vocabulary",
            "value": {"title": "Wichtige Begriffe", "terms": [term.pk], "languages": []},
        }
    ]
    LessonPageFactory(parent=module, title="Der Aufenthaltstitel", body=json.dumps(body))
    return course, module


def test_clerk_reaches_lesson_and_sees_right_to_left_translations(page, live_site, clerk, sign_in):
    _lesson_with_vocabulary(live_site)
    sign_in(page, clerk.username)

    # Signing in lands on the catalogue; from there only links are followed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kurskatalog")
    page.get_by_role("link", name="Willkommen am Schalter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Willkommen am Schalter")
    page.get_by_role("link", name="Aufenthalt verstehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aufenthalt verstehen")
    page.get_by_role("link", name="Der Aufenthaltstitel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Der Aufenthaltstitel")

    vocabulary = page.locator(".block-vocabulary")
    expect(vocabulary).to_contain_text("Aufenthaltstitel")
    for language, text in [("ar", "سند الإقامة"), ("fa", "مجوز اقامت")]:
        translated = vocabulary.locator(f'[lang="{language}"]').filter(has_text=text)
        expect(translated).to_have_count(1)
        expect(translated).to_be_visible()
        # The direction is declared on the element itself or inherited from an ancestor
        # inside the block; either way the browser must compute right to left.
        expect(translated).to_have_css("direction", "rtl")
        assert translated.evaluate("e => e.closest('[dir]').getAttribute('dir')") == "rtl"
    english = vocabulary.locator('[lang="en"]').filter(has_text="residence title")
    expect(english).to_have_css("direction", "ltr")


def test_clerk_is_refused_the_admin(page, live_site, clerk, sign_in):
    sign_in(page, clerk.username)
    response = page.goto("/admin/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Kein Zugang")
    expect(page.get_by_role("link", name="Zurück zu den Kursen")).to_be_visible()
