"""Records of exports that run in the background, so their owner can follow and fetch them."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BackgroundExport(models.Model):
    """What every export built by a task shares: its owner (in each subclass, with its own
    related name), what was asked for, status and progress, and the finished file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    parameters = models.JSONField(_("parameters"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    filename = models.CharField(_("file name"), max_length=200)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="%(app_label)s_%(class)s_progress_max_100",
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @classmethod
    def purge_finished_before(cls, finished_before: datetime) -> int:
        """Deletes finished (or failed) exports older than ``finished_before``, with their
        files; the number deleted."""
        count = 0
        old = cls.objects.filter(
            status__in=[cls.Status.DONE, cls.Status.FAILED], finished_at__lt=finished_before
        )
        for export in old.iterator():
            if export.file:
                export.file.delete(save=False)
            export.delete()
            count += 1
        return count

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


def _deck_export_path(instance: "DeckExport", filename: str) -> str:
    # A random folder: the stored name must not be guessable even where MEDIA_URL is
    # served directly (development); the download view checks the owner.
    return f"deck-exports/{uuid.uuid4().hex}/{filename}"


class DeckExport(BackgroundExport):
    """One Anki deck requested by a person, built by the ``deck_export_task`` task.

    ``parameters`` holds what the deck contains (selection, languages, direction, audio)
    as given by the form; see ``exports.deck_exports.DeckRequest``.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="deck_exports",
    )
    label = models.CharField(_("selection"), max_length=300)
    file = models.FileField(_("file"), upload_to=_deck_export_path, blank=True, max_length=300)
    # Notes per language and the terms left out for lack of a translation.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta(BackgroundExport.Meta):
        verbose_name = _("Anki deck export")
        verbose_name_plural = _("Anki deck exports")


def report_export_days() -> int:
    """Days a finished report export stays downloadable (``TRAINING_REPORTS_EXPORT_DAYS``,
    default 7); ``manage.py purge_report_exports`` deletes it afterwards. The files name
    people with their training status, so they are kept only briefly."""
    return max(1, int(getattr(settings, "TRAINING_REPORTS_EXPORT_DAYS", 7)))


def _report_export_path(instance: "ReportExport", filename: str) -> str:
    return f"report-exports/{uuid.uuid4().hex}/{filename}"


class ReportExport(BackgroundExport):
    """One report exported in the background (``exports/report_exports.py``); only its
    owner can follow and download it.

    ``parameters`` holds report, format and filters as query parameters; they are
    re-checked against the owner's scope when the task runs.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    file = models.FileField(_("file"), upload_to=_report_export_path, blank=True, max_length=300)

    class Meta(BackgroundExport.Meta):
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")

    @property
    def expires_at(self) -> datetime | None:
        """When a finished export stops being downloadable (``None`` while unfinished)."""
        if self.finished_at is None:
            return None
        return self.finished_at + timedelta(days=report_export_days())

    @property
    def is_expired(self) -> bool:
        expires_at = self.expires_at
        return expires_at is not None and expires_at <= timezone.now()
