"""Placing or moving one cadre by hand, under the same rules as the scheduler."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from wagtail.log_actions import log

from cadres.models import Cadre
from rotations import scheduler, selectors
from rotations.exceptions import BatchFull, CadreUnavailable, NotInProgramme, ScheduleInvalid, UnitFloorBroken
from rotations.models import Batch, Outcome, PlacedBy, Programme, Seat, Unavailability
from rotations.services.scheduling.locks import units_lock

MOVE_OTHER_PROGRAMME = gettext_noop("Batch {batch} belongs to another programme.")
MOVE_NOT_IN_POPULATION = gettext_noop("{cadre} is not in this programme's population.")
MOVE_STARTED = gettext_noop("Batch {batch} has already started; choose a later batch.")
MOVE_BATCH_FULL = gettext_noop("Batch {batch} is full ({capacity} seats).")
MOVE_UNAVAILABLE = gettext_noop("{cadre} is unavailable from {starts} to {ends} ({reason}).")
MOVE_UNIT_FLOOR = gettext_noop(
    "Placing {cadre} in batch {batch} would take {away} of {unit} away on {day}; "
    "it has {size} cadres and must keep {floor} on duty."
)
MOVE_UNIT_FLOOR_ELSEWHERE = gettext_noop(
    "Placing {cadre} in batch {batch} would take {away} of {unit} away on {day}, {elsewhere} of them in other "
    "programmes' batches; it has {size} cadres and must keep {floor} on duty."
)
MOVE_BUSY_ELSEWHERE = gettext_noop("{cadre} is already in batch {batch} of {programme} from {starts} to {ends}.")


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
    # Other programmes write seats of this unit too: take turns with them before counting who is away.
    units_lock(unit_ids=[cadre.unit_id])
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
    """The unit's allowance on every day of the batch, counting its people away in any programme."""
    size = selectors.unit_sizes(unit_ids=[cadre.unit_id]).get(cadre.unit_id, 0)
    allowed = scheduler.spare(size, cadre.unit.min_on_duty)
    overlapping = Seat.objects.filter(
        cadre__active=True, batch__starts_on__lte=batch.ends_on, batch__ends_on__gte=batch.starts_on
    )
    clash = (
        overlapping.filter(cadre=cadre)
        .exclude(programme=programme)
        .select_related("batch", "programme")
        .order_by("batch__starts_on")
        .first()
    )
    if clash:
        raise CadreUnavailable(
            MOVE_BUSY_ELSEWHERE,
            cadre=cadre.name,
            batch=clash.batch.number,
            programme=clash.programme.name,
            starts=clash.batch.starts_on,
            ends=clash.batch.ends_on,
        )
    running = list(
        overlapping.filter(cadre__unit_id=cadre.unit_id)
        .exclude(cadre=cadre)
        .values_list("batch__starts_on", "batch__ends_on", "programme_id")
    )
    # The number away only rises on a start day, so the start days inside the batch are enough.
    days = {batch.starts_on} | {starts for starts, _, _ in running if batch.starts_on <= starts <= batch.ends_on}
    for day in sorted(days):
        away_then = [other for starts, ends, other in running if starts <= day <= ends]
        away = 1 + len(away_then)
        if away > allowed:
            elsewhere = sum(1 for other in away_then if other != programme.pk)
            params = {
                "cadre": cadre.name,
                "batch": batch.number,
                "away": away,
                "unit": cadre.unit.name,
                "day": day,
                "size": size,
                "floor": scheduler.effective_floor(size, cadre.unit.min_on_duty),
            }
            if elsewhere:
                raise UnitFloorBroken(MOVE_UNIT_FLOOR_ELSEWHERE, elsewhere=elsewhere, **params)
            raise UnitFloorBroken(MOVE_UNIT_FLOOR, **params)


@transaction.atomic
def seat_set_locked(*, seat: Seat, locked: bool) -> Seat:
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    seat.locked = locked
    seat.save(update_fields=["locked"])
    log(seat, "wagtail.edit", data={"locked": locked})
    return seat
