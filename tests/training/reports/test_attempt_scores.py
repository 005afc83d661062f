"""Quiz scores for reports come from the quizzes app's finished attempts: the best attempt
per quiz, averaged over the quizzes below a course or module."""

import pytest
from django.http import QueryDict

from quizzes.services import quiz_attempt_answer, quiz_attempt_finish, quiz_attempt_start
from tests.factories import CoursePageFactory, ModulePageFactory, UserFactory
from tests.quizzes.factories import SingleChoiceQuestionFactory, quiz_with
from training.reports.scores import attempt_scores

pytestmark = pytest.mark.django_db


def _finish(user, quiz, *, right: bool):
    attempt = quiz_attempt_start(user=user, page=quiz)
    question = attempt.questions[0]
    correct = question["key"]["correct"]
    options = [o["id"] for o in question["public"]["options"]]
    chosen = correct[0] if right else next(o for o in options if o not in correct)
    quiz_attempt_answer(
        user=user,
        attempt_id=attempt.pk,
        position=0,
        data=QueryDict(f"option={chosen}"),
        revision=0,
    )
    quiz_attempt_finish(user=user, attempt_id=attempt.pk)


def test_best_attempt_per_quiz_averaged_over_the_quizzes_below(
    catalogue, django_assert_num_queries
):
    course = CoursePageFactory(parent=catalogue)
    first = ModulePageFactory(parent=course)
    second = ModulePageFactory(parent=course)
    quiz_one = quiz_with(first, [SingleChoiceQuestionFactory()], feedback_timing="end")
    quiz_two = quiz_with(second, [SingleChoiceQuestionFactory()], feedback_timing="end")
    anna, bert, carla = UserFactory(), UserFactory(), UserFactory()
    _finish(anna, quiz_one, right=False)
    _finish(anna, quiz_one, right=True)  # the better attempt counts
    _finish(anna, quiz_two, right=False)
    _finish(bert, quiz_two, right=True)
    quiz_attempt_start(user=carla, page=quiz_one)  # unfinished: no score

    users = [anna.pk, bert.pk, carla.pk]
    pages = [course.pk, first.pk, second.pk]
    with django_assert_num_queries(3):
        result = attempt_scores(user_ids=users, page_ids=pages)
    assert result == {
        (anna.pk, course.pk): 50,
        (anna.pk, first.pk): 100,
        (anna.pk, second.pk): 0,
        (bert.pk, course.pk): 100,
        (bert.pk, second.pk): 100,
    }
