"""Trainer's results (aggregates, no names) and the regrade with its dry run."""

import pytest
from django.urls import reverse

from quizzes.models import QuizAttempt, QuizRegrade
from quizzes.selectors import quiz_attempts_open, quiz_pages_passed, quiz_statistics
from quizzes.services import quiz_attempt_answer, quiz_attempt_finish, quiz_attempt_start
from tests.factories import UserFactory
from tests.quizzes.factories import SingleChoiceQuestionFactory, quiz_with
from tests.quizzes.test_questions import _data
from training.roles import Role

pytestmark = pytest.mark.django_db


def _take(user, quiz, choices: list[str]) -> QuizAttempt:
    """choices per question: "right", "wrong" (the first wrong option) or "skip"."""
    attempt = quiz_attempt_start(user=user, page=quiz)
    for position, choice in enumerate(choices):
        question = attempt.questions[position]
        if choice == "skip":
            continue
        right = question["key"]["correct"][0]
        wrong = next(o["id"] for o in question["public"]["options"] if o["id"] != right)
        quiz_attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            position=position,
            data=_data([("option", right if choice == "right" else wrong)]),
            revision=0,
        )
    return quiz_attempt_finish(user=user, attempt_id=attempt.pk)


@pytest.fixture
def two_question_quiz(module):
    return quiz_with(
        module,
        [SingleChoiceQuestionFactory(), SingleChoiceQuestionFactory()],
        pass_mark=50,
    )


def test_statistics_per_quiz_and_question(two_question_quiz):
    people = UserFactory.create_batch(4, role=Role.CLERK)
    _take(people[0], two_question_quiz, ["right", "right"])  # 100
    _take(people[1], two_question_quiz, ["right", "wrong"])  # 50
    _take(people[2], two_question_quiz, ["wrong", "right"])  # 50
    _take(people[3], two_question_quiz, ["wrong", "wrong"])  # 0
    stats = quiz_statistics(page=two_question_quiz)
    assert stats["attempts"] == 4
    assert stats["pass_rate"] == 75.0
    assert stats["average_score"] == 50.0
    first, second = sorted(stats["questions"], key=lambda q: q["question_id"])
    assert first["difficulty"] == 0.5 and second["difficulty"] == 0.5
    # Best attempt (100) against weakest (0): both questions separate them fully.
    assert first["discrimination"] == 1.0
    assert first["wrong_options"] == [("Bibliotheksausweis", 2)]


def test_results_view_shows_aggregates_and_no_names(trainer_client, two_question_quiz):
    person = UserFactory(role=Role.CLERK, first_name="Zora", last_name="Unverwechselbar")
    _take(person, two_question_quiz, ["right", "wrong"])
    html = trainer_client.get(
        reverse("quizzes_results:quiz", args=[two_question_quiz.pk])
    ).content.decode()
    assert "Bibliotheksausweis (1)" in html
    assert "Unverwechselbar" not in html and person.username not in html
    index = trainer_client.get(reverse("quizzes_results:index")).content.decode()
    assert two_question_quiz.title in index


def test_results_view_query_count_is_fixed(trainer_client, two_question_quiz):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("quizzes_results:quiz", args=[two_question_quiz.pk])
    counts = []
    for _round in range(2):
        for _n in range(3):
            _take(UserFactory(role=Role.CLERK), two_question_quiz, ["right", "wrong"])
        with CaptureQueriesContext(connection) as captured:
            assert trainer_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_clerks_and_managers_cannot_see_results(clerk_client, two_question_quiz):
    url = reverse("quizzes_results:quiz", args=[two_question_quiz.pk])
    assert clerk_client.get(url).status_code == 403


def test_regrade_shows_a_dry_run_then_applies_and_logs(trainer, trainer_client, module):
    question = SingleChoiceQuestionFactory()
    quiz = quiz_with(module, [question], pass_mark=50)
    clerk = UserFactory(role=Role.CLERK)
    bus = next(b.id for b in question.options if b.value["text"] == "Busfahrkarte")
    attempt = quiz_attempt_start(user=clerk, page=quiz)
    quiz_attempt_answer(
        user=clerk, attempt_id=attempt.pk, position=0, data=_data([("option", bus)]), revision=0
    )
    quiz_attempt_finish(user=clerk, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.score == 0.0

    # The trainer finds the key was wrong: "Busfahrkarte" is the correct option.
    options = list(question.options.raw_data)
    for option in options:
        option["value"]["correct"] = option["value"]["text"] == "Busfahrkarte"
    question.options = options
    question.save()
    attempt.refresh_from_db()
    assert attempt.score == 0.0  # nothing changes by itself

    url = reverse("quizzes_results:regrade", args=[quiz.pk])
    dry_run = trainer_client.get(url).content.decode()
    assert "0.0 %" in dry_run.replace(",", ".") and "100.0 %" in dry_run.replace(",", ".")
    attempt.refresh_from_db()
    assert attempt.score == 0.0 and not QuizRegrade.objects.exists()

    assert trainer_client.post(url).status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100.0 and attempt.passed
    assert attempt.answers.get().score == 1.0
    log = QuizRegrade.objects.get()
    assert log.user == trainer
    assert log.changes == [{"attempt": attempt.pk, "old": 0.0, "new": 100.0}]
    # The review shows the corrected key now.
    assert attempt.questions[0]["key"]["correct"] == [bus]


def test_regrade_needs_its_permission(clerk_client, two_question_quiz):
    url = reverse("quizzes_results:regrade", args=[two_question_quiz.pk])
    assert clerk_client.post(url).status_code == 403


def test_selectors_for_progress(two_question_quiz, module, django_assert_num_queries):
    passed, failed, idle = UserFactory.create_batch(3, role=Role.CLERK)
    _take(passed, two_question_quiz, ["right", "right"])
    _take(failed, two_question_quiz, ["wrong", "wrong"])
    other_quiz = quiz_with(module, [SingleChoiceQuestionFactory()])
    open_attempt = quiz_attempt_start(user=idle, page=other_quiz)
    with django_assert_num_queries(1):
        result = quiz_pages_passed(
            user_ids=[passed.pk, failed.pk, idle.pk],
            page_ids=[two_question_quiz.pk, other_quiz.pk],
        )
    assert result == {(passed.pk, two_question_quiz.pk)}
    other_url = other_quiz.url  # Wagtail caches the site's root paths; read them once
    with django_assert_num_queries(1):
        attempts = quiz_attempts_open(user=idle)
        assert [(a.pk, a.page.title, a.page.url) for a in attempts] == [
            (open_attempt.pk, other_quiz.title, other_url)
        ]
    assert quiz_attempts_open(user=passed) == []
