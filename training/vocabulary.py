"""Spaced-repetition vocabulary review in the browser, scheduled by FSRS.

Cards live in the training record (``VocabularyCard``); each rating is one
``VocabularyReview``. Every change goes through the functions here, which views, admin
and commands share.

fsrs needs datetimes in ``datetime.timezone.utc`` exactly and a card id: the id is our
primary key, and every datetime is converted on its way in and out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import fsrs
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from courses.languages import Language
from courses.models import (
    LessonPage,
    ModulePage,
    Term,
    TermTranslation,
    Topic,
    body_term_ids,
    vocabulary_term_ids,
)
from training.assignments import obligations
from training.models import User, VocabularyCard, VocabularyReview

DIRECTIONS = tuple(VocabularyCard.Direction.values)
RATINGS = tuple(VocabularyReview.Rating.values)

# One scheduler for the process: it holds only parameters. Fuzzing stays on (FSRS's
# default) so that cards learnt together do not all fall due on the same day again.
_scheduler = fsrs.Scheduler()


class VocabularyError(ValueError):
    """A request the review cannot carry out (bad rating, language, direction, request id)."""


@dataclass(frozen=True)
class VocabularyReviewResult:
    review: VocabularyReview
    card: VocabularyCard
    created: bool  # False when the request id had already been recorded


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.UTC)


def _check_language_direction(language: str, direction: str) -> None:
    if language not in Language.values:
        raise VocabularyError(f"unknown language {language!r}")
    if direction not in DIRECTIONS:
        raise VocabularyError(f"direction must be one of {', '.join(DIRECTIONS)}")


# --- What to practise ---------------------------------------------------------------


def vocabulary_terms(
    *, module: ModulePage | None = None, topic: Topic | None = None
) -> QuerySet[Term]:
    """The active terms of a module (its lessons' vocabulary blocks) or of a topic."""
    if (module is None) == (topic is None):
        raise VocabularyError("choose a module or a topic")
    terms = Term.objects.active()
    if module is not None:
        return terms.filter(pk__in=vocabulary_term_ids(module))
    return terms.filter(topic=topic)


def vocabulary_assigned_term_ids(*, user: User) -> list[int]:
    """Ids of the terms in the published lessons of the courses and modules assigned to
    ``user`` now (their obligations), in reading order. Always the person themself: the
    callers pass ``request.user``. The queries of ``obligations`` and one more, however
    many assignments.
    """
    pages = {
        item.assignment.page_id: item.assignment.page
        for item in obligations(user_ids=[user.pk])
        if item.assignment.page.live
    }
    if not pages:
        return []
    under = Q()
    for page in pages.values():
        under |= Q(path__startswith=page.path)
    bodies = LessonPage.objects.live().filter(under).order_by("path").values_list("body", flat=True)
    ids: dict[int, None] = {}
    for body in bodies:
        for pk in body_term_ids(body):
            ids[pk] = None
    return list(ids)


def vocabulary_assigned_terms(*, user: User) -> QuerySet[Term]:
    """The active terms of the person's assigned training (see above)."""
    return Term.objects.active().filter(pk__in=vocabulary_assigned_term_ids(user=user))


# --- Cards --------------------------------------------------------------------------


def _translated(cards: QuerySet[VocabularyCard]) -> QuerySet[VocabularyCard]:
    """Cards whose term is active and still has a translation into the card's language."""
    return cards.filter(term__retired=False).filter(
        Exists(
            TermTranslation.objects.filter(
                term=OuterRef("term"), language=OuterRef("language")
            ).exclude(text="")
        )
    )


def vocabulary_deck_ensure(
    *, user: User, terms: Iterable[Term] | QuerySet[Term], language: str, direction: str
) -> int:
    """Creates the person's missing cards for ``terms`` (new cards are due now).

    Only terms translated into ``language`` get a card. Returns how many were created.
    """
    _check_language_direction(language, direction)
    term_ids = {term.pk for term in terms}
    translated = set(
        TermTranslation.objects.filter(term_id__in=term_ids, language=language)
        .exclude(text="")
        .values_list("term_id", flat=True)
    )
    existing = set(
        VocabularyCard.objects.filter(
            user=user, term_id__in=translated, language=language, direction=direction
        ).values_list("term_id", flat=True)
    )
    now = timezone.now()
    new = [
        VocabularyCard(user=user, term_id=term_id, language=language, direction=direction, due=now)
        for term_id in sorted(translated - existing)
    ]
    # A concurrent request may have created some of them: the unique constraint decides.
    created = VocabularyCard.objects.bulk_create(new, ignore_conflicts=True)
    return len(created)


def vocabulary_cards(
    *,
    user: User,
    term_ids: Iterable[int] | None = None,
    language: str = "",
    direction: str = "",
) -> QuerySet[VocabularyCard]:
    """The person's reviewable cards, narrowed to terms, a language or a direction."""
    cards = _translated(VocabularyCard.objects.filter(user=user))
    if term_ids is not None:
        cards = cards.filter(term_id__in=list(term_ids))
    if language:
        cards = cards.filter(language=language)
    if direction:
        cards = cards.filter(direction=direction)
    return cards


def vocabulary_due(
    *, user: User, now: dt.datetime | None = None, **scope
) -> QuerySet[VocabularyCard]:
    """The person's cards due at ``now`` (default: now), the longest overdue first.

    ``scope`` as for ``vocabulary_cards`` (``term_ids``, ``language``, ``direction``).
    """
    now = now or timezone.now()
    return vocabulary_cards(user=user, **scope).filter(due__lte=now).order_by("due", "pk")


# --- Reviews ------------------------------------------------------------------------


def _fsrs_card(card: VocabularyCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review),
    )


def _request_uuid(request_id) -> uuid.UUID:
    try:
        return request_id if isinstance(request_id, uuid.UUID) else uuid.UUID(str(request_id))
    except ValueError as error:
        raise VocabularyError("the request id is not a UUID") from error


def _recorded(user: User, request_id: uuid.UUID, card_id: int) -> VocabularyReviewResult | None:
    review = (
        VocabularyReview.objects.select_related("card")
        .filter(user=user, request_id=request_id)
        .first()
    )
    if review is None:
        return None
    if review.card_id != card_id:
        raise VocabularyError("this request id was already used for another card")
    return VocabularyReviewResult(review=review, card=review.card, created=False)


def vocabulary_review_record(
    *,
    user: User,
    card_id: int,
    rating: int,
    request_id: uuid.UUID | str,
    now: dt.datetime | None = None,
) -> VocabularyReviewResult:
    """Rates one of the person's cards (1 again, 2 hard, 3 good, 4 easy) and schedules it.

    The same ``request_id`` twice records one review and returns the first result, also
    when both arrive at once (the card is locked; the unique constraint is the last
    guard). A card that is not the person's raises ``Http404``; a bad rating or request
    id raises ``VocabularyError``. Either way nothing changes.
    """
    if isinstance(rating, bool) or rating not in RATINGS:
        raise VocabularyError(f"rating must be one of {', '.join(map(str, RATINGS))}")
    request_id = _request_uuid(request_id)
    with transaction.atomic():
        card = VocabularyCard.objects.select_for_update().filter(pk=card_id, user=user).first()
        if card is None:
            raise Http404("no such card")
        earlier = _recorded(user, request_id, card.pk)
        if earlier is not None:
            return earlier
        reviewed_at = _utc(now or timezone.now())
        scheduled, _log = _scheduler.review_card(
            _fsrs_card(card), fsrs.Rating(rating), review_datetime=reviewed_at
        )
        review = VocabularyReview(
            user=user,
            card=card,
            rating=rating,
            reviewed_at=reviewed_at,
            request_id=request_id,
            due_before=card.due,
            due_after=scheduled.due,
        )
        review.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            earlier = _recorded(user, request_id, card.pk)
            if earlier is None:
                raise
            return earlier
        card.state = int(scheduled.state)
        card.step = scheduled.step
        card.stability = scheduled.stability
        card.difficulty = scheduled.difficulty
        card.due = scheduled.due
        card.last_review = scheduled.last_review
        card.save(update_fields=["state", "step", "stability", "difficulty", "due", "last_review"])
    return VocabularyReviewResult(review=review, card=card, created=True)
