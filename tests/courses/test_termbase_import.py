"""Import and export of the termbase (courses.termbase)."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from courses.models import Term, TermTranslation
from courses.termbase import export_columns, termbase_export, termbase_import
from tests.factories import TermFactory, TopicFactory

pytestmark = pytest.mark.django_db

HEADER = ["key", "term", "article", "plural", "explanation", "topic", "text_en", "text_uk"]


def _csv(rows, header=HEADER, *, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _permit_row(**changes):
    row = {
        "key": "aufenthaltserlaubnis",
        "term": "Aufenthaltserlaubnis",
        "article": "die",
        "plural": "Aufenthaltserlaubnisse",
        "explanation": "Die Erlaubnis, für eine bestimmte Zeit in Deutschland zu leben.",
        "topic": "aufenthalt",
        "text_en": "residence permit",
        "text_uk": "дозвіл на проживання",
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def _snapshot():
    """Everything an import could touch, to prove a rejected file changed nothing."""
    terms = list(Term.objects.order_by("key").values())
    translations = list(
        TermTranslation.objects.order_by("term__key", "language").values(
            "term__key", "language", "text", "example"
        )
    )
    return terms, translations


@pytest.fixture
def topic():
    return TopicFactory(slug="aufenthalt", name="Aufenthalt")


# --- Files that are accepted ----------------------------------------------------------


def test_good_csv_creates_terms_with_translations(topic):
    report = termbase_import(
        data=_csv([_permit_row(), _permit_row(key="visum", term="Visum", plural="Visa")]),
        filename="termbank.csv",
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    permit = Term.objects.get(key="aufenthaltserlaubnis")
    assert permit.with_article == "die Aufenthaltserlaubnis"
    assert permit.topic == topic
    assert permit.translations_by_language["uk"].text == "дозвіл на проживання"
    assert permit.level == "basic"
    assert not permit.retired


def test_good_xlsx_creates_terms(topic):
    report = termbase_import(data=_xlsx([_permit_row()]), filename="Termbank.XLSX")
    assert report.ok, report.errors
    assert report.created == 1
    assert Term.objects.get().translations_by_language["en"].text == "residence permit"


def test_csv_with_byte_order_mark_as_excel_writes_it(topic):
    report = termbase_import(data=_csv([_permit_row()], bom=True), filename="t.csv")
    assert report.ok, report.errors
    assert Term.objects.get().key == "aufenthaltserlaubnis"


def test_semicolon_csv_from_german_excel(topic):
    report = termbase_import(data=_csv([_permit_row()], delimiter=";"), filename="t.csv")
    assert report.ok, report.errors
    assert Term.objects.get().plural == "Aufenthaltserlaubnisse"


def test_row_with_existing_key_updates_that_term(topic):
    TermFactory(key="aufenthaltserlaubnis", term="Aufenthaltserlaubnis", topic=topic)
    report = termbase_import(
        data=_csv([_permit_row(explanation="Neu erklärt.", text_en="permit", text_uk="")]),
        filename="t.csv",
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    term = Term.objects.get(key="aufenthaltserlaubnis")
    assert term.explanation == "Neu erklärt."
    languages = term.translations_by_language
    assert languages["en"].text == "permit"
    # An empty cell removes the translation; a language without a column stays.
    assert "uk" not in languages
    assert languages["ar"].text == "Aufenthaltserlaubnis (ar)"


def test_retired_flag_is_set_and_cleared(topic):
    header = [*HEADER, "retired"]
    termbase_import(data=_csv([[*_permit_row(), "ja"]], header=header), filename="t.csv")
    assert Term.objects.get().retired
    report = termbase_import(data=_csv([[*_permit_row(), "0"]], header=header), filename="t.csv")
    assert report.updated == 1
    assert not Term.objects.get().retired


def test_reimporting_the_same_file_changes_nothing(topic):
    data = _csv([_permit_row()])
    termbase_import(data=data, filename="t.csv")
    before = Term.objects.get().updated_at
    report = termbase_import(data=data, filename="t.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Term.objects.get().updated_at == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_leaves_everything_unchanged(fmt):
    TermFactory.create_batch(3)
    TermFactory(
        key="formel",
        term="=Gebühr",
        explanation="Zwei Zeilen\r\nmit Umbruch; und, Kommas",
        retired=True,
        level="expert",
        article="",
    )
    before = _snapshot()
    data = termbase_export(fmt=fmt)
    report = termbase_import(data=data, filename=f"export.{fmt}")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert _snapshot() == before


def test_export_is_ordered_by_key_and_has_the_documented_columns():
    TermFactory(key="b-term", term="Beta")
    TermFactory(key="a-term", term="Alpha", retired=True)
    rows = list(csv.reader(io.StringIO(termbase_export(fmt="csv").decode("utf-8-sig"))))
    assert rows[0] == export_columns()
    assert rows[0][:3] == ["key", "term", "article"]
    assert [row[0] for row in rows[1:]] == ["a-term", "b-term"]
    assert rows[1][rows[0].index("retired")] == "1"


def test_export_writes_no_formulas_into_xlsx():
    TermFactory(term="=HYPERLINK(1)")
    sheet = openpyxl.load_workbook(io.BytesIO(termbase_export(fmt="xlsx"))).active
    assert sheet.cell(row=2, column=2).value == "=HYPERLINK(1)"
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_new_rows_in_an_export_are_created_on_import(topic):
    TermFactory(key="alt", term="Alt", topic=topic)
    rows = list(csv.reader(io.StringIO(termbase_export(fmt="csv").decode("utf-8-sig"))))
    new = dict.fromkeys(rows[0], "")
    new.update(key="neu", term="Neu", explanation="Neu.", topic="aufenthalt", text_fa="جدید")
    data = _csv([*rows[1:], [new[column] for column in rows[0]]], header=rows[0])
    report = termbase_import(data=data, filename="t.csv")
    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)
    assert Term.objects.get(key="neu").translations_by_language["fa"].direction == "rtl"


# --- Files that are rejected: a clear report, and nothing changes ----------------------


def _rejected(data, filename="t.csv"):
    before = _snapshot()
    report = termbase_import(data=data, filename=filename)
    assert not report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert _snapshot() == before
    return report


def _only_error(report):
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


@pytest.fixture
def existing(topic):
    """A term already in the termbase, which a bad file must leave untouched."""
    return TermFactory(key="visum", term="Visum", topic=topic)


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"key": ""}, "key", "Pflichtfeld"),
        ({"explanation": "  "}, "explanation", "Pflichtfeld"),
        ({"topic": "gibt-es-nicht"}, "topic", "kein Thema mit dem Schlüssel „gibt-es-nicht“"),
        ({"article": "dem"}, "article", "der, die, das"),
        ({"term": "x" * 201}, "term", "höchstens 200 Zeichen"),
        ({"text_en": "y" * 301}, "text_en", "höchstens 300 Zeichen"),
        ({"key": "mit leerzeichen"}, "key", "Kürzel"),
        ({"term": "VISUM"}, "term", "„VISUM“ gibt es schon mit dem Schlüssel „visum“"),
    ],
)
def test_bad_value_is_reported_with_row_and_column(existing, changes, column, message):
    data = _csv([_permit_row(key="gut", term="Gut"), _permit_row(**changes)])
    error = _only_error(_rejected(data))
    assert (error.row, error.column) == (3, column)
    assert message in error.message


def test_invalid_level_and_retired_values(existing):
    header = [*HEADER, "level", "retired"]
    report = _rejected(_csv([[*_permit_row(), "profi", "vielleicht"]], header=header))
    assert [(e.row, e.column) for e in report.errors] == [(2, "level"), (2, "retired")]
    assert "basic, advanced, expert" in report.errors[0].message


def test_every_bad_row_is_listed_and_good_rows_are_not_written(existing):
    data = _csv(
        [
            _permit_row(key="eins", term="Eins"),
            _permit_row(key="zwei", term="Zwei", topic=""),
            _permit_row(key="drei", term="Drei"),
            _permit_row(key="vier", term="Vier", article="des"),
        ]
    )
    report = _rejected(data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "topic"), (5, "article")]
    assert not Term.objects.filter(key="eins").exists()


def test_duplicate_key_in_file(existing):
    data = _csv([_permit_row(), _permit_row(term="Anderer Begriff")])
    error = _only_error(_rejected(data))
    assert (error.row, error.column) == (3, "key")
    assert "Zeile 2" in error.message


def test_duplicate_term_in_file_ignores_case(existing):
    data = _csv([_permit_row(), _permit_row(key="zweiter", term="AUFENTHALTSERLAUBNIS")])
    error = _only_error(_rejected(data))
    assert (error.row, error.column) == (3, "term")


def test_duplicate_term_with_umlaut_ignores_case(existing):
    data = _csv([_permit_row(term="Änderung"), _permit_row(key="zweiter", term="änderung")])
    error = _only_error(_rejected(data))
    assert (error.row, error.column) == (3, "term")


def test_missing_required_column(existing):
    header = [column for column in HEADER if column != "explanation"]
    rows = [
        [
            value
            for column, value in zip(HEADER, _permit_row(), strict=True)
            if column != "explanation"
        ]
    ]
    error = _only_error(_rejected(_csv(rows, header=header)))
    assert (error.row, error.column) == (1, "explanation")
    assert "Pflichtspalte fehlt" in error.message


def test_unknown_column(existing):
    error = _only_error(_rejected(_csv([[*_permit_row(), "x"]], header=[*HEADER, "farbe"])))
    assert (error.row, error.column) == (1, "farbe")
    assert "Unbekannte Spalte" in error.message


@pytest.mark.parametrize("column", ["text_xx", "example_de"])
def test_unknown_language_code(existing, column):
    error = _only_error(_rejected(_csv([[*_permit_row(), "x"]], header=[*HEADER, column])))
    assert (error.row, error.column) == (1, column)
    assert "Unbekannter Sprachcode" in error.message
    assert "en, ar, uk, ru, tr, fa" in error.message


def test_example_without_translation(existing):
    header = [*HEADER, "example_ar"]
    error = _only_error(_rejected(_csv([[*_permit_row(), "مثال"]], header=header)))
    assert (error.row, error.column) == (2, "example_ar")


def test_term_kept_under_another_key_in_the_database(existing):
    error = _only_error(_rejected(_csv([_permit_row(key="visum-neu", term="visum")])))
    assert (error.row, error.column) == (2, "term")
    assert "visum" in error.message


def test_csv_not_in_utf8(existing):
    data = "key,term\nä,ö\n".encode("cp1252")
    error = _only_error(_rejected(data))
    assert error.row is None
    assert "nicht UTF-8" in error.message
    assert "CSV UTF-8" in error.message


def test_xlsx_that_is_not_a_workbook(existing):
    error = _only_error(_rejected(_csv([_permit_row()]), filename="termbank.xlsx"))
    assert "keine Excel-Arbeitsmappe" in error.message


def test_zip_that_is_not_a_workbook(existing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    error = _only_error(_rejected(buffer.getvalue(), filename="termbank.xlsx"))
    assert "beschädigt" in error.message


def test_workbook_named_csv(existing):
    error = _only_error(_rejected(_xlsx([_permit_row()]), filename="termbank.csv"))
    assert ".xlsx" in error.message


def test_other_file_type(existing):
    error = _only_error(_rejected(_csv([_permit_row()]), filename="termbank.txt"))
    assert ".csv" in error.message


def test_header_only_file(existing):
    error = _only_error(_rejected(_csv([])))
    assert "keine Begriffe" in error.message


@override_settings(TERMBASE_IMPORT_MAX_BYTES=5 * 1024 * 1024)
def test_file_over_the_size_limit_is_refused_before_parsing(existing):
    data = _csv([_permit_row()]) + b"#" * (50 * 1024 * 1024)
    error = _only_error(_rejected(data))
    message = error.message.replace("\xa0", " ")
    assert "Erlaubt sind höchstens 5,0 MB." in message
    assert "(50,0 MB)" in message


def test_empty_columns_and_rows_around_the_table_are_ignored(topic):
    data = _xlsx([[], [*_permit_row(), None, None]], header=[*HEADER, None, None])
    report = termbase_import(data=data, filename="t.xlsx")
    assert report.ok, report.errors
    assert report.created == 1


def test_value_under_a_column_without_name(existing):
    error = _only_error(_rejected(_csv([[*_permit_row(), "", "wert"]], header=[*HEADER, "", ""])))
    assert (error.row, error.column) == (2, "")
    assert "Spalte ohne Namen" in error.message


def test_row_with_more_cells_than_the_header(existing):
    error = _only_error(_rejected(_csv([[*_permit_row(), "zu viel"]])))
    assert (error.row, error.column) == (2, "")


def test_malformed_csv_quotes(existing):
    data = _csv([]) + b'visum,"Vis"um,,x,aufenthalt,,\n'
    error = _only_error(_rejected(data))
    assert error.row == 2
    assert "fehlerhaft" in error.message


def test_too_many_errors_are_summarised(existing):
    rows = [_permit_row(key=f"k{n}", term=f"T{n}", topic="") for n in range(250)]
    report = _rejected(_csv(rows))
    assert len(report.errors) == 201
    assert report.errors[-1].message == "50 weitere Fehler werden nicht aufgeführt."


def test_changed_translation_marks_the_term_updated(topic):
    termbase_import(data=_csv([_permit_row()]), filename="t.csv")
    term = Term.objects.get()
    report = termbase_import(
        data=_csv([_permit_row(text_en="permit of residence")]), filename="t.csv"
    )
    assert report.updated == 1
    term_after = Term.objects.get()
    assert term_after.updated_at > term.updated_at
    assert term_after.translations_by_language["en"].text == "permit of residence"


def test_swapping_two_spellings_is_refused_cleanly(topic):
    TermFactory(key="a", term="Alpha", topic=topic)
    TermFactory(key="b", term="Beta", topic=topic)
    data = _csv([_permit_row(key="a", term="Beta"), _permit_row(key="b", term="Alpha")])
    error = _only_error(_rejected(data))
    assert error.row is None
    assert "in zwei Importen" in error.message
