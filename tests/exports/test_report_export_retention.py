"""Background report exports name people: they expire after TRAINING_REPORTS_EXPORT_DAYS
(default 7), ``purge_report_exports`` deletes them, and status and file are re-checked
against the owner's access at every request. Every answer is ``no-store``."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from exports.models import ReportExport
from exports.report_exports import report_export_run, report_export_start
from tests.conftest import _signed_in
from tests.factories import MembershipFactory
from tests.training.reports.conftest import record_build
from training.models import Membership
from training.roles import Role

pytestmark = pytest.mark.django_db

EXPORT = "/admin/berichte/export/"


@pytest.fixture
def record(catalogue):
    return record_build(catalogue)


def _built(record, *, days_ago: float = 0) -> ReportExport:
    """A finished CSV export of team A's matrix for its manager, ``days_ago`` old."""
    export = report_export_start(
        owner=record.manager_a,
        parameters={"report": "matrix", "format": "csv", "team": str(record.team_a.pk)},
    )
    report_export_run(export_id=export.pk)
    ReportExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - timedelta(days=days_ago)
    )
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE and export.file
    return export


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _assert_refused(response):
    assert response.status_code == 404
    assert response["Cache-Control"].startswith("no-store")
    assert not response.has_header("Content-Disposition")
    assert b"Anna" not in _body(response)


def test_purge_deletes_expired_exports_and_their_files_only(record):
    old = _built(record, days_ago=8)
    fresh = _built(record, days_ago=6)
    waiting = report_export_start(
        owner=record.manager_a, parameters={"report": "overdue", "format": "csv"}
    )
    storage, old_name, fresh_name = old.file.storage, old.file.name, fresh.file.name
    assert storage.exists(old_name)

    out = StringIO()
    call_command("purge_report_exports", stdout=out)  # default: TRAINING_REPORTS_EXPORT_DAYS

    assert "Deleted 1 report export(s)" in out.getvalue()
    assert set(ReportExport.objects.values_list("pk", flat=True)) == {fresh.pk, waiting.pk}
    assert not storage.exists(old_name)
    assert storage.exists(fresh_name)


def test_purge_follows_days_option_and_setting(record, settings):
    settings.TRAINING_REPORTS_EXPORT_DAYS = 30
    kept = _built(record, days_ago=8)
    call_command("purge_report_exports", stdout=StringIO())
    assert ReportExport.objects.filter(pk=kept.pk).exists()

    out = StringIO()
    call_command("purge_report_exports", "--days", "5", stdout=out)
    assert "Deleted 1 report export(s)" in out.getvalue()
    assert not ReportExport.objects.exists()
    assert not kept.file.storage.exists(kept.file.name)


def test_fresh_export_is_downloadable_until_it_expires(record):
    export = _built(record, days_ago=6)
    client = _signed_in(record.manager_a)

    page = client.get(f"{EXPORT}{export.pk}/")
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store")
    assert "Verfügbar bis" in page.content.decode()
    status = client.get(f"{EXPORT}{export.pk}/status.json")
    assert status["Cache-Control"].startswith("no-store")
    assert status.json()["expired"] is False and status.json()["download_url"]
    response = client.get(f"{EXPORT}{export.pk}/datei/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    assert "Anna Muster" in _body(response).decode("utf-8-sig")


def test_expired_export_says_so_and_serves_no_bytes(record):
    export = _built(record, days_ago=8)
    client = _signed_in(record.manager_a)

    _assert_refused(client.get(f"{EXPORT}{export.pk}/datei/"))

    status = client.get(f"{EXPORT}{export.pk}/status.json")
    assert status["Cache-Control"].startswith("no-store")
    data = status.json()
    assert data["expired"] is True and data["download_url"] is None
    assert data["status_label"] == "Abgelaufen"

    page = client.get(f"{EXPORT}{export.pk}/")
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store")
    html = page.content.decode()
    assert "Dieser Export ist abgelaufen" in html and "7 Tage" in html
    assert "report-export-download" not in html and "/datei/" not in html
    # A new export starts from the report page with the same filters.
    assert f'href="/admin/berichte/matrix/?team={record.team_a.pk}"' in html


def _to_trainer(record):
    # Still in the Wagtail admin (trainers edit content), but no team reports any more.
    record.manager_a.groups.set([Group.objects.get(name=Role.TRAINER.value)])


def _no_team(record):
    # Still in the managers' group, but manages no team any more.
    Membership.objects.filter(user=record.manager_a).delete()


def _other_team(record):
    # Now manages team B instead of the team the export is about.
    Membership.objects.filter(user=record.manager_a).delete()
    MembershipFactory(team=record.team_b, user=record.manager_a, role=Membership.Role.MANAGER)


@pytest.mark.parametrize("lose_access", [_to_trainer, _no_team, _other_team])
def test_manager_who_lost_the_team_role_gets_404_everywhere(record, lose_access):
    export = _built(record)
    client = _signed_in(record.manager_a)
    assert client.get(f"{EXPORT}{export.pk}/datei/").status_code == 200

    lose_access(record)

    for suffix in ("", "status.json", "datei/"):
        _assert_refused(client.get(f"{EXPORT}{export.pk}/{suffix}"))
    assert ReportExport.objects.filter(pk=export.pk).exists()  # nothing deleted on the way


def test_manager_demoted_to_clerk_gets_nothing(record):
    export = _built(record)
    client = _signed_in(record.manager_a)
    record.manager_a.groups.set([Group.objects.get(name=Role.CLERK.value)])
    for suffix in ("", "status.json", "datei/"):
        response = client.get(f"{EXPORT}{export.pk}/{suffix}")
        # Wagtail refuses the admin itself before the view runs.
        assert response.status_code in (302, 403, 404)
        assert b"Anna" not in _body(response)


def test_unfiltered_export_needs_every_team_it_holds(record):
    """A manager of two teams exports both; after losing one of them, the file (which
    holds that team's people) is no longer theirs to fetch, and the link to make a new
    export carries no internal parameters."""
    MembershipFactory(team=record.team_b, user=record.manager_a, role=Membership.Role.MANAGER)
    export = report_export_start(
        owner=record.manager_a, parameters={"report": "matrix", "format": "csv"}
    )
    report_export_run(export_id=export.pk)
    client = _signed_in(record.manager_a)
    response = client.get(f"{EXPORT}{export.pk}/datei/")
    assert response.status_code == 200 and "Dora Muster" in _body(response).decode("utf-8-sig")

    Membership.objects.filter(user=record.manager_a, team=record.team_b).delete()

    for suffix in ("", "status.json", "datei/"):
        _assert_refused(client.get(f"{EXPORT}{export.pk}/{suffix}"))
    MembershipFactory(team=record.team_b, user=record.manager_a, role=Membership.Role.MANAGER)
    ReportExport.objects.filter(pk=export.pk).update(finished_at=timezone.now() - timedelta(days=8))
    html = client.get(f"{EXPORT}{export.pk}/").content.decode()
    assert 'href="/admin/berichte/matrix/"' in html and "covered" not in html
