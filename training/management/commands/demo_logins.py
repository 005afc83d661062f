"""``manage.py demo_logins``: who can sign in to the demo, and how."""

from django.core.management.base import BaseCommand, CommandError

from training.demo import DemoPasswordsNotAllowed, demo_logins


class Command(BaseCommand):
    help = "Print the demo sign-ins (only where the settings allow demo passwords)."

    def handle(self, *args, **options):
        try:
            logins = demo_logins()
        except DemoPasswordsNotAllowed as error:
            raise CommandError(str(error)) from error
        if not logins:
            self.stdout.write("No demo users yet: run `manage.py seed_demo` first.")
            return
        columns = ["username", "role", "team", "password"]
        rows = [
            [
                login["username"],
                login["role"],
                f"{login['team']} ({login['team_role']})" if login["team"] else "–",
                login["password"],
            ]
            for login in logins
        ]
        widths = [
            max(len(str(v)) for v in [c, *[r[i] for r in rows]]) for i, c in enumerate(columns)
        ]
        self.stdout.write("Demo sign-ins (password as seeded, unless changed since):")
        for row in [columns, *rows]:
            self.stdout.write(
                (
                    "  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True))
                ).rstrip()
            )
