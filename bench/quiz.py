"""Quiz submissions through gunicorn: whole attempts of 30 questions, graded and stored.

Each client thread is one demo clerk taking a 30-question quiz again and again: start
(POST to the quiz page), 30 answers (one POST each, graded on the server and stored) and
finish (POST). The figure is finished attempts per second; the ratio compares the quiz's
requests per second with the floor measured for the lesson page (same signed-in cost,
no work), so it says how much the quiz's own work costs per request.

The answers are built from what the question page shows (the snapshot's public part,
read from the database by the client: one query per attempt), never from the key.
"""

import http.client
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

QUESTIONS = 30
BENCH_SLUG = "bench-quiz"


@dataclass
class QuizBenchResult:
    seconds: float = 0.0
    attempts: int = 0
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    floor_rate: float = 0.0
    queries: dict = field(default_factory=dict)

    @property
    def attempt_rate(self) -> float:
        return self.attempts / self.seconds if self.seconds else 0.0

    @property
    def request_rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.request_rate / self.floor_rate if self.floor_rate else 0.0


def bench_quiz_ensure():
    """A 30-question quiz of the demo questions (every type) under the first demo module."""
    from courses.models import ModulePage
    from quizzes.models import Question, QuizPage, QuizPageQuestion

    module = ModulePage.objects.order_by("path").first()
    existing = QuizPage.objects.child_of(module).filter(slug=BENCH_SLUG).first()
    if existing:
        return existing
    questions = list(Question.objects.filter(is_demo=True).order_by("pk")[:QUESTIONS])
    if len(questions) < QUESTIONS:
        raise RuntimeError("The demo has fewer than 30 questions.")
    quiz = QuizPage(title="Bench quiz", slug=BENCH_SLUG, feedback_timing="end", live=False)
    module.add_child(instance=quiz)
    for n, question in enumerate(questions):
        QuizPageQuestion.objects.create(page=quiz, question=question, sort_order=n)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def answer_fields(question: dict) -> list[tuple[str, str]]:
    """A valid answer to a question from what is shown (not necessarily right)."""
    public = question["public"]
    kind = question["type"]
    if kind in ("single", "truefalse", "multiple"):
        return [("option", public["options"][0]["id"])]
    if kind == "ordering":
        return [(f"position_{item['id']}", str(n)) for n, item in enumerate(public["items"], 1)]
    if kind == "matching":
        choice = public["choices"][0]["id"]
        return [(f"match_{prompt['id']}", choice) for prompt in public["prompts"]]
    if kind == "cloze":
        return [(f"gap_{p['gap']}", "Antwort") for p in public["parts"] if "gap" in p]
    return [("text", "Ich erkläre den nächsten Schritt in einfachen Worten.")]


def _post(port: int, path: str, cookies: dict, fields: list[tuple[str, str]]) -> tuple[int, str]:
    body = urlencode([("csrfmiddlewaretoken", cookies["csrftoken"]), *fields])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.headers.get("Location", "")


def _one_attempt(port: int, quiz_url: str, user_id: int, cookies: dict, into, lock) -> None:
    from quizzes.models import QuizAttempt

    timings, errors = [], 0
    started = time.perf_counter()
    status, _location = _post(port, quiz_url, cookies, [])
    timings.append(time.perf_counter() - started)
    if status != 302:
        errors += 1
    attempt = QuizAttempt.objects.filter(user_id=user_id, status="open").order_by("-pk").first()
    if attempt is None:
        with lock:
            into.errors += errors + 1
        return
    for number, question in enumerate(attempt.snapshot["questions"], start=1):
        started = time.perf_counter()
        status, _location = _post(
            port,
            f"/pruefungen/versuch/{attempt.pk}/frage/{number}/",
            cookies,
            [("revision", "0"), *answer_fields(question)],
        )
        timings.append(time.perf_counter() - started)
        errors += status != 302
    started = time.perf_counter()
    status, _location = _post(port, f"/pruefungen/versuch/{attempt.pk}/abschliessen/", cookies, [])
    timings.append(time.perf_counter() - started)
    errors += status != 302
    with lock:
        into.requests += len(timings) - errors
        into.errors += errors
        into.latencies.extend(timings)
        into.attempts += not errors


def measure_quiz(port: int, clerks: list[tuple[int, dict]], quiz_url: str, seconds: float):
    """``clerks``: (user id, session cookies) per client thread."""
    from django.db import connections

    result = QuizBenchResult()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(user_id, cookies):
        try:
            while time.perf_counter() < deadline:
                _one_attempt(port, quiz_url, user_id, cookies, result, lock)
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=clerk) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def quiz_queries(username: str, password: str, quiz) -> dict:
    """Queries of start, one answer and finish, in this process (Django's test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from quizzes.models import QuizAttempt

    client = Client()
    client.login(username=username, password=password)
    counts = {}
    with CaptureQueriesContext(connection) as captured:
        client.post(quiz.url)
    counts["start"] = len(captured)
    attempt = QuizAttempt.objects.filter(user__username=username, status="open").latest("pk")
    question = attempt.snapshot["questions"][0]
    with CaptureQueriesContext(connection) as captured:
        client.post(
            f"/pruefungen/versuch/{attempt.pk}/frage/1/",
            dict([("revision", "0"), *answer_fields(question)]),
        )
    counts["answer"] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.post(f"/pruefungen/versuch/{attempt.pk}/abschliessen/")
    counts["finish"] = len(captured)
    return counts


def run(*, port: int, floor_rate: float, seconds: float, threads: int, sign_in, log):
    """Everything the benchmark needs for quizzes; called while gunicorn runs."""
    from django.conf import settings

    from training.demo import DEMO_PEOPLE
    from training.models import User
    from training.roles import Role

    quiz = bench_quiz_ensure()
    names = [p.username for p in DEMO_PEOPLE if p.role == Role.CLERK][:threads]
    ids = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    clerks = [(ids[name], sign_in(port, name, settings.DEMO_PASSWORD)) for name in names]
    log(f"measuring quiz attempts of {QUESTIONS} questions with {len(clerks)} clerks")
    result = measure_quiz(port, clerks, quiz.url, seconds)
    result.floor_rate = floor_rate
    log(
        f"  {result.attempt_rate:.2f} attempts/s, {result.request_rate:.1f} req/s vs floor "
        f"{floor_rate:.1f} req/s: ratio {result.ratio:.2f} ({result.errors} errors)"
    )
    result.queries = quiz_queries(names[0], settings.DEMO_PASSWORD, quiz)
    return result


def report_section(result: QuizBenchResult) -> str:
    p95 = "–"
    if len(result.latencies) >= 20:
        import statistics

        p95 = f"{statistics.quantiles(result.latencies, n=20)[-1] * 1000:.1f}"
    q = result.queries
    row = (
        f"| {result.attempt_rate:.2f} | {result.request_rate:.1f} | {p95} | "
        f"{result.floor_rate:.1f} | **{result.ratio:.2f}** |"
    )
    return f"""
## Quiz submissions

Whole attempts of a {QUESTIONS}-question quiz (every question type, feedback at the end):
start, {QUESTIONS} answers (each graded on the server and stored), finish; one demo clerk
per client thread, through the same gunicorn on PostgreSQL (`bench/quiz.py`).

| finished attempts/s | quiz requests/s | p95 ms per request | lesson floor req/s | ratio |
|---:|---:|---:|---:|---:|
{row}

Queries per request: start {q.get("start")}, answer {q.get("answer")}, finish
{q.get("finish")} (fixed, independent of the number of questions; pinned in
`tests/quizzes/test_query_counts.py`). {result.errors} requests failed in this run.
"""
