"""Running the scheduler for a programme, and re-planning make-up training (补训)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from rotations import scheduler, selectors
from rotations.models import Programme, RunPhase, ScheduleRun
from rotations.services.scheduling.locks import units_lock
from rotations.services.scheduling.outcome import plan_save
from rotations.services.scheduling.snapshot import seats_fingerprint, snapshot_load

PhaseReport = Callable[[str, int], None]


def schedule_plan(
    *,
    programme: Programme,
    by=None,
    today: date | None = None,
    makeup: bool = False,
    run: ScheduleRun | None = None,
    on_phase: PhaseReport | None = None,
) -> ScheduleRun:
    """Place the programme's population; seats that are locked, done or already under way stay.

    With `makeup`, only cadres who did not complete their batch (and anyone without a seat) are
    moved, into batches that have not started yet (补训); every other seat stays as it is.

    Loading and solving happen outside any lock, so `on_phase(phase, percent)` can report
    progress another request can see; the seats are then written under the programme's lock and
    the lock of every unit of the population (which any other programme's writes to those units
    take too), after checking that nobody changed a seat meanwhile, here or in another programme
    sharing a unit (if someone did, it plans again under the locks). Fills and returns `run` when
    given (a background run), else a new record.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    report = on_phase or (lambda phase, percent: None)
    report(RunPhase.LOADING, 5)
    snapshot = snapshot_load(programme=programme, today=today, makeup=makeup)
    report(RunPhase.SOLVING, 35)
    plan = scheduler.schedule(**snapshot.inputs)
    report(RunPhase.SAVING, 70)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        # The population can have changed since loading; lock its units as they are now, then
        # those a re-plan would add (the order stays ascending within each call).
        unit_ids = set(
            selectors.population(programme=programme).order_by().values_list("unit_id", flat=True).distinct()
        )
        units_lock(unit_ids=unit_ids)
        away = selectors.seats_elsewhere(programme=programme, unit_ids=snapshot.unit_ids)
        if snapshot.unit_ids != unit_ids or seats_fingerprint(programme=programme, away=away) != snapshot.fingerprint:
            snapshot = snapshot_load(programme=programme, today=today, makeup=makeup)
            units_lock(unit_ids=snapshot.unit_ids - unit_ids)
            plan = scheduler.schedule(**snapshot.inputs)
        return plan_save(
            programme=programme,
            snapshot=snapshot,
            plan=plan,
            by=by,
            today=today,
            makeup=makeup,
            run=run,
            started=started,
        )
