"""Module completion and "continue" with a quiz in the module: the quizzes app's results
feed the training record."""

import pytest
from django.test import Client

from quizzes.models import QuizAttempt
from quizzes.services import quiz_attempt_answer, quiz_attempt_finish, quiz_attempt_start
from tests.factories import PASSWORD, CoursePageFactory, LessonPageFactory, ModulePageFactory
from tests.quizzes.factories import SingleChoiceQuestionFactory, quiz_with
from training.assignments import AssignmentData, assignment_create
from training.progress import lesson_complete
from training.records import person_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_quiz(catalogue):
    course = CoursePageFactory(parent=catalogue, title="Kurs mit Quiz")
    module = ModulePageFactory(parent=course, title="Modul mit Quiz")
    lesson = LessonPageFactory(parent=module, title="Einzige Lektion")
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()], feedback_timing="end")
    return course, lesson, quiz


def _answer(clerk, attempt: QuizAttempt, *, right: bool):
    from django.http import QueryDict

    question = attempt.questions[0]
    correct = question["key"]["correct"]
    options = [o["id"] for o in question["public"]["options"]]
    chosen = correct[0] if right else next(o for o in options if o not in correct)
    quiz_attempt_answer(
        user=clerk,
        attempt_id=attempt.pk,
        position=0,
        data=QueryDict(f"option={chosen}"),
        revision=0,
    )


def _item(clerk):
    (item,) = person_record(user=clerk).items
    return item


def test_a_module_needs_its_quiz_passed(course_with_quiz, clerk, administrator):
    course, lesson, quiz = course_with_quiz
    assignment_create(
        actor=administrator,
        data=AssignmentData(page=course, people=(clerk,), due_mode="assigned", due_days=30),
    )
    lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    assert _item(clerk).status != "complete"

    failed = quiz_attempt_start(user=clerk, page=quiz)
    _answer(clerk, failed, right=False)
    quiz_attempt_finish(user=clerk, attempt_id=failed.pk)
    assert _item(clerk).status != "complete"

    passed = quiz_attempt_start(user=clerk, page=quiz)
    _answer(clerk, passed, right=True)
    quiz_attempt_finish(user=clerk, attempt_id=passed.pk)
    item = _item(clerk)
    assert item.status == "complete" and item.percent == 100


def test_continue_leads_to_the_open_quiz_attempt(course_with_quiz, clerk, administrator):
    course, lesson, quiz = course_with_quiz
    assignment_create(
        actor=administrator,
        data=AssignmentData(page=course, people=(clerk,), due_mode="assigned", due_days=30),
    )
    lesson_complete(user=clerk, lesson_id=lesson.pk, how="marked")
    attempt = quiz_attempt_start(user=clerk, page=quiz)
    assert _item(clerk).continue_url == attempt.get_absolute_url()

    client = Client()
    assert client.login(username=clerk.username, password=PASSWORD)
    html = client.get("/meine-fortbildung/").content.decode()
    assert attempt.get_absolute_url() in html
