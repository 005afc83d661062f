"""Operations that change scenario plays. Views, commands and tests call these only.

Only the server evaluates a choice: the clerk sends which option they chose at which
turn, nothing else is read. Each play is pinned to a ``ScenarioVersion`` (the compiled
definition of the published revision it started on), so later edits or the deletion of
the scenario never change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes.models import ScenarioChoice, ScenarioPage, ScenarioPlay, ScenarioVersion
from quizzes.scenario_graph import (
    ChoiceOutcome,
    ScenarioInputError,
    choice_evaluate,
    initial_scores,
    initial_state,
    passed_evaluate,
    steps_by_key,
)

# Rendition a step's image is shown in; made once, when a version is compiled.
STEP_IMAGE_FILTER = "max-960x720"

# Far above any real scenario; a larger turn number is malformed input, not a stale page.
MAX_TURN = 10_000


class ScenarioUnavailable(Exception):
    """The scenario cannot be played (not published)."""


class ScenarioStale(Exception):
    """The choice was made on a page that no longer shows the play's current step."""


@dataclass(frozen=True)
class ChooseResult:
    play: ScenarioPlay
    choice: ScenarioChoice
    outcome: ChoiceOutcome


def _image_data(image, alt: str) -> dict:
    rendition = image.get_rendition(STEP_IMAGE_FILTER)
    return {"url": rendition.url, "width": rendition.width, "height": rendition.height, "alt": alt}


def scenario_version_ensure(*, page: ScenarioPage) -> ScenarioVersion:
    """The version of the page's published revision, compiled on first use."""
    revision_id = page.live_revision_id
    if not page.live or revision_id is None:
        raise ScenarioUnavailable(_("This scenario is not published."))
    version = ScenarioVersion.objects.filter(revision_id=revision_id).first()
    if version is not None:
        return version
    # The page row holds the content of its live revision (drafts live in revisions only).
    try:
        with transaction.atomic():
            return ScenarioVersion.objects.create(
                page=page,
                revision_id=revision_id,
                title=page.title,
                definition=page.definition(image_data=_image_data),
                pass_rule=page.pass_rule(),
            )
    except IntegrityError:  # compiled by a parallel request a moment ago
        return ScenarioVersion.objects.get(revision_id=revision_id)


@transaction.atomic
def scenario_play_start(*, user, page: ScenarioPage) -> ScenarioPlay:
    """The person's open play of ``page``, or a new one on the published version."""
    existing = ScenarioPlay.objects.filter(
        user=user, page=page, status=ScenarioPlay.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    version = scenario_version_ensure(page=page)
    definition = version.definition
    try:
        with transaction.atomic():
            return ScenarioPlay.objects.create(
                user=user,
                page=page,
                version=version,
                step_key=definition["start"],
                state=initial_state(definition),
                scores=initial_scores(),
            )
    except IntegrityError:  # a parallel start won: resume that one
        return ScenarioPlay.objects.get(user=user, page=page, status=ScenarioPlay.Status.OPEN)


@transaction.atomic
def scenario_play_choose(*, user, play_id: int, turn: int, option: int) -> ChooseResult:
    """Choose option ``option`` of the step shown at ``turn``; moves the play on and, at
    an ending, finishes it.

    Raises ``ScenarioPlay.DoesNotExist`` for another person's play, ``ScenarioStale``
    when the play has moved on since that page (or is finished), and
    ``ScenarioInputError`` for an option the step does not have. Nothing changes then.
    """
    if not isinstance(turn, int) or isinstance(turn, bool) or not 0 <= turn <= MAX_TURN:
        raise ScenarioInputError(_("The turn number is not valid."))
    if not isinstance(option, int) or isinstance(option, bool):
        raise ScenarioInputError(_("This option does not exist at this step."))
    # Locks the play row (PostgreSQL): parallel choices queue here and then see the new turn.
    play = (
        ScenarioPlay.objects.select_for_update(of=("self",))
        .select_related("version")
        .get(pk=play_id, user=user)
    )
    if play.status != ScenarioPlay.Status.OPEN or play.turn != turn:
        raise ScenarioStale(
            _("This page was out of date: your play had already moved on. Nothing was changed.")
        )
    definition = play.version.definition
    step = steps_by_key(definition)[play.step_key]
    outcome = choice_evaluate(
        definition,
        step_key=play.step_key,
        option_index=option,
        state=play.state,
        scores=play.scores,
    )
    try:
        with transaction.atomic():
            choice = ScenarioChoice.objects.create(
                play=play,
                turn=turn,
                step_key=play.step_key,
                step_title=step["title"][:150],
                option_index=option,
                option_text=outcome.option["text"][:300],
                next_step=outcome.next_step,
            )
    except IntegrityError as error:  # same turn recorded by a parallel request
        raise ScenarioStale(
            _("This page was out of date: your play had already moved on. Nothing was changed.")
        ) from error
    play.step_key = outcome.next_step
    play.state = outcome.state
    play.scores = outcome.scores
    play.turn = turn + 1
    ending = steps_by_key(definition)[outcome.next_step]["ending"]
    if ending is not None:
        _finish(play, definition=definition, ending=ending)
    play.save()
    return ChooseResult(play=play, choice=choice, outcome=outcome)


@transaction.atomic
def scenario_play_restart(*, user, play_id: int, turn: int) -> ScenarioPlay:
    """Give up the open play ``play_id`` (as it stood at ``turn``) and start afresh on the
    published version. The old play keeps its choices, marked abandoned.

    Raises ``ScenarioPlay.DoesNotExist`` for another person's play and ``ScenarioStale``
    when the play has moved on or ended (a second click changes nothing).
    """
    if not isinstance(turn, int) or isinstance(turn, bool) or not 0 <= turn <= MAX_TURN:
        raise ScenarioInputError(_("The turn number is not valid."))
    play = (
        ScenarioPlay.objects.select_for_update(of=("self",))
        .select_related("page")
        .get(pk=play_id, user=user)
    )
    if play.status != ScenarioPlay.Status.OPEN or play.turn != turn:
        raise ScenarioStale(
            _("This page was out of date: your play had already moved on. Nothing was changed.")
        )
    if play.page is None:
        raise ScenarioUnavailable(_("This scenario is not published."))
    play.status = ScenarioPlay.Status.ABANDONED
    play.finished_at = timezone.now()
    play.save(update_fields=["status", "finished_at", "updated_at"])
    return scenario_play_start(user=user, page=play.page)


def _finish(play: ScenarioPlay, *, definition: dict, ending: dict) -> None:
    step = steps_by_key(definition)[play.step_key]
    play.status = ScenarioPlay.Status.FINISHED
    play.finished_at = timezone.now()
    play.ending_key = play.step_key
    play.ending_title = step["title"][:150]
    play.outcome = ending["outcome"]
    play.passed = passed_evaluate(
        pass_rule=play.version.pass_rule, outcome=ending["outcome"], scores=play.scores
    )
