"""``make bench``: requests per second of a lesson and the glossary against the floor view.

The run builds everything it measures and removes it again:

1. a fresh PostgreSQL database (``bench_training`` on 127.0.0.1:5432, user postgres),
   migrated and filled by ``seed_demo``;
2. gunicorn with 2 sync workers on a free port, with ``bench.settings`` (DEBUG off,
   persistent database connections, the floor view added);
3. a demo clerk signed in through the login form;
4. for each page: a warm-up, then page and floor view of the same byte size, alternating,
   each for a fixed time with a fixed number of client threads;
5. the SQL queries of one request to each page and a profile of where the page's time
   goes, both in this process against the same database;
6. ``docs/benchmarks.md`` (and the raw figures in ``bench/results/``).

gunicorn is stopped and the database dropped at the end, also after an error.
"""

import argparse
import contextlib
import cProfile
import datetime
import http.client
import importlib.metadata
import io
import json
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import anki as bench_anki  # noqa: E402

POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "bench_training"
GOAL = 0.5
WORKERS = 2


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- Database --------------------------------------------------------------------------


def database_recreate(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- HTTP ------------------------------------------------------------------------------


def fetch(port: int, raw_request: bytes) -> tuple[int, int]:
    """Status and body length of one request on a fresh connection.

    Raw sockets keep the client's own cost small: on two cores the client competes with
    the workers, and a heavy client would flatter the slower page. gunicorn's sync
    workers close every connection after the response, so there is no keep-alive to use.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(raw_request)
        chunks = []
        while data := connection.recv(262144):
            chunks.append(data)
    response = b"".join(chunks)
    head, _separator, body = response.partition(b"\r\n\r\n")
    return int(head[9:12]), len(body)


def get_request(port: int, path: str, cookies: dict[str, str]) -> bytes:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Accept: text/html\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    ).encode()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _eq, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def sign_in(port: int, username: str, password: str) -> dict[str, str]:
    """The session cookie of a sign-in through the login form, with its CSRF token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/konto/anmelden/")
    response = connection.getresponse()
    form = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/"}
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/konto/anmelden/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    response = connection.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"Signing in as {username} failed (HTTP {response.status}).")
    return {"csrftoken": cookies["csrftoken"], "sessionid": cookies["sessionid"]}


# --- Load ------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 20:
            return float("nan")
        return statistics.quantiles(self.latencies, n=20)[-1] * 1000


def load(port: int, raw: bytes, expected_bytes: int, seconds: float, threads: int, into: Sample):
    """``threads`` clients sending requests back to back for ``seconds``."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()

    def client():
        latencies, errors = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, size = fetch(port, raw)
            elapsed = time.perf_counter() - started
            if status == 200 and size == expected_bytes:
                latencies.append(elapsed)
            else:
                errors += 1
        with lock:
            into.latencies.extend(latencies)
            into.errors += errors

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    into.seconds += time.perf_counter() - started


@dataclass
class Result:
    name: str
    path: str
    bytes: int
    queries: int = 0
    floor_queries: int = 0
    query_tables: list[str] = field(default_factory=list)
    page: Sample = field(default_factory=Sample)
    floor: Sample = field(default_factory=Sample)
    profile: list[tuple[str, float]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.page.rate / self.floor.rate if self.floor.rate else 0.0


def measure(port, result: Result, cookies, *, seconds: float, warmup: float, rounds: int, threads):
    page = get_request(port, result.path, cookies)
    floor = get_request(port, f"/bench/floor/{result.bytes}/", cookies)
    for raw in (page, floor):
        load(port, raw, result.bytes, warmup, threads, Sample())
    # Alternating slices spread any drift of the machine (other load, CPU clock) evenly
    # over page and floor.
    for _round in range(rounds):
        load(port, page, result.bytes, seconds / rounds, threads, result.page)
        load(port, floor, result.bytes, seconds / rounds, threads, result.floor)


# --- In-process looks: queries and profile --------------------------------------------

AREAS = [
    ("PostgreSQL (driver, waiting)", ("/psycopg",)),
    ("ORM (queries, model objects)", ("/django/db/",)),
    ("templates", ("/django/template/", "/django/templatetags/")),
    ("Django utilities (escaping, translation)", ("/django/utils/",)),
    ("Wagtail (routing, pages, blocks)", ("/wagtail/",)),
    ("our code", (f"{ROOT}/courses/", f"{ROOT}/training/", f"{ROOT}/quizzes/")),
    ("Django request handling, middleware, auth", ("/django/",)),
]


def _area(filename: str) -> str:
    for name, markers in AREAS:
        if any(marker in filename for marker in markers):
            return name
    return "Python and other libraries"


def queries_and_profile(result: Result, username: str, password: str, repeats: int = 40):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if not client.login(username=username, password=password):
        raise RuntimeError(f"{username} cannot sign in.")
    assert client.get(result.path).status_code == 200  # warms caches as gunicorn's were
    with CaptureQueriesContext(connection) as captured:
        response = client.get(result.path)
    assert response.status_code == 200
    result.queries = len(captured)
    with CaptureQueriesContext(connection) as floor_captured:
        assert client.get(f"/bench/floor/{result.bytes}/").status_code == 200
    result.floor_queries = len(floor_captured)
    tables = Counter()
    for query in captured.captured_queries:
        match = re.search(r'FROM "(\w+)"', query["sql"]) or re.search(
            r'^(?:UPDATE|INSERT INTO) "(\w+)"', query["sql"]
        )
        tables[match.group(1) if match else query["sql"][:40]] += 1
    result.query_tables = [f"{table} ×{n}" if n > 1 else table for table, n in tables.items()]

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        client.get(result.path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    by_area = Counter()
    for (filename, _line, _name), (_cc, _nc, own_time, _cum, callers) in stats.items():
        if filename == "~" and callers:
            # Built-ins (getattr, str.join, ...) count for whoever called them.
            called_for = sum(timing[2] for timing in callers.values()) or 1.0
            for (caller_file, _l, _n), timing in callers.items():
                by_area[_area(caller_file)] += own_time * timing[2] / called_for
        else:
            by_area[_area(filename)] += own_time
    total = sum(by_area.values()) or 1.0
    result.profile = [(area, share / total) for area, share in by_area.most_common()]


# --- gunicorn --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    """gunicorn as production runs it (its config file, access log included), except that
    workers are not recycled: a restart in the middle of a slice would measure a cold
    worker."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *(["--config=gunicorn.conf.py"] if (ROOT / "gunicorn.conf.py").exists() else []),
        "training.wsgi:application",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--max-requests=0",
        f"--access-logfile={log_path.with_name('access.log')}",
        f"--error-logfile={log_path}",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            if fetch(port, get_request(port, "/konto/anmelden/", {}))[0] == 200:
                return process
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s.")


def gunicorn_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # the master stops its workers on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Report ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = ""
    with contextlib.suppress(OSError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    versions = {
        name: importlib.metadata.version(name) for name in ("Django", "wagtail", "gunicorn")
    }
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu.strip(),
        "python": platform.python_version(),
        "postgresql": postgres,
        **versions,
    }


def _ms(value: float) -> str:
    return "–" if value != value else f"{value:.1f}"  # NaN: too few requests


def write_report(path: Path, results: list[Result], facts: dict, args) -> None:
    rows = "\n".join(
        f"| {r.name} (`{r.path}`) | {r.bytes:,} | {r.queries} | {r.page.rate:.1f} | "
        f"{_ms(r.page.p95_ms)} | {r.floor.rate:.1f} | {_ms(r.floor.p95_ms)} | "
        f"**{r.ratio:.2f}** {'✓' if r.ratio >= GOAL else '✗'} |"
        for r in results
    )
    errors = sum(r.page.errors + r.floor.errors for r in results)
    queries = "\n".join(f"- {r.name}: {', '.join(r.query_tables)}" for r in results)
    readings = "\n".join(reading(r) for r in results)
    profiles = "\n".join(
        f"- {r.name}: "
        + ", ".join(f"{area} {share:.0%}" for area, share in r.profile if share >= 0.02)
        for r in results
    )
    text = f"""# Benchmarks

Written by `make bench` (`bench/run.py`); every run replaces this file. Raw figures of
each run are kept in `bench/results/` (not committed).

Run: {facts["date"]}

## Machine

| | |
|---|---|
| CPU cores (nproc) | {facts["nproc"]} |
| CPU | {facts["cpu"] or "unknown"} |
| Python | {facts["python"]} |
| PostgreSQL | {facts["postgresql"]} |
| Django / Wagtail / gunicorn | {facts["Django"]} / {facts["wagtail"]} / {facts["gunicorn"]} |

## Method

- A fresh PostgreSQL database, migrated and filled with `manage.py seed_demo`.
- gunicorn with the production `gunicorn.conf.py` ({WORKERS} sync workers, access log
  written), but without recycling workers during the run; `bench.settings`: DEBUG off,
  persistent database connections, database sessions, Django's in-process cache, the
  manifest static files storage (as in production).
- A demo clerk signed in through the login form; every request carries that session.
- Per page: {args.warmup:g} s warm-up of page and floor, then {args.rounds} alternating
  slices of page and floor until each had {args.seconds:g} s, with {args.threads} client
  threads sending requests back to back (a new connection per request: sync workers
  do not keep connections alive). Only `200` responses of the expected size count
  ({errors} others in this run).
- **Floor**: a minimal `@login_required` Django view (`bench/floor.py`) returning an HTML
  page of the same number of bytes. It costs what every signed-in request costs (session
  and user lookup, middleware, writing the bytes) and nothing more.
- Queries: one request to each page with Django's test client in the benchmark process,
  against the same database, after one warm-up request (caches filled as in a worker).
- The client runs on the same {facts["nproc"]} cores as the server, as in the measurements this
  goal comes from; absolute figures are therefore low, the ratio is what counts.
- Load average of the machine before / after the measurements: {facts["load"]}. Anything
  well above 0 means other processes shared the cores; that lowers absolute figures, and
  the alternating slices keep it from favouring page or floor.

## Results

| page | bytes | queries | req/s | p95 ms | floor req/s | floor p95 ms | ratio |
|---|---:|---:|---:|---:|---:|---:|---:|
{rows}

**Goal: each page reaches at least {GOAL} of its floor's requests per second**
(see "What speed means here" in the design notes: a public Wagtail LMS lesson reached
0.22, the Wagtail demo's blog post 0.12; the floor plus four queries already falls to 0.48).

## What costs the rest

Queries per request, by table (the floor makes {results[0].floor_queries}: session and user):

{queries}

Where a page's time goes (share of time in the benchmark process over
repeated requests; database time includes waiting for PostgreSQL):

{profiles}

{readings}

{NOTE}
"""
    path.write_text(text)


ROUTING_TABLES = {"wagtailcore_site", "wagtailcore_page", "wagtailcore_pageviewrestriction"}
FLOOR_TABLES = {"django_session", "training_user"}
CACHE_TABLES = {"courses_contentgeneration"}


def reading(result: Result) -> str:
    """Plain words on where one page's queries and time go, from this run's figures."""
    tables = []
    for entry in result.query_tables:
        table, _times, count = entry.partition(" ×")
        tables.extend([table] * int(count or 1))
    floor = sum(t in FLOOR_TABLES for t in tables)
    cache = sum(t in CACHE_TABLES for t in tables)
    routing = sum(t in ROUTING_TABLES or t.endswith("page") for t in tables)
    content = len(tables) - floor - cache - routing
    parts = [f"{floor} for session and user, like the floor's {result.floor_queries}"]
    if cache:
        parts.append(f"{cache} for the content generation (page cache)")
    if routing:
        parts.append(f"{routing} for Wagtail's routing and the page with its ancestors")
    if content or not cache:
        parts.append(f"{content} for the page's content")
    biggest = ", ".join(f"{area} ({share:.0%})" for area, share in result.profile[:2])
    return (
        f"- **{result.name}** ({result.ratio:.2f} of the floor): {result.queries} queries "
        f"({'; '.join(parts)}). Most time: {biggest}."
    )


NOTE = """The floor pays the fixed cost of a signed-in request. Both pages are served from
the page cache of each gunicorn worker (docs/architecture.md, "Caching"): the first
request after a change of content renders the page as before (Wagtail's routing, the
page with its ancestors, view restrictions, its content queries and all its HTML) and
keeps its content part; every further request reads the content generation (one query)
and renders only the frame around that part (header with the reader's CSRF tokens,
messages, language switch). The figures above are such cache hits, measured after the
warm-up; what is left beyond the floor is that one query and the frame. A change of
content makes the next request in every worker a miss again."""


# --- Main ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="measured time per view")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="alternating slices per view")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the database for a closer look"
    )
    parser.add_argument(
        "--only", choices=["pages", "anki", "reports"], help="run one part (default: all)"
    )
    args = parser.parse_args()

    # SIGTERM (a CI timeout, say) must still run the clean-up below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE_URL": f"{POSTGRES}/{args.database}",
        "BENCH_STATIC_ROOT": str(scratch / "static"),
        "BENCH_MEDIA_ROOT": str(scratch / "media"),
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    gunicorn = None
    started = time.monotonic()
    try:
        log(f"creating database {args.database}")
        database_recreate(args.database)

        import django
        from django.core.management import call_command

        django.setup()
        log("migrate, collectstatic, seed_demo")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        if args.only == "anki":
            bench_anki.run(args.report, log)
            return 0
        if args.only == "reports":  # bench/reports.py alone
            from bench import reports

            args.report.write_text("# Benchmarks (reports only)\n" + reports.run(log, scratch))
            return 0

        from django.conf import settings

        from courses.models import LessonPage
        from training.demo import DEMO_PEOPLE
        from training.roles import Role

        username = next(p.username for p in DEMO_PEOPLE if p.role == Role.CLERK)
        password = settings.DEMO_PASSWORD
        lesson = next(
            page
            for page in LessonPage.objects.live().order_by("path")
            if any(block.block_type == "vocabulary" for block in page.body)
        )
        results = [
            Result(name=f"Lesson “{lesson.title}”", path=lesson.url, bytes=0),
            Result(name="Glossary, first page", path="/glossar/", bytes=0),
        ]
        from bench.dashboard import ASSIGNMENTS, dashboard_setup

        results.append(
            Result(
                name=f"Meine Fortbildung, {ASSIGNMENTS} assignments",
                path=dashboard_setup(username),
                bytes=0,
            )
        )

        load_before = os.getloadavg()[0]
        port = free_port()
        log(f"gunicorn with {WORKERS} sync workers on port {port}")
        gunicorn = gunicorn_start(port, env, scratch / "gunicorn.log")
        cookies = sign_in(port, username, password)
        for result in results:
            status, result.bytes = fetch(port, get_request(port, result.path, cookies))
            if status != 200:
                raise RuntimeError(f"{result.path} answered {status} to a signed-in clerk.")
            log(f"measuring {result.path} ({result.bytes} bytes) against the floor")
            measure(
                port,
                result,
                cookies,
                seconds=args.seconds,
                warmup=args.warmup,
                rounds=args.rounds,
                threads=args.threads,
            )
            log(
                f"  {result.page.rate:.1f} req/s vs floor {result.floor.rate:.1f} req/s: "
                f"ratio {result.ratio:.2f}"
            )
        from bench import quiz as quiz_bench

        quiz_result = quiz_bench.run(
            port=port, floor_rate=results[0].floor.rate, seconds=args.seconds,
            threads=args.threads, sign_in=sign_in, log=log,
        )  # fmt: skip
        gunicorn_stop(gunicorn)
        gunicorn = None
        load_after = os.getloadavg()[0]

        log("queries and profile")
        for result in results:
            queries_and_profile(result, username, password)
            log(f"  {result.path}: {result.queries} queries")

        facts = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")}
        facts.update(machine())
        facts["load"] = f"{load_before:.2f} / {load_after:.2f}"
        write_report(args.report, results, facts, args)
        with args.report.open("a") as report:
            report.write(quiz_bench.report_section(quiz_result))
        if args.only != "pages":
            from bench import reports

            with args.report.open("a") as report:
                report.write(reports.run(log, scratch))
        raw = ROOT / "bench" / "results"
        raw.mkdir(exist_ok=True)
        (raw / f"{facts['date'][:16].replace(' ', 'T').replace(':', '')}.json").write_text(
            json.dumps(
                {
                    "facts": facts,
                    "results": [
                        {
                            "name": r.name,
                            "path": r.path,
                            "bytes": r.bytes,
                            "queries": r.queries,
                            "floor_queries": r.floor_queries,
                            "rate": r.page.rate,
                            "p95_ms": r.page.p95_ms,
                            "floor_rate": r.floor.rate,
                            "floor_p95_ms": r.floor.p95_ms,
                            "ratio": r.ratio,
                            "errors": r.page.errors + r.floor.errors,
                            "profile": r.profile,
                        }
                        for r in results
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        log(f"wrote {args.report} in {time.monotonic() - started:.0f} s")
        if args.only != "pages":
            bench_anki.run(args.report, log)
        return 0
    finally:
        if gunicorn is not None:
            gunicorn_stop(gunicorn)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if not args.keep_database:
            log(f"dropping database {args.database}")
            database_drop(args.database)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
