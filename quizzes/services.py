"""Operations that change quiz data: start, answer, finish and regrade attempts.

Grading happens here only, on the snapshot stored with the attempt. Every function is
atomic and locks what it changes, so concurrent requests (double clicks, several tabs,
ten identical "finish" requests) serialise: on PostgreSQL by row locks, on SQLite by its
single writer.
"""

import random
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import Term
from quizzes.models import (
    AttemptStatus,
    QuizAnswer,
    QuizAttempt,
    QuizPage,
    QuizRegrade,
    ResponseInvalid,
)
from quizzes.models.questions import QUESTION_TYPES


class QuizAttemptRefused(Exception):
    """The clerk may not do this (no attempts left, attempt finished, stale page)."""


def _rules(page: QuizPage) -> dict:
    return {
        "pass_mark": page.pass_mark,
        "feedback_timing": page.feedback_timing,
        "attempt_limit": page.attempt_limit,
    }


def quiz_snapshot_build(*, page: QuizPage, rng: random.Random | None = None) -> dict:
    """What a new attempt of ``page`` shows and how it is graded (reads only)."""
    rng = rng or random.SystemRandom()
    questions = page.questions_for_attempt(rng)
    term_ids = {pk for q in questions for pk in q.term_ids()}
    terms = (
        {t.pk: t for t in Term.objects.filter(pk__in=term_ids).prefetch_related("translations")}
        if term_ids
        else {}
    )
    return {
        "title": page.title,
        "rules": _rules(page),
        "questions": [
            q.snapshot(rng=rng, shuffle_options=page.shuffle_options, terms=terms)
            for q in questions
        ],
    }


def _lock_user(user) -> None:
    # Serialises one person's starts (attempt limit, one open attempt) on PostgreSQL.
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def quiz_attempt_start(*, user, page: QuizPage) -> QuizAttempt:
    """The person's open attempt at ``page``, or a new one if attempts are left.

    Raises ``QuizAttemptRefused`` when the attempt limit is reached or the quiz has no
    questions.
    """
    try:
        with transaction.atomic():
            _lock_user(user)
            attempts = QuizAttempt.objects.filter(user=user, page=page)
            existing = attempts.open().first()
            if existing is not None:
                return existing
            used = attempts.count()
            if page.attempt_limit and used >= page.attempt_limit:
                raise QuizAttemptRefused(gettext("You have used all attempts at this quiz."))
            snapshot = quiz_snapshot_build(page=page)
            if not snapshot["questions"]:
                raise QuizAttemptRefused(gettext("This quiz has no questions yet."))
            return QuizAttempt.objects.create(
                user=user,
                page=page,
                quiz_title=page.title,
                number=used + 1,
                snapshot=snapshot,
            )
    except IntegrityError:
        # A concurrent start won (SQLite has no row lock): use its attempt.
        existing = QuizAttempt.objects.filter(user=user, page=page).open().first()
        if existing is None:
            raise
        return existing


def _attempt_locked(*, user, attempt_id: int) -> QuizAttempt:
    attempt = QuizAttempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise Http404
    return attempt


@dataclass
class AnswerResult:
    answer: QuizAnswer
    attempt: QuizAttempt


@transaction.atomic
def quiz_attempt_answer(
    *, user, attempt_id: int, position: int, data, revision: int
) -> AnswerResult:
    """Grade and store the answer to question ``position`` from form ``data``.

    ``revision`` is the answer's revision the form was made from (0: unanswered); any
    other current revision means the page was stale and nothing changes. Other fields
    in ``data`` (score, correctness, user, …) are never read.
    Raises ``ResponseInvalid`` or ``QuizAttemptRefused`` (nothing changed) or ``Http404``.
    """
    attempt = _attempt_locked(user=user, attempt_id=attempt_id)
    if not attempt.is_open:
        raise QuizAttemptRefused(gettext("This attempt is already finished."))
    if not 0 <= position < len(attempt.questions):
        raise Http404
    question = attempt.questions[position]
    kind = QUESTION_TYPES[question["type"]]
    response = kind.parse_response(question["public"], data)
    score = kind.grade(question["public"], question["key"], response)
    answer = QuizAnswer.objects.filter(attempt=attempt, position=position).first()
    current = answer.revision if answer else 0
    if revision != current:
        raise QuizAttemptRefused(
            gettext(
                "This question was answered in another window in the meantime; "
                "the newer answer is kept."
            )
        )
    if answer is not None and attempt.feedback_after_each:
        raise QuizAttemptRefused(gettext("This question is already answered."))
    if answer is None:
        answer = QuizAnswer.objects.create(
            attempt=attempt, position=position, response=response, score=score
        )
    else:
        answer.response = response
        answer.score = score
        answer.revision += 1
        answer.save(update_fields=["response", "score", "revision", "answered_at"])
    # Resume at the next question (never behind where the clerk already was).
    following = min(position + 1, len(attempt.questions) - 1)
    if attempt.feedback_after_each:
        following = position  # the feedback of this question comes first
    if following != attempt.position:
        attempt.position = following
        attempt.save(update_fields=["position"])
    return AnswerResult(answer=answer, attempt=attempt)


SELF_ASSESSMENTS = ("yes", "partly", "no")


@transaction.atomic
def quiz_attempt_self_assess(*, user, attempt_id: int, position: int, value: str) -> None:
    """Record how close the clerk finds their free-text answer to the model answer, once
    they have seen it (after the question or after finishing). It never counts."""
    attempt = _attempt_locked(user=user, attempt_id=attempt_id)
    if not 0 <= position < len(attempt.questions):
        raise Http404
    if attempt.questions[position]["type"] != "shorttext" or value not in SELF_ASSESSMENTS:
        raise ResponseInvalid(gettext("Please choose one of the given answers."))
    if attempt.is_open and not attempt.feedback_after_each:
        raise QuizAttemptRefused(gettext("The model answer is shown after finishing."))
    answer = QuizAnswer.objects.filter(attempt=attempt, position=position).first()
    if answer is None:
        raise QuizAttemptRefused(gettext("Answer the question first."))
    answer.response = {**answer.response, "self_assessment": value}
    answer.save(update_fields=["response", "answered_at"])


def attempt_score(snapshot: dict, scores: dict[int, float]) -> float:
    """Percent of the points of the scored questions; unanswered questions give 0."""
    scored = [i for i, q in enumerate(snapshot["questions"]) if q["scored"]]
    if not scored:
        return 100.0
    return round(100 * sum(scores.get(i, 0.0) for i in scored) / len(scored), 2)


@transaction.atomic
def quiz_attempt_finish(*, user, attempt_id: int) -> QuizAttempt:
    """Finish the attempt and store its score, exactly once: a second (or tenth,
    concurrent) request returns the attempt as the first one finished it."""
    attempt = _attempt_locked(user=user, attempt_id=attempt_id)
    if not attempt.is_open:
        return attempt
    scores = dict(attempt.answers.values_list("position", "score"))
    attempt.score = attempt_score(attempt.snapshot, scores)
    attempt.passed = attempt.score >= attempt.rules["pass_mark"]
    attempt.status = AttemptStatus.FINISHED
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["score", "passed", "status", "finished_at"])
    return attempt


# --- Regrading -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegradeSummary:
    """What a regrade would do, as aggregates only (the dry run shows no attempt).

    The counts of attempts are always there; the figures about scores (higher, lower,
    failed to passed and back, pass rate and average before and after) only when the
    attempts belong to at least ``min_group_size()`` distinct people, else None."""

    attempts: int  # finished attempts
    people: int  # distinct people behind them
    min_group_size: int
    rekeyed: int  # attempts with at least one question getting a corrected key
    changed: int  # attempts whose score would change
    raised: int | None = None
    lowered: int | None = None
    failed_to_passed: int | None = None
    passed_to_failed: int | None = None
    old_pass_rate: float | None = None
    new_pass_rate: float | None = None
    old_average: float | None = None
    new_average: float | None = None

    @property
    def too_few(self) -> bool:
        return self.people < self.min_group_size


def _regraded(attempt: QuizAttempt, live: dict, answers: list[QuizAnswer]):
    """New snapshot, new per-answer scores and new score of ``attempt`` graded by the
    live questions' current keys. A question whose shown options no longer exist (an
    option deleted) keeps its old key: its answers cannot be matched."""
    snapshot = {**attempt.snapshot, "questions": [dict(q) for q in attempt.questions]}
    changed = 0
    for question in snapshot["questions"]:
        current = live.get(question["question_id"])
        if current is None or current.type_key != question["type"]:
            continue
        _public, key = current.snapshot_parts(
            rng=random.Random(0),  # noqa: S311 (only the key is used, not the order)
            shuffle_options=False,
            terms=live["__terms__"],
        )
        key = {**key, "explanation": current.explanation}
        if not _key_fits(question, key):
            continue
        if key != question["key"]:
            question["key"] = key
            changed += 1
    new_scores = {}
    for answer in answers:
        q = snapshot["questions"][answer.position]
        new_scores[answer.position] = QUESTION_TYPES[q["type"]].grade(
            q["public"], q["key"], answer.response
        )
    return snapshot, new_scores, attempt_score(snapshot, new_scores), changed


def _key_fits(question: dict, key: dict) -> bool:
    public = question["public"]
    if "options" in public:
        shown = {o["id"] for o in public["options"]}
        return set(key["correct"]) <= shown and bool(key["correct"])
    if "items" in public:
        return set(key["order"]) == {i["id"] for i in public["items"]}
    if "parts" in public:
        return set(key["gaps"]) == {p["gap"] for p in public["parts"] if "gap" in p}
    # Matching pairs get random choice ids per attempt and free text is not scored:
    # neither can be regraded.
    return False


def _regrade_plan(page: QuizPage):
    from courses.models import Term
    from quizzes.models import Question

    attempts = list(
        QuizAttempt.objects.finished().filter(page=page).prefetch_related("answers").order_by("pk")
    )
    ids = {q["question_id"] for a in attempts for q in a.questions}
    live = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    term_ids = {pk for q in live.values() for pk in q.term_ids()}
    live["__terms__"] = {
        t.pk: t for t in Term.objects.filter(pk__in=term_ids).prefetch_related("translations")
    }
    plan = []
    for attempt in attempts:
        answers = list(attempt.answers.all())
        snapshot, new_scores, new_score, changed = _regraded(attempt, live, answers)
        plan.append((attempt, answers, snapshot, new_scores, new_score, changed))
    return plan


class _Effect(NamedTuple):
    old_score: float
    old_passed: bool
    new_score: float
    new_passed: bool


def quiz_attempts_regrade_summary(*, page: QuizPage) -> RegradeSummary:
    """Dry run: the effect of regrading every finished attempt, in aggregates; changes
    nothing. Scores only for at least ``min_group_size()`` people (see RegradeSummary).
    The queries of ``_regrade_plan``, whatever the number of attempts."""
    from training.reports.scores import min_group_size

    effects: list[_Effect] = []
    people = set()
    rekeyed = 0
    for attempt, _answers, _snapshot, _scores, new_score, changed in _regrade_plan(page):
        people.add(attempt.user_id)
        rekeyed += bool(changed)
        effects.append(
            _Effect(
                attempt.score,
                attempt.passed,
                new_score,
                new_score >= attempt.rules["pass_mark"],  # as the regrade sets it
            )
        )
    summary = RegradeSummary(
        attempts=len(effects),
        people=len(people),
        min_group_size=min_group_size(),
        rekeyed=rekeyed,
        changed=sum(1 for e in effects if e.new_score != e.old_score),
    )
    if summary.too_few:
        return summary
    count = len(effects)
    return replace(
        summary,
        raised=sum(1 for e in effects if e.new_score > e.old_score),
        lowered=sum(1 for e in effects if e.new_score < e.old_score),
        failed_to_passed=sum(1 for e in effects if e.new_passed and not e.old_passed),
        passed_to_failed=sum(1 for e in effects if e.old_passed and not e.new_passed),
        old_pass_rate=100 * sum(1 for e in effects if e.old_passed) / count,
        new_pass_rate=100 * sum(1 for e in effects if e.new_passed) / count,
        old_average=sum(e.old_score for e in effects) / count,
        new_average=sum(e.new_score for e in effects) / count,
    )


@transaction.atomic
def quiz_attempts_regrade(*, page: QuizPage, user) -> QuizRegrade:
    """Regrade every finished attempt of ``page`` by the questions' current keys and log
    it. Only attempts whose score or key changed are written."""
    QuizPage.objects.select_for_update().filter(pk=page.pk).values_list("pk").first()
    changes = []
    for attempt, answers, snapshot, new_scores, new_score, changed in _regrade_plan(page):
        if not changed and new_score == attempt.score:
            continue
        changes.append({"attempt": attempt.pk, "old": attempt.score, "new": new_score})
        for answer in answers:
            if answer.score != new_scores[answer.position]:
                answer.score = new_scores[answer.position]
                answer.save(update_fields=["score"])
        attempt.snapshot = snapshot
        attempt.score = new_score
        attempt.passed = new_score >= attempt.rules["pass_mark"]
        attempt.save(update_fields=["snapshot", "score", "passed"])
    return QuizRegrade.objects.create(page=page, quiz_title=page.title, user=user, changes=changes)


__all__ = [
    "QuizAttemptRefused",
    "RegradeSummary",
    "ResponseInvalid",
    "attempt_score",
    "quiz_attempt_answer",
    "quiz_attempt_finish",
    "quiz_attempt_self_assess",
    "quiz_attempt_start",
    "quiz_attempts_regrade",
    "quiz_attempts_regrade_summary",
    "quiz_snapshot_build",
]
