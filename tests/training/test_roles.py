import pytest
from django.contrib.auth.models import Group

from training.roles import Role, roles_ensure

pytestmark = pytest.mark.django_db


def test_every_role_exists_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_clerk_is_refused_the_admin(clerk_client):
    for url in ("/admin/", "/admin/pages/", "/admin/snippets/courses/term/"):
        response = clerk_client.get(url)
        assert response.status_code == 403
        assert "Kein Zugang" in response.content.decode()


def test_trainer_reaches_the_admin_but_not_user_management(trainer_client):
    assert trainer_client.get("/admin/").status_code == 200
    assert trainer_client.get("/admin/users/").status_code in (302, 403)
    assert trainer_client.get("/admin/groups/").status_code in (302, 403)


def test_administrator_manages_users(administrator_client):
    assert administrator_client.get("/admin/users/").status_code == 200


def test_roles_ensure_is_idempotent():
    trainer = Group.objects.get(name=Role.TRAINER)
    before = sorted(trainer.permissions.values_list("codename", flat=True))
    pages_before = trainer.page_permissions.count()
    roles_ensure()
    roles_ensure()
    trainer.refresh_from_db()
    assert sorted(trainer.permissions.values_list("codename", flat=True)) == before
    assert trainer.page_permissions.count() == pages_before
