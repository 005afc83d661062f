"""The branching counter scenario as a graph: its check and its evaluation.

Works on a plain *definition* (dicts and lists, JSON-serialisable), compiled from the
page's StreamField by ``definition_from_steps``. The same definition is what a play is
pinned to (``ScenarioVersion.definition``), so the admin's check, the diagram and the
server-side evaluation of a choice all read one shape:

    {"start": "ankunft", "initial_mood": 3, "steps": [
        {"key": "ankunft", "title": ..., "situation": ..., "image": {...} | None,
         "lines": [{"language": "ar", "text": ..., "gloss": ...}],
         "options": [{"text": ..., "feedback": ..., "target": "key",
                      "rules": [{"variable": "mood", "operator": "le", "value": 1,
                                 "document": "", "target": "key"}],
                      "mood": -1, "minutes": 5, "documents": ["pass"],
                      "scores": {"legal": 1, "deescalation": 0, "plain_language": 2}}],
         "ending": None | {"outcome": "success", "summary": ...}}]}

State is ``{"mood": int, "minutes": int, "documents": [str, ...]}``. An option's effects
apply first; its rules are then tried in order against the new state, the first that
holds picks the next step, else the option's own target.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The scored dimensions, in display order. Stored keys never change.
DIMENSIONS = ("legal", "deescalation", "plain_language")

MOOD_MIN, MOOD_MAX = 0, 5
MINUTES_MAX = 24 * 60

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")

OPERATORS = ("le", "ge", "eq", "shown", "not_shown")
VARIABLES = ("mood", "minutes", "document")

OUTCOMES = ("success", "neutral", "failure")


class ScenarioInputError(ValueError):
    """A choice the scenario cannot accept (unknown option, a step that is not current)."""


def dimension_labels() -> dict[str, str]:
    return {
        "legal": _("Legal correctness"),
        "deescalation": _("De-escalation"),
        "plain_language": _("Plain language"),
    }


# --- Definition from the StreamField -----------------------------------------------------


def _documents(raw: str) -> list[str]:
    """``"pass, meldebescheinigung"`` → ``["pass", "meldebescheinigung"]`` (order kept)."""
    seen: dict[str, None] = {}
    for part in (raw or "").split(","):
        part = part.strip().lower()
        if part:
            seen[part] = None
    return list(seen)


def _int(value, default=0) -> int:
    return default if value is None or value == "" else int(value)


def definition_from_steps(steps, *, initial_mood: int = 3, image_data=None) -> dict:
    """The plain definition of a stream of ``StepBlock`` values (a StreamValue or a list of
    their StructValues / dicts). ``image_data(image, alt)`` turns an image into what the
    play shows (a URL and size); without it images are left out (the graph check)."""
    compiled = []
    for step in steps:
        value = getattr(step, "value", step)
        options = []
        for option in value.get("options") or []:
            rules = []
            for rule in option.get("rules") or []:
                rules.append(
                    {
                        "variable": rule.get("variable") or "mood",
                        "operator": rule.get("operator") or "le",
                        "value": _int(rule.get("value")),
                        "document": (rule.get("document") or "").strip().lower(),
                        "target": (rule.get("target") or "").strip(),
                    }
                )
            options.append(
                {
                    "text": option.get("text") or "",
                    "feedback": option.get("feedback") or "",
                    "target": (option.get("target") or "").strip(),
                    "rules": rules,
                    "mood": _int(option.get("mood")),
                    "minutes": _int(option.get("minutes")),
                    "documents": _documents(option.get("documents")),
                    "scores": {name: _int(option.get(f"score_{name}")) for name in DIMENSIONS},
                }
            )
        image = None
        if image_data is not None and value.get("image") is not None:
            image = image_data(value["image"], value.get("image_alt") or "")
        lines = [
            {
                "language": line.get("language") or "de",
                "text": line.get("text") or "",
                "gloss": line.get("gloss") or "",
            }
            for line in value.get("client_lines") or []
        ]
        ending = None
        if value.get("is_ending"):
            ending = {
                "outcome": value.get("outcome") or "neutral",
                "summary": value.get("summary") or "",
            }
        compiled.append(
            {
                "key": (value.get("key") or "").strip(),
                "title": value.get("title") or "",
                "situation": value.get("situation") or "",
                "image": image,
                "lines": lines,
                "options": options,
                "ending": ending,
            }
        )
    return {
        "start": compiled[0]["key"] if compiled else "",
        "initial_mood": max(MOOD_MIN, min(MOOD_MAX, int(initial_mood))),
        "steps": compiled,
    }


# --- The check ---------------------------------------------------------------------------


def _targets(option: dict) -> list[str]:
    return [option["target"], *(rule["target"] for rule in option["rules"])]


@dataclass
class GraphReport:
    """Errors of a definition: per step index, and about the scenario as a whole."""

    step_errors: dict[int, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, index: int, message: str) -> None:
        self.step_errors.setdefault(index, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.step_errors and not self.general


def graph_check(definition: dict) -> GraphReport:
    """Every key unique and well-formed, every option and rule pointing at a step, every
    non-ending step with options and every ending without, every step reachable from the
    first, and from every step an ending reachable (no cycle without an exit)."""
    report = GraphReport()
    steps = definition["steps"]
    if not steps:
        report.general.append(_("A scenario needs at least one step and one ending."))
        return report

    index_of: dict[str, int] = {}
    for index, step in enumerate(steps):
        key = step["key"]
        if not KEY_PATTERN.match(key):
            report.add(
                index,
                _(
                    "The key “%(key)s” is not valid: use lower-case letters, digits, "
                    "hyphens and underscores (at most 50 characters)."
                )
                % {"key": key},
            )
        elif key in index_of:
            report.add(
                index,
                _("The key “%(key)s” is already used by step %(number)d.")
                % {"key": key, "number": index_of[key] + 1},
            )
        else:
            index_of[key] = index

    for index, step in enumerate(steps):
        if step["ending"] is None and not step["options"]:
            report.add(index, _("This step is not an ending, so it needs at least one option."))
        if step["ending"] is not None and step["options"]:
            report.add(index, _("An ending has no options: remove them or untick “ending”."))
        for number, option in enumerate(step["options"], start=1):
            if not option["target"]:
                report.add(index, _("Option %(number)d has no next step.") % {"number": number})
            for target in _targets(option):
                if target and target not in index_of:
                    report.add(
                        index,
                        _("Option %(number)d points at the step “%(key)s”, which does not exist.")
                        % {"number": number, "key": target},
                    )
            for rule in option["rules"]:
                if rule["variable"] == "document" and not rule["document"]:
                    report.add(
                        index,
                        _("A condition of option %(number)d names no document.")
                        % {"number": number},
                    )
                if rule["variable"] == "document" and rule["operator"] not in (
                    "shown",
                    "not_shown",
                ):
                    report.add(
                        index,
                        _(
                            "A condition of option %(number)d on a document must be "
                            "“shown” or “not shown”."
                        )
                        % {"number": number},
                    )
                if rule["variable"] != "document" and rule["operator"] in ("shown", "not_shown"):
                    report.add(
                        index,
                        _(
                            "A condition of option %(number)d compares mood or minutes: use "
                            "“at most”, “at least” or “equals”."
                        )
                        % {"number": number},
                    )
    if not any(step["ending"] is not None for step in steps):
        report.general.append(_("The scenario has no ending: mark at least one step as ending."))

    edges = {
        key: [t for option in steps[index]["options"] for t in _targets(option) if t in index_of]
        for key, index in index_of.items()
    }
    reachable = _reachable(definition["start"], edges)
    for key, index in index_of.items():
        if key not in reachable:
            report.add(index, _("No path leads to this step from the first step."))

    # Steps from which an ending can be reached: walk the edges backwards from the endings.
    backwards: dict[str, list[str]] = {key: [] for key in edges}
    for source, targets in edges.items():
        for target in targets:
            backwards.setdefault(target, []).append(source)
    endings = [step["key"] for step in steps if step["ending"] is not None]
    can_end = _reachable_many(endings, backwards)
    for key, index in index_of.items():
        if key in reachable and key not in can_end:
            report.add(
                index,
                _(
                    "From this step no path leads to an ending: the clerk would go round "
                    "in circles."
                ),
            )
    return report


def _reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    return _reachable_many([start], edges)


def _reachable_many(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


# --- Evaluation --------------------------------------------------------------------------


def steps_by_key(definition: dict) -> dict[str, dict]:
    return {step["key"]: step for step in definition["steps"]}


def initial_state(definition: dict) -> dict:
    return {"mood": definition["initial_mood"], "minutes": 0, "documents": []}


def initial_scores() -> dict[str, int]:
    return dict.fromkeys(DIMENSIONS, 0)


def condition_holds(rule: dict, state: dict) -> bool:
    operator = rule["operator"]
    if rule["variable"] == "document":
        shown = rule["document"] in state["documents"]
        return shown if operator == "shown" else (not shown if operator == "not_shown" else False)
    current = state[rule["variable"]]
    if operator == "le":
        return current <= rule["value"]
    if operator == "ge":
        return current >= rule["value"]
    if operator == "eq":
        return current == rule["value"]
    return False


@dataclass(frozen=True)
class ChoiceOutcome:
    option: dict
    next_step: str
    state: dict
    scores: dict[str, int]


def choice_evaluate(
    definition: dict, *, step_key: str, option_index: int, state: dict, scores: dict
) -> ChoiceOutcome:
    """What choosing option ``option_index`` at ``step_key`` does: effects, then the
    first rule that holds on the new state (else the option's target), and scores."""
    step = steps_by_key(definition).get(step_key)
    if step is None or step["ending"] is not None:
        raise ScenarioInputError(_("This step has no options to choose from."))
    if (
        not isinstance(option_index, int)
        or isinstance(option_index, bool)
        or not 0 <= option_index < len(step["options"])
    ):
        raise ScenarioInputError(_("This option does not exist at this step."))
    option = step["options"][option_index]
    documents = list(state["documents"])
    for document in option["documents"]:
        if document not in documents:
            documents.append(document)
    new_state = {
        "mood": max(MOOD_MIN, min(MOOD_MAX, state["mood"] + option["mood"])),
        "minutes": max(0, min(MINUTES_MAX, state["minutes"] + option["minutes"])),
        "documents": documents,
    }
    next_step = option["target"]
    for rule in option["rules"]:
        if condition_holds(rule, new_state):
            next_step = rule["target"]
            break
    new_scores = {name: scores.get(name, 0) + option["scores"].get(name, 0) for name in DIMENSIONS}
    return ChoiceOutcome(option=option, next_step=next_step, state=new_state, scores=new_scores)


def passed_evaluate(*, pass_rule: dict, outcome: str | None, scores: dict) -> bool:
    """Passed: the ending's outcome is success when the rule asks for it, and every
    dimension with a minimum reaches it."""
    if pass_rule.get("success_ending", True) and outcome != "success":
        return False
    minimums = pass_rule.get("minimums") or {}
    return all(
        scores.get(name, 0) >= minimum for name, minimum in minimums.items() if minimum is not None
    )


# --- Diagram layout ----------------------------------------------------------------------


def diagram_layers(definition: dict) -> list[list[str]]:
    """Step keys in columns by their distance from the start (breadth first); steps no
    path reaches come last, in their own column."""
    by_key = steps_by_key(definition)
    depth: dict[str, int] = {}
    if definition["start"] in by_key:
        depth[definition["start"]] = 0
        queue = deque([definition["start"]])
        while queue:
            key = queue.popleft()
            for option in by_key[key]["options"]:
                for target in _targets(option):
                    if target in by_key and target not in depth:
                        depth[target] = depth[key] + 1
                        queue.append(target)
    layers: dict[int, list[str]] = {}
    unreachable = []
    for step in definition["steps"]:
        if step["key"] in depth:
            layers.setdefault(depth[step["key"]], []).append(step["key"])
        elif step["key"] not in unreachable:
            unreachable.append(step["key"])
    ordered = [layers[d] for d in sorted(layers)]
    if unreachable:
        ordered.append(unreachable)
    return ordered
