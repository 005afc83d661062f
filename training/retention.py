"""Retention: the training records of people who left are pseudonymised after a period.

"Left" means ``User.left_at`` is set (the administrator records it when someone leaves)
and the account is inactive. After ``TRAINING_RETENTION_DAYS`` days their name, e-mail
and user name are replaced, their progress details (visits, vocabulary cards and
reviews, reminder claims) deleted, and the fact of their course completions kept without
the person. Issued certificates stay verifiable: the code remains, the name on it is
replaced.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from training import dates
from training.models import (
    Certificate,
    LessonProgress,
    Membership,
    ReminderSent,
    User,
    VocabularyCard,
    VocabularyReview,
)

PSEUDONYM = "Ehemalige Person"


def retention_days() -> int:
    return int(getattr(settings, "TRAINING_RETENTION_DAYS", 730))


def people_due_for_pseudonymisation(*, now: dt.datetime | None = None):
    now = now or timezone.now()
    limit = dates.add_days(dates.local_date(now), -retention_days())
    return User.objects.filter(is_active=False, left_at__isnull=False, left_at__lte=limit).exclude(
        username__startswith="ehemalig-"
    )


@transaction.atomic
def person_pseudonymise(*, user: User) -> None:
    """Replaces what identifies the person and deletes the details of their training."""
    LessonProgress.objects.filter(user=user).delete()
    VocabularyReview.objects.filter(user=user).delete()
    VocabularyCard.objects.filter(user=user).delete()
    ReminderSent.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    Certificate.objects.filter(user=user).update(holder_name=PSEUDONYM, user=None)
    user.username = f"ehemalig-{user.pk}"
    user.first_name = ""
    user.last_name = PSEUDONYM
    user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.save()
    user.groups.clear()
    user.personal_assignments.clear()


def records_pseudonymise(*, now: dt.datetime | None = None) -> int:
    """Pseudonymises everybody whose retention period is over; returns how many."""
    count = 0
    for user in people_due_for_pseudonymisation(now=now):
        person_pseudonymise(user=user)
        count += 1
    return count
