"""The demo's rotation training: this year's programme for the county's posted cadres, planned and under way.

Made through the real services, as an officer would: batches generated in one step, the
`cadre` login placed by hand in the first batch (so their page shows a batch in progress),
everyone else placed by the scheduler around two declared absences, the schedule published,
then the first batch's past sessions marked, with one approved and one pending leave request.

Earlier in the year the county's first secretaries (the login among them) attended a one-batch
专题培训班 that has ended: the daily decision of ended batches credited its hours, so the
login's 学习档案 shows a batch's 学时 in the ledger.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cadres.models import Cadre, CadreCategory, OrgUnit
from lms.demo import people
from lms.demo.progress import POSTED
from rotations import selectors
from rotations.models import (
    SESSION_STARTS,
    Attendance,
    AttendanceStatus,
    AttendanceVia,
    Batch,
    HalfDay,
    LeaveRequest,
    Programme,
    Seat,
    Unavailability,
)
from rotations.services import attendance, programmes, scheduling

ORGANISER = "清河县委组织部"
VENUE = "清河县委党校（县城迎宾大街18号）"
WHAT_TO_BRING = (
    "身份证、笔记本和笔；\n个人洗漱用品（党校统一安排食宿）；\n本村民情台账和年度工作计划，用于分组交流研讨。"
)
BATCHES = 6
BATCH_DAYS = 5
EVERY_DAYS = 7
CAPACITY = 20
CREDIT_HOURS = 30  # ten half-day sessions of three hours
UNDER_WAY_FOR_DAYS = 2  # the first batch began this many days before `today`
PLANNED_DAYS_AHEAD = 10  # the schedule was made and published this long before the first batch

LONG_ABSENCE = "因病住院治疗，已请长期病假"
STUDY_ABSENCE = "参加市委党校中青年干部培训班"
APPROVED_LEAVE = "村里召开土地确权群众大会，需回村组织"
PENDING_LEAVE = "家中老人住院，需陪护一天"


def programme_name(year: int) -> str:
    return f"{year}年度驻村干部全员轮训"


def ensure_rotation(*, units: dict[str, OrgUnit], today: date, officer, trainer) -> Programme:
    """This year's programme, planned and published once; attendance filled in for sessions now past."""
    county = units[people.COUNTY_CODE]
    programme = Programme.objects.filter(unit=county, name=programme_name(today.year)).first()
    if programme is None:
        programme = _plan(county=county, today=today, officer=officer, trainer=trainer)
    _leave_requests(programme=programme, today=today, officer=officer)
    _attendance(programme=programme, today=today, trainer=trainer)
    _special_class(county=county, today=today, officer=officer, trainer=trainer)
    attendance.batches_complete_ended(today=today)
    return programme


SPECIAL_DAYS = 3
SPECIAL_ENDED_DAYS_AGO = 20
SPECIAL_CREDIT_HOURS = 18  # six half-day sessions of three hours


def special_class_name(year: int) -> str:
    return f"{year}年度第一书记乡村振兴专题培训班"


def _special_class(*, county: OrgUnit, today: date, officer, trainer) -> Programme:
    """A one-batch class for every first secretary that ended a few weeks ago, attended in full (once)."""
    programme = Programme.objects.filter(unit=county, name=special_class_name(today.year)).first()
    if programme is not None:
        return programme
    ends_on = today - timedelta(days=SPECIAL_ENDED_DAYS_AGO)
    calendar = selectors.holiday_calendar(starts_on=ends_on - timedelta(days=60), ends_on=ends_on)
    while calendar.off_days(ends_on - timedelta(days=SPECIAL_DAYS - 1), ends_on):
        ends_on -= timedelta(days=1)  # a class is not held over a public holiday
    starts_on = ends_on - timedelta(days=SPECIAL_DAYS - 1)
    programme = Programme(
        unit=county,
        name=special_class_name(today.year),
        organiser=ORGANISER,
        starts_on=starts_on,
        ends_on=ends_on,
        credit_hours=SPECIAL_CREDIT_HOURS,
        categories=[str(CadreCategory.FIRST_SECRETARY)],
        created_by=officer,
    )
    programme.full_clean()
    programme.save()
    programme.population_units.set([county])
    batch = programmes.batch_create(
        programme=programme, number=1, starts_on=starts_on, ends_on=ends_on, capacity=40, venue=VENUE
    )
    batch.trainers.add(trainer)
    scheduling.schedule_plan(programme=programme, by=officer, today=starts_on - timedelta(days=PLANNED_DAYS_AHEAD))
    for session in batch.sessions.order_by("date", "half"):
        starts_at = _at(session.date, SESSION_STARTS[session.half])
        for seat in batch.seats.select_related("cadre"):
            attendance.attendance_record(
                session=session, cadre=seat.cadre, status=AttendanceStatus.PRESENT, by=trainer, now=starts_at
            )
    return programme


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def _plan(*, county: OrgUnit, today: date, officer, trainer) -> Programme:
    first_starts_on = today - timedelta(days=UNDER_WAY_FOR_DAYS)
    last_ends_on = first_starts_on + timedelta(days=EVERY_DAYS * (BATCHES - 1) + BATCH_DAYS - 1)
    planned_on = first_starts_on - timedelta(days=PLANNED_DAYS_AHEAD)
    programme = Programme(
        unit=county,
        name=programme_name(today.year),
        organiser=ORGANISER,
        starts_on=first_starts_on,
        # Room after the last batch for make-up training (补训) before the year ends.
        ends_on=max(last_ends_on, date(today.year, 12, 31)),
        credit_hours=CREDIT_HOURS,
        categories=[str(c) for c in POSTED],
        created_by=officer,
    )
    programme.full_clean()
    programme.save()
    programme.population_units.set([county])

    batches = programmes.batches_generate(
        programme=programme,
        count=BATCHES,
        days=BATCH_DAYS,
        every_days=EVERY_DAYS,
        capacity=CAPACITY,
        first_starts_on=first_starts_on,
        venue=VENUE,
        what_to_bring=WHAT_TO_BRING,
    )
    for batch in batches:
        batch.trainers.add(trainer)

    _declare_absences(programme=programme, batches=batches)
    login = Cadre.objects.select_related("unit").get(user__username=people.CADRE_USERNAME)
    # The officer put the demo login in the first batch by hand (a locked seat the scheduler keeps).
    scheduling.seat_assign(programme=programme, cadre=login, batch=batches[0], today=planned_on)
    scheduling.schedule_plan(programme=programme, by=officer, today=planned_on)
    programmes.schedule_publish(programme=programme, now=_at(planned_on, time(16)))
    return programme


def _declare_absences(*, programme: Programme, batches: list[Batch]) -> None:
    """One team member on long sick leave (the scheduler cannot place them) and a team leader away studying."""
    candidates = (
        Cadre.objects.filter(unit__code__startswith=people.township_code(2), active=True)
        .exclude(user__username=people.CADRE_USERNAME)
        .order_by("user__username")
    )
    sick = candidates.filter(category=CadreCategory.TEAM_MEMBER).first()
    studying = candidates.filter(category=CadreCategory.TEAM_LEADER).first()
    for cadre, starts_on, ends_on, reason in (
        (sick, programme.starts_on - timedelta(days=30), programme.ends_on, LONG_ABSENCE),
        (studying, batches[0].starts_on, batches[2].ends_on, STUDY_ABSENCE),
    ):
        if cadre is not None:
            absence = Unavailability(cadre=cadre, starts_on=starts_on, ends_on=ends_on, reason=reason)
            absence.full_clean()
            absence.save()


def _begun(programme: Programme, today: date) -> list[Batch]:
    return list(programme.batches.filter(starts_on__lte=today).order_by("starts_on", "number"))


def _leave_requests(*, programme: Programme, today: date, officer) -> None:
    """In the first batch once it has begun: leave approved for its second day, and a later day still pending."""
    begun = _begun(programme, today)
    if not begun or LeaveRequest.objects.filter(seat__programme=programme).exists():
        return
    batch = begun[0]
    seats = list(
        Seat.objects.filter(batch=batch)
        .exclude(cadre__user__username=people.CADRE_USERNAME)
        .select_related("batch", "cadre")
        .order_by("cadre__user__username")
    )
    if len(seats) < 2:
        return
    second_day = min(batch.starts_on + timedelta(days=1), batch.ends_on)
    approved = attendance.leave_request_create(
        seat=seats[0], starts_on=second_day, ends_on=second_day, reason=APPROVED_LEAVE
    )
    attendance.leave_request_decide(request=approved, approve=True, by=officer, now=_at(batch.starts_on, time(18)))
    attendance.leave_request_create(seat=seats[1], starts_on=batch.ends_on, ends_on=batch.ends_on, reason=PENDING_LEAVE)


def _attendance(*, programme: Programme, today: date, trainer) -> None:
    """Marks for every session of a begun batch before today that has none yet; marks made since are kept.

    Mornings are check-ins (present, or late after the grace period), afternoons a trainer's roll call.
    """
    for batch in _begun(programme, today):
        sessions = list(batch.sessions.filter(date__lt=today).order_by("date", "half"))
        seats = list(batch.seats.select_related("cadre", "cadre__user").order_by("cadre__user__username"))
        marked = set(Attendance.objects.filter(session__batch=batch).values_list("session_id", "cadre_id"))
        for session in sessions:
            starts_at = _at(session.date, SESSION_STARTS[session.half])
            for seat in seats:
                if (session.pk, seat.cadre_id) in marked:
                    continue
                username = seat.cadre.user.username
                rng = random.Random(f"{people.SEED}:{session.date}:{session.half}:{username}")
                roll = 0.0 if username == people.CADRE_USERNAME else rng.random()
                if session.half == HalfDay.MORNING:
                    late = roll > 0.93
                    attendance.attendance_record(
                        session=session,
                        cadre=seat.cadre,
                        status=AttendanceStatus.LATE if late else AttendanceStatus.PRESENT,
                        via=AttendanceVia.CHECKIN,
                        now=starts_at + timedelta(minutes=rng.randint(16, 40) if late else rng.randint(-20, 10)),
                    )
                else:
                    status = (
                        AttendanceStatus.ABSENT
                        if roll > 0.97
                        else AttendanceStatus.LEFT_EARLY
                        if roll > 0.95
                        else AttendanceStatus.PRESENT
                    )
                    attendance.attendance_record(
                        session=session, cadre=seat.cadre, status=status, by=trainer, now=starts_at
                    )
