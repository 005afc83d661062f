"""Meine Fortbildung: statuses, continue, completed training, vocabulary, access, and a
fixed number of queries whatever the number of assignments."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.models import LessonPage
from tests.conftest import _signed_in
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MembershipFactory,
    ModulePageFactory,
    TeamFactory,
    UserFactory,
)
from training.assignments import AssignmentData, assignment_create
from training.models import CourseCompletion, LessonProgress, Membership
from training.progress import lesson_complete
from training.records import person_record
from training.roles import Role

pytestmark = pytest.mark.django_db

URL = "/meine-fortbildung/"


def _course(catalogue, title, modules=1, lessons=2, **kwargs):
    course = CoursePageFactory(parent=catalogue, title=title, **kwargs)
    for m in range(modules):
        module = ModulePageFactory(parent=course, title=f"{title} M{m}")
        for n in range(lessons):
            LessonPageFactory(parent=module, title=f"{title} M{m} L{n}")
    return course


def _lessons(page):
    return list(LessonPage.objects.descendant_of(page).order_by("path"))


def _assign(actor, page, person, **due):
    due = due or {"due_mode": "assigned", "due_days": 30}
    return assignment_create(actor=actor, data=AssignmentData(page=page, people=(person,), **due))


def test_statuses_and_continue(catalogue, clerk, clerk_client, administrator):
    fresh = _course(catalogue, "Neu")
    started = _course(catalogue, "Begonnen")
    late = _course(catalogue, "Spät")
    done = _course(catalogue, "Fertig", lessons=1)
    for course in (fresh, started, done):
        _assign(administrator, course, clerk)
    _assign(
        administrator,
        late,
        clerk,
        due_mode="fixed",
        due_date=timezone.localdate() - dt.timedelta(1),
    )
    first, second = _lessons(started)
    lesson_complete(user=clerk, lesson_id=first.pk, how="marked")
    lesson_complete(user=clerk, lesson_id=_lessons(done)[0].pk, how="marked")
    record = person_record(user=clerk)
    status = {item.page.title: item.status for item in record.items}
    assert status == {
        "Neu": "not_started",
        "Begonnen": "in_progress",
        "Spät": "overdue",
        "Fertig": "complete",
    }
    html = clerk_client.get(URL).content.decode()
    assert "Überfällig" in html and "In Bearbeitung" in html and "Nicht begonnen" in html
    # Continue leads to the exact lesson: the one after the last lesson done.
    started_item = next(i for i in record.items if i.page.title == "Begonnen")
    assert started_item.continue_url == second.url
    assert started_item.percent == 50
    assert "Fertig: abgeschlossen am" in html.replace("\n", " ") or "abgeschlossen am" in html


def test_continue_goes_to_the_lesson_visited_last(catalogue, clerk, clerk_client, administrator):
    course = _course(catalogue, "Kurs", lessons=3)
    _assign(administrator, course, clerk)
    lessons = _lessons(course)
    clerk_client.get(lessons[2].url)
    html = clerk_client.get(URL).content.decode()
    assert f'href="{lessons[2].url}" data-testid="continue"' in html


def test_validity_reopens_and_keeps_history(catalogue, clerk, administrator):
    course = _course(catalogue, "Gültig", lessons=1, validity_months=24)
    _assign(administrator, course, clerk, due_mode="fixed", due_date=dt.date(2024, 1, 31))
    lesson = _lessons(course)[0]
    long_ago = timezone.now() - dt.timedelta(days=24 * 30)  # 24 months minus a bit
    lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked", now=long_ago)
    (completion,) = CourseCompletion.objects.filter(user=clerk)
    assert completion.valid_until is not None
    (item,) = person_record(user=clerk).items
    assert item.status == "expiring"  # still valid, but open again
    assert item.due == completion.valid_until
    assert item.continue_url == lesson.url
    lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    assert CourseCompletion.objects.filter(user=clerk).count() == 2  # the old one stays
    (item,) = person_record(user=clerk).items
    assert item.status == "complete"


def test_vocabulary_due_count(catalogue, clerk, clerk_client):
    from tests.factories import TermFactory
    from training.vocabulary import vocabulary_deck_ensure

    vocabulary_deck_ensure(
        user=clerk, terms=TermFactory.create_batch(3), language="en", direction="de-x"
    )
    html = clerk_client.get(URL).content.decode()
    assert "3 Karten fällig" in html


def _setup_assignments(catalogue, clerk, administrator, count):
    for n in range(count):
        course = _course(catalogue, f"K{n}", modules=2, lessons=2)
        _assign(administrator, course, clerk)
        lesson_complete(user=clerk, lesson_id=_lessons(course)[0].pk, how="marked")
    module = ModulePageFactory(parent=CoursePageFactory(parent=catalogue), title="Nur Modul")
    LessonPageFactory(parent=module)
    _assign(administrator, module, clerk)


@pytest.mark.parametrize("count", [1, 6])
def test_dashboard_runs_a_fixed_number_of_queries(
    catalogue, clerk, clerk_client, administrator, count, django_assert_num_queries
):
    _setup_assignments(catalogue, clerk, administrator, count)
    clerk_client.get(URL)  # site root paths are cached after the first request
    # session, user; obligations 4 (assignments, their teams, roles, people); snapshot 7
    # (targets, modules, courses, lessons, progress, recertifications, completions); site
    # root for the lesson links; completed courses; vocabulary due; the permissions (2).
    with django_assert_num_queries(18):
        response = clerk_client.get(URL)
    assert response.content.decode().count('data-testid="record-item"') == count + 1


def test_manager_sees_own_team_members_only(catalogue, clerk, manager, administrator):
    team = TeamFactory()
    MembershipFactory(team=team, user=manager, role=Membership.Role.MANAGER)
    MembershipFactory(team=team, user=clerk)
    stranger = UserFactory(role=Role.CLERK)
    MembershipFactory(team=TeamFactory(), user=stranger)
    course = _course(catalogue, "Pflicht")
    _assign(administrator, course, clerk)
    client = _signed_in(manager)
    page = client.get(f"{URL}team/{clerk.pk}/")
    assert page.status_code == 200 and "Pflicht" in page.content.decode()
    assert client.get(f"{URL}team/{stranger.pk}/").status_code == 404
    overview = client.get(f"{URL}team/").content.decode()
    assert str(clerk) in overview and str(stranger) not in overview
    # A clerk sees nobody else's record, not even a team mate's.
    mate = _signed_in(stranger)
    assert mate.get(f"{URL}team/{clerk.pk}/").status_code == 404
    assert mate.get(f"{URL}team/").status_code == 404


def test_clerk_sees_only_own_record(catalogue, clerk, clerk_client, administrator):
    other = UserFactory(role=Role.CLERK)
    _assign(administrator, _course(catalogue, "Fremdkurs"), other)
    LessonProgress.objects.create(
        user=other,
        lesson=_lessons(LessonPage.objects.first().get_parent().get_parent())[0],
        first_visited_at=timezone.now(),
        last_visited_at=timezone.now(),
    )
    html = clerk_client.get(URL).content.decode()
    assert "Fremdkurs" not in html
    assert "Zurzeit ist keine Fortbildung zugewiesen." in html


def test_signed_out_people_go_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/konto/anmelden/" in response.url


def test_vocabulary_goal_counts_towards_the_module(catalogue, clerk, clerk_client, administrator):
    import json

    from tests.factories import TermFactory
    from training.models import VocabularyCard
    from training.vocabulary import vocabulary_deck_ensure

    terms = TermFactory.create_batch(5)
    course = CoursePageFactory(parent=catalogue, title="Wortschatz")
    module = ModulePageFactory(parent=course, vocabulary_goal_percent=80)
    body = [{"type": "vocabulary", "value": {"title": "", "terms": [t.pk for t in terms]}}]
    lesson = LessonPageFactory(parent=module, body=json.dumps(body))
    _assign(administrator, course, clerk)
    lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    (item,) = person_record(user=clerk).items
    assert item.status == "in_progress" and item.percent == 50  # lesson done, goal not
    assert item.state.modules[0].vocabulary_needed == 4
    vocabulary_deck_ensure(user=clerk, terms=terms, language="en", direction="de-x")
    vocabulary_deck_ensure(user=clerk, terms=terms[:2], language="ar", direction="x-de")
    # Learned: in review with a stability of at least 21 days, in any language/direction.
    VocabularyCard.objects.filter(user=clerk, term__in=terms[:3], language="en").update(
        state=VocabularyCard.State.REVIEW, stability=30
    )
    assert (
        VocabularyCard.objects.filter(user=clerk, term=terms[3], language="en").update(
            state=VocabularyCard.State.REVIEW,
            stability=5,  # not yet stable enough
        )
        == 1
    )
    assert person_record(user=clerk).items[0].status == "in_progress"
    VocabularyCard.objects.filter(user=clerk, term=terms[1], language="ar").update(
        state=VocabularyCard.State.REVIEW,
        stability=40,  # the same term again: still 3
    )
    assert person_record(user=clerk).items[0].status == "in_progress"
    VocabularyCard.objects.filter(user=clerk, term=terms[4], language="en").update(
        state=VocabularyCard.State.REVIEW, stability=21
    )
    assert person_record(user=clerk).items[0].status == "complete"
    # The dashboard records the completion the review brought about.
    assert not CourseCompletion.objects.exists()
    clerk_client.get(URL)
    assert CourseCompletion.objects.filter(user=clerk, course=course).count() == 1
    clerk_client.get(URL)
    assert CourseCompletion.objects.count() == 1
