"""Fills the database with synthetic people, teams, assignments and progress for load
tests and benchmarks of the reports (``training/reports/seed.py``). Idempotent."""

import time

from django.core.management.base import BaseCommand

from training.reports.seed import TEAM_SIZE, load_seed


class Command(BaseCommand):
    help = "Synthetic clerks in teams, modules assigned to them, and their progress."

    def add_arguments(self, parser):
        parser.add_argument("--clerks", type=int, default=5000)
        parser.add_argument("--modules", type=int, default=40)
        parser.add_argument("--team-size", type=int, default=TEAM_SIZE)

    def handle(self, *args, clerks, modules, team_size, **options):
        if clerks < 1 or modules < 1 or team_size < 1:
            self.stderr.write("--clerks, --modules and --team-size must be at least 1.")
            raise SystemExit(2)
        started = time.perf_counter()
        report = load_seed(clerks=clerks, modules=modules, team_size=team_size)
        self.stdout.write(f"Created {report} in {time.perf_counter() - started:.1f} s.")
