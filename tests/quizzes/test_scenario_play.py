"""Playing a scenario through the browser's requests: start, choose, resume, finish,
and the integrity rules (server-side evaluation, pinned versions, stale pages,
malformed input, other people's plays)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import ScenarioChoice, ScenarioPlay, ScenarioVersion
from quizzes.scenario_graph import steps_by_key
from tests.factories import PASSWORD, UserFactory
from tests.quizzes.scenario_factories import small_scenario_steps
from training.roles import Role

pytestmark = pytest.mark.django_db


def _start(client, scenario) -> ScenarioPlay:
    response = client.post(scenario.url)
    assert response.status_code == 302
    play_id = int(re.search(r"/szenarien/spiel/(\d+)/", response["Location"]).group(1))
    return ScenarioPlay.objects.get(pk=play_id)


def _choose(client, play, option, **extra):
    play.refresh_from_db()
    data = {"turn": play.turn, "option": option, **extra}
    return client.post(reverse("scenarios:choose", args=[play.pk]), data)


def _main(response) -> str:
    """The page's main content (the frame carries per-request CSRF tokens)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _play_url(play):
    return reverse("scenarios:play", args=[play.pk])


def _secrets(definition) -> list[str]:
    """Everything about options the clerk must not see before choosing."""
    found = []
    for step in definition["steps"]:
        for option in step["options"]:
            found.append(option["feedback"])
            found.append(option["target"])
            found.extend(rule["target"] for rule in option["rules"])
    return [s for s in found if s]


def test_scenario_page_offers_a_start_and_is_never_cached(clerk_client, scenario):
    response = clerk_client.get(scenario.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Szenario starten" in html
    assert response["Cache-Control"] == "private, no-store"
    for secret in _secrets(scenario.definition()):
        assert secret not in html


def test_module_lists_its_scenario(clerk_client, module, scenario):
    html = clerk_client.get(module.url).content.decode()
    assert "Wissen prüfen" in html and scenario.title in html and scenario.url in html


def test_step_page_shows_no_feedback_targets_or_scores_before_choosing(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    response = clerk_client.get(_play_url(play))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Freundlich begrüßen" in html and "Wortlos die Wartenummer verlangen" in html
    for secret in _secrets(scenario.definition()):
        assert secret not in html, secret
    # The option buttons carry their number and nothing else.
    buttons = re.findall(r"<button[^>]*name=\"option\"[^>]*>", html)
    assert buttons == [
        '<button type="submit" name="option" value="0" class="scenario-option">',
        '<button type="submit" name="option" value="1" class="scenario-option">',
    ]
    assert "score" not in html.lower().replace("scenario-scores", "")


def test_a_choice_moves_on_and_shows_its_feedback(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    response = _choose(clerk_client, play, 0)
    assert response.status_code == 302 and response["Location"] == _play_url(play)
    play.refresh_from_db()
    assert (play.step_key, play.turn) == ("anliegen", 1)
    assert play.state == {"mood": 4, "minutes": 0, "documents": []}
    assert play.scores == {"legal": 0, "deescalation": 2, "plain_language": 1}
    html = clerk_client.get(_play_url(play)).content.decode()
    assert "Rückmeldung zu: Freundlich begrüßen" in html
    # The client's Arabic line renders right to left, the gloss in German.
    assert 'lang="ar" dir="rtl">انتهت صلاحية إقامتي أمس.' in html
    assert 'lang="de" dir="ltr"><span class="visually-hidden">' in html
    # And still nothing of the options now on offer.
    for option in steps_by_key(play.version.definition)["anliegen"]["options"]:
        assert option["feedback"] not in html


def test_state_decides_the_branch(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    _choose(clerk_client, play, 1)  # curt: mood 3 - 2 = 1, which escalates
    play.refresh_from_db()
    assert play.step_key == "eskalation" and play.state["mood"] == 1


def test_finishing_shows_path_scores_feedback_and_pass(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    for option in (0, 0, 0):  # greet, passport, explain: the successful ending
        assert _choose(clerk_client, play, option).status_code == 302
    play.refresh_from_db()
    assert play.status == ScenarioPlay.Status.FINISHED and play.finished_at is not None
    assert (play.ending_key, play.outcome, play.passed) == ("ende_gut", "success", True)
    assert play.scores == {"legal": 3, "deescalation": 2, "plain_language": 3}
    html = clerk_client.get(_play_url(play)).content.decode()
    assert "Bestanden" in html and "Die Kundin geht beruhigt." in html
    assert "Rückmeldung zu: Den Pass zeigen lassen" in html
    assert re.search(r"Rechtliche Korrektheit</th><td>3</td>", html)
    assert 'name="option"' not in html
    # Another choice on a finished play changes nothing.
    assert _choose(clerk_client, play, 0).status_code == 409
    assert ScenarioChoice.objects.filter(play=play).count() == 3


def test_failure_ending_is_not_passed(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    _choose(clerk_client, play, 0)
    _choose(clerk_client, play, 1)  # refuse at once
    play.refresh_from_db()
    assert (play.outcome, play.passed) == ("failure", False)
    assert "Noch nicht bestanden" in clerk_client.get(_play_url(play)).content.decode()


def test_minimum_scores_are_part_of_the_pass_rule(clerk_client, scenario):
    scenario.min_deescalation = 3
    scenario.save_revision().publish()
    play = _start(clerk_client, scenario)
    for option in (0, 0, 0):
        _choose(clerk_client, play, option)
    play.refresh_from_db()
    assert play.outcome == "success" and play.passed is False


def test_starting_again_resumes_the_open_play(clerk, clerk_client, scenario):
    play = _start(clerk_client, scenario)
    _choose(clerk_client, play, 0)
    # A new browser (the old one was closed): signing in again finds the play.
    fresh = Client()
    fresh.login(username=clerk.username, password=PASSWORD)
    html = fresh.get(scenario.url).content.decode()
    assert "Dort weitermachen, wo Sie aufgehört haben" in html and _play_url(play) in html
    assert _start(fresh, scenario) == play
    play.refresh_from_db()
    assert play.step_key == "anliegen"
    assert ScenarioPlay.objects.filter(user=clerk).count() == 1


def test_fields_other_than_the_choice_are_ignored(clerk_client, scenario, trainer):
    play = _start(clerk_client, scenario)
    response = _choose(
        clerk_client,
        play,
        0,
        score_legal=99,
        scores="99",
        passed="1",
        status="finished",
        user=trainer.pk,
        step_key="ende_gut",
        next_step="ende_gut",
        feedback="x",
    )
    assert response.status_code == 302
    play.refresh_from_db()
    assert play.user_id != trainer.pk and play.status == "open" and play.passed is None
    assert play.step_key == "anliegen"
    assert play.scores == {"legal": 0, "deescalation": 2, "plain_language": 1}


def test_a_choice_without_csrf_token_is_refused(clerk, scenario):
    client = Client(enforce_csrf_checks=True)
    client.login(username=clerk.username, password=PASSWORD)
    assert client.post(scenario.url).status_code == 403
    assert not ScenarioPlay.objects.exists()
    play = _start(_client_for(clerk), scenario)
    assert _choose(client, play, 0).status_code == 403
    play.refresh_from_db()
    assert play.turn == 0 and not ScenarioChoice.objects.exists()


def _client_for(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_a_stale_page_does_not_overwrite_newer_progress(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    url = reverse("scenarios:choose", args=[play.pk])
    assert clerk_client.post(url, {"turn": 0, "option": 0}).status_code == 302
    # The same page again (a second tab, the back button): turn 0 is over.
    response = clerk_client.post(url, {"turn": 0, "option": 1})
    assert response.status_code == 409
    assert "Diese Seite war nicht mehr aktuell" in response.content.decode()
    play.refresh_from_db()
    assert (play.step_key, play.turn, play.state["mood"]) == ("anliegen", 1, 4)
    assert ScenarioChoice.objects.filter(play=play).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"turn": "0", "option": "7"},
        {"turn": "0", "option": "-1"},
        {"turn": "0", "option": "abc"},
        {"turn": "0", "option": ""},
        {"turn": "0"},
        {"turn": "x", "option": "0"},
        {"turn": "0", "option": "1" * 1_000_000},
        {"turn": "9" * 5000, "option": "0"},
        {"turn": "0", "option": ["0", "1"]},
        {"turn": "0", "option": "0.5"},
        {"turn": "0", "option": "٣"},  # an Arabic-Indic digit is not an option number
    ],
)
def test_malformed_choices_get_a_clear_error_and_change_nothing(clerk_client, scenario, data):
    play = _start(clerk_client, scenario)
    response = clerk_client.post(reverse("scenarios:choose", args=[play.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Wählen Sie bitte genau eine" in html or "Diese Option gibt es" in html
    play.refresh_from_db()
    assert (play.step_key, play.turn) == ("ankunft", 0)
    assert not ScenarioChoice.objects.exists()


def test_another_clerks_play_is_not_found(clerk_client, scenario):
    other = UserFactory(role=Role.CLERK)
    play = _start(_client_for(other), scenario)
    assert clerk_client.get(_play_url(play)).status_code == 404
    response = clerk_client.post(
        reverse("scenarios:choose", args=[play.pk]), {"turn": 0, "option": 0}
    )
    assert response.status_code == 404
    play.refresh_from_db()
    assert play.turn == 0
    assert clerk_client.get(reverse("scenarios:play", args=[999999])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(scenario, clerk):
    play = _start(_client_for(clerk), scenario)
    anonymous = Client()
    assert anonymous.get(_play_url(play)).status_code == 302
    assert (
        anonymous.post(
            reverse("scenarios:choose", args=[play.pk]), {"turn": 0, "option": 0}
        ).status_code
        == 302
    )
    assert anonymous.post(scenario.url).status_code == 302
    assert ScenarioPlay.objects.count() == 1


def _publish_changed(scenario):
    """The trainer rewrites the scenario: new feedback, new option text, one step gone."""
    steps = small_scenario_steps()
    steps[0]["value"]["options"][0]["text"] = "Mit Namen begrüßen"
    steps[0]["value"]["options"][0]["feedback"] = "Neue Rückmeldung"
    steps[0]["value"]["options"][0]["score_deescalation"] = 3
    steps[0]["value"]["options"][1]["rules"] = []
    del steps[3]  # "eskalation"
    scenario.steps = steps
    scenario.title = "Neuer Titel"
    scenario.save_revision().publish()


def test_editing_the_scenario_leaves_past_plays_as_they_were(clerk_client, scenario):
    finished = _start(clerk_client, scenario)
    for option in (0, 0, 0):
        _choose(clerk_client, finished, option)
    summary_before = _main(clerk_client.get(_play_url(finished)))
    open_play = _start(clerk_client, scenario)
    _choose(clerk_client, open_play, 1)  # to "eskalation", which the edit deletes

    _publish_changed(scenario)

    assert _main(clerk_client.get(_play_url(finished))) == summary_before
    finished.refresh_from_db()
    assert finished.scores == {"legal": 3, "deescalation": 2, "plain_language": 3}
    # The open play goes on in the version it started on.
    html = clerk_client.get(_play_url(open_play)).content.decode()
    assert "Die Kundin wird laut" in html and "Titel gestern abgelaufen" in html
    assert _choose(clerk_client, open_play, 0).status_code == 302
    # A new play uses the new version.
    _choose(clerk_client, open_play, 1)
    new_play = _start(clerk_client, scenario)
    assert new_play != open_play and new_play.version != open_play.version
    assert "Mit Namen begrüßen" in clerk_client.get(_play_url(new_play)).content.decode()
    _choose(clerk_client, new_play, 0)
    new_play.refresh_from_db()
    assert new_play.scores["deescalation"] == 3
    assert ScenarioVersion.objects.count() == 2


def test_deleting_the_scenario_keeps_past_plays_and_their_review(clerk_client, scenario):
    play = _start(clerk_client, scenario)
    for option in (0, 0, 0):
        _choose(clerk_client, play, option)
    before = _main(clerk_client.get(_play_url(play)))
    scenario.delete()
    play.refresh_from_db()
    assert play.page_id is None and play.passed is True
    after = _main(clerk_client.get(_play_url(play)))
    assert (
        "Die Kundin geht beruhigt." in after and "Rückmeldung zu: Den Pass zeigen lassen" in after
    )
    # Only the link back to the deleted page is gone.
    assert after.count("Zurück zum Szenario") == 0 and before.count("Zurück zum Szenario") == 2


def test_an_unpublished_scenario_cannot_be_started(clerk_client, scenario):
    url = scenario.url
    scenario.unpublish()
    assert clerk_client.post(url).status_code == 404
    assert not ScenarioPlay.objects.exists()


def test_each_reader_sees_their_own_scenario_page(clerk_client, scenario):
    """The scenario page is never served from the shared page cache."""
    _start(clerk_client, scenario)
    other = _client_for(UserFactory(role=Role.CLERK))
    for _ in range(2):
        assert (
            "Dort weitermachen, wo Sie aufgehört haben"
            in clerk_client.get(scenario.url).content.decode()
        )
        html = other.get(scenario.url).content.decode()
        assert "Szenario starten" in html and "Weitermachen" not in html


def test_a_step_image_is_shown_with_its_alternative_text(clerk_client, module):
    import wagtail_factories

    from tests.quizzes.scenario_factories import ScenarioPageFactory

    image = wagtail_factories.ImageFactory()
    steps = small_scenario_steps()
    steps[0]["value"]["image"] = image.pk
    steps[0]["value"]["image_alt"] = "Ein voller Warteraum"
    scenario = ScenarioPageFactory(parent=module, steps=steps)
    play = _start(clerk_client, scenario)
    image_data = play.version.definition["steps"][0]["image"]
    assert image_data["alt"] == "Ein voller Warteraum" and image_data["url"]
    html = clerk_client.get(_play_url(play)).content.decode()
    assert f'src="{image_data["url"]}"' in html and 'alt="Ein voller Warteraum"' in html


def test_other_methods_on_the_scenario_page_are_refused(clerk_client, scenario):
    assert clerk_client.put(scenario.url).status_code == 405
    assert clerk_client.delete(scenario.url).status_code == 405
    assert not ScenarioPlay.objects.exists()


def test_starting_again_from_the_beginning(clerk, clerk_client, scenario):
    play = _start(clerk_client, scenario)
    _choose(clerk_client, play, 0)
    html = clerk_client.get(scenario.url).content.decode()
    assert "Noch einmal von vorn beginnen" in html
    url = reverse("scenarios:restart", args=[play.pk])
    response = clerk_client.post(url, {"turn": 1})
    assert response.status_code == 302
    fresh = ScenarioPlay.objects.get(user=clerk, status="open")
    assert fresh != play and (fresh.step_key, fresh.turn) == ("ankunft", 0)
    assert response["Location"] == _play_url(fresh)
    play.refresh_from_db()
    assert play.status == "abandoned" and play.finished_at is not None
    assert ScenarioChoice.objects.filter(play=play).count() == 1
    # The same click again (a second tab) changes nothing.
    assert clerk_client.post(url, {"turn": 1}).status_code == 409
    assert ScenarioPlay.objects.filter(user=clerk).count() == 2
    assert clerk_client.post(url, {"turn": "x"}).status_code == 400
    # Nobody restarts another person's play.
    other = _client_for(UserFactory(role=Role.CLERK))
    fresh_url = reverse("scenarios:restart", args=[fresh.pk])
    assert other.post(fresh_url, {"turn": 0}).status_code == 404
    fresh.refresh_from_db()
    assert fresh.status == "open"
