"""Laying out a programme's batches around public holidays. Pure: plain data in, plain data out, no Django.

A batch runs on consecutive days, none of them a day off: a public holiday (节假日), or a weekend
when weekends are skipped, unless the State Council made that weekend day a make-up working day
(调休上班). `batch_slots` places the batches of "N batches of D days, a new one every E days"
from a first day, each moved later past any day off it would cover; `suggest` derives settings
from a programme's dates and population so that accepting them seats everyone inside the
programme, or says why no settings can.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_DAYS = 5  # a working week: the usual length of a county Party school rotation class
DEFAULT_CAPACITY = 60  # one classroom


@dataclass(frozen=True)
class Calendar:
    """Days off for training: holidays, and weekends if asked, less the make-up working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # 调休上班: weekend days that are working days
    skip_weekends: bool = False

    def is_off(self, day: date) -> bool:
        if day in self.workdays:
            return False
        return day in self.holidays or (self.skip_weekends and day.weekday() >= 5)

    def off_days(self, starts_on: date, ends_on: date) -> list[date]:
        """The days off from `starts_on` to `ends_on`, both included."""
        return [d for d in _days(starts_on, ends_on) if self.is_off(d)]


def _days(starts_on: date, ends_on: date) -> Iterable[date]:
    return (starts_on + timedelta(days=n) for n in range((ends_on - starts_on).days + 1))


@dataclass(frozen=True)
class Slot:
    starts_on: date
    ends_on: date


def first_clear_start(*, earliest: date, days: int, last_day: date, calendar: Calendar) -> date | None:
    """The first day from `earliest` on that begins `days` days with no day off, ending by `last_day`."""
    start = earliest
    while start + timedelta(days=days - 1) <= last_day:
        off = calendar.off_days(start, start + timedelta(days=days - 1))
        if not off:
            return start
        start = off[-1] + timedelta(days=1)
    return None


def batch_slots(
    *, count: int, days: int, every_days: int, first_starts_on: date, last_day: date, calendar: Calendar
) -> list[Slot]:
    """As many of the `count` batches as fit by `last_day`, each at its planned start or the first clear
    start after it; batches never overlap one another because of a move."""
    slots: list[Slot] = []
    for i in range(count):
        earliest = first_starts_on + timedelta(days=every_days * i)
        if slots:
            earliest = max(earliest, slots[-1].ends_on + timedelta(days=1)) if every_days >= days else earliest
        start = first_clear_start(earliest=earliest, days=days, last_day=last_day, calendar=calendar)
        if start is None:
            break
        slots.append(Slot(start, start + timedelta(days=days - 1)))
    return slots


class NoFit(StrEnum):
    TOO_SHORT = "too_short"  # not one batch of the length fits between the dates
    NO_ONE = "no_one"  # nobody needs a seat
    SEATED = "seated"  # the existing batches already offer a seat for everyone
    FLOOR = "floor"  # units must keep people on duty: more batches are needed than fit
    NO_SPARE = "no_spare"  # a unit must keep all its people on duty, so none of them can be placed


@dataclass(frozen=True)
class Suggestion:
    count: int = 0
    days: int = DEFAULT_DAYS
    every_days: int = DEFAULT_DAYS
    capacity: int = DEFAULT_CAPACITY
    first_starts_on: date | None = None
    slots: list[Slot] = field(default_factory=list)
    problem: NoFit | None = None
    population: int = 0  # the people the settings are to seat
    min_batches: int = 1  # fewest batches that let every unit keep its floor on duty

    @property
    def seats(self) -> int:
        return self.count * self.capacity


def suggest(
    *,
    starts_on: date,
    ends_on: date,
    population: int,
    calendar: Calendar,
    days: int = DEFAULT_DAYS,
    capacity: int = DEFAULT_CAPACITY,
    min_batches: int = 1,
) -> Suggestion:
    """Settings for the batch generator that seat `population` inside `starts_on`–`ends_on`.

    Batches of `days` days (shortened when the programme is shorter) of up to `capacity` seats,
    as few as seat everyone, spread evenly over the programme so that a unit's people are not all
    away at once; when back-to-back batches still cannot seat everyone, each batch gets more seats.
    `min_batches` is the fewest batches that let every unit keep its floor on duty (see
    `batches_for_floors`); when not that many fit, the suggestion fits as many as it can and says so.
    """
    days = max(1, min(days, (ends_on - starts_on).days + 1))
    packed = batch_slots(
        count=(ends_on - starts_on).days + 1,
        days=days,
        every_days=days,
        first_starts_on=starts_on,
        last_day=ends_on,
        calendar=calendar,
    )
    if not packed:
        return Suggestion(days=days, first_starts_on=starts_on, problem=NoFit.TOO_SHORT, population=population)
    if population <= 0:
        return Suggestion(days=days, first_starts_on=packed[0].starts_on, capacity=capacity, problem=NoFit.NO_ONE)
    capacity = max(1, min(capacity, population))
    count = max(math.ceil(population / capacity), min_batches)
    problem = None
    if count > len(packed):
        problem = NoFit.FLOOR if min_batches > len(packed) else None
        count = len(packed)
        capacity = max(capacity, math.ceil(population / count))
    first = packed[0].starts_on
    # Spread the batches evenly, then close up until every one of them fits around the days off.
    span = (ends_on - first).days + 1
    every = days if count == 1 else max(days, (span - days) // (count - 1))
    while True:
        slots = batch_slots(
            count=count, days=days, every_days=every, first_starts_on=first, last_day=ends_on, calendar=calendar
        )
        if len(slots) == count or every <= days:
            break
        every -= 1
    return Suggestion(
        count=len(slots),
        days=days,
        every_days=every,
        capacity=capacity,
        first_starts_on=first,
        slots=slots,
        population=population,
        min_batches=min_batches,
        problem=problem,
    )


def batches_for_floors(units: Iterable[tuple[int, int]]) -> int:
    """The fewest batches (none overlapping) that seat every unit's people while it keeps its floor:
    for each unit, (people to train, how many it may spare at a time). 0 when a unit can spare nobody."""
    needed = 1
    for people, spare in units:
        if people and not spare:
            return 0
        if people:
            needed = max(needed, math.ceil(people / spare))
    return needed
