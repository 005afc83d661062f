"""The audit log of named score views (imported by ``training.models``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAudit(models.Model):
    """One view or export of named scores: who, when, which people, which filters.

    Written only by ``training.reports.scores.named_scores_audit``; nobody has a
    permission to add, change or delete rows in the admin, administrators may read them.
    An entry outlives its actor: deleting the account keeps the entry with the name it
    was written with (``actor_name``) and ``actor`` empty.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField(_("who (name then)"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    report = models.CharField(_("report"), max_length=40)
    people = models.JSONField(_("people (ids)"), default=list, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("report audit entry")
        verbose_name_plural = _("report audit log")
        default_permissions = ("view",)
        permissions = [
            ("view_team_reports", _("Can see the reports of the teams they manage")),
            ("view_all_reports", _("Can see the reports of every team")),
            ("view_content_reports", _("Can see the reports per course and module")),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.action} {self.report} {self.at:%Y-%m-%d %H:%M}"
