"""Helpers that load exported decks into a real Anki collection (official ``anki``
package, AGPL, test-only) the way a clerk's Anki imports them."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from courses.models import Term

CONTENT_TIME = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keeps the audio cache of each test in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def term_touch(term: Term, *, minutes: int = 0) -> Term:
    """Pins ``updated_at`` (``auto_now`` would otherwise take the wall clock)."""
    Term.objects.filter(pk=term.pk).update(updated_at=CONTENT_TIME + timedelta(minutes=minutes))
    term.refresh_from_db()
    return term


@dataclass
class AnkiProfile:
    """One fresh Anki collection in a temporary directory."""

    directory: Path
    collection: object
    imports: int = 0

    def import_deck(self, content: bytes):
        from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

        self.imports += 1
        package = self.directory / f"import-{self.imports}.apkg"
        package.write_bytes(content)
        # Default options, as in Anki's import dialog: notes update only if newer.
        request = ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions()
        )
        return self.collection.import_anki_package(request).log

    def notes(self) -> list:
        col = self.collection
        return [col.get_note(note_id) for note_id in col.find_notes("")]

    def note_by_key(self, key: str):
        matches = [note for note in self.notes() if note["Key"] == key]
        assert len(matches) == 1, f"{len(matches)} notes with Key {key!r}"
        return matches[0]

    def deck_names(self) -> set[str]:
        return {deck.name for deck in self.collection.decks.all_names_and_ids()}


@pytest.fixture
def anki_profile(tmp_path):
    from anki.collection import Collection

    opened = []

    def open_profile(name: str = "profile") -> AnkiProfile:
        directory = tmp_path / name
        directory.mkdir()
        profile = AnkiProfile(directory, Collection(str(directory / "collection.anki2")))
        opened.append(profile)
        return profile

    yield open_profile
    for profile in opened:
        profile.collection.close()
