"""The XLSX writer of the report exports, read back with openpyxl."""

import io
import zipfile

import openpyxl
import pytest

from exports.xlsx import column_letters, write_xlsx


def _written(headers, rows, **kwargs):
    out = io.BytesIO()
    write_xlsx(
        out, sheet_name=kwargs.pop("sheet_name", "Bericht"), headers=headers, rows=rows, **kwargs
    )
    out.seek(0)
    return out


def test_texts_numbers_and_empty_cells_read_back():
    rows = [
        ["Anna Müller", "Team A", "erledigt am 15.11.2026", 3, 2.5, None],
        ['Bert <&> "Yılmaz"', "", "überfällig seit 11 Tagen", 0, -1.25, True],
    ]
    book = openpyxl.load_workbook(_written(["Person", "Team", "M1", "n", "x", "b"], rows))
    sheet = book.active
    assert sheet.title == "Bericht"
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values == [
        ["Person", "Team", "M1", "n", "x", "b"],
        ["Anna Müller", "Team A", "erledigt am 15.11.2026", 3, 2.5, None],
        ['Bert <&> "Yılmaz"', None, "überfällig seit 11 Tagen", 0, -1.25, True],
    ]


def test_formula_like_text_stays_text_and_illegal_characters_are_dropped():
    rows = [['=HYPERLINK("http://evil")', "+49 30 1234", "-", "@SUM(A1)", "a\x00b\x1fc", "  x  "]]
    sheet = openpyxl.load_workbook(_written(list("ABCDEF"), rows)).active
    cells = next(iter(sheet.iter_rows(min_row=2)))
    assert [c.value for c in cells] == [
        '=HYPERLINK("http://evil")',
        "+49 30 1234",
        "-",
        "@SUM(A1)",
        "abc",
        "  x  ",
    ]
    assert all(c.data_type == "s" for c in cells)  # no formula among them


def test_header_is_bold_and_frozen_and_the_package_is_sound():
    out = _written(["Person", "Team"], [["A", "B"]], sheet_name="Bericht: [alle]?")
    with zipfile.ZipFile(out) as package:
        assert package.testzip() is None
        assert "xl/worksheets/sheet1.xml" in package.namelist()
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet.title == "Bericht   alle"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_many_rows_and_columns_with_progress():
    seen = []
    rows = [[f"P{r}", *(f"c{r}-{c}" for c in range(40))] for r in range(1000)]
    out = _written(
        ["Person", *(f"M{c}" for c in range(40))], rows, row_count=1000, progress=seen.append
    )
    sheet = openpyxl.load_workbook(out, read_only=True).active
    read = list(sheet.iter_rows(values_only=True))
    assert len(read) == 1001 and read[1000][0] == "P999" and read[1000][40] == "c999-39"
    assert seen == sorted(seen) and seen[-1] >= 95 and len(seen) <= 20


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letters(index, letters):
    assert column_letters(index) == letters


def test_columns_are_as_wide_as_their_texts():
    """A spreadsheet program shows whole names and statuses, not cut-off ones: each column
    fits its longest text (header or rows), within limits; rows past the sample still
    arrive, in order."""
    rows = [
        [
            "Zeynep Yılmaz-Schmidt",
            3,
            "Abgeschlossen · abgeschlossen 15.11.2026 (fällig 20.11.2026)",
        ],
        ["A", 12, "x" * 200],
        *([["B", 1, ""]] * 300),
        ["Last row", 2, "y"],
    ]
    out = _written(["Person", "n", "M1"], rows)
    sheet = openpyxl.load_workbook(out).active
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["A"] == len("Zeynep Yılmaz-Schmidt") + 2
    assert widths["B"] == 6  # the narrowest column still shows its header
    assert widths["C"] == 60  # the longest text is capped
    assert sheet.max_row == len(rows) + 1 and sheet.cell(len(rows) + 1, 1).value == "Last row"


def test_dates_are_date_cells():
    import datetime as dt

    rows = [["Anna", dt.date(2026, 11, 20)], ["Bert", dt.date(1999, 12, 31)]]
    sheet = openpyxl.load_workbook(_written(["Person", "Fällig"], rows)).active
    cells = [sheet["B2"], sheet["B3"]]
    assert [c.value.date() for c in cells] == [dt.date(2026, 11, 20), dt.date(1999, 12, 31)]
    assert all(c.is_date and c.number_format == "mm-dd-yy" for c in cells)  # format 14
