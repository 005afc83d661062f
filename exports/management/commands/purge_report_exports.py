"""Deletes finished report exports (with their files) once they have expired."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from exports.models import ReportExport, report_export_days


class Command(BaseCommand):
    help = (
        "Delete finished or failed report exports older than --days days "
        "(default TRAINING_REPORTS_EXPORT_DAYS, 7)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options) -> None:
        days = options["days"] if options["days"] is not None else report_export_days()
        before = timezone.now() - timedelta(days=days)
        count = ReportExport.purge_finished_before(before)
        self.stdout.write(
            f"Deleted {count} report export(s) finished before {before:%Y-%m-%d %H:%M}."
        )
