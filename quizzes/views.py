"""The clerk's side of an attempt: one question per page, the overview, finish, review.

Every view reads attempts through ``request.user``: another person's attempt id is a 404.
Nothing rendered before an answer contains the grading key (see ``_question_context``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.models import QuizAttempt, ResponseInvalid
from quizzes.services import (
    QuizAttemptRefused,
    quiz_attempt_answer,
    quiz_attempt_finish,
    quiz_attempt_self_assess,
)


def _own_attempt(request, attempt_id: int) -> QuizAttempt:
    return get_object_or_404(QuizAttempt, pk=attempt_id, user=request.user)


def _question_url(attempt_id: int, position: int) -> str:
    return reverse("quizzes:question", args=[attempt_id, position + 1])


def _question_context(attempt: QuizAttempt, answers: dict, position: int) -> dict:
    """Only ``public`` of the snapshot, plus the clerk's own answer; the key (correct
    answers, feedback, explanation) only once answered and if feedback comes now."""
    question = attempt.questions[position]
    answer = answers.get(position)
    context = {
        "question": {
            "type": question["type"],
            "prompt": question["prompt"],
            "public": question["public"],
            "scored": question["scored"],
        },
        "position": position,
        "number": position + 1,
        "count": len(attempt.questions),
        "answer": answer.response if answer else None,
        "revision": answer.revision if answer else 0,
        "locked": bool(answer) and attempt.feedback_after_each,
    }
    if answer is not None and attempt.feedback_after_each:
        kind = attempt.question_type(position)
        context["review"] = kind.review(question["public"], question["key"], answer.response)
        context["explanation"] = question["key"].get("explanation", "")
        context["question_score"] = answer.score
    return context


def _navigation(attempt: QuizAttempt, answers: dict) -> list[dict]:
    return [
        {"number": i + 1, "url": _question_url(attempt.pk, i), "answered": i in answers}
        for i in range(len(attempt.questions))
    ]


@never_cache
@login_required
@require_GET
def attempt_resume(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect("quizzes:review", attempt.pk)
    return redirect(_question_url(attempt.pk, attempt.position))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attempt_question(request, attempt_id: int, number: int):
    position = number - 1
    error = None
    if request.method == "POST":
        # The service reads (and locks) the attempt of this person itself: no second read.
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1
        try:
            result = quiz_attempt_answer(
                user=request.user,
                attempt_id=attempt_id,
                position=position,
                data=request.POST,
                revision=revision,
            )
        except ResponseInvalid as invalid:
            error = str(invalid)
        except QuizAttemptRefused as refusal:
            messages.warning(request, str(refusal))
            return redirect(_question_url(attempt_id, position))
        else:
            attempt = result.attempt
            if attempt.feedback_after_each:
                return redirect(_question_url(attempt.pk, position))
            if position + 1 < len(attempt.questions):
                return redirect(_question_url(attempt.pk, position + 1))
            return redirect("quizzes:overview", attempt.pk)
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect("quizzes:review", attempt.pk)
    if not 0 <= position < len(attempt.questions):
        raise Http404
    answers = {a.position: a for a in attempt.answers.all()}
    context = {
        "attempt": attempt,
        "page_url": attempt.page.url if attempt.page_id else None,
        "quiz_title": attempt.quiz_title,
        "error": error,
        "navigation": _navigation(attempt, answers),
        "next_url": _question_url(attempt.pk, position + 1)
        if position + 1 < len(attempt.questions)
        else reverse("quizzes:overview", args=[attempt.pk]),
        "previous_url": _question_url(attempt.pk, position - 1) if position else None,
        **_question_context(attempt, answers, position),
    }
    return TemplateResponse(
        request, "quizzes/quiz/question.html", context, status=400 if error else 200
    )


@never_cache
@login_required
@require_GET
def attempt_overview(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect("quizzes:review", attempt.pk)
    answers = {a.position: a for a in attempt.answers.all()}
    navigation = _navigation(attempt, answers)
    return TemplateResponse(
        request,
        "quizzes/quiz/overview.html",
        {
            "attempt": attempt,
            "quiz_title": attempt.quiz_title,
            "navigation": navigation,
            "unanswered": sum(1 for n in navigation if not n["answered"]),
        },
    )


@login_required
@require_POST
def attempt_finish(request, attempt_id: int):
    quiz_attempt_finish(user=request.user, attempt_id=attempt_id)
    return redirect("quizzes:review", attempt_id)


@never_cache
@login_required
@require_GET
def attempt_review(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_open:
        messages.info(request, gettext("Finish the attempt to see its review."))
        return redirect("quizzes:resume", attempt.pk)
    answers = {a.position: a for a in attempt.answers.all()}
    items = []
    for position, question in enumerate(attempt.questions):
        answer = answers.get(position)
        kind = attempt.question_type(position)
        items.append(
            {
                "number": position + 1,
                "question": question,
                "answered": answer is not None,
                "score": answer.score if answer else 0.0,
                "review": kind.review(question["public"], question["key"], answer.response)
                if answer
                else None,
                "explanation": question["key"].get("explanation", ""),
                "model_answer": question["key"].get("model_answer", ""),
            }
        )
    return TemplateResponse(
        request,
        "quizzes/quiz/review.html",
        {
            "attempt": attempt,
            "quiz_title": attempt.quiz_title,
            "items": items,
            "page_url": attempt.page.url if attempt.page_id else None,
        },
    )


@login_required
@require_POST
def attempt_self_assess(request, attempt_id: int, number: int):
    try:
        quiz_attempt_self_assess(
            user=request.user,
            attempt_id=attempt_id,
            position=number - 1,
            value=request.POST.get("self_assessment", ""),
        )
    except (ResponseInvalid, QuizAttemptRefused) as refusal:
        messages.warning(request, str(refusal))
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_open:
        return redirect(_question_url(attempt.pk, number - 1))
    return redirect(reverse("quizzes:review", args=[attempt.pk]) + f"#frage-{number}")
