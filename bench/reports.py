"""The reports' part of ``make bench`` (``bench/run.py --only reports`` runs it alone).

On the benchmark database: ``seed_load`` with 5,000 clerks × 40 modules (teams of 50)
and ``VACUUM ANALYZE``, then

* p95 latency of the completion matrix of a manager's team of 50, and of the
  administrator's first page (all teams, 50 people), requested one after another from
  gunicorn as production runs it (``gunicorn.conf.py``, ``bench.settings``);
* the same for the manager's overdue list and trends, and the slowest of a few requests
  of the trainer's "Kurse und Module", which computes everybody (measured, not a goal of
  the issue; the same 3 × is shown beside it);
* time and peak memory (Python allocations, ``tracemalloc``) of the full XLSX export of
  the administrator's matrix (5,000 people × 40 modules = 200,000 cells), in this process
  as the background task runs it;

each next to the time of the one SQL query that gathers the same data (people × assigned
modules with due date, lessons done, the newest completion and the module quiz passed), in
the same run.
Goals: pages within 3 × that query, the export under 10 s and 300 MB.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

CLERKS = 5000
MODULES = 40
TEAM_SIZE = 50
REQUESTS = 40
CONTENT_REQUESTS = 8  # the trainer's report computes everybody: seconds per request
WARMUP = 8
PAGE_GOAL = 3.0
EXPORT_GOAL_S = 10.0
EXPORT_GOAL_MB = 300.0

_SQL_TEMPLATE = """
SELECT m.user_id, a.page_id, a.due_date,
       count(DISTINCT lp.lesson_id) FILTER (WHERE lp.completed_at IS NOT NULL) AS lessons_done,
       max(lp.completed_at) AS last_completed{quiz_select}
FROM training_membership m
JOIN training_assignment_teams at ON at.team_id = m.team_id
JOIN training_assignment a ON a.id = at.assignment_id AND a.withdrawn_at IS NULL
JOIN wagtailcore_page mp ON mp.id = a.page_id
-- A child's path is its parent's plus 4 characters (Wagtail's steplen): an equality, so
-- the database can hash-join instead of testing a LIKE for every pair.
LEFT JOIN wagtailcore_page lesson
       ON substr(lesson.path, 1, length(lesson.path) - 4) = mp.path AND lesson.live
LEFT JOIN training_lessonprogress lp ON lp.user_id = m.user_id AND lp.lesson_id = lesson.id
{quiz_join}WHERE m.role = 'member' AND m.team_id = ANY(%s) {{people}}
GROUP BY m.user_id, a.page_id, a.due_date
"""
_SQL = _SQL_TEMPLATE.format(
    quiz_select=", max(qa.finished_at) AS quiz_passed",
    quiz_join="""LEFT JOIN quizzes_quizattempt qa
       ON qa.user_id = m.user_id AND qa.page_id = lesson.id AND qa.status = 'finished'
          AND qa.passed
""",
)
# The query of earlier runs, before the load's modules had quizzes: lessons only. Its time
# is reported beside the table, for comparison.
_SQL_LESSONS = _SQL_TEMPLATE.format(quiz_select="", quiz_join="")
_FIRST_PAGE = """AND m.user_id IN (
    SELECT u.id FROM training_user u JOIN training_membership mm ON mm.user_id = u.id
    WHERE mm.role = 'member' ORDER BY u.last_name, u.first_name, u.username LIMIT 50)"""


@dataclass
class Timing:
    name: str
    latency: tuple[float, float]  # p95 and median, ms
    sql_ms: float

    @property
    def p95_ms(self) -> float:
        return self.latency[0]

    @property
    def ratio(self) -> float:
        return self.p95_ms / self.sql_ms if self.sql_ms else float("nan")


def _p95(values: list[float]) -> float:
    """The 95th percentile in milliseconds of ``values`` in seconds (the slowest of fewer
    than 20)."""
    return (statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)) * 1000


def _sql_ms(
    team_ids: list[int], *, first_page: bool = False, repeats: int = 10, template: str = _SQL
) -> float:
    from django.db import connection

    sql = template.format(people=_FIRST_PAGE if first_page else "")
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute(sql, [team_ids])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _session(user) -> dict[str, str]:
    """A session cookie for ``user`` (the synthetic people have no password)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _page_latency(
    port: int, path: str, cookies: dict[str, str], *, requests: int = REQUESTS
) -> tuple[float, float]:
    """p95 and median in milliseconds of ``requests`` requests one after another."""
    from bench.run import fetch, get_request

    raw = get_request(port, path, cookies)
    for _ in range(WARMUP):  # each worker loads the report once
        status, _size = fetch(port, raw)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}.")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _size = fetch(port, raw)
        times.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}.")
    return _p95(times), statistics.median(times) * 1000


def run(log, scratch: Path) -> str:
    """Seeds, measures and returns the Markdown section for docs/benchmarks.md."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from bench.run import WORKERS, free_port, gunicorn_start, gunicorn_stop
    from exports.report_exports import report_table, table_xlsx
    from training.models import Team, User
    from training.reports.seed import load_seed
    from training.roles import Role

    log(f"seed_load --clerks {CLERKS} --modules {MODULES}")
    started = time.perf_counter()
    load_report = load_seed(clerks=CLERKS, modules=MODULES, team_size=TEAM_SIZE)
    seed_s = time.perf_counter() - started
    log(f"  {load_report} in {seed_s:.1f} s")
    # Planner statistics and the visibility map, as a database in use has them; and no
    # autovacuum of the fresh rows running beside the first measurements.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    admin, _created = User.objects.get_or_create(username="bench-reports-admin")
    admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    trainer, _created = User.objects.get_or_create(username="bench-reports-trainer")
    trainer.groups.add(Group.objects.get(name=Role.TRAINER.value))
    manager = User.objects.get(username="last-leitung-001")
    team = Team.objects.get(slug="last-team-1")
    all_teams = list(Team.objects.values_list("pk", flat=True))

    timings = []
    port = free_port()
    log(f"gunicorn with {WORKERS} sync workers on port {port}")
    gunicorn = gunicorn_start(port, dict(os.environ), scratch / "gunicorn-reports.log")
    try:
        log("manager's matrix, team of 50")
        latency = _page_latency(port, "/admin/berichte/matrix/", _session(manager))
        timings.append(
            Timing("Manager's completion matrix, team of 50", latency, _sql_ms([team.pk]))
        )
        log("administrator's first page")
        latency = _page_latency(port, "/admin/berichte/matrix/", _session(admin))
        timings.append(
            Timing(
                "Administrator's completion matrix, first page (all teams)",
                latency,
                _sql_ms(all_teams, first_page=True),
            )
        )
        team_sql_ms = _sql_ms([team.pk])
        for path, name in (
            ("/admin/berichte/ueberfaellig/", "Manager's overdue list, team of 50"),
            ("/admin/berichte/verlauf/", "Manager's trends (12 weeks), team of 50"),
        ):
            log(name)
            timings.append(Timing(name, _page_latency(port, path, _session(manager)), team_sql_ms))
        log("trainer's courses and modules (everybody)")
        latency = _page_latency(
            port, "/admin/berichte/inhalte/", _session(trainer), requests=CONTENT_REQUESTS
        )
        timings.append(
            Timing(
                f"Trainer's courses and modules (all {CLERKS:,} people), "
                f"slowest of {CONTENT_REQUESTS}",
                latency,
                _sql_ms(all_teams, repeats=3),
            )
        )
    finally:
        gunicorn_stop(gunicorn)

    log("full XLSX export")
    parameters = {"report": "matrix", "format": "xlsx"}

    def export() -> int:
        table = report_table(owner=admin, parameters=parameters)
        with tempfile.TemporaryFile() as handle:
            table_xlsx(table, handle)
        return len(table.rows) * (len(table.headers) - 2)

    started = time.perf_counter()
    cells = export()
    export_s = time.perf_counter() - started
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 1024 / 1024
    export_sql_ms = _sql_ms(all_teams, repeats=3)
    lessons_only = [
        _sql_ms([team.pk], template=_SQL_LESSONS),
        _sql_ms(all_teams, first_page=True, template=_SQL_LESSONS),
    ]
    log(f"  {cells:,} cells in {export_s:.1f} s, peak {peak_mb:.0f} MB")

    out = io.StringIO()
    out.write(
        "\n## Reports (`bench/reports.py`)\n\n"
        f"`seed_load` of {CLERKS:,} clerks × {MODULES} modules (teams of {TEAM_SIZE}): "
        f"{seed_s:.1f} s ({load_report}).\n\n"
        f"Pages from gunicorn as production runs it ({WORKERS} sync workers, "
        "`gunicorn.conf.py`, `bench.settings`), "
        f"{REQUESTS} requests one after another after {WARMUP} to warm up "
        f"({CONTENT_REQUESTS} for the trainer's report); the export in this "
        "process, as the background task makes it; the SQL query gathers the same "
        "people × assigned modules with due date, lessons done, newest completion and quiz "
        "passed "
        "(median of repeated runs).\n\n"
        "| what | p95 (median) / time | one SQL query | ratio | goal |\n|---|---|---|---|---|\n"
    )
    for t in timings:
        ok = "✓" if t.ratio <= PAGE_GOAL else "✗"
        out.write(
            f"| {t.name} | {t.p95_ms:.0f} ms (median {t.latency[1]:.0f}) | {t.sql_ms:.0f} ms | "
            f"**{t.ratio:.1f}×** {ok} | ≤ {PAGE_GOAL:g}× |\n"
        )
    ok = "✓" if export_s < EXPORT_GOAL_S and peak_mb < EXPORT_GOAL_MB else "✗"
    out.write(
        f"| Full XLSX export, {cells:,} cells | {export_s:.1f} s, peak {peak_mb:.0f} MB "
        f"(Python allocations) | {export_sql_ms:.0f} ms | "
        f"**{export_s * 1000 / export_sql_ms:.1f}×** {ok} | < {EXPORT_GOAL_S:g} s, "
        f"< {EXPORT_GOAL_MB:g} MB |\n"
    )
    out.write(
        "\nThe same query without the quiz join (lessons only, the reference of runs before "
        f"the load's modules had quizzes): {lessons_only[0]:.0f} ms for the team "
        f"(page {timings[0].p95_ms / lessons_only[0]:.1f}×), {lessons_only[1]:.0f} ms for "
        f"the first page (page {timings[1].p95_ms / lessons_only[1]:.1f}×).\n"
    )
    return out.getvalue()
