"""seed_load is idempotent; a large export runs in the background and only its owner
follows and downloads it."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from exports.models import ReportExport
from exports.report_exports import report_export_run, report_export_start
from training.models import Assignment, LessonProgress, Membership, Team, User
from training.reports.seed import load_seed

pytestmark = pytest.mark.django_db


def test_seed_load_is_idempotent(catalogue):
    call_command("seed_load", clerks=12, modules=3, team_size=5, stdout=io.StringIO())
    counts = (
        User.objects.count(),
        Team.objects.count(),
        Membership.objects.count(),
        Assignment.objects.count(),
        LessonProgress.objects.count(),
    )
    assert counts[:4] == (12 + 3, 3, 15, 3)
    assert counts[4] > 0
    report = load_seed(clerks=12, modules=3, team_size=5)
    assert str(report) == "teams: 0, people: 0, lesson progress: 0, reminders: 0"
    assert (
        User.objects.count(),
        Team.objects.count(),
        Membership.objects.count(),
        Assignment.objects.count(),
        LessonProgress.objects.count(),
    ) == counts


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
