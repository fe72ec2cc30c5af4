"""Reads about rotation training. Each function makes a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from cadres.models import Cadre, OrgUnit
from cadres.roles import Scope
from rotations import batch_plan, scheduler
from rotations.models import (
    Attendance,
    Batch,
    Holiday,
    LeaveRequest,
    LeaveStatus,
    Notice,
    Programme,
    RunStatus,
    ScheduleRun,
    Seat,
    Session,
    Unavailability,
)


def programmes_in_scope(*, scope: Scope) -> QuerySet[Programme]:
    programmes = Programme.objects.select_related("unit")
    if scope.nothing:
        return programmes.none()
    if scope.everything:
        return programmes
    return programmes.filter(unit__path__startswith=scope.path)


def batches_in_scope(*, scope: Scope) -> QuerySet[Batch]:
    batches = Batch.objects.select_related("programme")
    if scope.nothing:
        return batches.none()
    if scope.everything:
        return batches
    return batches.filter(programme__unit__path__startswith=scope.path)


def unavailabilities_in_scope(*, scope: Scope) -> QuerySet[Unavailability]:
    rows = Unavailability.objects.select_related("cadre", "cadre__unit")
    if scope.nothing:
        return rows.none()
    if scope.everything:
        return rows
    return rows.filter(cadre__unit__path__startswith=scope.path)


def cadres_in_scope(*, scope: Scope) -> QuerySet[Cadre]:
    cadres = Cadre.objects.filter(active=True).select_related("unit")
    if scope.nothing:
        return cadres.none()
    if scope.everything:
        return cadres
    return cadres.filter(unit__path__startswith=scope.path)


def units_in_scope(*, scope: Scope) -> QuerySet[OrgUnit]:
    if scope.nothing:
        return OrgUnit.objects.none()
    if scope.everything:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(path__startswith=scope.path)


def batches_trained_by(*, user) -> QuerySet[Batch]:
    return Batch.objects.filter(trainers=user).select_related("programme")


def population(*, programme: Programme) -> QuerySet[Cadre]:
    """Active cadres of the population subtrees × categories, plus the included, less the excluded."""
    in_subtrees = Q()
    for unit in programme.population_units.all():
        in_subtrees |= Q(unit__path__startswith=unit.path)
    chosen = Q(pk__in=[]) if not in_subtrees else in_subtrees
    if programme.categories:
        chosen &= Q(category__in=programme.categories)
    chosen |= Q(pk__in=programme.include_cadres.values("pk"))
    return (
        Cadre.objects.filter(chosen, active=True)
        .exclude(pk__in=programme.exclude_cadres.values("pk"))
        .select_related("unit")
        .order_by("pk")
    )


def unit_sizes(*, unit_ids) -> dict[int, int]:
    """Active cadres per unit, whether or not they are in the programme: the basis of the floor."""
    rows = Cadre.objects.filter(unit_id__in=list(unit_ids), active=True).values("unit_id").annotate(n=Count("pk"))
    return {row["unit_id"]: row["n"] for row in rows}


def batches_with_counts(*, programme: Programme) -> QuerySet[Batch]:
    return programme.batches.annotate(seated=Count("seats", distinct=True)).order_by("starts_on", "number")


def holiday_calendar(*, starts_on: date, ends_on: date, skip_weekends: bool = False) -> batch_plan.Calendar:
    """The holiday calendar between two dates, as the batch generator takes it (one query)."""
    rows = Holiday.objects.filter(date__range=(starts_on, ends_on)).values_list("date", "is_workday")
    return batch_plan.Calendar(
        holidays=frozenset(day for day, workday in rows if not workday),
        workdays=frozenset(day for day, workday in rows if workday),
        skip_weekends=skip_weekends,
    )


def holidays_covered(*, starts_on: date, ends_on: date) -> list[Holiday]:
    """The public holidays (not the make-up working days) from `starts_on` to `ends_on`."""
    return list(Holiday.objects.filter(date__range=(starts_on, ends_on), is_workday=False).order_by("date"))


@dataclass
class BatchSchedule:
    batch: Batch
    seats: list[Seat]
    holidays: list[Holiday] = field(default_factory=list)  # public holidays the batch covers


def schedule_by_batch(*, programme: Programme) -> list[BatchSchedule]:
    seats = Seat.objects.select_related("cadre", "cadre__unit").order_by("cadre__unit__path", "cadre__name", "pk")
    batches = list(
        programme.batches.order_by("starts_on", "number").prefetch_related(
            Prefetch("seats", queryset=seats, to_attr="seat_list")
        )
    )
    holidays = (
        holidays_covered(starts_on=batches[0].starts_on, ends_on=max(b.ends_on for b in batches)) if batches else []
    )
    return [
        BatchSchedule(batch=b, seats=b.seat_list, holidays=[h for h in holidays if b.starts_on <= h.date <= b.ends_on])
        for b in batches
    ]


@dataclass
class UnitRow:
    unit: OrgUnit
    size: int
    floor: int
    spare: int
    per_batch: list[int]
    away_by_day: list[int] = field(default_factory=list)  # ours and other programmes' together
    elsewhere_by_day: list[int] = field(default_factory=list)  # of which in other programmes' batches

    @property
    def peak(self) -> int:
        return max(self.away_by_day, default=0)

    @property
    def breaks_floor(self) -> bool:
        return self.peak > self.spare

    def day_cells(self) -> list[tuple[int, int, str]]:
        """(away, of them elsewhere, level) per day; level is a CSS suffix: 0, ok, full (at the floor) or over."""
        elsewhere = self.elsewhere_by_day or [0] * len(self.away_by_day)
        return [
            (n, e, "0" if not n else "ok" if n < self.spare else "full" if n == self.spare else "over")
            for n, e in zip(self.away_by_day, elsewhere, strict=True)
        ]


@dataclass
class UnitSchedule:
    batches: list[Batch]
    days: list[date]
    rows: list[UnitRow]


def schedule_by_unit(*, programme: Programme) -> UnitSchedule:
    """Per unit: seats per batch, and people away on each day of the programme against what it may spare.

    People away counts, as the scheduler does, the unit's cadres seated in other programmes'
    batches on that day as well as this programme's.
    """
    batches = list(programme.batches.order_by("starts_on", "number"))
    counts = Seat.objects.filter(programme=programme).values("cadre__unit_id", "batch_id").annotate(n=Count("pk"))
    per_unit: dict[int, dict[int, int]] = defaultdict(dict)
    for row in counts:
        per_unit[row["cadre__unit_id"]][row["batch_id"]] = row["n"]
    units = OrgUnit.objects.filter(pk__in=list(per_unit)).order_by("path")
    sizes = unit_sizes(unit_ids=per_unit)
    first = min((b.starts_on for b in batches), default=programme.starts_on)
    last = max((b.ends_on for b in batches), default=programme.ends_on)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)] if batches else []
    elsewhere_by_unit: dict[int, list[int]] = {}
    if days:
        first_day = days[0]
        for _cadre_id, unit_id, starts_on, ends_on in seats_elsewhere(programme=programme, unit_ids=per_unit):
            counts = elsewhere_by_unit.setdefault(unit_id, [0] * len(days))
            for i in range(max((starts_on - first_day).days, 0), min((ends_on - first_day).days + 1, len(days))):
                counts[i] += 1
    rows = []
    for unit in units:
        size = sizes.get(unit.pk, 0)
        by_batch = per_unit[unit.pk]
        elsewhere = elsewhere_by_unit.get(unit.pk, [0] * len(days))
        ours = [sum(by_batch.get(b.pk, 0) for b in batches if b.starts_on <= day <= b.ends_on) for day in days]
        away = [o + e for o, e in zip(ours, elsewhere, strict=True)]
        rows.append(
            UnitRow(
                unit=unit,
                size=size,
                floor=scheduler.effective_floor(size, unit.min_on_duty),
                spare=scheduler.spare(size, unit.min_on_duty),
                per_batch=[by_batch.get(b.pk, 0) for b in batches],
                away_by_day=away,
                elsewhere_by_day=elsewhere,
            )
        )
    return UnitSchedule(batches=batches, days=days, rows=rows)


def latest_run(*, programme: Programme) -> ScheduleRun | None:
    """The last run that finished placing cadres: the result the schedule page explains."""
    return programme.runs.filter(status=RunStatus.SUCCEEDED).first()


def current_run(*, programme: Programme) -> ScheduleRun | None:
    """The newest run whatever its state: the one a progress bar follows."""
    return programme.runs.first()


def seats_elsewhere(*, programme: Programme, unit_ids) -> list[tuple[int, int, date, date]]:
    """(cadre, unit, starts, ends) of every active cadre of these units seated in another programme's
    batch that overlaps this programme's period: they are away then, whatever this programme does."""
    return list(
        Seat.objects.filter(
            cadre__unit_id__in=list(unit_ids),
            cadre__active=True,
            batch__starts_on__lte=programme.ends_on,
            batch__ends_on__gte=programme.starts_on,
        )
        .exclude(programme=programme)
        .order_by("cadre_id", "batch__starts_on", "pk")
        .values_list("cadre_id", "cadre__unit_id", "batch__starts_on", "batch__ends_on")
    )


def export_rows(*, programme: Programme) -> list[list]:
    """The schedule as spreadsheet rows, one per seat, in batch order."""
    seats = (
        Seat.objects.filter(programme=programme)
        .select_related("batch", "cadre", "cadre__unit")
        .order_by("batch__starts_on", "batch__number", "cadre__unit__path", "cadre__name")
    )
    return [
        [
            seat.batch.number,
            seat.batch.starts_on,
            seat.batch.ends_on,
            seat.batch.venue,
            seat.cadre.unit.name,
            seat.cadre.name,
            seat.cadre.get_category_display(),
            seat.cadre.phone,
            seat.get_placed_by_display(),
            seat.get_outcome_display(),
        ]
        for seat in seats
    ]


@dataclass
class AttendanceSheet:
    batch: Batch
    sessions: list[Session]
    seats: list[Seat]
    marks: dict[tuple[int, int], Attendance]  # (session id, cadre id) → record
    leave_requests: list[LeaveRequest]

    def rows(self):
        for seat in self.seats:
            yield seat, [self.marks.get((s.pk, seat.cadre_id)) for s in self.sessions]


def attendance_sheet(*, batch: Batch) -> AttendanceSheet:
    sessions = list(batch.sessions.order_by("date", "half"))
    seats = list(batch.seats.select_related("cadre", "cadre__unit").order_by("cadre__unit__path", "cadre__name"))
    marks = {(a.session_id, a.cadre_id): a for a in Attendance.objects.filter(session__batch=batch)}
    leave = list(
        LeaveRequest.objects.filter(seat__batch=batch, status=LeaveStatus.PENDING).select_related("seat__cadre")
    )
    return AttendanceSheet(batch=batch, sessions=sessions, seats=seats, marks=marks, leave_requests=leave)


@dataclass
class MySeat:
    seat: Seat
    sessions: list[tuple[Session, Attendance | None]]
    leave_requests: list[LeaveRequest]


def my_rotation(*, cadre: Cadre) -> tuple[list[MySeat], list[Notice]]:
    """The cadre's seats in published programmes, newest batch first, with sessions and attendance."""
    seats = list(
        Seat.objects.filter(cadre=cadre, programme__published_at__isnull=False)
        .select_related("batch", "programme")
        .prefetch_related(
            Prefetch("batch__sessions", queryset=Session.objects.order_by("date", "half"), to_attr="session_list"),
            "leave_requests",
        )
        .order_by("-batch__starts_on")
    )
    marks = {
        a.session_id: a for a in Attendance.objects.filter(cadre=cadre, session__batch__in=[s.batch for s in seats])
    }
    mine = [
        MySeat(
            seat=seat,
            sessions=[(s, marks.get(s.pk)) for s in seat.batch.session_list],
            leave_requests=list(seat.leave_requests.all()),
        )
        for seat in seats
    ]
    notices = list(Notice.objects.filter(cadre=cadre).select_related("programme")[:10])
    return mine, notices


def generator_defaults(*, programme: Programme, today: date) -> batch_plan.Suggestion:
    """Settings for the batch generator derived from the programme: its dates (from tomorrow at the
    earliest, as the scheduler only fills batches not yet begun), its population and the holidays."""
    starts_on = max(programme.starts_on, today + timedelta(days=1))
    if starts_on > programme.ends_on:
        return batch_plan.Suggestion(first_starts_on=starts_on, problem=batch_plan.NoFit.TOO_SHORT)
    per_unit = dict(population(programme=programme).order_by().values_list("unit_id").annotate(n=Count("pk")))
    people = sum(per_unit.values())
    sizes = unit_sizes(unit_ids=per_unit)
    floors = dict(OrgUnit.objects.filter(pk__in=per_unit).values_list("pk", "min_on_duty"))
    # A unit may only send so many at a time: enough batches that each unit's people fit, its floor kept.
    min_batches = batch_plan.batches_for_floors(
        (n, scheduler.spare(sizes.get(unit_id, n), floors.get(unit_id))) for unit_id, n in per_unit.items()
    )
    # Seats the programme's batches already offer are not asked for again.
    offered = sum(programme.batches.values_list("capacity", flat=True))
    suggestion = batch_plan.suggest(
        starts_on=starts_on,
        ends_on=programme.ends_on,
        population=max(0, people - offered),
        calendar=holiday_calendar(starts_on=starts_on, ends_on=programme.ends_on),
        min_batches=max(1, min_batches),
    )
    if people and suggestion.problem is batch_plan.NoFit.NO_ONE:
        return replace(suggestion, problem=batch_plan.NoFit.SEATED)
    if min_batches == 0 and suggestion.problem is None:
        return replace(suggestion, problem=batch_plan.NoFit.NO_SPARE)
    return suggestion
