"""The four roles of the platform as Django groups, with their Wagtail permissions.

``roles_ensure`` is idempotent; it runs after every ``migrate`` so that no installation
depends on permissions set by hand.
"""

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group's name, as shown in the admin.
    CLERK = "Sachbearbeitung", _("Clerk")
    TRAINER = "Fortbildung", _("Trainer")
    MANAGER = "Führungskräfte", _("Manager")
    ADMINISTRATOR = "Administration", _("Administrator")


# Model-level permissions as "app_label.codename".
_CONTENT_EDITING = [
    "wagtailadmin.access_admin",
    "courses.add_term",
    "courses.change_term",
    "courses.delete_term",
    "courses.view_term",
    "courses.add_topic",
    "courses.change_topic",
    "courses.delete_topic",
    "courses.view_topic",
    *[
        f"quizzes.{action}_{model}"
        for model in (
            "question",
            "singlechoicequestion",
            "multiplechoicequestion",
            "truefalsequestion",
            "orderingquestion",
            "matchingquestion",
            "clozequestion",
            "shorttextquestion",
        )
        for action in ("add", "change", "delete", "view")
    ],
    # Results per quiz (aggregates) and the regrade action.
    "quizzes.view_quizattempt",
    "quizzes.add_quizregrade",
]
_PEOPLE = [
    "wagtailadmin.access_admin",
    "training.add_user",
    "training.change_user",
    "training.delete_user",
    "training.view_user",
    "auth.add_group",
    "auth.change_group",
    "auth.delete_group",
    "auth.view_group",
    "training.add_team",
    "training.change_team",
    "training.delete_team",
    "training.view_team",
]

# Assignments are managed on the site (/meine-fortbildung/zuweisungen/), not in the
# admin: managers for their own teams, trainers and administrators for every team and role.
_ASSIGNING = [
    "training.add_assignment",
    "training.change_assignment",
    "training.view_assignment",
]
_ASSIGNING_ANY = [
    *_ASSIGNING,
    "training.assign_to_roles",
    # Recertification after a change of content (admin view in training/wagtail_hooks.py).
    "training.add_recertificationrequirement",
    "training.view_recertificationrequirement",
]

# Reports (training/reports/): managers get a reduced admin with their teams' reports
# only; trainers the reports per course and module; administrators everything and the
# audit log of named score views.
_TEAM_REPORTS = ["wagtailadmin.access_admin", "training.view_team_reports"]
_CONTENT_REPORTS = ["training.view_content_reports"]
_ALL_REPORTS = [
    *_TEAM_REPORTS,
    *_CONTENT_REPORTS,
    "training.view_all_reports",
    "training.view_reportaudit",
]

MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.CLERK: [],
    Role.TRAINER: sorted(set(_CONTENT_EDITING + _ASSIGNING_ANY + _CONTENT_REPORTS)),
    # Managers: assignments for their own teams (scope in training/assignments.py) and
    # a reduced admin with their teams' reports only.
    Role.MANAGER: sorted(set(_ASSIGNING + _TEAM_REPORTS)),
    Role.ADMINISTRATOR: sorted(set(_CONTENT_EDITING + _PEOPLE + _ASSIGNING_ANY + _ALL_REPORTS)),
}

# Page permissions on the tree root (they cover every page), per role.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.TRAINER: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    Role.ADMINISTRATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Image and document permissions on the root collection, per role.
COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    Role.TRAINER: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}
COLLECTION_PERMISSIONS[Role.ADMINISTRATOR] = COLLECTION_PERMISSIONS[Role.TRAINER]


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create the role groups and give each exactly its permissions."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set([_permission(p) for p in MODEL_PERMISSIONS[role]])
        if root_page is not None:
            GroupPagePermission.objects.filter(group=group).exclude(page=root_page).delete()
            wanted = PAGE_PERMISSIONS.get(role, [])
            GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
                permission__codename__in=wanted
            ).delete()
            for codename in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=_permission(f"wagtailcore.{codename}"),
                )
        if root_collection is not None:
            wanted = [_permission(p) for p in COLLECTION_PERMISSIONS.get(role, [])]
            GroupCollectionPermission.objects.filter(group=group).exclude(
                collection=root_collection, permission__in=wanted
            ).delete()
            for permission in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        groups[role.value] = group
    return groups


def roles_ensure_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions of every app must exist before groups can point at them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_ensure()
