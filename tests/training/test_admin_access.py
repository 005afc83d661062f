"""Who reaches which part of the Wagtail admin, by role; and that the roles are exact."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail.users.models import UserProfile

from tests.factories import PASSWORD, TeamFactory, UserFactory
from training.models import Membership, Team, User
from training.roles import (
    COLLECTION_PERMISSIONS,
    MODEL_PERMISSIONS,
    PAGE_PERMISSIONS,
    Role,
    roles_ensure,
)

pytestmark = pytest.mark.django_db

# Every area of the admin, including ones that only answer JSON or do not exist.
ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/1/",
    "/admin/pages/2/edit/",
    "/admin/pages/search/",
    "/admin/images/",
    "/admin/images/add/",
    "/admin/documents/",
    "/admin/documents/add/",
    "/admin/users/",
    "/admin/users/new/",
    "/admin/groups/",
    "/admin/groups/new/",
    "/admin/snippets/",
    "/admin/snippets/training/team/",
    "/admin/snippets/training/team/add/",
    "/admin/snippets/courses/term/",
    "/admin/collections/",
    "/admin/sites/",
    "/admin/redirects/",
    "/admin/reports/locked/",
    "/admin/reports/site-history/",
    "/admin/choose-page/",
    "/admin/images/chooser/",
    "/admin/tag-autocomplete/?term=a",
    "/admin/api/main/pages/",
    "/admin/account/",
    "/admin/login/",
    "/admin/does-not-exist/",
]


def _client(client, role):
    user = UserFactory(role=role) if role else UserFactory()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- No admin for clerks, managers and people without a role -------------------------


# Managers reach the admin for their reports only (tests/training/reports/test_access.py).
@pytest.mark.parametrize("role", [Role.CLERK, None])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_no_admin_without_the_role(client, role, url):
    response = _client(client, role).get(url)
    assert response.status_code == 403
    assert "Kein Zugang" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CLERK, Role.MANAGER])
def test_admin_posts_are_refused_without_the_role(client, role, catalogue):
    _client(client, role)
    users_before = User.objects.count()
    response = client.post(
        "/admin/users/new/",
        {
            "username": "eindringling",
            "email": "e@example.org",
            "first_name": "E",
            "last_name": "I",
            "password1": "Kein-Zugang-2026-x",
            "password2": "Kein-Zugang-2026-x",
            "is_superuser": "on",
        },
    )
    # Managers enter the admin (reports), where Wagtail refuses with a redirect.
    assert response.status_code in (302, 403)
    assert User.objects.count() == users_before
    response = client.post(f"/admin/pages/{catalogue.pk}/edit/", {"title": "Gekapert"})
    assert response.status_code in (302, 403)
    catalogue.refresh_from_db()
    assert catalogue.title == "Kurskatalog"


def test_no_access_page_in_english(client):
    _client(client, Role.CLERK)
    client.cookies["django_language"] = "en"
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "No access" in response.content.decode()


# --- Trainers: content yes, people no ------------------------------------------------


def test_trainer_dashboard_is_german_by_default(trainer_client):
    html = trainer_client.get("/admin/").content.decode()
    assert '<html lang="de"' in html
    assert "Seiten" in html
    assert "Bilder" in html


def test_trainer_can_choose_english_for_the_admin(trainer, trainer_client):
    UserProfile.objects.update_or_create(user=trainer, defaults={"preferred_language": "en"})
    html = trainer_client.get("/admin/").content.decode()
    assert '<html lang="en"' in html
    assert "Images" in html


def test_admin_offers_german_and_english_only(trainer_client):
    html = trainer_client.get("/admin/account/").content.decode()
    assert 'value="de"' in html
    assert 'value="en"' in html
    assert 'value="fr"' not in html


def test_trainer_edits_pages(trainer, trainer_client, catalogue):
    permissions = catalogue.permissions_for_user(trainer)
    assert permissions.can_edit()
    assert permissions.can_publish()
    assert permissions.can_add_subpage()
    assert trainer_client.get(f"/admin/pages/{catalogue.pk}/").status_code == 200
    assert trainer_client.get(f"/admin/pages/{catalogue.pk}/edit/").status_code == 200
    add_url = f"/admin/pages/add/courses/coursepage/{catalogue.pk}/"
    assert trainer_client.get(add_url).status_code == 200


def test_trainer_uploads_images_and_documents(trainer_client):
    root = Collection.get_first_root_node()
    response = trainer_client.post(
        "/admin/images/add/",
        {
            "title": "Schalter",
            "file": SimpleUploadedFile("schalter.png", get_test_image_file().file.getvalue()),
            "collection": root.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Image.objects.filter(title="Schalter").exists()

    response = trainer_client.post(
        "/admin/documents/add/",
        {
            "title": "Merkblatt",
            "file": SimpleUploadedFile("merkblatt.txt", b"Bitte mitbringen"),
            "collection": root.pk,
        },
    )
    assert response.status_code == 302
    assert Document.objects.filter(title="Merkblatt").exists()


def test_trainer_edits_terms(trainer, trainer_client):
    from courses.models import Term

    for action in ("add", "change", "delete", "view"):
        assert trainer.has_perm(f"courses.{action}_term")
    viewset = getattr(Term, "snippet_viewset", None)
    assert viewset is not None, "Term must be registered as a snippet"
    from django.urls import reverse

    assert trainer_client.get(reverse(viewset.get_url_name("add"))).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/",
        "/admin/users/new/",
        "/admin/groups/",
        "/admin/groups/new/",
        "/admin/snippets/training/team/",
        "/admin/snippets/training/team/add/",
    ],
)
def test_trainer_cannot_reach_people_management(trainer_client, url):
    response = trainer_client.get(url)
    # Wagtail answers missing permissions with a redirect to the dashboard.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_trainer_cannot_create_or_change_users_groups_or_teams(trainer, trainer_client):
    clerk = UserFactory(role=Role.CLERK)
    team = TeamFactory(name="Bestehend")
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    users_before, groups_before = User.objects.count(), Group.objects.count()
    posts = {
        "/admin/users/new/": {
            "username": "neu",
            "email": "neu@example.org",
            "first_name": "N",
            "last_name": "Eu",
            "password1": "Trainer-darf-nicht-1",
            "password2": "Trainer-darf-nicht-1",
            "is_superuser": "on",
        },
        f"/admin/users/edit/{trainer.pk}/": {
            "username": trainer.username,
            "email": trainer.email,
            "first_name": "T",
            "last_name": "R",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [administrators.pk],
        },
        f"/admin/users/delete/{clerk.pk}/": {},
        "/admin/groups/new/": {"name": "Alle Rechte"},
        f"/admin/groups/edit/{administrators.pk}/": {"name": "Umbenannt"},
        "/admin/snippets/training/team/add/": nested_form_data(
            {"name": "Heimlich", "slug": "heimlich", "memberships": inline_formset([])}
        ),
        f"/admin/snippets/training/team/edit/{team.pk}/": nested_form_data(
            {"name": "Umbenannt", "slug": team.slug, "memberships": inline_formset([])}
        ),
    }
    for url, data in posts.items():
        response = trainer_client.post(url, data)
        # Wagtail's answer to a missing permission: back to the dashboard, nothing saved.
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url

    trainer.refresh_from_db()
    assert not trainer.is_superuser
    assert not trainer.groups.filter(pk=administrators.pk).exists()
    assert User.objects.filter(pk=clerk.pk).exists()
    assert (User.objects.count(), Group.objects.count()) == (users_before, groups_before)
    assert Group.objects.filter(name=Role.ADMINISTRATOR).exists()
    assert list(Team.objects.values_list("name", flat=True)) == ["Bestehend"]


def test_trainer_menu_has_no_people_management(trainer_client):
    html = trainer_client.get("/admin/").content.decode()
    assert "/admin/users/" not in html
    assert "/admin/groups/" not in html
    assert "/admin/snippets/training/team/" not in html


# --- Administrators: people, groups and teams ---------------------------------------


def test_administrator_creates_a_user_with_a_role(administrator_client):
    clerks = Group.objects.get(name=Role.CLERK)
    response = administrator_client.post(
        "/admin/users/new/",
        {
            "username": "neue.kollegin",
            "email": "neue.kollegin@example.org",
            "first_name": "Neue",
            "last_name": "Kollegin",
            "password1": "Erster-Tag-am-Schalter-7",
            "password2": "Erster-Tag-am-Schalter-7",
            "groups": [clerks.pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="neue.kollegin")
    assert list(user.groups.all()) == [clerks]
    assert administrator_client.get("/admin/groups/").status_code == 200


def test_administrator_manages_teams_with_members_and_managers(administrator_client):
    member, manager = UserFactory(role=Role.CLERK), UserFactory(role=Role.MANAGER)
    html = administrator_client.get("/admin/").content.decode()
    assert "/admin/snippets/training/team/" in html
    assert administrator_client.get("/admin/snippets/training/team/add/").status_code == 200

    response = administrator_client.post(
        "/admin/snippets/training/team/add/",
        nested_form_data(
            {
                "name": "Aufenthalt Nord",
                "slug": "aufenthalt-nord",
                "description": "",
                "memberships": inline_formset(
                    [
                        {"user": member.pk, "role": Membership.Role.MEMBER},
                        {"user": manager.pk, "role": Membership.Role.MANAGER},
                    ]
                ),
            }
        ),
    )
    assert response.status_code == 302
    team = Team.objects.get(slug="aufenthalt-nord")
    assert set(team.memberships.values_list("user", "role")) == {
        (member.pk, Membership.Role.MEMBER),
        (manager.pk, Membership.Role.MANAGER),
    }
    assert list(Team.objects.managed_by(manager)) == [team]

    listing = administrator_client.get("/admin/snippets/training/team/").content.decode()
    assert "Aufenthalt Nord" in listing
    edit = administrator_client.get(f"/admin/snippets/training/team/edit/{team.pk}/")
    assert edit.status_code == 200


def test_team_listing_needs_the_same_queries_for_many_teams(administrator, administrator_client):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert administrator_client.get("/admin/snippets/training/team/").status_code == 200
        return len(captured)

    team = TeamFactory()
    Membership.objects.create(team=team, user=administrator, role=Membership.Role.MANAGER)
    few = count_queries()
    for _ in range(5):
        team = TeamFactory()
        Membership.objects.create(team=team, user=UserFactory(), role=Membership.Role.MEMBER)
    assert count_queries() == few


# --- The roles themselves -----------------------------------------------------------


def _model_permissions(group):
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_each_role_has_exactly_its_permissions():
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for role in Role:
        group = Group.objects.get(name=role.value)
        assert _model_permissions(group) == set(MODEL_PERMISSIONS[role])
        pages = GroupPagePermission.objects.filter(group=group)
        assert set(pages.values_list("page", "permission__codename")) == {
            (root_page.pk, codename) for codename in PAGE_PERMISSIONS.get(role, [])
        }
        collections = GroupCollectionPermission.objects.filter(group=group)
        assert {
            (c, f"{app}.{codename}")
            for c, app, codename in collections.values_list(
                "collection", "permission__content_type__app_label", "permission__codename"
            )
        } == {(root_collection.pk, p) for p in COLLECTION_PERMISSIONS.get(role, [])}


def test_clerks_have_no_permissions_and_managers_only_assignments():
    for role in (Role.CLERK, Role.MANAGER):
        group = Group.objects.get(name=role.value)
        assert not GroupPagePermission.objects.filter(group=group).exists()
        assert not GroupCollectionPermission.objects.filter(group=group).exists()
    assert not Group.objects.get(name=Role.CLERK).permissions.exists()
    # Managers manage assignments on the site (not in the admin), for their own teams,
    # and enter the admin for their teams' reports only.
    assert set(
        Group.objects.get(name=Role.MANAGER).permissions.values_list("codename", flat=True)
    ) == {
        "add_assignment",
        "change_assignment",
        "view_assignment",
        "access_admin",
        "view_team_reports",
    }


def test_roles_ensure_removes_what_was_added_by_hand(catalogue):
    clerks = Group.objects.get(name=Role.CLERK)
    trainers = Group.objects.get(name=Role.TRAINER)
    clerks.permissions.add(Permission.objects.get(codename="access_admin"))
    trainers.permissions.add(Permission.objects.get(codename="add_user"))
    GroupPagePermission.objects.create(
        group=trainers, page=catalogue, permission=Permission.objects.get(codename="delete_page")
    )
    child = Collection.get_first_root_node().add_child(name="Geheim")
    GroupCollectionPermission.objects.create(
        group=clerks, collection=child, permission=Permission.objects.get(codename="add_image")
    )

    roles_ensure()

    assert not clerks.permissions.exists()
    assert "training.add_user" not in _model_permissions(trainers)
    assert not GroupPagePermission.objects.filter(group=trainers, page=catalogue).exists()
    assert not GroupCollectionPermission.objects.filter(group=clerks).exists()
    test_each_role_has_exactly_its_permissions()


def test_roles_ensure_is_idempotent_across_all_tables():
    def snapshot():
        return (
            sorted(Group.objects.values_list("name", "permissions")),
            sorted(GroupPagePermission.objects.values_list("group", "page", "permission")),
            sorted(
                GroupCollectionPermission.objects.values_list("group", "collection", "permission")
            ),
        )

    before = snapshot()
    roles_ensure()
    roles_ensure()
    assert snapshot() == before


def test_roles_ensure_recreates_a_deleted_role():
    Group.objects.filter(name=Role.TRAINER).delete()
    groups = roles_ensure()
    assert _model_permissions(groups[Role.TRAINER]) == set(MODEL_PERMISSIONS[Role.TRAINER])
