"""The scenario in the Wagtail admin: saving checks the graph, the diagram, the preview
and the trainer's statistics (aggregates only, no names)."""

import json
import re
import uuid
from html import unescape

import pytest
from django.urls import reverse

from quizzes.models import ScenarioPage
from quizzes.scenario_services import scenario_play_choose, scenario_play_start
from tests.factories import UserFactory
from tests.quizzes.scenario_factories import small_scenario_steps
from training.roles import Role

pytestmark = pytest.mark.django_db


def _list_data(prefix: str, items: list[dict], item_data) -> dict:
    data = {f"{prefix}-count": str(len(items))}
    for i, item in enumerate(items):
        data[f"{prefix}-{i}-deleted"] = ""
        data[f"{prefix}-{i}-order"] = str(i)
        data[f"{prefix}-{i}-id"] = str(uuid.uuid4())
        data.update(item_data(f"{prefix}-{i}-value", item))
    return data


def _option_data(prefix, option):
    data = {
        f"{prefix}-{name}": str(option[name])
        for name in (
            "text",
            "feedback",
            "target",
            "mood",
            "minutes",
            "documents",
            "score_legal",
            "score_deescalation",
            "score_plain_language",
        )
    }
    data.update(
        _list_data(
            f"{prefix}-rules",
            option["rules"],
            lambda p, r: {f"{p}-{k}": str(r[k]) for k in r},
        )
    )
    return data


def _step_data(prefix, value):
    data = {
        f"{prefix}-key": value["key"],
        f"{prefix}-title": value["title"],
        f"{prefix}-situation": value["situation"],
        f"{prefix}-image": "",
        f"{prefix}-image_alt": "",
        f"{prefix}-outcome": value["outcome"],
        f"{prefix}-summary": value["summary"],
    }
    if value["is_ending"]:
        data[f"{prefix}-is_ending"] = "on"
    data.update(
        _list_data(
            f"{prefix}-client_lines",
            value["client_lines"],
            lambda p, line: {f"{p}-{k}": line[k] for k in line},
        )
    )
    data.update(_list_data(f"{prefix}-options", value["options"], _option_data))
    return data


def _form_data(title, steps) -> dict:
    data = {
        "title": title,
        "slug": "szenario-neu",
        "intro": "",
        "initial_mood": "3",
        "pass_requires_success": "on",
        "min_legal": "",
        "min_deescalation": "",
        "min_plain_language": "",
        "steps-count": str(len(steps)),
    }
    for i, item in enumerate(steps):
        data[f"steps-{i}-type"] = "step"
        data[f"steps-{i}-deleted"] = ""
        data[f"steps-{i}-order"] = str(i)
        data[f"steps-{i}-id"] = str(uuid.uuid4())
        data.update(_step_data(f"steps-{i}-value", item["value"]))
    return data


def _block_errors(data: str) -> dict:
    """The ``blockErrors`` of the steps field from the editor's JSON in the page."""
    start = data.index('"blockErrors": ') + len('"blockErrors": ')
    errors, _end = json.JSONDecoder().raw_decode(data[start:])
    return errors


def _add_url(module):
    return reverse("wagtailadmin_pages:add", args=["quizzes", "scenariopage", module.pk])


def test_trainer_saves_a_valid_scenario(trainer_client, module):
    response = trainer_client.post(_add_url(module), _form_data("Neu", small_scenario_steps()))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ScenarioPage.objects.get(slug="szenario-neu")
    draft = page.get_latest_revision_as_object()
    assert [s["key"] for s in draft.definition()["steps"]][:2] == ["ankunft", "anliegen"]
    assert not page.live


def test_a_broken_graph_is_refused_with_german_errors_beside_the_step(trainer_client, module):
    steps = small_scenario_steps()
    steps[2]["value"]["options"][0]["target"] = "gibt-es-nicht"
    steps.append(
        {"type": "step", "value": {**steps[4]["value"], "key": "einsam", "title": "Einsam"}}
    )
    response = trainer_client.post(_add_url(module), _form_data("Kaputt", steps))
    assert response.status_code == 200
    assert not ScenarioPage.objects.filter(slug="szenario-neu").exists()
    # Wagtail hands the errors to the stream editor as JSON, keyed by the step's index.
    data = unescape(response.content.decode())
    errors = _block_errors(data)
    # Step 3 points nowhere, so the successful ending (5) and the copy (7) are unreachable.
    assert set(errors) == {"2", "4", "6"}
    assert "Option 1 verweist auf den Schritt „gibt-es-nicht“, den es nicht gibt." in str(
        errors["2"]
    )
    for index in ("4", "6"):
        assert "Vom ersten Schritt führt kein Weg zu diesem Schritt." in str(errors[index])


def test_module_offers_the_scenario_page_type(trainer_client, module):
    response = trainer_client.get(reverse("wagtailadmin_pages:add_subpage", args=[module.pk]))
    assert "Schalterszenario" in response.content.decode()


def test_diagram_shows_every_step_and_arrow(
    trainer_client, scenario, django_assert_max_num_queries
):
    url = reverse("scenario_admin:diagram", args=[scenario.pk])
    edit = trainer_client.get(reverse("wagtailadmin_pages:edit", args=[scenario.pk]))
    assert url in edit.content.decode()
    response = trainer_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<g class="scenario-node"') == 6
    # Seven options, two of them with a condition: nine ways, one arrow per pair of
    # steps (both options of the arrival lead to the concern: one arrow "1,2").
    assert html.count('marker-end="url(#scenario-arrow)"') == 8
    assert ">1,2</text>" in html and ">2*</text>" in html
    assert 'lang="ar" dir="rtl"' in html
    assert (
        "http://"
        not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        .split('data-testid="scenario-diagram"')[1]
        .split("</svg>")[0]
    )


def test_diagram_marks_a_broken_draft(trainer_client, scenario):
    broken = small_scenario_steps()
    broken[1]["value"]["options"][1]["target"] = "weg"
    scenario.steps = broken
    scenario.save_revision()  # a draft; block validation is the admin form's job
    html = trainer_client.get(
        reverse("scenario_admin:diagram", args=[scenario.pk])
    ).content.decode()
    assert html.count("scenario-node scenario-node-error") == 1
    assert "weg (fehlt)" in html


def test_preview_shows_the_draft_with_feedback_to_the_trainer(trainer_client, scenario):
    response = trainer_client.post(
        reverse("wagtailadmin_pages:preview_on_edit", args=[scenario.pk]),
        _form_data(scenario.title, small_scenario_steps()),
    )
    assert response.json()["is_valid"] is True
    html = trainer_client.get(
        reverse("wagtailadmin_pages:preview_on_edit", args=[scenario.pk])
    ).content.decode()
    assert "Rückmeldung zu: Freundlich begrüßen" in html


def _play(scenario, paths, **names):
    """One clerk per path (option indexes, turn by turn); returns the clerks."""
    clerks = [UserFactory(role=Role.CLERK, **names) for _ in paths]
    for clerk, path in zip(clerks, paths, strict=True):
        play = scenario_play_start(user=clerk, page=scenario)
        for turn, option in enumerate(path):
            scenario_play_choose(user=clerk, play_id=play.pk, turn=turn, option=option)
    return clerks


def _statistics(client, scenario) -> str:
    response = client.get(reverse("scenario_admin:statistics", args=[scenario.pk]))
    assert response.status_code == 200
    return response.content.decode()


# friendly, passport, explain: success (passed) · friendly, refuse: failure ·
# curt (escalates), security: failure · curt, apologise, refuse: failure · curt: open.
PASSED, REFUSED, SECURITY, APOLOGISED, OPEN = (0, 0, 0), (0, 1), (1, 1), (1, 0, 1), (1,)


def test_statistics_count_options_and_endings_without_names(trainer_client, scenario):
    clerks = _play(scenario, [PASSED, PASSED, REFUSED, SECURITY, APOLOGISED], first_name="Geheim")
    page = _statistics(trainer_client, scenario)
    assert "Durchläufe: 5 · abgeschlossen: 5 · bestanden: 2" in page
    assert re.search(r"Freundlich begrüßen</td><td>3</td>", page)
    assert re.search(r"Wortlos die Wartenummer verlangen</td><td>2</td>", page)
    assert re.search(r"Sofort ablehnen</td><td>2</td>", page)
    assert re.search(r"Den Sicherheitsdienst rufen</td><td>1</td>", page)
    assert re.search(r"Ruhig entschuldigen</td><td>1</td>", page)
    assert re.search(r"Abgebrochen <code>ende_schlecht</code></td><td>failure</td><td>3</td>", page)
    assert re.search(r"Gut gelöst <code>ende_gut</code></td><td>success</td><td>2</td>", page)
    assert "zu wenige Personen" not in page
    for clerk in clerks:
        assert clerk.username not in page and clerk.last_name not in page
    assert "Geheim" not in page


@pytest.mark.parametrize("paths", [[PASSED], [PASSED, PASSED, REFUSED, OPEN]])
def test_statistics_of_too_few_people_show_no_paths(trainer_client, scenario, paths):
    from quizzes.scenario_selectors import scenario_statistics

    statistics = scenario_statistics(page=scenario)
    assert not statistics["options_too_few"]  # nobody played: nobody to protect
    _play(scenario, paths)
    statistics = scenario_statistics(page=scenario)
    assert statistics["options_too_few"] and statistics["endings_too_few"]
    assert statistics["options"] == [] and statistics["endings"] == []
    assert statistics["totals"]["passed"] is None
    assert statistics["totals"]["people"] == len(paths)
    page = _statistics(trainer_client, scenario)
    finished = sum(1 for path in paths if path != OPEN)
    assert f"Durchläufe: {len(paths)} · abgeschlossen: {finished} · bestanden: zu wenige" in page
    assert page.count("zu wenige Personen") == 3  # passed, endings, options
    assert "Freundlich begrüßen" not in page and "Gut gelöst" not in page
    assert "Eine Zahl über weniger als 5 Personen wird nicht gezeigt." in page


def test_endings_need_enough_people_who_finished(trainer_client, scenario):
    _play(scenario, [PASSED, REFUSED, OPEN, OPEN, OPEN])
    page = _statistics(trainer_client, scenario)
    assert "Durchläufe: 5 · abgeschlossen: 2 · bestanden: zu wenige Personen" in page
    assert re.search(r"Wortlos die Wartenummer verlangen</td><td>3</td>", page)
    assert "ende_schlecht" not in page and "Gut gelöst" not in page


def test_the_setting_sets_the_minimum_for_scenario_statistics(settings, trainer_client, scenario):
    _play(scenario, [PASSED, REFUSED, OPEN])
    assert "Freundlich begrüßen</td><td>" not in _statistics(trainer_client, scenario)
    settings.TRAINING_REPORTS_MIN_GROUP_SIZE = 2
    page = _statistics(trainer_client, scenario)
    assert "Durchläufe: 3 · abgeschlossen: 2 · bestanden: 1" in page
    assert re.search(r"Freundlich begrüßen</td><td>2</td>", page)
    assert re.search(r"Wortlos die Wartenummer verlangen</td><td>1</td>", page)
    assert re.search(r"Den Sicherheitsdienst rufen</td><td>0</td>", page)
    assert re.search(r"Abgebrochen <code>ende_schlecht</code></td><td>failure</td><td>1</td>", page)


def test_scenario_index_hides_how_many_passed_for_too_few_people(trainer_client, module):
    from tests.quizzes.scenario_factories import ScenarioPageFactory

    few, enough = (ScenarioPageFactory(parent=module, title=t) for t in ("Wenige", "Genug"))
    _play(few, [PASSED, REFUSED])
    _play(enough, [PASSED, PASSED, REFUSED, SECURITY, APOLOGISED])
    html = trainer_client.get(reverse("scenario_admin:index")).content.decode()
    assert re.search(r"Wenige</td><td>2</td><td>2</td><td>zu wenige Personen</td>", html)
    assert re.search(r"Genug</td><td>5</td><td>5</td><td>2</td>", html)


def test_clerks_cannot_open_the_admin_views(clerk_client, scenario):
    for name in ("diagram", "statistics"):
        assert (
            clerk_client.get(reverse(f"scenario_admin:{name}", args=[scenario.pk])).status_code
            == 403
        )


def test_scenario_report_lists_counts_in_one_query(
    trainer_client, module, django_assert_num_queries
):
    from tests.quizzes.scenario_factories import ScenarioPageFactory

    scenarios = [ScenarioPageFactory(parent=module, title=f"Fall {n}") for n in range(3)]
    for clerk in [UserFactory(role=Role.CLERK) for _ in range(2)]:
        play = scenario_play_start(user=clerk, page=scenarios[0])
        scenario_play_choose(user=clerk, play_id=play.pk, turn=0, option=0)
    url = reverse("scenario_admin:index")
    admin = trainer_client.get("/admin/").content.decode()
    assert url in admin
    trainer_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        trainer_client.get(url)
    for n in range(3, 8):
        ScenarioPageFactory(parent=module, title=f"Fall {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        html = trainer_client.get(url).content.decode()
    assert re.search(r"Fall 0</td><td>2</td><td>0</td><td>0</td>", html)
    assert html.count("/statistik/") == 8
