"""Writing a plan: the seats it moves, and the run's record with the reason each cadre left out was left out."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop
from wagtail.log_actions import log

from cadres.models import Cadre
from rotations import scheduler
from rotations.models import Batch, Outcome, PlacedBy, Programme, RunPhase, RunStatus, ScheduleRun, Seat
from rotations.services.scheduling.snapshot import Snapshot

UNPLACED_UNAVAILABLE = gettext_noop("{cadre} is unavailable for every batch that has not started yet.")
UNPLACED_UNIT_FLOOR = gettext_noop(
    "{unit} has {size} cadres and must keep {floor} on duty; its {batches} possible batches ({starts} – {ends}) "
    "cannot take more than {spare} of them at a time."
)
UNPLACED_UNIT_FLOOR_ELSEWHERE = gettext_noop(
    "{unit} has {size} cadres and must keep {floor} on duty; with up to {elsewhere} of them away in other "
    "programmes' batches, its {batches} possible batches ({starts} – {ends}) cannot take more of them."
)
UNPLACED_FULL = gettext_noop("Every batch {cadre} could attend is full.")
UNPLACED_NO_BATCHES = gettext_noop("The programme has no batches yet, so {cadre} could not be placed.")
UNPLACED_FULL_OR_FLOOR = gettext_noop(
    "Every batch {cadre} could attend is either full or already takes as many of {unit} as it can spare "
    "({spare} at a time)."
)


def explain(item: scheduler.Unplaced, cadre: Cadre, batch_by_id: dict[int, Batch]) -> tuple[str, dict]:
    if item.reason is scheduler.Reason.UNAVAILABLE_THROUGHOUT:
        return UNPLACED_UNAVAILABLE, {"cadre": cadre.name}
    if item.reason is scheduler.Reason.BATCHES_FULL:
        return UNPLACED_FULL, {"cadre": cadre.name}
    if item.reason is scheduler.Reason.NO_BATCHES:
        return UNPLACED_NO_BATCHES, {"cadre": cadre.name}
    if item.reason is scheduler.Reason.UNIT_FLOOR:
        fitting = [batch_by_id[i] for i in item.fitting_batch_ids]
        if item.away_elsewhere:
            return UNPLACED_UNIT_FLOOR_ELSEWHERE, {
                "unit": cadre.unit.name,
                "size": item.unit_size,
                "floor": item.unit_floor,
                "elsewhere": item.away_elsewhere,
                "batches": len(fitting),
                "starts": str(min(b.starts_on for b in fitting)),
                "ends": str(max(b.ends_on for b in fitting)),
            }
        return UNPLACED_UNIT_FLOOR, {
            "unit": cadre.unit.name,
            "size": item.unit_size,
            "floor": item.unit_floor,
            "batches": len(fitting),
            "starts": str(min(b.starts_on for b in fitting)),
            "ends": str(max(b.ends_on for b in fitting)),
            "spare": item.unit_spare,
        }
    return UNPLACED_FULL_OR_FLOOR, {"cadre": cadre.name, "unit": cadre.unit.name, "spare": item.unit_spare}


def plan_save(
    *,
    programme: Programme,
    snapshot: Snapshot,
    plan: scheduler.Plan,
    by,
    today: date,
    makeup: bool,
    run: ScheduleRun | None,
    started: float,
) -> ScheduleRun:
    """Write the plan's seats and the run's record; called under the programme's and the units' locks."""
    cadres, seats = snapshot.cadres, snapshot.seats
    in_population = {c.pk for c in cadres}
    batch_by_id = {b.pk: b for b in snapshot.batches}
    # Seats of people who left the population go, unless they are locked or the batch has begun.
    gone = [s.pk for cid, s in seats.items() if cid not in in_population and not s.locked and s.batch.starts_on > today]
    Seat.objects.filter(pk__in=gone).delete()

    to_create, to_update, to_delete = [], [], []
    for cadre in cadres:
        seat = seats.get(cadre.pk)
        if snapshot.fixed[cadre.pk]:
            continue
        batch_id = plan.assignment.get(cadre.pk)
        if seat is None:
            if batch_id is not None:
                to_create.append(Seat(programme=programme, batch_id=batch_id, cadre=cadre, is_makeup=makeup))
        elif batch_id is None:
            if not makeup:
                to_delete.append(seat.pk)
        elif batch_id != seat.batch_id or seat.outcome == Outcome.NOT_COMPLETED:
            seat.batch_id = batch_id
            seat.placed_by = PlacedBy.SCHEDULER
            seat.locked = False
            if seat.outcome == Outcome.NOT_COMPLETED:
                seat.is_makeup = True
                seat.outcome = Outcome.SCHEDULED
            to_update.append(seat)
    Seat.objects.bulk_create(to_create, batch_size=2000)
    Seat.objects.bulk_update(to_update, ["batch", "placed_by", "locked", "is_makeup", "outcome"], batch_size=2000)
    Seat.objects.filter(pk__in=to_delete).delete()
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import seats_changed

    removed = {*gone, *to_delete}
    seats_changed(
        cadre_ids=[s.cadre_id for s in (*to_create, *to_update)]
        + [cadre_id for cadre_id, s in seats.items() if s.pk in removed]
    )

    cadre_by_id = {c.pk: c for c in cadres}
    unplaced = []
    for item in plan.unplaced:
        cadre = cadre_by_id[item.cadre_id]
        template, params = explain(item, cadre, batch_by_id)
        unplaced.append(
            {
                "cadre": cadre.pk,
                "name": cadre.name,
                "unit": cadre.unit.name,
                "reason": str(item.reason),
                "template": template,
                "params": params,
            }
        )
    run = run or ScheduleRun(programme=programme, created_at=timezone.now(), created_by=by, makeup=makeup)
    run.population = len(cadres)
    run.placed = plan.placed
    run.upper_bound = plan.upper_bound
    run.moved = len(to_update)
    run.overlapping = plan.overlapping
    run.unplaced = unplaced
    run.by_batch = _by_batch(snapshot.batches, plan)
    run.by_unit = _by_unit(cadres, plan)
    run.status, run.phase, run.percent = RunStatus.SUCCEEDED, RunPhase.DONE, 100
    run.finished_at = timezone.now()
    run.seconds = time.perf_counter() - started
    run.save()
    # Audit trail (Wagtail's log; the acting admin user comes from its log context when `by` is None).
    log(run, "wagtail.create", user=by, data={"placed": run.placed, "moved": run.moved, "makeup": makeup})
    return run


BY_UNIT_ROWS = 200


def _by_batch(batches: list[Batch], plan: scheduler.Plan) -> list[dict]:
    seated: dict[int, int] = defaultdict(int)
    for batch_id in plan.assignment.values():
        seated[batch_id] += 1
    return [
        {
            "batch": b.pk,
            "number": b.number,
            "starts_on": str(b.starts_on),
            "seated": seated[b.pk],
            "capacity": b.capacity,
        }
        for b in sorted(batches, key=lambda b: (b.starts_on, b.number))
    ]


def _by_unit(cadres: list[Cadre], plan: scheduler.Plan) -> list[dict]:
    """Placed and left out per unit, the units with most left out first (the first BY_UNIT_ROWS)."""
    rows: dict[int, dict] = {}
    for cadre in cadres:
        row = rows.setdefault(
            cadre.unit_id, {"unit": cadre.unit_id, "name": cadre.unit.name, "placed": 0, "unplaced": 0}
        )
        row["placed" if cadre.pk in plan.assignment else "unplaced"] += 1
    return sorted(rows.values(), key=lambda r: (-r["unplaced"], r["name"], r["unit"]))[:BY_UNIT_ROWS]
