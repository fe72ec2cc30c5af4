"""Check-ins from the village page and leave requests with their township/county approval."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from postings import audit, rules
from postings.exceptions import AtTraining, LeaveRefused, NotAllowed, NotPosted
from postings.models import CheckIn, LeaveRequest, LeaveStatus, Posting
from postings.scoping import user_is_admin, user_scope
from postings.selectors import current_posting, rules_for_unit, training_seat_on

CHECK_IN_NOT_POSTED = _("You are not posted to a village today, so there is nothing to check in to.")
CHECK_IN_AT_TRAINING = _(
    "You are away at training today (%(programme)s, batch %(number)s, %(starts)s to %(ends)s), so you "
    "cannot check in as being in the village. Training days are recorded as 参训: an excused absence that "
    "is not counted against your days in the village."
)
LEAVE_NOT_POSTED = _("Leave is requested from a village posting, and you have none open.")
LEAVE_ENDS_BEFORE_START = _("The leave cannot end before it starts.")
LEAVE_IN_THE_PAST = _("Leave is requested before it starts; ask your township about past days.")
LEAVE_OUTSIDE_POSTING = _("The leave must fall within your posting (%(start)s to %(end)s).")
LEAVE_OVERLAPS = _("You already asked for leave from %(start)s to %(end)s.")
LEAVE_ALREADY_DECIDED = _("This leave request was already decided.")
LEAVE_OUTSIDE_SCOPE = _("This leave request is outside the part of the organisation you manage.")
LEAVE_NEEDS_COUNTY = _("Leave of %(days)s days is decided by the county organisation department.")

SIX_PLACES = Decimal("0.000001")


def _coordinate(value, limit: int) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value)).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)
    return number if -limit <= number <= limit else None


def training_params(seat) -> dict:
    """What CHECK_IN_AT_TRAINING names of the seat: programme, batch number and dates."""
    return {
        "programme": seat.programme.name,
        "number": seat.batch.number,
        "starts": seat.batch.starts_on,
        "ends": seat.batch.ends_on,
    }


def check_in_record(
    *,
    cadre: Cadre,
    at: datetime,
    consent: bool = False,
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
) -> tuple[CheckIn, bool]:
    """Record that the cadre is in the village today; a second submit the same day changes nothing.

    Returns the check-in and whether it was created now. Location is kept only with consent and
    only as a full, plausible pair.
    """
    day = timezone.localdate(at)
    posting = current_posting(cadre=cadre, day=day)
    if posting is None:
        raise NotPosted(CHECK_IN_NOT_POSTED)
    seat = training_seat_on(cadre=cadre, day=day)
    if seat is not None:
        raise AtTraining(CHECK_IN_AT_TRAINING % training_params(seat))
    lat, lng = (_coordinate(latitude, 90), _coordinate(longitude, 180)) if consent else (None, None)
    if lat is None or lng is None:
        lat = lng = None
    try:
        # The savepoint keeps an outer transaction usable when the unique constraint refuses a
        # double submit that raced past any check we could make first.
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                posting=posting,
                cadre=cadre,
                day=day,
                checked_in_at=at,
                location_consent=consent,
                latitude=lat,
                longitude=lng,
            )
    except IntegrityError:
        return CheckIn.objects.get(cadre=cadre, day=day), False
    return check_in, True


@transaction.atomic
def leave_request_submit(*, cadre: Cadre, starts_on: date, ends_on: date, reason: str, today: date) -> LeaveRequest:
    """A posted cadre asks for leave; its length decides whether the township or the county approves."""
    # Locking the posting serialises two submits, so overlapping requests cannot both pass the check.
    posting = (
        Posting.objects.select_for_update().filter(cadre=cadre, ended_on__isnull=True).select_related("team").first()
    )
    if posting is None:
        raise NotPosted(LEAVE_NOT_POSTED)
    if ends_on < starts_on:
        raise LeaveRefused(LEAVE_ENDS_BEFORE_START)
    if starts_on < today:
        raise LeaveRefused(LEAVE_IN_THE_PAST)
    if starts_on < posting.starts_on or ends_on > posting.planned_end_on:
        raise LeaveRefused(LEAVE_OUTSIDE_POSTING % {"start": posting.starts_on, "end": posting.planned_end_on})
    clash = (
        posting.leave_requests.exclude(status=LeaveStatus.REJECTED)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if clash is not None:
        raise LeaveRefused(LEAVE_OVERLAPS % {"start": clash.starts_on, "end": clash.ends_on})
    days = rules.leave_days(starts_on, ends_on)
    level = rules.leave_approval_level(days, rules_for_unit(posting.team).township_leave_days)
    leave = LeaveRequest(
        posting=posting, starts_on=starts_on, ends_on=ends_on, days=days, reason=reason, approval_level=level.value
    )
    leave.full_clean()
    leave.save()
    audit.record(
        leave,
        audit.LEAVE_REQUEST,
        user=cadre.user,
        days=days,
        level=level.value,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    return leave


def can_decide_leave(user, leave: LeaveRequest) -> bool:
    """Officers of the team's subtree whose unit stands at least at the required level, and administrators."""
    if not user_scope(user).allows_path(leave.posting.team.path):
        return False
    officer = getattr(user, "officer", None)
    return rules.may_decide_leave(
        leave.approval_level,
        approver_unit_level=officer.unit.level if officer else None,
        is_admin=user_is_admin(user),
    )


@transaction.atomic
def leave_request_decide(*, leave: LeaveRequest, approve: bool, by, note: str = "") -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().select_related("posting__team").get(pk=leave.pk)
    if not user_scope(by).allows_path(leave.posting.team.path):
        raise NotAllowed(LEAVE_OUTSIDE_SCOPE)
    if leave.status != LeaveStatus.PENDING:
        raise LeaveRefused(LEAVE_ALREADY_DECIDED)
    if not can_decide_leave(by, leave):
        raise NotAllowed(LEAVE_NEEDS_COUNTY % {"days": leave.days})
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    leave.decided_by, leave.decided_at, leave.decision_note = by, timezone.now(), note
    leave.full_clean()
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(leave, audit.LEAVE_APPROVE if approve else audit.LEAVE_REJECT, user=by, note=note)
    return leave
