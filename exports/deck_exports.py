"""Anki decks for people in the browser: what a request selects, and building it either at
once or as a background export the requester follows on a status page.

Small decks without audio are built inside the request (a few hundred notes take well
under a second); anything with audio, or more than ``IMMEDIATE_MAX_NOTES`` notes, goes
to the task worker, because espeak-ng and lame take tens of milliseconds per clip and a
web worker must not be blocked for minutes.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.languages import Language
from courses.models import CoursePage, LessonPage, ModulePage, Term, Topic
from exports.anki import (
    DIRECTIONS,
    DeckBuild,
    DeckSelectionError,
    anki_deck_build,
    anki_terms_select,
)
from exports.models import DeckExport
from training.vocabulary import vocabulary_assigned_term_ids

logger = logging.getLogger(__name__)

# At most this many notes (terms × languages) and no audio: built inside the request.
IMMEDIATE_MAX_NOTES = 200
FILENAME_PREFIX = "willkommen-vokabeln"
# Progress written to the database at most once per this many percent.
_PROGRESS_STEP = 5


@dataclass(frozen=True)
class DeckRequest:
    """Everything that decides a deck's content; stored with a background export."""

    languages: tuple[str, ...]
    direction: str = "de-x"
    audio: bool = False
    page_id: int | None = None
    topic: str = ""
    search: str = ""
    # The vocabulary of the requester's own assignments (the export's owner, never a
    # person named here).
    assigned: bool = False

    def __post_init__(self):
        unknown = [code for code in self.languages if code not in Language.values]
        if unknown or not self.languages:
            raise ValueError(f"unknown or missing languages: {unknown or '(none)'}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}")

    def to_parameters(self) -> dict:
        data = asdict(self)
        data["languages"] = list(self.languages)
        return data

    @classmethod
    def from_parameters(cls, data: dict) -> DeckRequest:
        return cls(**{**data, "languages": tuple(data["languages"])})


@dataclass(frozen=True)
class DeckScope:
    """A resolved selection: its terms, a label for people and a part for file names."""

    terms: QuerySet[Term]
    label: str
    slug: str
    assigned: bool = False


@dataclass
class LanguageCoverage:
    code: str
    label: str
    available: int
    # German forms of the terms that lack this translation and will be left out.
    missing: list[str] = field(default_factory=list)


@dataclass
class DeckCoverage:
    """How many of the selected terms each client language can show."""

    total: int
    languages: dict[str, LanguageCoverage]

    def notes(self, languages) -> int:
        return sum(self.languages[code].available for code in languages)


def deck_scope_get(
    *, page_id: int | None = None, topic: str = "", search: str = "", assigned_to=None
) -> DeckScope:
    """Resolves what a deck link or form selects. Raises ``DeckSelectionError`` for a page
    that is not a published course, module or lesson, or an unknown topic.

    ``assigned_to`` (a person, always the requester) selects the vocabulary of that
    person's assigned courses and modules instead."""
    if assigned_to is not None:
        if page_id is not None or topic or search.strip():
            raise DeckSelectionError("the assignments' vocabulary takes no other selection")
        term_ids = vocabulary_assigned_term_ids(user=assigned_to)
        return DeckScope(
            terms=anki_terms_select().filter(pk__in=term_ids),
            label=_("My assignments"),
            slug="meine-zuweisungen",
            assigned=True,
        )
    search = search.strip()
    labels: list[str] = []
    slugs: list[str] = []
    if page_id is not None:
        page = _page_get(page_id)
        kind = {
            CoursePage: (_("Course"), "kurs"),
            ModulePage: (_("Module"), "modul"),
            LessonPage: (_("Lesson"), "lektion"),
        }[type(page)]
        labels.append(f"{kind[0]} „{page.title}“")
        slugs.append(f"{kind[1]}-{page.slug}")
    if topic:
        found = Topic.objects.filter(slug=topic).first()
        if found is None:
            raise DeckSelectionError(f"no topic with slug {topic!r}")
        labels.append(_("Topic") + f" „{found.name}“")
        slugs.append(f"thema-{found.slug}")
    if search:
        labels.append(_("Search for") + f" „{search}“")
        slugs.append(f"suche-{search}")
    terms = anki_terms_select(page=page_id, topic=topic or None, search=search)
    return DeckScope(
        terms=terms,
        label=", ".join(labels) or _("All terms of the glossary"),
        slug=_ascii_slug("-".join(slugs)) or "glossar",
    )


def _page_get(page_id: int):
    for model in (CoursePage, ModulePage, LessonPage):
        page = model.objects.live().filter(pk=page_id).first()
        if page is not None:
            return page
    raise DeckSelectionError(f"no published course, module or lesson with id {page_id}")


_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _ascii_slug(text: str, *, max_length: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text.lower().translate(_GERMAN_LETTERS))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_length].strip("-")


def deck_filename(*, scope: DeckScope, languages) -> str:
    """``willkommen-vokabeln-<scope>-<languages>.apkg``, ASCII only."""
    return f"{FILENAME_PREFIX}-{scope.slug}-{'-'.join(languages)}.apkg"


def deck_coverage(terms: QuerySet[Term]) -> DeckCoverage:
    """Counts, per client language, the selected terms with a translation (two queries)."""
    terms = list(terms)
    coverage = {}
    for code, label in Language.choices:
        missing = [
            term.with_article
            for term in terms
            if not (
                code in term.translations_by_language
                and term.translations_by_language[code].text.strip()
            )
        ]
        coverage[code] = LanguageCoverage(code, str(label), len(terms) - len(missing), missing)
    return DeckCoverage(total=len(terms), languages=coverage)


def deck_in_background(*, request: DeckRequest, coverage: DeckCoverage) -> bool:
    return request.audio or coverage.notes(request.languages) > IMMEDIATE_MAX_NOTES


def _scope_of(request: DeckRequest, *, owner) -> DeckScope:
    return deck_scope_get(
        page_id=request.page_id,
        topic=request.topic,
        search=request.search,
        assigned_to=owner if request.assigned else None,
    )


def _languages_in_order(languages) -> tuple[str, ...]:
    return tuple(code for code in Language.values if code in set(languages))


@dataclass(frozen=True)
class DeckFile:
    filename: str
    content: bytes
    build: DeckBuild


def deck_file_build(*, request: DeckRequest, owner=None) -> DeckFile:
    """Builds the deck inside the current process (for small decks without audio);
    ``owner`` is the requester, whose assignments an ``assigned`` request means."""
    scope = _scope_of(request, owner=owner)
    languages = _languages_in_order(request.languages)
    build = anki_deck_build(
        terms=scope.terms, languages=list(languages), direction=request.direction, audio=False
    )
    return DeckFile(deck_filename(scope=scope, languages=languages), build.content, build)


def deck_export_start(*, owner, request: DeckRequest) -> DeckExport:
    """Records a background export for ``owner`` and queues its task once committed."""
    from exports.tasks import deck_export_task

    scope = _scope_of(request, owner=owner)
    languages = _languages_in_order(request.languages)
    export = DeckExport(
        owner=owner,
        parameters=request.to_parameters(),
        label=scope.label[:300],
        filename=deck_filename(scope=scope, languages=languages),
    )
    export.full_clean()
    export.save()
    # The worker must find the row: queue only after the transaction that made it.
    transaction.on_commit(lambda: deck_export_task.enqueue(export_id=export.pk))
    return export


def _progress_save(export: DeckExport, percent: int) -> None:
    export.progress = percent
    DeckExport.objects.filter(pk=export.pk).update(progress=percent)


def deck_export_run(*, export_id: int) -> None:
    """Builds the deck of a waiting export and stores it; the task's whole work.

    Runs once: an export that has already started (a task delivered twice) is left
    alone. A selection that has vanished in the meantime (page unpublished, topic
    deleted, translations removed) ends in ``failed`` with the reason.
    """
    updated = DeckExport.objects.filter(pk=export_id, status=DeckExport.Status.PENDING).update(
        status=DeckExport.Status.RUNNING, progress=1
    )
    if not updated:
        logger.info("Deck export %s is not waiting; nothing to do.", export_id)
        return
    export = DeckExport.objects.get(pk=export_id)

    def progress(done: int, total: int) -> None:
        # Building the notes (with speech) is 5–90 %; writing the file the rest.
        percent = 5 + (85 * done) // max(total, 1)
        if percent >= export.progress + _PROGRESS_STEP:
            _progress_save(export, percent)

    try:
        request = DeckRequest.from_parameters(export.parameters)
        scope = _scope_of(request, owner=export.owner)
        _progress_save(export, 5)
        build = anki_deck_build(
            terms=scope.terms,
            languages=list(_languages_in_order(request.languages)),
            direction=request.direction,
            audio=request.audio,
            progress=progress,
        )
        _progress_save(export, 95)
        export.file.save(export.filename, ContentFile(build.content), save=False)
    except (DeckSelectionError, ValueError) as error:
        _finish(export, status=DeckExport.Status.FAILED, error=str(error))
        return
    except Exception as error:
        _finish(export, status=DeckExport.Status.FAILED, error=f"internal error: {error!r}")
        raise
    export.summary = _summary(build)
    _finish(export, status=DeckExport.Status.DONE, progress=100)


def _summary(build: DeckBuild) -> dict:
    keys = {key for missing in build.skipped.values() for key in missing}
    names = dict(Term.objects.filter(key__in=keys).values_list("key", "term"))
    return {
        "notes": build.notes_written,
        "cards": build.cards_written,
        "notes_by_language": build.notes_by_language,
        "skipped": {
            code: [names.get(key, key) for key in missing]
            for code, missing in build.skipped.items()
            if missing
        },
        "audio_requested": build.audio_requested,
        "audio_clips": build.media_files,
        "audio_reason": "" if build.audio_available else build.audio_reason,
    }


def _finish(export: DeckExport, *, status: str, progress: int | None = None, error="") -> None:
    export.status = status
    export.error = error
    export.finished_at = timezone.now()
    if progress is not None:
        export.progress = progress
    export.save(update_fields=["status", "error", "finished_at", "progress", "file", "summary"])


def deck_exports_purge(*, finished_before: datetime) -> int:
    """Deletes finished exports (and their files) older than ``finished_before``."""
    return DeckExport.purge_finished_before(finished_before)
