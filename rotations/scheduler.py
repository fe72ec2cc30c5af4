"""Place every cadre of a rotation programme into one batch without emptying the front line.

Pure Python plus numpy/scipy: plain data in, plain data out, no Django.

The rules, for every plan returned:

- each cadre is in at most one batch, and no batch is over capacity;
- for each unit and each moment, the unit's cadres away in batches running at that moment
  number at most ``size - floor`` (the floor is ``min_on_duty`` or, when blank, at least one
  person and at least a third of the unit);
- nobody sits in a batch that touches one of their unavailable periods;
- fixed (hand-placed or locked) seats are kept as they are;
- cadres a unit already has away for something else (``Occupancy``: another programme's
  batches) count against its allowance on the days they are away.

When no two batches overlap, "at that moment" means "in that batch" and the problem is a
maximum flow: source → cadre group → batch → sink, where a cadre group is the cadres of one
unit who share the same set of possible batches, and a unit with several groups gets one
node per batch so the groups share its per-batch allowance. The flow found is a maximum, so
the plan places as many cadres as any plan could.

When batches overlap, a unit's allowance is shared by every batch running on the same day;
that is no longer a flow. The flow of the relaxation (each batch on its own) gives an upper
bound; the plan is that flow with the overlaps repaired, then topped up greedily, and the
gap to the bound is reported.

Occupancy only lowers a unit's allowance on the days it covers: the checks are made at every
batch start and every occupancy start inside a batch (the count away only rises there), so
without overlapping batches a unit's cap for a batch is its allowance at the batch's busiest
such point, and the flow stays exact.

Within the optimum, each unit is spread over the batches (first a flow with per-batch caps of
``ceil(n / batches)``, then augmented to a maximum), and newly posted cadres take the earliest
of the batches their group was given.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow


def effective_floor(size: int, min_on_duty: int | None) -> int:
    """People who must stay on duty: the unit's setting, else max(1, ceil(size / 3))."""
    if min_on_duty is not None:
        return min_on_duty
    return max(1, math.ceil(size / 3))


def spare(size: int, min_on_duty: int | None) -> int:
    """How many of a unit's people may be away at the same moment."""
    return max(0, size - effective_floor(size, min_on_duty))


@dataclass(frozen=True)
class Unit:
    id: int
    size: int  # every active cadre of the unit, in the programme or not
    min_on_duty: int | None = None

    @property
    def floor(self) -> int:
        return effective_floor(self.size, self.min_on_duty)

    @property
    def spare(self) -> int:
        return spare(self.size, self.min_on_duty)


@dataclass(frozen=True)
class Batch:
    id: int
    starts_on: date
    ends_on: date
    capacity: int


@dataclass(frozen=True)
class Cadre:
    id: int
    unit_id: int
    unavailable: tuple[tuple[date, date], ...] = ()
    newly_posted: bool = False
    fixed_batch_id: int | None = None  # a hand-placed or locked seat, kept as it is


@dataclass(frozen=True)
class Occupancy:
    """`count` cadres of a unit already away from `starts_on` to `ends_on` (e.g. in another programme's batch)."""

    unit_id: int
    starts_on: date
    ends_on: date
    count: int = 1


class Reason(StrEnum):
    UNAVAILABLE_THROUGHOUT = "unavailable_throughout"
    UNIT_FLOOR = "unit_floor"
    BATCHES_FULL = "batches_full"
    NO_BATCHES = "no_batches"  # the programme has no batch to place anyone in
    FULL_OR_FLOOR = "full_or_floor"


@dataclass(frozen=True)
class Unplaced:
    cadre_id: int
    unit_id: int
    reason: Reason
    unit_size: int
    unit_floor: int
    unit_spare: int
    fitting_batch_ids: tuple[int, ...]  # batches that do not touch the cadre's unavailability
    floor_batch_ids: tuple[int, ...]  # fitting batches where the unit already has all it can spare away
    away_elsewhere: int = 0  # most of the unit away for other reasons (occupancy) during a fitting batch


@dataclass
class Plan:
    assignment: dict[int, int]  # cadre id → batch id, fixed seats included
    unplaced: list[Unplaced]
    upper_bound: int  # no plan places more cadres than this
    overlapping: bool
    fixed: int = 0

    @property
    def placed(self) -> int:
        return len(self.assignment)

    @property
    def optimal(self) -> bool:
        return self.placed == self.upper_bound


def touches(batch: Batch, period: tuple[date, date]) -> bool:
    return batch.starts_on <= period[1] and period[0] <= batch.ends_on


def overlaps(a: Batch, b: Batch) -> bool:
    return a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


def moments(batches: Sequence[Batch]) -> list[tuple[int, ...]]:
    """Sets of batch positions running together: one per batch start, maximal sets only.

    A unit's allowance must hold on every day; the number away only rises on a start day,
    so checking the batches running on each start day is enough.
    """
    sets = []
    for b in batches:
        running = tuple(i for i, other in enumerate(batches) if other.starts_on <= b.starts_on <= other.ends_on)
        sets.append(running)
    unique = sorted(set(sets))
    return [s for s in unique if not any(set(s) < set(t) for t in unique)]


def checkpoints(
    batches: Sequence[Batch], occupancy: Sequence[Occupancy] = ()
) -> tuple[list[tuple[int, ...]], list[dict[int, int]]]:
    """The moments a unit's allowance is checked at, and the outside occupancy per unit at each.

    Without occupancy these are `moments(batches)` with none away. With it, every batch start
    and every occupancy start that falls inside a batch is a point (the number away, ours plus
    theirs, only rises there); points with the same batches running are merged, keeping for each
    unit the most it has away at any of them.
    """
    if not occupancy:
        sets = moments(batches)
        return sets, [{} for _ in sets]
    days = {b.starts_on for b in batches} | {
        o.starts_on for o in occupancy if any(b.starts_on <= o.starts_on <= b.ends_on for b in batches)
    }
    # Days with the same batches running share one check, at the most each unit has away on any of them.
    at: dict[tuple[int, ...], dict[int, int]] = {}
    for day in sorted(days):
        running = tuple(i for i, b in enumerate(batches) if b.starts_on <= day <= b.ends_on)
        if not running:
            continue
        outside: dict[int, int] = defaultdict(int)
        for o in occupancy:
            if o.starts_on <= day <= o.ends_on and o.count:
                outside[o.unit_id] += o.count
        merged = at.setdefault(running, {})
        for unit_id, count in outside.items():
            merged[unit_id] = max(merged.get(unit_id, 0), count)
    sets = sorted(at)
    away = [at[s] for s in sets]
    return sets, away


def check_plan(
    units: Iterable[Unit],
    batches: Sequence[Batch],
    cadres: Iterable[Cadre],
    plan: Plan,
    occupancy: Sequence[Occupancy] = (),
) -> list[str]:
    """Every rule the plan breaks, in English, for tests and assertions; empty when it keeps them all."""
    unit_by_id = {u.id: u for u in units}
    batch_by_id = {b.id: b for b in batches}
    cadre_by_id = {c.id: c for c in cadres}
    problems = []
    seats: dict[int, int] = defaultdict(int)
    for cadre_id, batch_id in plan.assignment.items():
        cadre, batch = cadre_by_id[cadre_id], batch_by_id[batch_id]
        seats[batch_id] += 1
        if (
            cadre.fixed_batch_id is not None
            and cadre.fixed_batch_id in batch_by_id
            and cadre.fixed_batch_id != batch_id
        ):
            problems.append(f"cadre {cadre_id} moved off its fixed seat")
        if cadre.fixed_batch_id != batch_id and any(touches(batch, p) for p in cadre.unavailable):
            problems.append(f"cadre {cadre_id} placed in batch {batch_id} while unavailable")
    for cadre in cadre_by_id.values():
        if cadre.fixed_batch_id in batch_by_id and plan.assignment.get(cadre.id) != cadre.fixed_batch_id:
            problems.append(f"cadre {cadre.id} lost its fixed seat")
    for batch in batches:
        if seats[batch.id] > batch.capacity:
            problems.append(f"batch {batch.id} over capacity")
    sets, outside = checkpoints(batches, occupancy)
    for moment, already in zip(sets, outside, strict=True):
        running = {batches[i].id for i in moment}
        away: dict[int, int] = defaultdict(int)
        for cadre_id, batch_id in plan.assignment.items():
            if batch_id in running:
                away[cadre_by_id[cadre_id].unit_id] += 1
        for unit_id, count in away.items():
            total = count + already.get(unit_id, 0)
            if total > unit_by_id[unit_id].spare:
                problems.append(f"unit {unit_id} has {total} away at once, more than {unit_by_id[unit_id].spare}")
    return problems


def _flow(
    n_nodes: int, tails: np.ndarray, heads: np.ndarray, caps: np.ndarray, wanted: int | None = None
) -> tuple[int, np.ndarray]:
    """A maximum flow from node 0 to node 1: its value and the net flow on the first `wanted` edges."""
    wanted = len(tails) if wanted is None else wanted
    keep = caps > 0
    graph = csr_array(
        (caps[keep].astype(np.int32), (tails[keep].astype(np.int32), heads[keep].astype(np.int32))),
        shape=(n_nodes, n_nodes),
    )
    result = maximum_flow(graph, 0, 1)
    flow = result.flow.tocsr()
    flow.sort_indices()
    flow = flow.tocoo()
    if not flow.nnz:
        return int(result.flow_value), np.zeros(wanted, dtype=np.int64)
    # Row-major order from a CSR with sorted indices: the keys are already ascending.
    keys = flow.row.astype(np.int64) * n_nodes + flow.col
    asked = tails[:wanted] * n_nodes + heads[:wanted]
    at = np.minimum(np.searchsorted(keys, asked), len(keys) - 1)
    return int(result.flow_value), np.where(keys[at] == asked, flow.data[at], 0).astype(np.int64)


def schedule(
    *,
    units: Sequence[Unit],
    batches: Sequence[Batch],
    cadres: Sequence[Cadre],
    occupancy: Sequence[Occupancy] = (),
) -> Plan:
    """Place as many cadres as the rules allow; the same input always gives the same plan.

    `occupancy` lists cadres of the units already away for something else; they count
    against each unit's allowance on the days they are away.
    """
    batches = sorted(batches, key=lambda b: (b.starts_on, b.ends_on, b.id))
    units = sorted(units, key=lambda u: u.id)
    cadres = sorted(cadres, key=lambda c: c.id)
    n_batches = len(batches)
    batch_pos = {b.id: i for i, b in enumerate(batches)}
    unit_pos = {u.id: i for i, u in enumerate(units)}
    spares = np.array([u.spare for u in units], dtype=np.int64)
    sets, outside = checkpoints(batches, [o for o in occupancy if o.unit_id in unit_pos])
    overlapping = any(len(s) > 1 for s in sets)
    # limit[u, k]: how many of unit u our batches may take at moment k, after those away for other reasons.
    elsewhere = np.zeros((len(units), len(sets)), dtype=np.int64)
    for k, already in enumerate(outside):
        for unit_id, count in already.items():
            elsewhere[unit_pos[unit_id], k] += count
    limit = np.maximum(spares[:, None] - elsewhere, 0)
    # membership[k, b]: batch b runs at moment k
    membership = np.zeros((len(sets), n_batches), dtype=np.int64)
    for k, s in enumerate(sets):
        membership[k, list(s)] = 1

    # Fixed seats take their capacity and their unit's allowance first.
    assignment: dict[int, int] = {}
    capacity_left = np.array([b.capacity for b in batches], dtype=np.int64)
    fixed_ub = np.zeros((len(units), n_batches), dtype=np.int64)
    free: list[Cadre] = []
    # Newly posted first, so within each group they take the earliest batches the group is given.
    for cadre in sorted(cadres, key=lambda c: (not c.newly_posted, c.id)):
        if cadre.fixed_batch_id is not None and cadre.fixed_batch_id in batch_pos:
            b = batch_pos[cadre.fixed_batch_id]
            assignment[cadre.id] = cadre.fixed_batch_id
            capacity_left[b] -= 1
            fixed_ub[unit_pos[cadre.unit_id], b] += 1
        else:
            free.append(cadre)
    fixed_count = len(assignment)
    capacity_left = np.maximum(capacity_left, 0)
    fixed_moment = fixed_ub @ membership.T  # units × moments
    # Per unit and batch, the most that batch alone may take: the allowance left at its busiest moment.
    cap_ub = np.repeat(spares[:, None], n_batches, axis=1)
    for b in range(n_batches):
        ks = np.flatnonzero(membership[:, b])
        if len(ks):
            cap_ub[:, b] = (limit[:, ks] - fixed_moment[:, ks]).min(axis=1)
    cap_ub = np.maximum(cap_ub, 0)

    # Group free cadres by unit and the batches they can attend.
    full_mask = (1 << n_batches) - 1
    group_of: dict[tuple[int, int], list[Cadre]] = {}
    for cadre in free:
        mask = full_mask
        for period in cadre.unavailable:
            for b, batch in enumerate(batches):
                if touches(batch, period):
                    mask &= ~(1 << b)
        group_of.setdefault((unit_pos[cadre.unit_id], mask), []).append(cadre)
    keys = sorted(group_of)
    n_groups = len(keys)
    group_unit = np.array([k[0] for k in keys], dtype=np.int64)
    group_count = np.array([len(group_of[k]) for k in keys], dtype=np.int64)
    group_mask = np.zeros((n_groups, n_batches), dtype=bool)
    if n_batches <= 62:
        masks = np.array([k[1] for k in keys], dtype=np.int64)
        group_mask = ((masks[:, None] >> np.arange(n_batches)) & 1).astype(bool) if n_groups else group_mask
    else:
        for g, (_, mask) in enumerate(keys):
            group_mask[g] = [(mask >> b) & 1 for b in range(n_batches)]

    groups_per_unit = np.bincount(group_unit, minlength=len(units)) if n_groups else np.zeros(len(units), int)
    multi_units = np.flatnonzero(groups_per_unit > 1)
    multi_pos = np.full(len(units), -1, dtype=np.int64)
    multi_pos[multi_units] = np.arange(len(multi_units))

    # Spreading: a first flow where no batch takes more than its share of a unit.
    union = np.zeros((len(units), n_batches), dtype=bool)
    if n_groups:
        np.logical_or.at(union, group_unit, group_mask)
    usable = union & (cap_ub > 0)
    free_per_unit = np.bincount(group_unit, weights=group_count, minlength=len(units)).astype(np.int64)
    share = -(-free_per_unit // np.maximum(usable.sum(axis=1), 1))
    tight_ub = np.minimum(cap_ub, share[:, None])

    # Nodes: 0 source, 1 sink, batches, groups, then one node per (multi-group unit, batch).
    batch_node = 2 + np.arange(n_batches)
    group_node = 2 + n_batches + np.arange(n_groups)
    ub_base = 2 + n_batches + n_groups
    n_nodes = ub_base + len(multi_units) * n_batches

    tails, heads, full, tight = [], [], [], []
    # source → group
    tails.append(np.zeros(n_groups, dtype=np.int64))
    heads.append(group_node)
    full.append(group_count)
    tight.append(group_count)
    single = groups_per_unit[group_unit] == 1 if n_groups else np.zeros(0, dtype=bool)
    # group → batch, for units with one group
    g_idx, b_idx = np.nonzero(group_mask & single[:, None])
    tails.append(group_node[g_idx])
    heads.append(batch_node[b_idx])
    full.append(cap_ub[group_unit[g_idx], b_idx])
    tight.append(tight_ub[group_unit[g_idx], b_idx])
    gb_single = (g_idx, b_idx)
    # group → (unit, batch), for units with several groups
    g_idx2, b_idx2 = np.nonzero(group_mask & ~single[:, None])
    ub_nodes = ub_base + multi_pos[group_unit[g_idx2]] * n_batches + b_idx2
    tails.append(group_node[g_idx2])
    heads.append(ub_nodes)
    full.append(group_count[g_idx2])
    tight.append(group_count[g_idx2])
    gb_multi = (g_idx2, b_idx2)
    # (unit, batch) → batch
    mu = np.repeat(multi_units, n_batches)
    mb = np.tile(np.arange(n_batches), len(multi_units))
    tails.append(ub_base + multi_pos[mu] * n_batches + mb)
    heads.append(batch_node[mb])
    full.append(cap_ub[mu, mb])
    tight.append(tight_ub[mu, mb])
    # batch → sink
    tails.append(batch_node)
    heads.append(np.ones(n_batches, dtype=np.int64))
    full.append(capacity_left)
    tight.append(capacity_left)

    tails_a = np.concatenate(tails).astype(np.int64)
    heads_a = np.concatenate(heads).astype(np.int64)
    full_a = np.concatenate(full).astype(np.int64)
    tight_a = np.concatenate(tight).astype(np.int64)
    if len(tails_a) and n_groups:
        value1, flow1 = _flow(n_nodes, tails_a, heads_a, tight_a)
        if value1 == int(group_count.sum()) or value1 == int(capacity_left.sum()):
            flow, relaxed_value = flow1, value1  # already a maximum: everyone, or every seat
        else:
            # Augment the spread flow to a maximum on its residual network.
            value2, flow2 = _flow(
                n_nodes,
                np.concatenate([tails_a, heads_a]),
                np.concatenate([heads_a, tails_a]),
                np.concatenate([full_a - flow1, flow1]),
                wanted=len(tails_a),
            )
            flow, relaxed_value = flow1 + flow2, value1 + value2
    else:
        flow = np.zeros(len(tails_a), dtype=np.int64)
        relaxed_value = 0

    # Counts per group and batch, read off the group → batch and group → (unit, batch) edges.
    per_group = np.zeros((n_groups, n_batches), dtype=np.int64)
    offset = n_groups
    n_single = len(gb_single[0])
    per_group[gb_single] = flow[offset : offset + n_single]
    offset += n_single
    per_group[gb_multi] = flow[offset : offset + len(gb_multi[0])]

    for g, key in enumerate(keys):
        members = group_of[key]
        positions = np.repeat(np.arange(n_batches), per_group[g])
        for cadre, b in zip(members, positions, strict=False):
            assignment[cadre.id] = batches[int(b)].id
    capacity_left = capacity_left - per_group.sum(axis=0)

    # Running load per unit and moment, fixed seats included.
    load = fixed_moment.copy()
    if n_groups:
        placed_ub = np.zeros((len(units), n_batches), dtype=np.int64)
        np.add.at(placed_ub, group_unit, per_group)
        load = load + placed_ub @ membership.T
    moments_of = [np.flatnonzero(membership[:, b]) for b in range(n_batches)]
    placed_per_group = per_group.sum(axis=1)
    if overlapping:
        waiting = free
        cadre_by_id = {c.id: c for c in free}
        mask_of = {c.id: key[1] for key, members in group_of.items() for c in members}
        _repair(assignment, cadre_by_id, batches, batch_pos, unit_pos, limit, load, capacity_left, moments_of, sets)
        _top_up(assignment, cadre_by_id, mask_of, batches, batch_pos, unit_pos, limit, load, capacity_left, moments_of)

    else:
        # Without overlaps each group's first `placed` members were seated; only the rest wait.
        waiting = [c for g, key in enumerate(keys) for c in group_of[key][placed_per_group[g] :]]
        mask_of = {c.id: key[1] for g, key in enumerate(keys) for c in group_of[key][placed_per_group[g] :]}
    # room[u, b]: how many more of unit u batch b could take before some moment reaches the floor.
    room = np.zeros((len(units), n_batches), dtype=np.int64)
    for b in range(n_batches):
        ks = moments_of[b]
        room[:, b] = (limit[:, ks] - load[:, ks]).min(axis=1) if len(ks) else spares
    is_full = (capacity_left <= 0).tolist()
    # elsewhere_ub[u, b]: the most of unit u away for other reasons while batch b runs.
    elsewhere_ub = np.zeros((len(units), n_batches), dtype=np.int64)
    if occupancy:
        for b in range(n_batches):
            if len(moments_of[b]):
                elsewhere_ub[:, b] = elsewhere[:, moments_of[b]].max(axis=1)
    unplaced = []
    for cadre in sorted(waiting, key=lambda c: c.id):
        if cadre.id in assignment:
            continue
        u = unit_pos[cadre.unit_id]
        unit = units[u]
        unit_room = room[u].tolist()
        fitting = [b for b in range(n_batches) if (mask_of[cadre.id] >> b) & 1]
        at_floor = [b for b in fitting if unit_room[b] <= 0]
        full_batches = [b for b in fitting if is_full[b]]
        if not n_batches:
            reason = Reason.NO_BATCHES  # not full batches: there is no batch at all
        elif not fitting:
            reason = Reason.UNAVAILABLE_THROUGHOUT
        elif spares[u] == 0 or len(at_floor) == len(fitting):
            reason = Reason.UNIT_FLOOR
        elif len(full_batches) == len(fitting):
            reason = Reason.BATCHES_FULL
        else:
            reason = Reason.FULL_OR_FLOOR
        unplaced.append(
            Unplaced(
                cadre_id=cadre.id,
                unit_id=unit.id,
                reason=reason,
                unit_size=unit.size,
                unit_floor=unit.floor,
                unit_spare=unit.spare,
                fitting_batch_ids=tuple(batches[b].id for b in fitting),
                floor_batch_ids=tuple(batches[b].id for b in at_floor),
                away_elsewhere=int(elsewhere_ub[u, fitting].max()) if fitting else 0,
            )
        )
    return Plan(
        assignment=assignment,
        unplaced=unplaced,
        upper_bound=fixed_count + relaxed_value,
        overlapping=overlapping,
        fixed=fixed_count,
    )


def _repair(assignment, cadre_by_id, batches, batch_pos, unit_pos, limit, load, capacity_left, moments_of, sets):
    """Take cadres out of overlapping batches until no unit has more away at once than it may spare."""
    by_unit_batch: dict[tuple[int, int], list[int]] = defaultdict(list)
    for cadre_id, batch_id in assignment.items():
        cadre = cadre_by_id.get(cadre_id)
        if cadre is not None:  # fixed seats stay
            by_unit_batch[unit_pos[cadre.unit_id], batch_pos[batch_id]].append(cadre_id)
    for members in by_unit_batch.values():
        # Newly posted leave last; otherwise the highest id goes first, so the result is stable.
        members.sort(key=lambda cid: (cadre_by_id[cid].newly_posted, -cid))
    for u, k in zip(*np.nonzero(load > limit), strict=True):
        while load[u, k] > limit[u, k]:
            # Remove from the latest-starting batch running at this moment that still has a free cadre.
            candidates = [b for b in sorted(sets[k], reverse=True) if by_unit_batch.get((u, b))]
            if not candidates:
                break
            b = candidates[0]
            cadre_id = by_unit_batch[u, b].pop()
            del assignment[cadre_id]
            capacity_left[b] += 1
            load[u, moments_of[b]] -= 1


def _top_up(assignment, cadre_by_id, mask_of, batches, batch_pos, unit_pos, limit, load, capacity_left, moments_of):
    """Place whoever is still out wherever every rule allows, the unit's emptiest batch first."""
    n_batches = len(batches)
    unit_in_batch: dict[tuple[int, int], int] = defaultdict(int)
    for cadre_id, batch_id in assignment.items():
        cadre = cadre_by_id.get(cadre_id)
        if cadre is not None:
            unit_in_batch[unit_pos[cadre.unit_id], batch_pos[batch_id]] += 1
    waiting = sorted(
        (c for c in cadre_by_id.values() if c.id not in assignment), key=lambda c: (not c.newly_posted, c.id)
    )
    for cadre in waiting:
        u = unit_pos[cadre.unit_id]
        options = [
            b
            for b in range(n_batches)
            if (mask_of[cadre.id] >> b) & 1
            and capacity_left[b] > 0
            and all(load[u, k] + 1 <= limit[u, k] for k in moments_of[b])
        ]
        if not options:
            continue
        b = min(options, key=lambda b: (unit_in_batch[u, b], b))
        assignment[cadre.id] = batches[b].id
        capacity_left[b] -= 1
        load[u, moments_of[b]] += 1
        unit_in_batch[u, b] += 1
