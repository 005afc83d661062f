"""The demo quizzes: one per module, ten questions of every type, idempotent."""

import pytest

from courses.demo.seed import demo_content_ensure
from courses.models import ModulePage
from quizzes.demo import demo_quizzes_ensure
from quizzes.models import QUESTION_TYPES, QuizPage
from quizzes.services import quiz_attempt_start

pytestmark = pytest.mark.django_db


def test_every_demo_module_gets_a_quiz_with_every_type(clerk):
    demo_content_ensure()
    report = demo_quizzes_ensure()
    modules = list(ModulePage.objects.all())
    assert modules
    assert report.created["quizzes"] == len(modules)
    for module in modules:
        quiz = QuizPage.objects.child_of(module).live().get()
        assert quiz.is_demo
        questions = [row.question for row in quiz.fixed_questions.all()]
        assert len(questions) >= 10
        assert {q.type_key for q in questions} == set(QUESTION_TYPES)
        assert all(q.is_demo for q in questions)
        attempt = quiz_attempt_start(user=clerk, page=quiz)
        matching = next(q for q in attempt.questions if q["type"] == "matching")
        # Pairs drawn from the demo termbase, in the module's client language.
        assert len(matching["public"]["prompts"]) == 4
    again = demo_quizzes_ensure()
    assert sum(again.created.values()) == 0
