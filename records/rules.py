"""How credit hours are counted. Pure: no Django, plain data in and out.

A `Rule` says, for a year and a group of cadres, what the yearly target is, how an online course
turns into hours (the course's stated hours, minutes ÷ minutes-per-hour, or length buckets, plus
a bonus for a passed final quiz), what share of a course must be done before it counts, how many
hours a training day is worth, and caps per source per year or per day. `Tally` applies the caps
to a cadre's entries in the order they were earned, so recounting a year gives the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

COURSE, MINUTES, BUCKETS = "course", "minutes", "buckets"
ALL, ELECTIVE = "all", "elective"
YEAR, DAY = "year", "day"
TENTH = Decimal("0.1")
ZERO = Decimal(0)

# Defaults when no rule is configured; docs/credit-hours.md gives their sources.
DEFAULT_TARGET_HOURS = Decimal(50)
DEFAULT_MINUTES_PER_HOUR = 45
DEFAULT_HOURS_PER_TRAINING_DAY = Decimal(8)


@dataclass(frozen=True)
class Bucket:
    min_minutes: int
    hours: Decimal


@dataclass(frozen=True)
class Cap:
    source: str  # "all", "course", "elective", "quiz", "batch" or "outside"
    period: str  # "year" or "day"
    hours: Decimal


@dataclass(frozen=True)
class Rule:
    id: int | None = None
    label: str = ""
    year: int | None = None
    category: str = ""
    rank: str = ""
    target_hours: Decimal = DEFAULT_TARGET_HOURS
    target_days: int | None = None
    conversion: str = COURSE
    minutes_per_hour: int = DEFAULT_MINUTES_PER_HOUR
    buckets: tuple[Bucket, ...] = ()
    quiz_bonus_hours: Decimal = ZERO
    completion_share: int = 100
    hours_per_training_day: Decimal = DEFAULT_HOURS_PER_TRAINING_DAY
    caps: tuple[Cap, ...] = ()

    def applies_to(self, *, year: int, category: str, rank: str) -> bool:
        return self.year in (None, year) and self.category in ("", category) and self.rank in ("", rank)

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        return (self.year is not None, bool(self.category), bool(self.rank))


DEFAULT_RULE = Rule()


def pick_rule(rules: Iterable[Rule], *, year: int, category: str, rank: str) -> Rule:
    """The most specific rule for the cadre's group: a year beats every year, then category, then rank."""
    matching = [r for r in rules if r.applies_to(year=year, category=category, rank=rank)]
    return max(matching, key=lambda r: r.specificity, default=DEFAULT_RULE)


def tenths(value: Decimal) -> Decimal:
    """Hours are kept to one decimal and never rounded up."""
    return value.quantize(TENTH, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Counted:
    hours: Decimal
    basis: dict


def course_hours(rule: Rule, *, stated_hours: Decimal, minutes: int, quiz_passed: bool) -> Counted:
    """What a completed online course is worth under `rule`, before caps."""
    basis: dict = {"method": rule.conversion}
    if rule.conversion == MINUTES:
        hours = tenths(Decimal(minutes) / Decimal(rule.minutes_per_hour))
        basis.update(minutes=minutes, per_hour=rule.minutes_per_hour)
    elif rule.conversion == BUCKETS:
        fitting = [b for b in rule.buckets if minutes >= b.min_minutes]
        best = max(fitting, key=lambda b: b.min_minutes, default=None)
        hours = best.hours if best else ZERO
        basis.update(minutes=minutes, bucket=best.min_minutes if best else None)
    else:
        hours = Decimal(stated_hours)
    if quiz_passed and rule.quiz_bonus_hours:
        hours += rule.quiz_bonus_hours
        basis["quiz_bonus"] = str(rule.quiz_bonus_hours)
    return Counted(hours=tenths(hours), basis=basis)


def share_is_enough(rule: Rule, share: float) -> bool:
    """True when `share` (0–1) of a course is done, enough for its hours to count."""
    return share * 100 >= rule.completion_share - 1e-9


def batch_hours(rule: Rule, *, stated_hours: Decimal, training_days: int) -> Counted:
    """A completed batch is worth its programme's stated hours, or the rule's hours per training day."""
    if stated_hours:
        return Counted(hours=tenths(Decimal(stated_hours)), basis={"method": "stated"})
    hours = tenths(rule.hours_per_training_day * training_days)
    return Counted(
        hours=hours, basis={"method": "days", "days": training_days, "per_day": str(rule.hours_per_training_day)}
    )


def target_met(rule: Rule, *, hours: Decimal, training_days: int) -> bool:
    if hours >= rule.target_hours:
        return True
    return rule.target_days is not None and training_days >= rule.target_days


@dataclass
class Tally:
    """Hours already granted per cap bucket, so each new entry is cut to what its caps still allow."""

    used: dict[tuple[str, str, date | None], Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @staticmethod
    def tags(source: str, *, elective: bool = False) -> set[str]:
        return {ALL, source} | ({ELECTIVE} if elective else set())

    def grant(self, rule: Rule, *, source: str, hours: Decimal, day: date, elective: bool = False) -> Counted:
        """Grant `hours` of `source` earned on `day`, less whatever the rule's caps no longer allow."""
        tags = self.tags(source, elective=elective)
        granted, limit = hours, None
        for cap in rule.caps:
            if cap.source not in tags:
                continue
            key = (cap.source, cap.period, day if cap.period == DAY else None)
            room = max(ZERO, cap.hours - self.used[key])
            if room < granted:
                granted, limit = room, cap
        for tag in tags:
            self.used[(tag, YEAR, None)] += granted
            self.used[(tag, DAY, day)] += granted
        basis = {} if limit is None else {"cap": f"{limit.source}/{limit.period}", "cap_hours": str(limit.hours)}
        return Counted(hours=granted, basis=basis)


@dataclass(frozen=True)
class Item:
    """One ledger entry to count: its source, when, and what it is worth before caps."""

    key: object
    source: str
    day: date
    hours: Decimal
    elective: bool = False


def count_year(rule: Rule, items: Sequence[Item]) -> dict[object, Counted]:
    """Grant each item in the order given (earliest first) under the rule's caps."""
    tally = Tally()
    return {
        item.key: tally.grant(rule, source=item.source, hours=item.hours, day=item.day, elective=item.elective)
        for item in items
    }
