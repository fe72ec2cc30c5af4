"""When a required course is due for one cadre: the one rule, with no Django import.

A cadre put on the roster after a requirement was made gets time to catch up: their due date is
the requirement's, or the day they joined plus the grace period, whichever is later. Without it,
a township imported in November found every new cadre overdue on their first day. A personal
requirement (an induction) already counts from the cadre's own posting, so it keeps its date.
"""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_GRACE_DAYS = 30


def cadre_due_date(
    *,
    due: date,
    requirement_created: date | None,
    joined: date | None,
    grace_days: int = DEFAULT_GRACE_DAYS,
    personal: bool = False,
) -> date:
    """The date by which this cadre must complete the course of a requirement due on `due`."""
    if personal or joined is None or requirement_created is None or joined <= requirement_created:
        return due
    return max(due, joined + timedelta(days=grace_days))
