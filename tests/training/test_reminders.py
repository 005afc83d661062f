"""Reminders before, on and after the due date, once per occasion; the weekly digest."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    MembershipFactory,
    ModulePageFactory,
    TeamFactory,
    UserFactory,
)
from training.assignments import AssignmentData, assignment_create
from training.models import DigestSent, Membership, ReminderSent
from training.reminders import current_occasion, digests_send, reminders_send
from training.roles import Role

DUE = dt.date(2026, 6, 30)


def test_current_occasion():
    kwargs = {"before": [7, 1], "after": [1, 7]}
    assert current_occasion(DUE, dt.date(2026, 6, 22), **kwargs) is None
    assert current_occasion(DUE, dt.date(2026, 6, 23), **kwargs) == "before-7:2026-06-30"
    assert current_occasion(DUE, dt.date(2026, 6, 28), **kwargs) == "before-7:2026-06-30"
    assert current_occasion(DUE, dt.date(2026, 6, 29), **kwargs) == "before-1:2026-06-30"
    assert current_occasion(DUE, DUE, **kwargs) == "due:2026-06-30"
    assert current_occasion(DUE, dt.date(2026, 7, 1), **kwargs) == "after-1:2026-06-30"
    assert current_occasion(DUE, dt.date(2026, 9, 1), **kwargs) == "after-7:2026-06-30"


def _setup(catalogue, due_date):
    course = CoursePageFactory(parent=catalogue, title="Datenschutz")
    LessonPageFactory(parent=ModulePageFactory(parent=course))
    manager = UserFactory(role=Role.MANAGER, email="chefin@example.org")
    team = TeamFactory(name="Team Nord")
    MembershipFactory(team=team, user=manager, role=Membership.Role.MANAGER)
    clerk = UserFactory(role=Role.CLERK, email="clerk@example.org")
    MembershipFactory(team=team, user=clerk)
    assignment_create(
        actor=manager,
        data=AssignmentData(page=course, due_mode="fixed", due_date=due_date, teams=(team,)),
    )
    return course, clerk, manager


@pytest.mark.django_db
def test_reminder_on_the_due_day_goes_once_in_german_and_english(catalogue):
    today = timezone.localdate()
    course, _clerk, _manager = _setup(catalogue, today)
    assert reminders_send() == 1
    assert reminders_send() == 0  # the task ran twice: still one mail
    (message,) = mail.outbox
    assert message.to == ["clerk@example.org"]
    assert "heute fällig" in message.body and "is due today" in message.body
    assert f"http://testserver{course.url}" in message.body
    assert ReminderSent.objects.get().sent_at is not None


@pytest.mark.django_db
def test_overdue_reminder_and_none_when_complete(catalogue):
    from courses.models import LessonPage
    from training.progress import lesson_complete

    course, clerk, _ = _setup(catalogue, timezone.localdate() - dt.timedelta(days=1))
    assert reminders_send() == 1
    assert "nicht abgeschlossen" in mail.outbox[0].body
    mail.outbox.clear()
    with override_settings(TRAINING_REMINDER_DAYS_AFTER=[1, 7]):
        later = timezone.now() + dt.timedelta(days=6)
        lesson_complete(
            user=clerk, lesson_id=LessonPage.objects.descendant_of(course).get().pk, how="marked"
        )
        assert reminders_send(now=later) == 0


@pytest.mark.django_db
def test_failed_mail_gives_the_claim_back(catalogue, monkeypatch):
    _setup(catalogue, timezone.localdate())

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("training.reminders.send_mail", broken)
    assert reminders_send() == 0
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert reminders_send() == 1


@pytest.mark.django_db
def test_weekly_digest_once_per_week_and_opt_out(catalogue):
    _course, clerk, manager = _setup(catalogue, timezone.localdate() - dt.timedelta(days=3))
    assert digests_send() == 1
    assert digests_send() == 0
    (message,) = mail.outbox
    assert message.to == ["chefin@example.org"]
    assert str(clerk) in message.body and "Datenschutz" in message.body
    DigestSent.objects.all().delete()
    manager.weekly_digest = False
    manager.save()
    assert digests_send() == 0


@pytest.mark.django_db
def test_manager_opts_out_on_the_site(catalogue):
    from tests.conftest import _signed_in

    manager = UserFactory(role=Role.MANAGER)
    client = _signed_in(manager)
    assert client.post("/meine-fortbildung/benachrichtigungen/", {}).status_code == 302
    manager.refresh_from_db()
    assert manager.weekly_digest is False


@pytest.mark.django_db
def test_command_enqueues_the_task(catalogue, capsys):
    _setup(catalogue, timezone.localdate())
    call_command("enqueue_training_mail")  # the immediate backend runs it at once
    assert len(mail.outbox) == 1
    call_command("enqueue_training_mail")
    assert len(mail.outbox) == 1


@pytest.fixture(scope="module")
def _migrated_state_back(django_db_setup, django_db_blocker):
    """A transactional test ends with a flush; put the migrated state (root page, roles)
    back for later tests and the next --reuse-db run (as tests/browser/conftest.py)."""
    yield
    with django_db_blocker.unblock():
        from wagtail.models import Page

        contents = getattr(connection, "_test_serialized_contents", None)
        if contents and Page.get_first_root_node() is None:
            connection.creation.deserialize_db_from_string(contents)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_two_workers_at_once_send_one_reminder(_migrated_state_back, catalogue):
    _setup(catalogue, timezone.localdate())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(reminders_send())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
