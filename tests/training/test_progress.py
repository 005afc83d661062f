"""Progress as the clerk works: mark as done, reaching the end, visits, the frame on
cached pages (never one reader's progress to another), course completions."""

import re

import pytest
from django.utils import timezone

from courses.models import LessonPage
from tests.conftest import _signed_in
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
)
from training.models import CourseCompletion, LessonProgress, RecertificationRequirement
from training.progress import course_completion_record, lesson_complete
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Haltung")
    LessonPageFactory(parent=module, title="Erster Eindruck")
    LessonPageFactory(
        parent=module, title="Zuhören", completion_mode=LessonPage.CompletionMode.END_REACHED
    )
    return course


def _lessons(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def _done_url(lesson):
    return f"/meine-fortbildung/lektion/{lesson.pk}/erledigt/"


def test_mark_as_done_button_records_completion_and_shows_it(course, clerk, clerk_client):
    first, _second = _lessons(course)
    html = clerk_client.get(first.url).content.decode()
    assert "Als erledigt markieren" in html
    assert f'action="{_done_url(first)}"' in html
    response = clerk_client.post(_done_url(first), {"how": "marked"})
    assert response.status_code == 302 and response.url == first.url
    progress = LessonProgress.objects.get(user=clerk, lesson=first)
    assert progress.completed_at is not None
    html = clerk_client.get(first.url).content.decode()
    assert "Als erledigt markieren" not in html
    assert "Sie haben diese Lektion am" in html


def test_the_end_does_not_complete_a_lesson_that_must_be_marked(course, clerk, clerk_client):
    first, second = _lessons(course)
    clerk_client.post(_done_url(first), {"how": "end"}, headers={"Accept": "application/json"})
    assert LessonProgress.objects.filter(user=clerk, completed_at__isnull=False).count() == 0
    response = clerk_client.post(
        _done_url(second), {"how": "end"}, headers={"Accept": "application/json"}
    )
    assert response.json()["completed"] is True
    assert LessonProgress.objects.get(user=clerk, lesson=second).completed_at is not None


def test_mark_as_done_needs_post_and_csrf(course, clerk):
    first, _ = _lessons(course)
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.get(_done_url(first)).status_code == 405
    assert client.post(_done_url(first)).status_code == 403
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_unpublished_lesson_cannot_be_completed(course, clerk_client):
    first, _ = _lessons(course)
    first.unpublish()
    assert clerk_client.post(_done_url(first)).status_code == 404


def test_visits_are_recorded_on_cache_hits_too(course, clerk, clerk_client):
    import datetime as dt

    first, _ = _lessons(course)
    clerk_client.get(first.url)  # miss
    visit = LessonProgress.objects.get(user=clerk, lesson=first).last_visited_at
    clerk_client.get(first.url)  # a reload within a minute writes nothing
    assert LessonProgress.objects.get(user=clerk, lesson=first).last_visited_at == visit
    earlier = visit - dt.timedelta(minutes=2)
    LessonProgress.objects.filter(user=clerk, lesson=first).update(last_visited_at=earlier)
    clerk_client.get(first.url)  # hit
    assert LessonProgress.objects.get(user=clerk, lesson=first).last_visited_at > visit


def test_one_readers_progress_never_reaches_another(course, clerk, clerk_client):
    """The first reader's page is cached; the second sees the page without the first's
    completion, and each sees their own."""
    first, _ = _lessons(course)
    clerk_client.post(_done_url(first))
    mine = clerk_client.get(first.url).content.decode()  # fills the cache
    assert "Sie haben diese Lektion am" in mine
    other = _signed_in(UserFactory(role=Role.CLERK))
    theirs = other.get(first.url).content.decode()  # a hit
    assert "Sie haben diese Lektion am" not in theirs
    assert "Als erledigt markieren" in theirs
    # The module page: 50 % for the first reader, 0 % for the other.
    module = first.get_parent()
    assert "50 % erledigt" in clerk_client.get(module.url).content.decode()
    other_module = other.get(module.url).content.decode()
    assert "0 % erledigt" in other_module and "50 % erledigt" not in other_module


def test_lesson_hit_costs_fixed_queries(course, clerk_client, django_assert_num_queries):
    first, _ = _lessons(course)
    clerk_client.get(first.url)
    # session, user, generation; the lesson's mode with the reader's progress (a visit
    # less than a minute old is not written again).
    with django_assert_num_queries(4):
        response = clerk_client.get(first.url)
    assert response.status_code == 200
    import datetime as dt

    LessonProgress.objects.update(last_visited_at=timezone.now() - dt.timedelta(minutes=5))
    with django_assert_num_queries(5):  # and the visit
        clerk_client.get(first.url)


def test_course_completion_is_recorded_once_and_kept_as_history(course, clerk):
    first, second = _lessons(course)
    lesson_complete(user=clerk, lesson_id=first.pk, how="marked")
    assert not CourseCompletion.objects.exists()
    lesson_complete(user=clerk, lesson_id=second.pk, how="end")
    assert CourseCompletion.objects.filter(user=clerk, course=course).count() == 1
    assert course_completion_record(user=clerk, course=course) is None  # nothing new
    assert CourseCompletion.objects.count() == 1


def test_content_change_requires_only_earlier_completers_to_redo(course, clerk, trainer):
    from django.utils import timezone

    first, second = _lessons(course)
    module = first.get_parent()
    for lesson in (first, second):
        lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    RecertificationRequirement.objects.create(
        module=module.specific, changed_at=timezone.now(), reason="Neues Gesetz", created_by=trainer
    )
    later = UserFactory(role=Role.CLERK)
    for lesson in (first, second):
        lesson_complete(user=later, lesson_id=lesson.pk, how="marked")
    from training.completion import progress_snapshot

    snapshot = progress_snapshot(user_ids=[clerk.pk, later.pk], page_ids=[course.pk])
    assert not snapshot.state(clerk.pk, course.pk).complete
    assert snapshot.state(later.pk, course.pk).complete
    # Redoing the lessons adds a second completion; the first stays.
    for lesson in (first, second):
        lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    assert CourseCompletion.objects.filter(user=clerk).count() == 2


def test_frame_is_not_in_the_cached_content(course, clerk_client):
    from courses.page_cache import fragments

    first, _ = _lessons(course)
    clerk_client.get(first.url)
    entry = next(iter(fragments._entries.values()))
    assert "progress-frame" not in entry.content
    assert entry.page_id == first.pk
    assert not re.search(r"erledigt", entry.content, re.IGNORECASE)


def test_trainer_requires_recertification_in_the_admin(course, trainer_client, clerk):
    first, second = _lessons(course)
    for lesson in (first, second):
        lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    module = first.get_parent()
    page = trainer_client.get("/admin/rezertifizierung/")
    assert page.status_code == 200
    refused = trainer_client.post("/admin/rezertifizierung/", {"modules": [module.pk]})
    assert refused.status_code == 200 and not RecertificationRequirement.objects.exists()
    response = trainer_client.post(
        "/admin/rezertifizierung/", {"modules": [module.pk], "reason": "Neues Gesetz"}
    )
    assert response.status_code == 302
    (requirement,) = RecertificationRequirement.objects.all()
    assert requirement.module_id == module.pk and requirement.reason == "Neues Gesetz"
    from training.completion import progress_snapshot
    from training.records import person_record  # noqa: F401

    snapshot = progress_snapshot(user_ids=[clerk.pk], page_ids=[course.pk])
    assert not snapshot.state(clerk.pk, course.pk).complete


def test_managers_and_clerks_cannot_require_recertification(clerk_client, manager):
    assert clerk_client.get("/admin/rezertifizierung/").status_code == 403
    # Managers enter the admin for their reports; Wagtail refuses the rest by a redirect.
    response = _signed_in(manager).get("/admin/rezertifizierung/")
    assert response.status_code == 403 or (
        response.status_code == 302 and response.url == "/admin/"
    )


@pytest.mark.parametrize("lessons", [1, 5])
def test_module_page_hit_costs_fixed_queries(catalogue, clerk, lessons, django_assert_num_queries):
    course = CoursePageFactory(parent=catalogue)
    module = ModulePageFactory(parent=course)
    for _ in range(lessons):
        lesson = LessonPageFactory(parent=module)
        lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    client = _signed_in(clerk)
    client.get(module.url)
    # session, user, generation; the frame's snapshot: the generation (its content part:
    # modules, lessons, quiz and scenario pages, is cached per generation), progress,
    # recertifications, completions (all done: no "continue" link).
    with django_assert_num_queries(7):
        html = client.get(module.url).content.decode()
    assert "100 % erledigt" in html
