"""Deletes finished Anki deck exports (with their files) after a number of days."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from exports.deck_exports import deck_exports_purge


class Command(BaseCommand):
    help = "Delete finished or failed Anki deck exports older than --days days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, **options) -> None:
        before = timezone.now() - timedelta(days=options["days"])
        count = deck_exports_purge(finished_before=before)
        self.stdout.write(
            f"Deleted {count} deck export(s) finished before {before:%Y-%m-%d %H:%M}."
        )
