"""Assignments: teams that change, named people, roles, the log, who may manage what."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import _signed_in
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MembershipFactory,
    ModulePageFactory,
    TeamFactory,
    UserFactory,
)
from training.assignments import (
    AssignmentData,
    assignment_create,
    assignment_update,
    assignment_withdraw,
    obligations,
)
from training.models import Assignment, AssignmentLog, Membership
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Aufenthaltsrecht")
    module = ModulePageFactory(parent=course, title="Titel")
    LessonPageFactory(parent=module)
    return course


@pytest.fixture
def team(manager):
    team = TeamFactory(name="Sachgebiet 1")
    MembershipFactory(team=team, user=manager, role=Membership.Role.MANAGER)
    return team


def _member(team, **kwargs):
    user = UserFactory(role=Role.CLERK, **kwargs)
    MembershipFactory(team=team, user=user)
    return user


def _obliged(page):
    return {o.user_id for o in obligations() if o.assignment.page_id == page.pk}


def test_team_members_who_join_later_are_obliged_and_leavers_are_not(course, team, manager):
    early = _member(team)
    assignment_create(
        actor=manager,
        data=AssignmentData(page=course, due_mode="assigned", due_days=30, teams=(team,)),
    )
    assert _obliged(course) == {early.pk}
    late = _member(team)
    assert _obliged(course) == {early.pk, late.pk}
    Membership.objects.filter(user=early).delete()
    assert _obliged(course) == {late.pk}
    # Deactivated accounts lose the obligation too.
    late.is_active = False
    late.save()
    assert _obliged(course) == set()


def test_due_after_joining_counts_from_the_membership(course, team, manager):
    assigned = timezone.now() - dt.timedelta(days=10)
    assignment_create(
        actor=manager,
        data=AssignmentData(page=course, due_mode="joined", due_days=14, teams=(team,)),
        now=assigned,
    )
    newcomer = _member(team)
    (duty,) = [o for o in obligations() if o.user_id == newcomer.pk]
    joined = Membership.objects.get(user=newcomer).joined_at
    from training.dates import local_date

    assert duty.due == local_date(joined) + dt.timedelta(days=14)


def test_named_people_and_roles(course, administrator, trainer):
    clerk = UserFactory(role=Role.CLERK)
    other = UserFactory(role=Role.CLERK)
    assignment_create(
        actor=trainer,
        data=AssignmentData(
            page=course,
            due_mode="fixed",
            due_date=dt.date(2027, 1, 31),
            roles=(Group.objects.get(name=Role.CLERK),),
        ),
    )
    assert {clerk.pk, other.pk} <= _obliged(course)
    assert trainer.pk not in _obliged(course)


def test_every_change_is_logged_with_who_and_what(course, team, manager):
    assignment = assignment_create(
        actor=manager,
        data=AssignmentData(page=course, due_mode="assigned", due_days=30, teams=(team,)),
    )
    assignment_update(
        actor=manager,
        assignment=assignment,
        data=AssignmentData(
            page=course, due_mode="fixed", due_date=dt.date(2027, 3, 1), teams=(team,)
        ),
    )
    assignment_withdraw(actor=manager, assignment=assignment)
    log = list(AssignmentLog.objects.filter(assignment=assignment).order_by("at", "pk"))
    assert [e.action for e in log] == ["created", "changed", "withdrawn"]
    assert all(e.actor == manager for e in log)
    assert log[1].changes["due_mode"] == ["assigned", "fixed"]
    assert log[1].changes["due_date"] == [None, "2027-03-01"]
    assert "teams" not in log[1].changes  # unchanged
    assert _obliged(course) == set()  # withdrawn


def test_manager_cannot_assign_to_other_teams_or_roles(course, team, manager):
    foreign = TeamFactory(name="Fremd")
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=manager,
            data=AssignmentData(page=course, due_mode="assigned", due_days=3, teams=(foreign,)),
        )
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=manager,
            data=AssignmentData(
                page=course,
                due_mode="assigned",
                due_days=3,
                roles=(Group.objects.get(name=Role.CLERK),),
            ),
        )
    outsider = _member(foreign)
    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=manager,
            data=AssignmentData(page=course, due_mode="assigned", due_days=3, people=(outsider,)),
        )
    assert not Assignment.objects.exists()


def test_incomplete_due_is_refused(course, team, manager):
    with pytest.raises(ValidationError) as error:
        assignment_create(
            actor=manager, data=AssignmentData(page=course, due_mode="fixed", teams=(team,))
        )
    assert "due_date" in error.value.message_dict
    assert not Assignment.objects.exists()


def test_clerk_cannot_reach_assignment_pages(clerk_client):
    assert clerk_client.get("/meine-fortbildung/zuweisungen/").status_code == 404
    assert clerk_client.get("/meine-fortbildung/zuweisungen/neu/").status_code == 404


def test_manager_assigns_through_the_form_and_sees_only_own(course, team, manager):
    client = _signed_in(manager)
    response = client.post(
        "/meine-fortbildung/zuweisungen/neu/",
        {"page": course.pk, "teams": [team.pk], "due_mode": "assigned", "due_days": "21"},
    )
    assert response.status_code == 302
    mine = Assignment.objects.get()
    foreign_manager = UserFactory(role=Role.MANAGER)
    foreign = TeamFactory(name="Anderes Sachgebiet")
    MembershipFactory(team=foreign, user=foreign_manager, role=Membership.Role.MANAGER)
    other = _signed_in(foreign_manager)
    assert other.get(f"/meine-fortbildung/zuweisungen/{mine.pk}/").status_code == 404
    assert other.post(f"/meine-fortbildung/zuweisungen/{mine.pk}/zurueckziehen/").status_code == 404
    listing = other.get("/meine-fortbildung/zuweisungen/").content.decode()
    assert course.title not in listing
    # A team that is not theirs is refused by the form with a message; nothing changes.
    response = other.post(
        "/meine-fortbildung/zuweisungen/neu/",
        {"page": course.pk, "teams": [team.pk], "due_mode": "assigned", "due_days": "21"},
    )
    assert response.status_code == 200
    assert Assignment.objects.count() == 1
    page = client.get(f"/meine-fortbildung/zuweisungen/{mine.pk}/").content.decode()
    assert "Verlauf" in page and "erstellt" in page
