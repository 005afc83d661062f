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

Seam for the quiz branch: ``attempt_scores`` is wired by the coordinator to the quizzes
app's attempts (best graded attempt per person and quiz page of a module or course)
when that branch lands. Until quiz pages exist there are no scores and the score columns
stay empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.completion import _assessment_models
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
    """(user id, course or module id) → score in percent of the person's quizzes there.

    Seam for the quiz branch (see the module docstring). Without quiz or scenario pages
    nobody has a score.
    """
    if not user_ids or not page_ids or not _assessment_models():
        return {}
    raise NotImplementedError("Quiz pages exist, but no score selector is wired here.")


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
