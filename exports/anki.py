"""Anki vocabulary decks (.apkg) from the termbase.

What makes a deck update cleanly in a clerk's Anki instead of piling up duplicates:

* the note type and deck ids are fixed numbers derived from constant names;
* every note's GUID comes from the term's permanent key, the language and the card
  kind, never from its content, so a corrected translation updates the old note;
* field and card-template names are frozen from the first release (spare fields
  leave room to grow without a new note type);
* the package timestamp is the newest change time of the exported terms: Anki only
  overwrites a note when the incoming one is newer than its own copy;
* Anki never deletes on import, so a retired term arrives with a ``retired`` tag.

The same content always gives a byte-identical file, which lets a cache or a checksum
tell whether a deck has really changed.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

import genanki
from django.db.models import QuerySet, prefetch_related_objects

from courses.glossary import term_search
from courses.languages import Language, text_direction
from courses.models import (
    CoursePage,
    LessonPage,
    ModulePage,
    Term,
    TermTranslation,
    Topic,
    VocabularyPlace,
    vocabulary_places,
    vocabulary_term_ids,
)
from exports.audio import AudioError, SpeechClips, audio_clips_used

DECK_ROOT = "Willkommensbehörde::Vokabeln"
MODEL_NAME = "Willkommensbehörde Vokabel"
MODEL_ID_KEY = "willkommen-training/model/v1"
DECK_ID_PREFIX = "willkommen-training/deck/"
# Part of every note's GUID: a new card kind (e.g. example sentences) gets its own.
VOCABULARY_KIND = "vocab-v1"

DIRECTIONS = ("de-x", "x-de", "both")

# Deck names are part of the deck's identity, so they are fixed German words and not
# run through gettext: the same export must not land in a different deck per locale.
LANGUAGE_DECK_NAMES: dict[str, str] = {
    "en": "Englisch",
    "ar": "Arabisch",
    "uk": "Ukrainisch",
    "ru": "Russisch",
    "tr": "Türkisch",
    "fa": "Persisch",
}

# FROZEN: Anki matches fields by position and name; renaming or reordering any of these
# forces every clerk to re-create the note type. Use a spare field for anything new.
FIELDS = [
    "Key",
    "German",
    "Plural",
    "Explanation",
    "Example",
    "Translation",
    "TranslationExample",
    "Language",
    "TextDirection",
    "LegalReference",
    "AudioGerman",
    "AudioTranslation",
    "CardGermanFirst",
    "CardTranslationFirst",
    "Spare1",
    "Spare2",
    "Spare3",
]

_DETAILS = """
<div class="wb-details" lang="de" dir="ltr">
{{#Plural}}<div class="wb-plural">Plural: {{Plural}}</div>{{/Plural}}
{{#Explanation}}<div class="wb-explanation">{{Explanation}}</div>{{/Explanation}}
{{#Example}}<div class="wb-example">{{Example}}</div>{{/Example}}
{{#LegalReference}}<div class="wb-law">{{LegalReference}}</div>{{/LegalReference}}
</div>
"""
_TRANSLATION = (
    '<div class="wb-translation" lang="{{Language}}" dir="{{TextDirection}}">{{Translation}}</div>'
)
_TRANSLATION_EXAMPLE = (
    "{{#TranslationExample}}"
    '<div class="wb-translation-example" lang="{{Language}}" dir="{{TextDirection}}">'
    "{{TranslationExample}}</div>"
    "{{/TranslationExample}}"
)
_GERMAN = '<div class="wb-german" lang="de" dir="ltr">{{German}}</div>'

# FROZEN as well: template names and order decide which card (ord) a review belongs to.
# A card exists only while its Card… field is filled, so one note type serves all three
# directions and switching direction later adds cards to the existing notes.
TEMPLATES = [
    {
        "name": "Deutsch → Sprache",
        "qfmt": "{{#CardGermanFirst}}" + _GERMAN + "{{AudioGerman}}{{/CardGermanFirst}}",
        "afmt": "{{FrontSide}}<hr id=answer>"
        + _TRANSLATION
        + "{{AudioTranslation}}"
        + _TRANSLATION_EXAMPLE
        + _DETAILS,
    },
    {
        "name": "Sprache → Deutsch",
        "qfmt": "{{#CardTranslationFirst}}"
        + _TRANSLATION
        + "{{AudioTranslation}}{{/CardTranslationFirst}}",
        "afmt": "{{FrontSide}}<hr id=answer>"
        + _GERMAN
        + "{{AudioGerman}}"
        + _TRANSLATION_EXAMPLE
        + _DETAILS,
    },
]

CSS = """
.card { font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 22px;
  text-align: center; color: #1a1a1a; background: #fff; }
.wb-german, .wb-translation { font-size: 1.4em; margin: .4em 0; }
.wb-translation[dir=rtl], .wb-translation-example[dir=rtl] {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", sans-serif; }
.wb-details { font-size: .8em; color: #444; margin-top: 1em; }
.wb-law { font-style: italic; }
"""

_CARD_FLAG = "y"


def stable_id(name: str) -> int:
    """A fixed Anki id for a constant name, in the range genanki recommends."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def vocabulary_model() -> genanki.Model:
    return genanki.Model(
        stable_id(MODEL_ID_KEY),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=TEMPLATES,
        css=CSS,
        sort_field_index=FIELDS.index("German"),
    )


def note_guid(*, key: str, language: str) -> str:
    return genanki.guid_for(key, language, VOCABULARY_KIND)


def language_deck_name(*, deck_name: str, language: str) -> str:
    return f"{deck_name}::{LANGUAGE_DECK_NAMES[language]}"


# A new card's cards columns after ``due``: ivl, factor, reps, lapses, left, odue, odid,
# flags, data (as genanki writes them).
_NEW_CARD = (0, 0, 0, 0, 0, 0, 0, 0, "")


class _Deck(genanki.Deck):
    """A genanki deck whose notes are plain rows.

    genanki writes the collection, the deck and the note type. The notes are kept as the
    rows genanki would insert (the same columns, GUIDs and card ordinals from genanki's
    reading of the templates) and go in as two batches: a ``genanki.Note`` per note and
    one statement per note and per card cost most of a large export's time and memory.
    genanki also writes a fixed 2015 mod time for decks; ours carries the content time.
    """

    def __init__(self, *args, modified: int, model: genanki.Model, **kwargs):
        super().__init__(*args, **kwargs)
        self.modified = modified
        self.model = model
        self.add_model(model)
        self.rows: list[tuple[str, str, str, str, tuple[int, ...]]] = []
        # (card ordinal, any or all, field positions) from genanki: which cards a note has.
        self._requirements = [
            (ordinal, any if kind == "any" else all, positions)
            for ordinal, kind, positions in model._req
        ]

    def to_json(self):
        data = super().to_json()
        data["mod"] = self.modified
        return data

    def note_add(self, *, fields: list[str], tags: list[str], guid: str) -> int:
        """Adds one note; returns how many cards it makes."""
        if not all(tags) or _WHITESPACE.search("".join(tags)):
            raise ValueError(f"Anki tags cannot be empty or contain spaces: {tags!r}")
        ordinals = tuple(
            ordinal
            for ordinal, required, positions in self._requirements
            if required(fields[position] for position in positions)
        )
        self.rows.append(
            (
                guid,
                f" {' '.join(tags)} ",
                "\x1f".join(fields),
                fields[self.model.sort_field_index],
                ordinals,
            )
        )
        return len(ordinals)

    def write_to_db(self, cursor, timestamp, id_gen):
        super().write_to_db(cursor, timestamp, id_gen)  # the deck and note type
        modified = int(timestamp)
        model_id = self.model.model_id
        note_rows, cards = [], []
        # Ids in genanki's order: each note, then its cards.
        for due, (guid, tags, fields, sort_field, ordinals) in enumerate(self.rows):
            note_id = next(id_gen)
            note_rows.append(
                (note_id, guid, model_id, modified, -1, tags, fields, sort_field, 0, 0, "")
            )
            cards.extend((next(id_gen), note_id, ordinal, due) for ordinal in ordinals)
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        del note_rows
        cursor.executemany(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (card_id, note_id, self.deck_id, ordinal, modified, -1, 0, 0, due, *_NEW_CARD)
                for card_id, note_id, ordinal, due in cards
            ),
        )


@dataclass
class DeckBuild:
    """An exported package and what went into it."""

    content: bytes
    timestamp: int
    deck_names: list[str]
    notes_written: int
    cards_written: int
    notes_by_language: dict[str, int]
    # Language code → permanent keys of terms left out for lack of that translation.
    skipped: dict[str, list[str]]
    audio_requested: bool
    audio_available: bool
    audio_reason: str
    media_files: int = 0
    audio_problems: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.notes_written} notes, {self.cards_written} cards in "
            f"{len(self.deck_names)} decks (package timestamp {self.timestamp})",
        ]
        for code, count in self.notes_by_language.items():
            lines.append(f"  {LANGUAGE_DECK_NAMES[code]} ({code}): {count} notes")
        for code, keys in self.skipped.items():
            if keys:
                lines.append(
                    f"  skipped for {code} (no translation): {len(keys)}: {', '.join(keys)}"
                )
        if not self.audio_requested:
            lines.append("audio: not requested")
        elif self.audio_available:
            lines.append(f"audio: {self.media_files} clips")
        else:
            lines.append(f"audio: none ({self.audio_reason})")
        lines.extend(f"audio problem: {problem}" for problem in self.audio_problems)
        return lines


class _Speech:
    """Sound references for one export, remembering failures so each is reported once."""

    def __init__(self, *, requested: bool):
        self.clips = SpeechClips()
        self.engine = self.clips.engine
        self.requested = requested
        self.available = requested and self.engine.available
        self.files: set[str] = set()  # names in the clip cache's directory
        self.problems: dict[str, str] = {}

    def reference(self, *, text: str, language: str) -> str:
        if not self.available or not text.strip():
            return ""
        try:
            name = self.clips.name(text=text, language=language)
        except AudioError as error:
            # One broken voice or clip must not cost the clerk the whole deck.
            self.problems.setdefault(f"{language}: {error}", language)
            return ""
        self.files.add(name)
        return f"[sound:{name}]"


class _Translation(NamedTuple):
    text: str
    example: str
    spoken_text: str


_WHITESPACE = re.compile(r"\s")
_NEEDS_ESCAPING = re.compile(r"[&<>\"'\r\n]")


def _text(value: str) -> str:
    # Termbase text is plain text: "<vor>" or "&" must show literally, and line
    # breaks in explanations should survive as breaks.
    value = value.strip()
    if _NEEDS_ESCAPING.search(value) is None:
        return value  # most fields: nothing to escape, and one search is cheaper
    return html.escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def _tags(term: _TermRow, language: str, places: Iterable[VocabularyPlace]) -> list[str]:
    tags = [f"level::{term.level}", f"language::{language}"]
    if term.topic_slug:
        tags.append(f"topic::{term.topic_slug}")
    # Hierarchical, as module slugs are unique only within their course.
    tags.extend(f"module::{place.course_slug}::{place.module_slug}" for place in places)
    if term.retired:
        tags.append("retired")
    return sorted(tags)


# Zip level 1: an 8 MB collection deflates in a third of the time of the default level 6
# for about 15% more bytes. MP3 clips are already compressed and are stored as they are.
_COLLECTION_LEVEL = 1


def _package_write(decks: list[_Deck], *, media: list[str], timestamp: int) -> bytes:
    """The .apkg bytes: genanki fills the collection, we write the zip ourselves.

    genanki's own ``write_to_file`` stamps each zip entry with its temporary file's
    mtime; here entries are sorted by name and carry fixed dates and permissions, so the
    same content always gives the same bytes, and the collection is zipped once,
    streamed from its file.
    """
    moment = datetime.fromtimestamp(max(timestamp, 315532800), tz=UTC)  # zip starts 1980
    date_time = moment.timetuple()[:6]
    with tempfile.TemporaryDirectory() as directory:
        collection = os.path.join(directory, "collection.anki2")
        connection = sqlite3.connect(collection)
        try:
            # A scratch file: no journal and no fsync.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            genanki.Package(decks).write_to_db(
                connection.cursor(), timestamp, itertools.count(timestamp * 1000)
            )
            connection.commit()
        finally:
            connection.close()
        entries: dict[str, tuple[str | bytes, int]] = {
            "collection.anki2": (collection, zipfile.ZIP_DEFLATED),
            # genanki's media map: the zip entry "0" is the first file, and so on.
            "media": (
                json.dumps(
                    {index: os.path.basename(path) for index, path in enumerate(media)}
                ).encode(),
                zipfile.ZIP_DEFLATED,
            ),
        }
        for index, path in enumerate(media):
            entries[str(index)] = (path, zipfile.ZIP_STORED)
        # Zipped into a file and read once: a BytesIO and its getvalue() would hold the
        # package twice at the peak.
        package = os.path.join(directory, "deck.apkg")
        with zipfile.ZipFile(package, "w") as archive:
            for name in sorted(entries):
                source, method = entries[name]
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.compress_type = method
                info.create_system = 3
                info.external_attr = 0o644 << 16
                if isinstance(source, bytes):
                    archive.writestr(info, source, compresslevel=_COLLECTION_LEVEL)
                    continue
                info.file_size = os.path.getsize(source)
                info._compresslevel = (
                    _COLLECTION_LEVEL  # as writestr sets it (3.13: compress_level)
                )
                with open(source, "rb") as file, archive.open(info, "w") as entry:
                    shutil.copyfileobj(file, entry, 1 << 20)
        with open(package, "rb") as file:
            return file.read()


class _TermRow(NamedTuple):
    """What an export reads of a term: a plain row, cheaper than a model instance."""

    pk: int
    key: str
    term: str
    article: str
    plural: str
    explanation: str
    example: str
    spoken_text: str
    legal_reference: str
    topic_slug: str | None
    level: str
    retired: bool
    updated_at: datetime

    @property
    def with_article(self) -> str:
        return f"{self.article} {self.term}" if self.article else self.term

    @property
    def spoken(self) -> str:
        return self.spoken_text or self.with_article


_TERM_COLUMNS = [
    "pk",
    "key",
    "term",
    "article",
    "plural",
    "explanation",
    "example",
    "spoken_text",
    "legal_reference",
    "topic__slug",
    "level",
    "retired",
    "updated_at",
]


# Terms read per round trip: a 10,000-note deck never holds all its termbase rows at once.
_READ_CHUNK = 1000


def _translations_read(term_ids: list[int]) -> dict[int, dict[str, _Translation]]:
    translations: dict[int, dict[str, _Translation]] = {pk: {} for pk in term_ids}
    found = TermTranslation.objects.filter(term_id__in=term_ids).values_list(
        "term_id", "language", "text", "example", "spoken_text"
    )
    for term_id, language, text, example, spoken_text in found.order_by():
        translations[term_id][language] = _Translation(text, example, spoken_text)
    return translations


def _terms_read(
    terms: Iterable[Term],
) -> tuple[list[int], Iterator[tuple[_TermRow, dict[str, _Translation]]]]:
    """The terms' ids, and each term (sorted by key) with its translations by language.

    A queryset is read as plain rows, in chunks: first the keys, then the terms with
    their topic and their translations, ``_READ_CHUNK`` at a time. Model instances and
    modelcluster's prefetch of ``translations`` would cost more than all the rest of a
    10,000-note export.
    """
    if not isinstance(terms, QuerySet):
        terms = list(terms)
        prefetch_related_objects([term for term in terms if term.topic_id], "topic")
        rows = sorted(
            (
                _TermRow(
                    *(getattr(term, column) for column in _TERM_COLUMNS[:9]),
                    term.topic.slug if term.topic_id else None,
                    term.level,
                    term.retired,
                    term.updated_at,
                )
                for term in terms
            ),
            key=lambda row: row.key,
        )
        translations = _translations_read([row.pk for row in rows])
        return [row.pk for row in rows], ((row, translations[row.pk]) for row in rows)

    # Sorted here, not by the database, whose collation may order "a-b" and "ab" apart
    # from Python; the order of the notes must not depend on the server.
    keys = sorted(terms.prefetch_related(None).order_by().values_list("key", "pk"))

    def chunks():
        for start in range(0, len(keys), _READ_CHUNK):
            ids = [pk for _key, pk in keys[start : start + _READ_CHUNK]]
            rows = {
                values[0]: _TermRow(*values)
                for values in Term.objects.filter(pk__in=ids).order_by().values_list(*_TERM_COLUMNS)
            }
            translations = _translations_read(ids)
            for pk in ids:
                yield rows[pk], translations[pk]

    return [pk for _key, pk in keys], chunks()


def anki_deck_build(
    *,
    terms: Iterable[Term],
    languages: list[str],
    direction: str = "de-x",
    audio: bool = False,
    deck_name: str = DECK_ROOT,
    progress: Callable[[int, int], None] | None = None,
) -> DeckBuild:
    """Builds an .apkg with one sub-deck per language in ``languages``.

    ``direction`` chooses the cards: German first (``de-x``), the client language
    first (``x-de``) or both. Terms lacking a language's translation are skipped for
    that language and listed in the result. With ``audio`` the cards get espeak-ng
    speech when espeak-ng and lame are installed; without them the deck is still built
    and the result says why there is no sound.

    ``progress(done, total)`` is called after each term of each language (speech is
    what takes time), so a background export can report how far it has come.
    """
    languages = list(dict.fromkeys(languages))
    unknown = [code for code in languages if code not in LANGUAGE_DECK_NAMES]
    if unknown or not languages:
        raise ValueError(
            f"unknown or missing language(s) {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(Language.values)}"
        )
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    term_ids, terms = _terms_read(terms)
    if not term_ids:
        raise ValueError("no terms to export")
    places = vocabulary_places(term_ids)

    model = vocabulary_model()
    speech = _Speech(requested=audio)
    german_first = _CARD_FLAG if direction in ("de-x", "both") else ""
    translation_first = _CARD_FLAG if direction in ("x-de", "both") else ""

    all_decks: dict[str, _Deck] = {}
    for language in languages:
        name = language_deck_name(deck_name=deck_name, language=language)
        all_decks[language] = _Deck(stable_id(DECK_ID_PREFIX + name), name, modified=0, model=model)
    skipped: dict[str, list[str]] = {language: [] for language in languages}
    cards_written = 0
    total_steps = len(languages) * len(term_ids)
    newest = None
    steps_done = 0
    # One pass over the terms: the German side (escaping, its clip) is made once per
    # term and shared by its notes in every language's deck.
    for term, translations in terms:
        newest = term.updated_at if newest is None else max(newest, term.updated_at)
        german: dict[str, str] | None = None
        for language in languages:
            steps_done += 1
            if progress is not None:
                progress(steps_done, total_steps)
            translation = translations.get(language)
            if translation is None or not translation.text.strip():
                skipped[language].append(term.key)
                continue
            if german is None:
                german = {
                    "German": _text(term.with_article),
                    "Plural": _text(term.plural),
                    "Explanation": _text(term.explanation),
                    "Example": _text(term.example),
                    "LegalReference": _text(term.legal_reference),
                    "AudioGerman": speech.reference(text=term.spoken, language="de"),
                    "CardGermanFirst": german_first,
                    "CardTranslationFirst": translation_first,
                }
            fields = {
                **german,
                "Key": _text(f"{term.key}/{language}"),
                "Translation": _text(translation.text),
                "TranslationExample": _text(translation.example),
                "Language": language,
                "TextDirection": text_direction(language),
                "AudioTranslation": speech.reference(
                    text=translation.spoken_text or translation.text, language=language
                ),
            }
            cards_written += all_decks[language].note_add(
                fields=[fields.get(name, "") for name in FIELDS],
                tags=_tags(term, language, places.get(term.pk, ())),
                guid=note_guid(key=term.key, language=language),
            )
    decks = [deck for deck in all_decks.values() if deck.rows]
    if not decks:
        raise ValueError("none of the terms has a translation into the chosen languages")
    notes_by_language = {
        language: len(deck.rows) for language, deck in all_decks.items() if deck.rows
    }

    # The package timestamp is the newest change of what is exported: a term, or a lesson
    # that put it into a module (its module tag), or Anki would not take the new tags.
    for term_places in places.values():
        for place in term_places:
            if place.published_at is not None and place.published_at > newest:
                newest = place.published_at
    timestamp = int(newest.timestamp())
    for deck in decks:
        deck.modified = timestamp
    media = [os.path.join(speech.clips.directory, name) for name in sorted(speech.files)]
    content = _package_write(decks, media=media, timestamp=timestamp)
    audio_clips_used(media)

    return DeckBuild(
        content=content,
        timestamp=timestamp,
        deck_names=[deck.name for deck in decks],
        notes_written=sum(notes_by_language.values()),
        cards_written=cards_written,
        notes_by_language=notes_by_language,
        skipped=skipped,
        audio_requested=audio,
        audio_available=speech.available,
        audio_reason=speech.engine.reason if audio else "not requested",
        media_files=len(media),
        audio_problems=sorted(speech.problems),
    )


# --- What to export -------------------------------------------------------------------


class DeckSelectionError(ValueError):
    """The requested course, module or topic does not exist or selects no terms."""


def _single_live_page(model, slug: str, label: str):
    # Slugs are only unique among siblings; refuse to guess between two pages.
    pages = list(model.objects.live().filter(slug=slug)[:2])
    if not pages:
        raise DeckSelectionError(f"no published {label} with slug {slug!r}")
    if len(pages) > 1:
        raise DeckSelectionError(f"more than one published {label} has the slug {slug!r}")
    return pages[0]


def _live_page(page_id: int):
    page = (
        CoursePage.objects.live().filter(pk=page_id).first()
        or ModulePage.objects.live().filter(pk=page_id).first()
        or LessonPage.objects.live().filter(pk=page_id).first()
    )
    if page is None:
        raise DeckSelectionError(f"no published course, module or lesson with id {page_id}")
    return page


def anki_terms_select(
    *,
    course: str | None = None,
    module: str | None = None,
    lesson: str | None = None,
    page: int | None = None,
    topic: str | None = None,
    search: str = "",
    include_retired: bool = False,
) -> QuerySet[Term]:
    """The terms a deck is made of: the termbase, or the terms of one topic, or those in
    the vocabulary blocks of the published lessons under a course, module or lesson (by
    slug, or by the id of any of these pages as ``page``).

    ``search`` narrows any of these like the glossary's search (German term, plural or
    a translation). Retired terms are left out unless ``include_retired``: a first deck
    should not teach them, but an update deck carries them so their ``retired`` tag
    reaches the clerks who already have them.
    """
    if sum(value is not None for value in (course, module, lesson, page, topic)) > 1:
        raise DeckSelectionError("choose at most one of course, module, lesson, page and topic")
    terms = Term.objects.all()
    if topic is not None:
        if not Topic.objects.filter(slug=topic).exists():
            raise DeckSelectionError(f"no topic with slug {topic!r}")
        terms = terms.filter(topic__slug=topic)
    elif course is not None:
        terms = terms.filter(
            pk__in=vocabulary_term_ids(_single_live_page(CoursePage, course, "course"))
        )
    elif module is not None:
        terms = terms.filter(
            pk__in=vocabulary_term_ids(_single_live_page(ModulePage, module, "module"))
        )
    elif lesson is not None:
        terms = terms.filter(
            pk__in=vocabulary_term_ids(_single_live_page(LessonPage, lesson, "lesson"))
        )
    elif page is not None:
        terms = terms.filter(pk__in=vocabulary_term_ids(_live_page(page)))
    if not include_retired:
        terms = terms.active()
    terms = term_search(terms, text=search)
    return terms.with_translations().order_by("key")
