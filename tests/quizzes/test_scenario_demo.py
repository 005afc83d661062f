"""The demo scenarios: at least three, eight steps or more, valid graphs, in the demo
course's modules, marked as demo, client lines in their language with a German gloss;
idempotent."""

import pytest

from courses.demo.seed import demo_content_ensure
from courses.models import CoursePage, ModulePage
from quizzes.demo_scenarios import COURSE_SLUG, demo_scenarios_ensure
from quizzes.models import ScenarioPage
from quizzes.scenario_graph import graph_check
from quizzes.scenario_services import scenario_play_choose, scenario_play_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(catalogue):
    demo_content_ensure()
    report = demo_scenarios_ensure()
    assert report.created["scenarios"] == 3
    return report


def test_demo_scenarios_are_complete_and_valid(demo):
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    scenarios = list(ScenarioPage.objects.descendant_of(course).live())
    assert len(scenarios) >= 3
    for scenario in scenarios:
        assert scenario.is_demo and "Demo" in scenario.title and "Demo" in scenario.intro
        assert isinstance(scenario.get_parent().specific, ModulePage)
        definition = scenario.definition()
        assert len(definition["steps"]) >= 8
        assert graph_check(definition).ok
        outcomes = {s["ending"]["outcome"] for s in definition["steps"] if s["ending"]}
        assert {"success", "failure"} <= outcomes
        assert any(o["rules"] for s in definition["steps"] for o in s["options"])
    lines = [
        line
        for scenario in scenarios
        for step in scenario.definition()["steps"]
        for line in step["lines"]
        if line["language"] != "de"
    ]
    assert {line["language"] for line in lines} >= {"ar", "fa"}
    assert all(line["gloss"] for line in lines)


def test_seeding_again_changes_nothing(demo):
    scenario = ScenarioPage.objects.get(slug="demo-szenario-titel-gestern-abgelaufen")
    scenario.title = "Von der Trainerin geändert"
    scenario.save_revision().publish()
    again = demo_scenarios_ensure()
    assert again.created["scenarios"] == 0 and again.present["scenarios"] == 3
    assert ScenarioPage.objects.count() == 3
    scenario.refresh_from_db()
    assert scenario.title == "Von der Trainerin geändert"


def test_a_demo_scenario_can_be_passed(demo, clerk):
    scenario = ScenarioPage.objects.get(slug="demo-szenario-titel-gestern-abgelaufen")
    play = scenario_play_start(user=clerk, page=scenario)
    # Greet, show passport and card, take the application, explain plainly, close well.
    for turn, option in enumerate([0, 0, 0, 0, 0]):
        result = scenario_play_choose(user=clerk, play_id=play.pk, turn=turn, option=option)
    assert result.play.ending_key == "ende_gut"
    assert result.play.passed is True
