"""Reminders before, on and after a due date, and the managers' weekly digest.

Run by the tasks in ``training/tasks.py`` (never during a web request). Each reminder is
*claimed* before it is sent: a ``ReminderSent`` row for (assignment, person, occasion),
committed on its own, whose unique constraint lets exactly one of two concurrent runs
have it. A mail that fails to go out gives its claim back, so the next run tries again.
The occasion includes the due date, so a changed due date (or a renewal) reminds anew.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from training import dates
from training.assignments import obligations
from training.completion import Status
from training.models import DigestSent, Membership, ReminderSent, Team, User
from training.records import training_records

logger = logging.getLogger(__name__)


def days_before() -> list[int]:
    return sorted(set(getattr(settings, "TRAINING_REMINDER_DAYS_BEFORE", [7])), reverse=True)


def days_after() -> list[int]:
    return sorted(set(getattr(settings, "TRAINING_REMINDER_DAYS_AFTER", [1, 7])))


def current_occasion(
    due: dt.date, today: dt.date, *, before: list[int], after: list[int]
) -> str | None:
    """The newest reminder occasion reached on ``today`` for a due date, e.g.
    ``"before-7:2026-06-30"``, ``"due:2026-06-30"`` or ``"after-1:2026-06-30"``; None
    before the first one. Older occasions a run missed are not sent any more: one
    reminder, the current one, is enough.
    """
    occasions = [(dates.add_days(due, -d), f"before-{d}") for d in before]
    occasions.append((due, "due"))
    occasions += [(dates.add_days(due, d), f"after-{d}") for d in after]
    reached = [(day, name) for day, name in occasions if day <= today]
    if not reached:
        return None
    _day, name = max(reached)
    return f"{name}:{due.isoformat()}"


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _claim(model, **key) -> object | None:
    try:
        with transaction.atomic():
            return model.objects.create(claimed_at=timezone.now(), **key)
    except IntegrityError:
        return None  # somebody else has it


def _send(claim, *, subject: str, body: str, to: str) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("Reminder mail to %s failed; it will be tried again.", to)
        claim.delete()
        return False
    claim.sent_at = timezone.now()
    claim.save(update_fields=["sent_at"])
    return True


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Sends every reminder due now, once each. Returns how many were sent."""
    now = now or timezone.now()
    today = dates.local_date(now)
    duties = obligations()
    user_ids = {duty.user_id for duty in duties}
    if not user_ids:
        return 0
    records = training_records(user_ids=user_ids, now=now)
    people = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    before, after = days_before(), days_after()
    sent = 0
    for user_id, record in records.items():
        person = people[user_id]
        if not person.email:
            continue
        for item in record.items:
            if item.status == Status.COMPLETE:
                continue
            occasion = current_occasion(item.due, today, before=before, after=after)
            if occasion is None:
                continue
            claim = _claim(
                ReminderSent, assignment=item.obligation.assignment, user=person, occasion=occasion
            )
            if claim is None:
                continue
            context = {
                "person": person,
                "item": item,
                "kind": occasion.split(":")[0].split("-")[0],
                "days": (item.due - today).days,
                "link": _site_url(item.page.url or reverse("training:dashboard")),
                "dashboard": _site_url(reverse("training:dashboard")),
                "authority_name": settings.AUTHORITY_NAME,
                "site_name": settings.WAGTAIL_SITE_NAME,
            }
            subject = render_to_string("training/email/reminder_subject.txt", context).strip()
            body = render_to_string("training/email/reminder.txt", context)
            sent += _send(claim, subject=subject, body=body, to=person.email)
    return sent


def iso_week(now: dt.datetime) -> str:
    year, week, _weekday = dates.local_date(now).isocalendar()
    return f"{year}-W{week:02d}"


def digests_send(*, now: dt.datetime | None = None) -> int:
    """The weekly digest of overdue training to every manager who has not opted out, once
    per ISO week. Managers with nothing overdue get none."""
    now = now or timezone.now()
    week = iso_week(now)
    managers = list(
        User.objects.filter(
            is_active=True,
            weekly_digest=True,
            memberships__role=Membership.Role.MANAGER,
        )
        .exclude(email="")
        .distinct()
    )
    if not managers:
        return 0
    memberships = list(
        Membership.objects.filter(
            team__in=Team.objects.filter(
                memberships__user__in=managers, memberships__role=Membership.Role.MANAGER
            ).distinct()
        ).select_related("team", "user")
    )
    member_ids = {m.user_id for m in memberships if m.role == Membership.Role.MEMBER}
    records = training_records(user_ids=member_ids, now=now) if member_ids else {}
    sent = 0
    for manager in managers:
        teams = {m.team_id for m in memberships if m.user_id == manager.pk and m.role == "manager"}
        rows = []
        for m in memberships:
            if m.team_id in teams and m.role == Membership.Role.MEMBER:
                overdue = [i for i in records[m.user_id].items if i.status == Status.OVERDUE]
                rows += [(m.team, m.user, item) for item in overdue]
        if not rows:
            continue
        claim = _claim(DigestSent, user=manager, week=week)
        if claim is None:
            continue
        seen = set()
        unique_rows = []
        for team, person, item in sorted(rows, key=lambda r: (r[0].name, str(r[1]), r[2].due)):
            key = (team.pk, person.pk, item.page.pk)
            if key not in seen:
                seen.add(key)
                unique_rows.append((team, person, item))
        context = {
            "person": manager,
            "rows": unique_rows,
            "week": week,
            "link": _site_url(reverse("training:team")),
            "settings_link": _site_url(reverse("training:notifications")),
            "authority_name": settings.AUTHORITY_NAME,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string("training/email/digest_subject.txt", context).strip()
        body = render_to_string("training/email/digest.txt", context)
        sent += _send(claim, subject=subject, body=body, to=manager.email)
    return sent
