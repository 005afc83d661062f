"""``manage.py seed_demo``: the demo course, termbase and people; safe to run on every start."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.demo.seed import DemoContentError, demo_content_ensure
from quizzes.demo import demo_quizzes_ensure
from quizzes.demo_scenarios import demo_scenarios_ensure
from training.demo import DemoPasswordsNotAllowed, demo_passwords_allowed, demo_people_ensure


class Command(BaseCommand):
    help = (
        "Create the demo course, its termbase and the demo people where they are missing. "
        "Existing objects are left unchanged, so running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--content-only",
            action="store_true",
            help="Seed course, media and termbase, but no demo people (for settings that "
            "do not allow demo passwords).",
        )
        parser.add_argument(
            "--update-termbase",
            action="store_true",
            help="Re-import every demo term from the CSV, overwriting edits to demo terms.",
        )

    def handle(self, *args, content_only=False, update_termbase=False, **options):
        # Refuse before writing anything, so a refused run leaves no half-seeded database.
        if not content_only and not demo_passwords_allowed():
            raise CommandError(
                "Refusing to create demo users: they share a known password and these "
                "settings do not allow that (DEMO_PASSWORDS_ALLOWED is false). "
                "Run with --content-only to seed the course and termbase without users."
            )
        try:
            with transaction.atomic():
                report = demo_content_ensure(update_termbase=update_termbase)
                report.merge(demo_quizzes_ensure())
                report.merge(demo_scenarios_ensure())
                if not content_only:
                    report.merge(demo_people_ensure())
        except (DemoContentError, DemoPasswordsNotAllowed) as error:
            raise CommandError(str(error)) from error
        created = sum(report.created.values())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {created} objects created.")
            if created
            else "Demo data: everything already present, nothing changed."
        )
        for line in report.summary():
            self.stdout.write(f"  {line}")
