"""Playing a scenario: the current step, a choice, and the summary at the end.

Ordinary Django views (never the page cache): everything here is about the reader.
A choice sends two fields, the turn the page showed and the option chosen; anything
else in the request is ignored, and the server decides what the choice does.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from courses.languages import Language, text_direction
from quizzes.models import ScenarioPlay
from quizzes.scenario_graph import DIMENSIONS, ScenarioInputError, dimension_labels, steps_by_key
from quizzes.scenario_selectors import scenario_choices, scenario_play_for_user
from quizzes.scenario_services import (
    ScenarioStale,
    ScenarioUnavailable,
    scenario_play_choose,
    scenario_play_restart,
)

LANGUAGE_LABELS = {"de": gettext_lazy("German"), **dict(Language.choices)}
# Longer than any option number or turn a real scenario has.
MAX_FIELD_LENGTH = 6


def _own_play(user, play_id: int) -> ScenarioPlay:
    try:
        return scenario_play_for_user(user=user, play_id=play_id)
    except ScenarioPlay.DoesNotExist:
        raise Http404 from None


def _lines(step: dict) -> list[dict]:
    return [
        {
            **line,
            "dir": text_direction(line["language"]),
            "label": str(LANGUAGE_LABELS.get(line["language"], line["language"])),
        }
        for line in step["lines"]
    ]


def _summary(play: ScenarioPlay, definition: dict) -> dict:
    """The path with each choice's feedback and scores, read from the pinned version."""
    by_key = steps_by_key(definition)
    labels = dimension_labels()
    path = []
    for choice in scenario_choices(play=play):
        step = by_key.get(choice.step_key) or {"options": []}
        option = (
            step["options"][choice.option_index]
            if choice.option_index < len(step["options"])
            else {"feedback": "", "scores": {}}
        )
        path.append(
            {
                "step_title": choice.step_title,
                "option_text": choice.option_text,
                "feedback": option["feedback"],
                "scores": [
                    (labels[name], option["scores"].get(name, 0))
                    for name in DIMENSIONS
                    if option["scores"].get(name, 0)
                ],
            }
        )
    minimums = play.version.pass_rule.get("minimums") or {}
    return {
        "path": path,
        "scores": [
            {
                "label": labels[name],
                "value": play.scores.get(name, 0),
                "minimum": minimums.get(name),
            }
            for name in DIMENSIONS
        ],
    }


def scenario_play_render(request, play: ScenarioPlay, *, error: str = "", status: int = 200):
    definition = play.version.definition
    step = steps_by_key(definition)[play.step_key]
    context = {
        "play": play,
        "step": step,
        "lines": _lines(step),
        # Only the option texts, in their order: no target, effect, score or feedback.
        "option_texts": [option["text"] for option in step["options"]],
        "error": error,
        "mood_max": 5,
        "page_url": play.page.url if play.page_id else "",
    }
    if play.turn:
        last = play.choices.order_by("-turn").first()
        if last is not None:
            options = steps_by_key(definition).get(last.step_key, {}).get("options", [])
            if last.option_index < len(options):
                context["last_choice"] = last
                context["last_feedback"] = options[last.option_index]["feedback"]
    if not play.is_open:
        context["summary"] = _summary(play, definition)
    response = render(request, "quizzes/scenario/play.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def scenario_play(request, play_id: int):
    """The current step of the person's own play, or its summary once finished."""
    return scenario_play_render(request, _own_play(request.user, play_id))


def _small_int(raw) -> int | None:
    if not isinstance(raw, str) or not raw or len(raw) > MAX_FIELD_LENGTH or not raw.isdigit():
        return None
    return int(raw)


@login_required
@require_POST
def scenario_choose(request, play_id: int):
    """Record one choice (PRG); a stale page or a malformed choice changes nothing."""
    turn = _small_int(request.POST.get("turn"))
    option = _small_int(request.POST.get("option"))
    if turn is None or option is None or len(request.POST.getlist("option")) != 1:
        return scenario_play_render(
            request,
            _own_play(request.user, play_id),
            error=_("Please choose exactly one of the options."),
            status=400,
        )
    try:
        scenario_play_choose(user=request.user, play_id=play_id, turn=turn, option=option)
    except ScenarioPlay.DoesNotExist:
        raise Http404 from None
    except ScenarioStale as stale:
        play = _own_play(request.user, play_id)
        return scenario_play_render(request, play, error=str(stale), status=409)
    except ScenarioInputError as invalid:
        play = _own_play(request.user, play_id)
        return scenario_play_render(request, play, error=str(invalid), status=400)
    return redirect("scenarios:play", play_id=play_id)


@login_required
@require_POST
def scenario_restart(request, play_id: int):
    """Abandon the open play and start again from the first step (PRG)."""
    turn = _small_int(request.POST.get("turn"))
    if turn is None:
        return scenario_play_render(
            request,
            _own_play(request.user, play_id),
            error=_("The turn number is not valid."),
            status=400,
        )
    try:
        play = scenario_play_restart(user=request.user, play_id=play_id, turn=turn)
    except ScenarioPlay.DoesNotExist:
        raise Http404 from None
    except ScenarioStale as stale:
        return scenario_play_render(
            request, _own_play(request.user, play_id), error=str(stale), status=409
        )
    except ScenarioUnavailable:
        raise Http404 from None
    return redirect("scenarios:play", play_id=play.pk)
