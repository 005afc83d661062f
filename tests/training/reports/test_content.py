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


def test_review_counts_of_too_few_people_are_not_shown(figures, settings, trainer_client):
    """Two people reviewed the terms: with a minimum of three their counts would be about
    (almost) single people; a term nobody reviewed still shows its 0."""
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 3
    m1 = next(row for row in content_report(now=NOW) if row.title == "M1 Haltung")
    assert [(f.term, f.reviews) for f in m1.least_reviewed] == [
        ("Niederlassungserlaubnis", 0),
        ("Aufenthaltstitel", None),
        ("Fiktionsbescheinigung", None),
    ]
    assert m1.most_forgotten == []
    html = trainer_client.get("/admin/berichte/inhalte/").content.decode()
    assert "Aufenthaltstitel (zu wenige Personen)" in html
    assert "Niederlassungserlaubnis (0)" in html


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


def _plays(page, outcomes):
    """Finished plays of ``page``: one per (user, passed)."""
    from quizzes.models import ScenarioPlay
    from quizzes.scenario_services import scenario_version_ensure

    version = scenario_version_ensure(page=page)
    for user, passed in outcomes:
        ScenarioPlay.objects.create(
            user=user,
            page=page,
            version=version,
            status=ScenarioPlay.Status.FINISHED,
            step_key="ende",
            state={},
            scores={},
            passed=passed,
            finished_at=NOW,
        )


@pytest.fixture
def assessed(record, settings):
    """M1 gets a quiz and a scenario; M2 a quiz that too few people took."""
    from tests.quizzes.factories import SingleChoiceQuestionFactory, quiz_with
    from tests.quizzes.scenario_factories import ScenarioPageFactory
    from tests.training.reports.test_attempt_scores import _finish

    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 3
    quiz = quiz_with(record.m1, [SingleChoiceQuestionFactory()], feedback_timing="end")
    scenario = ScenarioPageFactory(parent=record.m1, title="Am Schalter")
    small = quiz_with(record.m2, [SingleChoiceQuestionFactory()], feedback_timing="end")
    # Quiz in M1: Anna fails then passes, Bert passes, Carl fails: 3 people, 2 of 4 passed.
    _finish(record.anna, quiz, right=False)
    _finish(record.anna, quiz, right=True)
    _finish(record.bert, quiz, right=True)
    _finish(record.carl, quiz, right=False)
    # Scenario: Anna, Bert and Dora pass, Carl does not: 3 of 4 plays = 75 %.
    _plays(
        scenario,
        [(record.anna, True), (record.bert, True), (record.dora, True), (record.carl, False)],
    )
    # M2's quiz: two people only.
    _finish(record.anna, small, right=True)
    _finish(record.bert, small, right=False)
    return quiz, scenario, small


def test_pass_rates_per_quiz_and_scenario(record, assessed):
    quiz, scenario, small = assessed
    rows = {row.title: row for row in content_report(now=NOW)}
    m1 = {a.page_id: a for a in rows["M1 Haltung"].assessments}
    assert (m1[quiz.pk].people, m1[quiz.pk].attempts, m1[quiz.pk].passed) == (3, 4, 2)
    assert m1[quiz.pk].pass_percent == 50 and not m1[quiz.pk].is_scenario
    assert (m1[scenario.pk].people, m1[scenario.pk].pass_percent) == (4, 75)
    assert m1[scenario.pk].is_scenario
    (m2_quiz,) = rows["M2 Sprache"].assessments
    assert m2_quiz.page_id == small.pk
    assert m2_quiz.too_few and m2_quiz.pass_percent is None
    assert rows["Willkommen"].assessments == []


def test_trainer_page_links_to_quiz_results_and_scenario_statistics(
    record, assessed, trainer_client
):
    quiz, scenario, small = assessed
    html = trainer_client.get("/admin/berichte/inhalte/").content.decode()
    from django.urls import reverse

    assert f'href="{reverse("quizzes_results:quiz", args=[quiz.pk])}"' in html
    assert f'href="{reverse("scenario_admin:statistics", args=[scenario.pk])}"' in html
    assert "50 % von 4 Versuchen" in html and "75 % von 4 Versuchen" in html
    start = html.index(f'data-assessment="{small.pk}"')
    assert "zu wenige" in html[start : start + 400].lower()


@pytest.mark.parametrize("more_quizzes", [0, 3])
def test_content_report_queries_fixed_with_quizzes(
    record, assessed, more_quizzes, trainer_client, django_assert_num_queries
):
    from tests.quizzes.factories import SingleChoiceQuestionFactory, quiz_with
    from tests.training.reports.test_attempt_scores import _finish

    for _ in range(more_quizzes):
        quiz = quiz_with(record.m2, [SingleChoiceQuestionFactory()], feedback_timing="end")
        _finish(record.carl, quiz, right=True)
    # Three more than without quizzes: the pages, the attempt and the play aggregates.
    with django_assert_num_queries(26 + 3):
        assert trainer_client.get("/admin/berichte/inhalte/").status_code == 200
