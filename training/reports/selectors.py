"""What the team reports show, read with a fixed number of queries.

Every status, due date and completion date comes from the progress rules: the
obligations of ``training/assignments.py``, the snapshot of ``training/completion.py``
and ``records.item_status`` (status with renewal and recertification).
``ReportSnapshot`` only makes the snapshot cheaper for thousands of people (each module
state computed once per person, passes looked up per person, no "continue" lesson): the
answers are the same, see ``tests/training/reports/test_selectors.py``.

Queries, whatever the number of teams, people and pages: the people in scope (1; 2 for a
matrix page chosen in the database: its people, their teams), the obligations (up to 6),
the snapshot (up to 9), plus 1 for reminders in the overdue list.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, fields, replace
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, FloatField, Func, OuterRef, QuerySet, Subquery, Window
from django.utils import timezone

from training import dates
from training.assignments import obligations, obligations_by_page
from training.completion import (
    ModuleState,
    ProgressSnapshot,
    Status,
    assessment_pages_passed,
    learned_stability_days,
    module_state,
)
from training.completion import progress_snapshot as _progress_snapshot
from training.memory import collector_paused
from training.models import Membership, ReminderSent, Team, User
from training.records import item_status

# Status filters of the reports (a superset of ``Status``: "due soon" and "open").
FILTER_OVERDUE = "overdue"
FILTER_DUE_SOON = "due_soon"
FILTER_COMPLETE = "complete"
FILTER_EXPIRING = "expiring"
FILTER_OPEN = "open"
STATUS_FILTERS = (FILTER_OVERDUE, FILTER_DUE_SOON, FILTER_COMPLETE, FILTER_EXPIRING, FILTER_OPEN)

SORTS = ("name", "-name", "team", "-team", "open", "-open")
PAGE_SIZE = 50


@dataclass
class ReportSnapshot(ProgressSnapshot):
    """A ``ProgressSnapshot`` for many people: the same rules, computed once each.

    Lesson rows are kept per person (``lesson_rows``: user → lesson → completed_at or
    None when only visited) instead of in ``progress``, which stays empty: reports show
    no "continue" lesson and no last visit, which are all the visit times are for.
    """

    lesson_rows: dict[int, dict[int, dt.datetime | None]] = field(default_factory=dict)

    def __post_init__(self):
        self._states: dict[tuple[int, int], ModuleState] = {}
        self._untouched: dict[tuple, ModuleState] = {}
        self._passed_by_user: dict[int, set[int]] = defaultdict(set)
        for user_id, page_id in self.passed:
            self._passed_by_user[user_id].add(page_id)
        self._completed_users = {user_id for user_id, _course in self.course_completions}

    def cutoff(self, user_id: int, module_id: int) -> dt.datetime | None:
        if user_id not in self._completed_users and module_id not in self.recertified:
            return None  # no recertification, no completion that could reopen
        return super().cutoff(user_id, module_id)

    def module_state(self, user_id: int, module_id: int) -> ModuleState:
        key = (user_id, module_id)
        state = self._states.get(key)
        if state is not None:
            return state
        spec = self.specs[module_id]
        completed = {}
        mine = self.lesson_rows.get(user_id)
        if mine:
            for lesson in spec.lesson_ids:
                if lesson in mine:
                    completed[lesson] = mine[lesson]
        passed = self._passed_by_user.get(user_id, frozenset())
        learned = self.learned.get(user_id, frozenset())
        cutoff = self.cutoff(user_id, module_id)
        # Many people have not touched a module: the rule's answer for "nothing" is the
        # same for all of them (same module, same cutoff), so it is computed once.
        untouched = (
            not completed
            and not (spec.assessment_ids and spec.assessment_ids & passed)
            and not (spec.term_ids and spec.term_ids & learned)
        )
        if untouched:
            state = self._untouched.get((module_id, cutoff))
        if state is None:
            state = module_state(
                spec,
                lesson_completed=completed,
                visited=completed.keys(),
                passed=passed,
                learned_terms=learned,
                cutoff=cutoff,
            )
            if untouched:
                self._untouched[(module_id, cutoff)] = state
        self._states[key] = state
        return state

    def continue_lesson(self, user_id: int, page_id: int):
        # Reports show no "continue" link and no last visit.
        return None

    def last_visited(self, user_id: int, page_id: int):
        return None


def _lesson_rows(user_ids: list[int], lesson_ids: list[int]) -> dict[int, dict]:
    """user → lesson → completed_at (None: visited, not completed), in one query.

    On PostgreSQL the completion time travels as epoch seconds through a plain cursor:
    Django's timestamptz loader and per-row converters dominated the time for 400,000
    rows. The same values, as ``test_report_cells_agree_with_the_personal_records``
    checks.
    """
    from training.models import LessonProgress

    rows: dict[int, dict] = defaultdict(dict)
    if not user_ids or not lesson_ids:
        return rows
    found = LessonProgress.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids)
    if connection.vendor != "postgresql":
        for user_id, lesson_id, completed in found.values_list(
            "user_id", "lesson_id", "completed_at"
        ):
            rows[user_id][lesson_id] = completed
        return rows
    sql, params = (
        found.annotate(completed_epoch=_Epoch("completed_at"))
        .values_list("user_id", "lesson_id", "completed_epoch")
        .order_by()
        .query.sql_with_params()
    )
    epoch = dt.datetime.fromtimestamp
    utc = dt.UTC
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for user_id, lesson_id, completed in cursor.fetchall():
            rows[user_id][lesson_id] = None if completed is None else epoch(completed, utc)
    return rows


class _Epoch(Func):
    """Seconds since 1970 of a timestamptz, in UTC, as a float (Django's ``Extract``
    would first convert to the current time zone and shift the result)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


def report_snapshot(*, user_ids, page_ids, now=None) -> ReportSnapshot:
    """The snapshot of ``progress_snapshot`` for many people, loaded faster.

    The content part (courses, modules, lessons, goals, assessments) comes from
    ``progress_snapshot`` itself, asked for nobody; the per-person rows are then loaded
    with the same filters (lesson rows by ``_lesson_rows``).
    """
    from training.models import CourseCompletion, VocabularyCard

    user_ids = list(user_ids)
    base = _progress_snapshot(user_ids=[], page_ids=page_ids, now=now)
    data = {f.name: getattr(base, f.name) for f in fields(ProgressSnapshot)}
    completions: dict[tuple[int, int], list] = defaultdict(list)
    if user_ids and base.courses:
        for row in CourseCompletion.objects.filter(
            user_id__in=user_ids, course_id__in=list(base.courses)
        ).order_by("-completed_at", "-pk"):
            completions[(row.user_id, row.course_id)].append(row)
    learned: dict[int, set[int]] = defaultdict(set)
    goal_terms = {term for spec in base.specs.values() for term in spec.term_ids}
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
    all_assessments = {page for spec in base.specs.values() for page in spec.assessment_ids}
    data.update(
        progress={},
        course_completions=dict(completions),
        learned=dict(learned),
        passed=assessment_pages_passed(user_ids=user_ids, page_ids=all_assessments),
    )
    return ReportSnapshot(**data, lesson_rows=_lesson_rows(user_ids, list(base.lessons)))


# --- Filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What a report is narrowed to; already checked against the viewer's scope."""

    team_id: int | None = None
    page_id: int | None = None
    status: str = ""
    due_within: int = 14
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "name"

    def to_query(self) -> dict[str, str]:
        """The filters as query parameters (for links and exports), defaults left out."""
        query = {
            "team": self.team_id,
            "page": self.page_id,
            "status": self.status,
            "days": self.due_within if self.status == FILTER_DUE_SOON else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": self.sort if self.sort != "name" else None,
        }
        return {key: str(value) for key, value in query.items() if value not in (None, "")}

    @property
    def needs_everybody(self) -> bool:
        """Whether rows can only be chosen after every person's cells are known."""
        return bool(self.status or self.date_from or self.date_to or self.sort in ("open", "-open"))


# --- Cells and rows ----------------------------------------------------------------------


class Cell(NamedTuple):
    """One person's obligation for one course or module (a named tuple: reports make
    hundreds of thousands of them)."""

    page_id: int
    assignment_id: int
    status: str
    due: dt.date
    completed_at: dt.datetime | None
    days_overdue: int  # 0 unless overdue
    days_left: int

    @property
    def completed_on(self) -> dt.date | None:
        return dates.local_date(self.completed_at) if self.completed_at else None


@dataclass
class PersonRow:
    user_id: int
    name: str
    username: str
    teams: list[str] = field(default_factory=list)
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def open_count(self) -> int:
        return sum(1 for c in self.cells.values() if c.status != Status.COMPLETE)


@dataclass(frozen=True)
class Column:
    page_id: int
    title: str
    is_course: bool
    path: str


def cell_matches(cell: Cell, filters: ReportFilters) -> bool:
    status = filters.status
    if status == FILTER_OVERDUE and cell.status != Status.OVERDUE:
        return False
    if status == FILTER_COMPLETE and cell.status != Status.COMPLETE:
        return False
    if status == FILTER_EXPIRING and cell.status != Status.EXPIRING:
        return False
    if status == FILTER_OPEN and cell.status not in (Status.NOT_STARTED, Status.IN_PROGRESS):
        return False
    if status == FILTER_DUE_SOON and not (
        cell.status in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.EXPIRING)
        and 0 <= cell.days_left <= filters.due_within
    ):
        return False
    if filters.date_from or filters.date_to:
        # The range selects by due date or completion date, whichever falls in it.
        def inside(day):
            return (
                day is not None
                and (filters.date_from is None or day >= filters.date_from)
                and (filters.date_to is None or day <= filters.date_to)
            )

        if not (inside(cell.due) or inside(cell.completed_on)):
            return False
    return True


def _scope_memberships(teams: QuerySet[Team], filters: ReportFilters) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(
        team__in=teams, role=Membership.Role.MEMBER, user__is_active=True
    )
    if filters.team_id is not None:
        memberships = memberships.filter(team_id=filters.team_id)
    return memberships


def _person_row(user_id: int, first: str, last: str, username: str) -> PersonRow:
    full = f"{first} {last}".strip()
    return PersonRow(user_id=user_id, name=full or username, username=username, teams=[])


def _people_order(
    memberships: QuerySet[Membership], sort: str, prefix: str = ""
) -> tuple[dict, list[str]]:
    """Annotations and ``order_by`` fields that put people (users, or memberships with
    ``prefix="user__"``) in the order of ``sort`` by name or team (anything else: by
    name), in the database's collation."""
    names = [f"{prefix}{name}" for name in ("last_name", "first_name", "username")]
    if sort in ("team", "-team"):
        # A person in several teams is sorted by the first of them by name, as shown.
        first_team = Subquery(
            memberships.filter(user_id=OuterRef(f"{prefix}pk"))
            .order_by("team__name")
            .values("team__name")[:1]
        )
        return {"first_team": first_team}, [
            "-first_team" if sort == "-team" else "first_team",
            *names,
        ]
    if sort == "-name":
        return {}, [f"-{name}" for name in names]
    return {}, names


def scope_members(
    teams: QuerySet[Team], filters: ReportFilters
) -> tuple[list[PersonRow], dict[int, PersonRow]]:
    """The active members of the teams (one query), in the order of ``filters.sort`` by
    name or team (by name for other sorts), each with their teams."""
    rows: dict[int, PersonRow] = {}
    memberships = _scope_memberships(teams, filters)
    annotations, order = _people_order(memberships, filters.sort, prefix="user__")
    for user_id, first, last, username, team in (
        memberships.annotate(**annotations)
        .order_by(*order, "team__name")
        .values_list(
            "user_id", "user__first_name", "user__last_name", "user__username", "team__name"
        )
    ):
        row = rows.get(user_id)
        if row is None:
            row = rows[user_id] = _person_row(user_id, first, last, username)
        row.teams.append(team)
    return list(rows.values()), rows


def scope_members_page(
    teams: QuerySet[Team], filters: ReportFilters, *, page: int, page_size: int
) -> tuple[list[PersonRow], int, int]:
    """One page of the people of ``scope_members``, sorted by name or team, chosen in the
    database: (rows, people in scope, page number). Two queries (three when ``page`` is
    past the end), in the same order as ``scope_members``."""
    memberships = _scope_memberships(teams, filters)
    annotations, order = _people_order(memberships, filters.sort)
    in_teams = Membership.objects.filter(team__in=teams, role=Membership.Role.MEMBER)
    if filters.team_id is not None:
        in_teams = in_teams.filter(team_id=filters.team_id)
    # The number of people comes with the page's rows (a window is counted before LIMIT).
    people = (
        User.objects.filter(is_active=True, pk__in=in_teams.values("user_id"))
        .annotate(**annotations, total=Window(Count("pk")))
        .order_by(*order)
    )

    def fetch(number: int) -> list[tuple]:
        start = (number - 1) * page_size
        return list(
            people.values_list("pk", "first_name", "last_name", "username", "total")[
                start : start + page_size
            ]
        )

    number = max(page, 1)
    found = fetch(number)
    if not found and number > 1:  # past the end: the last page, as for computed rows
        total = people.count()
        number = max(1, -(-total // page_size))
        found = fetch(number)
    total = found[0][4] if found else 0
    rows = {pk: _person_row(pk, first, last, username) for pk, first, last, username, _t in found}
    if rows:
        for user_id, team in (
            memberships.filter(user_id__in=list(rows))
            .values_list("user_id", "team__name")
            .order_by("team__name")
        ):
            rows[user_id].teams.append(team)
    return list(rows.values()), total, number


def cells_for(
    *, user_ids: Collection[int], page_id: int | None = None, now: dt.datetime
) -> tuple[dict[int, dict[int, Cell]], dict[int, Column]]:
    """Every obligation's cell for ``user_ids`` (optionally one page only), and the
    columns (courses and modules) they belong to."""
    with collector_paused():
        return _cells_for(user_ids=list(user_ids), page_id=page_id, now=now)


def _cells_for(*, user_ids: list[int], page_id: int | None, now: dt.datetime):
    duties = obligations_by_page(obligations(user_ids=user_ids, pages=False))
    if page_id is not None:
        duties = {key: duty for key, duty in duties.items() if key[1] == page_id}
    snapshot = report_snapshot(
        user_ids=user_ids, page_ids={page for _user, page in duties}, now=now
    )
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    columns: dict[int, Column] = {}
    today = dates.local_date(now)
    overdue = Status.OVERDUE
    for (user_id, page), duty in duties.items():
        item = item_status(snapshot, duty)
        if item is None:
            continue
        days_left = (item.due - today).days
        state = item.state
        cells[user_id][page] = Cell(
            page_id=page,
            assignment_id=duty.assignment.pk,
            status=item.status,
            due=item.due,
            completed_at=state.completed_at if state.complete else None,
            days_overdue=-days_left if item.status == overdue else 0,
            days_left=days_left,
        )
        if page not in columns:
            columns[page] = Column(page, item.page.title, item.is_course, item.page.path)
    return cells, columns


# --- The completion matrix ---------------------------------------------------------------


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[PersonRow]  # the rows of the page asked for
    total: int  # people matching the filters
    page_number: int
    page_count: int
    filters: ReportFilters

    @property
    def user_ids(self) -> list[int]:
        return [row.user_id for row in self.rows]


def _sort(rows: list[PersonRow], sort: str) -> list[PersonRow]:
    # Rows arrive in the order of ``scope_members`` (name or team); only the number of
    # open items is sorted here, keeping that order among equals.
    if sort == "open":
        return sorted(rows, key=lambda r: -r.open_count)
    if sort == "-open":
        return sorted(rows, key=lambda r: r.open_count)
    return rows


def completion_matrix(
    *,
    teams: QuerySet[Team],
    filters: ReportFilters,
    page: int | None = 1,
    page_size: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Matrix:
    """People × assigned courses and modules of ``teams``, filtered, sorted and (unless
    ``page`` is None: everything, for exports) one page of ``page_size`` people.

    Without a status or date filter and sorted by name or team only the people of the
    page asked for are computed; otherwise everybody in scope, to choose the rows.
    """
    now = now or timezone.now()
    if filters.needs_everybody or page is None:
        people, by_id = scope_members(teams, filters)
        cells, columns = cells_for(user_ids=by_id, page_id=filters.page_id, now=now)
        filtered = bool(filters.status or filters.date_from or filters.date_to)
        with collector_paused():
            for row in people:
                mine = cells.get(row.user_id, {})
                row.cells = (
                    {pid: cell for pid, cell in mine.items() if cell_matches(cell, filters)}
                    if filtered
                    else mine
                )
        if filtered:
            people = [row for row in people if row.cells]
        people = _sort(people, filters.sort)
        total = len(people)
        page_count = max(1, -(-total // page_size))
        number = 1 if page is None else min(max(page, 1), page_count)
        chosen = people if page is None else people[(number - 1) * page_size : number * page_size]
    else:
        # Sorted by name or team, the page's people are chosen in the database and only
        # their cells are computed.
        chosen, total, number = scope_members_page(teams, filters, page=page, page_size=page_size)
        page_count = max(1, -(-total // page_size))
        cells, columns = cells_for(
            user_ids=[row.user_id for row in chosen], page_id=filters.page_id, now=now
        )
        for row in chosen:
            row.cells = cells.get(row.user_id, {})
    used = {pid for row in chosen for pid in row.cells}
    shown = sorted((c for pid, c in columns.items() if pid in used), key=lambda c: c.path)
    return Matrix(
        columns=shown,
        rows=chosen,
        total=total,
        page_number=number,
        page_count=page_count,
        filters=filters,
    )


# --- Overdue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    occasion: str
    sent_at: dt.datetime | None


@dataclass
class OverdueRow:
    person: PersonRow
    column: Column
    cell: Cell
    reminders: list[Reminder]


def overdue_list(
    *, teams: QuerySet[Team], filters: ReportFilters, now: dt.datetime | None = None
) -> list[OverdueRow]:
    """Every overdue obligation in scope, longest overdue first, with the reminders
    already sent for it."""
    now = now or timezone.now()
    _people, by_id = scope_members(teams, filters)
    cells, columns = cells_for(user_ids=by_id, page_id=filters.page_id, now=now)
    overdue = [
        (by_id[user_id], cell)
        for user_id, row in cells.items()
        for cell in row.values()
        if cell.status == Status.OVERDUE and cell_matches(cell, filters)
    ]
    sent: dict[tuple[int, int], list[Reminder]] = defaultdict(list)
    if overdue:
        for r in (
            ReminderSent.objects.filter(
                user_id__in=list(by_id),
                assignment_id__in={cell.assignment_id for _p, cell in overdue},
            )
            .values("assignment_id", "user_id", "occasion", "sent_at")
            .order_by("claimed_at", "pk")
        ):
            sent[(r["assignment_id"], r["user_id"])].append(Reminder(r["occasion"], r["sent_at"]))
    else:
        # Keep the number of queries the same with and without overdue training.
        list(ReminderSent.objects.none())
    rows = [
        OverdueRow(
            person=person,
            column=columns[cell.page_id],
            cell=cell,
            reminders=sent.get((cell.assignment_id, person.user_id), []),
        )
        for person, cell in overdue
    ]
    rows.sort(key=lambda r: (-r.cell.days_overdue, r.person.name, r.column.path))
    return rows


# --- Trends ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPoint:
    week_start: dt.date  # Monday
    completions: int
    compliant: int
    people: int

    @property
    def label(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def compliant_percent(self) -> int | None:
        return None if not self.people else (100 * self.compliant) // self.people


TREND_WEEKS = 12  # shown without a date range
TREND_MAX_WEEKS = 104


def trend_filters(filters: ReportFilters) -> ReportFilters:
    """The filters as trends use them: everything assigned counts, so a status does not
    apply (the page does not offer it); the date range chooses the weeks."""
    return replace(filters, status="")


def trend_weeks(filters: ReportFilters, today: dt.date) -> list[dt.date]:
    """The Mondays of the weeks shown: those overlapping the date range, up to today and
    at most ``TREND_MAX_WEEKS`` (the newest); without a range the last ``TREND_WEEKS``."""
    last = min(filters.date_to or today, today)
    last_monday = last - dt.timedelta(days=last.weekday())
    if filters.date_from:
        first_monday = filters.date_from - dt.timedelta(days=filters.date_from.weekday())
        count = (last_monday - first_monday).days // 7 + 1
    else:
        count = TREND_WEEKS
    count = max(1, min(count, TREND_MAX_WEEKS))
    return [last_monday - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def trends(
    *,
    teams: QuerySet[Team],
    filters: ReportFilters,
    now: dt.datetime | None = None,
) -> list[WeekPoint]:
    """Per week (``trend_weeks``): completions of assigned training in that week, and
    how many of the people were compliant at the end of it (nothing assigned to them was
    past due and incomplete).

    Compliance in the past is judged from the current record: an item counts as done
    from its (newest) completion date on.
    """
    now = now or timezone.now()
    filters = trend_filters(filters)
    people, by_id = scope_members(teams, filters)
    cells, _columns = cells_for(user_ids=by_id, page_id=filters.page_id, now=now)
    today = dates.local_date(now)
    mondays = trend_weeks(filters, today)
    ends = [min(monday + dt.timedelta(days=6), today) for monday in mondays]
    completions: dict[dt.date, int] = defaultdict(int)
    # Per person the weeks at whose end they were not compliant, as bits: an item is
    # missing at the end of every week ending after its due date and before its
    # completion (all of them from its due date on, if not completed).
    masks: Counter[int] = Counter()
    for row in cells.values():
        mask = 0
        for cell in row.values():
            day = cell.completed_on
            if day is not None:
                completions[day - dt.timedelta(days=day.weekday())] += 1
            first = bisect_right(ends, cell.due)
            stop = len(ends) if day is None else bisect_right(ends, day - dt.timedelta(days=1))
            if first < stop:
                mask |= (1 << stop) - (1 << first)
        if mask:
            masks[mask] += 1
    not_compliant = [0] * len(mondays)
    for mask, count in masks.items():  # few distinct masks, however many people
        for index in range(len(mondays)):
            if mask >> index & 1:
                not_compliant[index] += count
    people_count = len(people)
    return [
        WeekPoint(monday, completions.get(monday, 0), people_count - not_compliant[i], people_count)
        for i, monday in enumerate(mondays)
    ]


def all_cells(rows: Iterable[PersonRow]) -> Iterable[tuple[PersonRow, Cell]]:
    for row in rows:
        for cell in row.cells.values():
            yield row, cell
