"""Assignments: who must complete which course or module by when.

Who is obliged is computed from the assignment's teams, people and roles at the moment
of asking, never copied into rows: someone who joins a team later is obliged from then
on, someone who leaves (or whose account is deactivated) no longer is, and keeps their
progress. Every change of an assignment goes through ``assignment_create``,
``assignment_update`` or ``assignment_withdraw`` and is written to ``AssignmentLog``.

Managers manage assignments for the teams they manage only (``assignable_scope``);
trainers and administrators (permission ``training.assign_to_roles``) may also make
training mandatory for a role.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import CoursePage, ModulePage
from training import dates
from training.models import Assignment, AssignmentLog, Membership, Team, User

# --- Scope ---------------------------------------------------------------------------


def may_assign_to_roles(user: User) -> bool:
    return user.has_perm("training.assign_to_roles")


def may_manage_assignments(user: User) -> bool:
    return user.is_active and user.has_perm("training.change_assignment")


def assignable_teams(user: User) -> QuerySet[Team]:
    """Teams the person may assign training to: their own managed teams; every team for
    trainers and administrators."""
    if may_assign_to_roles(user):
        return Team.objects.all()
    return Team.objects.managed_by(user)


def assignable_people(user: User) -> QuerySet[User]:
    """People the person may assign training to by name: the members of their teams."""
    people = User.objects.filter(is_active=True)
    if may_assign_to_roles(user):
        return people.order_by("last_name", "first_name", "username")
    return (
        people.filter(
            memberships__team__in=Team.objects.managed_by(user),
            memberships__role=Membership.Role.MEMBER,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def assignable_pages() -> QuerySet[Page]:
    """Live courses and modules."""
    from django.contrib.contenttypes.models import ContentType

    types = ContentType.objects.get_for_models(CoursePage, ModulePage).values()
    return Page.objects.live().filter(content_type__in=list(types)).order_by("path")


def manageable_assignments(user: User) -> QuerySet[Assignment]:
    """Assignments the person may see and change: all for trainers and administrators;
    for a manager those without roles whose teams and people all lie in their teams."""
    assignments = Assignment.objects.active().select_related("page", "created_by")
    if may_assign_to_roles(user):
        return assignments
    if not may_manage_assignments(user):
        return assignments.none()
    teams = Team.objects.managed_by(user)
    people = assignable_people(user)
    return (
        assignments.filter(Q(teams__in=teams) | Q(people__in=people))
        .exclude(roles__isnull=False)
        .exclude(teams__in=Team.objects.exclude(pk__in=teams))
        .exclude(people__in=User.objects.exclude(pk__in=people))
        .distinct()
    )


# --- Changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentData:
    page: Page
    due_mode: str
    due_date: dt.date | None = None
    due_days: int | None = None
    teams: tuple[Team, ...] = ()
    people: tuple[User, ...] = ()
    roles: tuple[Group, ...] = ()


def _check(actor: User, data: AssignmentData) -> None:
    if not may_manage_assignments(actor):
        raise PermissionDenied
    if data.roles and not may_assign_to_roles(actor):
        raise PermissionDenied
    team_ids = set(assignable_teams(actor).values_list("pk", flat=True))
    if any(team.pk not in team_ids for team in data.teams):
        raise PermissionDenied
    if data.people:
        people_ids = set(assignable_people(actor).values_list("pk", flat=True))
        if any(person.pk not in people_ids for person in data.people):
            raise PermissionDenied
    errors = {}
    if not (data.teams or data.people or data.roles):
        errors["teams"] = _("Choose at least one team, person or role.")
    if not assignable_pages().filter(pk=data.page.pk).exists():
        errors["page"] = _("Choose a published course or module.")
    if data.due_mode not in Assignment.DueMode.values:
        errors["due_mode"] = _("Choose when the training is due.")
    elif data.due_mode == Assignment.DueMode.FIXED and data.due_date is None:
        errors["due_date"] = _("Enter the due date.")
    elif data.due_mode != Assignment.DueMode.FIXED and not data.due_days:
        errors["due_days"] = _("Enter the number of days (at least 1).")
    if data.due_mode == Assignment.DueMode.AFTER_JOINING and not data.teams:
        errors["due_mode"] = _("“After joining the team” needs at least one team.")
    if errors:
        raise ValidationError(errors)


def assignment_summary(assignment: Assignment) -> dict:
    """What the log records of an assignment (page, due date, who)."""
    return {
        "page": f"{assignment.page_id}: {assignment.page.title}",
        "due_mode": assignment.due_mode,
        "due_date": assignment.due_date.isoformat() if assignment.due_date else None,
        "due_days": assignment.due_days,
        "teams": sorted(t.name for t in assignment.teams.all()),
        "people": sorted(p.username for p in assignment.people.all()),
        "roles": sorted(g.name for g in assignment.roles.all()),
    }


def _apply(assignment: Assignment, data: AssignmentData) -> None:
    assignment.page = data.page
    assignment.due_mode = data.due_mode
    fixed = data.due_mode == Assignment.DueMode.FIXED
    assignment.due_date = data.due_date if fixed else None
    assignment.due_days = None if fixed else data.due_days
    assignment.full_clean(exclude=["created_by"])
    assignment.save()
    assignment.teams.set(data.teams)
    assignment.people.set(data.people)
    assignment.roles.set(data.roles)


def _locked(actor: User, assignment_id: int) -> Assignment:
    """The assignment, locked for the change, if the actor may manage it (else 404).

    Checked first and locked by id: PostgreSQL refuses FOR UPDATE on the DISTINCT query
    of a manager's scope.
    """
    if not manageable_assignments(actor).filter(pk=assignment_id).exists():
        raise Http404("no such assignment")
    return Assignment.objects.select_for_update().select_related("page").get(pk=assignment_id)


@transaction.atomic
def assignment_create(
    *, actor: User, data: AssignmentData, now: dt.datetime | None = None
) -> Assignment:
    _check(actor, data)
    now = now or timezone.now()
    assignment = Assignment(created_by=actor, created_at=now)
    _apply(assignment, data)
    after = assignment_summary(assignment)
    AssignmentLog.objects.create(
        assignment=assignment,
        actor=actor,
        at=now,
        action=AssignmentLog.Action.CREATED,
        changes={key: [None, value] for key, value in after.items()},
    )
    return assignment


@transaction.atomic
def assignment_update(
    *, actor: User, assignment: Assignment, data: AssignmentData, now: dt.datetime | None = None
) -> Assignment:
    """Changes an assignment the actor may manage; logs what changed (nothing: no entry)."""
    assignment = _locked(actor, assignment.pk)
    _check(actor, data)
    before = assignment_summary(assignment)
    _apply(assignment, data)
    after = assignment_summary(assignment)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        AssignmentLog.objects.create(
            assignment=assignment,
            actor=actor,
            at=now or timezone.now(),
            action=AssignmentLog.Action.CHANGED,
            changes=changes,
        )
    return assignment


@transaction.atomic
def assignment_withdraw(
    *, actor: User, assignment: Assignment, now: dt.datetime | None = None
) -> Assignment:
    """Ends the obligation for everybody; the assignment and its log stay."""
    assignment = _locked(actor, assignment.pk)
    now = now or timezone.now()
    assignment.withdrawn_at = now
    assignment.save(update_fields=["withdrawn_at"])
    AssignmentLog.objects.create(
        assignment=assignment,
        actor=actor,
        at=now,
        action=AssignmentLog.Action.WITHDRAWN,
        changes={"withdrawn_at": [None, now.isoformat()]},
    )
    return assignment


# --- Who is obliged ------------------------------------------------------------------


class Obligation(NamedTuple):
    """One person must complete ``assignment.page`` by ``due`` (a named tuple: reports
    make hundreds of thousands)."""

    assignment: Assignment
    user_id: int
    due: dt.date
    since: dt.datetime  # when the person came under the assignment


def obligations(*, user_ids: Collection[int] | None = None, pages: bool = True) -> list[Obligation]:
    """Every current obligation of active people (all people, or ``user_ids``), from the
    active assignments. Four queries whatever the number of assignments, teams, people.
    With ``pages=False`` the assignments come without their page (``page_id`` only):
    reports need no page objects, and Wagtail's are costly to make.
    """
    assignments = Assignment.objects.active()
    if pages:
        assignments = assignments.select_related("page")
    active_users = User.objects.filter(is_active=True)
    if user_ids is not None:
        user_ids = list(user_ids)
        active_users = active_users.filter(pk__in=user_ids)
        # Three IN (subquery) conditions rather than joins through the link tables: the
        # joins multiply the rows (every member of every team) and need a DISTINCT, which
        # for thousands of people cost more than everything else in a report.
        assignments = assignments.filter(
            Q(
                pk__in=Assignment.people.through.objects.filter(user_id__in=user_ids).values(
                    "assignment_id"
                )
            )
            | Q(
                pk__in=Assignment.teams.through.objects.filter(
                    team__memberships__user__in=user_ids,
                    team__memberships__role=Membership.Role.MEMBER,
                ).values("assignment_id")
            )
            | Q(
                pk__in=Assignment.roles.through.objects.filter(group__user__in=user_ids).values(
                    "assignment_id"
                )
            )
        )
    assignments = {a.pk: a for a in assignments}
    ids = list(assignments)
    # The three link tables in one query (teams, roles, people), told apart by a tag.
    team_links = Assignment.teams.through.objects.filter(assignment_id__in=ids)
    if user_ids is not None:
        # Only the teams of these people (an assignment may name every team there is).
        team_links = team_links.filter(
            team_id__in=Membership.objects.filter(
                user_id__in=user_ids, role=Membership.Role.MEMBER
            ).values("team_id")
        )
    links = (
        team_links.annotate(kind=Value("team"), other=F("team_id"))
        .values_list("kind", "assignment_id", "other")
        .union(
            Assignment.roles.through.objects.filter(assignment_id__in=ids)
            .annotate(kind=Value("role"), other=F("group_id"))
            .values_list("kind", "assignment_id", "other"),
            Assignment.people.through.objects.filter(assignment_id__in=ids, user__in=active_users)
            .annotate(kind=Value("person"), other=F("user_id"))
            .values_list("kind", "assignment_id", "other"),
            all=True,
        )
        if ids
        else []
    )
    teams_of: dict[int, list[int]] = defaultdict(list)
    roles_of: dict[int, list[int]] = defaultdict(list)
    people_rows: list[tuple[int, int]] = []
    for kind, assignment_id, other in links:
        if kind == "team":
            teams_of[other].append(assignment_id)
        elif kind == "role":
            roles_of[other].append(assignment_id)
        else:
            people_rows.append((assignment_id, other))

    found: dict[tuple[int, int], Obligation] = {}
    # Due date and start by (assignment, joining time): the same for most of a team.
    terms: dict[tuple[int, dt.datetime | None], tuple[dt.date, dt.datetime]] = {}

    def add(assignment: Assignment, user_id: int, joined_at: dt.datetime | None) -> None:
        term = terms.get((assignment.id, joined_at))
        if term is None:
            due = dates.due_date(
                mode=assignment.due_mode,
                fixed=assignment.due_date,
                days=assignment.due_days,
                assigned_at=assignment.created_at,
                joined_at=joined_at,
            )
            since = max(assignment.created_at, joined_at) if joined_at else assignment.created_at
            term = terms[(assignment.id, joined_at)] = (due, since)
        key = (assignment.id, user_id)
        known = found.get(key)
        if known is None or term[0] < known.due:  # several routes: the earliest
            found[key] = Obligation(assignment, user_id, *term)

    for assignment_id, user_id in people_rows:
        add(assignments[assignment_id], user_id, None)
    if teams_of:
        for team_id, user_id, joined_at in Membership.objects.filter(
            team_id__in=list(teams_of), role=Membership.Role.MEMBER, user__in=active_users
        ).values_list("team_id", "user_id", "joined_at"):
            for assignment_id in teams_of[team_id]:
                add(assignments[assignment_id], user_id, joined_at)
    if roles_of:
        for row in User.groups.through.objects.filter(
            group_id__in=list(roles_of), user__in=active_users
        ).values("group_id", "user_id"):
            for assignment_id in roles_of[row["group_id"]]:
                add(assignments[assignment_id], row["user_id"], None)
    return sorted(found.values(), key=lambda o: (o.due, o.assignment.id, o.user_id))


def obligations_by_page(items: list[Obligation]) -> dict[tuple[int, int], Obligation]:
    """(user id, page id) → the obligation due first, when several assign the same."""
    result: dict[tuple[int, int], Obligation] = {}
    for item in items:
        key = (item.user_id, item.assignment.page_id)
        if key not in result or item.due < result[key].due:
            result[key] = item
    return result


def managed_member_ids(manager: User) -> set[int]:
    """Ids of the members of the teams the person manages."""
    return set(
        Membership.objects.filter(
            team__in=Team.objects.managed_by(manager), role=Membership.Role.MEMBER
        ).values_list("user_id", flat=True)
    )
