"""The trainer's view per course and module: aggregates only, never a person.

Per module (and per course, over its modules): how many people it is assigned to
(enrolments), how many completed it, the median time from being assigned to completing,
and from the vocabulary review which of its terms are reviewed least and forgotten most
(share of "again" ratings). A figure about fewer than ``min_group_size()`` people is not
shown ("too few people").

Per module also its quizzes and scenarios: how many people finished an attempt (or play),
and the pass rate of the finished attempts, shown only for ``min_group_size()`` people or
more; the item statistics and scenario paths are the quizzes app's admin views, linked.

Queries, whatever the numbers: obligations (up to 6), snapshot (up to 9), lesson bodies
(1), review aggregates (1), term names (1), assessment pages (1), quiz attempt and
scenario play aggregates (1 each).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from courses.models import LessonPage, ModulePage, Term, body_term_ids
from training.assignments import obligations, obligations_by_page
from training.memory import collector_paused
from training.models import VocabularyReview
from training.reports.scores import min_group_size
from training.reports.selectors import report_snapshot


@dataclass(frozen=True)
class TermFigure:
    term: str
    reviews: int | None  # None: reviewed, but by fewer than min_group_size() people
    people: int
    again_percent: int


@dataclass(frozen=True)
class AssessmentFigure:
    """A quiz's or scenario's finished attempts (plays), without names."""

    page_id: int
    title: str
    is_scenario: bool
    people: int  # distinct people with a finished attempt
    attempts: int
    passed: int  # finished attempts that passed

    @property
    def too_few(self) -> bool:
        return self.people < min_group_size()

    @property
    def pass_percent(self) -> int | None:
        if self.too_few or not self.attempts:
            return None
        return (100 * self.passed) // self.attempts

    @property
    def statistics_url(self) -> str:
        if self.is_scenario:
            return reverse("scenario_admin:statistics", args=[self.page_id])
        return reverse("quizzes_results:quiz", args=[self.page_id])


def assessment_figures(page_ids) -> dict[int, AssessmentFigure]:
    """Finished attempts, people and passes per quiz or scenario page (three queries)."""
    from quizzes.models import QuizAttempt, ScenarioPlay

    page_ids = list(page_ids)
    if not page_ids:
        return {}
    pages = Page.objects.filter(pk__in=page_ids).values_list(
        "pk", "title", "content_type__app_label", "content_type__model"
    )
    totals = {"people": Count("user", distinct=True), "attempts": Count("pk")}
    quiz = {
        row["page_id"]: row
        for row in QuizAttempt.objects.finished()
        .filter(page_id__in=page_ids)
        .values("page_id")
        .annotate(**totals, passed=Count("pk", filter=Q(passed=True)))
        .order_by()
    }
    scenario = {
        row["page_id"]: row
        for row in ScenarioPlay.objects.filter(
            page_id__in=page_ids, status=ScenarioPlay.Status.FINISHED
        )
        .values("page_id")
        .annotate(**totals, passed=Count("pk", filter=Q(passed=True)))
        .order_by()
    }
    figures = {}
    for pk, title, app_label, model in pages:
        is_scenario = (app_label, model) == ("quizzes", "scenariopage")
        row = (scenario if is_scenario else quiz).get(pk, {})
        figures[pk] = AssessmentFigure(
            page_id=pk,
            title=title,
            is_scenario=is_scenario,
            people=row.get("people", 0),
            attempts=row.get("attempts", 0),
            passed=row.get("passed", 0),
        )
    return figures


@dataclass
class ContentRow:
    page_id: int
    title: str
    is_course: bool
    enrolled: int
    completed: int
    median_days: float | None
    least_reviewed: list[TermFigure] = field(default_factory=list)
    most_forgotten: list[TermFigure] = field(default_factory=list)
    assessments: list[AssessmentFigure] = field(default_factory=list)

    @property
    def too_few(self) -> bool:
        return self.enrolled < min_group_size()

    @property
    def completion_percent(self) -> int | None:
        if self.too_few or not self.enrolled:
            return None
        return (100 * self.completed) // self.enrolled


def _median_days(durations: list[dt.timedelta]) -> float | None:
    if len(durations) < min_group_size():
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 86400, 1)


def content_report(*, now: dt.datetime | None = None, terms_shown: int = 3) -> list[ContentRow]:
    """One row per live course, followed by rows for its modules, in tree order."""
    with collector_paused():  # everybody's obligations and states: see training/memory.py
        return _content_report(now=now or timezone.now(), terms_shown=terms_shown)


def _content_report(*, now: dt.datetime, terms_shown: int) -> list[ContentRow]:
    duties = obligations_by_page(obligations(pages=False))
    user_ids = {user for user, _page in duties}
    snapshot = report_snapshot(
        user_ids=user_ids, page_ids={page for _user, page in duties}, now=now
    )
    # Who must do each module: obligations for the module itself or for its course.
    per_module: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
    per_course: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
    for (user_id, page_id), duty in duties.items():
        for module_id in snapshot.module_ids_of(page_id):
            known = per_module[module_id].get(user_id)
            if known is None or duty.since < known:
                per_module[module_id][user_id] = duty.since
        if page_id in snapshot.course_modules:
            per_course[page_id][user_id] = duty.since

    # Terms of each module's vocabulary blocks.
    module_paths = {m.path: m.pk for m in snapshot.modules.values()}
    terms_of: dict[int, set[int]] = defaultdict(set)
    if module_paths:
        under = reduce(or_, (Q(path__startswith=path) for path in module_paths))
        for path, body in (
            LessonPage.objects.live().filter(under).values_list("path", "body").order_by("path")
        ):
            module_id = module_paths.get(path[: -Page.steplen])
            if module_id is not None:
                terms_of[module_id].update(body_term_ids(body))
    all_terms = {t for ids in terms_of.values() for t in ids}
    figures: dict[int, TermFigure] = {}
    if all_terms:
        names = dict(Term.objects.filter(pk__in=all_terms).values_list("pk", "term"))
        for row in (
            VocabularyReview.objects.filter(card__term_id__in=all_terms)
            .values("card__term_id")
            .annotate(
                reviews=Count("pk"),
                again=Count("pk", filter=Q(rating=VocabularyReview.Rating.AGAIN)),
                people=Count("user", distinct=True),
            )
            .order_by()
        ):
            term_id = row["card__term_id"]
            figures[term_id] = TermFigure(
                names.get(term_id, "?"),
                row["reviews"],
                row["people"],
                (100 * row["again"]) // row["reviews"],
            )
        for term_id in all_terms - set(figures):
            figures[term_id] = TermFigure(names.get(term_id, "?"), 0, 0, 0)

    assessments = assessment_figures(
        {page for spec in snapshot.specs.values() for page in spec.assessment_ids}
    )
    rows: list[ContentRow] = []

    def module_row(module: ModulePage) -> ContentRow:
        people = per_module.get(module.pk, {})
        durations = []
        completed = 0
        for user_id, since in people.items():
            state = snapshot.module_state(user_id, module.pk)
            if state.complete:
                completed += 1
                if state.completed_at is not None and state.completed_at >= since:
                    durations.append(state.completed_at - since)
        term_figures = [figures[t] for t in terms_of.get(module.pk, ()) if t in figures]
        # Figures about a term only when enough people reviewed it (or nobody did).
        group = min_group_size()
        shown = [f for f in term_figures if f.people >= group]
        least = sorted(term_figures, key=lambda f: (f.reviews, f.term))[:terms_shown]
        return ContentRow(
            page_id=module.pk,
            title=module.title,
            is_course=False,
            enrolled=len(people),
            completed=completed,
            median_days=_median_days(durations),
            least_reviewed=[
                f if not f.people or f.people >= group else replace(f, reviews=None) for f in least
            ],
            most_forgotten=sorted(shown, key=lambda f: (-f.again_percent, f.term))[:terms_shown],
            assessments=sorted(
                (
                    assessments[p]
                    for p in snapshot.specs[module.pk].assessment_ids
                    if p in assessments
                ),
                key=lambda f: (f.is_scenario, f.title, f.page_id),
            ),
        )

    for course in sorted(snapshot.courses.values(), key=lambda c: c.path):
        modules = sorted(
            (m for m in snapshot.modules.values() if snapshot.specs[m.pk].course_id == course.pk),
            key=lambda m: m.path,
        )
        people = per_course.get(course.pk, {})
        completed = 0
        durations = []
        for user_id, since in people.items():
            state = snapshot.course_state(user_id, course.pk)
            if state.complete:
                completed += 1
                if state.completed_at is not None and state.completed_at >= since:
                    durations.append(state.completed_at - since)
        rows.append(
            ContentRow(
                page_id=course.pk,
                title=course.title,
                is_course=True,
                enrolled=len(people),
                completed=completed,
                median_days=_median_days(durations),
            )
        )
        rows.extend(module_row(m) for m in modules)
    # Modules assigned on their own whose course was not loaded as a target.
    listed = {r.page_id for r in rows}
    for module in sorted(snapshot.modules.values(), key=lambda m: m.path):
        if module.pk not in listed:
            rows.append(module_row(module))
    return rows
