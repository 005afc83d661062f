"""axe-core on the pages of a demo scenario: overview, a step with a right-to-left line,
the feedback after a choice, and the summary."""

import json

import pytest

from courses.demo.seed import demo_content_ensure
from quizzes.demo_scenarios import demo_scenarios_ensure
from quizzes.models import ScenarioPage, ScenarioPlay
from quizzes.scenario_services import scenario_play_choose
from tests.browser.conftest import browser_db
from tests.browser.test_accessibility import _violations

pytestmark = browser_db


@pytest.fixture
def demo_scenario(live_site, transactional_db):
    live_site.delete()
    demo_content_ensure()
    demo_scenarios_ensure()
    return ScenarioPage.objects.get(slug="demo-szenario-titel-gestern-abgelaufen")


def test_scenario_pages_have_no_serious_accessibility_violations(
    page, demo_scenario, clerk, sign_in
):
    sign_in(page, clerk.username)
    found = []
    page.goto(demo_scenario.url)
    found += _violations(page)
    page.get_by_role("button", name="Szenario starten").click()
    page.get_by_role("heading", name="Herr Haddad am Schalter").wait_for()
    found += _violations(page)  # the first step, with an Arabic line and its gloss
    page.get_by_role("button", name="Ruhig begrüßen").click()
    page.get_by_role("heading", name="Rückmeldung zu Ihrer Wahl").wait_for()
    found += _violations(page)
    play = ScenarioPlay.objects.get(user=clerk)
    for turn, option in enumerate([0, 0, 0, 0], start=1):
        scenario_play_choose(user=clerk, play_id=play.pk, turn=turn, option=option)
    page.reload()
    page.get_by_role("heading", name="Zusammenfassung").wait_for()
    found += _violations(page)
    print(json.dumps(found, indent=2, ensure_ascii=False))
    assert not found, f"{len(found)} serious or critical accessibility violations (printed above)"
