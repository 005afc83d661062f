"""The termbase in the Wagtail admin: listing, import and export views."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from courses.models import Term
from tests.factories import PASSWORD, TermFactory, TopicFactory, UserFactory
from training.roles import Role

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/courses/term/"
IMPORT_URL = "/admin/snippets/courses/term/import/"
EXPORT_URL = "/admin/snippets/courses/term/export/{}/"

HEADER = "key,term,article,explanation,topic,text_en,text_ar\n"


def _upload(content: str, name="termbank.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def topic():
    return TopicFactory(slug="aufenthalt", name="Aufenthalt")


def test_listing_shows_terms_with_article_topic_and_translation_count(trainer_client, topic):
    TermFactory(term="Fiktionsbescheinigung", article="die", topic=topic)
    html = trainer_client.get(LIST_URL).content.decode()
    assert "die Fiktionsbescheinigung" in html
    assert "Aufenthalt" in html
    assert "Übersetzungen" in html
    # Six translations, shown as a number in the listing row.
    assert re.search(r"<td[^>]*>\s*6\s*</td>", html)
    assert IMPORT_URL in html
    assert EXPORT_URL.format("csv") in html
    assert EXPORT_URL.format("xlsx") in html


def test_listing_search_finds_translations(trainer_client, topic):
    TermFactory(key="visum", term="Visum", topic=topic)
    TermFactory(key="pass", term="Reisepass", topic=topic)
    html = trainer_client.get(LIST_URL, {"q": "visum (uk)"}).content.decode()
    assert "der Visum" in html
    assert "Reisepass" not in html


def test_listing_filters_retired(trainer_client, topic):
    TermFactory(term="Aktiv", topic=topic)
    TermFactory(term="Ausgemustert", topic=topic, retired=True)
    html = trainer_client.get(LIST_URL, {"retired": "true"}).content.decode()
    assert "Ausgemustert" in html
    assert "der Aktiv" not in html


def test_trainer_imports_a_file_and_sees_the_counts(trainer_client, topic):
    TermFactory(key="visum", term="Visum", topic=topic)
    content = (
        HEADER + "aufenthaltstitel,Aufenthaltstitel,der,Erlaubnis zum Aufenthalt.,aufenthalt,"
        "residence title,سند الإقامة\n"
        + "visum,Visum,das,Erlaubnis zur Einreise.,aufenthalt,visa,تأشيرة\n"
    )
    response = trainer_client.post(IMPORT_URL, {"file": _upload(content)}, follow=True)
    html = response.content.decode()
    assert "Import abgeschlossen: 1 neu angelegt, 1 geändert, 0 unverändert." in html
    assert Term.objects.get(key="aufenthaltstitel").translations_by_language["ar"].text == (
        "سند الإقامة"
    )
    assert Term.objects.get(key="visum").article == "das"


def test_trainer_sees_the_error_report_and_nothing_is_imported(trainer_client, topic):
    content = (
        HEADER
        + "gut,Gut,der,Gut.,aufenthalt,good,\n"
        + "schlecht,Schlecht,dem,Schlecht.,kein-thema,bad,\n"
    )
    response = trainer_client.post(IMPORT_URL, {"file": _upload(content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Es wurde nichts importiert." in html
    assert "<td>3</td>" in html
    assert "<code>article</code>" in html
    assert "Es gibt kein Thema mit dem Schlüssel „kein-thema“." in html
    assert not Term.objects.exists()


def test_import_refuses_a_file_over_the_limit_without_reading_it(trainer_client, settings):
    settings.TERMBASE_IMPORT_MAX_BYTES = 1024
    response = trainer_client.post(IMPORT_URL, {"file": _upload("x" * 5120)})
    html = response.content.decode()
    assert "Die Datei ist zu groß (5,0 KB). Erlaubt sind höchstens 1,0 KB." in html.replace(
        "\xa0", " "
    )
    assert not Term.objects.exists()


def test_import_form_requires_a_file(trainer_client):
    response = trainer_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    error = re.search(r'class="error-message">\s*([^<]*)', response.content.decode())
    assert error.group(1).strip().startswith("Dieses Feld")


def test_clerk_cannot_reach_import_or_export(clerk_client, topic):
    content = HEADER + "gut,Gut,der,Gut.,aufenthalt,good,\n"
    assert clerk_client.post(IMPORT_URL, {"file": _upload(content)}).status_code == 403
    assert clerk_client.get(EXPORT_URL.format("csv")).status_code == 403
    assert not Term.objects.exists()


def test_admin_user_without_term_rights_cannot_import_or_export(topic):
    # Managers will get the admin for their reports, without rights on the termbase.
    user = UserFactory(role=Role.MANAGER)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    content = HEADER + "gut,Gut,der,Gut.,aufenthalt,good,\n"
    response = client.post(IMPORT_URL, {"file": _upload(content)})
    assert response.status_code in (302, 403)
    assert not Term.objects.exists()
    assert client.get(EXPORT_URL.format("xlsx")).status_code in (302, 403)


def test_view_only_user_can_export_but_not_import(topic):
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_term"),
        Permission.objects.get(codename="add_term"),
    )
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    assert client.get(EXPORT_URL.format("csv")).status_code == 200
    assert client.get(IMPORT_URL).status_code in (302, 403)
    assert IMPORT_URL not in client.get(LIST_URL).content.decode()


def test_csv_export_downloads_and_parses_back(trainer_client, topic):
    TermFactory(key="visum", term="Visum", topic=topic)
    TermFactory(key="alt", term="Alt", topic=topic, retired=True)
    response = trainer_client.get(EXPORT_URL.format("csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="termbank-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["key"], row["retired"]) for row in rows] == [("alt", "1"), ("visum", "0")]
    assert rows[1]["text_uk"] == "Visum (uk)"


def test_xlsx_export_downloads_and_imports_back_unchanged(trainer_client, topic):
    TermFactory(key="visum", term="Visum", topic=topic)
    response = trainer_client.get(EXPORT_URL.format("xlsx"))
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "visum"
    upload = SimpleUploadedFile("termbank.xlsx", response.content)
    result = trainer_client.post(IMPORT_URL, {"file": upload}, follow=True)
    assert "0 neu angelegt, 0 geändert, 1 unverändert" in result.content.decode()


def test_unknown_export_format_is_not_found(trainer_client):
    assert trainer_client.get("/admin/snippets/courses/term/export/pdf/").status_code == 404


def test_editing_a_term_requires_a_topic_and_a_unique_spelling(trainer_client, topic):
    TermFactory(key="aenderung", term="Änderung", topic=topic)
    response = trainer_client.post(
        "/admin/snippets/courses/term/add/",
        {
            "key": "neu",
            "term": "ÄNDERUNG",
            "article": "die",
            "explanation": "Neu.",
            "level": "basic",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "gibt es schon mit dem Schlüssel „aenderung“" in html
    assert not Term.objects.filter(key="neu").exists()


def test_listing_query_count_does_not_grow_with_the_number_of_terms(trainer_client, topic):
    TermFactory.create_batch(3, topic=topic)
    trainer_client.get(LIST_URL)
    with CaptureQueriesContext(connection) as few:
        trainer_client.get(LIST_URL)
    TermFactory.create_batch(30, topic=topic)
    with CaptureQueriesContext(connection) as many:
        response = trainer_client.get(LIST_URL)
    assert response.content.decode().count("Begriff ") >= 33
    assert len(few) == len(many)


def test_import_appears_in_the_term_history_with_the_trainer(trainer, trainer_client, topic):
    content = HEADER + "gut,Gut,der,Gut.,aufenthalt,good,\n"
    trainer_client.post(IMPORT_URL, {"file": _upload(content)})
    term = Term.objects.get(key="gut")
    entry = ModelLogEntry.objects.for_instance(term).get()
    assert (entry.action, entry.user) == ("wagtail.create", trainer)
    # Importing the same file again changes nothing and logs nothing.
    trainer_client.post(IMPORT_URL, {"file": _upload(content)})
    assert ModelLogEntry.objects.for_instance(term).count() == 1


def test_listing_is_sorted_by_term(trainer_client, topic):
    for word in ["Zuzug", "Antrag", "Meldung"]:
        TermFactory(term=word, topic=topic)
    html = trainer_client.get(LIST_URL).content.decode()
    assert html.index("Antrag") < html.index("Meldung") < html.index("Zuzug")
