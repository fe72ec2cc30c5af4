"""Running the scheduler for a programme, re-planning make-up training, and placing a cadre by hand."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from cadres.models import Cadre
from rotations import scheduler, selectors
from rotations.exceptions import BatchFull, CadreUnavailable, NotInProgramme, ScheduleInvalid, UnitFloorBroken
from rotations.models import Batch, Outcome, PlacedBy, Programme, ScheduleRun, Seat, Unavailability

UNPLACED_UNAVAILABLE = "{cadre} is unavailable for every batch that has not started yet."
UNPLACED_UNIT_FLOOR = (
    "{unit} has {size} cadres and must keep {floor} on duty; its {batches} possible batches ({starts} – {ends}) "
    "cannot take more than {spare} of them at a time."
)
UNPLACED_FULL = "Every batch {cadre} could attend is full."
UNPLACED_FULL_OR_FLOOR = (
    "Every batch {cadre} could attend is either full or already takes as many of {unit} as it can spare "
    "({spare} at a time)."
)
MOVE_OTHER_PROGRAMME = "Batch {batch} belongs to another programme."
MOVE_NOT_IN_POPULATION = "{cadre} is not in this programme's population."
MOVE_STARTED = "Batch {batch} has already started; choose a later batch."
MOVE_BATCH_FULL = "Batch {batch} is full ({capacity} seats)."
MOVE_UNAVAILABLE = "{cadre} is unavailable from {starts} to {ends} ({reason})."
MOVE_UNIT_FLOOR = (
    "Placing {cadre} in batch {batch} would take {away} of {unit} away on {day}; "
    "it has {size} cadres and must keep {floor} on duty."
)


def _is_newly_posted(cadre: Cadre, programme: Programme) -> bool:
    if cadre.posted_on is None:
        return False
    return 0 <= (programme.starts_on - cadre.posted_on).days <= programme.newly_posted_days or (
        cadre.posted_on > programme.starts_on
    )


def _explain(item: scheduler.Unplaced, cadre: Cadre, batch_by_id: dict[int, Batch]) -> tuple[str, dict]:
    if item.reason is scheduler.Reason.UNAVAILABLE_THROUGHOUT:
        return UNPLACED_UNAVAILABLE, {"cadre": cadre.name}
    if item.reason is scheduler.Reason.BATCHES_FULL:
        return UNPLACED_FULL, {"cadre": cadre.name}
    if item.reason is scheduler.Reason.UNIT_FLOOR:
        fitting = [batch_by_id[i] for i in item.fitting_batch_ids]
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


@transaction.atomic
def schedule_plan(*, programme: Programme, by=None, today: date | None = None, makeup: bool = False) -> ScheduleRun:
    """Place the programme's population; seats that are locked, done or already under way stay.

    With `makeup`, only cadres who did not complete their batch (and anyone without a seat) are
    moved, into batches that have not started yet (补训); every other seat stays as it is.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    cadres = list(selectors.population(programme=programme))
    in_population = {c.pk for c in cadres}
    batches = list(programme.batches.all())
    batch_by_id = {b.pk: b for b in batches}
    seats = {s.cadre_id: s for s in Seat.objects.filter(programme=programme).select_related("batch")}

    # Seats of people who left the population go, unless they are locked or the batch has begun.
    gone = [s.pk for cid, s in seats.items() if cid not in in_population and not s.locked and s.batch.starts_on > today]
    Seat.objects.filter(pk__in=gone).delete()

    def stays(seat: Seat | None) -> bool:
        if seat is None:
            return False
        if makeup:
            return seat.outcome != Outcome.NOT_COMPLETED
        return seat.locked or seat.outcome != Outcome.SCHEDULED or seat.batch.starts_on <= today

    unavailable: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for row in Unavailability.objects.filter(
        cadre_id__in=in_population, starts_on__lte=programme.ends_on, ends_on__gte=programme.starts_on
    ).values_list("cadre_id", "starts_on", "ends_on"):
        unavailable[row[0]].append((row[1], row[2]))
    sizes = selectors.unit_sizes(unit_ids={c.unit_id for c in cadres})
    units = {c.unit_id: c.unit for c in cadres}
    plan = scheduler.schedule(
        units=[scheduler.Unit(id=uid, size=sizes.get(uid, 0), min_on_duty=u.min_on_duty) for uid, u in units.items()],
        batches=[
            scheduler.Batch(id=b.pk, starts_on=b.starts_on, ends_on=b.ends_on, capacity=b.capacity) for b in batches
        ],
        cadres=[
            scheduler.Cadre(
                id=c.pk,
                unit_id=c.unit_id,
                # Nobody joins a batch that has already begun.
                unavailable=(*unavailable[c.pk], (date.min, today)) if not stays(seats.get(c.pk)) else (),
                newly_posted=_is_newly_posted(c, programme),
                fixed_batch_id=seats[c.pk].batch_id if stays(seats.get(c.pk)) else None,
            )
            for c in cadres
        ],
    )

    to_create, to_update, to_delete = [], [], []
    for cadre in cadres:
        seat = seats.get(cadre.pk)
        if stays(seat):
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
        template, params = _explain(item, cadre, batch_by_id)
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
    run = ScheduleRun(
        programme=programme,
        created_at=timezone.now(),
        created_by=by,
        population=len(cadres),
        placed=plan.placed,
        upper_bound=plan.upper_bound,
        moved=len(to_update),
        overlapping=plan.overlapping,
        unplaced=unplaced,
        seconds=time.perf_counter() - started,
    )
    run.save()
    # Audit trail (Wagtail's log; the acting admin user comes from its log context when `by` is None).
    log(run, "wagtail.create", user=by, data={"placed": run.placed, "moved": run.moved, "makeup": makeup})
    return run


@transaction.atomic
def seat_assign(*, programme: Programme, cadre: Cadre, batch: Batch, today: date | None = None) -> Seat:
    """Place or move a cadre by hand; the same rules as the scheduler, and the seat is then locked."""
    today = today or timezone.localdate()
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if batch.programme_id != programme.pk:
        raise NotInProgramme(MOVE_OTHER_PROGRAMME, batch=batch.number)
    if not selectors.population(programme=programme).filter(pk=cadre.pk).exists():
        raise NotInProgramme(MOVE_NOT_IN_POPULATION, cadre=cadre.name)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.starts_on <= today:
        raise ScheduleInvalid(MOVE_STARTED, batch=batch.number)
    if Seat.objects.filter(batch=batch).exclude(cadre=cadre).count() >= batch.capacity:
        raise BatchFull(MOVE_BATCH_FULL, batch=batch.number, capacity=batch.capacity)
    clash = (
        Unavailability.objects.filter(cadre=cadre, starts_on__lte=batch.ends_on, ends_on__gte=batch.starts_on)
        .order_by("starts_on")
        .first()
    )
    if clash:
        raise CadreUnavailable(
            MOVE_UNAVAILABLE, cadre=cadre.name, starts=clash.starts_on, ends=clash.ends_on, reason=clash.reason
        )
    _check_unit_floor(programme=programme, cadre=cadre, batch=batch)

    seat = Seat.objects.filter(programme=programme, cadre=cadre).first() or Seat(programme=programme, cadre=cadre)
    moved_from = seat.batch.number if seat.pk else None
    seat.batch = batch
    seat.locked = True
    seat.placed_by = PlacedBy.HAND
    if seat.outcome == Outcome.NOT_COMPLETED:
        seat.outcome = Outcome.SCHEDULED
        seat.is_makeup = True
    seat.full_clean()
    seat.save()
    log(
        seat, "wagtail.edit" if moved_from else "wagtail.create", data={"from_batch": moved_from, "batch": batch.number}
    )
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import seats_changed

    seats_changed(cadre_ids=[cadre.pk])
    return seat


def _check_unit_floor(*, programme: Programme, cadre: Cadre, batch: Batch) -> None:
    size = selectors.unit_sizes(unit_ids=[cadre.unit_id]).get(cadre.unit_id, 0)
    allowed = scheduler.spare(size, cadre.unit.min_on_duty)
    running = list(
        Seat.objects.filter(
            programme=programme,
            cadre__unit_id=cadre.unit_id,
            batch__starts_on__lte=batch.ends_on,
            batch__ends_on__gte=batch.starts_on,
        )
        .exclude(cadre=cadre)
        .values_list("batch__starts_on", "batch__ends_on")
    )
    # The number away only rises on a start day, so the start days inside the batch are enough.
    days = {batch.starts_on} | {starts for starts, _ in running if batch.starts_on <= starts <= batch.ends_on}
    for day in sorted(days):
        away = 1 + sum(1 for starts, ends in running if starts <= day <= ends)
        if away > allowed:
            raise UnitFloorBroken(
                MOVE_UNIT_FLOOR,
                cadre=cadre.name,
                batch=batch.number,
                away=away,
                unit=cadre.unit.name,
                day=day,
                size=size,
                floor=scheduler.effective_floor(size, cadre.unit.min_on_duty),
            )


@transaction.atomic
def seat_set_locked(*, seat: Seat, locked: bool) -> Seat:
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    seat.locked = locked
    seat.save(update_fields=["locked"])
    log(seat, "wagtail.edit", data={"locked": locked})
    return seat
