"""Reads for the reports. Each function makes a fixed number of queries, whatever the tree's size.

Numbers come from the summary rows (reports.models), grouped by a prefix of the unit path: the
rows of a child unit's subtree share the first `len(base) + steplen` characters of their path.
Lists of people (overdue, cadre record) check the cadre's real unit, not the summary's copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from cadres.models import Cadre, OrgUnit
from cadres.roles import ADMINISTRATOR_GROUP, Scope
from courses.models import CoursePage, CreditEntry, YearlyTarget
from courses.selectors import DEFAULT_YEARLY_HOURS, ancestor_paths
from quizzes.models import Attempt, AttemptStatus
from reports import rollups
from reports.models import (
    ApiToken,
    CadreCourseSummary,
    CadreYearSummary,
    UnitDueRollup,
    UnitWeekRollup,
    UnitYearRollup,
)
from rotations.models import Attendance, AttendanceStatus, Batch, Outcome, Programme, Seat

STEP = OrgUnit.steplen
TREND_WEEKS = 12


@dataclass(frozen=True)
class Filters:
    """What a report is narrowed to. `unit` None means the whole tree (administrators only)."""

    year: int
    unit: OrgUnit | None = None
    category: str = ""
    rank: str = ""
    course: CoursePage | None = None
    programme: Programme | None = None

    @property
    def path(self) -> str:
        return self.unit.path if self.unit else ""


def _narrow(qs: QuerySet, filters: Filters, *, path_field: str = "unit_path", prefix: str = "") -> QuerySet:
    lookups = {f"{prefix}active": True}
    if filters.path:
        lookups[f"{path_field}__startswith"] = filters.path
    if filters.category:
        lookups[f"{prefix}category"] = filters.category
    if filters.rank:
        lookups[f"{prefix}rank"] = filters.rank
    return qs.filter(**lookups)


def year_rows(filters: Filters) -> QuerySet[CadreYearSummary]:
    return _narrow(CadreYearSummary.objects.filter(year=filters.year), filters)


def course_rows(filters: Filters) -> QuerySet[CadreCourseSummary]:
    qs = _narrow(CadreCourseSummary.objects.filter(year=filters.year), filters)
    return qs.filter(course=filters.course) if filters.course else qs


def targets_by_category(year: int) -> dict[str, Decimal]:
    """Yearly credit-hour targets by category (a year-specific target beats the all-years one)."""
    targets: dict[str, Decimal] = {}
    for category, target_year, hours in (
        YearlyTarget.objects.filter(Q(year=year) | Q(year__isnull=True))
        .order_by("category", "-year")
        .values_list("category", "year", "hours")
    ):
        if category not in targets or target_year is not None:
            targets[category] = hours
    return targets


# ---------------------------------------------------------------------------- completion


@dataclass
class Completion:
    """The numbers of one unit's subtree (or of the whole selection, for the total row)."""

    key: str
    label: str
    unit: OrgUnit | None = None
    cadres: int = 0
    required: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    hours_total: Decimal = Decimal(0)
    target_total: Decimal = Decimal(0)
    met: int = 0
    placed: int = 0
    trained: int = 0
    quizzes_taken: int = 0
    quizzes_passed: int = 0
    hours_counts: dict[Decimal, int] = field(default_factory=dict)

    @staticmethod
    def _rate(part, whole) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def completion_rate(self) -> float | None:
        return self._rate(self.completed, self.required)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time, self.required)

    @property
    def met_rate(self) -> float | None:
        return self._rate(self.met, self.cadres)

    @property
    def quiz_pass_rate(self) -> float | None:
        return self._rate(self.quizzes_passed, self.quizzes_taken)

    @property
    def not_placed(self) -> int:
        return max(0, self.cadres - self.placed)

    @property
    def placed_not_trained(self) -> int:
        return max(0, self.placed - self.trained)

    @property
    def trained_rate(self) -> float | None:
        return self._rate(self.trained, self.cadres)

    @property
    def average_hours(self) -> Decimal | None:
        return (self.hours_total / self.cadres).quantize(Decimal("0.1")) if self.cadres else None

    @property
    def average_target(self) -> Decimal | None:
        return (self.target_total / self.cadres).quantize(Decimal("0.1")) if self.cadres else None

    @property
    def median_hours(self) -> Decimal | None:
        return weighted_median(self.hours_counts)

    def add(self, other: Completion, sign: int = 1) -> None:
        for name in (
            "cadres", "required", "completed", "on_time", "overdue", "hours_total", "target_total", "met",
            "placed", "trained", "quizzes_taken", "quizzes_passed",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))
        for hours, count in other.hours_counts.items():
            left = self.hours_counts.get(hours, 0) + sign * count
            if left:
                self.hours_counts[hours] = left
            else:
                self.hours_counts.pop(hours, None)

    def subtract(self, other: Completion) -> None:
        self.add(other, sign=-1)


def weighted_median(counts: dict[Decimal, int]) -> Decimal | None:
    """The median of values given as {value: how many times}; the lower middle for an even count."""
    total = sum(counts.values())
    if not total:
        return None
    middle = (total + 1) // 2
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= middle:
            return value
    return None  # pragma: no cover


@dataclass
class Dashboard:
    filters: Filters
    today: date
    rows: list[Completion]
    total: Completion
    trend: list[tuple[date, int]]

    @property
    def trend_max(self) -> int:
        return max((n for _, n in self.trend), default=0)


def child_units(filters: Filters) -> list[OrgUnit]:
    """The units one level below the selection (the roots, for the whole tree)."""
    if filters.unit is None:
        return list(OrgUnit.objects.filter(depth=1).order_by("path"))
    return list(OrgUnit.objects.filter(path__startswith=filters.path, depth=filters.unit.depth + 1).order_by("path"))


def _met_from(targets: dict[str, Decimal]):
    """category → the smallest bucket (hours × 10) meeting that category's target."""
    thresholds = {category: math.ceil(hours * 10) for category, hours in targets.items()}
    default = math.ceil(DEFAULT_YEARLY_HOURS * 10)
    return lambda category: thresholds.get(category, default)


def _rollups(model, filters: Filters, paths: list[str]) -> QuerySet:
    lookups = {"year": filters.year, "unit_path__in": paths}
    if filters.category:
        lookups["category"] = filters.category
    if filters.rank:
        lookups["rank"] = filters.rank
    return model.objects.filter(**lookups)


def subtree_completion(filters: Filters, *, paths: list[str], today: date) -> dict[str, Completion]:
    """Every figure of the dashboard for the whole subtree of each unit path, from the rollups.

    Two grouped queries over a few rows per unit, whatever the number of cadres: the year
    buckets (per category, for the targets) and the cadres whose next due date has passed.
    """
    if not paths:
        return {}
    targets = targets_by_category(filters.year)
    threshold = _met_from(targets)
    result = {path: Completion(key=path, label="") for path in paths}
    sums = {f"s_{name}": Sum(name) for name in rollups.YEAR_SUMS}
    for row in (
        _rollups(UnitYearRollup, filters, paths).values("unit_path", "category", "tenths").annotate(**sums).order_by()
    ):
        item, cadres, bucket = result[row["unit_path"]], row["s_cadres"], row["tenths"]
        if not cadres:
            continue
        item.cadres += cadres
        item.required += row["s_required"]
        item.completed += row["s_completed"]
        item.on_time += row["s_on_time"]
        item.placed += row["s_placed"]
        item.trained += row["s_trained"]
        item.quizzes_taken += row["s_quizzes_taken"]
        item.quizzes_passed += row["s_quizzes_passed"]
        item.hours_total += rollups.hours_of(bucket * cadres)
        item.target_total += targets.get(row["category"], DEFAULT_YEARLY_HOURS) * cadres
        item.met += cadres if bucket >= threshold(row["category"]) else 0
        hours = rollups.hours_of(bucket)
        item.hours_counts[hours] = item.hours_counts.get(hours, 0) + cadres
    for row in (
        _rollups(UnitDueRollup, filters, paths)
        .filter(next_due__lt=today)
        .values("unit_path")
        .annotate(n=Sum("cadres"))
        .order_by()
    ):
        result[row["unit_path"]].overdue += row["n"]
    return result


def _narrow_to_course_or_programme(
    result: dict[str, Completion], filters: Filters, *, prefix_length: int, today: date
) -> None:
    """With a course chosen, its own figures replace the all-courses ones; with a programme, its seats do.

    These read the per-cadre rows (the rollups know neither), grouped by a prefix of the unit path.
    """
    if filters.course:
        for item in result.values():
            item.required = item.completed = item.on_time = item.overdue = 0
            item.quizzes_taken = item.quizzes_passed = 0
        for row in (
            course_rows(filters)
            .annotate(prefix=Substr("unit_path", 1, prefix_length))
            .values("prefix")
            .annotate(
                n_required=Count("pk"),
                n_completed=Count("pk", filter=Q(completed_at__isnull=False)),
                n_on_time=Count("pk", filter=Q(on_time=True)),
                n_overdue=Count("pk", filter=Q(completed_at__isnull=True, due_date__lt=today)),
                n_quizzes_taken=Count("pk", filter=Q(quiz_passed__isnull=False)),
                n_quizzes_passed=Count("pk", filter=Q(quiz_passed=True)),
            )
            .order_by()
        ):
            item = result.setdefault(row["prefix"], Completion(key=row["prefix"], label=""))
            for name in ("required", "completed", "on_time", "overdue", "quizzes_taken", "quizzes_passed"):
                setattr(item, name, row[f"n_{name}"])
    if filters.programme:
        for item in result.values():
            item.placed = item.trained = 0
        seats = _narrow(
            Seat.objects.filter(programme=filters.programme), filters, path_field="cadre__unit__path", prefix="cadre__"
        )
        for row in (
            seats.annotate(prefix=Substr("cadre__unit__path", 1, prefix_length))
            .values("prefix")
            .annotate(n_placed=Count("pk"), n_trained=Count("pk", filter=Q(outcome=Outcome.COMPLETED)))
            .order_by()
        ):
            item = result.setdefault(row["prefix"], Completion(key=row["prefix"], label=""))
            item.placed, item.trained = row["n_placed"], row["n_trained"]


def weekly_trend(filters: Filters, *, today: date, weeks: int = TREND_WEEKS) -> list[tuple[date, int]]:
    """Required-course completions per week (weeks start on Monday), the last `weeks` weeks up to today.

    From the week rollups of the selected unit (of the roots, for the whole tree); with a course
    chosen, a filtered count per week over that course's rows, the week's bounds as parameters
    so the database compares timestamps instead of truncating each one.
    """
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    starts = [first + timedelta(weeks=i) for i in range(weeks + 1)]
    if not filters.course:
        paths = [filters.path] if filters.unit else list(OrgUnit.objects.filter(depth=1).values_list("path", flat=True))
        counts = dict(
            _rollups(UnitWeekRollup, filters, paths)
            .filter(week__gte=starts[0], week__lt=starts[-1])
            .values("week")
            .annotate(n=Sum("completions"))
            .order_by()
            .values_list("week", "n")
        )
        return [(starts[i], counts.get(starts[i], 0)) for i in range(weeks)]
    bounds = [timezone.make_aware(datetime.combine(day, time.min)) for day in starts]
    found = (
        course_rows(filters)
        .filter(completed_at__gte=bounds[0], completed_at__lt=bounds[-1])
        .aggregate(
            **{
                f"week_{i}": Count("pk", filter=Q(completed_at__gte=bounds[i], completed_at__lt=bounds[i + 1]))
                for i in range(weeks)
            }
        )
    )
    return [(starts[i], found[f"week_{i}"]) for i in range(weeks)]


def dashboard(filters: Filters, *, today: date | None = None) -> Dashboard:
    """Per child unit of the selection: completion, hours, rotation coverage and quizzes, and the total.

    The unit's own cadres (in it, not in a child) are its subtree minus its children's subtrees.
    """
    today = today or timezone.localdate()
    children = child_units(filters)
    paths = [unit.path for unit in children]
    subtree = subtree_completion(filters, paths=paths + ([filters.path] if filters.unit else []), today=today)
    own = None
    if filters.unit:
        own = subtree.pop(filters.path)
        for path in paths:
            own.subtract(subtree[path])
        subtree[filters.path] = own
    _narrow_to_course_or_programme(subtree, filters, prefix_length=len(filters.path) + STEP, today=today)
    rows = []
    for unit in children:
        item = subtree[unit.path]
        item.label, item.unit = unit.name, unit
        rows.append(item)
    if own and own.cadres:
        own.label, own.unit = filters.unit.name, None
        rows.insert(0, own)
    total = Completion(key="", label="")
    for item in rows:
        total.add(item)
    return Dashboard(filters=filters, today=today, rows=rows, total=total, trend=weekly_trend(filters, today=today))


@dataclass
class RankedUnit:
    position: int
    completion: Completion


def ranking(filters: Filters, *, level: str, today: date | None = None) -> list[RankedUnit]:
    """Units of one level within the selection, best completion rate first (then hours met, then name)."""
    today = today or timezone.localdate()
    units = OrgUnit.objects.filter(level=level).order_by("path")
    if filters.path:
        units = units.filter(path__startswith=filters.path)
    units = list(units)
    if not units:
        return []
    depth = min(unit.depth for unit in units)
    units = [unit for unit in units if unit.depth == depth]
    by_path = subtree_completion(filters, paths=[unit.path for unit in units], today=today)
    _narrow_to_course_or_programme(by_path, filters, prefix_length=depth * STEP, today=today)
    items = []
    for unit in units:
        item = by_path[unit.path]
        item.label, item.unit = unit.name, unit
        items.append(item)
    items.sort(key=lambda c: (-(c.completion_rate or 0), -(c.met_rate or 0), c.label))
    return [RankedUnit(position=i, completion=item) for i, item in enumerate(items, start=1)]


# ---------------------------------------------------------------------------- per course


@dataclass
class CourseFigures:
    course: CoursePage
    required: int
    started: int
    completed: int
    on_time: int
    overdue: int
    average_minutes: int | None
    quizzes_taken: int
    quizzes_passed: int
    average_quiz_percent: Decimal | None

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.required, 1) if self.required else None

    @property
    def quiz_pass_rate(self) -> float | None:
        return round(100 * self.quizzes_passed / self.quizzes_taken, 1) if self.quizzes_taken else None


def per_course(filters: Filters, *, today: date | None = None) -> list[CourseFigures]:
    """Required courses of the year in the selection: who must take them and how far they are."""
    today = today or timezone.localdate()
    rows = list(
        course_rows(filters)
        .values("course_id")
        .annotate(
            n_required=Count("pk"),
            n_started=Count("pk", filter=Q(started=True)),
            n_completed=Count("pk", filter=Q(completed_at__isnull=False)),
            n_on_time=Count("pk", filter=Q(on_time=True)),
            n_overdue=Count("pk", filter=Q(completed_at__isnull=True, due_date__lt=today)),
            avg_seconds=Avg("seconds_studied", filter=Q(started=True)),
            n_quizzes_taken=Count("pk", filter=Q(quiz_passed__isnull=False)),
            n_quizzes_passed=Count("pk", filter=Q(quiz_passed=True)),
            avg_quiz_percent=Avg("quiz_percent"),
        )
        .order_by()
    )
    courses = CoursePage.objects.in_bulk([row["course_id"] for row in rows])
    figures = [
        CourseFigures(
            course=courses[row["course_id"]],
            required=row["n_required"],
            started=row["n_started"],
            completed=row["n_completed"],
            on_time=row["n_on_time"],
            overdue=row["n_overdue"],
            average_minutes=round(row["avg_seconds"] / 60) if row["avg_seconds"] is not None else None,
            quizzes_taken=row["n_quizzes_taken"],
            quizzes_passed=row["n_quizzes_passed"],
            average_quiz_percent=(
                Decimal(row["avg_quiz_percent"]).quantize(Decimal("0.1"))
                if row["avg_quiz_percent"] is not None
                else None
            ),
        )
        for row in rows
        if row["course_id"] in courses
    ]
    figures.sort(key=lambda f: f.course.title)
    return figures


# ---------------------------------------------------------------------------- overdue


def overdue(filters: Filters, *, today: date | None = None) -> QuerySet[CadreCourseSummary]:
    """Required courses past their due date and not completed, most overdue first.

    Scoped by the cadre's real unit too, so a cadre moved out of the subtree is never listed
    before the summaries catch up.
    """
    today = today or timezone.localdate()
    qs = course_rows(filters).filter(completed_at__isnull=True, due_date__lt=today)
    if filters.path:
        qs = qs.filter(cadre__unit__path__startswith=filters.path)
    return qs.select_related("cadre", "cadre__unit", "course").order_by("due_date", "unit_path", "cadre__name", "pk")


def overdue_cadre_ids(filters: Filters, *, today: date | None = None) -> list[int]:
    return list(overdue(filters, today=today).order_by().values_list("cadre_id", flat=True).distinct())


# ---------------------------------------------------------------------------- programmes


def programmes_visible(*, scope: Scope) -> QuerySet[Programme]:
    """Programmes organised in the subtree or above it: an officer reports on their people's part."""
    programmes = Programme.objects.select_related("unit").order_by("-starts_on", "pk")
    if scope.nothing:
        return programmes.none()
    if scope.everything:
        return programmes
    return programmes.filter(Q(unit__path__startswith=scope.path) | Q(unit__path__in=ancestor_paths(scope.path)))


@dataclass
class BatchFigures:
    batch: Batch
    seats: int
    completed: int
    not_completed: int
    sessions_marked: int
    sessions_attended: int

    @property
    def attendance_rate(self) -> float | None:
        return round(100 * self.sessions_attended / self.sessions_marked, 1) if self.sessions_marked else None


@dataclass
class ProgrammeReport:
    programme: Programme
    batches: list[BatchFigures]
    units: list[Completion]


def programme_report(filters: Filters, *, programme: Programme) -> ProgrammeReport:
    """Per batch (seats, outcomes, attendance) and per child unit (placed, trained) for the selection's cadres."""
    seats = _narrow(Seat.objects.filter(programme=programme), filters, path_field="cadre__unit__path", prefix="cadre__")
    per_batch = {
        row["batch_id"]: row
        for row in seats.values("batch_id")
        .annotate(
            n_seats=Count("pk"),
            n_completed=Count("pk", filter=Q(outcome=Outcome.COMPLETED)),
            n_not_completed=Count("pk", filter=Q(outcome=Outcome.NOT_COMPLETED)),
        )
        .order_by()
    }
    marks = _narrow(
        Attendance.objects.filter(session__batch__programme=programme),
        filters,
        path_field="cadre__unit__path",
        prefix="cadre__",
    )
    attended = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY]
    per_batch_marks = {
        row["session__batch_id"]: row
        for row in marks.values("session__batch_id")
        .annotate(marked=Count("pk"), attended=Count("pk", filter=Q(status__in=attended)))
        .order_by()
    }
    batches = []
    for batch in programme.batches.order_by("starts_on", "number"):
        row = per_batch.get(batch.pk, {})
        mark = per_batch_marks.get(batch.pk, {})
        batches.append(
            BatchFigures(
                batch=batch,
                seats=row.get("n_seats", 0),
                completed=row.get("n_completed", 0),
                not_completed=row.get("n_not_completed", 0),
                sessions_marked=mark.get("marked", 0),
                sessions_attended=mark.get("attended", 0),
            )
        )
    narrowed = Filters(
        year=filters.year, unit=filters.unit, category=filters.category, rank=filters.rank, programme=programme
    )
    units = dashboard(narrowed).rows
    return ProgrammeReport(programme=programme, batches=batches, units=units)


# ---------------------------------------------------------------------------- one cadre


def cadre_in_scope(*, scope: Scope, cadre_id: int) -> Cadre | None:
    cadres = Cadre.objects.select_related("unit", "user")
    if scope.nothing:
        return None
    if not scope.everything:
        cadres = cadres.filter(unit__path__startswith=scope.path)
    return cadres.filter(pk=cadre_id).first()


@dataclass
class CadreRecord:
    """一人一档: a cadre's year — required courses, credit ledger, rotation training, quizzes."""

    cadre: Cadre
    year: int
    summary: CadreYearSummary | None
    target: Decimal
    courses: list[CadreCourseSummary]
    credits: list[CreditEntry]
    seats: list[Seat]
    attempts: list[Attempt]
    today: date

    @property
    def hours(self) -> Decimal:
        return self.summary.hours if self.summary else Decimal(0)

    @property
    def hours_percent(self) -> int:
        return min(100, int(100 * self.hours / self.target)) if self.target else 100


def cadre_record(*, cadre: Cadre, year: int, today: date | None = None) -> CadreRecord:
    today = today or timezone.localdate()
    target = targets_by_category(year).get(cadre.category, DEFAULT_YEARLY_HOURS)
    return CadreRecord(
        cadre=cadre,
        year=year,
        summary=CadreYearSummary.objects.filter(cadre=cadre, year=year).first(),
        target=target,
        courses=list(
            CadreCourseSummary.objects.filter(cadre=cadre, year=year).select_related("course").order_by("due_date")
        ),
        credits=list(
            CreditEntry.objects.filter(cadre=cadre, year=year).select_related("course").order_by("earned_at", "pk")
        ),
        seats=list(
            Seat.objects.filter(cadre=cadre, batch__starts_on__year=year)
            .select_related("programme", "batch")
            .order_by("batch__starts_on")
        ),
        attempts=list(
            Attempt.objects.filter(cadre=cadre, finished_at__year=year)
            .exclude(status=AttemptStatus.IN_PROGRESS)
            .select_related("quiz")
            .order_by("finished_at")
        ),
        today=today,
    )


def cadres_by_id(ids) -> dict[int, Cadre]:
    return Cadre.objects.select_related("unit", "user").in_bulk(list(ids))


def unit_in_scope(*, scope: Scope, code: str) -> OrgUnit | None:
    units = OrgUnit.objects.filter(code=code)
    if scope.nothing:
        return None
    if not scope.everything:
        units = units.filter(path__startswith=scope.path)
    return units.first()


def api_token_list() -> QuerySet[ApiToken]:
    """Every API token, newest first, with what its user may see decided in the same query:
    `in_admin_group` (with `user.is_superuser`: sees everything), else `user.officer.unit`."""
    admin_group = Group.objects.filter(name=ADMINISTRATOR_GROUP, user=OuterRef("user_id"))
    return (
        ApiToken.objects.select_related("user", "user__officer__unit")
        .annotate(in_admin_group=Exists(admin_group))
        .order_by("-created_at", "-pk")
    )
