"""Benchmark set-up for "Meine Fortbildung": a clerk with 20 assignments.

``dashboard_setup(username)`` adds bench courses (two modules of three lessons each) until
there are 20 live courses, assigns all of them to the clerk (due in a mix of ways), and
completes a few lessons so that statuses differ; it returns the dashboard's address for
``bench/run.py`` to measure against the floor.
"""

import datetime as dt

ASSIGNMENTS = 20


def dashboard_setup(username: str) -> str:
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage
    from training.assignments import AssignmentData, assignment_create
    from training.progress import lesson_complete
    from training.roles import Role

    User = get_user_model()
    clerk = User.objects.get(username=username)
    administrator = User.objects.filter(groups__name=Role.ADMINISTRATOR).first()
    catalogue = CataloguePage.objects.get()
    courses = list(CoursePage.objects.live().order_by("path"))
    for n in range(len(courses), ASSIGNMENTS):
        course = catalogue.add_child(
            instance=CoursePage(title=f"Bench-Kurs {n + 1}", slug=f"bench-kurs-{n + 1}")
        )
        for m in range(2):
            module = course.add_child(
                instance=ModulePage(title=f"Modul {m + 1}", slug=f"modul-{m + 1}")
            )
            for k in range(3):
                module.add_child(
                    instance=LessonPage(title=f"Lektion {k + 1}", slug=f"lektion-{k + 1}")
                )
        courses.append(course)
    today = timezone.localdate()
    for index, course in enumerate(courses[:ASSIGNMENTS]):
        due = (
            {"due_mode": "fixed", "due_date": today + dt.timedelta(days=index - 5)}
            if index % 2
            else {"due_mode": "assigned", "due_days": 14 + index}
        )
        assignment_create(
            actor=administrator, data=AssignmentData(page=course, people=(clerk,), **due)
        )
        if index % 3 == 0:
            first = LessonPage.objects.live().descendant_of(course).order_by("path").first()
            if first is not None:
                lesson_complete(user=clerk, lesson_id=first.pk, how="marked")
    return reverse("training:dashboard")
