"""Attendance (签到), check-in codes, leave requests, and completion with its credit hours."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cadres.models import Cadre
from courses.crediting import credit_policy
from courses.models import CreditEntry, CreditSource
from rotations.exceptions import CheckInRefused, LeaveRefused, NotInProgramme
from rotations.models import (
    SESSION_STARTS,
    Attendance,
    AttendanceStatus,
    AttendanceVia,
    Batch,
    LeaveRequest,
    LeaveStatus,
    Outcome,
    Seat,
    Session,
)

CHECKIN_MINUTES = 20
LATE_AFTER = timedelta(minutes=15)

NOT_SEATED = gettext_noop("{cadre} has no seat in batch {batch}.")
CHECKIN_UNKNOWN = gettext_noop("This check-in code is not valid.")
CHECKIN_EXPIRED = gettext_noop("This check-in code has expired; ask the trainer for a new one.")
LEAVE_OUTSIDE_BATCH = gettext_noop("Leave must fall within the batch ({starts} – {ends}).")
LEAVE_ALREADY_DECIDED = gettext_noop("This leave request has already been decided.")


def _seat_for(*, batch: Batch, cadre: Cadre) -> Seat:
    seat = Seat.objects.filter(batch=batch, cadre=cadre).first()
    if seat is None:
        raise NotInProgramme(NOT_SEATED, cadre=cadre.name, batch=batch.number)
    return seat


@transaction.atomic
def attendance_record(
    *,
    session: Session,
    cadre: Cadre,
    status: str,
    by=None,
    via: str = AttendanceVia.TRAINER,
    now: datetime | None = None,
) -> Attendance:
    """Mark one cadre for one session; marking again replaces the mark, so repeating it changes nothing."""
    _seat_for(batch=session.batch, cadre=cadre)
    mark, created = Attendance.objects.select_for_update().get_or_create(
        session=session,
        cadre=cadre,
        defaults={"status": status, "via": via, "recorded_by": by, "recorded_at": now or timezone.now()},
    )
    if not created and (mark.status, mark.via) != (status, via):
        mark.status, mark.via, mark.recorded_by, mark.recorded_at = status, via, by, now or timezone.now()
        mark.full_clean()
        mark.save()
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import seats_changed

    seats_changed(cadre_ids=[cadre.pk])
    return mark


@transaction.atomic
def session_roll_record(*, session: Session, statuses: Mapping[int, str], by=None, now: datetime | None = None) -> int:
    """A trainer's roll call for a whole session in one go: cadre id → status. Returns how many marks changed.

    A mark whose status is unchanged stays as it was (a check-in keeps its time and its "checked in").
    """
    now = now or timezone.now()
    unknown = set(statuses.values()) - set(AttendanceStatus.values)
    if unknown:
        raise ValueError(f"Unknown attendance status: {sorted(unknown)}")
    seated = set(
        Seat.objects.filter(batch_id=session.batch_id, cadre_id__in=list(statuses)).values_list("cadre_id", flat=True)
    )
    strangers = sorted(set(statuses) - seated)
    if strangers:
        cadre = Cadre.objects.filter(pk=strangers[0]).first()
        raise NotInProgramme(NOT_SEATED, cadre=cadre.name if cadre else strangers[0], batch=session.batch.number)
    existing = {
        mark.cadre_id: mark
        for mark in Attendance.objects.select_for_update().filter(session=session, cadre_id__in=list(statuses))
    }
    to_create, to_update = [], []
    for cadre_id, status in statuses.items():
        mark = existing.get(cadre_id)
        if mark is None:
            to_create.append(
                Attendance(
                    session=session,
                    cadre_id=cadre_id,
                    status=status,
                    via=AttendanceVia.TRAINER,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif mark.status != status:
            mark.status, mark.via, mark.recorded_by, mark.recorded_at = status, AttendanceVia.TRAINER, by, now
            to_update.append(mark)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status", "via", "recorded_by", "recorded_at"])
    changed = [m.cadre_id for m in (*to_create, *to_update)]
    if changed:
        # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
        from reports.hooks import seats_changed

        seats_changed(cadre_ids=changed)
    return len(changed)


@transaction.atomic
def checkin_open(*, session: Session, now: datetime | None = None, minutes: int = CHECKIN_MINUTES) -> Session:
    """A fresh check-in code for a session (shown as a link or QR code), valid for `minutes`."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    session.checkin_code = secrets.token_urlsafe(12)
    session.checkin_expires_at = (now or timezone.now()) + timedelta(minutes=minutes)
    session.save(update_fields=["checkin_code", "checkin_expires_at"])
    return session


def session_starts_at(session: Session) -> datetime:
    return timezone.make_aware(datetime.combine(session.date, SESSION_STARTS[session.half]))


@transaction.atomic
def checkin(*, cadre: Cadre, code: str, now: datetime | None = None) -> Attendance:
    """A cadre checks in with a session's code: present, or late after the grace period; once only."""
    now = now or timezone.now()
    session = Session.objects.select_related("batch").filter(checkin_code=code).first() if code else None
    if session is None:
        raise CheckInRefused(CHECKIN_UNKNOWN)
    if session.checkin_expires_at is None or now > session.checkin_expires_at:
        raise CheckInRefused(CHECKIN_EXPIRED)
    _seat_for(batch=session.batch, cadre=cadre)
    existing = Attendance.objects.filter(session=session, cadre=cadre).first()
    if existing is not None:
        return existing
    late = now > session_starts_at(session) + LATE_AFTER
    status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
    return attendance_record(session=session, cadre=cadre, status=status, via=AttendanceVia.CHECKIN, now=now)


@transaction.atomic
def leave_request_create(*, seat: Seat, starts_on: date, ends_on: date, reason: str) -> LeaveRequest:
    batch = seat.batch
    if starts_on > ends_on or starts_on < batch.starts_on or ends_on > batch.ends_on:
        raise LeaveRefused(LEAVE_OUTSIDE_BATCH, starts=batch.starts_on, ends=batch.ends_on)
    request = LeaveRequest(seat=seat, starts_on=starts_on, ends_on=ends_on, reason=reason)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def leave_request_decide(*, request: LeaveRequest, approve: bool, by, now: datetime | None = None) -> LeaveRequest:
    """Approve or reject; approval marks the sessions it covers as leave unless the cadre was there."""
    now = now or timezone.now()
    request = LeaveRequest.objects.select_for_update().select_related("seat", "seat__cadre").get(pk=request.pk)
    if request.status != LeaveStatus.PENDING:
        raise LeaveRefused(LEAVE_ALREADY_DECIDED)
    request.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    request.decided_by, request.decided_at = by, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        sessions = Session.objects.filter(
            batch_id=request.seat.batch_id, date__gte=request.starts_on, date__lte=request.ends_on
        )
        attended = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY}
        for session in sessions:
            mark = Attendance.objects.filter(session=session, cadre=request.seat.cadre).first()
            if mark is None or mark.status not in attended:
                attendance_record(
                    session=session,
                    cadre=request.seat.cadre,
                    status=AttendanceStatus.LEAVE,
                    by=by,
                    via=AttendanceVia.LEAVE,
                    now=now,
                )
    return request


def completes(
    *,
    session_hours: list[Decimal],
    leave_hours: Decimal,
    absences: int,
    numerator: int,
    denominator: int,
    absences_fail_at: int,
) -> bool:
    """The programme's rule: leave within its share of the hours and fewer unexcused absences than the limit."""
    total = sum(session_hours, Decimal(0))
    if not total:
        return False
    return leave_hours * denominator <= total * numerator and absences < absences_fail_at


SeatCompletedListener = Callable[..., None]  # (*, seat, when) -> None

_seat_completed_listeners: list[SeatCompletedListener] = []


def register_seat_completed_listener(listener: SeatCompletedListener) -> SeatCompletedListener:
    """Another app acts when a seat is completed (records issues a certificate), in the same transaction."""
    if listener not in _seat_completed_listeners:
        _seat_completed_listeners.append(listener)
    return listener


@transaction.atomic
def batch_complete(*, batch: Batch, now: datetime | None = None) -> dict[str, int]:
    """Decide every seat of a finished batch; a completed seat is credited once and never changes again.

    A session with no mark counts as an unexcused absence.
    """
    now = now or timezone.now()
    programme = batch.programme
    sessions = list(batch.sessions.all())
    hours = {s.pk: s.hours for s in sessions}
    marks: dict[int, list[Attendance]] = {}
    for mark in Attendance.objects.filter(session__batch=batch):
        marks.setdefault(mark.cadre_id, []).append(mark)
    tally = {"completed": 0, "not_completed": 0}
    for seat in Seat.objects.select_for_update().filter(batch=batch).select_related("cadre"):
        if seat.outcome == Outcome.COMPLETED:
            tally["completed"] += 1
            continue
        mine = {m.session_id: m.status for m in marks.get(seat.cadre_id, [])}
        leave = sum((hours[s] for s, status in mine.items() if status == AttendanceStatus.LEAVE), Decimal(0))
        absences = sum(1 for s in sessions if mine.get(s.pk, AttendanceStatus.ABSENT) == AttendanceStatus.ABSENT)
        done = completes(
            session_hours=list(hours.values()),
            leave_hours=leave,
            absences=absences,
            numerator=programme.max_leave_numerator,
            denominator=programme.max_leave_denominator,
            absences_fail_at=programme.absences_fail_at,
        )
        if done:
            seat.outcome = Outcome.COMPLETED
            seat.completed_at = now
            if seat.credit_entry_id is None:
                # The registered credit policy (records' rules) decides the hours and names its rule.
                credit = credit_policy().batch_credit(cadre=seat.cadre, batch=batch, when=now)
                seat.credit_entry = CreditEntry.objects.create(
                    cadre=seat.cadre,
                    year=timezone.localtime(now).year,
                    hours=credit.hours,
                    source=CreditSource.BATCH,
                    description=f"{programme.name} · {batch}"[:200],
                    earned_at=now,
                    rule=credit.rule,
                )
            tally["completed"] += 1
        else:
            seat.outcome = Outcome.NOT_COMPLETED
            tally["not_completed"] += 1
        seat.save(update_fields=["outcome", "completed_at", "credit_entry"])
        if done:
            for listener in _seat_completed_listeners:
                listener(seat=seat, when=now)
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import seats_changed

    seats_changed(cadre_ids=Seat.objects.filter(batch=batch).values_list("cadre_id", flat=True))
    return tally


# A batch is decided as of the evening of its last day: its credit is earned on that day, in that year.
DECIDED_AT = time(18, 0)


def batches_complete_ended(*, today: date) -> dict[str, int]:
    """Decide every batch that ended before `today` and still has undecided seats.

    Without this a batch's hours reach the ledger only when a trainer presses "complete": an
    attended batch nobody closed stayed at 0 学时 on the cadres' 学习档案. Its attendance is final
    once it has ended, so the same rules (`batch_complete`) decide it, dated its last day.
    Run daily (`manage.py complete_ended_batches`); each batch is decided in its own transaction.
    """
    tally = {"batches": 0, "completed": 0, "not_completed": 0}
    ended = (
        Batch.objects.filter(ends_on__lt=today, seats__outcome=Outcome.SCHEDULED)
        .select_related("programme")
        .distinct()
        .order_by("ends_on", "pk")
    )
    for batch in ended:
        decided = batch_complete(batch=batch, now=timezone.make_aware(datetime.combine(batch.ends_on, DECIDED_AT)))
        tally["batches"] += 1
        tally["completed"] += decided["completed"]
        tally["not_completed"] += decided["not_completed"]
    return tally
