"""Where a page sits in its course: breadcrumbs, previous/next lesson, outlines.

Each tag runs one query, however many modules or lessons there are, and hands the
templates plain objects so that no template loop touches the database.
"""

from dataclasses import dataclass, field

from django import template
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from wagtail.models import Page, PageViewRestriction

from courses.models import LessonPage

register = template.Library()


def _visible_below(queryset, top: Page):
    """Live pages of ``queryset`` with no view restriction between ``top`` and
    themselves: the reader was already let through ``top`` and its ancestors.

    Wagtail's ``public()`` would load every restriction in a query of its own.
    """
    restricted = PageViewRestriction.objects.filter(
        page__depth__gt=top.depth,
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen),
    )
    return queryset.live().filter(~Exists(restricted))


def _ancestor_paths(page) -> list[str]:
    # Depth 1 is Wagtail's invisible root; the catalogue (depth 2) starts the trail.
    steplen = Page.steplen
    return [page.path[:end] for end in range(2 * steplen, len(page.path), steplen)]


@register.simple_tag
def page_ancestors(page) -> list[Page]:
    """The breadcrumb above ``page``, from the catalogue down, in one query."""
    return list(Page.objects.filter(path__in=_ancestor_paths(page)).order_by("path"))


@dataclass
class LessonTrail:
    ancestors: list = field(default_factory=list)
    previous: Page | None = None
    next: Page | None = None
    position: int = 1
    total: int = 1


@register.simple_tag
def lesson_trail(page) -> LessonTrail:
    """Breadcrumb ancestors (from the catalogue down) and the neighbouring lessons of
    the same module, in tree order, fetched together in one query."""
    steplen = Page.steplen
    parent_path = page.path[:-steplen]
    ancestor_paths = _ancestor_paths(page)
    parent = Page(path=parent_path, depth=page.depth - 1)
    siblings = _visible_below(
        Page.objects.filter(path__startswith=parent_path, depth=page.depth), parent
    ).exclude(pk=page.pk)
    rows = Page.objects.filter(
        Q(path__in=ancestor_paths) | Q(pk__in=siblings.values("pk"))
    ).order_by("path")
    trail = LessonTrail()
    before, after = [], []
    for row in rows:
        if row.depth < page.depth:
            trail.ancestors.append(row)
        elif row.path < page.path:
            before.append(row)
        else:
            after.append(row)
    trail.previous = before[-1] if before else None
    trail.next = after[0] if after else None
    trail.position = len(before) + 1
    trail.total = len(before) + len(after) + 1
    return trail


@dataclass(frozen=True)
class OutlineEntry:
    page: Page
    lesson_count: int
    minutes: int | None


def _lessons_by_prefix(top: Page, prefix_depth: int) -> dict[str, list[int | None]]:
    """Durations of the visible lessons below ``top``, grouped by their ancestor at
    ``prefix_depth``."""
    lessons = _visible_below(LessonPage.objects.descendant_of(top), top)
    grouped: dict[str, list[int | None]] = {}
    for path, minutes in lessons.values_list("path", "duration_minutes"):
        grouped.setdefault(path[: prefix_depth * Page.steplen], []).append(minutes)
    return grouped


def _outline(top: Page, children) -> list[OutlineEntry]:
    children = list(children)
    if not children:
        return []
    grouped = _lessons_by_prefix(top, children[0].depth)
    entries = []
    for child in children:
        durations = grouped.get(child.path, [])
        # A trainer's own estimate wins; otherwise the lessons' estimates add up.
        known = [m for m in durations if m]
        minutes = child.duration_minutes or (sum(known) if known else None)
        entries.append(OutlineEntry(child, len(durations), minutes))
    return entries


@register.simple_tag
def course_outline(course, modules) -> list[OutlineEntry]:
    """Each module of ``course`` with its number of lessons and its duration."""
    return _outline(course, modules)


@register.simple_tag
def catalogue_outline(catalogue, courses) -> list[OutlineEntry]:
    """Each course of the catalogue with its number of lessons and its duration."""
    return _outline(catalogue, courses)
