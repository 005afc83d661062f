"""seed_load is idempotent; a large export runs in the background and only its owner
follows and downloads it."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from exports.models import ReportExport
from exports.report_exports import report_export_run, report_export_start
from quizzes.models import QuizAttempt, QuizPage
from tests.training.reports.conftest import cells_by_record
from training.models import (
    Assignment,
    AssignmentLog,
    CourseCompletion,
    LessonProgress,
    Membership,
    Team,
    User,
)
from training.reports.seed import load_seed

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Team.objects.count(),
        Membership.objects.count(),
        Assignment.objects.count(),
        AssignmentLog.objects.count(),
        QuizPage.objects.count(),
        LessonProgress.objects.count(),
        QuizAttempt.objects.count(),
        CourseCompletion.objects.count(),
    )


def test_seed_load_is_idempotent(catalogue):
    call_command("seed_load", clerks=12, modules=3, team_size=5, stdout=io.StringIO())
    counts = _counts()
    # People, teams, memberships, assignments, their log entries, one quiz per module.
    assert counts[:6] == (12 + 3, 3, 15, 3, 3, 3)
    assert counts[6] > 0 and counts[7] > 0
    report = load_seed(clerks=12, modules=3, team_size=5)
    assert str(report) == (
        "teams: 0, people: 0, lesson progress: 0, quiz attempts: 0, course completions: 0, "
        "reminders: 0"
    )
    assert _counts() == counts


def test_seeded_records_follow_the_rules(catalogue):
    """Passed quizzes complete modules, failed ones do not, complete courses have their
    completion, and the reports' bulk path agrees with each person's record."""
    from training.records import training_records
    from training.reports.selectors import cells_for

    load_seed(clerks=40, modules=8, team_size=20)
    finished = QuizAttempt.objects.filter(status="finished")
    assert finished.filter(passed=True, score=100).exists()
    assert finished.filter(passed=False).exists()
    assert QuizAttempt.objects.filter(status="open").exists()
    assert CourseCompletion.objects.exists()
    clerks = list(User.objects.filter(username__startswith="last0").values_list("pk", flat=True))
    cells, _columns = cells_for(user_ids=clerks, now=timezone.now())
    records = training_records(user_ids=clerks)
    complete = 0
    for user_id in clerks:
        got, expected = cells_by_record(cells, records, user_id)
        assert got == expected
        for item in records[user_id].items:
            quiz = QuizPage.objects.child_of(item.page).get()
            passed = QuizAttempt.objects.filter(user_id=user_id, page=quiz, passed=True).exists()
            lessons_done = (
                item.state.lessons_done
                == frozenset(
                    LessonProgress.objects.filter(
                        user_id=user_id, lesson__path__startswith=item.page.path
                    )
                    .exclude(completed_at=None)
                    .values_list("lesson_id", flat=True)
                )
                and len(item.state.lessons_done) == 3
            )
            assert item.state.complete == (passed and lessons_done)
            complete += item.state.complete
    assert complete > 0
    # A course completion only where all the course's modules are complete.
    for completion in CourseCompletion.objects.all():
        states = [
            item.state.complete
            for item in records[completion.user_id].items
            if item.page.path.startswith(completion.course.path)
        ]
        assert states and all(states)


def test_background_export_builds_the_xlsx_for_its_owner(catalogue):
    load_seed(clerks=10, modules=3, team_size=5)
    manager = User.objects.get(username="last-leitung-001")
    export = report_export_start(
        owner=manager, parameters={"report": "matrix", "format": "xlsx", "sort": "-name"}
    )
    assert export.status == ReportExport.Status.PENDING
    report_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE and export.progress == 100
    client = Client()
    client.force_login(manager)
    status = client.get(f"/admin/berichte/export/{export.pk}/status.json").json()
    assert status["finished"] and status["download_url"].endswith("/datei/")
    response = client.get(status["download_url"])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Person", "Team", "Lastmodul 1", "Lastmodul 2", "Lastmodul 3")
    assert len(rows) == 1 + 5  # the manager's own team only
    assert {r[1] for r in rows[1:]} == {"Lastteam 001"}
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names, reverse=True)
    # Running it again (a task delivered twice) changes nothing.
    report_export_run(export_id=export.pk)
    other = Client()
    other.force_login(User.objects.get(username="last-leitung-002"))
    assert other.get(status["download_url"]).status_code == 404


def test_export_task_rechecks_the_scope_when_it_runs(catalogue):
    load_seed(clerks=10, modules=2, team_size=5)
    manager = User.objects.get(username="last-leitung-001")
    team = Team.objects.get(slug="last-team-1")
    export = report_export_start(
        owner=manager, parameters={"report": "matrix", "format": "csv", "team": str(team.pk)}
    )
    Membership.objects.filter(user=manager).delete()  # no longer manages the team
    report_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ReportExport.Status.FAILED and not export.file


def test_trends_on_seeded_data_agree_with_counting_each_week(catalogue, administrator):
    """Compliance per week, counted the plain way over every person's cells, equals what
    the report computes (it marks each item's missing weeks at once)."""
    import datetime as dt

    from training import dates
    from training.reports.access import report_teams
    from training.reports.selectors import (
        ReportFilters,
        cells_for,
        scope_members,
        trend_weeks,
        trends,
    )

    load_seed(clerks=40, modules=8, team_size=20)
    now = timezone.now()
    today = dates.local_date(now)
    teams = report_teams(administrator)
    filters = ReportFilters(date_from=today - dt.timedelta(weeks=30))
    people, by_id = scope_members(teams, filters)
    cells, _columns = cells_for(user_ids=by_id, now=now)
    expected = []
    for monday in trend_weeks(filters, today):
        end = min(monday + dt.timedelta(days=6), today)
        compliant = sum(
            all(
                not (c.due < end and (c.completed_on is None or c.completed_on > end))
                for c in cells.get(person.user_id, {}).values()
            )
            for person in people
        )
        done = sum(
            1
            for row in cells.values()
            for c in row.values()
            if c.completed_on and monday <= c.completed_on <= monday + dt.timedelta(days=6)
        )
        expected.append((monday, done, compliant, len(people)))
    got = [
        (p.week_start, p.completions, p.compliant, p.people)
        for p in trends(teams=teams, filters=filters, now=now)
    ]
    assert got == expected
    assert len({compliant for _m, _d, compliant, _p in got}) > 1  # the weeks differ
