"""A rating sent twice at the same moment counts once: two threads, two database
connections, real commits (PostgreSQL only: SQLite's in-memory test database is not shared
between connections, and its locking is not what production runs on)."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client

from tests.factories import PASSWORD, TermFactory, UserFactory
from training.models import VocabularyCard, VocabularyReview
from training.vocabulary import vocabulary_deck_ensure, vocabulary_review_record

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (row locks, real commits)"
    ),
]

REVIEW_URL = "/vokabeln/lernen/karten/"


@pytest.fixture(scope="module", autouse=True)
def _database_restored(django_db_setup, django_db_blocker):
    """A transactional test ends with a flush, which also empties what migrations put in the
    database (Wagtail's root page, the role groups). Put that back after this module, as
    tests/browser/conftest.py does after the browser tests, so later tests and the next
    ``--reuse-db`` run find the database as migrations left it."""
    yield
    with django_db_blocker.unblock():
        from wagtail.models import Page

        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None and Page.get_first_root_node() is None:
            connection.creation.deserialize_db_from_string(contents)


def _at_once(*calls):
    """Runs each call in its own thread, released together; returns results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported by the test
            results[index] = error
        finally:
            connections.close_all()  # this thread's connection, or the flush would wait

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def _card(user) -> VocabularyCard:
    vocabulary_deck_ensure(user=user, terms=[TermFactory()], language="en", direction="de-x")
    return VocabularyCard.objects.get(user=user)


def test_same_rating_from_two_threads_at_once_is_recorded_once():
    clerk = UserFactory()
    for round_ in range(5):
        card = _card(UserFactory()) if round_ else _card(clerk)
        request_id = uuid.uuid4()

        def rate(card=card, request_id=request_id):
            return vocabulary_review_record(
                user=card.user, card_id=card.pk, rating=3, request_id=request_id
            )

        first, second = _at_once(rate, rate)

        assert not isinstance(first, Exception), first
        assert not isinstance(second, Exception), second
        assert sorted([first.created, second.created]) == [False, True]
        assert first.review.pk == second.review.pk
        assert VocabularyReview.objects.filter(card=card).count() == 1
        card.refresh_from_db()
        recorded = VocabularyReview.objects.get(card=card)
        # Scheduled once: the card's due time is the one review's result, and that review
        # started from the new card's due time.
        assert card.due == recorded.due_after
        assert card.last_review == recorded.reviewed_at
        assert recorded.due_before < recorded.due_after


def test_double_submit_through_the_review_page_from_two_browsers_at_once():
    clerk = UserFactory(username="gleichzeitig")
    card = _card(clerk)
    due_before = card.due
    request_id = str(uuid.uuid4())

    def submit():
        client = Client()
        assert client.login(username=clerk.username, password=PASSWORD)
        return client.post(
            REVIEW_URL, {"card": card.pk, "rating": 4, "request_id": request_id}
        ).status_code

    statuses = _at_once(submit, submit)

    assert statuses == [302, 302]
    reviews = VocabularyReview.objects.filter(card=card)
    assert reviews.count() == 1
    card.refresh_from_db()
    assert reviews.get().due_before == due_before
    assert card.due == reviews.get().due_after
