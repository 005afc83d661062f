"""Data-protection export of one person's training record (administrators only)."""

import json

import pytest

from courses.models import LessonPage
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory
from training.progress import lesson_complete

pytestmark = pytest.mark.django_db

URL = "/admin/fortbildungsnachweis/"


@pytest.fixture
def record(catalogue, clerk):
    course = CoursePageFactory(parent=catalogue, title="Datenschutz am Schalter")
    LessonPageFactory(parent=ModulePageFactory(parent=course), title="Auskunftsrecht")
    lesson_complete(
        user=clerk, lesson_id=LessonPage.objects.descendant_of(course).get().pk, how="marked"
    )
    return clerk


def test_administrator_exports_json_and_pdf(record, administrator_client):
    assert administrator_client.get(URL).status_code == 200
    response = administrator_client.get(URL, {"person": record.pk, "format": "json"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["person"]["username"] == record.username
    assert data["lesson_progress"][0]["lesson"] == "Auskunftsrecht"
    assert data["course_completions"][0]["course"] == "Datenschutz am Schalter"
    pdf = administrator_client.get(URL, {"person": record.pk, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_trainers_and_clerks_cannot_export(record, trainer_client, clerk_client):
    assert trainer_client.get(URL, {"person": record.pk, "format": "json"}).status_code in (
        302,
        403,
    )
    assert clerk_client.get(URL, {"person": record.pk, "format": "json"}).status_code == 403
