"""A manager filters the completion matrix, downloads it as XLSX and reads the charts."""

import io
import re
from pathlib import Path

import openpyxl
from playwright.sync_api import expect

from tests.browser.conftest import browser_db
from tests.training.reports.conftest import record_build

pytestmark = browser_db


def test_manager_filters_exports_and_reads_the_charts(page, live_site, sign_in):
    record = record_build(live_site)
    sign_in(page, record.manager_a.username)

    page.goto("/admin/berichte/matrix/")
    matrix = page.locator("#completion-matrix")
    expect(matrix.locator("tbody tr")).to_have_count(3)
    expect(matrix).to_contain_text("Anna Muster")
    expect(matrix).not_to_contain_text("Dora Muster")

    page.get_by_label("Status").select_option(label="Überfällig")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(matrix.locator("tbody tr")).to_have_count(2)
    expect(matrix).not_to_contain_text("Anna Muster")
    expect(page.locator("#matrix-summary")).to_contain_text("2 Personen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als XLSX exportieren").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Person", "Team", "M1 Haltung")
    assert [r[0] for r in rows[1:]] == ["Bert Muster", "Carl Muster"]
    assert all(r[2].startswith("Überfällig · fällig 20.11.2026") for r in rows[1:])

    page.goto("/admin/berichte/verlauf/")
    expect(page.locator("svg#chart-completions")).to_be_visible()
    expect(page.locator("svg#chart-compliance")).to_be_visible()
    bars = page.locator("svg#chart-completions rect.chart-bar")
    expect(bars).to_have_count(12)
    table = page.locator("#compliance-table")
    expect(table.locator("tbody tr")).to_have_count(12)
    # The table beside the chart carries the same numbers, for screen readers.
    values = [int(v) for v in bars.evaluate_all("els => els.map(e => e.dataset.value)")]
    cells = page.locator("#completions-table tbody td").all_inner_texts()
    assert values == [int(c) for c in cells]
    expect(table).to_contain_text("/ 3")


def test_large_export_runs_in_the_background_and_is_downloaded(
    page, live_site, sign_in, monkeypatch
):
    """Above the size built in the request, the export goes to the task worker: the
    manager lands on its status page and downloads the file from there."""
    monkeypatch.setattr("exports.report_exports.IMMEDIATE_MAX_PEOPLE", 1)
    record = record_build(live_site)
    sign_in(page, record.manager_a.username)

    page.goto("/admin/berichte/ueberfaellig/")
    page.get_by_role("link", name="Als XLSX exportieren").click()
    expect(page).to_have_url(re.compile(r"/admin/berichte/export/\d+/$"))
    expect(page.locator("#report-export-state")).to_have_text("Fertig")
    expect(page.locator("#report-export-progress")).to_have_attribute("value", "100")
    expect(page.get_by_text("Verfügbar bis")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export herunterladen").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Person", "Team", "Kurs oder Modul", "Fällig", "Tage überfällig")
    assert [r[0] for r in rows[1:]] == ["Bert Muster", "Carl Muster"]
    assert rows[1][5].startswith("1 Tag nach Fälligkeit (21.11.2026)")


def test_manager_chooses_the_weeks_of_the_trends(page, live_site, sign_in):
    record = record_build(live_site)
    sign_in(page, record.manager_a.username)
    page.goto("/admin/berichte/verlauf/")
    expect(page.get_by_label("Status")).to_have_count(0)  # everything assigned counts
    page.get_by_label("Von").fill("2026-11-09")
    page.get_by_label("Bis").fill("2026-11-22")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator("#completions-table tbody tr")).to_have_count(2)
    expect(page.locator("svg#chart-completions rect.chart-bar")).to_have_count(2)
    expect(page.locator("#completions-table")).to_contain_text("2026-W46")
    expect(page.locator("#compliance-table")).to_contain_text("1 / 3")
