"""Recording progress as the clerk works: visits, lessons done, course completions.

Every change of progress goes through the functions here (views, tasks and the frame of
served pages call them). The rules of what counts live in ``training/completion.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from training import dates
from training.completion import progress_snapshot, recertification_due_days
from training.models import CourseCompletion, LessonProgress, User


def visit_resolution() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "TRAINING_VISIT_RESOLUTION_SECONDS", 60)))


def lesson_visit_record(
    *,
    user: User,
    lesson_id: int,
    known: bool = True,
    last_visit: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Notes that the person is on the lesson now (for "continue where I stopped").

    One query: an UPDATE when the caller knows a row exists (``known``), else an INSERT;
    the unique constraint settles two first visits at once. Nothing when the caller read
    a visit of this lesson (``last_visit``) less than ``TRAINING_VISIT_RESOLUTION_SECONDS``
    ago: a reload or a jump back within a minute need no write (a page view with a
    committed write costs about three reads' time).
    """
    now = now or timezone.now()
    if known and last_visit is not None and now - last_visit < visit_resolution():
        return
    if known and LessonProgress.objects.filter(user=user, lesson_id=lesson_id).update(
        last_visited_at=now
    ):
        return
    try:
        with transaction.atomic():
            LessonProgress.objects.create(
                user=user, lesson_id=lesson_id, first_visited_at=now, last_visited_at=now
            )
    except IntegrityError:
        LessonProgress.objects.filter(user=user, lesson_id=lesson_id).update(last_visited_at=now)


def _live_lesson(lesson_id: int) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404("no such lesson")
    return lesson


@transaction.atomic
def lesson_complete(
    *, user: User, lesson_id: int, how: str, now: dt.datetime | None = None
) -> LessonProgress:
    """Marks a live lesson complete for the person, then records the course completion
    if this finished the course.

    ``how`` is the way the clerk finished it (a ``LessonPage.CompletionMode`` value): a
    lesson that completes when its end is reached also accepts "marked done" (the button
    without JavaScript), but a lesson the trainer wants marked done ignores the end
    signal. Completing again renews ``completed_at`` (that is how a redo counts).
    """
    lesson = _live_lesson(lesson_id)
    if how not in LessonPage.CompletionMode.values:
        raise ValueError(f"unknown completion {how!r}")
    now = now or timezone.now()
    progress = LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
    if progress is None:
        progress = LessonProgress(user=user, lesson=lesson, first_visited_at=now)
    if (
        lesson.completion_mode == LessonPage.CompletionMode.MARKED_DONE
        and how == LessonPage.CompletionMode.END_REACHED
    ):
        return progress  # reaching the end is not enough here
    progress.last_visited_at = now
    progress.completed_at = now
    try:
        with transaction.atomic():
            progress.save()
    except IntegrityError:  # created by a concurrent first visit: update that row
        LessonProgress.objects.filter(user=user, lesson=lesson).update(
            last_visited_at=now, completed_at=now
        )
        progress = LessonProgress.objects.get(user=user, lesson=lesson)
    course = CoursePage.objects.filter(path=lesson.path[: -2 * Page.steplen]).first()
    if course is not None:
        course_completion_record(user=user, course=course, now=now)
    return progress


def _needs_new_completion(snapshot, user_id: int, course_id: int) -> bool:
    latest = snapshot.latest_completion(user_id, course_id)
    if latest is None:
        return True
    reopens = snapshot.course_reopens_at(user_id, course_id)
    if reopens is not None and reopens <= snapshot.now:
        return True
    recertified = [
        snapshot.recertified[m]
        for m in snapshot.course_modules.get(course_id, [])
        if m in snapshot.recertified
    ]
    return bool(recertified) and latest.completed_at < max(recertified)


@transaction.atomic
def course_completion_record(
    *, user: User, course: CoursePage, now: dt.datetime | None = None
) -> CourseCompletion | None:
    """Adds a ``CourseCompletion`` when the course is complete under the rules and no
    completion of the current round exists (first time, after reopening for renewal, or
    after a content change required recertification). Earlier rows stay: the history.

    Returns the new completion, or None. Safe to call at any time.
    """
    # Serialise per person, so two lessons finished at once cannot add two completions.
    User.objects.select_for_update().filter(pk=user.pk).first()
    snapshot = progress_snapshot(user_ids=[user.pk], page_ids=[course.pk], now=now)
    state = snapshot.state(user.pk, course.pk)
    if not state.complete or not _needs_new_completion(snapshot, user.pk, course.pk):
        return None
    completed_at = snapshot.now
    return CourseCompletion.objects.create(
        user=user,
        course=course,
        completed_at=completed_at,
        valid_until=dates.valid_until(completed_at, course.validity_months),
    )


def renewal_due_date(snapshot, user_id: int, page_id: int) -> dt.date | None:
    """When the renewal of a completed course (or module) is due: the end of validity,
    or some weeks after the content change that required recertification."""
    candidates = []
    course_id = page_id if page_id in snapshot.course_modules else None
    if course_id is None and page_id in snapshot.specs:
        course_id = snapshot.specs[page_id].course_id
    latest = snapshot.latest_completion(user_id, course_id) if course_id else None
    if latest is not None and latest.valid_until is not None:
        candidates.append(latest.valid_until)
    for module_id in snapshot.module_ids_of(page_id):
        changed = snapshot.recertified.get(module_id)
        if changed is not None and (latest is None or latest.completed_at < changed):
            candidates.append(dates.add_days(dates.local_date(changed), recertification_due_days()))
    return min(candidates) if candidates else None


def notifications_set(*, user: User, weekly_digest: bool) -> None:
    """Opts in to or out of the managers' weekly digest."""
    User.objects.filter(pk=user.pk).update(weekly_digest=weekly_digest)
    user.weekly_digest = weekly_digest
