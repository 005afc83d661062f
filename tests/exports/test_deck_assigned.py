"""A clerk downloads the vocabulary of their own assignments as an Anki deck from
"Meine Fortbildung"; always their own, never another person's."""

import re

import pytest

from exports import deck_exports
from exports.models import DeckExport
from tests.conftest import _signed_in
from tests.exports.conftest import term_touch
from tests.exports.test_deck_views import vocabulary_body
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
from training.roles import Role

pytestmark = pytest.mark.django_db

URL = "/vokabeln/anki/meine-zuweisungen/"


@pytest.fixture
def assigned(catalogue, clerk, administrator):
    """The clerk has a module assigned by name and a course through a team; a third
    module is assigned to someone else only, and one lesson is a draft."""
    terms = {
        key: term_touch(TermFactory(key=key, term=key.capitalize()), minutes=n)
        for n, key in enumerate(["antrag", "pass", "visum", "anderswo", "entwurf"])
    }
    first = CoursePageFactory(parent=catalogue, slug="schalter", title="Am Schalter")
    module = ModulePageFactory(parent=first, slug="aufenthalt", title="Aufenthalt")
    LessonPageFactory(parent=module, body=vocabulary_body(terms["antrag"], terms["pass"]))
    draft = LessonPageFactory(parent=module, body=vocabulary_body(terms["entwurf"]))
    draft.unpublish()
    second = CoursePageFactory(parent=catalogue, slug="beratung", title="Beratung")
    LessonPageFactory(
        parent=ModulePageFactory(parent=second, slug="einbuergerung"),
        body=vocabulary_body(terms["visum"], terms["pass"]),
    )
    other_module = ModulePageFactory(parent=first, slug="anderes", title="Anderes")
    LessonPageFactory(parent=other_module, body=vocabulary_body(terms["anderswo"]))

    team = TeamFactory()
    MembershipFactory(team=team, user=clerk)
    other = UserFactory(role=Role.CLERK)
    due = {"due_mode": "assigned", "due_days": 30}
    by_name = assignment_create(
        actor=administrator, data=AssignmentData(page=module, people=(clerk,), **due)
    )
    assignment_create(actor=administrator, data=AssignmentData(page=second, teams=(team,), **due))
    assignment_create(
        actor=administrator, data=AssignmentData(page=other_module, people=(other,), **due)
    )
    return {"terms": terms, "module": module, "other": other, "by_name": by_name}


def _keys(profile) -> set[str]:
    return {note["Key"] for note in profile.notes()}


def test_clerk_downloads_the_deck_of_their_assignments_from_the_dashboard(
    clerk_client, assigned, anki_profile
):
    dashboard = clerk_client.get("/meine-fortbildung/").content.decode()
    assert f'<a href="{URL}">Vokabeln als Anki-Deck</a>' in dashboard

    form = clerk_client.get(URL)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Meine Zuweisungen · 3 Begriffe" in html
    assert f'action="{URL}"' in html

    response = clerk_client.post(URL, {"languages": ["en", "ar"], "direction": "both"})

    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"] == (
        'attachment; filename="willkommen-vokabeln-meine-zuweisungen-en-ar.apkg"'
    )
    profile = anki_profile()
    profile.import_deck(response.content)
    # Exactly the published vocabulary of the assigned module and course: not the other
    # person's module, not the draft lesson.
    assert _keys(profile) == {
        "antrag/en", "pass/en", "visum/en", "antrag/ar", "pass/ar", "visum/ar",
    }  # fmt: skip
    assert profile.collection.card_count() == 12
    assert {
        "Willkommensbehörde::Vokabeln::Englisch",
        "Willkommensbehörde::Vokabeln::Arabisch",
    } <= profile.deck_names()
    # Each note names the assigned modules that teach it.
    tags = set(profile.note_by_key("pass/en").tags)
    assert {"module::schalter::aufenthalt", "module::beratung::einbuergerung"} <= tags


def test_the_scope_is_always_the_requester_never_a_named_person(
    clerk_client, clerk, assigned, anki_profile
):
    other = assigned["other"]
    # Naming another person changes nothing: there is no such parameter.
    response = clerk_client.post(
        f"{URL}?user={other.pk}", {"languages": ["en"], "user": other.pk, "owner": other.pk}
    )
    profile = anki_profile()
    profile.import_deck(response.content)
    assert _keys(profile) == {"antrag/en", "pass/en", "visum/en"}

    response = _signed_in(other).post(URL, {"languages": ["en"]})
    profile = anki_profile("other")
    profile.import_deck(response.content)
    assert _keys(profile) == {"anderswo/en"}


def test_without_assignments_a_clear_message_and_no_file(client, assigned):
    nobody = UserFactory(role=Role.CLERK)
    client.force_login(nobody)

    page = client.get(URL).content.decode()
    assert "Ihnen ist keine Fortbildung mit Vokabeln zugewiesen" in page
    response = client.post(URL, {"languages": ["en"]})
    assert "Content-Disposition" not in response
    assert "Ihnen ist keine Fortbildung mit Vokabeln zugewiesen" in response.content.decode()
    assert not DeckExport.objects.exists()


def test_a_withdrawn_assignment_leaves_the_deck(clerk_client, administrator, assigned):
    assignment_withdraw(actor=administrator, assignment=assigned["by_name"])
    assert "Meine Zuweisungen · 2 Begriffe" in clerk_client.get(URL).content.decode()


def test_large_deck_of_assignments_is_built_in_the_background_for_the_owner(
    clerk_client, clerk, assigned, anki_profile, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(deck_exports, "IMMEDIATE_MAX_NOTES", 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(URL, {"languages": ["uk"]})

    export = DeckExport.objects.get()
    assert response.status_code == 302
    assert export.owner == clerk
    assert export.parameters["assigned"] is True
    assert export.status == DeckExport.Status.DONE
    status = clerk_client.get(response["Location"]).content.decode()
    assert re.search(rf'<a href="{URL}">Ein weiteres Deck erstellen</a>', status)
    download = clerk_client.get(f"/vokabeln/anki/export/{export.pk}/datei/")
    profile = anki_profile()
    profile.import_deck(b"".join(download.streaming_content))
    assert _keys(profile) == {"antrag/uk", "pass/uk", "visum/uk"}


def test_anonymous_people_are_sent_to_sign_in(client, assigned):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "anmelden" in response["Location"]


@pytest.mark.parametrize("extra", [0, 3])
def test_form_queries_do_not_grow_with_assignments(
    catalogue, clerk, clerk_client, administrator, assigned, django_assert_num_queries, extra
):
    for n in range(extra):
        module = ModulePageFactory(parent=CoursePageFactory(parent=catalogue, slug=f"mehr-{n}"))
        LessonPageFactory(parent=module, body=vocabulary_body(TermFactory(), TermFactory()))
        assignment_create(
            actor=administrator,
            data=AssignmentData(page=module, people=(clerk,), due_mode="assigned", due_days=30),
        )
    clerk_client.get(URL)  # warm up what is loaded once per process
    # session, user, the assigned term ids (6), the terms, their translations
    with django_assert_num_queries(10):
        response = clerk_client.get(URL)
    assert f"Meine Zuweisungen · {3 + 2 * extra} Begriffe" in response.content.decode()
