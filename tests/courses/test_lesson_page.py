"""Lesson, module, course and catalogue pages as clerks see them, and their query cost."""

import json
import re

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from courses.models import LessonPage
from courses.page_cache import fragments
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


def _stream(vocabulary_blocks=1, terms_per_block=3, images=1, documents=1, texts=1):
    """Raw StreamField data for a lesson with every kind of block; its rich texts link
    to the catalogue page and to a document."""
    terms = [TermFactory() for _ in range(terms_per_block)]
    image_ids = [wagtail_factories.ImageFactory().pk for _ in range(images)]
    document_ids = [wagtail_factories.DocumentFactory().pk for _ in range(documents)]
    catalogue = Site.objects.get(is_default_site=True).root_page
    links = (
        f'<a linktype="page" id="{catalogue.pk}">Katalog</a> '
        f'<a linktype="document" id="{document_ids[0]}">Merkblatt</a>'
    )
    blocks = [{"type": "text", "value": f"<p>Einleitung {links}</p>"} for _ in range(texts)]
    blocks += [
        {
            "type": "video",
            "value": {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Film", "transcript": "T"},
        },
        {"type": "callout", "value": {"kind": "law", "title": "", "text": f"<p>{links}</p>"}},
        {
            "type": "dialogue",
            "value": {
                "title": "",
                "setting": "",
                "lines": [
                    {
                        "speaker": "client",
                        "name": "",
                        "text": "سلام",
                        "language": "fa",
                        "gloss": "Hallo",
                    }
                ],
            },
        },
        {
            "type": "case_story",
            "value": {
                "title": "Fall",
                "story": f"<p>{links}</p>",
                "questions": ["F?"],
                "resolution": f"<p>{links}</p>",
            },
        },
        {"type": "do_dont", "value": {"title": "", "pairs": [{"do": "a", "dont": "b"}]}},
        {"type": "reflection", "value": {"prompt": "Wie?", "hint": ""}},
    ]
    blocks += [
        {"type": "image", "value": {"image": pk, "alt_text": f"Bild {pk}", "caption": ""}}
        for pk in image_ids
    ]
    blocks += [
        {
            "type": "vocabulary",
            "value": {"title": "", "terms": [t.pk for t in terms], "languages": []},
        }
        for _ in range(vocabulary_blocks)
    ]
    blocks += [
        {
            "type": "downloads",
            "value": {"title": "", "items": [{"document": pk, "description": ""}]},
        }
        for pk in document_ids
    ]
    return json.dumps(blocks)


@pytest.fixture
def module(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    return ModulePageFactory(parent=course, title="Haltung")


def _queries_for(client, url) -> list[str]:
    """Queries of rendering the page, not of a page cache hit (see test_page_cache.py)."""
    client.get(url)  # first view: renditions are generated and site paths cached
    fragments.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


# The lesson page's fixed cost, counted on a warm process (site root paths cached):
#   1  site for the host name (Wagtail routing)
#   7  routing: the catalogue as specific page, then course, module and lesson, each
#      looked up by slug and then as its specific row (Wagtail: per tree level)
#   2  session and user (authentication, first read by the sign-in hook)
#   2  view restrictions of the lesson and its ancestors (Wagtail's serve checks)
#   1  breadcrumb ancestors and neighbouring lessons (course_navigation.lesson_trail)
#   1  images of all figures, 1 their renditions
#   1  terms of all vocabulary lists, 1 their translations
#   1  documents of all download lists
#   3  links in all rich texts: pages and their specific rows, documents
#   3  page cache (training.middleware.PageCacheMiddleware): the content generation, and
#      Wagtail's view-restriction check (ancestors, restrictions) before keeping the page
#   1  the reader's progress in the frame (training_progress.progress_frame); the visit
#      (training.middleware.LessonVisitMiddleware) is not written again within a minute
LESSON_PAGE_QUERIES = 25


def test_lesson_page_query_count_does_not_grow_with_content(module, clerk_client):
    small = LessonPageFactory(parent=module, body=_stream(1, 3, 1, 1))
    large = LessonPageFactory(
        parent=module,
        body=_stream(vocabulary_blocks=12, terms_per_block=30, images=5, documents=5, texts=10),
    )

    small_queries = _queries_for(clerk_client, small.url)
    large_queries = _queries_for(clerk_client, large.url)

    assert len(large_queries) == len(small_queries), "\n".join(large_queries)
    assert len(large_queries) == LESSON_PAGE_QUERIES, "\n".join(large_queries)


def test_large_lesson_shows_everything(module, clerk_client):
    lesson = LessonPageFactory(parent=module, body=_stream(12, 30, 5, 5, texts=10))
    html = clerk_client.get(lesson.url).content.decode()
    assert html.count('<a href="/">Katalog</a>') == 13  # texts, callout, story, resolution
    assert len(re.findall(r'<a href="/documents/\d+/[^"]+">Merkblatt</a>', html)) == 13
    assert html.count('class="vocabulary-table"') == 12
    assert html.count("<img ") == 5
    assert html.count('class="download-list"') == 5
    assert html.count('<td lang="ar" dir="rtl">') == 12 * 30


def test_lesson_page_without_blocks_costs_no_block_queries(module, clerk_client):
    lesson = LessonPageFactory(parent=module, body="[]")
    # The fixed cost without figures, terms, documents and links (8 queries fewer).
    assert len(_queries_for(clerk_client, lesson.url)) == LESSON_PAGE_QUERIES - 8


def test_breadcrumb_and_neighbouring_lessons(module, clerk_client):
    first = LessonPageFactory(parent=module, title="Erste Lektion")
    middle = LessonPageFactory(parent=module, title="Zweite Lektion", duration_minutes=15)
    last = LessonPageFactory(parent=module, title="Dritte Lektion")
    draft = LessonPageFactory(parent=module, title="Entwurf", live=False)

    html = clerk_client.get(middle.url).content.decode()

    assert '<nav class="breadcrumb" aria-label="Brotkrumennavigation">' in html
    assert '<a href="/">Kurskatalog</a>' in html
    assert f'<a href="{module.get_parent().url}">Willkommen am Schalter</a>' in html
    assert f'<a href="{module.url}">Haltung</a>' in html
    assert '<span aria-current="page">Zweite Lektion</span>' in html
    assert f'<a href="{first.url}" rel="prev">' in html
    assert f'<a href="{last.url}" rel="next">' in html
    assert "Lektion 2 von 3" in html
    assert "etwa 15 Min." in html
    assert draft.title not in html

    first_html = clerk_client.get(first.url).content.decode()
    assert 'rel="prev"' not in first_html
    assert f'<a href="{middle.url}" rel="next">' in first_html


def test_restricted_lesson_is_not_offered_as_next(module, clerk_client):
    from wagtail.models import PageViewRestriction

    current = LessonPageFactory(parent=module)
    hidden = LessonPageFactory(parent=module, title="Nur für Trainer")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    html = clerk_client.get(current.url).content.decode()
    assert "Nur für Trainer" not in html
    assert 'rel="next"' not in html


def test_page_language_and_skip_link(module, clerk_client):
    lesson = LessonPageFactory(parent=module)
    html = clerk_client.get(lesson.url).content.decode()
    assert '<html lang="de" dir="ltr">' in html
    assert '<a class="skip-link" href="#main">Zum Inhalt springen</a>' in html

    clerk_client.cookies["django_language"] = "en"
    assert '<html lang="en" dir="ltr">' in clerk_client.get(lesson.url).content.decode()


def test_course_page_lists_modules_with_lesson_counts_and_durations(catalogue, clerk_client):
    course = CoursePageFactory(parent=catalogue)
    first = ModulePageFactory(parent=course, title="Ankommen")
    LessonPageFactory(parent=first, duration_minutes=10)
    LessonPageFactory(parent=first, duration_minutes=20)
    LessonPageFactory(parent=first, duration_minutes=99, live=False)
    second = ModulePageFactory(parent=course, title="Vertiefen", duration_minutes=45)
    LessonPageFactory(parent=second)

    html = clerk_client.get(course.url).content.decode()

    assert "Ankommen" in html
    assert "2 Lektionen" in html
    assert "etwa 30 Min." in html
    assert "1 Lektion" in html
    assert "etwa 45 Min." in html  # the trainer's estimate wins over the lessons'
    assert html.index("Ankommen") < html.index("Vertiefen")


def test_course_page_query_count_does_not_grow_with_modules(catalogue, clerk_client):
    small = CoursePageFactory(parent=catalogue)
    LessonPageFactory(parent=ModulePageFactory(parent=small))
    large = CoursePageFactory(parent=catalogue)
    for _ in range(6):
        module = ModulePageFactory(parent=large)
        for _ in range(4):
            LessonPageFactory(parent=module)
    assert len(_queries_for(clerk_client, small.url)) == len(_queries_for(clerk_client, large.url))


def test_catalogue_query_count_does_not_grow_with_courses(catalogue, clerk_client):
    LessonPageFactory(parent=ModulePageFactory(parent=CoursePageFactory(parent=catalogue)))
    few = len(_queries_for(clerk_client, "/"))
    for _ in range(5):
        LessonPageFactory(parent=ModulePageFactory(parent=CoursePageFactory(parent=catalogue)))
    assert len(_queries_for(clerk_client, "/")) == few


def test_catalogue_shows_course_cards(catalogue, clerk_client):
    course = CoursePageFactory(
        parent=catalogue, title="Kurs A", summary="Kurz gesagt", audience="Front Office"
    )
    module = ModulePageFactory(parent=course)
    LessonPageFactory(parent=module, duration_minutes=25)
    LessonPageFactory(parent=module, duration_minutes=5)

    html = clerk_client.get("/").content.decode()

    assert f'<a href="{course.url}">Kurs A</a>' in html
    assert "Kurz gesagt" in html
    assert "2 Lektionen" in html
    assert "etwa 30 Min." in html
    assert "Für: Front Office" in html


def test_module_page_lists_lessons_in_order(module, clerk_client):
    LessonPageFactory(parent=module, title="Alpha", duration_minutes=5)
    LessonPageFactory(parent=module, title="Beta")
    html = clerk_client.get(module.url).content.decode()
    assert html.index("Alpha") < html.index("Beta")
    assert "etwa 5 Min." in html
    assert '<span aria-current="page">Haltung</span>' in html


def test_preview_of_an_unsaved_lesson_renders_its_place_in_the_module(module, clerk):
    first = LessonPageFactory(parent=module, title="Erste Lektion")
    # What Wagtail's "preview on create" does before the page has a row of its own.
    page = LessonPage(title="Neue Lektion", slug="neu", body=_stream(1, 2, 1, 1))
    page.depth = module.depth + 1
    page.path = first._inc_path()
    page.set_url_path(module)

    response = page.make_preview_request()

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span aria-current="page">Neue Lektion</span>' in html
    assert f'<a href="{first.url}" rel="prev">' in html
    assert "Lektion 2 von 2" in html
    assert "data-notes-key" not in html  # nobody to keep the notes for in a preview
