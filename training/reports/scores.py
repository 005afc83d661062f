"""Quiz scores in reports: the one seam, the data-protection setting and the audit log.

Managers see status, dates and due dates per person. Named scores (one person's result)
appear only when the deployment sets ``TRAINING_REPORTS_NAMED_SCORES = True`` together
with ``TRAINING_REPORTS_NAMED_SCORES_REASON`` (for example the service agreement that
allows it; a system check refuses the one without the other). Then every view or export
that shows named scores is written to ``ReportAudit`` (who, when, which people, which
filters) by ``named_scores_audit``; administrators read that log, nobody can change it.

Aggregated scores (a team's or course's average) are shown only for groups of at least
``TRAINING_REPORTS_MIN_GROUP_SIZE`` people (default 5); smaller groups show "too few
people".

``attempt_scores`` reads the quizzes app's finished attempts: per person and course or
module, the mean over its live quiz pages of the person's best score (quizzes the person
has not finished do not count). Scenarios have several scored dimensions and no single
score, so they count for completion (passed or not) but not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from functools import reduce
from operator import or_

from django.conf import settings
from django.core import checks
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from training.models import User
from training.reports.models import ReportAudit

TOO_FEW_PEOPLE = _("too few people")


def named_scores_enabled() -> bool:
    return bool(getattr(settings, "TRAINING_REPORTS_NAMED_SCORES", False)) and bool(
        named_scores_reason()
    )


def named_scores_reason() -> str:
    return str(getattr(settings, "TRAINING_REPORTS_NAMED_SCORES_REASON", "")).strip()


def min_group_size() -> int:
    return max(1, int(getattr(settings, "TRAINING_REPORTS_MIN_GROUP_SIZE", 5)))


def attempt_scores(
    *, user_ids: Collection[int], page_ids: Collection[int]
) -> dict[tuple[int, int], int]:
    """(user id, course or module id) → the person's quiz score there in percent: the mean
    of their best finished attempt at each live quiz page below it. Three queries."""
    if not user_ids or not page_ids:
        return {}
    from quizzes.models import QuizAttempt, QuizPage

    paths = dict(Page.objects.filter(id__in=list(page_ids)).values_list("id", "path"))
    if not paths:
        return {}
    quizzes = list(
        QuizPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=path) for path in paths.values())))
        .values_list("id", "path")
    )
    best = (
        QuizAttempt.objects.finished()
        .filter(user_id__in=list(user_ids), page_id__in=[pk for pk, _path in quizzes])
        .values("user_id", "page_id")
        .annotate(best=Max("score"))
    )
    best_of = {(row["user_id"], row["page_id"]): row["best"] for row in best}
    result: dict[tuple[int, int], int] = {}
    for page_id, path in paths.items():
        below = [pk for pk, quiz_path in quizzes if quiz_path.startswith(path)]
        for user_id in user_ids:
            mine = [best_of[(user_id, pk)] for pk in below if (user_id, pk) in best_of]
            if mine:
                result[(user_id, page_id)] = round(sum(mine) / len(mine))
    return result


def named_scores(
    *, user_ids: Collection[int], page_ids: Collection[int]
) -> dict[tuple[int, int], int]:
    """Scores per person for a report, or nothing when the setting does not allow them.
    A caller that shows the result must call ``named_scores_audit``."""
    if not named_scores_enabled():
        return {}
    return attempt_scores(user_ids=user_ids, page_ids=page_ids)


def group_score(scores: Mapping[int, int]) -> int | None:
    """The average of person → score for a group, or None for fewer than the minimum
    group size (shown as "too few people")."""
    if len(scores) < min_group_size():
        return None
    return round(sum(scores.values()) / len(scores))


def named_scores_audit(
    *,
    actor: User,
    action: str,
    report: str,
    user_ids: Collection[int],
    filters: Mapping[str, str],
    now: dt.datetime | None = None,
) -> ReportAudit:
    """Records that ``actor`` saw or exported named scores of ``user_ids``."""
    entry = ReportAudit(
        actor=actor,
        actor_name=f"{actor.get_full_name() or actor.get_username()} ({actor.get_username()})",
        at=now or timezone.now(),
        action=action,
        report=report,
        people=sorted(int(pk) for pk in user_ids),
        filters=dict(filters),
    )
    entry.full_clean()
    entry.save()
    return entry


@checks.register()
def check_named_scores_reason(app_configs=None, **kwargs):
    if getattr(settings, "TRAINING_REPORTS_NAMED_SCORES", False) and not named_scores_reason():
        return [
            checks.Error(
                "TRAINING_REPORTS_NAMED_SCORES is on without TRAINING_REPORTS_NAMED_SCORES_REASON.",
                hint="Name the agreement that allows managers to see named scores.",
                id="training.E501",
            )
        ]
    return []
