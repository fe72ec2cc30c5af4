"""The completion dashboard of a province, and a 100,000-row export, on SQLite and PostgreSQL.

For each database: generate 100,000 cadres × 20 required courses once (`manage.py
generate_data`, kept in a file / database named after the parameters), then time the
dashboard of the top unit (median of several runs, with its query count) against one
hand-written SQL query computing the same per-child numbers from the raw progress rows, and
check the two agree. Then write 100,000 rows of the overdue list to .xlsx in a fresh process,
reporting time and the process's peak resident memory.

Each step runs in its own process (Django binds one database per process).
Environment: BENCH_CADRES, BENCH_COURSES, BENCH_SEED; BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/jianbing_bench; skipped when unreachable).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CADRES = int(os.environ.get("BENCH_CADRES", 100_000))
COURSES = int(os.environ.get("BENCH_COURSES", 20))
SEED = int(os.environ.get("BENCH_SEED", 1))
EXPORT_ROWS = 100_000
ROOT = Path(__file__).resolve().parent.parent


def backends() -> list[tuple[str, str]]:
    name = f"jianbing-bench-{CADRES}-{COURSES}-{SEED}"
    found = [("sqlite", f"sqlite:///{Path(tempfile.gettempdir()) / (name + '.sqlite3')}")]
    url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/jianbing_bench")
    if _postgres_ready(url):
        found.append(("postgresql", url))
    return found


def _postgres_ready(url: str) -> bool:
    """True when the server answers; creates the benchmark database if it is missing."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        return False
    base, _, dbname = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except Exception:
        return False
    return True


def _step(step: str, url: str) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.dashboard", step],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"benchmarks.dashboard {step} failed:\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def run() -> list[dict]:
    results = []
    for backend, url in backends():
        prepared = _step("prepare", url)
        for result in (*prepared, *_step("measure", url), *_step("export", url)):
            results.append({"backend": backend, **result})
    return results


# ---------------------------------------------------------------------------- in the child process


def _setup():
    import django

    django.setup()


def prepare() -> dict:
    from django.core.management import call_command

    from cadres.models import Cadre
    from reports.models import UnitYearRollup
    from reports.rollups import rollups_rebuild

    call_command("migrate", verbosity=0)
    existing = Cadre.objects.filter(user__username__startswith=f"gen{SEED}-").count()
    if existing == CADRES:
        cached = {"benchmark": "generate_data", "cadres": CADRES, "courses": COURSES, "cached": True}
        if not UnitYearRollup.objects.exists():
            # Data generated before the rollups existed: sum them from the summary rows.
            started = time.perf_counter()
            cached["rollup_rows"] = rollups_rebuild()
            cached["rollups_rebuilt_seconds"] = round(time.perf_counter() - started, 1)
        return cached
    if existing:
        raise SystemExit("The benchmark database holds other generated data; delete it first.")
    started = time.perf_counter()
    call_command("generate_data", cadres=CADRES, courses=COURSES, seed=SEED, verbosity=0)
    return {
        "benchmark": "generate_data",
        "cadres": CADRES,
        "courses": COURSES,
        "cached": False,
        "seconds": round(time.perf_counter() - started, 1),
    }


RAW_SQL = """
WITH req AS (
    SELECT r.course_id, r.due_date, ru.path AS rpath
    FROM courses_requirement r JOIN cadres_orgunit ru ON ru.id = r.unit_id
    WHERE r.year = %(year)s
),
pairs AS (
    SELECT SUBSTR(u.path, 1, %(length)s) AS child,
           COUNT(DISTINCT c.id) AS cadres,
           COUNT(*) AS required,
           SUM(CASE WHEN p.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS completed,
           SUM(CASE WHEN p.completed_at IS NOT NULL AND {local_date} <= req.due_date THEN 1 ELSE 0 END) AS on_time,
           COUNT(DISTINCT CASE WHEN p.completed_at IS NULL AND req.due_date < %(today)s THEN c.id END) AS overdue
    FROM cadres_cadre c
    JOIN cadres_orgunit u ON u.id = c.unit_id
    JOIN req ON u.path LIKE req.rpath || '%%'
    LEFT JOIN courses_courseprogress p ON p.cadre_id = c.id AND p.course_id = req.course_id
    WHERE c.active AND u.path LIKE %(prefix)s
    GROUP BY SUBSTR(u.path, 1, %(length)s)
),
hours AS (
    SELECT SUBSTR(u.path, 1, %(length)s) AS child, SUM(e.hours) AS hours
    FROM courses_creditentry e
    JOIN cadres_cadre c ON c.id = e.cadre_id
    JOIN cadres_orgunit u ON u.id = c.unit_id
    WHERE e.year = %(year)s AND c.active AND u.path LIKE %(prefix)s
    GROUP BY SUBSTR(u.path, 1, %(length)s)
)
SELECT pairs.child, pairs.cadres, pairs.required, pairs.completed, pairs.on_time, pairs.overdue, hours.hours
FROM pairs LEFT JOIN hours ON hours.child = pairs.child
ORDER BY pairs.child
"""
LOCAL_DATE = {
    "sqlite": "DATE(p.completed_at, '+8 hours')",
    "postgresql": "(p.completed_at AT TIME ZONE 'Asia/Shanghai')::date",
}


def _timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def measure() -> list[dict]:
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cadres.models import OrgUnit
    from reports import selectors

    today = timezone.localdate()
    top = OrgUnit.objects.get(code="GEN")
    filters = selectors.Filters(year=today.year, unit=top)
    selectors.dashboard(filters, today=today)  # warm the connection and the page cache
    with CaptureQueriesContext(connection) as queries:
        selectors.dashboard(filters, today=today)
    dashboard_ms, board = _timed(lambda: selectors.dashboard(filters, today=today), 7)

    sql = RAW_SQL.format(local_date=LOCAL_DATE[connection.vendor])
    params = {"year": today.year, "length": len(top.path) + OrgUnit.steplen, "today": today, "prefix": top.path + "%"}

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    raw_ms, rows = _timed(raw, 3)
    ours = {
        row.key: (row.cadres, row.required, row.completed, row.on_time, row.overdue, row.hours_total)
        for row in board.rows
    }
    theirs = {
        child: (cadres, required, completed, on_time, overdue, Decimal(str(hours or 0)))
        for child, cadres, required, completed, on_time, overdue, hours in rows
    }
    return [
        {
            "benchmark": "dashboard_top_unit",
            "cadres": CADRES,
            "courses": COURSES,
            "children": len(board.rows),
            "ms": round(dashboard_ms, 1),
            "queries": len(queries),
            "raw_sql_ms": round(raw_ms, 1),
            "speedup": round(raw_ms / dashboard_ms, 1),
            "agrees_with_raw_sql": ours == theirs,
        }
    ]


def export() -> list[dict]:
    import resource
    from itertools import islice

    from django.utils import timezone

    from cadres.models import OrgUnit
    from reports import selectors
    from reports.exports import Export, Table, xlsx_tempfile
    from reports.registry import OVERDUE_HEADER, overdue_rows

    today = timezone.localdate()
    filters = selectors.Filters(year=today.year, unit=OrgUnit.objects.get(code="GEN"))
    started = time.perf_counter()
    table = Table("逾期名单", OVERDUE_HEADER, islice(overdue_rows(filters, today), EXPORT_ROWS), [("单位", "示例省")])
    handle, written = xlsx_tempfile(Export(filename="bench.xlsx", tables=[table]))
    seconds = time.perf_counter() - started
    size = handle.seek(0, 2)
    handle.close()
    return [
        {
            "benchmark": "export_xlsx",
            "rows": written,
            "seconds": round(seconds, 1),
            "file_mb": round(size / 2**20, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _setup()
    step = sys.argv[1]
    outcome = {"prepare": prepare, "measure": measure, "export": export}[step]()
    for line in outcome if isinstance(outcome, list) else [outcome]:
        print(json.dumps(line, ensure_ascii=False), flush=True)
