"""Pseudonymises the training records of people who left, after the retention period."""

from django.core.management.base import BaseCommand, CommandParser

from training.retention import people_due_for_pseudonymisation, records_pseudonymise, retention_days
from training.tasks import records_pseudonymise_task


class Command(BaseCommand):
    help = (
        "Pseudonymise the training records of inactive people whose leaving date lies more "
        "than TRAINING_RETENTION_DAYS days back. Certificates stay verifiable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="run as a background task")
        parser.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, *args, **options) -> None:
        if options["dry_run"]:
            count = people_due_for_pseudonymisation().count()
            self.stdout.write(f"{count} person(s) would be pseudonymised.")
            return
        if options["enqueue"]:
            result = records_pseudonymise_task.enqueue()
            self.stdout.write(f"Enqueued {records_pseudonymise_task.name} ({result.id}).")
            return
        count = records_pseudonymise()
        self.stdout.write(
            f"Pseudonymised {count} person(s) who left more than {retention_days()} days ago."
        )
