"""When a lesson, module or course counts as complete: the rules, in one place.

Two layers:

* Pure rule functions (``lesson_counts``, ``vocabulary_needed``, ``module_state``,
  ``course_state``, ``training_status``) that take explicit inputs and touch no database.
  Every percentage on the platform comes from them.
* ``progress_snapshot``: loads what those rules need for many people and many courses or
  modules at once, with a fixed number of queries whatever their number, and answers
  per (person, page).

The rules:

* A lesson counts when its latest completion is not older than the *cutoff* of its
  module for that person (``None``: everything counts). The cutoff is the later of the
  newest ``RecertificationRequirement`` of the module (content changed: completions from
  before no longer count) and, when the person's newest completion of the course enters
  its renewal window, the moment the course reopened.
* A module is complete when all its live lessons count, all its quizzes and scenarios
  are passed (``module_assessment_page_ids`` / ``assessment_pages_passed``) and its
  vocabulary goal is met: at least ``goal`` % of the module's terms are *learned*, i.e.
  the person has a card of the term in any language and direction in review state with a
  stability of at least ``TRAINING_VOCABULARY_LEARNED_DAYS`` days. A module with nothing
  to do is complete.
* A course is complete when it has live modules and each of them is complete.
* Percentages count units: each lesson, each quiz or scenario, and the vocabulary goal
  (one unit, when the module has terms and a goal).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.db.models import Max, Q
from django.db.models.functions import Substr
from django.db.models.lookups import In
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, ModulePage, body_term_ids
from training import dates

# --- Settings ----------------------------------------------------------------------------


def learned_stability_days() -> float:
    return float(getattr(settings, "TRAINING_VOCABULARY_LEARNED_DAYS", 21))


def renewal_notice_days() -> int:
    """How long before the end of its validity a course reopens (and the clerk is told)."""
    return int(getattr(settings, "TRAINING_RENEWAL_NOTICE_DAYS", 60))


def recertification_due_days() -> int:
    """Days a clerk has to redo a module after a content change required it."""
    return int(getattr(settings, "TRAINING_RECERTIFICATION_DUE_DAYS", 28))


# --- Pure rules --------------------------------------------------------------------------


def lesson_counts(completed_at: dt.datetime | None, cutoff: dt.datetime | None) -> bool:
    """A lesson completion counts unless it predates the cutoff."""
    return completed_at is not None and (cutoff is None or completed_at >= cutoff)


def vocabulary_needed(term_count: int, goal_percent: int | None) -> int:
    """How many of ``term_count`` terms must be learned for a goal of ``goal_percent``."""
    if not goal_percent or not term_count:
        return 0
    return math.ceil(term_count * goal_percent / 100)


def percent(done: int, total: int) -> int:
    """Whole percent, rounded down (99.6 % is not yet 100 %); nothing to do is 100 %."""
    return 100 if total == 0 else (100 * done) // total


@dataclass(frozen=True)
class ModuleSpec:
    """What a module asks of everybody (content, not people)."""

    id: int
    course_id: int | None
    lesson_ids: tuple[int, ...]  # live lessons in reading order
    assessment_ids: frozenset[int] = frozenset()
    term_ids: frozenset[int] = frozenset()
    vocabulary_goal: int | None = None


@dataclass(frozen=True)
class ModuleState:
    done: int
    total: int
    complete: bool
    started: bool
    completed_at: dt.datetime | None  # the newest counting lesson completion, if complete
    lessons_done: frozenset[int]
    vocabulary_learned: int = 0
    vocabulary_needed: int = 0

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


@dataclass(frozen=True)
class CourseState:
    done: int
    total: int
    complete: bool
    started: bool
    completed_at: dt.datetime | None
    modules: tuple[ModuleState, ...] = field(default=())

    @property
    def percent(self) -> int:
        return 0 if not self.modules else percent(self.done, self.total)


def module_state(
    spec: ModuleSpec,
    *,
    lesson_completed: Mapping[int, dt.datetime | None],
    visited: Collection[int] = (),
    passed: Collection[int] = (),
    learned_terms: Collection[int] = (),
    cutoff: dt.datetime | None = None,
) -> ModuleState:
    """One person's state in one module, from their lesson completions (lesson id →
    completed_at), the assessments they passed and the terms they learned."""
    if cutoff is None:  # the common case, without a call per lesson
        counting = [lesson for lesson in spec.lesson_ids if lesson_completed.get(lesson)]
    else:
        counting = [
            lesson
            for lesson in spec.lesson_ids
            if lesson_counts(lesson_completed.get(lesson), cutoff)
        ]
    lessons_done = frozenset(counting)
    assessments_done = len(spec.assessment_ids.intersection(passed)) if spec.assessment_ids else 0
    needed = vocabulary_needed(len(spec.term_ids), spec.vocabulary_goal)
    learned = len(spec.term_ids.intersection(learned_terms)) if spec.term_ids else 0
    has_goal = needed > 0
    goal_met = not has_goal or learned >= needed
    total = len(spec.lesson_ids) + len(spec.assessment_ids) + int(has_goal)
    done = len(counting) + assessments_done + int(has_goal and goal_met)
    complete = done == total
    started = bool(
        counting
        or assessments_done
        or (has_goal and learned)
        or (visited and any(lesson in visited for lesson in spec.lesson_ids))
    )
    times = [lesson_completed[lesson] for lesson in counting] if complete else ()
    return ModuleState(
        done=done,
        total=total,
        complete=complete,
        started=started,
        completed_at=max(times) if times else None,
        lessons_done=lessons_done,
        vocabulary_learned=learned,
        vocabulary_needed=needed,
    )


def course_state(modules: Iterable[ModuleState]) -> CourseState:
    """A course from the states of its live modules (complete when all are)."""
    modules = tuple(modules)
    times = [m.completed_at for m in modules if m.completed_at is not None]
    complete = bool(modules) and all(m.complete for m in modules)
    return CourseState(
        done=sum(m.done for m in modules),
        total=sum(m.total for m in modules),
        complete=complete,
        started=any(m.started for m in modules),
        completed_at=max(times) if complete and times else None,
        modules=modules,
    )


class Status:
    """Status of one person's obligation, as the dashboard and reports show it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    OVERDUE = "overdue"
    EXPIRING = "expiring"  # still valid, but reopened: renewal is due


def training_status(
    *,
    complete: bool,
    started: bool,
    due: dt.date | None,
    now: dt.datetime,
    still_valid_earlier_completion: bool = False,
) -> str:
    """complete > expiring (an earlier completion still valid, renewal open) > overdue >
    in progress > not started."""
    if complete:
        return Status.COMPLETE
    if still_valid_earlier_completion:
        return Status.EXPIRING
    if dates.is_past_due(due, now):
        return Status.OVERDUE
    return Status.IN_PROGRESS if started else Status.NOT_STARTED


def module_cutoff(
    *,
    recertified_at: dt.datetime | None,
    course_reopens_at: dt.datetime | None,
    now: dt.datetime,
) -> dt.datetime | None:
    """The moment before which a person's lesson completions in a module stop counting."""
    moments = [recertified_at]
    if course_reopens_at is not None and course_reopens_at <= now:
        moments.append(course_reopens_at)
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


# --- Quizzes and scenarios: the seam -------------------------------------------------------

ASSESSMENT_PAGE_MODELS = ("quizzes.QuizPage", "quizzes.ScenarioPage")


def _assessment_models() -> list[type]:
    found = []
    for label in ASSESSMENT_PAGE_MODELS:
        app_label, model_name = label.split(".")
        try:
            found.append(apps.get_model(app_label, model_name))
        except LookupError:
            continue
    return found


def module_assessment_page_ids(module_ids: Collection[int]) -> dict[int, set[int]]:
    """Module id → ids of its live quiz and scenario pages (children of type
    ``quizzes.QuizPage`` / ``quizzes.ScenarioPage``). One query; none while those page
    types do not exist (then no module has assessments).

    The page types are looked up by name, so these rules read as plain pages.
    """
    models = _assessment_models()
    if not models or not module_ids:
        return {}
    from django.contrib.contenttypes.models import ContentType

    content_types = ContentType.objects.get_for_models(*models).values()
    modules = {
        p["path"]: p["id"] for p in Page.objects.filter(id__in=module_ids).values("id", "path")
    }
    result: dict[int, set[int]] = {}
    children = Page.objects.live().filter(
        content_type__in=list(content_types),
        depth__gt=1,
    )
    children = children.filter(reduce(or_, (Q(path__startswith=path) for path in modules)))
    for child in children.values("id", "path", "depth"):
        parent = modules.get(child["path"][: -Page.steplen])
        if parent is not None:
            result.setdefault(parent, set()).add(child["id"])
    return result


def assessment_pages_passed(
    *, user_ids: Collection[int], page_ids: Collection[int]
) -> set[tuple[int, int]]:
    """(user id, page id) for every quiz or scenario page in ``page_ids`` the user has
    passed (a finished, passed quiz attempt or scenario play). Two queries."""
    if not page_ids or not user_ids:
        return set()
    from quizzes.scenario_selectors import scenario_pages_passed
    from quizzes.selectors import quiz_pages_passed

    return quiz_pages_passed(user_ids=user_ids, page_ids=page_ids) | scenario_pages_passed(
        user_ids=user_ids, page_ids=page_ids
    )


def open_attempt_urls(
    *,
    user_ids: Collection[int],
    module_ids: Collection[int],
    module_paths: Mapping[str, int] | None = None,
) -> dict[int, dict[int, str]]:
    """User id → module id → address of the person's newest open (unfinished) quiz attempt
    or scenario play in that module ("continue where I stopped" comes there before the
    next lesson). Three queries, whatever the number of people and modules; two when the
    caller knows the modules' paths (``module_paths``: path → id, from a snapshot)."""
    if not module_ids or not user_ids:
        return {}
    from quizzes.models import QuizAttempt, ScenarioPlay

    if module_paths is not None:
        wanted = set(module_ids)
        module_of_path = {path: pk for path, pk in module_paths.items() if pk in wanted}
    else:
        module_of_path = dict(Page.objects.filter(id__in=module_ids).values_list("path", "id"))
    opened = [
        (started, user_id, path, reverse("quizzes:resume", args=[pk]))
        for pk, user_id, path, started in QuizAttempt.objects.open()
        .filter(user_id__in=list(user_ids), page__isnull=False)
        .values_list("pk", "user_id", "page__path", "started_at")
    ]
    opened += [
        (started, user_id, path, reverse("scenarios:play", kwargs={"play_id": pk}))
        for pk, user_id, path, started in ScenarioPlay.objects.filter(
            user_id__in=list(user_ids), status=ScenarioPlay.Status.OPEN, page__isnull=False
        ).values_list("pk", "user_id", "page__path", "started_at")
    ]
    result: dict[int, dict[int, str]] = {}
    # Oldest first, so that the newest open attempt of a module wins.
    for _started, user_id, path, url in sorted(opened, key=lambda row: row[0]):
        module_id = module_of_path.get(path[: -Page.steplen])
        if module_id is not None:
            result.setdefault(user_id, {})[module_id] = url
    return result


# --- Bulk loading ------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRef:
    """A module or lesson as the snapshot needs it; ``as_page()`` for links."""

    FIELDS = ("id", "path", "depth", "title", "url_path")

    id: int
    path: str
    depth: int
    title: str
    url_path: str
    vocabulary_goal_percent: int | None = None

    @property
    def pk(self) -> int:
        return self.id

    def as_page(self) -> Page:
        """An unsaved ``Page`` with what ``pageurl``/``get_url`` need."""
        return Page(
            id=self.id, path=self.path, depth=self.depth, title=self.title, url_path=self.url_path
        )


@dataclass
class ProgressSnapshot:
    """Everything the rules need for some people and some courses/modules, loaded once."""

    now: dt.datetime
    courses: dict[int, CoursePage]
    modules: dict[int, PageRef]
    lessons: dict[int, PageRef]
    course_modules: dict[int, list[int]]
    specs: dict[int, ModuleSpec]
    progress: dict[tuple[int, int], tuple[dt.datetime, dt.datetime | None]]  # visit, done
    passed: set[tuple[int, int]]
    learned: dict[int, set[int]]
    recertified: dict[int, dt.datetime]
    course_completions: dict[tuple[int, int], list]  # newest first
    urls: dict[int, str] | None = None  # page id → address (one site only)
    _states: dict = field(default_factory=dict, repr=False)

    # -- Content --------------------------------------------------------------------

    def url(self, page: Page | PageRef, request=None) -> str | None:
        """The address of a course, module or lesson of the snapshot, as
        ``page.get_url(request)`` gives it, without Wagtail's site lookups when the
        installation has one site."""
        if self.urls is not None and page.pk in self.urls:
            return self.urls[page.pk]
        if isinstance(page, PageRef):
            page = page.as_page()
        return page.get_url(request)

    # -- Per person -----------------------------------------------------------------

    def latest_completion(self, user_id: int, course_id: int):
        rows = self.course_completions.get((user_id, course_id))
        return rows[0] if rows else None

    def course_reopens_at(self, user_id: int, course_id: int | None) -> dt.datetime | None:
        if course_id is None:
            return None
        latest = self.latest_completion(user_id, course_id)
        if latest is None:
            return None
        return dates.reopens_at(latest.valid_until, renewal_notice_days())

    def cutoff(self, user_id: int, module_id: int) -> dt.datetime | None:
        spec = self.specs[module_id]
        return module_cutoff(
            recertified_at=self.recertified.get(module_id),
            course_reopens_at=self.course_reopens_at(user_id, spec.course_id),
            now=self.now,
        )

    def module_state(self, user_id: int, module_id: int) -> ModuleState:
        key = (user_id, module_id)
        if key not in self._states:
            self._states[key] = self._module_state(user_id, module_id)
        return self._states[key]

    def _module_state(self, user_id: int, module_id: int) -> ModuleState:
        spec = self.specs[module_id]
        completed = {}
        visited = set()
        for lesson in spec.lesson_ids:
            row = self.progress.get((user_id, lesson))
            if row is not None:
                visited.add(lesson)
                completed[lesson] = row[1]
        return module_state(
            spec,
            lesson_completed=completed,
            visited=visited,
            passed={page for page in spec.assessment_ids if (user_id, page) in self.passed},
            learned_terms=self.learned.get(user_id, ()),
            cutoff=self.cutoff(user_id, module_id),
        )

    def course_state(self, user_id: int, course_id: int) -> CourseState:
        return course_state(
            self.module_state(user_id, m) for m in self.course_modules.get(course_id, [])
        )

    def state(self, user_id: int, page_id: int) -> ModuleState | CourseState:
        """The state of a course or a module for one person."""
        if page_id in self.course_modules:
            return self.course_state(user_id, page_id)
        if page_id in self.specs:
            return self.module_state(user_id, page_id)
        # Not live (or not a course or module): nothing to do, nothing done.
        return CourseState(done=0, total=0, complete=False, started=False, completed_at=None)

    def module_ids_of(self, page_id: int) -> list[int]:
        if page_id in self.course_modules:
            return self.course_modules[page_id]
        return [page_id] if page_id in self.specs else []

    def lesson_ids_of(self, page_id: int) -> list[int]:
        return [lesson for m in self.module_ids_of(page_id) for lesson in self.specs[m].lesson_ids]

    def continue_lesson(self, user_id: int, page_id: int) -> Page | None:
        """The lesson to continue with: the one visited last if it does not count yet,
        else the next one (in reading order) that does not count; the first lesson when
        nothing was visited. None when every lesson counts."""
        lessons = self.lesson_ids_of(page_id)
        if not lessons:
            return None
        counting = set()
        for module_id in self.module_ids_of(page_id):
            counting |= self.module_state(user_id, module_id).lessons_done
        visits = [
            (self.progress[(user_id, lesson)][0], index)
            for index, lesson in enumerate(lessons)
            if (user_id, lesson) in self.progress
        ]
        start = max(visits)[1] if visits else 0
        for lesson in lessons[start:] + lessons[:start]:
            if lesson not in counting:
                return self.lessons[lesson].as_page()
        return None

    def last_visited(self, user_id: int, page_id: int) -> dt.datetime | None:
        times = [
            self.progress[(user_id, lesson)][0]
            for lesson in self.lesson_ids_of(page_id)
            if (user_id, lesson) in self.progress
        ]
        return max(times) if times else None


def _under(paths: Iterable[str]) -> Q:
    """Pages at or below any of ``paths``: one IN per path length (tree depth), not one
    LIKE per path, so the query stays small for many courses."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for path in paths:
        by_length[len(path)].append(path)
    if not by_length:
        return Q(pk__in=[])
    return reduce(
        or_,
        (Q(In(Substr("path", 1, length), group)) for length, group in by_length.items()),
    )


@dataclass(frozen=True)
class ContentStructure:
    """The content part of a snapshot: which modules, lessons, quizzes and terms the
    courses and modules asked for have, and their addresses. The same for every person;
    kept per process for one content generation (``content_structures``)."""

    courses: dict[int, CoursePage]
    modules: dict[int, PageRef]
    lessons: dict[int, PageRef]
    course_modules: dict[int, list[int]]
    specs: dict[int, ModuleSpec]
    urls: dict[int, str] | None  # page id → address on the only site; None: several sites


def _load_structure(page_ids: Collection[int]) -> ContentStructure:
    targets = list(Page.objects.filter(id__in=list(page_ids)).values("id", "path", "depth"))
    target_paths = {t["path"] for t in targets}
    # Courses and modules under (or being) the targets; a module's course is its parent.
    # Modules and lessons as plain rows: building page objects for a hundred lessons
    # costs more than the queries themselves.
    modules = [
        PageRef(**row)
        for row in ModulePage.objects.live()
        .filter(_under(t["path"] for t in targets))
        .order_by("path")
        .values(*PageRef.FIELDS, "vocabulary_goal_percent")
    ]
    course_paths = {t["path"] for t in targets} | {m.path[: -Page.steplen] for m in modules}
    courses = {
        c.path: c
        for c in CoursePage.objects.live()
        .filter(path__in=course_paths)
        .only("id", "path", "depth", "title", "url_path", "validity_months")
    }
    lessons = [
        PageRef(**row)
        for row in LessonPage.objects.live()
        .filter(_under(m.path for m in modules))
        .order_by("path")
        .values(*PageRef.FIELDS)
    ]
    module_by_path = {m.path: m for m in modules}
    lessons_of: dict[int, list[int]] = defaultdict(list)
    for lesson in lessons:
        module = module_by_path.get(lesson.path[: -Page.steplen])
        if module is not None:
            lessons_of[module.pk].append(lesson.pk)

    goal_modules = [m for m in modules if m.vocabulary_goal_percent]
    terms_of: dict[int, set[int]] = defaultdict(set)
    if goal_modules:
        goal_paths = {m.path: m.pk for m in goal_modules}
        for path, body in (
            LessonPage.objects.live()
            .filter(_under(goal_paths))
            .values_list("path", "body")
            .order_by("path")
        ):
            module_id = goal_paths.get(path[: -Page.steplen])
            if module_id is not None:
                terms_of[module_id].update(body_term_ids(body))

    module_ids = [m.pk for m in modules]
    assessments = module_assessment_page_ids(module_ids)

    specs: dict[int, ModuleSpec] = {}
    course_modules: dict[int, list[int]] = defaultdict(list)
    for module in modules:
        course = courses.get(module.path[: -Page.steplen])
        specs[module.pk] = ModuleSpec(
            id=module.pk,
            course_id=course.pk if course else None,
            lesson_ids=tuple(lessons_of.get(module.pk, ())),
            assessment_ids=frozenset(assessments.get(module.pk, ())),
            term_ids=frozenset(terms_of.get(module.pk, ())),
            vocabulary_goal=module.vocabulary_goal_percent,
        )
        # Only a course asked for has all its modules loaded.
        if course is not None and course.path in target_paths:
            course_modules[course.pk].append(module.pk)
    pages = [*courses.values(), *(m.as_page() for m in modules), *(x.as_page() for x in lessons)]
    return ContentStructure(
        courses={c.pk: c for c in courses.values()},
        modules={m.pk: m for m in modules},
        lessons={lesson.pk: lesson for lesson in lessons},
        course_modules=dict(course_modules),
        specs=specs,
        urls=_single_site_urls(pages),
    )


def _single_site_urls(pages: Iterable[Page]) -> dict[int, str] | None:
    """Page id → its address, when the installation has one site (then Wagtail's
    ``get_url`` gives the path relative to that site for every reader). None otherwise:
    the address may depend on the site of the request."""
    from wagtail.models import Site

    roots = Site.get_site_root_paths()
    if len({root.site_id for root in roots}) != 1:
        return None
    urls = {}
    for page in pages:
        parts = page.get_url_parts()
        if parts is not None and parts[2] is not None:
            urls[page.pk] = parts[2]
    return urls


class _StructureCache:
    """Content structures of one process for the newest content generation it has seen
    (courses/page_cache.py): a change of content (which renews the generation) makes
    every process load them again on its next request."""

    MAX_ENTRIES = 512

    def __init__(self):
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._entries: OrderedDict[frozenset[int], ContentStructure] = OrderedDict()

    def get(self, page_ids: Collection[int]) -> ContentStructure:
        from courses.page_cache import current_generation

        generation = current_generation()
        key = frozenset(page_ids)
        if generation is not None:
            with self._lock:
                if generation != self._generation:
                    self._entries.clear()
                    self._generation = generation
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    return found
        structure = _load_structure(key)
        if generation is not None:
            with self._lock:
                if generation == self._generation:
                    self._entries[key] = structure
                    while len(self._entries) > self.MAX_ENTRIES:
                        self._entries.popitem(last=False)
        return structure

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation = None


content_structures = _StructureCache()


def progress_snapshot(
    *,
    user_ids: Collection[int],
    page_ids: Collection[int],
    now: dt.datetime | None = None,
    completions: Iterable | None = None,
) -> ProgressSnapshot:
    """Loads the rules' inputs for ``user_ids`` × the courses and modules ``page_ids``.

    ``completions``: the people's ``CourseCompletion`` rows, newest first, when the
    caller has read them anyway (one query less); otherwise they are read here.

    The content part (modules, lessons, quizzes, terms, addresses) comes from the
    process's cache for the current content generation: one query when cached, at most
    seven more when not. The people part takes at most 6 queries whatever the number of
    people, pages, modules and lessons (one only when a module has a vocabulary goal, two
    only when quiz or scenario pages exist).
    """
    from training.models import (
        CourseCompletion,
        LessonProgress,
        RecertificationRequirement,
        VocabularyCard,
    )

    now = now or timezone.now()
    user_ids = list(user_ids)
    structure = content_structures.get(page_ids)
    courses = structure.courses
    modules = list(structure.modules.values())
    lessons = list(structure.lessons.values())
    specs = structure.specs
    module_ids = list(specs)
    all_assessments = {page for spec in specs.values() for page in spec.assessment_ids}
    goal_modules = [m for m in modules if m.vocabulary_goal_percent]

    progress = {
        (row["user_id"], row["lesson_id"]): (row["last_visited_at"], row["completed_at"])
        for row in LessonProgress.objects.filter(
            user_id__in=user_ids, lesson_id__in=[lesson.pk for lesson in lessons]
        ).values("user_id", "lesson_id", "last_visited_at", "completed_at")
    }
    recertified = {
        row["module_id"]: row["latest"]
        for row in RecertificationRequirement.objects.filter(module_id__in=module_ids)
        .values("module_id")
        .annotate(latest=Max("changed_at"))
        .order_by()
    }
    if completions is None:
        completions = CourseCompletion.objects.filter(
            user_id__in=user_ids, course_id__in=list(courses)
        ).order_by("-completed_at", "-pk")
    by_person_course: dict[tuple[int, int], list] = defaultdict(list)
    wanted = set(user_ids)
    for row in completions:
        if row.course_id in courses and row.user_id in wanted:
            by_person_course[(row.user_id, row.course_id)].append(row)

    learned: dict[int, set[int]] = defaultdict(set)
    goal_terms = {term for m in goal_modules for term in specs[m.pk].term_ids}
    if goal_terms and user_ids:
        for user_id, term_id in (
            VocabularyCard.objects.filter(
                user_id__in=user_ids,
                term_id__in=goal_terms,
                state=VocabularyCard.State.REVIEW,
                stability__gte=learned_stability_days(),
            )
            .values_list("user_id", "term_id")
            .distinct()
        ):
            learned[user_id].add(term_id)

    return ProgressSnapshot(
        now=now,
        courses=courses,
        modules=structure.modules,
        lessons=structure.lessons,
        course_modules=structure.course_modules,
        specs=specs,
        urls=structure.urls,
        progress=progress,
        passed=assessment_pages_passed(user_ids=user_ids, page_ids=all_assessments),
        learned=dict(learned),
        recertified=recertified,
        course_completions=dict(by_person_course),
    )
