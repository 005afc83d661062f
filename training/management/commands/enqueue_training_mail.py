"""Enqueues the reminder task (and with --digest the managers' weekly digest).

Meant for cron: the mails are sent by the background worker (``manage.py db_worker``),
never here and never in a web request. Running it twice sends nothing twice.
"""

from django.core.management.base import BaseCommand, CommandParser

from training.tasks import digests_send_task, reminders_send_task


class Command(BaseCommand):
    help = "Enqueue the training reminders (and with --digest the weekly manager digest)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--digest", action="store_true", help="the weekly digest instead")

    def handle(self, *args, **options) -> None:
        task = digests_send_task if options["digest"] else reminders_send_task
        result = task.enqueue()
        self.stdout.write(f"Enqueued {task.name} ({result.id}).")
