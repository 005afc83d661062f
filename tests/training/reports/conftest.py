"""A small, hand-computable record for the report tests.

Course "Willkommen" with module M1 (lessons L1a, L1b) and M2 (lesson L2a).
Team A: Anna, Bert, Carl (manager: manager_a). Team B: Dora (manager: manager_b).
M1 is assigned to both teams, due 20 Nov 2026; M2 to team A, due 10 Dec 2026.
Progress: Anna finished M1 on 15 Nov and M2 on 25 Nov; Bert did L1a on 18 Nov only;
Carl nothing; Dora finished M1 on 28 Nov (late). A reminder "after-1" went to Bert for
M1 on 21 Nov. NOW is Tuesday 1 Dec 2026, noon in Berlin.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import _signed_in
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MembershipFactory,
    ModulePageFactory,
    TeamFactory,
    UserFactory,
)
from training.models import Assignment, LessonProgress, Membership, ReminderSent
from training.roles import Role

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=BERLIN)


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


@dataclass
class Record:
    course: object
    m1: object
    m2: object
    team_a: object
    team_b: object
    anna: object
    bert: object
    carl: object
    dora: object
    manager_a: object
    manager_b: object
    a1: object  # M1 assignment
    a2: object  # M2 assignment


def _done(user, lesson, when):
    LessonProgress.objects.create(
        user=user, lesson=lesson, first_visited_at=when, last_visited_at=when, completed_at=when
    )


@pytest.fixture
def record(catalogue):
    return record_build(catalogue)


def record_build(catalogue) -> Record:
    course = CoursePageFactory(parent=catalogue, title="Willkommen")
    m1 = ModulePageFactory(parent=course, title="M1 Haltung")
    l1a = LessonPageFactory(parent=m1, title="L1a")
    l1b = LessonPageFactory(parent=m1, title="L1b")
    m2 = ModulePageFactory(parent=course, title="M2 Sprache")
    l2a = LessonPageFactory(parent=m2, title="L2a")
    team_a = TeamFactory(name="Team A")
    team_b = TeamFactory(name="Team B")
    people = {}
    for name, team in (("Anna", team_a), ("Bert", team_a), ("Carl", team_a), ("Dora", team_b)):
        user = UserFactory(first_name=name, last_name="Muster", role=Role.CLERK)
        MembershipFactory(team=team, user=user)
        people[name] = user
    manager_a = UserFactory(first_name="Mia", last_name="Leitung", role=Role.MANAGER)
    manager_b = UserFactory(first_name="Max", last_name="Leitung", role=Role.MANAGER)
    MembershipFactory(team=team_a, user=manager_a, role=Membership.Role.MANAGER)
    MembershipFactory(team=team_b, user=manager_b, role=Membership.Role.MANAGER)
    a1 = Assignment.objects.create(
        page=m1, due_mode="fixed", due_date=dt.date(2026, 11, 20), created_at=at(11, 1)
    )
    a1.teams.set([team_a, team_b])
    a2 = Assignment.objects.create(
        page=m2, due_mode="fixed", due_date=dt.date(2026, 12, 10), created_at=at(11, 1)
    )
    a2.teams.set([team_a])
    _done(people["Anna"], l1a, at(11, 14))
    _done(people["Anna"], l1b, at(11, 15))
    _done(people["Anna"], l2a, at(11, 25))
    _done(people["Bert"], l1a, at(11, 18))
    _done(people["Dora"], l1a, at(11, 27))
    _done(people["Dora"], l1b, at(11, 28))
    ReminderSent.objects.create(
        assignment=a1,
        user=people["Bert"],
        occasion="after-1:2026-11-20",
        claimed_at=at(11, 21),
        sent_at=at(11, 21),
    )
    return Record(
        course,
        m1,
        m2,
        team_a,
        team_b,
        people["Anna"],
        people["Bert"],
        people["Carl"],
        people["Dora"],
        manager_a,
        manager_b,
        a1,
        a2,
    )


@pytest.fixture
def manager_a_client(record):
    return _signed_in(record.manager_a)


@pytest.fixture
def manager_b_client(record):
    return _signed_in(record.manager_b)


def cells_by_record(cells, records, user_id):
    """(report cells, personal record items) of one person, as (status, due, completed_at)
    per page: the bulk path of the reports must give what ``training_records`` gives."""
    expected = {
        item.page.pk: (item.status, item.due, item.state.completed_at)
        for item in records[user_id].items
    }
    got = {pid: (c.status, c.due, c.completed_at) for pid, c in cells.get(user_id, {}).items()}
    return got, expected
