"""Ten identical requests at once, on PostgreSQL with real threads and real commits:
one step advance, one finished play, one open play.

Transactional tests end with a flush; ``serialized_rollback`` reloads what migrations put
in the database (Wagtail's root page, the role groups) before the test, as in the browser
tests (tests/browser/conftest.py).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from quizzes.models import ScenarioChoice, ScenarioPlay
from tests.factories import (
    CoursePageFactory,
    ModulePageFactory,
    UserFactory,
    catalogue_as_site_root,
)
from tests.quizzes.scenario_factories import ScenarioPageFactory
from training.roles import Role

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the race needs PostgreSQL's row locks"
    ),
]

PARALLEL = 10


@pytest.fixture(scope="module", autouse=True)
def _database_restored_afterwards(django_db_setup, django_db_blocker):
    """The last test here ends with a flush: put the migrated state back for the tests
    that follow and for the next ``--reuse-db`` run (as tests/browser/conftest.py does)."""
    snapshot = getattr(connection, "_test_serialized_contents", None)
    yield
    with django_db_blocker.unblock():
        from wagtail.models import Page

        if snapshot and Page.get_first_root_node() is None:
            connection.creation.deserialize_db_from_string(snapshot)


def _at_once(client_factory, request) -> list:
    """Runs ``request(client)`` in PARALLEL threads released together; their responses."""
    barrier = threading.Barrier(PARALLEL)
    results: list = [None] * PARALLEL

    def run(index, client):
        try:
            barrier.wait(timeout=30)
            results[index] = request(client)
        except Exception as error:  # kept for the assertion below
            results[index] = error
        finally:
            connections.close_all()

    clients = [client_factory() for _ in range(PARALLEL)]
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def clerk_and_scenario():
    catalogue = catalogue_as_site_root()
    module = ModulePageFactory(parent=CoursePageFactory(parent=catalogue))
    scenario = ScenarioPageFactory(parent=module)
    clerk = UserFactory(role=Role.CLERK)

    def client_factory():
        client = Client()
        client.force_login(clerk)
        return client

    return clerk, scenario, client_factory


def test_ten_identical_starts_make_one_open_play(clerk_and_scenario):
    clerk, scenario, client_factory = clerk_and_scenario
    results = _at_once(client_factory, lambda client: client.post(scenario.url))
    assert [getattr(r, "status_code", r) for r in results] == [302] * PARALLEL
    assert len({r["Location"] for r in results}) == 1
    assert ScenarioPlay.objects.filter(user=clerk).count() == 1


def test_ten_identical_choices_advance_one_step(clerk_and_scenario):
    clerk, scenario, client_factory = clerk_and_scenario
    client_factory().post(scenario.url)
    play = ScenarioPlay.objects.get(user=clerk)
    url = reverse("scenarios:choose", args=[play.pk])
    results = _at_once(client_factory, lambda client: client.post(url, {"turn": 0, "option": 0}))
    codes = sorted(getattr(r, "status_code", r) for r in results)
    assert codes == [302] + [409] * (PARALLEL - 1)
    play.refresh_from_db()
    assert (play.turn, play.step_key, play.state["mood"]) == (1, "anliegen", 4)
    assert play.scores == {"legal": 0, "deescalation": 2, "plain_language": 1}
    assert ScenarioChoice.objects.filter(play=play).count() == 1


def test_ten_identical_finishing_choices_finish_once(clerk_and_scenario):
    clerk, scenario, client_factory = clerk_and_scenario
    client = client_factory()
    client.post(scenario.url)
    play = ScenarioPlay.objects.get(user=clerk)
    url = reverse("scenarios:choose", args=[play.pk])
    client.post(url, {"turn": 0, "option": 0})
    client.post(url, {"turn": 1, "option": 0})
    # The last choice leads to the successful ending.
    results = _at_once(client_factory, lambda c: c.post(url, {"turn": 2, "option": 0}))
    codes = sorted(getattr(r, "status_code", r) for r in results)
    assert codes == [302] + [409] * (PARALLEL - 1)
    play.refresh_from_db()
    assert play.status == "finished" and play.passed is True and play.turn == 3
    assert play.scores == {"legal": 3, "deescalation": 2, "plain_language": 3}
    assert ScenarioChoice.objects.filter(play=play).count() == 3
    assert ScenarioPlay.objects.filter(user=clerk, status="finished").count() == 1
