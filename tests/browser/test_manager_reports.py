"""A manager filters the completion matrix, downloads it as XLSX and reads the charts."""

import io
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
