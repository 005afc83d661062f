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
    each option and each ending was reached.

    Data protection (``training.reports.scores``): the options chosen are counted only
    when at least ``min_group_size()`` distinct people played (any play, finished or
    not), the endings and the number of passed plays only when that many finished one
    (or nobody did).
    Otherwise ``options_too_few`` / ``endings_too_few`` is set, the list is empty and
    ``totals["passed"]`` is None: nothing about the few people is read. Totals always
    hold the counts of plays and finished plays and of the people behind them.
    One query, up to three with enough people.
    """
    from training.reports.scores import min_group_size

    minimum = min_group_size()
    finished = Q(status=ScenarioPlay.Status.FINISHED)
    totals = ScenarioPlay.objects.filter(page=page).aggregate(
        plays=Count("pk"),
        finished=Count("pk", filter=finished),
        passed=Count("pk", filter=Q(passed=True)),
        people=Count("user", distinct=True),
        finished_people=Count("user", filter=finished, distinct=True),
    )
    # Nobody at all is no one's figure: the empty tables (zeros) are shown then.
    options_too_few = 0 < totals["people"] < minimum
    endings_too_few = 0 < totals["finished_people"] < minimum
    if endings_too_few:
        totals["passed"] = None
    options = (
        []
        if options_too_few
        else list(
            ScenarioChoice.objects.filter(play__page=page)
            .values("step_key", "step_title", "option_index", "option_text")
            .annotate(count=Count("pk"))
            .order_by("step_key", "option_index", "option_text")
        )
    )
    endings = (
        []
        if endings_too_few
        else list(
            ScenarioPlay.objects.filter(finished, page=page)
            .values("ending_key", "ending_title", "outcome")
            .annotate(count=Count("pk"))
            .order_by("-count", "ending_key")
        )
    )
    return {
        "options": options,
        "endings": endings,
        "totals": totals,
        "options_too_few": options_too_few,
        "endings_too_few": endings_too_few,
        "min_group_size": minimum,
    }


def scenario_pages_with_counts(*, pages) -> list[ScenarioPage]:
    """The scenario pages among ``pages`` (a page queryset) in tree order, each annotated
    with ``plays``, ``finished`` and ``passed`` (one query). ``passed`` is None (and
    ``too_few`` set) when fewer than ``min_group_size()`` distinct people finished a
    play: how many passed would be a person's result."""
    from training.reports.scores import min_group_size

    finished = Q(scenario_plays__status=ScenarioPlay.Status.FINISHED)
    scenarios = list(
        ScenarioPage.objects.filter(pk__in=pages.values("pk"))
        .annotate(
            plays=Count("scenario_plays", distinct=True),
            finished=Count("scenario_plays", filter=finished, distinct=True),
            passed=Count("scenario_plays", filter=Q(scenario_plays__passed=True), distinct=True),
            finished_people=Count("scenario_plays__user", filter=finished, distinct=True),
        )
        .order_by("path")
    )
    minimum = min_group_size()
    for scenario in scenarios:
        scenario.too_few = bool(scenario.finished) and scenario.finished_people < minimum
        if scenario.too_few:
            scenario.passed = None
    return scenarios
