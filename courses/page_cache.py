"""Cache of rendered content per web process, valid for one content generation.

What is cached: the parts of a page that come from content only (its ``<title>``, its
extra head and its main content, captured while base.html renders them, see
``templatetags/fragment_cache.py``). What never is: the frame around them (header with
the reader's CSRF tokens and sign-out form, messages, language switch), which is rendered
for every request.

Validity: ``ContentGeneration`` holds one value that gets a new random value in the same
transaction as every change to something a page can show (receivers below). Every
request reads it (one query) and the cache of the process drops everything the moment it
sees a value it did not see before, so a change is visible on the next request in every
process, and a restored backup (an old value again) cannot bring back newer entries.

Code that changes content with ``QuerySet.update()`` or ``bulk_create()``/``bulk_update()``
sends no signals: call ``content_changed()`` in the same transaction (the termbase import
saves each changed term, which does it).
"""

import logging
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import (
    CataloguePage,
    ContentGeneration,
    CoursePage,
    LessonPage,
    ModulePage,
    Term,
    TermTranslation,
    Topic,
)

logger = logging.getLogger(__name__)

GENERATION_PK = 1

# Page types whose main content shows nothing about the reader and may therefore be
# served from the cache to every signed-in reader. Exact types: a subclass may add
# something personal. A page type that shows progress, answers or anything else about the
# reader inside {% block content %} must not be listed here.
CACHEABLE_PAGE_TYPES = frozenset({CataloguePage, CoursePage, ModulePage, LessonPage})

# Stands in for the reader's id in cached HTML (reflection notes are kept per person in
# the browser) and is replaced for each response. Random per process, like the cache, so
# no author can type it into content.
READER_PLACEHOLDER = f"reader-{secrets.token_hex(12)}"


# --- The generation --------------------------------------------------------------------


def current_generation() -> int | None:
    """The current generation, or None when its row is missing (then nothing is cached)."""
    # Plain SQL: read on every cached request, where the ORM's query building would cost
    # about as much as the round trip.
    quote = connection.ops.quote_name
    meta = ContentGeneration._meta
    sql = (
        f"SELECT {quote('value')} FROM {quote(meta.db_table)} "  # noqa: S608 - model names
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [GENERATION_PK])
        row = cursor.fetchone()
    return row[0] if row else None


def content_changed() -> None:
    """Give the generation a new value, in the caller's transaction.

    A random value rather than a counter: a rolled-back transaction or a restored backup
    brings back an old value, and a counter would then reach values again that caches
    already hold for other content.
    """
    value = secrets.randbits(62)
    if ContentGeneration.objects.filter(pk=GENERATION_PK).update(value=value):
        return
    # The row is gone (a flushed database): create it again.
    try:
        with transaction.atomic():
            ContentGeneration.objects.create(pk=GENERATION_PK, value=value)
    except IntegrityError:  # created meanwhile by another process
        ContentGeneration.objects.filter(pk=GENERATION_PK).update(value=value)


@cache
def _watched_models() -> tuple[type, ...]:
    # Resolved on first use: the image and document models may be swapped and are not
    # loaded yet when this module is imported.
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return (
        Page,
        Term,
        TermTranslation,
        Topic,
        get_image_model(),
        _rendition_model(),
        get_document_model(),
        Site,
        PageViewRestriction,
    )


@cache
def _rendition_model() -> type:
    from wagtail.images import get_image_model

    return get_image_model().get_rendition_model()


@receiver(post_save)
@receiver(post_delete)
def _model_changed(sender, instance, signal, **kwargs):
    # Senders are concrete classes (LessonPage, not Page), hence isinstance, not sender=.
    if not isinstance(instance, _watched_models()):
        return
    if signal is post_save and isinstance(instance, _rendition_model()):
        # A new rendition is made while a page that shows it renders, so no cached page
        # can miss it; renewing the generation there would also make a reader's GET
        # wait for the row lock of any content change still in progress.
        return
    content_changed()


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def _restriction_groups_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        content_changed()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_event(sender, **kwargs):
    # A move rewrites the paths of the page and its descendants with a bulk update,
    # without post_save; publishing and unpublishing are covered by post_save as well.
    content_changed()


# --- The cache of one process -----------------------------------------------------------


@dataclass(frozen=True)
class CachedFragments:
    """The content parts of one rendered page, as base.html's blocks rendered them."""

    title: str
    head: str
    content: str
    # Which page this is (id and model label, e.g. "courses.lessonpage"), so that the
    # frame rendered around a hit can show the reader's own progress on it.
    page_id: int | None = None
    page_model: str = ""

    @property
    def size(self) -> int:
        return len(self.title) + len(self.head) + len(self.content)


class FragmentCache:
    """A bounded least-recently-used store that holds one generation at a time."""

    def __init__(self, max_entries: int, max_chars: int):
        self.max_entries = max_entries
        self.max_chars = max_chars
        self._entries: OrderedDict = OrderedDict()
        self._chars = 0
        self._generation: int | None = None
        # runserver and threaded servers share the process between requests.
        self._lock = threading.Lock()

    def get(self, generation: int | None, key) -> CachedFragments | None:
        """The entry for ``key``; first forgets everything if ``generation`` is new."""
        if generation is None:
            return None
        with self._lock:
            if generation != self._generation:
                self._clear()
                self._generation = generation
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def set(self, generation: int | None, key, entry: CachedFragments) -> bool:
        """Keep ``entry`` if ``generation`` is still the newest this process has seen."""
        if generation is None or entry.size > self.max_chars:
            return False
        with self._lock:
            if generation != self._generation:
                return False  # another request has seen a newer generation meanwhile
            old = self._entries.pop(key, None)
            if old is not None:
                self._chars -= old.size
            self._entries[key] = entry
            self._chars += entry.size
            while len(self._entries) > self.max_entries or self._chars > self.max_chars:
                _key, dropped = self._entries.popitem(last=False)
                self._chars -= dropped.size
            return True

    def clear(self) -> None:
        with self._lock:
            self._clear()
            self._generation = None

    def _clear(self) -> None:
        self._entries.clear()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)


# About 20 kB per lesson and 180 kB per glossary page: at most some 64 MB per process.
fragments = FragmentCache(max_entries=1000, max_chars=32_000_000)


# --- Capturing while rendering -----------------------------------------------------------

_CAPTURE_ATTRIBUTE = "_page_cache_capture"


def capture_start(request) -> None:
    """Have base.html hand over its content blocks for caching during this request."""
    setattr(request, _CAPTURE_ATTRIBUTE, {})


def is_capturing(request) -> bool:
    return getattr(request, _CAPTURE_ATTRIBUTE, None) is not None


def capture_put(request, name: str, html: str) -> None:
    captured = getattr(request, _CAPTURE_ATTRIBUTE, None)
    if captured is not None:
        captured[name] = html


def captured_fragments(request) -> CachedFragments | None:
    """What base.html captured during this request, if it may be shown to anybody.

    The CSRF token check is a last line of defence: a form with a token inside the main
    content would hand one reader's token to all others.
    """
    captured = getattr(request, _CAPTURE_ATTRIBUTE, None) or {}
    if set(captured) != {"title", "head", "content"}:
        return None
    if any("csrfmiddlewaretoken" in html for html in captured.values()):
        logger.warning("Not cached: %s shows a CSRF token in its content.", request.path)
        return None
    return CachedFragments(**captured)


def personalise(html: str, request) -> str:
    """``html`` with the reader's own id in place of the placeholder."""
    if READER_PLACEHOLDER not in html:
        return html
    user = getattr(request, "user", None)
    reader = str(user.pk) if user is not None and user.pk is not None else ""
    return html.replace(READER_PLACEHOLDER, reader)


CACHED_PAGE_TEMPLATE = "courses/cached_page.html"


def cached_page_context(entry: CachedFragments) -> dict:
    """Context for ``CACHED_PAGE_TEMPLATE``: base.html around the cached parts."""
    return {"page_cache": entry}
