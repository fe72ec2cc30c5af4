"""What a scheduler run reads before solving: the population, batches, seats and the scheduler's input."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cadres.models import Cadre
from rotations import scheduler, selectors
from rotations.models import Batch, Outcome, Programme, Seat, Unavailability


def is_newly_posted(cadre: Cadre, programme: Programme) -> bool:
    if cadre.posted_on is None:
        return False
    return 0 <= (programme.starts_on - cadre.posted_on).days <= programme.newly_posted_days or (
        cadre.posted_on > programme.starts_on
    )


@dataclass
class Snapshot:
    """Everything a run reads before solving, and a fingerprint of what a concurrent write could change."""

    cadres: list[Cadre]
    batches: list[Batch]
    seats: dict[int, Seat]
    fixed: dict[int, bool]  # cadre id → their seat stays as it is
    inputs: dict
    fingerprint: int

    @property
    def unit_ids(self) -> set[int]:
        return {c.unit_id for c in self.cadres}


def seats_fingerprint(*, programme: Programme, away: list[tuple]) -> int:
    """What the plan depends on that officers change by hand: our seats, our batches, others' seats."""
    seats = Seat.objects.filter(programme=programme).order_by("cadre_id")
    batches = programme.batches.order_by("pk")
    return hash(
        (
            tuple(seats.values_list("cadre_id", "batch_id", "locked", "outcome")),
            tuple(batches.values_list("pk", "starts_on", "ends_on", "capacity")),
            tuple(away),
        )
    )


def snapshot_load(*, programme: Programme, today: date, makeup: bool) -> Snapshot:
    """Read the programme as it stands and turn it into the scheduler's plain input."""
    cadres = list(selectors.population(programme=programme))
    in_population = {c.pk for c in cadres}
    batches = list(programme.batches.all())
    seats = {s.cadre_id: s for s in Seat.objects.filter(programme=programme).select_related("batch")}

    def stays(seat: Seat | None) -> bool:
        if seat is None:
            return False
        if makeup:
            return seat.outcome != Outcome.NOT_COMPLETED
        return seat.locked or seat.outcome != Outcome.SCHEDULED or seat.batch.starts_on <= today

    fixed = {c.pk: stays(seats.get(c.pk)) for c in cadres}
    unavailable: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for row in Unavailability.objects.filter(
        cadre_id__in=in_population, starts_on__lte=programme.ends_on, ends_on__gte=programme.starts_on
    ).values_list("cadre_id", "starts_on", "ends_on"):
        unavailable[row[0]].append((row[1], row[2]))
    unit_ids = {c.unit_id for c in cadres}
    # Cadres of these units away in other programmes' batches: they count against the unit's floor,
    # and nobody sits in two batches at once.
    away = selectors.seats_elsewhere(programme=programme, unit_ids=unit_ids)
    occupancy: dict[tuple[int, date, date], int] = defaultdict(int)
    for cadre_id, unit_id, starts_on, ends_on in away:
        occupancy[unit_id, starts_on, ends_on] += 1
        if cadre_id in in_population:
            unavailable[cadre_id].append((starts_on, ends_on))
    sizes = selectors.unit_sizes(unit_ids=unit_ids)
    units = {c.unit_id: c.unit for c in cadres}
    inputs = {
        "units": [
            scheduler.Unit(id=uid, size=sizes.get(uid, 0), min_on_duty=u.min_on_duty) for uid, u in units.items()
        ],
        "batches": [
            scheduler.Batch(id=b.pk, starts_on=b.starts_on, ends_on=b.ends_on, capacity=b.capacity) for b in batches
        ],
        "cadres": [
            scheduler.Cadre(
                id=c.pk,
                unit_id=c.unit_id,
                # Nobody joins a batch that has already begun.
                unavailable=(*unavailable[c.pk], (date.min, today)) if not fixed[c.pk] else (),
                newly_posted=is_newly_posted(c, programme),
                fixed_batch_id=seats[c.pk].batch_id if fixed[c.pk] else None,
            )
            for c in cadres
        ],
        "occupancy": [
            scheduler.Occupancy(unit_id=unit_id, starts_on=starts, ends_on=ends, count=count)
            for (unit_id, starts, ends), count in sorted(occupancy.items())
        ],
    }
    return Snapshot(
        cadres=cadres,
        batches=batches,
        seats=seats,
        fixed=fixed,
        inputs=inputs,
        fingerprint=seats_fingerprint(programme=programme, away=away),
    )
