"""Certificates of completed courses, and their public verification by code.

The PDF itself is made in ``exports/certificates.py``; here is what it shows and the
code that makes it verifiable. The verification tells only whether a code is valid.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from training import dates
from training.models import Certificate, CourseCompletion, User

# No 0/O, 1/I/L: codes are typed in from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
GROUP_LENGTH = 4  # 12 characters from 31: about 59 bits, not guessable


def certificate_code_new() -> str:
    groups = (
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def certificate_code_normalise(text: str) -> str:
    """What a person typed, as stored: upper case, groups of four joined by hyphens."""
    raw = re.sub(r"[^A-Za-z0-9]", "", text or "").upper()
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


@transaction.atomic
def certificate_issue(*, user: User, completion_id: int, now: dt.datetime | None = None):
    """The certificate of one of the person's course completions (issued on first ask,
    the same one afterwards). Another person's completion raises ``Http404``."""
    completion = (
        CourseCompletion.objects.select_for_update()
        .select_related("course")
        .filter(pk=completion_id, user=user)
        .first()
    )
    if completion is None:
        raise Http404("no such completion")
    existing = Certificate.objects.filter(completion=completion).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    code=certificate_code_new(),
                    user=user,
                    completion=completion,
                    holder_name=user.get_full_name() or user.get_username(),
                    course_title=completion.course.title,
                    completed_on=dates.local_date(completion.completed_at),
                    valid_until=completion.valid_until,
                    issued_at=now or timezone.now(),
                )
        except IntegrityError:  # the same code twice: draw again
            continue
    raise RuntimeError("could not draw a unique certificate code")


def certificate_is_valid(code: str, *, now: dt.datetime | None = None) -> bool:
    """True if ``code`` belongs to an issued, unrevoked certificate still within its
    validity. Says nothing else about it."""
    code = certificate_code_normalise(code)
    if len(code) != CODE_GROUPS * GROUP_LENGTH + CODE_GROUPS - 1:
        return False
    certificate = (
        Certificate.objects.filter(code=code, revoked_at__isnull=True).only("valid_until").first()
    )
    if certificate is None:
        return False
    return not dates.is_past_due(certificate.valid_until, now or timezone.now())
