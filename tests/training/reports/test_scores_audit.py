"""Named scores only when the deployment enables them with a reason; then every view and
export of them is in the audit log, which administrators read and nobody changes."""

import datetime as dt

import pytest

from tests.conftest import _signed_in
from training.reports import scores
from training.reports.models import ReportAudit
from training.reports.scores import check_named_scores_reason, group_score

pytestmark = pytest.mark.django_db

MATRIX = "/admin/berichte/matrix/"
EXPORT = "/admin/berichte/export/"


@pytest.fixture
def named_scores(settings, monkeypatch, record):
    settings.TRAINING_REPORTS_NAMED_SCORES = True
    settings.TRAINING_REPORTS_NAMED_SCORES_REASON = "Dienstvereinbarung 2026/3, § 4"

    def fake_attempt_scores(*, user_ids, page_ids):
        # Stands in for the quiz branch's attempts (the seam under test is the caller).
        known = {(record.anna.pk, record.m1.pk): 80, (record.bert.pk, record.m1.pk): 40}
        return {k: v for k, v in known.items() if k[0] in user_ids and k[1] in page_ids}

    monkeypatch.setattr(scores, "attempt_scores", fake_attempt_scores)


def test_without_the_setting_no_scores_and_no_log(record, manager_a_client):
    html = manager_a_client.get(MATRIX).content.decode()
    assert "Ergebnis" not in html
    manager_a_client.get(EXPORT, {"report": "matrix", "format": "csv"})
    assert ReportAudit.objects.count() == 0


def test_setting_without_reason_is_refused(settings):
    settings.TRAINING_REPORTS_NAMED_SCORES = True
    settings.TRAINING_REPORTS_NAMED_SCORES_REASON = " "
    assert [e.id for e in check_named_scores_reason()] == ["training.E501"]
    assert not scores.named_scores_enabled()


def test_view_of_named_scores_is_logged(named_scores, record, manager_a_client):
    html = manager_a_client.get(MATRIX, {"status": "overdue"}).content.decode()
    assert "Ergebnis: 40 %" in html  # Bert, overdue with a score
    entry = ReportAudit.objects.get()
    assert entry.actor == record.manager_a
    assert entry.action == "view" and entry.report == "matrix"
    assert entry.people == sorted([record.bert.pk, record.carl.pk])
    assert entry.filters == {"status": "overdue"}


def test_export_of_named_scores_is_logged(named_scores, record, manager_a_client):
    response = manager_a_client.get(EXPORT, {"report": "matrix", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "Ergebnis: M1 Haltung" in text and ";80;" in text
    entry = ReportAudit.objects.get()
    assert entry.action == "export"
    assert entry.people == sorted([record.anna.pk, record.bert.pk, record.carl.pk])


def test_administrator_reads_the_log_and_managers_cannot_change_it(
    named_scores, record, manager_a_client, administrator_client
):
    manager_a_client.get(MATRIX)
    html = administrator_client.get("/admin/berichte/protokoll/").content.decode()
    assert "Mia Leitung" in html and "Dienstvereinbarung 2026/3" in html
    for perm in ("add", "change", "delete"):
        assert not record.manager_a.has_perm(f"training.{perm}_reportaudit")
    assert administrator_client.post("/admin/berichte/protokoll/").status_code == 405
    assert ReportAudit.objects.count() == 1  # reading the log is not a view of scores


def test_group_scores_need_the_minimum_group_size(settings):
    assert group_score({1: 80, 2: 60, 3: 70, 4: 90}) is None
    assert group_score({1: 80, 2: 60, 3: 70, 4: 90, 5: 50}) == 70
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 3
    assert group_score({1: 80, 2: 60, 3: 70}) == 70


def test_the_whole_log_is_readable_page_by_page(named_scores, record, administrator_client):
    from django.utils import timezone

    start = timezone.now()
    ReportAudit.objects.bulk_create(
        ReportAudit(
            actor=record.manager_a,
            at=start - dt.timedelta(minutes=n),
            action="view",
            report=f"matrix-{n:03d}",
        )
        for n in range(120)
    )
    first = administrator_client.get("/admin/berichte/protokoll/").content.decode()
    assert "120 Einträge · Seite 1 von 3" in first
    assert "matrix-000" in first and "matrix-049" in first and "matrix-050" not in first
    last = administrator_client.get("/admin/berichte/protokoll/", {"p": 3}).content.decode()
    assert "matrix-119" in last and "matrix-099" not in last and 'rel="prev"' in last
    assert 'rel="next"' not in last


def test_the_page_number_is_part_of_the_logged_filters(
    named_scores, record, manager_a_client, monkeypatch
):
    from training.reports.selectors import completion_matrix

    monkeypatch.setitem(completion_matrix.__kwdefaults__, "page_size", 2)  # Carl on page 2
    manager_a_client.get(MATRIX, {"p": 2})
    entry = ReportAudit.objects.get()
    assert entry.people == [record.carl.pk] and entry.filters == {"p": "2"}


def test_background_export_of_named_scores_is_logged(named_scores, record):
    from exports.report_exports import report_export_run, report_export_start

    export = report_export_start(
        owner=record.manager_a, parameters={"report": "matrix", "format": "xlsx"}
    )
    assert ReportAudit.objects.count() == 0  # nothing is seen before the file is built
    report_export_run(export_id=export.pk)
    entry = ReportAudit.objects.get()
    assert entry.actor == record.manager_a and entry.action == "export"
    assert entry.people == sorted([record.anna.pk, record.bert.pk, record.carl.pk])


def test_deleting_an_account_keeps_its_audit_entries(named_scores, record, administrator_client):
    """An administrator can delete a former manager's account; what they saw stays in
    the log under the name it was written with."""
    manager_client = _signed_in(record.manager_a)
    manager_client.get(MATRIX)
    entry = ReportAudit.objects.get()
    assert entry.actor_name == f"Mia Leitung ({record.manager_a.username})"

    response = administrator_client.post(f"/admin/users/delete/{record.manager_a.pk}/")
    assert response.status_code == 302

    entry.refresh_from_db()
    assert entry.actor is None and entry.people == sorted(
        [record.anna.pk, record.bert.pk, record.carl.pk]
    )
    html = administrator_client.get("/admin/berichte/protokoll/").content.decode()
    assert f"Mia Leitung ({record.manager_a.username}) (Konto gelöscht)" in html


def test_entries_written_before_the_name_was_kept_get_it(record):
    """Migration 0006 gives entries that existed before it the name of their actor."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("training.migrations.0006_report_audit_outlives_actor")
    entry = ReportAudit.objects.create(
        actor=record.manager_a, at=timezone.now(), action="view", report="matrix"
    )
    kept = ReportAudit.objects.create(
        actor=record.manager_a, actor_name="Mia Alt (ml)", at=timezone.now(), action="view"
    )
    migration.names_of_actors(apps, None)
    entry.refresh_from_db()
    kept.refresh_from_db()
    assert entry.actor_name == f"Mia Leitung ({record.manager_a.username})"
    assert kept.actor_name == "Mia Alt (ml)"
