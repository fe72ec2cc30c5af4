"""Per-ancestor rollups of the summary rows, kept by delta so a dashboard reads a few rows per child unit.

Every active cadre's year summary adds to the `UnitYearRollup` and `UnitDueRollup` rows of its
unit and of every unit above it, and each completed required course to a `UnitWeekRollup` row.
`summaries_refresh` reads a cadre's rows before replacing them, so the change to the rollups
is "new contributions minus old", applied with one upsert per table in the same transaction:
the rollups move exactly when the summaries do, whatever moved (a completion, a unit change,
a requirement). `rollups_rebuild` recomputes them from the summary rows, grouped in the database.

A contribution is keyed by the cadre's own unit path; `_expand` spreads it to the ancestors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from cadres.models import OrgUnit
from reports.models import CadreCourseSummary, CadreYearSummary, UnitDueRollup, UnitWeekRollup, UnitYearRollup

STEP = OrgUnit.steplen
KEY = ("unit_path", "year", "category", "rank")
YEAR_SUMS = ("cadres", "required", "completed", "on_time", "placed", "trained", "quizzes_taken", "quizzes_passed")
# What each rollup table is keyed by beyond KEY, and the counters it adds up.
TABLES = {
    UnitYearRollup: ("tenths", YEAR_SUMS),
    UnitDueRollup: ("next_due", ("cadres",)),
    UnitWeekRollup: ("week", ("completions",)),
}
# Positions in the summary tuples (reports.summaries.YEAR_COLUMNS and COURSE_COLUMNS).
YEAR_FIELDS = (
    "cadre_id", "year", "unit_id", "unit_path", "category", "rank", "active", "required", "completed", "on_time",
    "next_due", "hours", "seats", "trained", "sessions_marked", "sessions_attended", "quizzes_taken", "quizzes_passed",
)  # fmt: skip
COURSE_FIELDS = (
    "cadre_id", "course_id", "year", "unit_id", "unit_path", "category", "rank", "active", "due_date", "started",
    "seconds_studied", "completed_at", "on_time", "quiz_percent", "quiz_passed",
)  # fmt: skip
_Y = {name: i for i, name in enumerate(YEAR_FIELDS)}
_C = {name: i for i, name in enumerate(COURSE_FIELDS)}

Contributions = dict[type, dict[tuple, list[int]]]


def tenths(hours: Decimal) -> int:
    return int((Decimal(hours) * 10).to_integral_value())


def hours_of(tenths_value: int) -> Decimal:
    """The bucket back as hours with one decimal (20 → 2.0)."""
    return Decimal(tenths_value).scaleb(-1)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _zeros(width: int):
    return lambda: [0] * width


def empty() -> Contributions:
    return {model: defaultdict(_zeros(len(sums))) for model, (_extra, sums) in TABLES.items()}


def add_year_rows(into: Contributions, rows: Iterable[Sequence], sign: int = 1) -> None:
    """Add (or with sign -1 take away) what year summary tuples contribute at their own unit."""
    year_table, due_table = into[UnitYearRollup], into[UnitDueRollup]
    for row in rows:
        if not row[_Y["active"]]:
            continue
        key = (row[_Y["unit_path"]], row[_Y["year"]], row[_Y["category"]], row[_Y["rank"]])
        sums = year_table[(*key, tenths(row[_Y["hours"]]))]
        sums[0] += sign
        sums[1] += sign * row[_Y["required"]]
        sums[2] += sign * row[_Y["completed"]]
        sums[3] += sign * row[_Y["on_time"]]
        sums[4] += sign * (row[_Y["seats"]] > 0)
        sums[5] += sign * (row[_Y["trained"]] > 0)
        sums[6] += sign * row[_Y["quizzes_taken"]]
        sums[7] += sign * row[_Y["quizzes_passed"]]
        if row[_Y["next_due"]] is not None:
            due_table[(*key, row[_Y["next_due"]])][0] += sign


def add_course_rows(into: Contributions, rows: Iterable[Sequence], sign: int = 1) -> None:
    """Add (or take away) the completions of course summary tuples, by local week."""
    week_table = into[UnitWeekRollup]
    for row in rows:
        completed_at = row[_C["completed_at"]]
        if completed_at is None or not row[_C["active"]]:
            continue
        key = (row[_C["unit_path"]], row[_C["year"]], row[_C["category"]], row[_C["rank"]])
        week_table[(*key, week_of(timezone.localdate(completed_at)))][0] += sign


def ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def _expand(contributions: Contributions) -> Contributions:
    """Each own-unit contribution added to the unit and every unit above it; zero changes dropped."""
    expanded = empty()
    for model, table in contributions.items():
        target = expanded[model]
        for (path, *rest), sums in table.items():
            if not any(sums):
                continue
            for ancestor in ancestors(path):
                totals = target[(ancestor, *rest)]
                for i, value in enumerate(sums):
                    totals[i] += value
    for table in expanded.values():
        for key in [key for key, sums in table.items() if not any(sums)]:
            del table[key]
    return expanded


def _columns(model) -> tuple[list[str], list[str]]:
    extra, sums = TABLES[model]
    return [*KEY, extra], list(sums)


def rollups_apply(*, old: Contributions, new: Contributions) -> None:
    """Move the rollups by new − old: one upsert per table that changed, in a fixed key order."""
    delta = empty()
    for source, sign in ((new, 1), (old, -1)):
        for model, table in source.items():
            for key, sums in table.items():
                totals = delta[model][key]
                for i, value in enumerate(sums):
                    totals[i] += sign * value
    for model, table in _expand(delta).items():
        if not table:
            continue
        keys, sums = _columns(model)
        quote = connection.ops.quote_name
        name = quote(model._meta.db_table)
        columns = ", ".join(quote(c) for c in (*keys, *sums))
        placeholders = ", ".join(["%s"] * (len(keys) + len(sums)))
        updates = ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in sums)
        sql = (
            f"INSERT INTO {name} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(quote(c) for c in keys)}) DO UPDATE SET {updates}"
        )
        date_column = keys[-1] != "tenths"
        rows = []
        for key in sorted(table):
            values = list(key) + table[key]
            if date_column:
                values[len(KEY)] = connection.ops.adapt_datefield_value(values[len(KEY)])
            rows.append(values)
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


# ---------------------------------------------------------------------------- rebuild


def contributions_from_database() -> Contributions:
    """What the summary rows contribute at their own units, grouped in the database (for a rebuild)."""
    found = empty()
    years = CadreYearSummary.objects.filter(active=True)
    for row in (
        years.values(*KEY, "hours")
        .annotate(
            n=Count("pk"),
            s_required=Sum("required"),
            s_completed=Sum("completed"),
            s_on_time=Sum("on_time"),
            n_placed=Count("pk", filter=Q(seats__gt=0)),
            n_trained=Count("pk", filter=Q(trained__gt=0)),
            s_taken=Sum("quizzes_taken"),
            s_passed=Sum("quizzes_passed"),
        )
        .order_by()
    ):
        sums = found[UnitYearRollup][(*(row[k] for k in KEY), tenths(row["hours"]))]
        for i, name in enumerate(
            ("n", "s_required", "s_completed", "s_on_time", "n_placed", "n_trained", "s_taken", "s_passed")
        ):
            sums[i] += row[name]
    for row in years.filter(next_due__isnull=False).values(*KEY, "next_due").annotate(n=Count("pk")).order_by():
        found[UnitDueRollup][(*(row[k] for k in KEY), row["next_due"])][0] += row["n"]
    for row in (
        CadreCourseSummary.objects.filter(active=True, completed_at__isnull=False)
        .annotate(day=TruncDate("completed_at"))
        .values(*KEY, "day")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        found[UnitWeekRollup][(*(row[k] for k in KEY), week_of(row["day"]))][0] += row["n"]
    return found


INSERT_BATCH = 1000


@transaction.atomic
def rollups_rebuild() -> int:
    """Replace every rollup row by the totals of the summary rows. Returns the rows written.

    On PostgreSQL the rollup tables are locked first: a write that has already moved them
    commits before the summaries are read, and one that has not waits and then applies its
    delta to the rebuilt rows.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(quote(model._meta.db_table) for model in TABLES)
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        for model in TABLES:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
    written = 0
    for model, table in _expand(contributions_from_database()).items():
        keys, sums = _columns(model)
        name = quote(model._meta.db_table)
        columns = ", ".join(quote(c) for c in (*keys, *sums))
        sql = f"INSERT INTO {name} ({columns}) VALUES ({', '.join(['%s'] * (len(keys) + len(sums)))})"
        date_column = keys[-1] != "tenths"
        rows = []
        for key, values in table.items():
            row = [*key, *values]
            if date_column:
                row[len(KEY)] = connection.ops.adapt_datefield_value(row[len(KEY)])
            rows.append(row)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), INSERT_BATCH):
                cursor.executemany(sql, rows[start : start + INSERT_BATCH])
        written += len(rows)
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
    return written
