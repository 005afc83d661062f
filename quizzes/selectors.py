"""Reads about quizzes for other parts (progress in ``training``) and for the quiz pages."""

from quizzes.models import QuizAttempt
from training.reports.scores import min_group_size


def quiz_pages_passed(*, user_ids, page_ids) -> set[tuple[int, int]]:
    """(user_id, page_id) pairs for which a finished, passed attempt exists. One query."""
    return set(
        QuizAttempt.objects.finished()
        .filter(passed=True, user_id__in=list(user_ids), page_id__in=list(page_ids))
        .values_list("user_id", "page_id")
        .order_by()  # the model's ordering would make DISTINCT read (and keep) every row
        .distinct()
    )


def quiz_attempts_open(*, user) -> list[QuizAttempt]:
    """The person's open attempts with their quiz page, newest first ("continue where I
    stopped"). One query."""
    return list(
        QuizAttempt.objects.open()
        .filter(user=user, page__isnull=False)
        .select_related("page")
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


def _mean(values) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def quiz_statistics(*, page) -> dict:
    """Item analysis of the finished attempts at ``page``: aggregates only, no people.

    Per question (by the question it was drawn from, across versions): how often it was
    shown, its average score (the difficulty index p: the share of points reached, so
    high means easy), its discrimination index (average score in the best 27 % of
    attempts minus that in the weakest 27 %; near 0 or negative means the question does
    not separate those who know from those who do not) and the wrong options chosen most.

    Data protection (``training.reports.scores``): the figures are about people, so they
    are computed only when at least ``min_group_size()`` distinct people stand behind
    them. Below that ``too_few`` is set and pass rate, average score and the questions
    are left out (None and an empty list), not merely hidden by the template; a question
    shown to fewer people (questions drawn at random) keeps only its counts.
    One query with too few people (or none), two otherwise.
    """
    from quizzes.models import QuizAnswer

    minimum = min_group_size()
    attempts = list(
        QuizAttempt.objects.finished()
        .filter(page=page)
        .only("pk", "user_id", "score", "passed", "snapshot")
        .order_by("score", "pk")
    )
    count = len(attempts)
    people = len({a.user_id for a in attempts})
    summary = {
        "attempts": count,
        "people": people,
        "min_group_size": minimum,
        "too_few": 0 < people < minimum,  # nobody at all is no one's figure
        "pass_rate": None,
        "average_score": None,
        "questions": [],
    }
    if not count or summary["too_few"]:
        return summary

    answers: dict[int, dict[int, QuizAnswer]] = {}
    for answer in QuizAnswer.objects.filter(attempt__in=[a.pk for a in attempts]).only(
        "attempt_id", "position", "response", "score"
    ):
        answers.setdefault(answer.attempt_id, {})[answer.position] = answer
    group = max(1, round(count * 0.27)) if count >= 2 else 0
    lower = {a.pk for a in attempts[:group]}
    upper = {a.pk for a in attempts[count - group :]} if group else set()

    items: dict[int, dict] = {}
    for attempt in attempts:
        for position, question in enumerate(attempt.snapshot["questions"]):
            item = items.setdefault(
                question["question_id"],
                {
                    "question_id": question["question_id"],
                    "title": question["title"],
                    "type": question["type"],
                    "scored": question["scored"],
                    "shown": 0,
                    "answered": 0,
                    "people": set(),
                    "scores": [],
                    "upper": [],
                    "lower": [],
                    "wrong": {},
                },
            )
            item["title"] = question["title"]  # the newest version's title
            item["shown"] += 1
            item["people"].add(attempt.user_id)
            answer = answers.get(attempt.pk, {}).get(position)
            score = answer.score if answer else 0.0
            if answer:
                item["answered"] += 1
                texts = {o["id"]: o["text"] for o in question["public"].get("options", [])}
                correct = set(question["key"].get("correct", []))
                for chosen in answer.response.get("selected", []):
                    if chosen not in correct:
                        label = texts.get(chosen) or chosen
                        item["wrong"][label] = item["wrong"].get(label, 0) + 1
            item["scores"].append(score)
            if attempt.pk in upper:
                item["upper"].append(score)
            if attempt.pk in lower:
                item["lower"].append(score)

    questions = []
    for item in items.values():
        too_few = len(item["people"]) < minimum
        scored = item["scored"] and not too_few
        upper_mean, lower_mean = _mean(item["upper"]), _mean(item["lower"])
        questions.append(
            {
                "question_id": item["question_id"],
                "title": item["title"],
                "type": item["type"],
                "scored": item["scored"],
                "too_few": too_few,
                "shown": item["shown"],
                "answered": item["answered"],
                "difficulty": _mean(item["scores"]) if scored else None,
                "discrimination": upper_mean - lower_mean
                if scored and upper_mean is not None and lower_mean is not None
                else None,
                "wrong_options": []
                if too_few
                else sorted(item["wrong"].items(), key=lambda kv: (-kv[1], kv[0]))[:3],
            }
        )
    questions.sort(key=lambda q: (q["difficulty"] is None, q["difficulty"] or 0))
    summary.update(
        pass_rate=100 * sum(1 for a in attempts if a.passed) / count,
        average_score=_mean(a.score for a in attempts),
        questions=questions,
    )
    return summary
