"""The reader's own progress, rendered in the frame of base.html.

Course, module and lesson pages are cached as HTML shared by every reader
(``courses/page_cache.py``); what concerns the reader is rendered here, outside the
captured blocks, for every request: on a miss from the page in the context, on a hit
from the page id the cache entry carries. Nothing rendered here is ever cached.
"""

from django import template
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string

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


def _lesson_frame(request, user, page_id, page) -> str:
    # One query: the lesson's completion mode with the reader's progress on it.
    mine = LessonProgress.objects.filter(user=user, lesson_id=OuterRef("pk"))
    row = (
        LessonPage.objects.filter(pk=page_id)
        .annotate(
            progress_exists=Exists(mine),
            completed_at=Subquery(mine.values("completed_at")[:1]),
            last_visited_at=Subquery(mine.values("last_visited_at")[:1]),
        )
        .values("completion_mode", "progress_exists", "completed_at", "last_visited_at")
        .first()
    )
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
