"""Every report page runs a fixed number of queries: the same for a team of 5, 50 or 500
people and for the administrator's view of all teams (data from ``seed_load``)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from training.completion import _assessment_models
from training.models import User
from training.reports.seed import load_seed

pytestmark = pytest.mark.django_db

# Session, user, Wagtail admin frame, filter choices (teams, pages), people in scope,
# obligations, content snapshot (with the quiz and scenario page lookup) and per-person
# rows, passed quizzes and scenarios (2: the load's modules have quizzes). The matrix
# without filters reads the people of the page and their teams (2); with a status filter,
# everybody in scope with their teams (1).
QUERIES = {
    "/admin/berichte/matrix/": 28,
    "/admin/berichte/matrix/?status=overdue": 27,
    "/admin/berichte/ueberfaellig/": 28,  # + reminders sent
    "/admin/berichte/verlauf/": 27,
}
# The administrator's admin frame reads one more permission row.
ADMIN_EXTRA = 1
EXPORT_QUERIES = 27
BACKGROUND_EXPORT_QUERIES = 15  # request only: people in scope, export row


def _client(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture(params=[5, 50, 500], ids=lambda n: f"team-of-{n}")
def loaded(request, catalogue):
    size = request.param
    # Two teams of ``size``: the manager sees one, the administrator both.
    load_seed(clerks=2 * size, modules=3, team_size=size)
    # Django keeps content types per process; whether an earlier test already looked up the
    # quiz and scenario page types must not change the count (as in a warm web worker).
    ContentType.objects.get_for_models(*_assessment_models())
    return size


@pytest.mark.parametrize("url", list(QUERIES))
def test_manager_report_queries_fixed(loaded, url, django_assert_num_queries):
    client = _client("last-leitung-001")
    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", list(QUERIES))
def test_administrator_report_queries_fixed(loaded, url, administrator, django_assert_num_queries):
    client = Client()
    client.force_login(administrator)
    with django_assert_num_queries(QUERIES[url] + ADMIN_EXTRA):
        response = client.get(url)
    assert response.status_code == 200


def test_export_queries_fixed(loaded, django_assert_num_queries):
    client = _client("last-leitung-001")
    background = loaded > 200  # IMMEDIATE_MAX_PEOPLE
    with django_assert_num_queries(BACKGROUND_EXPORT_QUERIES if background else EXPORT_QUERIES):
        response = client.get("/admin/berichte/export/", {"report": "matrix", "format": "csv"})
    if background:
        assert response.status_code == 302 and "/admin/berichte/export/" in response.url
    else:
        assert response.status_code == 200
        assert response.content.decode("utf-8-sig").count("\n") == loaded + 1


# The reports' start page: session, user, admin frame and the permission checks of its
# links.
INDEX_QUERIES = 8
# The trainer's "Kurse und Module" (everybody's obligations and states, aggregated):
# session, user, admin frame, obligations, content snapshot and per-person rows, passed
# quizzes and scenarios, lesson bodies, review aggregates, term names, assessment pages,
# quiz attempt and scenario play aggregates.
CONTENT_QUERIES = 29


def test_content_report_queries_fixed(loaded, trainer, django_assert_num_queries):
    client = Client()
    client.force_login(trainer)
    with django_assert_num_queries(CONTENT_QUERIES):
        response = client.get("/admin/berichte/inhalte/")
    assert response.status_code == 200
    # Everybody assigned counts: both teams of ``loaded`` people.
    assert f"<td>{2 * loaded}</td>" in response.content.decode()


OTHER_EXPORT_QUERIES = {"overdue": 27, "trends": 26}  # administrator: + ADMIN_EXTRA


@pytest.mark.parametrize("report", ["overdue", "trends"])
def test_other_exports_queries_fixed(loaded, report, administrator, django_assert_num_queries):
    client = Client()
    client.force_login(administrator)
    background = 2 * loaded > 200  # IMMEDIATE_MAX_PEOPLE
    # A background export's request shows no admin frame.
    expected = (
        BACKGROUND_EXPORT_QUERIES if background else OTHER_EXPORT_QUERIES[report] + ADMIN_EXTRA
    )
    with django_assert_num_queries(expected):
        response = client.get("/admin/berichte/export/", {"report": report, "format": "csv"})
    assert response.status_code == (302 if background else 200)


def test_index_queries_fixed(loaded, django_assert_num_queries):
    client = _client("last-leitung-001")
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get("/admin/berichte/").status_code == 200
