"""CPU per request, one request at a time: what each kind in benchmarks/load.py costs the server.

Seeds a PostgreSQL database exactly as the load benchmark does (500 + 200 cadres, 5 officers),
then, in a process with the production settings and Redis, sends each kind of request through
Django's test client one after another and prints JSON: per kind the median and p90 CPU time of
this process (`time.process_time`, so Python, template and driver work, not PostgreSQL's own
CPU), the median wall time, and the number of SQL queries of one such request.

    .venv/bin/python -m benchmarks.request_cpu            # REQUEST_CPU_SAMPLES=40 by default

REQUEST_CPU_SQL=1 adds each kind's statements (first 100 characters each) to the output.
REQUEST_CPU_PROFILE=quiz_page (a kind) writes a cProfile of that kind's requests, sorted by
cumulative and by own time, to request_cpu_<kind>.prof.txt in the repository root.

`heartbeat_first` is a cadre's first beat on a lesson of a course not begun yet (every studying
cadre sends one in the load's first 15 s). `heartbeat` is the plain beat the load sends most (15 s
after the previous one, no lesson completed): the clock is moved forward 15 s between rounds. CSRF checks are off in the
test client, so a POST costs a fraction of a millisecond less than through gunicorn.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = int(os.environ.get("REQUEST_CPU_SAMPLES", "40"))
STUDYING, EXAM_TAKERS, OFFICERS = 500, 200, 5


def _measure(seed: dict) -> dict:
    import django

    django.setup()
    from datetime import timedelta
    from unittest import mock

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def client_for(session: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        return client

    results: dict[str, dict] = {}

    def timed(kind: str, calls, expect: tuple[int, ...]) -> None:
        cpu, wall = [], []
        profiler = None
        if os.environ.get("REQUEST_CPU_PROFILE") == kind:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        for call in calls[:-1]:
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            response = call()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started_wall)
            assert response.status_code in expect, (kind, response.status_code)
        if profiler is not None:
            import io
            import pstats

            profiler.disable()
            report = io.StringIO()
            stats = pstats.Stats(profiler, stream=report)
            stats.sort_stats("cumulative").print_stats(80)
            stats.sort_stats("tottime").print_stats(40)
            Path(f"request_cpu_{kind}.prof.txt").write_text(report.getvalue())
        with CaptureQueriesContext(connection) as queries:
            assert calls[-1]().status_code in expect
        deciles = statistics.quantiles(cpu, n=10, method="inclusive")
        results[kind] = {
            "samples": len(cpu),
            "cpu_ms_median": round(statistics.median(cpu) * 1000, 1),
            "cpu_ms_p90": round(deciles[8] * 1000, 1),
            "wall_ms_median": round(statistics.median(wall) * 1000, 1),
            "queries": len(queries),
        }
        if os.environ.get("REQUEST_CPU_SQL"):
            results[kind]["sql"] = [q["sql"][:100] for q in queries.captured_queries]

    n = SAMPLES + 1
    lesson, quiz = seed["lesson"], seed["quiz"]
    options = {int(k): v for k, v in seed["options"].items()}
    studying = [client_for(s) for s in seed["study_sessions"][:n]]
    examinees = [client_for(s) for s in seed["exam_sessions"][:n]]
    officers = [client_for(s) for s in seed["officer_sessions"]]

    clock = timezone.now()
    beat = f"/api/v1/lessons/{lesson}/heartbeat"
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock):
        # The first beat of a session starts the clock (and, for a course not yet begun, starts it).
        calls = [lambda c=c: c.post(beat, {"tab": "t"}, content_type="application/json") for c in studying]
        timed("heartbeat_first", calls, (200,))
        for _ in range(2):  # warm-up round, then the measured one
            clock += timedelta(seconds=15)
            calls = [lambda c=c: c.post(beat, {"tab": "t"}, content_type="application/json") for c in studying]
            timed("heartbeat", calls, (200,))

    timed("quiz_start", [lambda c=c: c.post(f"/quizzes/{quiz}/start") for c in examinees], (302,))
    attempts = [int(c.post(f"/quizzes/{quiz}/start")["location"].rstrip("/").split("/")[-1]) for c in examinees]
    pairs = list(zip(examinees, attempts, strict=True))
    timed("quiz_page", [lambda c=c, a=a: c.get(f"/quizzes/attempts/{a}/") for c, a in pairs], (200,))
    question, choices = next(iter(options.items()))
    timed(
        "quiz_answer",
        [
            lambda c=c, a=a: c.post(
                f"/api/v1/quiz-attempts/{a}/answers",
                {"question": question, "value": choices[1]},
                content_type="application/json",
            )
            for c, a in pairs
        ],
        (200,),
    )
    timed("quiz_submit", [lambda c=c, a=a: c.post(f"/quizzes/attempts/{a}/submit") for c, a in pairs], (302,))
    for page, kind in (("/admin/roster/", "roster"), ("/admin/training-reports/completion/", "completion")):
        readers = [officers[i % len(officers)] for i in range(n)]
        calls = [lambda c=c, p=page: c.get(p) for c in readers]
        timed(f"dashboard_{kind}", calls[:3], (200,))  # warm the caches a reader would find warm
        timed(f"dashboard_{kind}", calls, (200,))
    return results


def run() -> dict:
    from benchmarks.load import PG, REDIS_URL, _manage, _psql
    from tests.ops.servers import production_environment

    database = f"jianbing_cpu_{os.getpid()}"
    try:
        _psql(f"CREATE DATABASE {database}")
    except (OSError, subprocess.CalledProcessError) as error:
        return {"benchmark": "request_cpu", "skipped": f"PostgreSQL not reachable: {error}"}
    env = production_environment(database_url=f"{PG}/{database}", redis_url=REDIS_URL, ports=[8000], prefix=database)
    try:
        _manage(env, "manage.py", "migrate", "--noinput", "-v0")
        seed = _manage(env, "-m", "benchmarks._load_seed", str(STUDYING), str(EXAM_TAKERS), str(OFFICERS))
        measured = subprocess.run(
            [sys.executable, "-m", "benchmarks.request_cpu", "--measure"],
            cwd=ROOT,
            env=env,
            input=seed,
            capture_output=True,
            text=True,
            check=False,
        )
        if measured.returncode:
            raise RuntimeError(measured.stderr[-3000:])
        per_kind = json.loads(measured.stdout.strip().splitlines()[-1])
    finally:
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return {
        "benchmark": "request_cpu",
        "setup": f"production settings, PostgreSQL + Redis, in-process test client, {os.cpu_count()} cores",
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "per_kind": per_kind,
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(_measure(json.loads(sys.stdin.read()))))
    else:
        print(json.dumps(run(), ensure_ascii=False, indent=2))
