"""Clerks and trainers download Anki decks from the site and the admin."""

import json
import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.models import TermTranslation
from exports import deck_exports
from exports.deck_exports import DeckRequest, deck_export_run, deck_export_start
from exports.models import DeckExport
from tests.exports.conftest import term_touch
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

DECK_URL = "/vokabeln/anki/"


def vocabulary_body(*terms) -> str:
    """A lesson body with a reflection and one vocabulary block of ``terms``."""
    return json.dumps(
        [
            {"type": "reflection", "value": {"prompt": "Was hilft?", "hint": ""}},
            {
                "type": "vocabulary",
                "value": {
                    "title": "Begriffe",
                    "terms": [
                        {"type": "item", "value": term.pk, "id": str(uuid.uuid4())}
                        for term in terms
                    ],
                    "languages": [],
                },
            },
        ]
    )


@pytest.fixture
def course(catalogue):
    """A module whose two lessons use three terms; Persian lacks one translation."""
    topic = TopicFactory(slug="aufenthalt", name="Aufenthalt")
    terms = {
        key: term_touch(TermFactory(key=key, term=key.capitalize(), topic=topic), minutes=n)
        for n, key in enumerate(["antrag", "pass", "visum", "anderswo"])
    }
    TermTranslation.objects.filter(term=terms["visum"], language="fa").delete()
    course = CoursePageFactory(parent=catalogue, slug="schalter", title="Am Schalter")
    module = ModulePageFactory(parent=course, slug="aufenthalt", title="Aufenthalt")
    first = LessonPageFactory(
        parent=module, slug="erste", body=vocabulary_body(terms["antrag"], terms["pass"])
    )
    second = LessonPageFactory(parent=module, slug="zweite", body=vocabulary_body(terms["visum"]))
    empty = ModulePageFactory(parent=course, slug="leer", title="Ohne Vokabeln")
    LessonPageFactory(parent=empty, body="[]")
    return {
        "terms": terms,
        "course": course,
        "module": module,
        "lessons": [first, second],
        "empty": empty,
    }


def _deck_link(html: str) -> str:
    match = re.search(r'<a href="(/vokabeln/anki/[^"]*)">Vokabeln als Anki-Deck</a>', html)
    assert match, "no deck link on the page"
    return match.group(1).replace("&amp;", "&")


def _hidden(html: str) -> dict:
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
        if name != "csrfmiddlewaretoken"
    }


def _keys(profile) -> set[str]:
    return {note["Key"] for note in profile.notes()}


def test_clerk_downloads_the_module_deck_from_the_module_page(clerk_client, course, anki_profile):
    page = clerk_client.get(course["module"].url)
    link = _deck_link(page.content.decode())
    assert link == f"{DECK_URL}?page={course['module'].pk}"

    form = clerk_client.get(link)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Modul „Aufenthalt“ · 3 Begriffe" in html
    # The summary names what each language will leave out.
    assert "Begriffe ohne Übersetzung" in html
    assert re.search(r"Persisch \(فارسی\)</strong> \(2 von 3 Begriffen\): .*der Visum", html)

    response = clerk_client.post(
        DECK_URL, {**_hidden(html), "languages": ["en", "ar"], "direction": "both"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"] == (
        'attachment; filename="willkommen-vokabeln-modul-aufenthalt-en-ar.apkg"'
    )
    assert not DeckExport.objects.exists()
    profile = anki_profile()
    profile.import_deck(response.content)
    assert _keys(profile) == {
        "antrag/en", "pass/en", "visum/en", "antrag/ar", "pass/ar", "visum/ar",
    }  # fmt: skip
    assert profile.collection.card_count() == 12  # both directions
    assert {
        "Willkommensbehörde::Vokabeln::Englisch",
        "Willkommensbehörde::Vokabeln::Arabisch",
    } <= profile.deck_names()


def test_lesson_deck_has_only_that_lessons_terms_and_skips_missing_translations(
    clerk_client, course, anki_profile
):
    lesson = course["lessons"][1]
    link = _deck_link(clerk_client.get(lesson.url).content.decode())
    html = clerk_client.get(link).content.decode()
    assert "Lektion „" in html and "1 Begriff" in html

    # Persian has no translation of the lesson's only term: a clear message, no file.
    response = clerk_client.post(DECK_URL, {**_hidden(html), "languages": ["fa", "en"]})
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert (
        "Keiner der ausgewählten Begriffe ist übersetzt in: Persisch (فارسی)."
        in response.content.decode()
    )

    response = clerk_client.post(DECK_URL, {**_hidden(html), "languages": ["uk"]})
    assert response["Content-Disposition"].endswith(f'lektion-{lesson.slug}-uk.apkg"')
    profile = anki_profile()
    profile.import_deck(response.content)
    assert _keys(profile) == {"visum/uk"}
    assert profile.collection.card_count() == 1  # German first by default


def test_glossary_link_keeps_topic_and_search(clerk_client, course, anki_profile):
    TermFactory(key="fremd", term="Pass-Ersatz", topic=TopicFactory(slug="dokumente"))
    glossary = clerk_client.get("/glossar/", {"topic": "aufenthalt", "q": "pass", "language": "ar"})
    link = _deck_link(glossary.content.decode())
    assert link.startswith(f"{DECK_URL}?") and "language" not in link

    html = clerk_client.get(link).content.decode()
    assert "Thema „Aufenthalt“, Suche nach „pass“ · 1 Begriff" in html
    response = clerk_client.post(DECK_URL, {**_hidden(html), "languages": ["tr"]})
    assert response["Content-Disposition"] == (
        'attachment; filename="willkommen-vokabeln-thema-aufenthalt-suche-pass-tr.apkg"'
    )
    profile = anki_profile()
    profile.import_deck(response.content)
    assert _keys(profile) == {"pass/tr"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"languages": ["xx"]}, "„xx“ ist keine Sprache des Termbestands."),
        ({}, "Wählen Sie mindestens eine Sprache."),
        ({"languages": ["en"], "direction": "rueckwaerts"}, "Wählen Sie eine der Richtungen."),
    ],
)
def test_invalid_options_show_a_german_message_and_change_nothing(
    clerk_client, course, data, message
):
    response = clerk_client.post(DECK_URL, {"page": course["module"].pk, **data})

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert message in response.content.decode()
    assert not DeckExport.objects.exists()


def test_unknown_or_empty_selection_gives_no_file(clerk_client, course):
    gone = clerk_client.get(DECK_URL, {"page": 999999})
    assert gone.status_code == 404
    assert "Diese Auswahl gibt es nicht (mehr)" in gone.content.decode()

    # A page that is not a course, module or lesson, and an unknown topic.
    assert clerk_client.get(DECK_URL, {"page": course["course"].get_parent().pk}).status_code == 404
    response = clerk_client.post(DECK_URL, {"topic": "gibt-es-nicht", "languages": ["en"]})
    assert response.status_code == 400
    assert "Content-Disposition" not in response

    empty = clerk_client.get(DECK_URL, {"page": course["empty"].pk})
    assert "Diese Auswahl enthält keine Vokabeln" in empty.content.decode()
    response = clerk_client.post(DECK_URL, {"page": course["empty"].pk, "languages": ["en"]})
    assert "Content-Disposition" not in response
    assert not DeckExport.objects.exists()


def test_deck_with_audio_is_built_in_the_background(
    clerk_client, clerk, course, anki_profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            DECK_URL, {"page": course["lessons"][0].pk, "languages": ["en"], "audio": "on"}
        )

    export = DeckExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/vokabeln/anki/export/{export.pk}/"
    assert export.owner == clerk
    assert export.status == DeckExport.Status.DONE
    assert export.progress == 100
    assert export.finished_at is not None
    assert export.parameters["audio"] is True
    assert export.summary["notes"] == 2
    assert export.summary["audio_clips"] == 4

    status = clerk_client.get(response["Location"]).content.decode()
    assert "Fertig" in status
    assert f'href="/vokabeln/anki/export/{export.pk}/datei/"' in status
    assert '<progress id="deck-export-progress" max="100" value="100"' in status
    assert clerk_client.get(f"/vokabeln/anki/export/{export.pk}/status.json").json() == {
        "status": "done",
        "status_label": "Fertig",
        "progress": 100,
        "finished": True,
        "download_url": f"/vokabeln/anki/export/{export.pk}/datei/",
    }

    download = clerk_client.get(f"/vokabeln/anki/export/{export.pk}/datei/")
    assert download["Content-Disposition"] == (
        f'attachment; filename="willkommen-vokabeln-lektion-{course["lessons"][0].slug}-en.apkg"'
    )
    profile = anki_profile()
    profile.import_deck(b"".join(download.streaming_content))
    assert _keys(profile) == {"antrag/en", "pass/en"}
    assert profile.notes()[0]["AudioGerman"].startswith("[sound:wb-")


def test_large_deck_goes_to_the_background_and_lists_skipped_terms(
    clerk_client, course, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(deck_exports, "IMMEDIATE_MAX_NOTES", 4)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            DECK_URL, {"page": course["module"].pk, "languages": ["en", "fa"]}
        )

    export = DeckExport.objects.get()
    assert response.status_code == 302
    assert export.status == DeckExport.Status.DONE
    assert export.summary["notes_by_language"] == {"en": 3, "fa": 2}
    status = clerk_client.get(response["Location"]).content.decode()
    assert "Begriffe ohne Übersetzung" in status
    assert 'Persisch (فارسی)</strong>: <span lang="de">Visum' in status
    again = f'<a href="/vokabeln/anki/?page={course["module"].pk}">Ein weiteres Deck erstellen</a>'
    assert again in status


def test_waiting_export_shows_progress_and_a_reload_link(clerk_client, clerk, course):
    # Without capturing on-commit callbacks the task is never queued: the export waits.
    export = deck_export_start(
        owner=clerk, request=DeckRequest(languages=("en",), page_id=course["module"].pk)
    )
    html = clerk_client.get(f"/vokabeln/anki/export/{export.pk}/").content.decode()

    assert "Wartet auf den Start" in html
    assert 'aria-valuenow="0"' in html
    assert f'<a href="/vokabeln/anki/export/{export.pk}/">Seite neu laden</a>' in html
    assert "exports/export_status.js" in html
    assert clerk_client.get(f"/vokabeln/anki/export/{export.pk}/datei/").status_code == 404


def test_another_clerk_cannot_see_or_fetch_an_export(client, clerk, course):
    export = deck_export_start(
        owner=clerk, request=DeckRequest(languages=("en",), page_id=course["module"].pk)
    )
    deck_export_run(export_id=export.pk)
    other = UserFactory(role=Role.CLERK)
    client.force_login(other)

    for suffix in ("", "status.json", "datei/"):
        assert client.get(f"/vokabeln/anki/export/{export.pk}/{suffix}").status_code == 404
    client.force_login(clerk)
    assert client.get(f"/vokabeln/anki/export/{export.pk}/datei/").status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client, clerk, course):
    export = deck_export_start(
        owner=clerk, request=DeckRequest(languages=("en",), page_id=course["module"].pk)
    )
    for url in (
        f"{DECK_URL}?page={course['module'].pk}",
        f"/vokabeln/anki/export/{export.pk}/",
        f"/vokabeln/anki/export/{export.pk}/datei/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/?next=")
    response = client.post(DECK_URL, {"page": course["module"].pk, "languages": ["en"]})
    assert response.status_code == 302
    assert not DeckExport.objects.filter(status=DeckExport.Status.DONE).exists()


def test_export_of_a_vanished_selection_fails_with_the_reason(clerk, course):
    export = deck_export_start(
        owner=clerk, request=DeckRequest(languages=("en",), page_id=course["module"].pk)
    )
    course["module"].unpublish()

    deck_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == DeckExport.Status.FAILED
    assert "no published course, module or lesson" in export.error
    assert not export.file

    # A second delivery of the task leaves a finished export alone.
    deck_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == DeckExport.Status.FAILED


def test_clerk_cannot_reach_the_admin_deck_form(clerk_client):
    assert clerk_client.get("/admin/vokabeln-anki/").status_code == 403


def test_trainer_exports_a_topic_deck_in_the_admin(trainer_client, course, anki_profile):
    topics = trainer_client.get("/admin/snippets/courses/topic/").content.decode()
    assert "/admin/vokabeln-anki/?selection=topic%3Aaufenthalt" in topics
    explore = trainer_client.get(f"/admin/pages/{course['module'].pk}/").content.decode()
    assert f"/admin/vokabeln-anki/?selection=page%3A{course['module'].pk}" in explore

    form = trainer_client.get("/admin/vokabeln-anki/", {"selection": "topic:aufenthalt"})
    assert form.status_code == 200
    assert "<strong>Thema „Aufenthalt“</strong> · 4 Begriffe" in form.content.decode()

    response = trainer_client.post(
        "/admin/vokabeln-anki/", {"selection": "topic:aufenthalt", "languages": ["ru"]}
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="willkommen-vokabeln-thema-aufenthalt-ru.apkg"'
    )
    profile = anki_profile()
    profile.import_deck(response.content)
    assert _keys(profile) == {"antrag/ru", "pass/ru", "visum/ru", "anderswo/ru"}

    bad = trainer_client.post("/admin/vokabeln-anki/", {"selection": "topic:nix"})
    assert bad.status_code == 400
    assert "Diese Auswahl gibt es nicht (mehr)" in bad.content.decode()


def test_purge_deletes_old_finished_exports_only(clerk, course):
    request = DeckRequest(languages=("en",), page_id=course["module"].pk)
    old, recent, waiting = (deck_export_start(owner=clerk, request=request) for _ in range(3))
    for export in (old, recent):
        deck_export_run(export_id=export.pk)
    DeckExport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    old.refresh_from_db()
    storage = old.file.storage
    old_name = old.file.name
    assert storage.exists(old_name)

    out = StringIO()
    call_command("purge_deck_exports", "--days", "7", stdout=out)

    assert "Deleted 1 deck export(s)" in out.getvalue()
    assert set(DeckExport.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not storage.exists(old_name)
