"""Exchange of the termbase with spreadsheets (CSV and XLSX).

The format is described in ``docs/termbase-format.md``. ``termbase_export`` writes it,
``termbase_import`` reads it back: the admin, the ``seed_demo`` command and tests all use
these two functions, so a file behaves the same wherever it is loaded.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from wagtail.log_actions import log

from courses.languages import Language
from courses.models import Article, Level, Term, TermTranslation, Topic

# Copied one to one between a row and a Term; topic and retired need converting.
TERM_FIELDS = (
    "term",
    "article",
    "plural",
    "explanation",
    "example",
    "legal_reference",
    "level",
    "spoken_text",
)
BASE_COLUMNS = (
    "key",
    "term",
    "article",
    "plural",
    "explanation",
    "example",
    "legal_reference",
    "topic",
    "level",
    "spoken_text",
    "retired",
)
REQUIRED_COLUMNS = ("key", "term", "explanation", "topic")
FORMATS = ("csv", "xlsx")

_TRUE = {"1", "true", "ja", "yes", "x"}
_FALSE = {"", "0", "false", "nein", "no"}
_LANGUAGE_COLUMN = re.compile(r"^(text|example)_(.+)$")
# More errors than this are not listed one by one: nobody reads them, and a wrong file
# (say, another spreadsheet entirely) would otherwise produce thousands of lines.
MAX_LISTED_ERRORS = 200
# An .xlsx is a zip archive; refuse archives that unpack to far more than the upload limit.
_MAX_UNPACKED_FACTOR = 20


def export_columns() -> list[str]:
    """The header row an export writes: base columns, then text and example per language."""
    columns = list(BASE_COLUMNS)
    for code in Language.values:
        columns += [f"text_{code}", f"example_{code}"]
    return columns


@dataclass(frozen=True)
class RowError:
    """One problem in an import file. ``row`` is as a spreadsheet shows it (header = 1);
    ``None`` when the problem concerns the file as a whole."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did, or why it did nothing (then ``errors`` is not empty)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Export ------------------------------------------------------------------------------


def termbase_export(*, fmt: str, terms: QuerySet[Term] | None = None) -> bytes:
    """The terms (default: all, retired ones included) as a CSV or XLSX file, ordered by key.

    ``fmt`` is ``"csv"`` (UTF-8 with byte-order mark, so that Excel shows umlauts and
    Cyrillic correctly) or ``"xlsx"``. The result can be imported again unchanged.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown termbase export format {fmt!r}; use one of {FORMATS}.")
    if terms is None:
        terms = Term.objects.all()
    terms = terms.select_related("topic").prefetch_related("translations").order_by("key")
    columns = export_columns()
    rows = [_export_row(term) for term in terms]
    if fmt == "csv":
        return _write_csv(columns, rows)
    return _write_xlsx(columns, rows)


def _export_row(term: Term) -> list[str]:
    row = [
        term.key,
        term.term,
        term.article,
        term.plural,
        term.explanation,
        term.example,
        term.legal_reference,
        term.topic.slug if term.topic else "",
        term.level,
        term.spoken_text,
        "1" if term.retired else "0",
    ]
    translations = term.translations_by_language
    for code in Language.values:
        translation = translations.get(code)
        row += [translation.text, translation.example] if translation else ["", ""]
    return row


def _write_csv(columns: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(columns: list[str], rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Termbank"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    # openpyxl turns any text starting with "=" into a formula: keep every cell plain text,
    # both for the round trip and so that a term can never execute in someone's Excel.
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Import ------------------------------------------------------------------------------


class _FileRejected(Exception):
    """The file cannot be read at all; carries the one error to report."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.error = RowError(row=row, column="", message=message)


@dataclass
class _Plan:
    """What importing one valid row will do."""

    row: int
    term: Term
    is_new: bool
    changed: bool
    create: list[TermTranslation] = field(default_factory=list)
    update: list[TermTranslation] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)


def termbase_import(*, data: bytes, filename: str) -> ImportReport:
    """Create and update terms from a CSV or XLSX file in the exchange format.

    All or nothing: every row is validated first, and if any row has an error nothing is
    written and ``report.errors`` names each problem. Rows identical to the database are
    counted as unchanged and not saved. Terms missing from the file are left alone.
    """
    report = ImportReport()
    try:
        table = _read_table(data=data, filename=filename)
    except _FileRejected as rejected:
        report.errors.append(rejected.error)
        return report
    (header_row, header), rows = table[0], table[1:]
    columns, errors = _check_header(header, row=header_row)
    if errors:
        report.errors = errors
        return report
    if not rows:
        report.errors.append(RowError(None, "", _("The file contains no terms below the header.")))
        return report

    plans, errors = _validate_rows(columns=columns, rows=rows)
    if errors:
        report.errors = _capped(errors)
        return report
    try:
        _apply(plans)
    except IntegrityError:
        # Validation saw a consistent file; only a change made at the same moment, or two
        # terms swapping their spellings (briefly equal while saving), can still collide
        # with a database constraint.
        report.errors.append(
            RowError(
                None,
                "",
                _(
                    "The terms could not be saved: two terms would have had the same "
                    "spelling or key for a moment (for example when two terms swap their "
                    "spellings), or the termbase was changed at the same time. Nothing was "
                    "imported. Change such spellings in two imports, or try again."
                ),
            )
        )
        return report
    for plan in plans:
        if plan.is_new:
            report.created += 1
        elif plan.changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _capped(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_LISTED_ERRORS:
        return errors
    more = len(errors) - MAX_LISTED_ERRORS
    summary = RowError(None, "", _("%(count)s further errors are not listed.") % {"count": more})
    return [*errors[:MAX_LISTED_ERRORS], summary]


def _read_table(*, data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """The non-empty rows of the file as (spreadsheet row number, cells)."""
    if len(data) > settings.TERMBASE_IMPORT_MAX_BYTES:
        raise _FileRejected(file_too_large_message(len(data)))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    looks_like_zip = data[:4] == b"PK\x03\x04"
    if extension == "xlsx":
        if not looks_like_zip or not zipfile.is_zipfile(io.BytesIO(data)):
            raise _FileRejected(
                _("The file ends in .xlsx but is not an Excel workbook. Save it again as .xlsx.")
            )
        rows = _read_xlsx(data)
    elif extension == "csv":
        if looks_like_zip:
            raise _FileRejected(
                _(
                    "The file ends in .csv but is an Excel workbook. Rename it to .xlsx or "
                    "save it as “CSV UTF-8”."
                )
            )
        rows = _read_csv(data)
    else:
        raise _FileRejected(_("Only .csv and .xlsx files can be imported."))
    if not rows:
        raise _FileRejected(_("The file is empty."))
    return rows


def file_too_large_message(size: int) -> str:
    """What to tell someone whose file of ``size`` bytes is over the import limit."""
    return _("The file is too large (%(size)s). The limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.TERMBASE_IMPORT_MAX_BYTES),
    }


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileRejected(
            _(
                "The file is not UTF-8 encoded. In Excel, save it as “CSV UTF-8 "
                "(comma delimited)”. Nothing was imported."
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    # German Excel writes "CSV UTF-8" with semicolons; accept both separators.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            values = [_clean(cell) for cell in cells]
            if any(values):
                rows.append((number, values))
    except csv.Error as error:
        raise _FileRejected(
            _("The CSV file is malformed near this row (%(reason)s).") % {"reason": error},
            row=number + 1,
        ) from None
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _FileRejected(_("The Excel workbook is damaged and cannot be read.")) from None
    if unpacked > settings.TERMBASE_IMPORT_MAX_BYTES * _MAX_UNPACKED_FACTOR:
        raise _FileRejected(_("The Excel workbook unpacks to too much data to be imported."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many types (KeyError, ValueError, InvalidFileException, …) for
        # archives that are zips but not workbooks; all mean the same to the person.
        raise _FileRejected(_("The Excel workbook is damaged and cannot be read.")) from None
    try:
        if not workbook.worksheets:
            raise _FileRejected(_("The Excel workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        # Trust the cells, not the size a program wrote into the file's metadata.
        sheet.reset_dimensions()
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [_clean(_cell_text(cell)) for cell in cells]
            if any(values):
                rows.append((number, values))
    finally:
        workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _clean(value: str) -> str:
    # Spreadsheets disagree about line ends inside a cell; store and compare "\n" only.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _same(stored, imported) -> bool:
    """Whether a stored value equals an imported one, ignoring the kind of line ends."""
    if isinstance(stored, str):
        return _clean(stored) == imported
    return stored == imported


def _check_header(header: list[str], *, row: int) -> tuple[list[str], list[RowError]]:
    columns = [cell.lower() for cell in header]
    errors = []
    seen = set()
    languages = set(Language.values)
    for column in columns:
        if not column:
            # Spreadsheets often carry empty columns beyond the last one; only a value
            # under an empty header is a problem (checked row by row).
            continue
        if column in seen:
            errors.append(RowError(row, column, _("This column appears twice.")))
        seen.add(column)
        if column in BASE_COLUMNS:
            continue
        match = _LANGUAGE_COLUMN.match(column)
        if match is None:
            errors.append(
                RowError(
                    row, column, _("Unknown column. See the termbase format for valid columns.")
                )
            )
        elif match.group(2) not in languages:
            errors.append(
                RowError(
                    row,
                    column,
                    _("Unknown language code “%(code)s”. Known codes: %(codes)s.")
                    % {"code": match.group(2), "codes": ", ".join(Language.values)},
                )
            )
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            errors.append(RowError(row, column, _("This required column is missing.")))
    return columns, errors


def _validate_rows(
    *, columns: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[list[_Plan], list[RowError]]:
    errors: list[RowError] = []
    records = []
    for number, cells in rows:
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            errors.append(RowError(number, "", _("This row has more cells than the header.")))
            continue
        cells = cells + [""] * (len(columns) - len(cells))
        if any(value for column, value in zip(columns, cells, strict=False) if not column):
            errors.append(
                RowError(number, "", _("This row has a value in a column without a name."))
            )
            continue
        records.append(
            (
                number,
                {column: value for column, value in zip(columns, cells, strict=False) if column},
            )
        )

    topics = {topic.slug: topic for topic in Topic.objects.all()}
    keys = [record["key"] for _number, record in records if record["key"]]
    existing = {
        term.key: term
        for term in Term.objects.filter(key__in=keys).prefetch_related("translations")
    }
    # Spelling must stay unique (case-insensitively) after the import: compare the file
    # with the terms it does not rewrite. casefold() also folds umlauts and Cyrillic,
    # which SQLite's lower() would not.
    rewritten = set(keys)
    spelling_owner = {
        term.casefold(): key
        for key, term in Term.objects.values_list("key", "term")
        if key not in rewritten
    }
    file_keys: dict[str, int] = {}
    file_terms: dict[str, int] = {}
    plans = []
    for number, record in records:
        row_errors = _check_row(number, record, file_keys, file_terms, spelling_owner)
        plan = None
        if not row_errors:
            plan, row_errors = _plan_row(number, record, existing.get(record["key"]), topics)
        errors += row_errors
        if plan is not None:
            plans.append(plan)
    return plans, errors


def _check_row(number, record, file_keys, file_terms, spelling_owner) -> list[RowError]:
    """Required fields and uniqueness of key and spelling, within the file and beyond."""
    errors = []
    for column in REQUIRED_COLUMNS:
        if not record[column]:
            errors.append(RowError(number, column, _("This field is required but empty.")))
    key, term = record["key"], record["term"]
    if key:
        if key in file_keys:
            errors.append(
                RowError(
                    number,
                    "key",
                    _("The key “%(key)s” already appears in row %(row)s.")
                    % {"key": key, "row": file_keys[key]},
                )
            )
        else:
            file_keys[key] = number
    if term:
        folded = term.casefold()
        if folded in file_terms:
            errors.append(
                RowError(
                    number,
                    "term",
                    _("The term “%(term)s” already appears in row %(row)s.")
                    % {"term": term, "row": file_terms[folded]},
                )
            )
        else:
            file_terms[folded] = number
            owner = spelling_owner.get(folded)
            if owner is not None and owner != key:
                errors.append(
                    RowError(
                        number,
                        "term",
                        _("The term “%(term)s” already exists with the key “%(key)s”.")
                        % {"term": term, "key": owner},
                    )
                )
    return errors


def _plan_row(number, record, existing: Term | None, topics) -> tuple[_Plan | None, list]:
    errors = []

    def error(column, message):
        errors.append(RowError(number, column, message))

    values = {name: record[name] for name in TERM_FIELDS if name in record}
    if "article" in values:
        values["article"] = values["article"].lower()
        if values["article"] not in Article.values:
            error("article", _("The article must be der, die, das or empty."))
    if "level" in values:
        values["level"] = values["level"].lower() or Level.BASIC
        if values["level"] not in Level.values:
            error(
                "level",
                _("The level must be one of: %(levels)s.") % {"levels": ", ".join(Level.values)},
            )
    if "retired" in record:
        flag = record["retired"].lower()
        if flag in _TRUE:
            values["retired"] = True
        elif flag in _FALSE:
            values["retired"] = False
        else:
            error("retired", _("Retired must be 1 (yes) or 0 / empty (no)."))
    topic = topics.get(record["topic"])
    if topic is None:
        error("topic", _("There is no topic with the key “%(key)s”.") % {"key": record["topic"]})
    if errors:
        return None, errors

    term = existing if existing is not None else Term(key=record["key"])
    changed = existing is None
    # Compared by id: reading term.topic would cost a query per row.
    if term.topic_id != topic.pk:
        term.topic = topic
        changed = True
    for name, value in values.items():
        if not _same(getattr(term, name), value):
            setattr(term, name, value)
            changed = True
    try:
        term.full_clean(exclude=["topic"], validate_unique=False, validate_constraints=False)
    except ValidationError as invalid:
        for name, messages in invalid.message_dict.items():
            for message in messages:
                error(name if name in record else "", message)
    plan = _Plan(row=number, term=term, is_new=existing is None, changed=changed)
    _plan_translations(plan, record, existing, error)
    return (None if errors else plan), errors


def _plan_translations(plan: _Plan, record, existing: Term | None, error) -> None:
    current = existing.translations_by_language if existing is not None else {}
    for code in Language.values:
        text_column, example_column = f"text_{code}", f"example_{code}"
        if text_column not in record and example_column not in record:
            # A language the file does not mention stays as it is.
            continue
        translation = current.get(code)
        text = record.get(text_column, translation.text if translation else "")
        example = record.get(example_column, translation.example if translation else "")
        if not text:
            if record.get(example_column):
                error(example_column, _("An example needs a translation in the same language."))
            elif translation is not None:
                plan.delete.append(translation.pk)
                plan.changed = True
            continue
        if translation is None:
            translation = TermTranslation(language=code, text=text, example=example)
            plan.create.append(translation)
            plan.changed = True
        elif not (_same(translation.text, text) and _same(translation.example, example)):
            translation.text, translation.example = text, example
            plan.update.append(translation)
            plan.changed = True
        try:
            translation.full_clean(
                exclude=["term"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                column = example_column if name == "example" else text_column
                for message in messages:
                    error(column, message)


@transaction.atomic
def _apply(plans: list[_Plan]) -> None:
    creates, updates, deletes = [], [], []
    for plan in plans:
        if not plan.changed:
            continue
        # Saved even when only a translation changed: updated_at is what flashcard
        # exports use to tell Anki that a note has changed.
        plan.term.save()
        # Shown in the term's history in the admin; there, Wagtail's log context supplies
        # the person who uploaded the file.
        log(plan.term, "wagtail.create" if plan.is_new else "wagtail.edit")
        for translation in plan.create:
            translation.term = plan.term
        creates += plan.create
        updates += plan.update
        deletes += plan.delete
    if deletes:
        TermTranslation.objects.filter(pk__in=deletes).delete()
    if updates:
        TermTranslation.objects.bulk_update(updates, ["text", "example"])
    if creates:
        TermTranslation.objects.bulk_create(creates)
