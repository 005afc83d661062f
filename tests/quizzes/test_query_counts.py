"""Starting, answering and finishing cost a fixed number of queries, whatever the length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import QuizAttempt
from tests.quizzes.factories import ALL_TYPE_FACTORIES, quiz_with

pytestmark = pytest.mark.django_db


def _quiz(module, count):
    questions = [ALL_TYPE_FACTORIES[n % len(ALL_TYPE_FACTORIES)]() for n in range(count)]
    return quiz_with(module, questions, feedback_timing="end", shuffle_questions=True)


def _queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.content[:500]
    return len(captured)


def _counts(client, quiz) -> dict:
    counts = {"landing": _queries(client, "get", quiz.url)}
    counts["start"] = _queries(client, "post", quiz.url)
    attempt = QuizAttempt.objects.order_by("-pk").first()
    position = next(i for i, q in enumerate(attempt.questions) if q["type"] == "single")
    url = reverse("quizzes:question", args=[attempt.pk, position + 1])
    counts["question"] = _queries(client, "get", url)
    option = attempt.questions[position]["public"]["options"][0]["id"]
    counts["answer"] = _queries(client, "post", url, {"revision": "0", "option": option})
    counts["change"] = _queries(client, "post", url, {"revision": "1", "option": option})
    counts["overview"] = _queries(client, "get", reverse("quizzes:overview", args=[attempt.pk]))
    counts["finish"] = _queries(client, "post", reverse("quizzes:finish", args=[attempt.pk]))
    counts["review"] = _queries(client, "get", reverse("quizzes:review", args=[attempt.pk]))
    return counts


def test_query_counts_do_not_grow_with_the_number_of_questions(clerk_client, module):
    small = _counts(clerk_client, _quiz(module, 7))
    large = _counts(clerk_client, _quiz(module, 30))
    assert small == large, (small, large)
    # Pinned: a change here must be deliberate. Session and user are 2 of each; landing
    # and start pay Wagtail's routing (site, one query per tree level, view restrictions);
    # start reads the questions with one query per question type (django-polymorphic);
    # answer, change and finish include their savepoints.
    assert large == {
        "landing": 15,
        "start": 27,
        "question": 5,
        "answer": 8,
        "change": 7,
        "overview": 4,
        "finish": 7,
        "review": 5,
    }
