"""Reading a person's training record: what they must do, how far they are, what they
completed. Used by "Meine Fortbildung", the manager's view of a team member, reminders
and the data-protection export. Fixed numbers of queries, whatever the record's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone
from wagtail.models import Page

from training import dates
from training.assignments import Obligation, obligations, obligations_by_page
from training.completion import (
    CourseState,
    ModuleState,
    PageRef,
    ProgressSnapshot,
    Status,
    open_attempt_urls,
    progress_snapshot,
    training_status,
)
from training.models import CourseCompletion, User
from training.progress import renewal_due_date


@dataclass
class RecordItem:
    """One assigned course or module of one person."""

    page: Page
    is_course: bool
    obligation: Obligation
    due: dt.date
    status: str
    state: ModuleState | CourseState
    last_visited: dt.datetime | None
    continue_url: str | None = None
    continue_title: str = ""
    latest_completion: CourseCompletion | None = None
    reopened: bool = False  # the latest completion no longer counts (renewal, new content)
    url: str | None = None  # the page's address

    @property
    def percent(self) -> int:
        return self.state.percent

    @property
    def days_left(self) -> int:
        return (self.due - dates.local_date(timezone.now())).days


@dataclass
class PersonRecord:
    user_id: int
    items: list[RecordItem] = field(default_factory=list)
    completions: list[CourseCompletion] = field(default_factory=list)

    @property
    def unrecorded_courses(self) -> list:
        """Assigned courses complete under the rules whose completion of this round is
        not recorded yet (no ``CourseCompletion``, or only one from an earlier round)."""
        return [
            item.page
            for item in self.items
            if item.is_course
            and item.state.complete
            and (item.latest_completion is None or item.reopened)
        ]

    @property
    def resume(self) -> RecordItem | None:
        """The open item visited last: where "continue where I stopped" leads."""
        open_items = [i for i in self.items if i.continue_url and i.last_visited]
        if open_items:
            return max(open_items, key=lambda i: i.last_visited)
        return next((i for i in self.items if i.continue_url), None)


_ORDER = {
    Status.OVERDUE: 0,
    Status.EXPIRING: 1,
    Status.IN_PROGRESS: 2,
    Status.NOT_STARTED: 3,
    Status.COMPLETE: 4,
}


class ItemStatus(NamedTuple):
    """The rules' answer for one obligation: what the record item and a report cell
    share. ``page`` is the live course, or the module's ``PageRef``."""

    page: object
    is_course: bool
    course_id: int | None
    state: ModuleState | CourseState
    due: dt.date
    status: str
    latest_completion: CourseCompletion | None


def item_status(snapshot: ProgressSnapshot, obligation: Obligation) -> ItemStatus | None:
    """Status and due date of one obligation, with renewal and recertification; None when
    the page is no longer live (nothing to do)."""
    page_id = obligation.assignment.page_id
    user_id = obligation.user_id
    is_course = page_id in snapshot.course_modules or page_id in snapshot.courses
    page = snapshot.courses.get(page_id)
    if page is None:
        page = snapshot.modules.get(page_id)
    if page is None:
        return None
    state = snapshot.state(user_id, page_id)
    course_id = page_id if is_course else snapshot.specs[page_id].course_id
    latest = snapshot.latest_completion(user_id, course_id) if course_id else None
    renewal = renewal_due_date(snapshot, user_id, page_id) if latest or not is_course else None
    due = obligation.due
    earlier_valid = False
    if latest is not None and not state.complete:
        # Reopened (validity ending, or content changed): the renewal is due.
        if renewal is not None:
            due = max(due, renewal)
        earlier_valid = latest.valid_until is None or not dates.is_past_due(
            latest.valid_until, snapshot.now
        )
    elif renewal is not None and not state.complete:
        due = max(due, renewal)
    status = training_status(
        complete=state.complete,
        started=state.started,
        due=due,
        now=snapshot.now,
        still_valid_earlier_completion=earlier_valid,
    )
    return ItemStatus(page, is_course, course_id, state, due, status, latest)


def _item(snapshot: ProgressSnapshot, obligation: Obligation, request=None) -> RecordItem | None:
    found = item_status(snapshot, obligation)
    if found is None:
        return None
    page_id = obligation.assignment.page_id
    user_id = obligation.user_id
    page = found.page.as_page() if isinstance(found.page, PageRef) else found.page
    latest, course_id, state = found.latest_completion, found.course_id, found.state
    reopened = latest is not None and (
        (snapshot.course_reopens_at(user_id, course_id) or snapshot.now) < snapshot.now
        or any(
            snapshot.recertified.get(m) and latest.completed_at < snapshot.recertified[m]
            for m in snapshot.module_ids_of(page_id)
        )
    )
    item = RecordItem(
        page=page,
        is_course=found.is_course,
        obligation=obligation,
        due=found.due,
        status=found.status,
        state=state,
        last_visited=snapshot.last_visited(user_id, page_id),
        latest_completion=latest,
        reopened=reopened,
        url=snapshot.url(page, request),
    )
    if not state.complete:
        lesson = snapshot.continue_lesson(user_id, page_id)
        if lesson is not None:
            item.continue_url = snapshot.url(lesson, request)
            item.continue_title = lesson.title
    return item


def training_records(
    *, user_ids: Collection[int], now: dt.datetime | None = None, request=None
) -> dict[int, PersonRecord]:
    """The records of several people at once (manager views, reminders, exports)."""
    now = now or timezone.now()
    user_ids = list(user_ids)
    duties = obligations_by_page(obligations(user_ids=user_ids))
    # The completion history, newest first; the snapshot takes its rows from it.
    completions = list(
        CourseCompletion.objects.filter(user_id__in=user_ids)
        .select_related("course", "certificate")
        .order_by("-completed_at", "-pk")
    )
    snapshot = progress_snapshot(
        user_ids=user_ids,
        page_ids={page_id for _user, page_id in duties},
        now=now,
        completions=completions,
    )
    records = {user_id: PersonRecord(user_id=user_id) for user_id in user_ids}
    attempts = open_attempt_urls(
        user_ids=user_ids,
        module_ids=list(snapshot.specs),
        module_paths={m.path: m.pk for m in snapshot.modules.values()},
    )
    for (user_id, _page_id), duty in duties.items():
        item = _item(snapshot, duty, request)
        if item is None:
            continue
        if not item.state.complete:
            # An open quiz or scenario attempt comes before the next lesson.
            mine = attempts.get(user_id, {})
            for module_id in snapshot.module_ids_of(item.page.pk):
                if module_id in mine:
                    item.continue_url = mine[module_id]
                    break
        records[user_id].items.append(item)
    for record in records.values():
        record.items.sort(key=lambda i: (_ORDER[i.status], i.due, i.page.title))
    history = defaultdict(list)
    for completion in completions:
        history[completion.user_id].append(completion)
    for user_id, rows in history.items():
        records[user_id].completions = rows
    return records


def person_record(*, user: User, now: dt.datetime | None = None, request=None) -> PersonRecord:
    return training_records(user_ids=[user.pk], now=now, request=request)[user.pk]
