"""Computing the summary rows from the raw records, for a few cadres or for everyone.

One function, `summaries_refresh`, decides every number, in a fixed number of queries per chunk
of cadres: the write hooks call it for the one cadre a write touched, `rebuild_summaries` calls
it for the whole roster. So an incremental row and a rebuilt row can only differ if a write
path forgot its hook, which is what tests/reports/test_summaries.py checks.

Which rows exist: every cadre gets a row for the current year, for each year with a requirement
that binds it, and for each year it has activity in (credits, seats, attendance, finished
attempts). A new year's rows for everyone else appear with the nightly rebuild.

Each refresh also moves the per-ancestor rollups (reports.rollups) by the difference between
the rows it replaces and the rows it writes; a full rebuild recomputes them at the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cadres.models import Cadre
from courses import due_dates
from courses.models import CourseProgress, CreditEntry, Requirement
from courses.selectors import ancestor_paths
from courses.selectors import grace_days as grace_days_setting
from quizzes.models import Attempt, AttemptStatus
from quizzes.selectors import standing_from_attempts
from reports import rollups
from reports.models import CadreCourseSummary, CadreYearSummary
from rotations.models import Attendance, AttendanceStatus, Outcome, Seat

CHUNK = 2000
ATTENDED = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY}


@dataclass(frozen=True)
class RequirementRow:
    pk: int
    course_id: int
    unit_path: str
    categories: tuple[str, ...]
    year: int
    due_date: date
    cadre_id: int | None = None  # a personal requirement binds this cadre alone
    created_on: date | None = None  # a cadre who joined after this gets the grace period


def load_requirements() -> list[RequirementRow]:
    """Every requirement on a live course, earliest due date first (the order that decides ties)."""
    rows = (
        Requirement.objects.filter(course__live=True)
        .order_by("due_date", "pk")
        .values_list("pk", "course_id", "unit__path", "categories", "year", "due_date", "cadre_id", "created_at")
    )
    return [
        RequirementRow(pk, course, path, tuple(cats or ()), year, due, cadre, _local_date(created))
        for pk, course, path, cats, year, due, cadre, created in rows
    ]


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


class RequirementIndex:
    """Requirements by unit path, answering 'which courses bind this cadre in which year, due when?'.

    Same rule as courses.selectors.requirements_for_cadre: a requirement on the unit or any unit
    above it, matching the category; one per course and year, the earliest due date winning; the
    winner's date then goes through courses.due_dates for the cadre's own join date.
    """

    def __init__(self, requirements: Sequence[RequirementRow], *, grace_days: int | None = None) -> None:
        self.grace_days = grace_days_setting() if grace_days is None else grace_days
        self.by_path: dict[str, list[RequirementRow]] = defaultdict(list)
        self.by_cadre: dict[int, list[RequirementRow]] = defaultdict(list)
        for requirement in requirements:
            if requirement.cadre_id is None:
                self.by_path[requirement.unit_path].append(requirement)
            else:
                self.by_cadre[requirement.cadre_id].append(requirement)
        self._cache: dict[tuple[str, str], dict[int, dict[int, RequirementRow]]] = {}

    def for_cadre(
        self, unit_path: str, category: str, cadre_id: int | None = None, joined: date | None = None
    ) -> dict[int, dict[int, date]]:
        """{year: {course id: due date}}, with the cadre's personal requirements merged in and the
        grace period of a cadre who `joined` after the winning requirement was made."""
        chosen = {year: dict(courses) for year, courses in self._shared(unit_path, category).items()}
        for r in self.by_cadre.get(cadre_id, ()) if cadre_id is not None else ():
            courses = chosen.setdefault(r.year, {})
            current = courses.get(r.course_id)
            if current is None or (r.due_date, r.pk) < (current.due_date, current.pk):
                courses[r.course_id] = r
        return {
            year: {course_id: self._due(r, joined) for course_id, r in courses.items()}
            for year, courses in chosen.items()
        }

    def _due(self, requirement: RequirementRow, joined: date | None) -> date:
        return due_dates.cadre_due_date(
            due=requirement.due_date,
            requirement_created=requirement.created_on,
            joined=joined,
            grace_days=self.grace_days,
            personal=requirement.cadre_id is not None,
        )

    def _shared(self, unit_path: str, category: str) -> dict[int, dict[int, RequirementRow]]:
        key = (unit_path, category)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        candidates = [r for path in ancestor_paths(unit_path) for r in self.by_path.get(path, ())]
        candidates.sort(key=lambda r: (r.due_date, r.pk))
        result: dict[int, dict[int, RequirementRow]] = defaultdict(dict)
        for r in candidates:
            if (not r.categories or category in r.categories) and r.course_id not in result[r.year]:
                result[r.year][r.course_id] = r
        self._cache[key] = result = dict(result)
        return result


def _local_year(moment: datetime) -> int:
    return timezone.localtime(moment).year


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def summaries_refresh(
    *,
    cadre_ids: Iterable[int],
    requirements: RequirementIndex | None = None,
    today: date | None = None,
    update_rollups: bool = True,
) -> int:
    """Recompute and replace every summary row of these cadres, moving the rollups by the difference.

    `update_rollups=False` leaves the rollups alone, for a full rebuild that recomputes them at the end.
    Returns the number of cadres done.
    """
    requirements = requirements or RequirementIndex(load_requirements())
    today = today or timezone.localdate()
    done = 0
    for chunk in _chunks(cadre_ids, CHUNK):
        with transaction.atomic():
            done += _refresh_chunk(chunk, requirements, today, with_rollups=update_rollups)
    return done


def _refresh_chunk(ids: list[int], requirements: RequirementIndex, today: date, *, with_rollups: bool) -> int:
    # Locking the cadres serialises two refreshes of one cadre, so each reads the rows the
    # other wrote and the rollups move by each change once.
    cadres = list(
        Cadre.objects.filter(pk__in=ids)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "unit_id", "unit__path", "category", "rank", "active", "user__date_joined")
    )
    old = rollups.empty()
    if with_rollups:
        rollups.add_year_rows(old, CadreYearSummary.objects.filter(cadre_id__in=ids).values_list(*YEAR_COLUMNS))
        rollups.add_course_rows(
            old,
            CadreCourseSummary.objects.filter(cadre_id__in=ids, completed_at__isnull=False, active=True).values_list(
                *COURSE_COLUMNS
            ),
        )
    progress = {
        (cadre_id, course_id): (seconds, completed_at)
        for cadre_id, course_id, seconds, completed_at in CourseProgress.objects.filter(cadre_id__in=ids).values_list(
            "cadre_id", "course_id", "seconds_studied", "completed_at"
        )
    }
    hours: dict[tuple[int, int], Decimal] = {
        (row["cadre_id"], row["year"]): row["total"]
        for row in CreditEntry.objects.filter(cadre_id__in=ids).values("cadre_id", "year").annotate(total=Sum("hours"))
    }
    seats: dict[tuple[int, int], list[str]] = defaultdict(list)
    for cadre_id, starts_on, outcome in Seat.objects.filter(cadre_id__in=ids).values_list(
        "cadre_id", "batch__starts_on", "outcome"
    ):
        seats[(cadre_id, starts_on.year)].append(outcome)
    marks: dict[tuple[int, int], list[str]] = defaultdict(list)
    for cadre_id, day, status in Attendance.objects.filter(cadre_id__in=ids).values_list(
        "cadre_id", "session__date", "status"
    ):
        marks[(cadre_id, day.year)].append(status)
    attempts: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    quizzes = {}
    for attempt in (
        Attempt.objects.filter(cadre_id__in=ids)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("quiz")
        .only("pk", "cadre_id", "number", "status", "percent", "passed", "pending_grading", "finished_at", "quiz")
    ):
        attempts[(attempt.cadre_id, attempt.quiz_id)].append(attempt)
        quizzes[attempt.quiz_id] = attempt.quiz
    # (cadre, year) -> [taken, passed]; (cadre, course) -> (percent, passed) of its final test
    quiz_years: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    final_tests: dict[tuple[int, int], tuple[Decimal | None, bool]] = {}
    for (cadre_id, quiz_id), tries in attempts.items():
        quiz = quizzes[quiz_id]
        standing = standing_from_attempts(quiz, tries)
        year = _local_year(max(a.finished_at for a in tries if a.finished_at))
        quiz_years[(cadre_id, year)][0] += 1
        quiz_years[(cadre_id, year)][1] += int(standing.passed)
        if quiz.course_id and quiz.is_published:
            final_tests[(cadre_id, quiz.course_id)] = (standing.final_percent, standing.passed)

    activity_years: dict[int, set[int]] = defaultdict(set)
    for mapping in (hours, seats, marks, quiz_years):
        for cadre_id, year in mapping:
            activity_years[cadre_id].add(year)

    year_rows, course_rows = [], []
    for cadre_id, unit_id, unit_path, category, rank, active, date_joined in cadres:
        required = requirements.for_cadre(unit_path, category, cadre_id, _local_date(date_joined))
        roster = (unit_id, unit_path, category, rank, active)
        for year in sorted(required.keys() | activity_years[cadre_id] | {today.year}):
            courses = required.get(year, {})
            completed = on_time = 0
            next_due = None
            for course_id, due in courses.items():
                seconds, completed_at = progress.get((cadre_id, course_id), (None, None))
                done_on_time = bool(completed_at) and timezone.localdate(completed_at) <= due
                completed += bool(completed_at)
                on_time += done_on_time
                if not completed_at and (next_due is None or due < next_due):
                    next_due = due
                quiz_percent, quiz_passed = final_tests.get((cadre_id, course_id), (None, None))
                course_rows.append(
                    (cadre_id, course_id, year, *roster, due, seconds is not None, seconds or 0, completed_at)
                    + (done_on_time, quiz_percent, quiz_passed)
                )
            year_seats = seats.get((cadre_id, year), [])
            year_marks = marks.get((cadre_id, year), [])
            taken, passed = quiz_years.get((cadre_id, year), (0, 0))
            year_rows.append(
                (cadre_id, year, *roster, len(courses), completed, on_time, next_due)
                + (
                    hours.get((cadre_id, year), Decimal(0)),
                    len(year_seats),
                    sum(1 for outcome in year_seats if outcome == Outcome.COMPLETED),
                    len(year_marks),
                    sum(1 for status in year_marks if status in ATTENDED),
                    taken,
                    passed,
                )
            )
    CadreCourseSummary.objects.filter(cadre_id__in=ids).delete()
    CadreYearSummary.objects.filter(cadre_id__in=ids).delete()
    _insert(CadreYearSummary, YEAR_COLUMNS, year_rows)
    _insert(CadreCourseSummary, COURSE_COLUMNS, course_rows)
    if with_rollups:
        new = rollups.empty()
        rollups.add_year_rows(new, year_rows)
        rollups.add_course_rows(new, course_rows)
        rollups.rollups_apply(old=old, new=new)
    return len(cadres)


ROSTER_COLUMNS = ("unit_id", "unit_path", "category", "rank", "active")
YEAR_COLUMNS = (
    "cadre_id",
    "year",
    *ROSTER_COLUMNS,
    "required",
    "completed",
    "on_time",
    "next_due",
    "hours",
    "seats",
    "trained",
) + ("sessions_marked", "sessions_attended", "quizzes_taken", "quizzes_passed")
COURSE_COLUMNS = (
    "cadre_id",
    "course_id",
    "year",
    *ROSTER_COLUMNS,
    "due_date",
    "started",
    "seconds_studied",
    "completed_at",
) + ("on_time", "quiz_percent", "quiz_passed")
INSERT_BATCH = 1000


def _insert(model, columns: Sequence[str], rows: list[tuple]) -> None:
    """A plain multi-row INSERT: bulk_create's per-value compilation is most of a rebuild's time."""
    if not rows:
        return
    fields = [model._meta.get_field(column) for column in columns]
    prepared = [
        i for i, f in enumerate(fields) if f.get_internal_type() in {"DateTimeField", "DateField", "DecimalField"}
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            if prepared:
                batch = [list(row) for row in batch]
                for row in batch:
                    for i in prepared:
                        row[i] = fields[i].get_db_prep_save(row[i], connection)
            cursor.executemany(sql, batch)


def summaries_rebuild(*, cadre_ids: Iterable[int] | None = None, progress=None) -> int:
    """Rebuild from the raw records: everyone (the default) or the given cadres.

    `progress(done, total)` is called after each chunk.
    """
    requirements = RequirementIndex(load_requirements())
    if cadre_ids is None:
        ids = list(Cadre.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(cadre_ids))
    everyone = cadre_ids is None
    done = 0
    for chunk in _chunks(ids, CHUNK):
        done += summaries_refresh(cadre_ids=chunk, requirements=requirements, update_rollups=not everyone)
        if progress:
            progress(done, len(ids))
    if everyone:
        # Everyone's rows are new: summing them once beats a delta per chunk, and also
        # removes the rows whose counts fell to zero since the last rebuild.
        rollups.rollups_rebuild()
        # Fresh statistics let the planner pick the right index for each report query
        # (SQLite has none at all until ANALYZE runs).
        with connection.cursor() as cursor:
            for model in (CadreYearSummary, CadreCourseSummary):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return done


def course_study_set(*, cadre_id: int, course_id: int, seconds: int) -> int:
    """Only study changed (a course begun, or seconds added): the course rows' two columns follow
    (one UPDATE). Neither counts in the year summaries or the rollups, so nothing else moves."""
    return CadreCourseSummary.objects.filter(cadre_id=cadre_id, course_id=course_id).update(
        started=True, seconds_studied=seconds
    )
