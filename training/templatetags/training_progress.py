"""The reader's own progress, rendered in the frame of base.html.

Course, module and lesson pages are cached as HTML shared by every reader
(``courses/page_cache.py``); what concerns the reader is rendered here, outside the
captured blocks, for every request: on a miss from the page in the context, on a hit
from the page id the cache entry carries. Nothing rendered here is ever cached.
"""

import datetime

from django import template
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import CoursePage, LessonPage, ModulePage
from training.completion import progress_snapshot
from training.models import LessonProgress

register = template.Library()

_LESSON = LessonPage._meta.label_lower
_MODULE = ModulePage._meta.label_lower
_COURSE = CoursePage._meta.label_lower


def _shown_page(context) -> tuple[int | None, str, object | None]:
    page = context.get("page")
    if page is not None and getattr(page, "pk", None) is not None:
        return page.pk, page._meta.label_lower, page
    entry = context.get("page_cache")
    if entry is not None and getattr(entry, "page_id", None) is not None:
        return entry.page_id, entry.page_model, None
    return None, "", None


@register.simple_tag(takes_context=True)
def progress_frame(context) -> str:
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return ""
    if getattr(request, "is_preview", False):
        return ""
    page_id, model, page = _shown_page(context)
    if page_id is None or model not in {_LESSON, _MODULE, _COURSE}:
        return ""
    if model == _LESSON:
        return _lesson_frame(request, user, page_id, page)
    return _container_frame(request, user, page_id, model)


def _aware(value):
    if isinstance(value, str):  # SQLite without a declared type conversion
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _lesson_row(user_id: int, lesson_id: int) -> dict | None:
    """The lesson's completion mode with the reader's progress on it, in one query.

    Plain SQL: read on every lesson request, cached or not, where building the ORM query
    (a join with two subqueries) cost more than the database's answer.
    """
    quote = connection.ops.quote_name
    lessons = quote(LessonPage._meta.db_table)
    progress = quote(LessonProgress._meta.db_table)
    sql = (
        f"SELECT l.{quote('completion_mode')}, p.{quote('id')}, "  # noqa: S608 - model names
        f"p.{quote('completed_at')}, p.{quote('last_visited_at')} "
        f"FROM {lessons} l LEFT JOIN {progress} p "
        f"ON p.{quote('lesson_id')} = l.{quote('page_ptr_id')} AND p.{quote('user_id')} = %s "
        f"WHERE l.{quote('page_ptr_id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, lesson_id])
        row = cursor.fetchone()
    if row is None:
        return None
    mode, progress_id, completed_at, last_visited_at = row
    return {
        "completion_mode": mode,
        "progress_exists": progress_id is not None,
        "completed_at": _aware(completed_at),
        "last_visited_at": _aware(last_visited_at),
    }


def _lesson_frame(request, user, page_id, page) -> str:
    row = _lesson_row(user.pk, page_id)
    if row is None:
        return ""
    # The visit itself is written once the response is complete (LessonVisitMiddleware).
    request.progress_lesson_shown = (page_id, row["progress_exists"], row["last_visited_at"])
    mode = row["completion_mode"]
    return render_to_string(
        "training/includes/lesson_frame.html",
        {
            "lesson_id": page_id,
            "completion_mode": mode,
            "end_mode": mode == LessonPage.CompletionMode.END_REACHED,
            "completed_at": row["completed_at"],
        },
        request=request,
    )


def _container_frame(request, user, page_id, model) -> str:
    snapshot = progress_snapshot(user_ids=[user.pk], page_ids=[page_id])
    state = snapshot.state(user.pk, page_id)
    items = []
    if model == _COURSE:
        for module_id in snapshot.module_ids_of(page_id):
            items.append((snapshot.modules[module_id], snapshot.module_state(user.pk, module_id)))
    else:
        module_state = (
            snapshot.module_state(user.pk, page_id) if page_id in snapshot.specs else None
        )
        for lesson_id in snapshot.lesson_ids_of(page_id):
            done = module_state is not None and lesson_id in module_state.lessons_done
            items.append((snapshot.lessons[lesson_id], done))
    return render_to_string(
        "training/includes/container_frame.html",
        {
            "is_course": model == _COURSE,
            "state": state,
            "items": items,
            "continue_lesson": snapshot.continue_lesson(user.pk, page_id),
        },
        request=request,
    )
