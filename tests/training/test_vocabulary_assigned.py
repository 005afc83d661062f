"""Reviewing the vocabulary of one's own assignments in the browser ("Meine Zuweisungen")."""

import json

import pytest

from tests.conftest import _signed_in
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MembershipFactory,
    ModulePageFactory,
    TeamFactory,
    TermFactory,
    UserFactory,
)
from training.assignments import AssignmentData, assignment_create, assignment_withdraw
from training.models import VocabularyCard
from training.roles import Role
from training.vocabulary import vocabulary_assigned_term_ids, vocabulary_deck_ensure

pytestmark = pytest.mark.django_db

START_URL = "/vokabeln/lernen/"
REVIEW_URL = "/vokabeln/lernen/karten/"
DUE = {"due_mode": "assigned", "due_days": 30}


def _lesson(module, terms, **kwargs):
    body = [{"type": "vocabulary", "value": {"title": "", "terms": [t.pk for t in terms]}}]
    return LessonPageFactory(parent=module, body=json.dumps(body), **kwargs)


@pytest.fixture
def setting(catalogue, clerk, administrator):
    """A module assigned to the clerk by name, a course through their team, a module
    assigned to nobody and a draft lesson in the assigned module."""
    terms = TermFactory.create_batch(5)
    course = CoursePageFactory(parent=catalogue)
    module = ModulePageFactory(parent=course)
    _lesson(module, terms[:2])
    _lesson(module, [terms[4]]).unpublish()
    second = CoursePageFactory(parent=catalogue)
    _lesson(ModulePageFactory(parent=second), [terms[2], terms[1]])
    elsewhere = ModulePageFactory(parent=course)
    _lesson(elsewhere, [terms[3]])
    team = TeamFactory()
    MembershipFactory(team=team, user=clerk)
    by_name = assignment_create(
        actor=administrator, data=AssignmentData(page=module, people=(clerk,), **DUE)
    )
    assignment_create(actor=administrator, data=AssignmentData(page=second, teams=(team,), **DUE))
    return {"terms": terms, "elsewhere": elsewhere, "by_name": by_name, "team": team}


def test_assigned_terms_are_those_of_the_published_lessons_of_the_assignments(
    clerk, administrator, setting
):
    terms = setting["terms"]
    assert vocabulary_assigned_term_ids(user=clerk) == [terms[0].pk, terms[1].pk, terms[2].pk]
    assert vocabulary_assigned_term_ids(user=UserFactory(role=Role.CLERK)) == []

    assignment_withdraw(actor=administrator, assignment=setting["by_name"])
    assert vocabulary_assigned_term_ids(user=clerk) == [terms[2].pk, terms[1].pk]


def test_assigned_terms_take_fixed_queries(
    clerk, administrator, setting, catalogue, django_assert_num_queries
):
    def count():
        with django_assert_num_queries(6) as context:
            vocabulary_assigned_term_ids(user=clerk)
        return len(context.captured_queries)

    count()
    for _n in range(3):
        extra = ModulePageFactory(parent=CoursePageFactory(parent=catalogue))
        _lesson(extra, TermFactory.create_batch(2))
        assignment_create(
            actor=administrator, data=AssignmentData(page=extra, teams=(setting["team"],), **DUE)
        )
    count()
    assert len(vocabulary_assigned_term_ids(user=clerk)) == 9


def test_dashboard_links_to_the_review_of_the_assignments(clerk_client, setting):
    html = clerk_client.get("/meine-fortbildung/").content.decode()
    assert f'<a href="{START_URL}?assigned=1">Im Browser üben</a>' in html


def test_dashboard_without_assignments_has_no_such_link(client):
    client.force_login(UserFactory(role=Role.CLERK))
    html = client.get("/meine-fortbildung/").content.decode()
    assert "Vokabeln meiner Zuweisungen" not in html


def test_practising_my_assignments_creates_cards_for_the_assigned_terms_only(
    clerk, clerk_client, setting
):
    terms = setting["terms"]
    # An older card of an unassigned term stays out of this review.
    vocabulary_deck_ensure(user=clerk, terms=[terms[3]], language="uk", direction="de-x")

    page = clerk_client.get(f"{START_URL}?assigned=1").content.decode()
    assert 'value="assigned" selected' in page
    assert "Meine Zuweisungen (alle zugewiesenen Kurse und Module)" in page

    response = clerk_client.post(
        START_URL, {"selection": "assigned", "language": "uk", "direction": "de-x"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{REVIEW_URL}?assigned=1&language=uk&direction=de-x"
    assert set(VocabularyCard.objects.filter(user=clerk).values_list("term_id", flat=True)) == {
        terms[0].pk,
        terms[1].pk,
        terms[2].pk,
        terms[3].pk,
    }

    html = clerk_client.get(response["Location"]).content.decode()
    assert '<p class="review-scope">Meine Zuweisungen</p>' in html
    assert "3 Karten fällig" in html
    assert terms[3].with_article not in html


def test_nothing_assigned_gives_a_clear_message_and_no_cards(client, setting):
    client.force_login(UserFactory(role=Role.CLERK))
    response = client.post(
        START_URL, {"selection": "assigned", "language": "en", "direction": "de-x"}
    )
    assert response.status_code == 400
    assert "Ihre zugewiesene Fortbildung enthält keine Vokabeln" in response.content.decode()
    assert not VocabularyCard.objects.exists()


def test_the_scope_is_the_reader_not_a_named_person(clerk, setting):
    other = UserFactory(role=Role.CLERK)
    vocabulary_deck_ensure(user=clerk, terms=setting["terms"][:3], language="en", direction="de-x")
    client = _signed_in(other)
    html = client.get(f"{REVIEW_URL}?assigned=1&user={clerk.pk}").content.decode()
    assert "Keine Karten fällig" in html
    assert client.get(f"{REVIEW_URL}?assigned=yes").status_code == 404


@pytest.mark.parametrize("extra", [0, 3])
def test_review_of_my_assignments_queries_do_not_grow_with_assignments(
    catalogue, clerk, clerk_client, administrator, setting, django_assert_num_queries, extra
):
    for _n in range(extra):
        module = ModulePageFactory(parent=CoursePageFactory(parent=catalogue))
        _lesson(module, TermFactory.create_batch(2))
        assignment_create(
            actor=administrator, data=AssignmentData(page=module, people=(clerk,), **DUE)
        )
    vocabulary_deck_ensure(user=clerk, terms=setting["terms"], language="en", direction="de-x")
    url = f"{REVIEW_URL}?assigned=1&language=en&show=1"
    clerk_client.get(url)  # warm up what is loaded once per process
    # session, user, the assigned term ids (6: obligations and lesson bodies), next card,
    # its translation, two due counts
    with django_assert_num_queries(12):
        response = clerk_client.get(url)
    assert "3 Karten fällig" in response.content.decode()


def test_without_published_modules_there_is_nothing_to_choose(clerk_client):
    html = clerk_client.get(f"{START_URL}?assigned=1").content.decode()
    assert "Meine Zuweisungen" not in html
    assert "Üben beginnen" not in html
