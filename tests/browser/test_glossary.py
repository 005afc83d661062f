"""A clerk looks terms up in the glossary by German word or by translation, and filters."""

import pytest
from playwright.sync_api import expect

from courses.models import TermTranslation
from tests.browser.conftest import browser_db
from tests.factories import TermFactory, TopicFactory

pytestmark = browser_db


def _term(key, term, topic, translations):
    created = TermFactory(key=key, term=term, topic=topic, translated=False)
    TermTranslation.objects.bulk_create(
        TermTranslation(term=created, language=language, text=text)
        for language, text in translations.items()
    )


@pytest.fixture
def termbase(db):
    residence = TopicFactory(slug="aufenthalt", name="Aufenthalt")
    documents = TopicFactory(slug="dokumente", name="Dokumente")
    _term(
        "aufenthaltstitel",
        "Aufenthaltstitel",
        residence,
        {"en": "residence title", "ar": "سند الإقامة", "uk": "дозвіл на проживання"},
    )
    _term("reisepass", "Reisepass", documents, {"en": "passport", "ar": "جواز سفر"})
    _term("meldebescheinigung", "Meldebescheinigung", documents, {"en": "registration"})


def _shown(page) -> list[str]:
    return page.locator(".glossary-entry").evaluate_all("entries => entries.map(e => e.id)")


def _submit(page) -> None:
    # Wait for the new page, or the next look at the list could still see the old one.
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen").click()


def _search(page, text: str) -> None:
    page.get_by_role("searchbox", name="Suchen").fill(text)
    _submit(page)


def test_clerk_searches_and_filters_the_glossary(page, live_site, termbase, clerk, sign_in):
    sign_in(page, clerk.username)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Glossar"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossar")
    expect(page.get_by_role("status")).to_contain_text("Begriffe gefunden: 3")

    # German, in any case.
    _search(page, "reisepass")
    expect(page.get_by_role("status")).to_contain_text("Begriffe gefunden: 1")
    assert _shown(page) == ["begriff-reisepass"]

    # A translation, in Cyrillic.
    _search(page, "дозвіл")
    assert _shown(page) == ["begriff-aufenthaltstitel"]
    translation = page.locator('#begriff-aufenthaltstitel dd[lang="ar"]')
    expect(translation).to_have_attribute("dir", "rtl")
    expect(translation).to_contain_text("سند الإقامة")

    # Topic and language together: only that language's translations are shown.
    page.get_by_role("link", name="Alle Begriffe anzeigen").click()
    expect(page.get_by_role("status")).to_contain_text("Begriffe gefunden: 3")
    page.get_by_label("Thema").select_option("dokumente")
    page.get_by_label("Sprache").select_option("ar")
    _submit(page)
    expect(page.get_by_role("status")).to_contain_text("Begriffe gefunden: 2")
    assert _shown(page) == ["begriff-meldebescheinigung", "begriff-reisepass"]
    passport = page.locator("#begriff-reisepass")
    expect(passport.locator('dd[lang="ar"]')).to_have_text("جواز سفر")
    expect(passport.locator('dd[lang="en"]')).to_have_count(0)
    expect(page.locator("#begriff-meldebescheinigung")).to_contain_text("Noch keine Übersetzung")
    # The filters stay visible as chosen, so the clerk knows what the list shows.
    expect(page.get_by_label("Thema")).to_have_value("dokumente")
    expect(page.get_by_label("Sprache")).to_have_value("ar")

    # Searching a translation within the chosen language only.
    _search(page, "passport")
    expect(page.get_by_role("status")).to_contain_text("Begriffe gefunden: 0")
    _search(page, "جواز")
    assert _shown(page) == ["begriff-reisepass"]
