"""Who may see which reports.

* ``training.view_all_reports`` (administrators): every team;
* ``training.view_team_reports`` (managers): the teams they manage, nothing else;
* ``training.view_content_reports`` (trainers, administrators): aggregates per course and
  module, no team or person.

A team outside a person's scope is answered like one that does not exist (404).
"""

from __future__ import annotations

from django.db.models import QuerySet

from training.models import Team, User


def may_see_all_teams(user: User) -> bool:
    return user.is_active and user.has_perm("training.view_all_reports")


def may_see_team_reports(user: User) -> bool:
    return user.is_active and (
        user.has_perm("training.view_team_reports") or may_see_all_teams(user)
    )


def may_see_content_reports(user: User) -> bool:
    return user.is_active and user.has_perm("training.view_content_reports")


def may_read_audit_log(user: User) -> bool:
    return user.is_active and user.has_perm("training.view_reportaudit")


def report_teams(user: User) -> QuerySet[Team]:
    """The teams whose reports the person may see (ordered by name)."""
    if may_see_all_teams(user):
        return Team.objects.order_by("name")
    if may_see_team_reports(user):
        return Team.objects.managed_by(user).order_by("name")
    return Team.objects.none()
