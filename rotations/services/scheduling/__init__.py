"""Scheduling seats: running the scheduler for a programme and placing a cadre by hand.

The work is split by step — `snapshot` (what a run reads), `plan` (the run), `outcome` (writing
its seats and record), `by_hand` (one placement) and `locks` (the unit locks every seat write
takes so that programmes sharing a unit never break its floor together). The public names are
imported here so callers keep using `rotations.services.scheduling`.
"""

from rotations import scheduler
from rotations.services.scheduling.by_hand import (
    MOVE_BATCH_FULL,
    MOVE_BUSY_ELSEWHERE,
    MOVE_NOT_IN_POPULATION,
    MOVE_OTHER_PROGRAMME,
    MOVE_STARTED,
    MOVE_UNAVAILABLE,
    MOVE_UNIT_FLOOR,
    MOVE_UNIT_FLOOR_ELSEWHERE,
    seat_assign,
    seat_set_locked,
)
from rotations.services.scheduling.locks import units_lock
from rotations.services.scheduling.outcome import (
    BY_UNIT_ROWS,
    UNPLACED_FULL,
    UNPLACED_FULL_OR_FLOOR,
    UNPLACED_UNAVAILABLE,
    UNPLACED_UNIT_FLOOR,
    UNPLACED_UNIT_FLOOR_ELSEWHERE,
)
from rotations.services.scheduling.plan import PhaseReport, schedule_plan

__all__ = [
    "BY_UNIT_ROWS",
    "MOVE_BATCH_FULL",
    "MOVE_BUSY_ELSEWHERE",
    "MOVE_NOT_IN_POPULATION",
    "MOVE_OTHER_PROGRAMME",
    "MOVE_STARTED",
    "MOVE_UNAVAILABLE",
    "MOVE_UNIT_FLOOR",
    "MOVE_UNIT_FLOOR_ELSEWHERE",
    "UNPLACED_FULL",
    "UNPLACED_FULL_OR_FLOOR",
    "UNPLACED_UNAVAILABLE",
    "UNPLACED_UNIT_FLOOR",
    "UNPLACED_UNIT_FLOOR_ELSEWHERE",
    "PhaseReport",
    "schedule_plan",
    "scheduler",
    "seat_assign",
    "seat_set_locked",
    "units_lock",
]
