"""The rules of village postings as plain functions: terms, team size, leave approval, presence, flags.

No Django here, so every rule can be tested exhaustively and reused by selectors, services and
reports alike. Numbers that differ by province arrive as a `Rules` value, never as constants.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# Defaults from DOMAIN.md; every one of them is editable per unit (PostingRuleSet).
DEFAULT_TERM_MONTHS = 24  # 2017 central opinion: a term is at least two years
DEFAULT_MIN_TEAM_SIZE = 3  # a village work team has at least three people
DEFAULT_DAYS_PER_MONTH = 20  # 广西: at least 20 days a month in the village
DEFAULT_DAYS_PER_YEAR = 200  # 青海: at least 200 days a year
DEFAULT_TOWNSHIP_LEAVE_DAYS = 3  # longer leave goes to the county organisation department
DEFAULT_INDUCTION_DAYS = 30
DEFAULT_FLAG_THRESHOLDS = (1, 2, 3)  # 广西: 1 → not excellent, 2 → basically competent, ≥ 3 → incompetent
MAX_HANDOVER_DAYS = 90


@dataclass(frozen=True)
class Rules:
    term_months: int = DEFAULT_TERM_MONTHS
    min_team_size: int = DEFAULT_MIN_TEAM_SIZE
    days_per_month: int = DEFAULT_DAYS_PER_MONTH
    days_per_year: int = DEFAULT_DAYS_PER_YEAR
    township_leave_days: int = DEFAULT_TOWNSHIP_LEAVE_DAYS
    induction_days: int = DEFAULT_INDUCTION_DAYS
    flag_thresholds: tuple[int, int, int] = DEFAULT_FLAG_THRESHOLDS


# --- terms ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(starts_on: date, term_months: int) -> date:
    return add_months(starts_on, term_months)


def induction_due(starts_on: date, induction_days: int) -> date:
    """Each newly posted cadre's own induction deadline: the posting's first day plus the allowed days."""
    return starts_on + timedelta(days=induction_days)


def term_is_long_enough(starts_on: date, planned_end_on: date, min_months: int) -> bool:
    return planned_end_on >= add_months(starts_on, min_months)


def handover_days(*, successor_starts_on: date, predecessor_ends_on: date) -> int:
    """Days both are posted (both ends counted); 0 when the successor comes after the predecessor left."""
    return max(0, (predecessor_ends_on - successor_starts_on).days + 1)


def handover_is_valid(*, successor_starts_on: date, predecessor_ends_on: date) -> bool:
    """The successor arrives no later than the day after the predecessor leaves, and the overlap is bounded."""
    if successor_starts_on > predecessor_ends_on + timedelta(days=1):
        return False
    return handover_days(successor_starts_on=successor_starts_on, predecessor_ends_on=predecessor_ends_on) <= (
        MAX_HANDOVER_DAYS
    )


# --- team size -----------------------------------------------------------------------------


def team_shortfall(active_members: int, minimum: int) -> int:
    """How many people the team lacks; 0 when it is at or above its minimum."""
    return max(0, minimum - active_members)


# --- leave ---------------------------------------------------------------------------------


class ApprovalLevel(StrEnum):
    TOWNSHIP = "township"
    COUNTY = "county"


# How high each unit level stands; an officer may decide leave at or below their own standing.
LEVEL_RANK = {"village_team": 0, "township": 1, "county": 2, "city": 3, "province": 4}
APPROVAL_RANK = {ApprovalLevel.TOWNSHIP: LEVEL_RANK["township"], ApprovalLevel.COUNTY: LEVEL_RANK["county"]}


def leave_days(starts_on: date, ends_on: date) -> int:
    """Calendar days of a leave, both ends included."""
    return (ends_on - starts_on).days + 1


def leave_approval_level(days: int, township_max_days: int) -> ApprovalLevel:
    """The township approves up to its threshold; anything longer goes to the county."""
    return ApprovalLevel.TOWNSHIP if days <= township_max_days else ApprovalLevel.COUNTY


def may_decide_leave(required: ApprovalLevel | str, *, approver_unit_level: str | None, is_admin: bool) -> bool:
    if is_admin:
        return True
    if approver_unit_level is None:
        return False
    return LEVEL_RANK.get(approver_unit_level, -1) >= APPROVAL_RANK[ApprovalLevel(required)]


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


# --- presence ------------------------------------------------------------------------------


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def year_bounds(day: date) -> tuple[date, date]:
    return date(day.year, 1, 1), date(day.year, 12, 31)


def clip(start: date, end: date, lower: date, upper: date | None) -> tuple[date, date] | None:
    """[start, end] cut down to [lower, upper]; None when nothing is left."""
    start, end = max(start, lower), min(end, upper) if upper else end
    return (start, end) if start <= end else None


class PresenceStatus(StrEnum):
    MET = "met"  # the rule is already satisfied for the period
    ON_TRACK = "on_track"  # keeping pace
    BEHIND = "behind"  # below pace but still reachable: act now
    CANNOT_MEET = "cannot_meet"  # not reachable even by checking in every remaining day
    NOT_DUE = "not_due"  # not posted during the period


@dataclass(frozen=True)
class Presence:
    present: int
    required: int
    status: PresenceStatus
    remaining_days: int  # days of the period, within the posting and not on leave, from `today` (included) on
    on_leave: int = 0  # days of approved leave in the period, taken out of the days the rule applies to

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.present)

    @property
    def percent(self) -> int:
        return 100 if not self.required else min(100, round(100 * self.present / self.required))


def leave_days_off(ranges: Iterable[tuple[date, date]], check_ins: Container[date] = frozenset()) -> frozenset[date]:
    """The days of approved leave (`ranges`, both ends included) on which the cadre did not check in.

    A check-in on a leave day (back early) counts that day as present, so it is not excused as well.
    """
    days: set[date] = set()
    for start, end in ranges:
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return frozenset(day for day in days if day not in check_ins)


def assess_presence(
    *,
    present: int,
    rule_days: int,
    period: tuple[date, date],
    posted_from: date,
    posted_until: date | None,
    today: date,
    leave: Collection[date] = frozenset(),
) -> Presence:
    """Days present in a period (a month or a year) against the rule for that period.

    A posting that covers only part of the period owes a pro-rated share of the rule, rounded up.
    Approved leave (`leave`: the days off, from `leave_days_off`) is treated the same way: those
    days are neither present nor owed, so the rule is pro-rated over the days the cadre was
    posted and not on leave. The pace is the share of the required days that the elapsed part of
    those days would earn, so a shortfall shows up while there is still time to make it up.
    """
    period_start, period_end = period
    covered = clip(posted_from, posted_until or period_end, period_start, period_end)
    if covered is None:
        return Presence(present=present, required=0, status=PresenceStatus.NOT_DUE, remaining_days=0)
    first, last = covered
    on_leave = sum(1 for day in leave if first <= day <= last)
    available = (last - first).days + 1 - on_leave
    period_days = (period_end - period_start).days + 1
    required = min(available, math.ceil(rule_days * available / period_days))
    # Today still counts as available: a check-in later today can still be made.
    from_day = max(today, first)
    remaining = max(0, (last - from_day).days + 1) - sum(1 for day in leave if from_day <= day <= last)
    if present >= required:
        status = PresenceStatus.MET
    elif present + remaining < required:
        status = PresenceStatus.CANNOT_MEET
    else:
        elapsed = available - remaining
        expected = math.floor(required * elapsed / available)
        status = PresenceStatus.ON_TRACK if present >= expected else PresenceStatus.BEHIND
    return Presence(present=present, required=required, status=status, remaining_days=remaining, on_leave=on_leave)


def days_in_period(days: Iterable[date], period: tuple[date, date]) -> int:
    start, end = period
    return sum(1 for day in days if start <= day <= end)


# --- supervision ---------------------------------------------------------------------------


class FlagLevel(StrEnum):
    NOT_EXCELLENT = "not_excellent"  # cannot be rated 优秀 this year
    BASICALLY_COMPETENT = "basically_competent"  # rated 基本称职 at best
    INCOMPETENT = "incompetent"  # rated 不称职

    @property
    def rank(self) -> int:
        return list(FlagLevel).index(self)


def flag_for_absences(absences: int, thresholds: Sequence[int]) -> FlagLevel | None:
    """The heaviest flag whose threshold the count of unexcused absences reaches."""
    reached = None
    for level, threshold in zip(FlagLevel, thresholds, strict=True):
        if absences >= threshold:
            reached = level
    return reached


def thresholds_are_valid(thresholds: Sequence[int]) -> bool:
    return len(thresholds) == 3 and 1 <= thresholds[0] <= thresholds[1] <= thresholds[2]


# --- exports -------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@")


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; everything else is untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
