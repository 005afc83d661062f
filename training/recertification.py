"""Recertification when content changed: the trainer names the modules that changed.

Only people whose completion of such a module predates the change must redo it: the
rules in ``training/completion.py`` discard lesson completions older than the newest
requirement of their module. Calendar renewal (validity periods) needs no rows: it
follows from ``CoursePage.validity_months`` and the ``CourseCompletion`` history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import ModulePage
from training.models import RecertificationRequirement, User


def may_require_recertification(user: User) -> bool:
    return user.is_active and user.has_perm("training.add_recertificationrequirement")


@transaction.atomic
def recertification_require(
    *,
    actor: User,
    modules: Iterable[ModulePage],
    reason: str,
    now: dt.datetime | None = None,
) -> list[RecertificationRequirement]:
    """Requires everybody who completed one of ``modules`` before now to redo it."""
    if not may_require_recertification(actor):
        raise PermissionDenied
    modules = list(modules)
    reason = (reason or "").strip()
    errors = {}
    if not modules:
        errors["modules"] = _("Choose at least one module that changed.")
    if not reason:
        errors["reason"] = _("Say what changed, e.g. the new law.")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    created = []
    for module in modules:
        requirement = RecertificationRequirement(
            module=module, changed_at=now, reason=reason, created_by=actor
        )
        requirement.full_clean()
        requirement.save()
        created.append(requirement)
    return created
