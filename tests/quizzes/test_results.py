"""Trainer's results (aggregates, no names) and the regrade with its dry run."""

import re

import pytest
from django.urls import reverse

from quizzes.models import QuizAttempt, QuizRegrade
from quizzes.selectors import quiz_attempts_open, quiz_pages_passed, quiz_statistics
from quizzes.services import (
    RegradeSummary,
    quiz_attempt_answer,
    quiz_attempt_finish,
    quiz_attempt_start,
    quiz_attempts_regrade_summary,
)
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
    people = UserFactory.create_batch(5, role=Role.CLERK)
    _take(people[0], two_question_quiz, ["right", "right"])  # 100
    _take(people[1], two_question_quiz, ["right", "wrong"])  # 50
    _take(people[2], two_question_quiz, ["wrong", "right"])  # 50
    _take(people[3], two_question_quiz, ["wrong", "wrong"])  # 0
    _take(people[4], two_question_quiz, ["right", "right"])  # 100
    stats = quiz_statistics(page=two_question_quiz)
    assert (stats["attempts"], stats["people"], stats["too_few"]) == (5, 5, False)
    assert stats["pass_rate"] == 80.0  # 4 of 5 reach the pass mark of 50
    assert stats["average_score"] == 60.0  # (100 + 50 + 50 + 0 + 100) / 5
    first, second = sorted(stats["questions"], key=lambda q: q["question_id"])
    assert first["difficulty"] == 0.6 and second["difficulty"] == 0.6
    # Best attempt (100) against weakest (0), one each (27 % of 5): both separate fully.
    assert first["discrimination"] == 1.0 and second["discrimination"] == 1.0
    assert first["wrong_options"] == [("Bibliotheksausweis", 2)]
    assert not first["too_few"] and first["shown"] == 5


@pytest.mark.parametrize("count", [1, 4])
def test_fewer_people_than_the_minimum_get_no_figures(count, trainer_client, two_question_quiz):
    for person in UserFactory.create_batch(count, role=Role.CLERK):
        _take(person, two_question_quiz, ["wrong", "wrong"])
    stats = quiz_statistics(page=two_question_quiz)
    assert (stats["attempts"], stats["people"], stats["too_few"]) == (count, count, True)
    assert stats["pass_rate"] is None and stats["average_score"] is None
    assert stats["questions"] == []  # not computed, so nothing reaches the template

    response = trainer_client.get(reverse("quizzes_results:quiz", args=[two_question_quiz.pk]))
    html = response.content.decode()
    assert response.context["stats"]["questions"] == []
    assert html.count("zu wenige Personen") == 3  # pass rate, average, questions
    assert "Bibliotheksausweis" not in html and not re.search(r"(?<![\d,])0(,0)? %", html)
    assert "Eine Zahl über weniger als 5 Personen wird nicht gezeigt" in html


def test_people_are_counted_not_attempts(two_question_quiz):
    """One person's eight attempts are still one person."""
    repeater, *others = UserFactory.create_batch(4, role=Role.CLERK)
    for _n in range(5):
        _take(repeater, two_question_quiz, ["right", "wrong"])
    for person in others:
        _take(person, two_question_quiz, ["right", "right"])
    stats = quiz_statistics(page=two_question_quiz)
    assert (stats["attempts"], stats["people"], stats["too_few"]) == (8, 4, True)
    assert stats["pass_rate"] is None and stats["questions"] == []


def test_the_setting_sets_the_minimum_group_size(settings, two_question_quiz):
    for person, choices in zip(
        UserFactory.create_batch(2, role=Role.CLERK),
        [["right", "right"], ["wrong", "right"]],
        strict=True,
    ):
        _take(person, two_question_quiz, choices)
    assert quiz_statistics(page=two_question_quiz)["too_few"]  # the default: 5
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 2
    stats = quiz_statistics(page=two_question_quiz)
    assert not stats["too_few"] and stats["min_group_size"] == 2
    assert (stats["pass_rate"], stats["average_score"]) == (100.0, 75.0)
    fixed = two_question_quiz.fixed_questions.order_by("sort_order")
    assert {q["question_id"]: q["difficulty"] for q in stats["questions"]} == {
        row.question_id: difficulty for row, difficulty in zip(fixed, [0.5, 1.0], strict=True)
    }
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 3
    assert quiz_statistics(page=two_question_quiz)["questions"] == []


def test_a_question_shown_to_too_few_people_keeps_only_its_counts(two_question_quiz):
    from quizzes.models import QuizPageQuestion

    for person in UserFactory.create_batch(5, role=Role.CLERK):
        _take(person, two_question_quiz, ["right", "wrong"])
    # A question added later has been shown to one person only.
    late = SingleChoiceQuestionFactory()
    QuizPageQuestion.objects.create(page=two_question_quiz, question=late, sort_order=2)
    two_question_quiz.save_revision().publish()
    _take(UserFactory(role=Role.CLERK), two_question_quiz, ["right", "wrong", "wrong"])
    stats = quiz_statistics(page=two_question_quiz)
    assert not stats["too_few"] and stats["people"] == 6
    by_id = {q["question_id"]: q for q in stats["questions"]}
    assert by_id[late.pk]["too_few"] and by_id[late.pk]["shown"] == 1
    assert by_id[late.pk]["difficulty"] is None and by_id[late.pk]["discrimination"] is None
    assert by_id[late.pk]["wrong_options"] == []
    others = [q for pk, q in by_id.items() if pk != late.pk]
    assert sorted(q["difficulty"] for q in others) == [0.0, 1.0]
    assert not any(q["too_few"] for q in others)


def test_results_view_shows_aggregates_and_no_names(trainer_client, two_question_quiz):
    person = UserFactory(role=Role.CLERK, first_name="Zora", last_name="Unverwechselbar")
    for clerk in [person, *UserFactory.create_batch(4, role=Role.CLERK)]:
        _take(clerk, two_question_quiz, ["right", "wrong"])
    html = trainer_client.get(
        reverse("quizzes_results:quiz", args=[two_question_quiz.pk])
    ).content.decode()
    assert "Bibliotheksausweis (5)" in html
    assert "<dd>100 %</dd>" in html and "<dd>50,0 %</dd>" in html
    assert "zu wenige Personen" not in html
    assert "Unverwechselbar" not in html and person.username not in html
    index = trainer_client.get(reverse("quizzes_results:index")).content.decode()
    assert two_question_quiz.title in index


def test_results_index_hides_how_many_passed_for_too_few_people(
    trainer_client, two_question_quiz, module
):
    small = quiz_with(module, [SingleChoiceQuestionFactory()], title="Kleines Quiz")
    people = UserFactory.create_batch(5, role=Role.CLERK)
    for person in people:
        _take(person, two_question_quiz, ["right", "wrong"])
    for person in people[:4]:
        _take(person, small, ["right"])
    html = trainer_client.get(reverse("quizzes_results:index")).content.decode()
    assert f"{two_question_quiz.title}</a></td><td>5</td><td>5</td>" in html
    assert "Kleines Quiz</a></td><td>4</td><td>zu wenige Personen</td>" in html


def test_results_view_query_count_is_fixed(trainer_client, two_question_quiz):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Five people per round: below the minimum group size the answers are not read at
    # all (one query fewer), so both rounds must be above it to compare.
    url = reverse("quizzes_results:quiz", args=[two_question_quiz.pk])
    counts = []
    for _round in range(2):
        for _n in range(5):
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
    # One person: how many attempts change, but no score, no pass rate, no attempt.
    assert "1 Versuch bekäme ein neues Ergebnis." in dry_run
    assert dry_run.count("zu wenige Personen") == 2
    assert not re.search(r"(?<![\d,])(100|0)(,0)? %", dry_run)
    assert f"#{attempt.pk}" not in dry_run
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


def _correct_the_key(question, text: str) -> None:
    options = list(question.options.raw_data)
    for option in options:
        option["value"]["correct"] = option["value"]["text"] == text
    question.options = options
    question.save()


def _choose(user, quiz, text: str) -> QuizAttempt:
    attempt = quiz_attempt_start(user=user, page=quiz)
    option = next(o["id"] for o in attempt.questions[0]["public"]["options"] if o["text"] == text)
    quiz_attempt_answer(
        user=user, attempt_id=attempt.pk, position=0, data=_data([("option", option)]), revision=0
    )
    return quiz_attempt_finish(user=user, attempt_id=attempt.pk)


def test_regrade_dry_run_shows_its_effect_in_aggregates(trainer_client, module):
    question = SingleChoiceQuestionFactory()
    quiz = quiz_with(module, [question], pass_mark=50)
    people = UserFactory.create_batch(5, role=Role.CLERK)
    attempts = [_choose(p, quiz, "Busfahrkarte") for p in people[:3]]  # 0 → 100
    attempts += [_choose(p, quiz, "Reisepass") for p in people[3:]]  # 100 → 0
    _correct_the_key(question, "Busfahrkarte")

    summary = quiz_attempts_regrade_summary(page=quiz)
    assert summary == RegradeSummary(
        attempts=5,
        people=5,
        min_group_size=5,
        rekeyed=5,
        changed=5,
        raised=3,
        lowered=2,
        failed_to_passed=3,
        passed_to_failed=2,
        old_pass_rate=40.0,
        new_pass_rate=60.0,
        old_average=40.0,
        new_average=60.0,
    )
    url = reverse("quizzes_results:regrade", args=[quiz.pk])
    response = trainer_client.get(url)
    html = response.content.decode()
    assert "vorher 40 %, nachher 60 %" in html  # pass rate
    assert "vorher 40,0 %, nachher 60,0 %" in html  # average score
    assert "Von nicht bestanden zu bestanden</dt><dd>3</dd>" in html
    assert "Von bestanden zu nicht bestanden</dt><dd>2</dd>" in html
    assert "5 Versuche bekämen ein neues Ergebnis." in html
    assert "zu wenige Personen" not in html
    for attempt in attempts:  # no attempt, no finish time, no single score
        assert f"#{attempt.pk}" not in html
    assert not re.search(r"(?<![\d,])(100|0),0 %", html)
    assert set(response.context.keys()).isdisjoint({"rows", "changed"})

    assert trainer_client.post(url).status_code == 302
    assert sorted(QuizAttempt.objects.filter(page=quiz).values_list("score", flat=True)) == [
        0.0,
        0.0,
        100.0,
        100.0,
        100.0,
    ]
    assert len(QuizRegrade.objects.get().changes) == 5


@pytest.mark.parametrize("count", [1, 4])
def test_regrade_dry_run_for_too_few_people_counts_attempts_only(count, settings, module):
    question = SingleChoiceQuestionFactory()
    quiz = quiz_with(module, [question], pass_mark=50)
    people = UserFactory.create_batch(count, role=Role.CLERK)
    for person in people:
        _choose(person, quiz, "Busfahrkarte")
    _choose(people[0], quiz, "Reisepass")  # a second attempt of the same person
    _correct_the_key(question, "Busfahrkarte")
    summary = quiz_attempts_regrade_summary(page=quiz)
    assert (summary.attempts, summary.people, summary.too_few) == (count + 1, count, True)
    assert (summary.rekeyed, summary.changed) == (count + 1, count + 1)
    assert summary.old_pass_rate is None and summary.new_average is None
    assert summary.raised is None and summary.passed_to_failed is None
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = count
    summary = quiz_attempts_regrade_summary(page=quiz)
    assert not summary.too_few and summary.raised == count and summary.lowered == 1


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
