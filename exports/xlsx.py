"""A small XLSX writer for the report exports: one sheet of texts and numbers.

openpyxl's write-only mode spent about 4 s on the 200,000 cells of a full matrix export
(a cell object and several XML element calls per cell), more than a third of the export's
time budget (docs/benchmarks.md). This writes the same SpreadsheetML (ECMA-376) directly,
row by row into the zip, so memory stays small whatever the number of rows:

* texts are inline strings (``t="inlineStr"``), never formulas, so a name starting with
  "=" stays a name; characters XML cannot carry (control characters) are dropped;
* integers and floats are numbers; dates (``datetime.date``) are date cells, shown in
  the reader's short date format (built-in format 14), so they sort as dates; None is an
  empty cell;
* the header row is bold and stays in view while scrolling;
* each column is as wide as its longest text among the header and the first rows
  (``_WIDTH_SAMPLE``), within ``_WIDTH_MIN``–``_WIDTH_MAX`` characters, so that a
  spreadsheet program shows whole names and dates instead of cut-off ones.

The tests read every file back with openpyxl (tests/exports/test_xlsx.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, islice
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: normal; style 1: bold (the header row); style 2: a date (built-in format 14,
# which spreadsheet programs show in the reader's own short date format).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft"/></sheetView></sheetViews>'
)
_SHEET_END = "</sheetData></worksheet>"

# XML 1.0 cannot carry these (tab, line feed and carriage return it can).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
_ROW_BATCH = 200
_EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet serial dates (1900 date system)
_WIDTH_SAMPLE = 200
_WIDTH_MIN = 6
_WIDTH_MAX = 60


def column_widths(headers: Sequence, rows: Sequence[Sequence]) -> list[int]:
    """Width in characters of each column, for the header and ``rows``."""
    widths = [len(str(h)) for h in headers]
    for values in rows:
        for index, value in enumerate(values):
            length = 0 if value is None else len(str(value))
            if index >= len(widths):
                widths.append(length)
            elif length > widths[index]:
                widths[index] = length
    return [min(max(width + 2, _WIDTH_MIN), _WIDTH_MAX) for width in widths]


def _cols_xml(widths: list[int]) -> str:
    if not widths:
        return ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(widths, 1)
    )
    return f"<cols>{cols}</cols>"


def column_letters(index: int) -> str:
    """A, B, …, Z, AA, … for 0, 1, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """The inline-string XML of a text, after the cell reference."""
    value = _ILLEGAL.sub("", value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def write_xlsx(
    target,
    *,
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    row_count: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Writes one sheet (``headers``, then ``rows``) to ``target``, a path or a binary
    file. ``progress`` gets the share written so far (0–100), when ``row_count`` is
    given."""
    name = _SHEET_NAME_ILLEGAL.sub(" ", _ILLEGAL.sub("", sheet_name))[:31].strip() or "Sheet1"
    workbook = (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    letters: list[str] = []
    texts: dict[str, str] = {}  # the same texts (dates, statuses) recur thousands of times

    def row_xml(number: int, values: Sequence, style: str = "") -> str:
        while len(letters) < len(values):
            letters.append(column_letters(len(letters)))
        parts = [f'<row r="{number}">']
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f'<c r="{letters[index]}{number}"{style}'
            if isinstance(value, bool):
                parts.append(f'{ref} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
                parts.append(f"{ref}><v>{value!r}</v></c>")
            elif type(value) is dt.date:
                serial = (value - _EPOCH).days
                parts.append(f'<c r="{letters[index]}{number}" s="2"><v>{serial}</v></c>')
            else:
                value = str(value)
                text = texts.get(value)
                if text is None:
                    text = texts[value] = _text(value)
                parts.append(ref + text)
        parts.append("</row>")
        return "".join(parts)

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        rows = iter(rows)
        sample = list(islice(rows, _WIDTH_SAMPLE))  # widths come before the rows
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                (
                    _SHEET_START
                    + _cols_xml(column_widths(headers, sample))
                    + "<sheetData>"
                    + row_xml(1, headers, ' s="1"')
                ).encode()
            )
            batch = []
            last = 0
            for number, values in enumerate(chain(sample, rows), 2):
                batch.append(row_xml(number, values))
                if len(batch) == _ROW_BATCH:
                    sheet.write("".join(batch).encode())
                    batch = []
                    if progress and row_count:
                        share = (number - 1) * 100 // row_count
                        if share >= last + 5:
                            last = share
                            progress(share)
            sheet.write(("".join(batch) + _SHEET_END).encode())
