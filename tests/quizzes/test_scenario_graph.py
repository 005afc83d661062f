"""The graph check (as the admin runs it on save) and the evaluation of choices."""

import pytest
from django.utils import translation
from wagtail.blocks.stream_block import StreamBlockValidationError

from quizzes.scenario_blocks import ScenarioStepsBlock
from quizzes.scenario_graph import (
    ScenarioInputError,
    choice_evaluate,
    definition_from_steps,
    diagram_layers,
    graph_check,
    initial_scores,
    initial_state,
    passed_evaluate,
)
from tests.quizzes.scenario_factories import option, rule, small_scenario_steps, step


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English here; one test checks the German the admin shows."""
    with translation.override("en"):
        yield


def _definition(raw_steps, mood=3):
    return definition_from_steps([s["value"] for s in raw_steps], initial_mood=mood)


def _errors(raw_steps):
    return graph_check(_definition(raw_steps))


def test_the_small_scenario_is_a_valid_graph():
    report = _errors(small_scenario_steps())
    assert report.ok, (report.step_errors, report.general)


def test_unreachable_step_is_reported_beside_it():
    steps = [*small_scenario_steps(), step("vergessen", options=[option("x", "ende_gut")])]
    report = _errors(steps)
    assert list(report.step_errors) == [6]
    assert "No path leads to this step" in report.step_errors[6][0]


def test_option_pointing_at_a_missing_step():
    steps = small_scenario_steps()
    steps[2]["value"]["options"][0]["target"] = "gibt-es-nicht"
    report = _errors(steps)
    assert any("gibt-es-nicht" in m for m in report.step_errors[2])


def test_condition_pointing_at_a_missing_step():
    steps = small_scenario_steps()
    steps[0]["value"]["options"][1]["rules"][0]["target"] = "fehlt"
    report = _errors(steps)
    assert any("fehlt" in m for m in report.step_errors[0])


def test_duplicate_and_malformed_keys():
    steps = small_scenario_steps()
    steps[3]["value"]["key"] = "anliegen"
    steps.append(step("Mit Leerzeichen", ending="neutral"))
    report = _errors(steps)
    assert any("already used by step 2" in m for m in report.step_errors[3])
    assert any("not valid" in m for m in report.step_errors[6])


def test_cycle_without_exit_is_reported():
    steps = [
        step("a", options=[option("weiter", "b")]),
        step("b", options=[option("zurück", "c")]),
        step("c", options=[option("wieder", "b")]),
        step("ende", ending="success"),
    ]
    report = _errors(steps)
    # a, b and c cannot reach the ending; "ende" is unreachable as well.
    assert set(report.step_errors) == {0, 1, 2, 3}
    assert all("no path leads to an ending" in report.step_errors[i][-1] for i in (0, 1, 2))


def test_cycle_with_an_exit_is_fine():
    steps = [
        step("a", options=[option("nochmal", "a"), option("fertig", "ende")]),
        step("ende", ending="success"),
    ]
    assert _errors(steps).ok


def test_non_ending_without_options_and_ending_with_options():
    steps = [
        step("a", options=[option("weiter", "b")]),
        step("b"),
        {**step("ende", ending="success")},
    ]
    steps[2]["value"]["options"] = [option("x", "a")]
    report = _errors(steps)
    assert any("needs at least one option" in m for m in report.step_errors[1])
    assert any("An ending has no options" in m for m in report.step_errors[2])


def test_scenario_without_any_ending():
    report = _errors([step("a", options=[option("nochmal", "a")])])
    assert any("has no ending" in m for m in report.general)


def test_document_condition_needs_a_document_and_a_fitting_operator():
    steps = small_scenario_steps()
    steps[2]["value"]["options"][0]["rules"] = [
        rule("ende_gut", variable="document", operator="le", document="")
    ]
    report = _errors(steps)
    assert len(report.step_errors[2]) == 2


def test_block_validation_shows_german_errors_beside_the_step():
    block = ScenarioStepsBlock()
    steps = small_scenario_steps()
    steps[1]["value"]["options"][1]["target"] = "nirgendwo"
    value = block.to_python(steps)
    with translation.override("de"), pytest.raises(StreamBlockValidationError) as caught:
        block.clean(value)
    errors = caught.value.block_errors
    assert list(errors) == [1]
    messages = [e.message for e in errors[1].non_block_errors.as_data()]
    assert messages == ["Option 2 verweist auf den Schritt „nirgendwo“, den es nicht gibt."]


def test_block_validation_passes_a_valid_scenario():
    block = ScenarioStepsBlock()
    value = block.to_python(small_scenario_steps())
    assert len(block.clean(value)) == 6


def test_client_line_in_another_language_needs_a_gloss():
    block = ScenarioStepsBlock()
    steps = small_scenario_steps()
    steps[1]["value"]["client_lines"][0]["gloss"] = ""
    with pytest.raises(StreamBlockValidationError) as caught:
        block.clean(block.to_python(steps))
    line_errors = caught.value.block_errors[1].block_errors["client_lines"]
    assert "gloss" in line_errors.block_errors[0].block_errors


# --- Evaluation ------------------------------------------------------------------------


def _choose(definition, step_key, index, state=None, scores=None):
    return choice_evaluate(
        definition,
        step_key=step_key,
        option_index=index,
        state=state or initial_state(definition),
        scores=scores or initial_scores(),
    )


def test_effects_and_scores_apply():
    definition = _definition(small_scenario_steps())
    outcome = _choose(definition, "ankunft", 0)
    assert outcome.next_step == "anliegen"
    assert outcome.state == {"mood": 4, "minutes": 0, "documents": []}
    assert outcome.scores == {"legal": 0, "deescalation": 2, "plain_language": 1}


def test_branch_on_mood_after_the_effect():
    definition = _definition(small_scenario_steps())
    # mood 3 - 2 = 1 <= 1: escalates.
    assert _choose(definition, "ankunft", 1).next_step == "eskalation"
    # Starting at 5, mood 3 after the effect: the ordinary target.
    calm = _definition(small_scenario_steps(), mood=5)
    assert _choose(calm, "ankunft", 1).next_step == "anliegen"


def test_branch_on_a_document_shown_earlier():
    definition = _definition(small_scenario_steps())
    without = _choose(definition, "pruefen", 0)
    assert without.next_step == "ende_schlecht"
    shown = _choose(definition, "anliegen", 0)
    assert shown.state["documents"] == ["pass"] and shown.state["minutes"] == 5
    with_pass = _choose(definition, "pruefen", 0, state=shown.state, scores=shown.scores)
    assert with_pass.next_step == "ende_gut"
    assert with_pass.scores == {"legal": 3, "deescalation": 0, "plain_language": 2}


def test_mood_stays_within_its_range():
    definition = _definition(small_scenario_steps(), mood=0)
    assert _choose(definition, "ankunft", 1).state["mood"] == 0
    steps = small_scenario_steps()
    steps[0]["value"]["options"][0]["mood"] = 5
    assert _choose(_definition(steps, mood=5), "ankunft", 0).state["mood"] == 5


@pytest.mark.parametrize("index", [-1, 2, 99, "0", None, True])
def test_unknown_option_is_refused(index):
    definition = _definition(small_scenario_steps())
    with pytest.raises(ScenarioInputError):
        _choose(definition, "ankunft", index)


def test_no_choice_at_an_ending():
    definition = _definition(small_scenario_steps())
    with pytest.raises(ScenarioInputError):
        _choose(definition, "ende_gut", 0)


def test_pass_rule():
    rule_ = {"success_ending": True, "minimums": {"legal": 2, "deescalation": None}}
    assert passed_evaluate(pass_rule=rule_, outcome="success", scores={"legal": 2})
    assert not passed_evaluate(pass_rule=rule_, outcome="success", scores={"legal": 1})
    assert not passed_evaluate(pass_rule=rule_, outcome="failure", scores={"legal": 5})
    lenient = {"success_ending": False, "minimums": {}}
    assert passed_evaluate(pass_rule=lenient, outcome="failure", scores={})


def test_diagram_layers_by_distance_from_the_start():
    layers = diagram_layers(_definition(small_scenario_steps()))
    assert layers[0] == ["ankunft"]
    assert set(layers[1]) == {"anliegen", "eskalation"}
    assert set(layers[2]) == {"pruefen", "ende_schlecht"}
    assert layers[3] == ["ende_gut"]
