"""Reads about quizzes for other parts (progress in ``training``) and for the quiz pages."""

from quizzes.models import QuizAttempt


def quiz_pages_passed(*, user_ids, page_ids) -> set[tuple[int, int]]:
    """(user_id, page_id) pairs for which a finished, passed attempt exists. One query."""
    return set(
        QuizAttempt.objects.finished()
        .filter(passed=True, user_id__in=list(user_ids), page_id__in=list(page_ids))
        .values_list("user_id", "page_id")
        .distinct()
    )


def quiz_attempts_open(*, user) -> list[QuizAttempt]:
    """The person's open attempts with their quiz page, newest first ("continue where I
    stopped"). One query."""
    return list(
        QuizAttempt.objects.open()
        .filter(user=user, page__isnull=False)
        .select_related("page")
        .only(
            "pk",
            "number",
            "position",
            "quiz_title",
            "started_at",
            "page__title",
            "page__url_path",
            "page__slug",
            "page__depth",
            "page__path",
        )
        .order_by("-started_at")
    )


def quiz_attempts_of(*, user, page) -> dict:
    """The landing page's view of one person's attempts at one quiz. One query."""
    attempts = list(
        QuizAttempt.objects.filter(user=user, page=page)
        .only("pk", "number", "status", "score", "passed", "finished_at", "position")
        .order_by("number")
    )
    open_attempt = next((a for a in attempts if a.is_open), None)
    used = len(attempts)
    limit = page.attempt_limit
    return {
        "attempts": [a for a in attempts if not a.is_open],
        "open_attempt": open_attempt,
        "attempts_left": None if not limit else max(0, limit - used),
        "may_start": open_attempt is None and (not limit or used < limit),
    }
