"""The clerks' glossary at /glossar/."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import TermTranslation
from courses.page_cache import fragments
from tests.factories import TermFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = "/glossar/"


@pytest.fixture
def permit():
    term = TermFactory(
        key="aufenthaltserlaubnis",
        term="Aufenthaltserlaubnis",
        article="die",
        plural="Aufenthaltserlaubnisse",
        explanation="Die Erlaubnis, eine Zeit lang in Deutschland zu leben.",
        example="Ihre Aufenthaltserlaubnis ist bis März gültig.",
        legal_reference="§ 7 AufenthG",
        topic=TopicFactory(slug="aufenthalt", name="Aufenthalt"),
        translated=False,
    )
    TermTranslation.objects.bulk_create(
        [
            TermTranslation(term=term, language="en", text="residence permit"),
            TermTranslation(term=term, language="uk", text="Дозвіл на проживання"),
            TermTranslation(
                term=term,
                language="ar",
                text="تصريح الإقامة",
                example="تصريح إقامتك صالح حتى مارس.",
            ),
        ]
    )
    return term


@pytest.fixture
def passport():
    return TermFactory(
        key="reisepass",
        term="Reisepass",
        plural="Reisepässe",
        topic=TopicFactory(slug="dokumente", name="Dokumente"),
    )


def _terms_shown(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<li class="glossary-entry" id="begriff-([^"]+)"', html)


def test_sign_in_required(client, permit):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")


def test_shows_the_whole_entry(clerk_client, permit):
    response = clerk_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="glossary-article">die</span> Aufenthaltserlaubnis' in html
    assert "Aufenthaltserlaubnisse" in html
    assert "Die Erlaubnis, eine Zeit lang in Deutschland zu leben." in html
    assert "Ihre Aufenthaltserlaubnis ist bis März gültig." in html
    assert "§ 7 AufenthG" in html
    assert "Aufenthalt</a>" in html
    assert "Englisch (English)" in html or "English" in html
    assert "Begriffe gefunden: 1" in html


def test_translations_carry_language_and_direction(clerk_client, permit):
    html = clerk_client.get(URL).content.decode()
    arabic = re.search(r'<dd lang="ar" dir="rtl">(.*?)</dd>', html, re.S)
    assert arabic is not None
    assert "تصريح الإقامة" in arabic.group(1)
    assert "تصريح إقامتك صالح حتى مارس." in arabic.group(1)
    assert re.search(r'<dd lang="uk" dir="ltr">\s*<span[^>]*>Дозвіл на проживання', html)
    assert '<dd lang="en" dir="ltr">' in html


@pytest.mark.parametrize(
    "query", ["aufenthaltserlaubnis", "ERLAUBNISSE", "permit", "дозвіл", "ДОЗВІЛ", "الإقامة"]
)
def test_search_finds_german_plural_and_translations_in_any_case(
    clerk_client, permit, passport, query
):
    assert _terms_shown(clerk_client.get(URL, {"q": query})) == ["aufenthaltserlaubnis"]


def test_search_with_umlaut_ignores_case(clerk_client, permit, passport):
    assert _terms_shown(clerk_client.get(URL, {"q": "PÄSSE"})) == ["reisepass"]


def test_search_without_match_says_so(clerk_client, permit):
    html = clerk_client.get(URL, {"q": "Führerschein"}).content.decode()
    assert "Begriffe gefunden: 0" in html
    assert "Keine Begriffe passen zu Ihrer Suche" in html


def test_topic_filter(clerk_client, permit, passport):
    assert _terms_shown(clerk_client.get(URL, {"topic": "dokumente"})) == ["reisepass"]


def test_unknown_topic_is_reported_and_ignored(clerk_client, permit, passport):
    response = clerk_client.get(URL, {"topic": "gibt-es-nicht"})
    assert "Dieses Thema gibt es nicht; alle Themen werden angezeigt." in response.content.decode()
    assert _terms_shown(response) == ["aufenthaltserlaubnis", "reisepass"]


def test_language_filter_shows_only_that_translation(clerk_client, permit):
    html = clerk_client.get(URL, {"language": "uk"}).content.decode()
    assert "Дозвіл на проживання" in html
    assert "residence permit" not in html
    assert 'lang="ar"' not in html


def test_language_filter_narrows_the_search(clerk_client, permit):
    assert _terms_shown(clerk_client.get(URL, {"q": "permit", "language": "en"})) == [
        "aufenthaltserlaubnis"
    ]
    assert _terms_shown(clerk_client.get(URL, {"q": "permit", "language": "uk"})) == []
    # German is always searched.
    assert _terms_shown(clerk_client.get(URL, {"q": "aufenthalt", "language": "uk"})) == [
        "aufenthaltserlaubnis"
    ]


def test_language_filter_notes_a_missing_translation(clerk_client, permit):
    html = clerk_client.get(URL, {"language": "fa"}).content.decode()
    assert "Noch keine Übersetzung: Persisch (فارسی)." in html


def test_retired_terms_are_hidden(clerk_client, permit):
    TermFactory(key="duldung-alt", term="Alte Duldung", retired=True)
    response = clerk_client.get(URL, {"q": "duldung"})
    assert _terms_shown(response) == []
    assert _terms_shown(clerk_client.get(URL)) == ["aufenthaltserlaubnis"]


def test_form_fields_have_labels(clerk_client, permit):
    html = clerk_client.get(URL).content.decode()
    for field in ("q", "topic", "language"):
        assert f'<label for="id_{field}">' in html
    assert 'role="status"' in html


def test_pagination_keeps_the_filters(clerk_client):
    topic = TopicFactory(slug="viele", name="Viele")
    TermFactory.create_batch(55, topic=topic, translated=False)
    TermFactory(key="anderes", term="Anderes Thema")
    first = clerk_client.get(URL, {"topic": "viele"})
    assert len(_terms_shown(first)) == 50
    html = first.content.decode()
    assert "Seite 1 von 2" in html
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "topic=viele" in next_link
    second = clerk_client.get(URL + next_link)
    assert len(_terms_shown(second)) == 5
    assert "anderes" not in _terms_shown(second)


def _queries_for_glossary(client) -> int:
    """Queries of rendering the glossary, not of a page cache hit (see test_page_cache.py)."""
    fragments.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_terms(clerk_client):
    TermFactory.create_batch(3)
    clerk_client.get(URL)  # warm up: session and the like
    few = _queries_for_glossary(clerk_client)
    TermFactory.create_batch(37)
    many = _queries_for_glossary(clerk_client)
    html = clerk_client.get(URL).content.decode()
    assert html.count('<dd lang="fa" dir="rtl">') == 40
    assert few == many
    # session, user, content generation (page cache), topics, count, terms, translations
    assert many <= 7


def test_english_interface_shows_english_labels_and_topic_names(clerk_client, permit):
    permit.topic.name_en = "Residence"
    permit.topic.save()
    clerk_client.cookies["django_language"] = "en"
    html = clerk_client.get(URL).content.decode()
    assert "Terms found: 1" in html
    assert "Residence</a>" in html
    assert '<option value="aufenthalt">Residence</option>' in html
    # The German term and explanation stay German, and say so.
    assert '<h2 class="glossary-term" lang="de">' in html
