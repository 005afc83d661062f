"""Synthetic load for the reports: a large authority's people, teams, assignments and
progress (``manage.py seed_load``; benchmarks and query-count tests).

Idempotent: pages, teams, people and assignments are found by their keys (slug,
username) and created only when missing; progress, completions and reminders are
generated only for people who have none yet. Deterministic (a fixed random seed), so two
runs of the same size give the same data.

Fast: pages (a few hundred) through Wagtail's tree API (treebeard-correct), everything
else in bulk: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Synthetic assignments are written directly (one per module, to every load team), without
``AssignmentLog`` entries: nobody assigned them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from courses import page_cache
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage
from training.models import (
    Assignment,
    LessonProgress,
    Membership,
    ReminderSent,
    Team,
    User,
)
from training.roles import Role

USER_PREFIX = "last"
TEAM_PREFIX = "last-team-"
COURSE_PREFIX = "last-kurs-"
MODULES_PER_COURSE = 8
LESSONS_PER_MODULE = 3
TEAM_SIZE = 50

FIRST_NAMES = [
    "Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hakan", "Ida", "Jonas",
    "Katarzyna", "Leon", "Mira", "Nikolai", "Olga", "Paul", "Quang", "Rania", "Sofia", "Tim",
    "Ute", "Viktor", "Wiebke", "Yusuf", "Zeynep",
]  # fmt: skip
LAST_NAMES = [
    "Schmidt", "Müller", "Yılmaz", "Kowalski", "Nguyen", "Becker", "Hoffmann", "Wagner",
    "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier",
]  # fmt: skip


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    def __str__(self):
        return ", ".join(f"{kind}: {count}" for kind, count in self.created.items()) or "nothing"


def _catalogue() -> Page:
    catalogue = CataloguePage.objects.first()
    if catalogue is None:
        catalogue = CataloguePage(title="Kurskatalog", slug="kurse")
        Page.get_first_root_node().add_child(instance=catalogue)
    return catalogue


def _child(parent: Page, model, *, slug: str, title: str, report: LoadReport, kind: str):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(title=title, slug=slug)
    parent.add_child(instance=page)
    report.add(kind, 1)
    return page


def _pages(modules: int, report: LoadReport) -> list[ModulePage]:
    catalogue = _catalogue()
    result = []
    course_count = -(-modules // MODULES_PER_COURSE)
    for c in range(course_count):
        course = _child(
            catalogue,
            CoursePage,
            slug=f"{COURSE_PREFIX}{c + 1}",
            title=f"Lastkurs {c + 1}",
            report=report,
            kind="courses",
        )
        for m in range(c * MODULES_PER_COURSE, min(modules, (c + 1) * MODULES_PER_COURSE)):
            module = _child(
                course,
                ModulePage,
                slug=f"last-modul-{m + 1}",
                title=f"Lastmodul {m + 1}",
                report=report,
                kind="modules",
            )
            for k in range(LESSONS_PER_MODULE):
                _child(
                    module,
                    LessonPage,
                    slug=f"last-lektion-{m + 1}-{k + 1}",
                    title=f"Lektion {m + 1}.{k + 1}",
                    report=report,
                    kind="lessons",
                )
            result.append(module)
    return result


def _copy(model, columns: list[str], rows: list[tuple]) -> None:
    """Inserts many rows: COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        names = ", ".join(model._meta.get_field(c).column for c in columns)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows),
        batch_size=2000,
    )


@transaction.atomic
def load_seed(
    *,
    clerks: int,
    modules: int,
    team_size: int = TEAM_SIZE,
    now: dt.datetime | None = None,
    seed: int = 20261201,
) -> LoadReport:
    """Ensures ``clerks`` synthetic clerks in teams of ``team_size`` (each with a manager),
    ``modules`` modules (in courses of 8, each with 3 lessons) assigned to every load team,
    and for each new clerk a realistic record: about half the modules done, a fifth
    started, the rest untouched; reminders for overdue ones."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    report = LoadReport()
    module_pages = _pages(modules, report)
    lessons_of = {
        m.pk: list(LessonPage.objects.child_of(m).order_by("path").values_list("pk", flat=True))
        for m in module_pages
    }

    # Teams and managers.
    team_count = max(1, -(-clerks // team_size))
    wanted_teams = [
        Team(name=f"Lastteam {t + 1:03d}", slug=f"{TEAM_PREFIX}{t + 1}") for t in range(team_count)
    ]
    before = Team.objects.filter(slug__startswith=TEAM_PREFIX).count()
    Team.objects.bulk_create(wanted_teams, ignore_conflicts=True)
    report.add("teams", Team.objects.filter(slug__startswith=TEAM_PREFIX).count() - before)
    teams = {
        t.slug: t
        for t in Team.objects.filter(slug__in=[t.slug for t in wanted_teams]).order_by("pk")
    }

    # People: unusable passwords (nobody signs in as a synthetic person).
    password = make_password(None)
    usernames = [f"{USER_PREFIX}{n + 1:05d}" for n in range(clerks)]
    managers = [f"{USER_PREFIX}-leitung-{t + 1:03d}" for t in range(team_count)]
    existing = set(
        User.objects.filter(username__in=usernames + managers).values_list("username", flat=True)
    )
    new_users = [
        User(
            username=name,
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)],
            email=f"{name}@example.org",
            password=password,
        )
        for i, name in enumerate(usernames + managers)
        if name not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=2000)
    report.add("people", len(new_users))
    ids = dict(User.objects.filter(username__in=usernames + managers).values_list("username", "pk"))
    new_names = {u.username for u in new_users}
    groups = {role: Group.objects.get(name=role.value) for role in (Role.CLERK, Role.MANAGER)}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(
                user_id=ids[name],
                group_id=groups[Role.MANAGER if "-leitung-" in name else Role.CLERK].pk,
            )
            for name in new_names
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    team_list = [teams[t.slug] for t in wanted_teams]
    joined = now - dt.timedelta(days=400)
    Membership.objects.bulk_create(
        [
            Membership(team=team_list[i // team_size], user_id=ids[name], role="member")
            for i, name in enumerate(usernames)
            if name in new_names
        ]
        + [
            Membership(team=team_list[t], user_id=ids[name], role="manager")
            for t, name in enumerate(managers)
            if name in new_names
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    Membership.objects.filter(user_id__in=[ids[n] for n in new_names], joined_at__gt=joined).update(
        joined_at=joined
    )

    # One assignment per module to every load team, due dates spread around today.
    assignments = {}
    for index, module in enumerate(module_pages):
        assignment = (
            Assignment.objects.active()
            .filter(page=module, teams__slug__startswith=TEAM_PREFIX)
            .first()
        )
        if assignment is None:
            assignment = Assignment.objects.create(
                page=module,
                due_mode=Assignment.DueMode.FIXED,
                due_date=(now - dt.timedelta(days=90 - 7 * index)).date(),
                created_at=now - dt.timedelta(days=180),
            )
            report.add("assignments", 1)
        Assignment.teams.through.objects.bulk_create(
            [Assignment.teams.through(assignment=assignment, team=team) for team in team_list],
            ignore_conflicts=True,
        )
        assignments[module.pk] = assignment

    # Progress for clerks without any.
    clerk_ids = [ids[name] for name in usernames]
    with_progress = set(
        LessonProgress.objects.filter(user_id__in=clerk_ids)
        .values_list("user_id", flat=True)
        .distinct()
    )
    progress_rows = []
    reminder_rows = []
    for user_id in clerk_ids:
        if user_id in with_progress:
            continue
        diligence = rng.random()
        for module in module_pages:
            lessons = lessons_of[module.pk]
            roll = rng.random()
            assignment = assignments[module.pk]
            due = assignment.due_date
            if roll < 0.35 + 0.4 * diligence:
                done, started = len(lessons), True
            elif roll < 0.55 + 0.4 * diligence:
                done = rng.randrange(0, len(lessons))
                started = True
            else:
                done, started = 0, False
            start = now - dt.timedelta(days=rng.randrange(1, 150), minutes=rng.randrange(600))
            for k, lesson in enumerate(lessons):
                if k < done:
                    finished = start + dt.timedelta(days=k, minutes=rng.randrange(5, 90))
                    finished = min(finished, now)
                    progress_rows.append((user_id, lesson, start, finished, finished))
                elif k == done and done < len(lessons) and (done or started):
                    progress_rows.append((user_id, lesson, start, start, None))
            if done < len(lessons) and due < now.date() and rng.random() < 0.8:
                sent = timezone.make_aware(
                    dt.datetime.combine(due + dt.timedelta(days=1), dt.time(7))
                )
                reminder_rows.append((assignment.pk, user_id, "after-1", sent, sent))
    _copy(
        LessonProgress,
        ["user_id", "lesson_id", "first_visited_at", "last_visited_at", "completed_at"],
        progress_rows,
    )
    report.add("lesson progress", len(progress_rows))
    _copy(
        ReminderSent,
        ["assignment_id", "user_id", "occasion", "claimed_at", "sent_at"],
        reminder_rows,
    )
    report.add("reminders", len(reminder_rows))
    # Pages were created through the tree API (signals ran); the bulk rows change no
    # page, but renew the generation anyway so no cached page predates the load.
    page_cache.content_changed()
    return report
