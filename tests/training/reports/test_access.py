"""Who reaches which report, filter and export: managers of two teams, a clerk, a
trainer and an administrator. Another team's data is a 404 and never leaks."""

import csv
import io
import re

import openpyxl
import pytest

from tests.conftest import _signed_in

pytestmark = pytest.mark.django_db

REPORT_URLS = [
    "/admin/berichte/matrix/",
    "/admin/berichte/ueberfaellig/",
    "/admin/berichte/verlauf/",
]
EXPORT = "/admin/berichte/export/"


def _csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize("url", [*REPORT_URLS, "/admin/berichte/"])
def test_manager_sees_own_team_only(record, manager_a_client, url):
    response = manager_a_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Dora" not in html
    assert "Team B" not in html


def test_matrix_names_of_each_manager(record, manager_a_client, manager_b_client):
    a = manager_a_client.get("/admin/berichte/matrix/").content.decode()
    b = manager_b_client.get("/admin/berichte/matrix/").content.decode()
    for name in ("Anna Muster", "Bert Muster", "Carl Muster"):
        assert name in a and name not in b
    assert "Dora Muster" in b
    column = f'data-page="{record.m2.pk}"'
    assert "Überfällig" in a and column in a and column not in b


@pytest.mark.parametrize("url", REPORT_URLS)
def test_other_teams_filter_is_404(record, manager_a_client, url):
    assert manager_a_client.get(url, {"team": record.team_b.pk}).status_code == 404
    assert manager_a_client.get(url, {"team": "x"}).status_code == 404
    assert manager_a_client.get(url, {"team": record.team_a.pk}).status_code == 200


@pytest.mark.parametrize("report", ["matrix", "overdue", "trends"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_other_teams_export_is_404(record, manager_a_client, report, fmt):
    response = manager_a_client.get(
        EXPORT, {"report": report, "format": fmt, "team": record.team_b.pk}
    )
    assert response.status_code == 404


def test_unknown_page_filter_is_404(record, manager_a_client):
    assert manager_a_client.get(REPORT_URLS[0], {"page": 999999}).status_code == 404
    assert manager_a_client.get(REPORT_URLS[0], {"page": record.m2.pk}).status_code == 200


def test_bad_filter_input_shows_a_message(record, manager_a_client):
    response = manager_a_client.get(REPORT_URLS[0], {"status": "nonsense", "from": "gestern"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Einige Filter konnten nicht verwendet werden" in html
    assert "Anna Muster" in html


@pytest.mark.parametrize("report", ["matrix", "overdue", "trends"])
def test_csv_export_contains_own_team_only(record, manager_a_client, report):
    response = manager_a_client.get(EXPORT, {"report": report, "format": "csv"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    text = repr(rows)
    assert "Dora" not in text and "Team B" not in text
    if report == "matrix":
        assert rows[0] == ["Person", "Team", "M1 Haltung", "M2 Sprache"]
        assert rows[2][0] == "Bert Muster"
        assert rows[2][2].startswith("Überfällig · fällig 20.11.2026")
        # Completed items keep their due date beside the completion.
        assert rows[1][:3] == [
            "Anna Muster",
            "Team A",
            "Abgeschlossen · abgeschlossen 15.11.2026 (fällig 20.11.2026)",
        ]
    if report == "overdue":
        assert [r[0] for r in rows[1:]] == ["Bert Muster", "Carl Muster"]


def test_export_applies_filters_like_the_page(record, manager_a_client):
    response = manager_a_client.get(
        EXPORT, {"report": "matrix", "format": "xlsx", "status": "overdue"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Person", "Team", "M1 Haltung"]
    assert [v[0] for v in values[1:]] == ["Bert Muster", "Carl Muster"]


def _refused(response):
    # Wagtail answers a missing permission inside the admin with a redirect to the
    # dashboard and a message.
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == "/admin/"
    )


def test_clerk_gets_403_everywhere(record, clerk_client):
    for url in [*REPORT_URLS, "/admin/berichte/", "/admin/berichte/protokoll/", EXPORT]:
        assert clerk_client.get(url).status_code == 403


def test_trainer_gets_no_team_reports(record, trainer_client):
    for url in [*REPORT_URLS, "/admin/berichte/protokoll/"]:
        assert _refused(trainer_client.get(url)), url
    assert _refused(trainer_client.get(EXPORT, {"report": "matrix", "format": "csv"}))


def test_administrator_sees_all_teams(record, administrator_client):
    html = administrator_client.get(REPORT_URLS[0]).content.decode()
    assert "Dora Muster" in html and "Anna Muster" in html
    response = administrator_client.get(REPORT_URLS[0], {"team": record.team_b.pk})
    assert response.status_code == 200
    assert "Anna Muster" not in response.content.decode()
    rows = _csv(administrator_client.get(EXPORT, {"report": "matrix", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == ["Anna Muster", "Bert Muster", "Carl Muster", "Dora Muster"]


def test_audit_log_is_for_administrators_only(record, manager_a_client, administrator_client):
    assert _refused(manager_a_client.get("/admin/berichte/protokoll/"))
    assert administrator_client.get("/admin/berichte/protokoll/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/",
        "/admin/pages/2/",
        "/admin/pages/2/edit/",
        "/admin/pages/search/?q=Haltung",
        "/admin/pages/add/courses/lessonpage/2/",
        "/admin/snippets/",
        "/admin/snippets/courses/term/",
        "/admin/snippets/training/team/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/groups/",
    ],
)
def test_manager_admin_is_reports_only(record, manager_a_client, url):
    response = manager_a_client.get(url)
    # Wagtail answers a missing permission with a redirect to the dashboard (and a
    # message) or 403; either way nothing of the page is shown.
    assert response.status_code in (302, 403, 404), url
    if response.status_code == 302:
        assert response.url in ("/admin/",), response.url


def test_manager_menu_shows_reports_only(record, manager_a_client):
    html = manager_a_client.get("/admin/").content.decode()
    menu = set(re.findall(r'"url": "(/admin/[^"]*)"', html))
    assert menu == {
        "/admin/berichte/matrix/",
        "/admin/berichte/ueberfaellig/",
        "/admin/berichte/verlauf/",
        "/admin/account/",
    }


def test_export_status_and_download_are_the_owners(record, manager_b_client):
    from exports.models import ReportExport
    from exports.report_exports import report_export_run

    export = ReportExport.objects.create(
        owner=record.manager_a,
        parameters={"report": "matrix", "format": "csv"},
        filename="bericht.csv",
    )
    report_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "done"
    own = _signed_in(record.manager_a)
    response = own.get(f"/admin/berichte/export/{export.pk}/datei/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Anna Muster" in content and "Dora" not in content
    for suffix in ("", "status.json", "datei/"):
        assert (
            manager_b_client.get(f"/admin/berichte/export/{export.pk}/{suffix}").status_code == 404
        )


def test_matrix_cells_read_as_the_labels(record, manager_a_client):
    """Each cell of the page shows the status and the dates of the selectors' cell."""
    from django.utils import translation

    from training.reports.access import report_teams
    from training.reports.labels import cell_dates, status_label
    from training.reports.selectors import ReportFilters, completion_matrix

    html = manager_a_client.get("/admin/berichte/matrix/").content.decode()
    with translation.override("de"):
        matrix = completion_matrix(teams=report_teams(record.manager_a), filters=ReportFilters())
        for row in matrix.rows:
            body = html.split(f'data-user="{row.user_id}">', 1)[1].split("</tr>", 1)[0]
            shown = re.findall(r"<td>(.*?)</td>", body, flags=re.S)[1:]  # after the team
            expected = []
            for column in matrix.columns:
                cell = row.cells.get(column.page_id)
                expected.append(
                    f'<span class="status-{cell.status}">{status_label(cell.status)}</span> '
                    f'<span class="cell-dates">{cell_dates(cell)}</span>'
                    if cell
                    else '<span aria-label="nicht zugewiesen">–</span>'
                )
            assert shown == expected


def _links(html):
    return set(re.findall(r'href="(/admin/berichte/[^"?]*)"', html))


def test_reports_start_page_lists_what_each_role_may_open(
    record, manager_a_client, trainer_client, administrator_client
):
    team_reports = {
        "/admin/berichte/matrix/",
        "/admin/berichte/ueberfaellig/",
        "/admin/berichte/verlauf/",
    }
    start = "/admin/berichte/"
    manager = _links(manager_a_client.get(start).content.decode())
    assert team_reports <= manager
    assert not manager & {"/admin/berichte/inhalte/", "/admin/berichte/protokoll/"}
    trainer = trainer_client.get(start)
    assert trainer.status_code == 200 and "no-store" in trainer["Cache-Control"]
    trainer_links = _links(trainer.content.decode())
    assert "/admin/berichte/inhalte/" in trainer_links and not trainer_links & team_reports
    admin = _links(administrator_client.get(start).content.decode())
    assert team_reports | {"/admin/berichte/inhalte/", "/admin/berichte/protokoll/"} <= admin


@pytest.mark.parametrize("url", ["/admin/berichte/inhalte/", "/admin/berichte/protokoll/"])
def test_content_report_and_audit_log_are_not_stored(record, administrator_client, url):
    response = administrator_client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "filters", [{"page": "999999"}, {"page": "x"}, {"from": "gestern"}, {"status": "x"}]
)
def test_export_with_a_bad_filter_is_404(record, manager_a_client, filters):
    # The page shows everything with a message for bad input; its export links carry
    # only the filters it used, so a bad filter here was typed by hand.
    response = manager_a_client.get(EXPORT, {"report": "matrix", "format": "csv", **filters})
    assert response.status_code == 404


def test_other_manager_and_administrator_exports(record, manager_b_client, administrator_client):
    overdue_b = _csv(manager_b_client.get(EXPORT, {"report": "overdue", "format": "csv"}))
    assert overdue_b[1:] == []  # Dora finished late: nothing overdue in team B
    matrix_b = _csv(manager_b_client.get(EXPORT, {"report": "matrix", "format": "csv"}))
    assert [r[0] for r in matrix_b[1:]] == ["Dora Muster"]
    trends_b = _csv(manager_b_client.get(EXPORT, {"report": "trends", "format": "csv"}))
    assert {r[3] for r in trends_b[1:]} == {"1"}  # one person in the team, every week
    overdue_all = _csv(administrator_client.get(EXPORT, {"report": "overdue", "format": "csv"}))
    assert [r[0] for r in overdue_all[1:]] == ["Bert Muster", "Carl Muster"]
    trends_all = _csv(administrator_client.get(EXPORT, {"report": "trends", "format": "csv"}))
    assert {r[3] for r in trends_all[1:]} == {"4"}


def test_overdue_export_dates_are_dates_and_texts_cannot_become_formulas(record, manager_a_client):
    import datetime as dt

    from exports.report_exports import ReportTable, table_csv

    xlsx = manager_a_client.get(EXPORT, {"report": "overdue", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["D2"].is_date and sheet["D2"].value.date() == dt.date(2026, 11, 20)
    rows = _csv(manager_a_client.get(EXPORT, {"report": "overdue", "format": "csv"}))
    assert rows[1][3] == "20.11.2026"
    table = ReportTable(["Person"], [["\t=1+1"], ["\r@A1"], ["–"], ["Anna"]], "x.csv")
    text = table_csv(table).decode("utf-8-sig")
    assert [r[0] for r in csv.reader(io.StringIO(text), delimiter=";")][1:] == [
        "'\t=1+1",
        "'\r@A1",
        "–",
        "Anna",
    ]
