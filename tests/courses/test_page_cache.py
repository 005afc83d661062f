"""The page cache: rendered lessons and glossary results per content generation.

Served from the cache only what every signed-in reader may see, never stale, never
one reader's data to another (courses/page_cache.py, training.middleware).
"""

import json
import re

import pytest
import wagtail_factories
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses import page_cache
from courses.models import ContentGeneration, TermTranslation
from courses.page_cache import (
    CachedFragments,
    FragmentCache,
    capture_put,
    capture_start,
    captured_fragments,
    current_generation,
    fragments,
)
from tests.conftest import _signed_in
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
    TopicFactory,
    UserFactory,
)
from training.roles import Role

pytestmark = pytest.mark.django_db

GLOSSARY = "/glossar/"

# What every request costs anyway (session, user, as the floor view of the benchmark)
# plus reading the content generation.
HIT_QUERIES = 3
# A lesson's frame adds the reader's progress (training_progress.progress_frame: the
# lesson's completion mode with the reader's progress); the visit (LessonVisitMiddleware)
# is written only when the last one recorded is a minute old (tests/training/test_progress.py).
LESSON_HIT_QUERIES = HIT_QUERIES + 1


@pytest.fixture
def term():
    term = TermFactory(key="fiktionsbescheinigung", term="Fiktionsbescheinigung", translated=False)
    TermTranslation.objects.create(term=term, language="en", text="fictional certificate")
    return term


@pytest.fixture
def module(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    return ModulePageFactory(parent=course, title="Haltung")


@pytest.fixture
def lesson(module, term):
    body = [
        {"type": "text", "value": "<p>Ein freundlicher Gruß.</p>"},
        {"type": "reflection", "value": {"prompt": "Wie begrüßen Sie?", "hint": ""}},
        {"type": "vocabulary", "value": {"title": "", "terms": [term.pk], "languages": ["en"]}},
    ]
    return LessonPageFactory(parent=module, title="Der erste Eindruck", body=json.dumps(body))


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _without_csrf(html: str) -> str:
    # A CSRF token is masked anew for every rendering.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _is_hit(client, url, django_assert_num_queries, queries=LESSON_HIT_QUERIES) -> str:
    with django_assert_num_queries(queries):
        return _html(client.get(url))


# --- Hits -------------------------------------------------------------------------------


def test_lesson_hit_costs_four_queries_and_shows_the_same_page(
    lesson, clerk_client, django_assert_num_queries
):
    first = _html(clerk_client.get(lesson.url))
    assert len(fragments) == 1
    # session, user, content generation; the reader's progress
    with django_assert_num_queries(LESSON_HIT_QUERIES):
        second = _html(clerk_client.get(lesson.url))
    assert _without_csrf(second) == _without_csrf(first)
    assert "<title>Der erste Eindruck – " in second
    assert "js/reflection" in second  # the lesson's extra head
    assert "fictional certificate" in second


def test_glossary_hit_costs_three_queries_and_shows_the_same_page(
    term, clerk_client, django_assert_num_queries
):
    first = _html(clerk_client.get(GLOSSARY, {"q": "fiktion"}))
    with django_assert_num_queries(HIT_QUERIES):  # session, user, content generation
        second = _html(clerk_client.get(GLOSSARY, {"q": "fiktion"}))
    assert _without_csrf(second) == _without_csrf(first)
    assert 'id="begriff-fiktionsbescheinigung"' in second
    assert 'value="fiktion"' in second  # the search form shows the search


def test_glossary_results_are_kept_per_query_string(term, clerk_client):
    TermFactory(key="reisepass", term="Reisepass")
    clerk_client.get(GLOSSARY)
    found = _html(clerk_client.get(GLOSSARY, {"q": "reisepass"}))
    assert "begriff-reisepass" in found
    assert "begriff-fiktionsbescheinigung" not in found
    everything = _html(clerk_client.get(GLOSSARY))
    assert "begriff-fiktionsbescheinigung" in everything


# --- Never stale ------------------------------------------------------------------------


def test_published_edit_shows_on_the_next_request(lesson, clerk_client):
    clerk_client.get(lesson.url)
    lesson.title = "Der zweite Eindruck"
    lesson.save_revision().publish()
    html = _html(clerk_client.get(lesson.url))
    assert "<h1>Der zweite Eindruck</h1>" in html
    assert "Der erste Eindruck" not in html


def test_draft_is_not_shown(lesson, clerk_client):
    clerk_client.get(lesson.url)
    lesson.title = "Nur ein Entwurf"
    lesson.save_revision()
    html = _html(clerk_client.get(lesson.url))
    assert "Nur ein Entwurf" not in html
    assert "<h1>Der erste Eindruck</h1>" in html


def test_corrected_translation_shows_in_lesson_and_glossary(lesson, term, clerk_client):
    assert "fictional certificate" in _html(clerk_client.get(lesson.url))
    assert "fictional certificate" in _html(clerk_client.get(GLOSSARY))
    translation = term.translations.get(language="en")
    translation.text = "certificate of continued residence"
    translation.save()
    for url in (lesson.url, GLOSSARY):
        html = _html(clerk_client.get(url))
        assert "certificate of continued residence" in html
        assert "fictional certificate" not in html


def test_renamed_topic_shows_in_the_glossary(term, clerk_client):
    term.topic = TopicFactory(slug="aufenthalt", name="Aufenthalt")
    term.save()
    assert "Aufenthalt</a>" in _html(clerk_client.get(GLOSSARY))
    term.topic.name = "Aufenthaltsrecht"
    term.topic.save()
    assert "Aufenthaltsrecht</a>" in _html(clerk_client.get(GLOSSARY))


def test_unpublished_lesson_is_gone_on_the_next_request(lesson, clerk_client):
    _html(clerk_client.get(lesson.url))
    lesson.unpublish()
    assert clerk_client.get(lesson.url).status_code == 404


def test_deleted_lesson_is_gone_on_the_next_request(lesson, clerk_client):
    _html(clerk_client.get(lesson.url))
    Page.objects.get(pk=lesson.pk).delete()
    assert clerk_client.get(lesson.url).status_code == 404


def test_moved_lesson_leaves_its_old_address(lesson, module, clerk_client):
    old_url = lesson.url
    other = ModulePageFactory(parent=module.get_parent(), title="Anderes Modul")
    _html(clerk_client.get(old_url))
    lesson.move(other, pos="last-child")
    lesson.refresh_from_db()
    moved = clerk_client.get(old_url)
    # Wagtail's automatic redirect: the old address is no longer the lesson itself.
    assert moved.status_code == 301
    assert moved["Location"] == lesson.url
    assert "Anderes Modul" in _html(clerk_client.get(lesson.url))


def test_new_neighbour_shows_in_the_lesson_navigation(lesson, module, clerk_client):
    clerk_client.get(lesson.url)
    LessonPageFactory(parent=module, title="Die zweite Lektion")
    html = _html(clerk_client.get(lesson.url))
    assert 'rel="next"' in html
    assert "Die zweite Lektion" in html


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda t: t.save(), id="term saved"),
        pytest.param(lambda t: t.delete(), id="term deleted"),
        pytest.param(lambda t: t.translations.first().save(), id="translation saved"),
        pytest.param(lambda t: t.translations.first().delete(), id="translation deleted"),
        pytest.param(lambda t: TopicFactory(), id="topic created"),
        pytest.param(lambda t: wagtail_factories.ImageFactory(), id="image created"),
        pytest.param(lambda t: wagtail_factories.DocumentFactory(), id="document created"),
        pytest.param(lambda t: Site.objects.get().save(), id="site saved"),
        pytest.param(
            lambda t: PageViewRestriction.objects.create(
                page=Site.objects.get().root_page, restriction_type=PageViewRestriction.LOGIN
            ),
            id="view restriction created",
        ),
    ],
)
def test_every_kind_of_content_change_gives_a_new_generation(catalogue, term, change):
    before = current_generation()
    assert before is not None
    change(term)
    assert current_generation() != before


def test_image_deleted_gives_a_new_generation(db):
    image = wagtail_factories.ImageFactory()
    before = current_generation()
    image.delete()
    assert current_generation() != before


def test_renditions_made_while_rendering_keep_the_generation(db):
    image = wagtail_factories.ImageFactory()
    before = current_generation()
    rendition = image.get_rendition("width-100")
    assert current_generation() == before
    rendition.delete()
    assert current_generation() != before


def test_missing_generation_row_means_no_cache_until_the_next_change(lesson, clerk_client):
    ContentGeneration.objects.all().delete()
    assert current_generation() is None
    clerk_client.get(lesson.url)
    assert len(fragments) == 0
    lesson.save_revision().publish()  # a change creates the row again
    assert current_generation() is not None
    clerk_client.get(lesson.url)
    assert len(fragments) == 1


# --- Never for the wrong reader ---------------------------------------------------------


def _csrf_secrets(html: str) -> set[str]:
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert tokens
    return {_unmask_cipher_token(token) for token in tokens}


def test_two_clerks_get_their_own_frame_and_notes(lesson, clerk, clerk_client):
    other = UserFactory(role=Role.CLERK, username="zweite-sachbearbeiterin")
    other_client = _signed_in(other)

    first = _html(clerk_client.get(lesson.url))
    second = _html(other_client.get(lesson.url))  # from the cache
    assert len(fragments) == 1

    clerk_secret = clerk_client.cookies["csrftoken"].value
    other_secret = other_client.cookies["csrftoken"].value
    assert clerk_secret != other_secret
    assert _csrf_secrets(first) == {clerk_secret}
    assert _csrf_secrets(second) == {other_secret}
    assert clerk_secret not in second
    assert clerk.username not in second
    # Reflection notes stay per person in the browser: each page carries its reader's id.
    assert re.findall(r'data-notes-key="reflection:(\d+):', first) == [str(clerk.pk)]
    assert re.findall(r'data-notes-key="reflection:(\d+):', second) == [str(other.pk)]
    assert page_cache.READER_PLACEHOLDER not in first + second


def test_messages_of_one_reader_stay_with_them(lesson, clerk_client):
    other_client = _signed_in(UserFactory(role=Role.CLERK))
    clerk_client.get(lesson.url)
    # A message waiting for the other reader (say, "password changed") is shown to them
    # on a cached page as well, and only to them.
    storage = CookieStorage(RequestFactory().get("/"))
    other_client.cookies[storage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Ihr Passwort wurde geändert.")]
    )
    assert "Ihr Passwort wurde geändert." in _html(other_client.get(lesson.url))
    assert "Ihr Passwort wurde geändert." not in _html(clerk_client.get(lesson.url))


def test_signed_out_visitor_is_sent_to_sign_in_also_when_cached(lesson, clerk_client):
    _html(clerk_client.get(lesson.url))
    response = Client().get(lesson.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
    assert Client().get(GLOSSARY).status_code == 302


def test_german_and_english_are_kept_apart(lesson, clerk_client):
    assert "Lektion 1 von 1" in _html(clerk_client.get(lesson.url))
    clerk_client.cookies["django_language"] = "en"
    english = _html(clerk_client.get(lesson.url))
    assert "Lesson 1 of 1" in english
    assert '<html lang="en"' in english
    del clerk_client.cookies["django_language"]
    assert "Lektion 1 von 1" in _html(clerk_client.get(lesson.url))
    assert len(fragments) == 2


def test_view_restriction_stops_serving_from_the_cache(lesson, module, clerk_client):
    _html(clerk_client.get(lesson.url))
    assert len(fragments) == 1
    from django.contrib.auth.models import Group

    trainers = Group.objects.create(name="Nur Trainer")
    restriction = PageViewRestriction.objects.create(
        page=module, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(trainers)
    response = clerk_client.get(lesson.url)
    assert response.status_code == 302  # Wagtail asks for another sign-in
    assert "Der erste Eindruck" not in response.content.decode()


def test_page_with_view_restriction_is_never_kept(lesson, module, clerk_client):
    PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        response = clerk_client.get(lesson.url)
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]
    assert len(fragments) == 0


def test_admin_preview_is_never_kept_nor_served(lesson, trainer_client, clerk_client):
    _html(clerk_client.get(lesson.url))
    preview_url = f"/admin/pages/{lesson.pk}/edit/preview/"
    data = nested_form_data(
        {
            "title": "Vorschau im Entwurf",
            "slug": lesson.slug,
            "intro": "",
            "duration_minutes": "",
            "body": streamfield([("text", rich_text("<p>Nur in der Vorschau.</p>"))]),
            "comments": inline_formset([]),
        }
    )
    assert trainer_client.post(preview_url, data).json()["is_valid"]
    preview = trainer_client.get(preview_url)
    assert "Nur in der Vorschau." in _html(preview)
    assert len(fragments) == 1  # still only the clerk's published lesson
    html = _html(clerk_client.get(lesson.url))
    assert "Nur in der Vorschau." not in html
    assert "<h1>Der erste Eindruck</h1>" in html


def test_query_string_is_not_served_from_the_cache(lesson, clerk_client, django_assert_num_queries):
    clerk_client.get(lesson.url)
    response = clerk_client.get(lesson.url, {"utm": "mail"})
    assert response.status_code == 200
    assert len(fragments) == 1
    _is_hit(clerk_client, lesson.url, django_assert_num_queries)


def test_unknown_page_hook_switches_the_cache_off(lesson, clerk):
    seen = []

    def record_visit(page, request, serve_args, serve_kwargs):
        seen.append(page.pk)

    with hooks.register_temporarily("before_serve_page", record_visit):
        client = _signed_in(clerk)  # a new client loads the middleware anew
        client.get(lesson.url)
        client.get(lesson.url)
    assert seen == [lesson.pk, lesson.pk]
    assert len(fragments) == 0


# --- The pieces -------------------------------------------------------------------------


def test_content_with_a_csrf_token_is_never_kept(rf: RequestFactory):
    request = rf.get("/")
    capture_start(request)
    capture_put(request, "title", "T")
    capture_put(request, "head", "")
    capture_put(request, "content", '<input name="csrfmiddlewaretoken" value="x">')
    assert captured_fragments(request) is None
    capture_put(request, "content", "<p>ok</p>")
    assert captured_fragments(request) == CachedFragments("T", "", "<p>ok</p>")


def test_fragment_cache_forgets_everything_on_a_new_generation():
    cache = FragmentCache(max_entries=10, max_chars=1000)
    entry = CachedFragments("t", "", "c")
    assert cache.get(1, "a") is None
    assert cache.set(1, "a", entry)
    assert cache.get(1, "a") == entry
    assert cache.get(2, "a") is None
    assert not cache.set(1, "a", entry)  # rendered under a generation already gone
    assert cache.get(1, "a") is None  # an older value again (a restored backup)
    assert not cache.set(None, "a", entry)
    assert cache.get(None, "a") is None


def test_fragment_cache_is_bounded():
    cache = FragmentCache(max_entries=2, max_chars=25)
    cache.get(1, "x")
    for key in "abc":
        cache.set(1, key, CachedFragments("", "", key * 10))
    assert len(cache) == 2
    assert cache.get(1, "a") is None
    cache.set(1, "big", CachedFragments("", "", "x" * 26))
    assert cache.get(1, "big") is None
    cache.get(1, "b")  # b is now the most recent
    cache.set(1, "d", CachedFragments("", "", "d" * 10))
    assert cache.get(1, "b") is not None
    assert cache.get(1, "c") is None
