"""Certificates: PDF for one's own completion only, public verification by code, and
codes that stay valid when the holder's record is pseudonymised."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import LessonPage
from tests.conftest import _signed_in
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory, UserFactory
from training.certificates import certificate_code_normalise, certificate_is_valid
from training.models import Certificate, CourseCompletion
from training.progress import lesson_complete
from training.retention import records_pseudonymise
from training.roles import Role

pytestmark = pytest.mark.django_db

VERIFY = "/zertifikat-pruefen/"


@pytest.fixture
def completion(catalogue, clerk):
    clerk.first_name, clerk.last_name = "Олена", "Шевченко-Müller"
    clerk.save()
    course = CoursePageFactory(
        parent=catalogue, title="Interkulturelle Kompetenz", validity_months=24
    )
    LessonPageFactory(parent=ModulePageFactory(parent=course))
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    return CourseCompletion.objects.get(user=clerk)


def _url(completion):
    return f"/meine-fortbildung/zertifikat/{completion.pk}/"


def test_clerk_downloads_a_pdf_with_a_code(completion, clerk_client):
    response = clerk_client.get(_url(completion))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Олена Шевченко-Müller"
    assert certificate.course_title == "Interkulturelle Kompetenz"
    assert certificate.valid_until == completion.valid_until
    # The same certificate on the next download; the dashboard shows its code.
    clerk_client.get(_url(completion))
    assert Certificate.objects.count() == 1
    assert certificate.code in clerk_client.get("/meine-fortbildung/").content.decode()


def test_nobody_else_gets_the_certificate(completion):
    other = _signed_in(UserFactory(role=Role.CLERK))
    assert other.get(_url(completion)).status_code == 404
    manager = _signed_in(UserFactory(role=Role.MANAGER))
    assert manager.get(_url(completion)).status_code == 404
    assert not Certificate.objects.exists()
    assert Client().get(_url(completion)).status_code == 302  # sign in first


def test_public_verification_tells_valid_or_not_and_nothing_else(completion, clerk_client):
    clerk_client.get(_url(completion))
    code = Certificate.objects.get().code
    public = Client()
    page = public.post(VERIFY, {"code": code.lower().replace("-", " ")}).content.decode()
    assert "Dieses Zertifikat ist gültig." in page
    assert "Шевченко" not in page and "Interkulturelle" not in page
    wrong = public.post(VERIFY, {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "gehört zu keinem gültigen Zertifikat" in wrong
    assert (
        "gehört zu keinem gültigen Zertifikat" in public.post(VERIFY, {"code": ""}).content.decode()
    )


def test_expired_or_revoked_codes_are_not_valid(completion, clerk_client):
    clerk_client.get(_url(completion))
    certificate = Certificate.objects.get()
    after = timezone.now() + dt.timedelta(days=2 * 366 + 2)
    assert certificate_is_valid(certificate.code)
    assert not certificate_is_valid(certificate.code, now=after)
    certificate.revoked_at = timezone.now()
    certificate.save()
    assert not certificate_is_valid(certificate.code)


def test_codes_stay_valid_after_pseudonymisation(completion, clerk, clerk_client):
    clerk_client.get(_url(completion))
    code = Certificate.objects.get().code
    clerk.is_active = False
    clerk.left_at = timezone.localdate() - dt.timedelta(days=800)
    clerk.save()
    assert records_pseudonymise() == 1
    clerk.refresh_from_db()
    assert clerk.first_name == "" and "Шевченко" not in clerk.last_name and clerk.email == ""
    certificate = Certificate.objects.get()
    assert certificate.user is None and "Шевченко" not in certificate.holder_name
    assert certificate_is_valid(code)
    assert records_pseudonymise() == 0  # done once


def test_retention_spares_people_within_the_period(completion, clerk):
    clerk.is_active = False
    clerk.left_at = timezone.localdate() - dt.timedelta(days=10)
    clerk.save()
    assert records_pseudonymise() == 0


def test_code_normalisation():
    assert certificate_code_normalise(" abcd efgh-jkmn ") == "ABCD-EFGH-JKMN"
