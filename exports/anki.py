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
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import genanki
from django.db.models import QuerySet, prefetch_related_objects

from courses.glossary import term_search
from courses.languages import Language, text_direction
from courses.models import CoursePage, LessonPage, ModulePage, Term, Topic, vocabulary_term_ids
from exports.audio import AudioError, audio_engine_get, speech_clip_get

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


class _Deck(genanki.Deck):
    """genanki writes a fixed 2015 mod time for decks; ours carries the content time."""

    def __init__(self, *args, modified: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.modified = modified

    def to_json(self):
        data = super().to_json()
        data["mod"] = self.modified
        return data


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
        self.engine = audio_engine_get()
        self.requested = requested
        self.available = requested and self.engine.available
        self.files: dict[str, Path] = {}
        self.problems: dict[str, str] = {}

    def reference(self, *, text: str, language: str) -> str:
        if not self.available or not text.strip():
            return ""
        try:
            path = speech_clip_get(text=text, language=language, engine=self.engine)
        except AudioError as error:
            # One broken voice or clip must not cost the clerk the whole deck.
            self.problems.setdefault(f"{language}: {error}", language)
            return ""
        self.files[path.name] = path
        return f"[sound:{path.name}]"


def _text(value: str) -> str:
    # Termbase text is plain text: "<vor>" or "&" must show literally, and line
    # breaks in explanations should survive as breaks.
    return html.escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br>")


def _tags(term: Term, language: str) -> list[str]:
    tags = [f"level::{term.level}", f"language::{language}"]
    if term.topic_id:
        tags.append(f"topic::{term.topic.slug}")
    if term.retired:
        tags.append("retired")
    return sorted(tags)


def _zip_deterministic(source: Path, *, timestamp: int) -> bytes:
    """Rewrites genanki's zip with sorted entries and fixed dates and permissions
    (genanki stamps each entry with its temporary file's mtime)."""
    moment = datetime.fromtimestamp(max(timestamp, 315532800), tz=UTC)  # zip starts 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w") as rewritten:
        for name in sorted(original.namelist()):
            info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            rewritten.writestr(info, original.read(name))
    return buffer.getvalue()


def _with_translations(terms: Iterable[Term]) -> list[Term]:
    if isinstance(terms, QuerySet):
        terms = terms.select_related("topic").prefetch_related("translations")
    terms = list(terms)
    prefetch_related_objects(terms, "translations", "topic")
    return sorted(terms, key=lambda term: term.key)


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
    terms = _with_translations(terms)
    if not terms:
        raise ValueError("no terms to export")

    timestamp = int(max(term.updated_at for term in terms).timestamp())
    model = vocabulary_model()
    speech = _Speech(requested=audio)
    german_first = _CARD_FLAG if direction in ("de-x", "both") else ""
    translation_first = _CARD_FLAG if direction in ("x-de", "both") else ""

    decks: list[_Deck] = []
    skipped: dict[str, list[str]] = {}
    notes_by_language: dict[str, int] = {}
    cards_written = 0
    total_steps = len(languages) * len(terms)
    steps_done = 0
    for language in languages:
        name = language_deck_name(deck_name=deck_name, language=language)
        deck = _Deck(stable_id(DECK_ID_PREFIX + name), name, modified=timestamp)
        skipped[language] = []
        for term in terms:
            steps_done += 1
            if progress is not None:
                progress(steps_done, total_steps)
            translation = term.translations_by_language.get(language)
            if translation is None or not translation.text.strip():
                skipped[language].append(term.key)
                continue
            fields = {
                "Key": _text(f"{term.key}/{language}"),
                "German": _text(term.with_article),
                "Plural": _text(term.plural),
                "Explanation": _text(term.explanation),
                "Example": _text(term.example),
                "Translation": _text(translation.text),
                "TranslationExample": _text(translation.example),
                "Language": language,
                "TextDirection": text_direction(language),
                "LegalReference": _text(term.legal_reference),
                "AudioGerman": speech.reference(text=term.spoken, language="de"),
                "AudioTranslation": speech.reference(
                    text=translation.spoken_text or translation.text, language=language
                ),
                "CardGermanFirst": german_first,
                "CardTranslationFirst": translation_first,
                "Spare1": "",
                "Spare2": "",
                "Spare3": "",
            }
            note = genanki.Note(
                model=model,
                fields=[fields[name] for name in FIELDS],
                tags=_tags(term, language),
                guid=note_guid(key=term.key, language=language),
                due=len(deck.notes),
            )
            deck.add_note(note)
            cards_written += len(note.cards)
        if deck.notes:
            decks.append(deck)
            notes_by_language[language] = len(deck.notes)
    if not decks:
        raise ValueError("none of the terms has a translation into the chosen languages")

    media = [speech.files[name] for name in sorted(speech.files)]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "deck.apkg"
        genanki.Package(decks, media_files=[str(p) for p in media]).write_to_file(
            str(path), timestamp=timestamp
        )
        content = _zip_deterministic(path, timestamp=timestamp)

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
