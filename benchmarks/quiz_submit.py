"""200 cadres submitting a 50-question quiz at the same moment, on PostgreSQL.

Each of 200 cadres starts an attempt and autosaves all 50 answers beforehand (the real
services: attempt_start, answer_save). Then 200 threads, released together by a barrier,
each submit their own attempt (attempt_submit), while 20 more threads send a second submit of
20 of those attempts with one answer changed (a double tap / retry racing the first). Reported:
submits per second and p50/p95 latency from release to return. Afterwards every attempt must
be SUBMITTED once, with one Answer per question, stored marks and totals equal to a fresh
regrade, and the two submits of a doubled attempt returning the same graded result.

PostgreSQL allows a limited number of connections, so the threads share a pool of at most
BENCH_QUIZ_CONNECTIONS (default 80) connections, as an application server would; the latency
includes waiting for one. The database, jianbing_quizbench_<pid>, is created, migrated and
dropped here. Environment: BENCH_POSTGRES_SERVER (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
CADRES = 200
QUESTIONS = 50
DUPLICATES = 20
CONNECTIONS = int(os.environ.get("BENCH_QUIZ_CONNECTIONS", 80))
NAME = "quiz_submit"


def run() -> dict:
    try:
        import psycopg
        from psycopg import sql
    except ImportError as error:
        return {"benchmark": NAME, "error": f"psycopg missing: {error}"}
    dbname = f"jianbing_quizbench_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except Exception as error:  # noqa: BLE001 - reported as the result
        return {"benchmark": NAME, "error": f"PostgreSQL not reachable at {SERVER}: {error}".strip()}
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        try:
            env = {**os.environ, "DATABASE_URL": f"{SERVER}/{dbname}", "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.quiz_submit", "measure"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"benchmark": NAME, "error": f"measurement failed:\n{done.stderr[-3000:]}"}
    return lines[-1]


# ---------------------------------------------------------------------------- in the child process


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _valid_id_number(serial: int) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = f"110101{1980 + serial // 1000:04d}0307{serial % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _make_quiz():
    """50 questions (single, multiple, true/false, fill-in in turn) in one published, open quiz."""
    from quizzes.models import Option, Question, QuestionBank, Quiz, QuizQuestion

    bank = QuestionBank.objects.create(name="压测题库")
    kinds = ["single", "multiple", "true_false", "fill_in"]
    questions = []
    for number in range(QUESTIONS):
        kind = kinds[number % len(kinds)]
        question = Question.objects.create(
            bank=bank,
            kind=kind,
            stem=f"<p>第{number + 1}题</p>",
            points=2 if kind == "multiple" else 1,
            partial_credit=kind == "multiple",
            true_false_answer=True if kind == "true_false" else None,
            accepted_answers="乡村振兴\n振兴乡村" if kind == "fill_in" else "",
            explanation="解析",
        )
        if kind in ("single", "multiple"):
            correct = {0} if kind == "single" else {0, 2}
            for index, text in enumerate(["甲", "乙", "丙", "丁"]):
                Option.objects.create(question=question, text=text, is_correct=index in correct, sort_order=index)
        questions.append(question)
    quiz = Quiz.objects.create(title="压测结业测验", is_published=True, pass_percent=60)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    return quiz, {q.pk: q.kind for q in questions}


def _make_cadres():
    from django.contrib.auth import get_user_model

    from cadres.models import Cadre, CadreCategory, Gender, OrgUnit, UnitLevel

    unit = OrgUnit.add_root(code="QB01", name="压测县", level=UnitLevel.COUNTY)
    users = get_user_model().objects.bulk_create(get_user_model()(username=f"quizbench{i}") for i in range(CADRES))
    return Cadre.objects.bulk_create(
        Cadre(
            user=user,
            name=f"干部{i}",
            gender=Gender.MALE,
            id_number=_valid_id_number(i),
            phone=f"139{i:08d}",
            unit=unit,
            category=CadreCategory.FIRST_SECRETARY,
        )
        for i, user in enumerate(users)
    )


def _answer(rng, kind: str, options: list[int]):
    """A plausible answer: right about two times in three (options in id order are A, B, C, D)."""
    right = rng.random() < 0.67
    options = sorted(options)
    if kind == "single":
        return options[0] if right else rng.choice(options[1:])
    if kind == "multiple":
        return [options[0], options[2]] if right else rng.sample(options, rng.randint(1, 3))
    if kind == "true_false":
        return "true" if right else "false"
    return "乡村振兴" if right else "共同富裕"


def _threads(calls, *, barrier=None, pool=None) -> list:
    """Run each call in its own thread; with a barrier they start together. Returns (result, start, end)."""
    import threading

    from django.db import connection

    results = [None] * len(calls)

    def work(index, call):
        try:
            if barrier is not None:
                barrier.wait()
            started = time.perf_counter()
            if pool is not None:
                pool.acquire()
            try:
                results[index] = (call(), started, time.perf_counter())
            finally:
                connection.close()
                if pool is not None:
                    pool.release()
        except Exception as error:  # noqa: BLE001 - checked by the caller
            results[index] = (error, None, time.perf_counter())

    threads = [threading.Thread(target=work, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _prepare(quiz, kinds, cadres) -> dict[int, int]:
    """Start every attempt and autosave all its answers, a few cadres at a time. Returns attempt id → cadre."""
    import random
    import threading

    from quizzes import services

    pool = threading.BoundedSemaphore(16)

    def prepare(index, cadre):
        def call():
            rng = random.Random(index)
            attempt = services.attempt_start(quiz=quiz, cadre=cadre)
            for question_id in attempt.question_ids:
                value = _answer(rng, kinds[question_id], attempt.option_order(question_id))
                services.answer_save(attempt=attempt, cadre=cadre, question_id=question_id, value=value)
            return attempt.pk

        return call

    results = _threads([prepare(i, c) for i, c in enumerate(cadres)], pool=pool)
    failed = [r[0] for r in results if isinstance(r[0], Exception)]
    if failed:
        raise RuntimeError(f"{len(failed)} attempts could not be prepared: {failed[0]!r}")
    return {result: cadre for (result, _, _), cadre in zip(results, cadres, strict=True)}


def _verify(attempt_ids, duplicated, outcomes, kinds) -> dict:
    from django.db.models import Count

    from quizzes import grading, selectors
    from quizzes.models import Answer, Attempt, AttemptStatus

    attempts = {a.pk: a for a in Attempt.objects.filter(pk__in=attempt_ids)}
    answers: dict[int, list] = {}
    for answer in Answer.objects.filter(attempt_id__in=attempt_ids):
        answers.setdefault(answer.attempt_id, []).append(answer)
    keys = selectors.answer_keys(kinds)
    problems = []
    counts = (
        Answer.objects.filter(attempt_id__in=attempt_ids).values("attempt_id", "question_id").annotate(n=Count("id"))
    )
    if any(row["n"] != 1 for row in counts):
        problems.append("an attempt holds two answers to one question")
    for pk in attempt_ids:
        attempt = attempts.get(pk)
        if attempt is None:
            problems.append(f"attempt {pk} lost")
            continue
        if attempt.status != AttemptStatus.SUBMITTED or attempt.finished_at is None:
            problems.append(f"attempt {pk} is {attempt.status}")
            continue
        saved = {a.question_id: a for a in answers.get(pk, [])}
        if sorted(saved) != sorted(attempt.question_ids) or len(saved) != QUESTIONS:
            problems.append(f"attempt {pk} has {len(saved)} answers")
            continue
        regrade = grading.grade_paper(keys, {qid: a.value for qid, a in saved.items()})
        if (attempt.score, attempt.max_score, attempt.percent) != (
            regrade.score,
            regrade.max_score,
            grading.percent_of(regrade.score, regrade.max_score),
        ):
            problems.append(f"attempt {pk} scored {attempt.score}, regrade gives {regrade.score}")
        if any((a.outcome, a.score) != (regrade.marks[q].outcome, regrade.marks[q].score) for q, a in saved.items()):
            problems.append(f"attempt {pk} has answer marks differing from a regrade")
        # Every submit of an attempt must return the one graded result stored.
        returned = {(r.finished_at, r.score) for r in outcomes.get(pk, [])}
        if returned != {(attempt.finished_at, attempt.score)}:
            problems.append(f"attempt {pk}: submits returned {len(returned)} different results")
    doubled_once = sum(1 for pk in duplicated if len(outcomes.get(pk, [])) == 2)
    if doubled_once != len(duplicated):
        problems.append(f"only {doubled_once} of {len(duplicated)} doubled attempts returned twice")
    return {"ok": not problems, "problems": problems[:10]}


def measure() -> dict:
    import threading

    from django.core.management import call_command
    from django.db import connection

    from quizzes import services
    from quizzes.models import Attempt

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int, (SELECT count(*) FROM pg_stat_activity)")
        max_connections, in_use = cursor.fetchone()
    pool_size = max(1, min(CONNECTIONS, max_connections - in_use - 10))

    quiz, kinds = _make_quiz()
    cadres = _make_cadres()
    started = time.perf_counter()
    by_attempt = _prepare(quiz, kinds, cadres)
    prepare_seconds = time.perf_counter() - started
    connection.close()

    attempt_ids = list(by_attempt)
    duplicated = attempt_ids[:: CADRES // DUPLICATES][:DUPLICATES]
    changed = {}  # the duplicate sends one answer different from the one saved
    for pk in duplicated:
        attempt = Attempt.objects.get(pk=pk)
        question_id = next(q for q in attempt.question_ids if kinds[q] == "true_false")
        changed[pk] = {question_id: "false"}
    connection.close()

    def submit(pk, answers=None):
        return lambda: services.attempt_submit(
            attempt=Attempt.objects.get(pk=pk), cadre=by_attempt[pk], answers=answers
        )

    calls = [submit(pk) for pk in attempt_ids] + [submit(pk, changed[pk]) for pk in duplicated]
    barrier = threading.Barrier(len(calls))
    pool = threading.BoundedSemaphore(pool_size)
    results = _threads(calls, barrier=barrier, pool=pool)

    errors = [r[0] for r in results if isinstance(r[0], Exception)]
    release = min(r[1] for r in results if r[1] is not None)
    last = max(r[2] for r in results)
    firsts = results[: len(attempt_ids)]
    latencies = [1000 * (end - start) for result, start, end in firsts if start is not None]
    outcomes: dict[int, list] = {}
    for result, _, _ in results:
        if isinstance(result, Attempt):
            outcomes.setdefault(result.pk, []).append(result)
    check = _verify(attempt_ids, duplicated, outcomes, kinds)
    if errors:
        check["ok"] = False
        check["problems"].insert(0, f"{len(errors)} submits raised, e.g. {errors[0]!r}")
    return {
        "benchmark": NAME,
        "backend": "postgresql",
        "submits": len(attempt_ids),
        "duplicate_submits": len(duplicated),
        "questions": QUESTIONS,
        "connections": pool_size,
        "seconds": round(last - release, 3),
        "submits_per_second": round(len(attempt_ids) / (last - release), 1),
        "p50_ms": round(_percentile(latencies, 0.50), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "prepare_seconds": round(prepare_seconds, 1),
        "verified": check["ok"],
        "problems": check["problems"],
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps({"measure": measure}[sys.argv[1]](), ensure_ascii=False), flush=True)
