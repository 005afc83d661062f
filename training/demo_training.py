"""Demo training records: assignments from the demo managers, lesson progress, quiz and
scenario results and a certificate, so that "Meine Fortbildung" and the manager's views
show something meaningful after ``make run``.

Development only, like the demo people (``seed_demo`` refuses it where demo passwords are
not allowed). Everything goes through the services a person would use (assignments,
lessons marked done, quiz attempts answered and finished, scenario plays chosen step by
step, the certificate issued on download), so the records are real ones.

Idempotent: when a demo manager has created any assignment, the demo records exist (or
were changed by people trying the demo) and nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from courses.demo import curriculum
from courses.demo.seed import SeedReport
from courses.models import CoursePage, LessonPage, ModulePage
from quizzes.models import QuizPage, ScenarioPage
from quizzes.scenario_graph import (
    choice_evaluate,
    initial_scores,
    initial_state,
    passed_evaluate,
    steps_by_key,
)
from quizzes.scenario_services import scenario_play_choose, scenario_play_start
from quizzes.services import quiz_attempt_answer, quiz_attempt_finish, quiz_attempt_start
from training.assignments import AssignmentData, assignment_create
from training.certificates import certificate_issue
from training.models import Assignment, CourseCompletion, Team, User
from training.progress import course_completion_record, lesson_complete, lesson_visit_record

MANAGERS = {"aufenthalt": "birgit.hoffmann", "front-office": "thomas.krueger"}


def _correct_data(question: dict) -> QueryDict | None:
    """The form data of a correct answer to one snapshot question, for the question types
    whose key says it directly (choices, true/false, ordering, matching); None for the
    others (cloze and short text stay unanswered)."""
    key, public = question["key"], question["public"]
    data = QueryDict(mutable=True)
    kind = question["type"]
    if kind in ("single", "truefalse"):
        data["option"] = key["correct"][0]
    elif kind == "multiple":
        data.setlist("option", list(key["correct"]))
    elif kind == "ordering":
        for position, item_id in enumerate(key["order"], start=1):
            data[f"position_{item_id}"] = str(position)
    elif kind == "matching":
        for prompt in public["prompts"]:
            data[f"match_{prompt['id']}"] = key["pairs"][prompt["id"]]
    else:
        return None
    return data


def _quiz_take(user: User, page: QuizPage, *, answer_all: bool) -> bool:
    """One finished attempt: every question answered correctly where the type allows,
    or (``answer_all`` false) only the first half. Returns whether it passed."""
    attempt = quiz_attempt_start(user=user, page=page)
    questions = attempt.questions
    limit = len(questions) if answer_all else len(questions) // 2
    for position, question in enumerate(questions[:limit]):
        data = _correct_data(question)
        if data is not None:
            quiz_attempt_answer(
                user=user, attempt_id=attempt.pk, position=position, data=data, revision=0
            )
    return bool(quiz_attempt_finish(user=user, attempt_id=attempt.pk).passed)


def _passing_path(definition: dict, max_turns: int = 30) -> list[int] | None:
    """Option indices from the start to an ending that passes (depth first)."""
    steps = steps_by_key(definition)
    rule = definition.get("pass_rule") or {}

    def search(step_key, state, scores, path, seen):
        step = steps[step_key]
        if step["ending"] is not None:
            outcome = step["ending"].get("outcome")
            return path if passed_evaluate(pass_rule=rule, outcome=outcome, scores=scores) else None
        if len(path) >= max_turns:
            return None
        for index in range(len(step["options"])):
            outcome = choice_evaluate(
                definition, step_key=step_key, option_index=index, state=state, scores=scores
            )
            marker = (outcome.next_step, repr(sorted(outcome.state.items())))
            if marker in seen:
                continue
            found = search(
                outcome.next_step, outcome.state, outcome.scores, [*path, index], seen | {marker}
            )
            if found is not None:
                return found
        return None

    return search(definition["start"], initial_state(definition), initial_scores(), [], set())


def _scenario_pass(user: User, page: ScenarioPage) -> bool:
    play = scenario_play_start(user=user, page=page)
    path = _passing_path({**play.version.definition, "pass_rule": play.version.pass_rule})
    if path is None:
        return False
    for turn, option in enumerate(path):
        play = scenario_play_choose(user=user, play_id=play.pk, turn=turn, option=option).play
    return bool(play.passed)


def _lessons(page) -> list[LessonPage]:
    return list(LessonPage.objects.live().descendant_of(page).order_by("path"))


def _module_finish(user: User, module: ModulePage) -> None:
    for lesson in _lessons(module):
        lesson_complete(user=user, lesson_id=lesson.pk, how=LessonPage.CompletionMode.MARKED_DONE)
    for quiz in QuizPage.objects.live().child_of(module).specific():
        _quiz_take(user, quiz, answer_all=True)
    for scenario in ScenarioPage.objects.live().child_of(module).specific():
        _scenario_pass(user, scenario)


@transaction.atomic
def demo_training_ensure() -> SeedReport:
    """Assignments, progress, results and a certificate of the demo clerks (see above)."""
    report = SeedReport()
    managers = {slug: User.objects.get(username=name) for slug, name in MANAGERS.items()}
    if Assignment.objects.filter(created_by__in=managers.values()).exists():
        report.count("demo assignments", created=False)
        return report
    course = CoursePage.objects.get(slug=curriculum.COURSE["slug"])
    modules = list(ModulePage.objects.live().child_of(course).order_by("path"))
    teams = {t.slug: t for t in Team.objects.filter(slug__in=MANAGERS)}
    people = {u.username: u for u in User.objects.filter(memberships__team__in=teams.values())}
    today = timezone.localdate()

    def assign(team_slug, page, *, to=None, **due):
        assignment_create(
            actor=managers[team_slug],
            data=AssignmentData(
                page=page,
                teams=() if to else (teams[team_slug],),
                people=tuple(people[name] for name in to or ()),
                **due,
            ),
        )
        report.count("demo assignments", created=True)

    # Team Aufenthalt: the whole course (due in two months), the de-escalation module by a
    # date already past (overdue), the first module for two people within days (due soon).
    assign("aufenthalt", course, due_mode=Assignment.DueMode.AFTER_ASSIGNMENT, due_days=60)
    assign(
        "aufenthalt",
        modules[3],
        due_mode=Assignment.DueMode.FIXED,
        due_date=today - dt.timedelta(days=3),
    )
    assign(
        "aufenthalt",
        modules[0],
        to=("mehmet.yilmaz", "katarzyna.nowak"),
        due_mode=Assignment.DueMode.FIXED,
        due_date=today + dt.timedelta(days=4),
    )
    # Team Front Office: plain language (due in three weeks), the first module (overdue).
    assign("front-office", modules[2], due_mode=Assignment.DueMode.AFTER_ASSIGNMENT, due_days=21)
    assign(
        "front-office",
        modules[0],
        due_mode=Assignment.DueMode.FIXED,
        due_date=today - dt.timedelta(days=2),
    )

    # Anna finished the course: every lesson, quiz and scenario; her certificate exists.
    anna = people["anna.schneider"]
    for module in modules:
        _module_finish(anna, module)
    # The last step was a scenario, not a lesson: record the completion as the dashboard
    # would on her next visit.
    course_completion_record(user=anna, course=course)
    completion = CourseCompletion.objects.filter(user=anna, course=course).first()
    if completion is not None:
        certificate_issue(user=anna, completion_id=completion.pk)
        report.count("demo certificates", created=True)
    # Mehmet is half-way through the first module and failed its quiz once.
    mehmet = people["mehmet.yilmaz"]
    first = _lessons(modules[0])
    for lesson in first[:2]:
        lesson_complete(user=mehmet, lesson_id=lesson.pk, how=LessonPage.CompletionMode.MARKED_DONE)
    lesson_visit_record(user=mehmet, lesson_id=first[2].pk, known=False)
    for quiz in QuizPage.objects.live().child_of(modules[0]).specific():
        _quiz_take(mehmet, quiz, answer_all=False)
    # Katarzyna opened the de-escalation module; Jonas finished plain language.
    lesson_visit_record(
        user=people["katarzyna.nowak"], lesson_id=_lessons(modules[3])[0].pk, known=False
    )
    _module_finish(people["jonas.becker"], modules[2])
    olena = people["olena.kovalenko"]
    lesson_complete(
        user=olena, lesson_id=_lessons(modules[0])[0].pk, how=LessonPage.CompletionMode.MARKED_DONE
    )
    return report
