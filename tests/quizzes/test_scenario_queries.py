"""Query counts of playing a scenario and of the selectors: fixed, whatever the number
of steps, choices or plays."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import ScenarioPlay
from quizzes.scenario_selectors import scenario_pages_passed, scenario_plays_open
from quizzes.scenario_services import scenario_play_choose, scenario_play_start
from tests.factories import UserFactory
from tests.quizzes.scenario_factories import ScenarioPageFactory, option, step
from training.roles import Role

pytestmark = pytest.mark.django_db

# Session, user; the play with its version and page; the last choice (feedback).
PLAY_QUERIES = 4
# Session, user; the service's transaction (here a savepoint pair, BEGIN/COMMIT in
# production); the play locked; the choice with its savepoint pair; the play updated.
CHOOSE_QUERIES = 9
# Wagtail's routing and serving of the page, plus the reader's plays in one query.
SCENARIO_PAGE_QUERIES = 15


def _long_scenario_steps(length: int):
    """A corridor of ``length`` steps with three options each, then two endings."""
    steps = []
    for n in range(length):
        following = f"s{n + 1}" if n + 1 < length else "gut"
        steps.append(
            step(
                f"s{n}",
                options=[
                    option("Weiter", following, legal=1),
                    option("Nachfragen", following, minutes=2),
                    option("Abbrechen", "schlecht", mood=-1),
                ],
                lines=[{"language": "fa", "text": "سلام", "gloss": "Hallo"}],
            )
        )
    steps += [step("gut", ending="success"), step("schlecht", ending="failure")]
    return steps


@pytest.fixture
def scenarios(module):
    return [
        ScenarioPageFactory(parent=module, steps=_long_scenario_steps(length)) for length in (2, 40)
    ]


def test_play_page_and_choice_cost_the_same_for_any_length(
    scenarios, clerk, clerk_client, django_assert_num_queries
):
    for scenario in scenarios:
        play = scenario_play_start(user=clerk, page=scenario)
        scenario_play_choose(user=clerk, play_id=play.pk, turn=0, option=1)
        url = reverse("scenarios:play", args=[play.pk])
        clerk_client.get(url)  # site root paths into the cache, as in any warm process
        with django_assert_num_queries(PLAY_QUERIES):
            assert clerk_client.get(url).status_code == 200
        with django_assert_num_queries(CHOOSE_QUERIES):
            response = clerk_client.post(
                reverse("scenarios:choose", args=[play.pk]), {"turn": 1, "option": 0}
            )
        assert response.status_code == 302


def test_finished_summary_costs_the_same_for_any_length(
    scenarios, clerk, clerk_client, django_assert_num_queries
):
    for scenario in scenarios:
        play = scenario_play_start(user=clerk, page=scenario)
        for turn in range(len(scenario.steps) - 2):
            scenario_play_choose(user=clerk, play_id=play.pk, turn=turn, option=0)
        play.refresh_from_db()
        assert play.status == ScenarioPlay.Status.FINISHED
        url = reverse("scenarios:play", args=[play.pk])
        clerk_client.get(url)
        # As a step page, plus all choices of the path in one query.
        with django_assert_num_queries(PLAY_QUERIES + 1):
            assert clerk_client.get(url).status_code == 200


def test_scenario_page_query_count_does_not_grow_with_plays(
    scenarios, clerk, clerk_client, django_assert_num_queries
):
    scenario = scenarios[0]
    clerk_client.get(scenario.url)
    with CaptureQueriesContext(connection) as first:
        clerk_client.get(scenario.url)
    for _ in range(3):
        play = scenario_play_start(user=clerk, page=scenario)
        scenario_play_choose(user=clerk, play_id=play.pk, turn=0, option=2)
    scenario_play_start(user=clerk, page=scenario)
    assert len(first.captured_queries) == SCENARIO_PAGE_QUERIES
    with django_assert_num_queries(SCENARIO_PAGE_QUERIES):
        html = clerk_client.get(scenario.url).content.decode()
    assert html.count("nicht bestanden") == 3


def test_selectors_cost_one_query(scenarios, module, django_assert_num_queries):
    clerks = [UserFactory(role=Role.CLERK) for _ in range(3)]
    first, second = scenarios
    for clerk in clerks[:2]:
        play = scenario_play_start(user=clerk, page=first)
        scenario_play_choose(user=clerk, play_id=play.pk, turn=0, option=0)
        scenario_play_choose(user=clerk, play_id=play.pk, turn=1, option=0)  # passed
    failed = scenario_play_start(user=clerks[2], page=first)
    scenario_play_choose(user=clerks[2], play_id=failed.pk, turn=0, option=2)
    scenario_play_start(user=clerks[2], page=second)
    scenario_play_start(user=clerks[0], page=second)

    with django_assert_num_queries(1):
        passed = scenario_pages_passed(
            user_ids=[c.pk for c in clerks], page_ids=[first.pk, second.pk]
        )
    assert passed == {(clerks[0].pk, first.pk), (clerks[1].pk, first.pk)}

    with django_assert_num_queries(1):
        open_plays = list(scenario_plays_open(user=clerks[2]))
        titles = [p.page.title for p in open_plays]
        versions = [p.version.title for p in open_plays]
    assert titles == versions == [second.title]
    assert scenario_pages_passed(user_ids=[], page_ids=[first.pk]) == set()
