"""Every aggregate of the team reports against the hand-computed record of conftest.py."""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import translation

from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.training.reports.conftest import NOW, cells_by_record
from training.completion import Status
from training.records import training_records
from training.reports.access import report_teams
from training.reports.selectors import (
    ReportFilters,
    cells_for,
    completion_matrix,
    overdue_list,
    trends,
)

pytestmark = pytest.mark.django_db


def _statuses(matrix):
    return {
        (row.name, cell.page_id): cell.status for row in matrix.rows for cell in row.cells.values()
    }


def test_matrix_for_manager_a(record):
    matrix = completion_matrix(
        teams=report_teams(record.manager_a), filters=ReportFilters(), now=NOW
    )
    assert [r.name for r in matrix.rows] == ["Anna Muster", "Bert Muster", "Carl Muster"]
    assert [c.title for c in matrix.columns] == ["M1 Haltung", "M2 Sprache"]
    m1, m2 = record.m1.pk, record.m2.pk
    assert _statuses(matrix) == {
        ("Anna Muster", m1): Status.COMPLETE,
        ("Anna Muster", m2): Status.COMPLETE,
        ("Bert Muster", m1): Status.OVERDUE,
        ("Bert Muster", m2): Status.NOT_STARTED,
        ("Carl Muster", m1): Status.OVERDUE,
        ("Carl Muster", m2): Status.NOT_STARTED,
    }
    anna = matrix.rows[0]
    assert anna.cells[m1].completed_on == dt.date(2026, 11, 15)
    assert anna.cells[m2].completed_on == dt.date(2026, 11, 25)
    bert = matrix.rows[1]
    assert bert.cells[m1].days_overdue == 11 and bert.cells[m1].due == dt.date(2026, 11, 20)
    assert bert.cells[m2].days_left == 9


def test_manager_b_sees_only_dora_and_admin_everybody(record, administrator):
    b = completion_matrix(teams=report_teams(record.manager_b), filters=ReportFilters(), now=NOW)
    assert [r.name for r in b.rows] == ["Dora Muster"]
    assert [c.title for c in b.columns] == ["M1 Haltung"]
    assert b.rows[0].cells[record.m1.pk].status == Status.COMPLETE
    everybody = completion_matrix(
        teams=report_teams(administrator), filters=ReportFilters(), now=NOW
    )
    assert everybody.total == 4


def test_status_filters(record):
    teams = report_teams(record.manager_a)

    def names(**kwargs):
        matrix = completion_matrix(teams=teams, filters=ReportFilters(**kwargs), now=NOW)
        return {(r.name, pid) for r in matrix.rows for pid in r.cells}

    m1, m2 = record.m1.pk, record.m2.pk
    assert names(status="overdue") == {("Bert Muster", m1), ("Carl Muster", m1)}
    assert names(status="complete") == {("Anna Muster", m1), ("Anna Muster", m2)}
    assert names(status="due_soon", due_within=9) == {("Bert Muster", m2), ("Carl Muster", m2)}
    assert names(status="due_soon", due_within=8) == set()
    assert names(status="open") == {("Bert Muster", m2), ("Carl Muster", m2)}
    assert names(status="expiring") == set()
    # Date range: due date or completion date inside it.
    assert names(date_from=dt.date(2026, 11, 24), date_to=dt.date(2026, 11, 26)) == {
        ("Anna Muster", m2)
    }
    assert names(page_id=m2, status="complete") == {("Anna Muster", m2)}


def test_team_filter_and_sorting(record, administrator):
    teams = report_teams(administrator)
    only_b = completion_matrix(
        teams=teams, filters=ReportFilters(team_id=record.team_b.pk), now=NOW
    )
    assert [r.name for r in only_b.rows] == ["Dora Muster"]
    by_open = completion_matrix(teams=teams, filters=ReportFilters(sort="open"), now=NOW)
    assert [r.name for r in by_open.rows][:2] == ["Bert Muster", "Carl Muster"]
    reverse = completion_matrix(teams=teams, filters=ReportFilters(sort="-name"), now=NOW)
    assert [r.name for r in reverse.rows] == [
        "Dora Muster",
        "Carl Muster",
        "Bert Muster",
        "Anna Muster",
    ]
    by_team = completion_matrix(teams=teams, filters=ReportFilters(sort="-team"), now=NOW)
    assert by_team.rows[0].name == "Dora Muster"


def test_pagination(record, administrator):
    teams = report_teams(administrator)
    first = completion_matrix(teams=teams, filters=ReportFilters(), page=1, page_size=3, now=NOW)
    second = completion_matrix(teams=teams, filters=ReportFilters(), page=2, page_size=3, now=NOW)
    assert first.page_count == 2 and first.total == 4
    assert [r.name for r in second.rows] == ["Dora Muster"]
    assert [c.title for c in second.columns] == ["M1 Haltung"]


def test_overdue_list_with_reminders(record):
    rows = overdue_list(teams=report_teams(record.manager_a), filters=ReportFilters(), now=NOW)
    assert [(r.person.name, r.column.title, r.cell.days_overdue) for r in rows] == [
        ("Bert Muster", "M1 Haltung", 11),
        ("Carl Muster", "M1 Haltung", 11),
    ]
    assert [(x.occasion, x.sent_at.date()) for x in rows[0].reminders] == [
        ("after-1:2026-11-20", dt.date(2026, 11, 21))
    ]
    assert rows[1].reminders == []
    assert (
        overdue_list(teams=report_teams(record.manager_b), filters=ReportFilters(), now=NOW) == []
    )


def test_trends_completions_per_week_and_compliance(record):
    # The range's first day is a Thursday: its whole week is shown, up to this week.
    filters = ReportFilters(date_from=dt.date(2026, 11, 12))
    points = trends(teams=report_teams(record.manager_a), filters=filters, now=NOW)
    assert [p.week_start for p in points] == [
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
    ]
    # Anna: M1 on Sunday 15 Nov, M2 on 25 Nov; Bert's single lesson completes nothing.
    assert [p.completions for p in points] == [1, 0, 1, 0]
    # M1 is due on 20 Nov: before that everybody is compliant, afterwards only Anna.
    assert [(p.compliant, p.people) for p in points] == [(3, 3), (1, 3), (1, 3), (1, 3)]
    assert [p.compliant_percent for p in points] == [100, 33, 33, 33]


def test_trend_weeks_follow_the_date_range(record):
    teams = report_teams(record.manager_a)

    def weeks(**range_):
        points = trends(teams=teams, filters=ReportFilters(**range_), now=NOW)
        return [p.week_start for p in points], points

    shown, _points = weeks()
    assert len(shown) == 12 and shown[-1] == dt.date(2026, 11, 30)
    # A range in the past ends with its last week; a status filter does not apply.
    shown, points = weeks(date_from=dt.date(2026, 11, 9), date_to=dt.date(2026, 11, 17))
    assert shown == [dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert [(p.completions, p.compliant) for p in points] == [(1, 3), (0, 1)]
    assert (
        trends(
            teams=teams,
            filters=ReportFilters(
                status="complete", date_from=dt.date(2026, 11, 9), date_to=dt.date(2026, 11, 17)
            ),
            now=NOW,
        )
        == points
    )
    # Ranges reaching beyond today stop at this week; very long ones show the newest
    # 104 weeks.
    shown, _points = weeks(date_from=dt.date(2026, 11, 30), date_to=dt.date(2027, 3, 1))
    assert shown == [dt.date(2026, 11, 30)]
    shown, _points = weeks(date_from=dt.date(2020, 1, 1))
    assert len(shown) == 104 and shown[-1] == dt.date(2026, 11, 30)


def test_trend_page_offers_no_status_filter(record, manager_a_client):
    html = manager_a_client.get(
        "/admin/berichte/verlauf/", {"status": "complete", "from": "2026-11-09"}
    ).content.decode()
    assert 'name="status"' not in html and 'name="days"' not in html
    assert 'name="from"' in html
    assert "2026-W46" in html and "2026-W45" not in html
    export = re.search(r'id="export-csv" href="([^"]+)"', html).group(1)
    assert "from=2026-11-09" in export and "status" not in export


def test_report_cells_agree_with_the_personal_records(record, monkeypatch):
    """The bulk path gives the answers of training_records (the dashboard's rules)."""
    # The fixture has no quiz pages, so nobody has an open attempt; the seam to the quiz
    # app's open attempts is not wired on this branch (the coordinator wires it).
    monkeypatch.setattr("training.records.open_attempt_urls", lambda **kwargs: {})
    ids = [record.anna.pk, record.bert.pk, record.carl.pk, record.dora.pk]
    cells, _columns = cells_for(user_ids=ids, now=NOW)
    records = training_records(user_ids=ids, now=NOW)
    for user_id in ids:
        got, expected = cells_by_record(cells, records, user_id)
        assert got == expected


@pytest.mark.parametrize("sort", ["name", "-name", "team", "-team"])
def test_pages_chosen_in_the_database_match_the_full_order(record, administrator, sort):
    """Sorted by name or team, a page's people are chosen by the database; page by page
    they are the people, order and teams of the full list (which exports and filtered
    reports use), including someone in two teams, namesakes and an inactive member."""
    from training.reports.selectors import scope_members, scope_members_page

    team_c = TeamFactory(name="Team 0 Aaa")
    MembershipFactory(team=team_c, user=record.dora)  # Dora: teams "Team 0 Aaa", "Team B"
    for first in ("Anna", "Anna", "Zoe"):
        MembershipFactory(
            team=record.team_b, user=UserFactory(first_name=first, last_name="Muster")
        )
    gone = UserFactory(first_name="Alt", last_name="Aaa", is_active=False)
    MembershipFactory(team=record.team_a, user=gone)
    teams = report_teams(administrator)
    filters = ReportFilters(sort=sort)
    everybody, _by_id = scope_members(teams, filters)
    assert len(everybody) == 7 and gone.pk not in {row.user_id for row in everybody}
    paged = []
    for number in (1, 2, 3):
        rows, total, shown = scope_members_page(teams, filters, page=number, page_size=3)
        assert (total, shown) == (7, number)
        paged.extend(rows)
    key = [(row.user_id, row.teams) for row in everybody]
    assert [(row.user_id, row.teams) for row in paged] == key
    dora = next(row for row in paged if row.user_id == record.dora.pk)
    assert dora.teams == ["Team 0 Aaa", "Team B"]
    if sort == "team":
        assert paged[0].user_id == record.dora.pk  # first team "Team 0 Aaa"
    # Past the end: the last page, as the computed rows give it.
    rows, total, shown = scope_members_page(teams, filters, page=9, page_size=3)
    assert (total, shown) == (7, 3) and [r.user_id for r in rows] == [everybody[6].user_id]
    matrix = completion_matrix(teams=teams, filters=filters, page=2, page_size=3, now=NOW)
    assert [r.user_id for r in matrix.rows] == [row.user_id for row in everybody[3:6]]
    assert matrix.total == 7 and matrix.page_count == 3


def test_reminders_read_as_occasions_in_local_time(record, manager_a_client):
    """A reminder sent half past midnight in Berlin is dated that day, on the page and in
    the export alike, and its occasion reads as words, not as the stored key."""
    from training.models import ReminderSent
    from training.reports.labels import occasion_label, reminders_text

    ReminderSent.objects.create(
        assignment=record.a1,
        user=record.bert,
        occasion="after-7:2026-11-20",
        claimed_at=dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC),
        sent_at=dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC),  # 27 Nov, 00:30 in Berlin
    )
    ReminderSent.objects.create(
        assignment=record.a1,
        user=record.bert,
        occasion="due:2026-11-20",
        claimed_at=NOW,
        sent_at=None,
    )
    expected = (
        "1 Tag nach Fälligkeit (21.11.2026), 7 Tage nach Fälligkeit (27.11.2026), "
        "am Fälligkeitstag (noch nicht gesendet)"
    )
    html = manager_a_client.get("/admin/berichte/ueberfaellig/").content.decode()
    assert expected in html and "after-1" not in html
    response = manager_a_client.get(
        "/admin/berichte/export/", {"report": "overdue", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "Bert Muster" and rows[1][5] == expected
    assert rows[2][0] == "Carl Muster" and rows[2][5] == ""
    with translation.override("en"):
        assert occasion_label("before-1:2026-11-20") == "1 day before the due date"
        assert occasion_label("before-3:2026-11-20") == "3 days before the due date"
        assert reminders_text([]) == ""
    assert occasion_label("later:2026-11-20") == "later"
