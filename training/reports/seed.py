"""Synthetic load for the reports: a large authority's people, teams, assignments,
progress, quiz attempts and course completions (``manage.py seed_load``; benchmarks and
query-count tests).

Each module has three lessons and a quiz of three questions (pass mark 70 %, so all three
must be right). A clerk who finished a module's lessons usually passed its quiz, sometimes
only at the second attempt, sometimes not yet; some who started a module have an open
attempt. A course whose modules are all complete has its ``CourseCompletion``.

Idempotent: pages, questions, teams, people and assignments are found by their keys
(slug, title, username) and created only when missing; progress, attempts, completions
and reminders are generated only for the clerks a run creates. Deterministic (each clerk's
data comes from a random sequence seeded with the run's seed and the username), so two
runs of the same size give the same data.

Fast: pages (a few hundred) through Wagtail's tree API (treebeard-correct), everything
else in bulk: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Synthetic assignments (one per module, to every load team) are logged as created by
nobody (``AssignmentLog`` without an actor).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from courses import page_cache
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage
from training.assignments import assignment_summary
from training.models import (
    Assignment,
    AssignmentLog,
    CourseCompletion,
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
QUIZ_QUESTIONS = 3
QUIZ_PASS_MARK = 70
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


def _questions(report: LoadReport) -> list:
    from quizzes.models import SingleChoiceQuestion

    questions = []
    for k in range(QUIZ_QUESTIONS):
        title = f"Last: Frage {k + 1}"
        question = SingleChoiceQuestion.objects.filter(title=title).first()
        if question is None:
            question = SingleChoiceQuestion(
                title=title,
                prompt=f"Synthetische Frage {k + 1}: Welche Antwort ist richtig?",
                explanation="Synthetische Lastdaten.",
                options=[
                    ("option", {"text": "Richtig", "correct": True, "feedback": ""}),
                    ("option", {"text": "Falsch", "correct": False, "feedback": ""}),
                ],
            )
            question.full_clean()
            question.save()
            report.add("questions", 1)
        questions.append(question)
    return questions


def _quizzes(module_pages: list[ModulePage], seed: int, report: LoadReport) -> dict:
    """module id → (quiz page id, title, snapshot) of the module's quiz, made if missing;
    the snapshot is the quiz service's own, as an attempt started now would store it."""
    from quizzes.models import QuizPage, QuizPageQuestion
    from quizzes.services import quiz_snapshot_build

    questions = _questions(report)
    found = {}
    for module in module_pages:
        number = module.slug.removeprefix("last-modul-")
        quiz = QuizPage.objects.child_of(module).filter(slug=f"last-quiz-{number}").first()
        if quiz is None:
            quiz = QuizPage(
                title=f"Lastquiz {number}",
                slug=f"last-quiz-{number}",
                pass_mark=QUIZ_PASS_MARK,
                attempt_limit=0,
                live=False,
            )
            module.add_child(instance=quiz)
            for n, question in enumerate(questions):
                QuizPageQuestion.objects.create(page=quiz, question=question, sort_order=n)
            quiz.save_revision().publish()
            quiz = QuizPage.objects.get(pk=quiz.pk)
            report.add("quizzes", 1)
        snapshot = quiz_snapshot_build(page=quiz, rng=random.Random(seed))  # noqa: S311
        found[module.pk] = (quiz.pk, quiz.title, snapshot)
    return found


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
    ``modules`` modules (in courses of 8, each with 3 lessons and a quiz) assigned to every
    load team, and for each new clerk a realistic record: about half the modules done
    (quiz passed, now and then at the second attempt), a fifth started, the rest
    untouched; course completions; reminders for overdue ones."""
    now = now or timezone.now()
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
        created = assignment is None
        if created:
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
        if created:
            AssignmentLog.objects.create(
                assignment=assignment,
                actor=None,
                at=assignment.created_at,
                action=AssignmentLog.Action.CREATED,
                changes={
                    key: [None, value] for key, value in assignment_summary(assignment).items()
                },
            )
        assignments[module.pk] = assignment

    # COPY takes the snapshot as JSON text; bulk_create as the value itself.
    postgres = connection.vendor == "postgresql"
    quizzes = {
        module_id: (quiz_id, title, json.dumps(snapshot) if postgres else snapshot)
        for module_id, (quiz_id, title, snapshot) in _quizzes(module_pages, seed, report).items()
    }
    course_ids = dict(
        CoursePage.objects.filter(
            path__in=[m.path[: -Page.steplen] for m in module_pages]
        ).values_list("path", "pk")
    )
    course_of = {m.pk: course_ids[m.path[: -Page.steplen]] for m in module_pages}
    modules_in = Counter(course_of.values())

    # A record for each clerk created now (a later run leaves everybody's record alone),
    # drawn from the clerk's own random sequence: the same data whatever else exists.
    progress_rows = []
    reminder_rows = []
    attempt_rows = []
    completion_rows = []
    for name in usernames:
        if name not in new_names:
            continue
        user_id = ids[name]
        rng = random.Random(f"{seed}-{name}")  # noqa: S311 - synthetic data, not security
        diligence = rng.random()
        complete_in: dict[int, list[dt.datetime]] = {}  # course → module completion times
        for module in module_pages:
            lessons = lessons_of[module.pk]
            roll = rng.random()
            assignment = assignments[module.pk]
            due = assignment.due_date
            if roll < 0.3 + 0.65 * diligence:
                done, started = len(lessons), True
            elif roll < 0.5 + 0.5 * diligence:
                done = rng.randrange(0, len(lessons))
                started = True
            else:
                done, started = 0, False
            start = now - dt.timedelta(days=rng.randrange(1, 150), minutes=rng.randrange(600))
            finished = start
            for k, lesson in enumerate(lessons):
                if k < done:
                    finished = start + dt.timedelta(days=k, minutes=rng.randrange(5, 90))
                    finished = min(finished, now)
                    progress_rows.append((user_id, lesson, start, finished, finished))
                elif k == done and done < len(lessons) and (done or started):
                    progress_rows.append((user_id, lesson, start, start, None))
            quiz_id, quiz_title, snapshot = quizzes[module.pk]
            complete = False
            if done == len(lessons):
                # Finished attempts, a few minutes apart after the last lesson: now and
                # then one or two of three right first, then (mostly) all three.
                outcomes = []
                if rng.random() < 0.15:
                    outcomes.append((rng.choice((33.33, 66.67)), False))
                if rng.random() < 0.8 + 0.2 * diligence:  # the diligent retry
                    outcomes.append((100.0, True))
                at = finished
                for number, (score, passed) in enumerate(outcomes, 1):
                    at = min(at + dt.timedelta(minutes=rng.randrange(5, 60)), now)
                    attempt_rows.append(
                        (user_id, quiz_id, quiz_title, number, "finished", snapshot,
                         QUIZ_QUESTIONS, score, passed, at, at)
                    )  # fmt: skip
                    complete = passed
                if complete:
                    complete_in.setdefault(course_of[module.pk], []).append(at)
            elif started and rng.random() < 0.1:  # a quiz begun and left open
                attempt_rows.append(
                    (user_id, quiz_id, quiz_title, 1, "open", snapshot, 1, None, None, start, None)
                )
            if not complete and due < now.date() and rng.random() < 0.8:
                sent = timezone.make_aware(
                    dt.datetime.combine(due + dt.timedelta(days=1), dt.time(7))
                )
                occasion = f"after-1:{due.isoformat()}"  # as training.reminders claims it
                reminder_rows.append((assignment.pk, user_id, occasion, sent, sent))
        for course_id, times in complete_in.items():
            if len(times) == modules_in[course_id]:
                completion_rows.append((user_id, course_id, max(times), None))
    _copy(
        LessonProgress,
        ["user_id", "lesson_id", "first_visited_at", "last_visited_at", "completed_at"],
        progress_rows,
    )
    report.add("lesson progress", len(progress_rows))
    from quizzes.models import QuizAttempt

    _copy(
        QuizAttempt,
        ["user_id", "page_id", "quiz_title", "number", "status", "snapshot", "position",
         "score", "passed", "started_at", "finished_at"],
        attempt_rows,
    )  # fmt: skip
    report.add("quiz attempts", len(attempt_rows))
    _copy(
        CourseCompletion, ["user_id", "course_id", "completed_at", "valid_until"], completion_rows
    )
    report.add("course completions", len(completion_rows))
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
