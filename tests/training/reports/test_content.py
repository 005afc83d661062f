"""The trainer's figures per course and module against the hand-computed record."""

import uuid

import pytest

from tests.factories import TermFactory
from tests.training.reports.conftest import NOW, at
from training.models import Membership, VocabularyCard, VocabularyReview
from training.reports.content import content_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(record, settings):
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 2
    Membership.objects.update(joined_at=at(10, 1))  # before the assignments (1 Nov)
    mild, hard, unseen = (
        TermFactory(term="Aufenthaltstitel"),
        TermFactory(term="Fiktionsbescheinigung"),
        TermFactory(term="Niederlassungserlaubnis"),
    )
    lesson = record.m1.get_children().first().specific
    lesson.body = [
        {
            "type": "vocabulary",
            "value": {"title": "", "terms": [mild.pk, hard.pk, unseen.pk], "languages": ["en"]},
        }
    ]
    lesson.save()
    ratings = {mild: [3, 3, 1, 3], hard: [1, 1, 3, 1]}  # again = 1
    people = [record.anna, record.bert]
    for term, values in ratings.items():
        for i, rating in enumerate(values):
            user = people[i % 2]
            card, _new = VocabularyCard.objects.get_or_create(
                user=user, term=term, language="en", direction="de-x", defaults={"due": NOW}
            )
            VocabularyReview.objects.create(
                user=user,
                card=card,
                rating=rating,
                reviewed_at=NOW,
                request_id=uuid.uuid4(),
                due_before=NOW,
                due_after=NOW,
            )
    return record


def test_enrolments_completion_and_median(figures):
    rows = {row.title: row for row in content_report(now=NOW)}
    m1, m2, course = rows["M1 Haltung"], rows["M2 Sprache"], rows["Willkommen"]
    # M1: Anna, Bert, Carl, Dora; done by Anna (14 days after 1 Nov) and Dora (27 days).
    assert (m1.enrolled, m1.completed, m1.completion_percent) == (4, 2, 50)
    assert m1.median_days == 20.5
    # M2: team A only; Anna alone finished: one duration is below the group size.
    assert (m2.enrolled, m2.completed, m2.completion_percent) == (3, 1, 33)
    assert m2.median_days is None
    assert course.is_course and course.enrolled == 0


def test_terms_reviewed_least_and_forgotten_most(figures):
    m1 = next(row for row in content_report(now=NOW) if row.title == "M1 Haltung")
    assert [(f.term, f.reviews) for f in m1.least_reviewed] == [
        ("Niederlassungserlaubnis", 0),
        ("Aufenthaltstitel", 4),
        ("Fiktionsbescheinigung", 4),
    ]
    assert [(f.term, f.again_percent) for f in m1.most_forgotten] == [
        ("Fiktionsbescheinigung", 75),
        ("Aufenthaltstitel", 25),
    ]


def test_small_groups_show_too_few_people(record, trainer_client):
    # Default minimum of 5: M1 has 4 people.
    html = trainer_client.get("/admin/berichte/inhalte/").content.decode()
    assert "zu wenige Personen" in html
    assert "Anna" not in html and "Muster" not in html


def test_content_report_is_for_trainers_and_administrators(
    record, trainer_client, administrator_client, manager_a_client, clerk_client
):
    assert trainer_client.get("/admin/berichte/inhalte/").status_code == 200
    assert administrator_client.get("/admin/berichte/inhalte/").status_code == 200
    response = manager_a_client.get("/admin/berichte/inhalte/")
    assert response.status_code == 302 and response.url == "/admin/"
    assert clerk_client.get("/admin/berichte/inhalte/").status_code == 403


def test_content_report_queries_fixed(figures, trainer_client, django_assert_num_queries):
    with django_assert_num_queries(26):
        assert trainer_client.get("/admin/berichte/inhalte/").status_code == 200
