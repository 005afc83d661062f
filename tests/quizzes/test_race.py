"""Concurrent requests on PostgreSQL: real threads, real commits.

Transactional tests end with a flush; ``_migrated_state_back`` puts back what migrations
created (Wagtail's root page, the role groups) so that later tests find it, as
tests/browser/conftest.py does for the browser tests.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from quizzes.models import AttemptStatus, QuizAttempt
from quizzes.services import quiz_attempt_finish, quiz_attempt_start
from tests.factories import (
    CoursePageFactory,
    ModulePageFactory,
    UserFactory,
    catalogue_as_site_root,
)
from tests.quizzes.factories import SingleChoiceQuestionFactory, quiz_with
from training.roles import Role

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under a real race need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 10


@pytest.fixture(autouse=True)
def _migrated_state_back():
    yield
    from wagtail.models import Page

    if Page.get_first_root_node() is None:
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def _at_once(work) -> list:
    """Run ``work(i)`` in THREADS threads released together; their results or errors."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # collected and asserted on by the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def race_quiz():
    catalogue = catalogue_as_site_root()
    module = ModulePageFactory(parent=CoursePageFactory(parent=catalogue))
    return quiz_with(module, [SingleChoiceQuestionFactory(), SingleChoiceQuestionFactory()])


def test_ten_identical_finish_requests_give_one_finished_attempt_and_one_score(race_quiz):
    clerk = UserFactory(role=Role.CLERK)
    attempt = quiz_attempt_start(user=clerk, page=race_quiz)
    right = attempt.questions[0]["key"]["correct"][0]
    client = Client()
    client.force_login(clerk)
    client.post(
        reverse("quizzes:question", args=[attempt.pk, 1]), {"revision": "0", "option": right}
    )
    cookies = client.cookies
    url = reverse("quizzes:finish", args=[attempt.pk])

    def finish(_i):
        browser = Client()
        browser.cookies = cookies
        return browser.post(url).status_code

    assert _at_once(finish) == [302] * THREADS
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINISHED
    assert attempt.score == 50.0
    assert QuizAttempt.objects.filter(user=clerk).count() == 1


def test_finish_service_under_a_race_finishes_once(race_quiz):
    clerk = UserFactory(role=Role.CLERK)
    attempt = quiz_attempt_start(user=clerk, page=race_quiz)
    results = _at_once(lambda _i: quiz_attempt_finish(user=clerk, attempt_id=attempt.pk))
    assert all(isinstance(r, QuizAttempt) for r in results), results
    assert len({r.finished_at for r in results}) == 1


def test_attempt_limit_holds_under_a_race(race_quiz):
    race_quiz.attempt_limit = 2
    race_quiz.save_revision().publish()
    clerk = UserFactory(role=Role.CLERK)
    first = quiz_attempt_start(user=clerk, page=race_quiz)
    quiz_attempt_finish(user=clerk, attempt_id=first.pk)

    def start_and_finish(_i):
        attempt = quiz_attempt_start(user=clerk, page=race_quiz)
        return quiz_attempt_finish(user=clerk, attempt_id=attempt.pk).pk

    results = _at_once(start_and_finish)
    attempts = QuizAttempt.objects.filter(user=clerk)
    assert attempts.count() == 2
    assert sorted(attempts.values_list("number", flat=True)) == [1, 2]
    # Every thread either got the one second attempt or was refused.
    second = attempts.get(number=2).pk
    assert all(r == second or type(r).__name__ == "QuizAttemptRefused" for r in results), results
