import pytest

from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory

pytestmark = pytest.mark.django_db


def test_clerk_walks_from_catalogue_to_lesson(catalogue, clerk_client):
    course = CoursePageFactory(parent=catalogue, title="Willkommen am Schalter")
    module = ModulePageFactory(parent=course, title="Haltung")
    lesson = LessonPageFactory(parent=module, title="Erster Eindruck")
    assert "Willkommen am Schalter" in clerk_client.get("/").content.decode()
    assert "Haltung" in clerk_client.get(course.url).content.decode()
    assert "Erster Eindruck" in clerk_client.get(module.url).content.decode()
    assert clerk_client.get(lesson.url).status_code == 200


def test_pages_need_sign_in(catalogue, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
