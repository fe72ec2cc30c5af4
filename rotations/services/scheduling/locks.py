"""The lock every write of seats takes on the units whose floor it checks."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from cadres.models import OrgUnit

# Rows locked per statement: keeps the parameter list of a province-wide programme manageable.
LOCK_CHUNK = 5000


def units_lock(*, unit_ids: Iterable[int]) -> None:
    """Hold the rows of these units until the transaction ends, taken lowest id first.

    A unit's floor counts its people away in every programme, so a run or a hand placement in
    one programme and another in a second programme that share a unit must not both check the
    floor before either has written. Both take this lock (after their programme's) and only
    then read who is away; the fixed order means two writers never wait on each other in a
    circle. SQLite already runs one write transaction at a time (BEGIN IMMEDIATE), and has no
    row locks, so there is nothing to take there.
    """
    if not connection.features.has_select_for_update:
        return
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), LOCK_CHUNK):
        list(
            OrgUnit.objects.select_for_update()
            .filter(pk__in=ids[start : start + LOCK_CHUNK])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
