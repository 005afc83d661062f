"""Reads of scenario plays for pages, the progress work (``training``) and the admin.

Each costs a fixed number of queries, whatever the number of plays, steps or pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from quizzes.models import ScenarioChoice, ScenarioPage, ScenarioPlay


def scenario_plays_of_page(*, user, page: ScenarioPage) -> list[ScenarioPlay]:
    """The person's plays of one scenario, newest first (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        ScenarioPlay.objects.filter(user=user, page=page)
        .select_related("version")
        .order_by("-started_at", "-pk")
    )


def scenario_pages_passed(
    *, user_ids: Iterable[int], page_ids: Iterable[int]
) -> set[tuple[int, int]]:
    """``(user_id, page_id)`` for every person in ``user_ids`` who has passed the scenario
    ``page_id`` at least once, on any version (one query)."""
    user_ids, page_ids = list(user_ids), list(page_ids)
    if not user_ids or not page_ids:
        return set()
    return set(
        ScenarioPlay.objects.filter(
            user_id__in=user_ids,
            page_id__in=page_ids,
            status=ScenarioPlay.Status.FINISHED,
            passed=True,
        )
        .values_list("user_id", "page_id")
        .order_by()  # the model's ordering would make DISTINCT read (and keep) every row
        .distinct()
    )


def scenario_plays_open(*, user) -> QuerySet[ScenarioPlay]:
    """The person's unfinished plays of scenarios that still exist, most recently played
    first, with their page and version ("continue where I stopped"; one query)."""
    return (
        ScenarioPlay.objects.filter(user=user, status=ScenarioPlay.Status.OPEN, page__isnull=False)
        .select_related("page", "version")
        .order_by("-updated_at", "-pk")
    )


def scenario_play_for_user(*, user, play_id: int) -> ScenarioPlay:
    """One of the person's own plays with its version and page (one query); anyone
    else's play raises ``ScenarioPlay.DoesNotExist``."""
    return ScenarioPlay.objects.select_related("version", "page").get(pk=play_id, user=user)


def scenario_choices(*, play: ScenarioPlay) -> list[ScenarioChoice]:
    return list(play.choices.order_by("turn"))


def scenario_statistics(*, page: ScenarioPage) -> dict:
    """Aggregates of all plays of a scenario, on every version, without names: how often
    each option and each ending was reached (three queries)."""
    options = list(
        ScenarioChoice.objects.filter(play__page=page)
        .values("step_key", "step_title", "option_index", "option_text")
        .annotate(count=Count("pk"))
        .order_by("step_key", "option_index", "option_text")
    )
    endings = list(
        ScenarioPlay.objects.filter(page=page, status=ScenarioPlay.Status.FINISHED)
        .values("ending_key", "ending_title", "outcome")
        .annotate(count=Count("pk"))
        .order_by("-count", "ending_key")
    )
    totals = ScenarioPlay.objects.filter(page=page).aggregate(
        plays=Count("pk"),
        finished=Count("pk", filter=Q(status=ScenarioPlay.Status.FINISHED)),
        passed=Count("pk", filter=Q(passed=True)),
    )
    return {"options": options, "endings": endings, "totals": totals}


def scenario_pages_with_counts(*, pages) -> list[ScenarioPage]:
    """The scenario pages among ``pages`` (a page queryset) in tree order, each annotated
    with ``plays``, ``finished`` and ``passed`` (one query)."""
    return list(
        ScenarioPage.objects.filter(pk__in=pages.values("pk"))
        .annotate(
            plays=Count("scenario_plays", distinct=True),
            finished=Count(
                "scenario_plays",
                filter=Q(scenario_plays__status=ScenarioPlay.Status.FINISHED),
                distinct=True,
            ),
            passed=Count("scenario_plays", filter=Q(scenario_plays__passed=True), distinct=True),
        )
        .order_by("path")
    )
