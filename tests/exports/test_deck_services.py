"""The service side of deck downloads: scope names, file names and progress."""

import pytest

from exports.anki import DeckSelectionError, anki_deck_build
from exports.deck_exports import (
    DeckRequest,
    deck_export_run,
    deck_export_start,
    deck_filename,
    deck_scope_get,
)
from exports.models import DeckExport
from tests.factories import TermFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_file_name_is_ascii_with_scope_and_languages(db):
    TopicFactory(slug="aufenthalt", name="Aufenthalt")
    scope = deck_scope_get(topic="aufenthalt", search="Größe Дозвіл Übergang")
    assert deck_filename(scope=scope, languages=["uk", "fa"]) == (
        "willkommen-vokabeln-thema-aufenthalt-suche-groesse-uebergang-uk-fa.apkg"
    )
    assert deck_filename(scope=deck_scope_get(), languages=["en"]) == (
        "willkommen-vokabeln-glossar-en.apkg"
    )


def test_unknown_selection_and_request_are_refused(db):
    with pytest.raises(DeckSelectionError):
        deck_scope_get(topic="gibt-es-nicht")
    with pytest.raises(DeckSelectionError):
        deck_scope_get(page_id=987654)
    with pytest.raises(ValueError, match="unknown or missing languages"):
        DeckRequest(languages=("xx",))
    with pytest.raises(ValueError, match="direction"):
        DeckRequest(languages=("en",), direction="sideways")


def test_build_reports_progress_per_term_and_language(db):
    terms = [TermFactory(), TermFactory(), TermFactory()]
    calls = []
    anki_deck_build(terms=terms, languages=["en", "ar"], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(n, 6) for n in range(1, 7)]


def test_run_records_rising_progress(clerk, monkeypatch):
    topic = TopicFactory(slug="viele")
    for _ in range(30):
        TermFactory(topic=topic)
    export = deck_export_start(owner=clerk, request=DeckRequest(languages=("en",), topic="viele"))
    seen = []
    original = DeckExport.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recorded_update(**values):
            if "progress" in values:
                seen.append(values["progress"])
            return update(**values)

        queryset.update = recorded_update
        return queryset

    monkeypatch.setattr(DeckExport.objects, "filter", spy)
    deck_export_run(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == DeckExport.Status.DONE and export.progress == 100
    assert seen == sorted(seen) and len(seen) >= 5
    assert seen[0] == 1 and seen[-1] == 95
