"""Spaced-repetition vocabulary review: scheduling, idempotence, ownership, views."""

import json
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.utils import timezone

from courses.models import TermTranslation
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TermFactory,
    TopicFactory,
    UserFactory,
)
from training.models import VocabularyCard, VocabularyReview
from training.roles import Role
from training.vocabulary import (
    VocabularyError,
    vocabulary_deck_ensure,
    vocabulary_due,
    vocabulary_review_record,
    vocabulary_terms,
)

pytestmark = pytest.mark.django_db

START_URL = "/vokabeln/lernen/"
REVIEW_URL = "/vokabeln/lernen/karten/"


def _module_with_terms(catalogue, terms):
    course = CoursePageFactory(parent=catalogue)
    module = ModulePageFactory(parent=course, title="Aufenthalt")
    body = [
        {
            "type": "vocabulary",
            "value": {"title": "", "terms": [t.pk for t in terms], "languages": []},
        }
    ]
    LessonPageFactory(parent=module, body=json.dumps(body))
    return module


def _cards(user, count=1, language="en", direction="de-x"):
    terms = TermFactory.create_batch(count)
    vocabulary_deck_ensure(user=user, terms=terms, language=language, direction=direction)
    return list(VocabularyCard.objects.filter(user=user).order_by("pk"))


def _snapshot(card):
    card.refresh_from_db()
    return (card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)


# --- Services ---------------------------------------------------------------------------


def test_deck_ensure_creates_missing_cards_due_now_once(clerk):
    translated = TermFactory.create_batch(3)
    untranslated = TermFactory(translated=False)
    before = timezone.now()
    created = vocabulary_deck_ensure(
        user=clerk, terms=[*translated, untranslated], language="ar", direction="x-de"
    )
    assert created == 3
    assert vocabulary_due(user=clerk).count() == 3
    assert all(card.due >= before for card in VocabularyCard.objects.all())
    again = vocabulary_deck_ensure(user=clerk, terms=translated, language="ar", direction="x-de")
    assert again == 0
    assert VocabularyCard.objects.count() == 3


def test_deck_ensure_refuses_unknown_language_or_direction(clerk):
    term = TermFactory()
    with pytest.raises(VocabularyError):
        vocabulary_deck_ensure(user=clerk, terms=[term], language="xx", direction="de-x")
    with pytest.raises(VocabularyError):
        vocabulary_deck_ensure(user=clerk, terms=[term], language="en", direction="both")
    assert not VocabularyCard.objects.exists()


def test_module_terms_come_from_its_lessons_vocabulary_blocks(catalogue):
    inside = TermFactory.create_batch(2)
    TermFactory()  # not in any lesson
    retired = TermFactory(retired=True)
    module = _module_with_terms(catalogue, [*inside, retired])
    assert set(vocabulary_terms(module=module)) == set(inside)
    topic = TopicFactory()
    in_topic = TermFactory(topic=topic)
    assert list(vocabulary_terms(topic=topic)) == [in_topic]


def test_again_keeps_card_due_soon_good_and_easy_push_it_further(clerk):
    now = timezone.now()
    again, good, easy = _cards(clerk, 3)
    results = {
        rating: vocabulary_review_record(
            user=clerk, card_id=card.pk, rating=rating, request_id=uuid.uuid4(), now=now
        )
        for rating, card in ((1, again), (3, good), (4, easy))
    }
    assert results[1].card.due <= now + timedelta(minutes=5)
    assert results[3].card.due > now
    assert results[4].card.due > results[3].card.due + timedelta(days=1)
    assert vocabulary_due(user=clerk, now=now).count() == 0
    # After a few minutes only the forgotten card is due again.
    assert list(vocabulary_due(user=clerk, now=now + timedelta(minutes=5))) == [again]
    review = results[4].review
    assert (review.rating, review.due_before, review.due_after) == (
        4,
        easy.due,
        results[4].card.due,
    )


def test_review_record_stores_fsrs_state(clerk):
    (card,) = _cards(clerk)
    result = vocabulary_review_record(
        user=clerk, card_id=card.pk, rating=4, request_id=uuid.uuid4()
    )
    card.refresh_from_db()
    assert card.state == VocabularyCard.State.REVIEW
    assert card.stability > 0 and card.difficulty > 0
    assert card.last_review == result.review.reviewed_at
    # A second review builds on the stored state (the stored datetimes go back into fsrs).
    later = card.due + timedelta(hours=1)
    second = vocabulary_review_record(
        user=clerk, card_id=card.pk, rating=3, request_id=uuid.uuid4(), now=later
    )
    assert second.card.due > later + timedelta(days=1)


def test_same_request_id_records_one_review_and_returns_same_result(clerk):
    (card,) = _cards(clerk)
    request_id = uuid.uuid4()
    first = vocabulary_review_record(user=clerk, card_id=card.pk, rating=3, request_id=request_id)
    state = _snapshot(card)
    second = vocabulary_review_record(
        user=clerk, card_id=card.pk, rating=1, request_id=str(request_id)
    )
    assert first.created and not second.created
    assert second.review.pk == first.review.pk
    assert second.card.due == first.card.due
    assert VocabularyReview.objects.count() == 1
    assert _snapshot(card) == state


def test_request_id_of_another_card_is_refused(clerk):
    one, two = _cards(clerk, 2)
    request_id = uuid.uuid4()
    vocabulary_review_record(user=clerk, card_id=one.pk, rating=3, request_id=request_id)
    state = _snapshot(two)
    with pytest.raises(VocabularyError):
        vocabulary_review_record(user=clerk, card_id=two.pk, rating=3, request_id=request_id)
    assert _snapshot(two) == state
    assert VocabularyReview.objects.count() == 1


def test_database_refuses_a_second_review_with_the_same_request_id(clerk):
    (card,) = _cards(clerk)
    result = vocabulary_review_record(
        user=clerk, card_id=card.pk, rating=3, request_id=uuid.uuid4()
    )
    duplicate = VocabularyReview(
        user=clerk,
        card=card,
        rating=3,
        reviewed_at=timezone.now(),
        request_id=result.review.request_id,
        due_before=card.due,
        due_after=card.due,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_another_users_card_is_not_found_and_unchanged(clerk):
    other = UserFactory(role=Role.CLERK)
    (card,) = _cards(other)
    state = _snapshot(card)
    with pytest.raises(Http404):
        vocabulary_review_record(user=clerk, card_id=card.pk, rating=3, request_id=uuid.uuid4())
    assert _snapshot(card) == state
    assert not VocabularyReview.objects.exists()


@pytest.mark.parametrize("rating", [0, 5, -1, True, "3"])
def test_invalid_rating_is_refused_and_changes_nothing(clerk, rating):
    (card,) = _cards(clerk)
    state = _snapshot(card)
    with pytest.raises(VocabularyError, match="rating"):
        vocabulary_review_record(
            user=clerk, card_id=card.pk, rating=rating, request_id=uuid.uuid4()
        )
    assert _snapshot(card) == state
    assert not VocabularyReview.objects.exists()


def test_retired_or_untranslated_terms_are_not_due(clerk):
    one, two, three = _cards(clerk, 3)
    one.term.retired = True
    one.term.save()
    TermTranslation.objects.filter(term=two.term, language="en").delete()
    assert list(vocabulary_due(user=clerk)) == [three]


# --- Views ------------------------------------------------------------------------------


def _rate(client, card, rating=3, request_id=None, url=REVIEW_URL):
    return client.post(
        url,
        {"card": card.pk, "rating": rating, "request_id": str(request_id or uuid.uuid4())},
    )


def test_sign_in_required(client, clerk):
    (card,) = _cards(clerk)
    for url in (START_URL, REVIEW_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    response = _rate(client, card)
    assert response.status_code == 302
    assert not VocabularyReview.objects.exists()


def test_start_page_creates_deck_and_leads_to_review(catalogue, clerk, clerk_client):
    terms = TermFactory.create_batch(3)
    module = _module_with_terms(catalogue, terms)
    page = clerk_client.get(f"{START_URL}?module={module.pk}")
    assert page.status_code == 200
    assert "0 Karten jetzt fällig" in page.content.decode()
    assert f'value="module:{module.pk}" selected' in page.content.decode()
    response = clerk_client.post(
        START_URL, {"selection": f"module:{module.pk}", "language": "fa", "direction": "x-de"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{REVIEW_URL}?module={module.pk}&language=fa&direction=x-de"
    assert VocabularyCard.objects.filter(user=clerk, language="fa", direction="x-de").count() == 3
    review = clerk_client.get(response["Location"])
    html = review.content.decode()
    assert "3 Karten fällig" in html
    assert 'lang="fa" dir="rtl"' in html
    assert "Antwort zeigen" in html


def test_start_page_refuses_unknown_selection(clerk_client):
    response = clerk_client.post(
        START_URL, {"selection": "module:999999", "language": "en", "direction": "de-x"}
    )
    assert response.status_code == 400
    assert not VocabularyCard.objects.exists()


def test_review_page_flips_without_javascript_and_rating_counts_down(clerk, clerk_client):
    first, second = _cards(clerk, 2)
    front = clerk_client.get(REVIEW_URL).content.decode()
    assert first.term.with_article in front
    assert "2 Karten fällig" in front
    assert "?show=1" in front
    back = clerk_client.get(f"{REVIEW_URL}?show=1").content.decode()
    for text in (f"{first.term.term} (en)", first.term.plural, "Eine einfache Erklärung.", "ex en"):
        assert text in back
    for label in ("Nochmal", "Schwer", "Gut", "Einfach"):
        assert label in back
    response = _rate(clerk_client, first)
    assert response.status_code == 302
    after = clerk_client.get(response["Location"]).content.decode()
    assert "1 Karte fällig" in after
    assert second.term.with_article in after
    _rate(clerk_client, second, rating=4)
    done = clerk_client.get(REVIEW_URL).content.decode()
    assert "Keine Karten fällig" in done
    assert "Nächste Karte fällig" in done


def test_double_submit_records_once(clerk, clerk_client):
    (card,) = _cards(clerk)
    request_id = uuid.uuid4()
    assert _rate(clerk_client, card, request_id=request_id).status_code == 302
    state = _snapshot(card)
    assert _rate(clerk_client, card, rating=1, request_id=request_id).status_code == 302
    assert VocabularyReview.objects.count() == 1
    assert _snapshot(card) == state


def test_another_users_card_is_404_and_unchanged(clerk_client):
    other = UserFactory(role=Role.CLERK)
    (card,) = _cards(other)
    state = _snapshot(card)
    assert _rate(clerk_client, card).status_code == 404
    assert _snapshot(card) == state
    assert not VocabularyReview.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"rating": "7"},
        {"rating": "gut"},
        {"rating": ""},
        {"request_id": "not-a-uuid"},
        {"card": "abc"},
    ],
)
def test_invalid_post_is_refused_and_changes_nothing(clerk, clerk_client, data):
    (card,) = _cards(clerk)
    state = _snapshot(card)
    post = {"card": card.pk, "rating": 3, "request_id": str(uuid.uuid4()), **data}
    assert clerk_client.post(REVIEW_URL, post).status_code == 400
    assert _snapshot(card) == state
    assert not VocabularyReview.objects.exists()


def test_unknown_card_is_404(clerk, clerk_client):
    (card,) = _cards(clerk)
    state = _snapshot(card)
    response = clerk_client.post(
        REVIEW_URL, {"card": card.pk + 1000, "rating": 3, "request_id": str(uuid.uuid4())}
    )
    assert response.status_code == 404
    assert _snapshot(card) == state


def test_missing_csrf_token_is_refused(clerk):
    (card,) = _cards(clerk)
    state = _snapshot(card)
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert _rate(client, card).status_code == 403
    assert _snapshot(card) == state
    assert not VocabularyReview.objects.exists()
    # The page itself carries the token and a fresh request id for the rating form.
    html = client.get(f"{REVIEW_URL}?show=1").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="request_id"' in html


@pytest.mark.parametrize("count", [1, 25])
def test_review_page_queries_do_not_grow_with_cards(
    catalogue, clerk, clerk_client, django_assert_num_queries, count
):
    terms = TermFactory.create_batch(count)
    module = _module_with_terms(catalogue, terms)
    vocabulary_deck_ensure(user=clerk, terms=terms, language="ar", direction="de-x")
    url = f"{REVIEW_URL}?module={module.pk}&language=ar&show=1"
    clerk_client.get(url)  # warm up what is loaded once per process (site, content types)
    # session, user, module, lesson bodies, next card, its translation, two due counts
    with django_assert_num_queries(8):
        response = clerk_client.get(url)
    assert response.status_code == 200
    assert f"{count} Karte" in response.content.decode()
