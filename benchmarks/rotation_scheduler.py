"""The rotation scheduler on a province-sized population, against a bare maximum-flow solve.

100,000 cadres in 10,000 units, 60 batches, 2% of cadres with an unavailable period:
once with non-overlapping batches (the plan must be the optimum) and once with two parallel
tracks of overlapping batches (placed against the upper bound). For comparison, a single
scipy maximum-flow solve of the same network, built directly with numpy, is timed too.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from datetime import date, timedelta

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from rotations import scheduler

CADRES = 100_000
UNITS = 10_000
BATCHES = 60
UNAVAILABLE_SHARE = 0.02
START = date(2027, 3, 1)


def population(seed: int = 7) -> tuple[list[scheduler.Unit], list[scheduler.Cadre]]:
    rng = random.Random(seed)
    sizes = [1] * UNITS
    for _ in range(CADRES - UNITS):
        sizes[rng.randrange(UNITS)] += 1
    units = [scheduler.Unit(id=i + 1, size=size) for i, size in enumerate(sizes)]
    cadres = []
    horizon = BATCHES * 7
    for unit in units:
        for _ in range(unit.size):
            unavailable = ()
            if rng.random() < UNAVAILABLE_SHARE:
                first = START + timedelta(days=rng.randrange(horizon))
                unavailable = ((first, first + timedelta(days=rng.randrange(3, 60))),)
            cadres.append(
                scheduler.Cadre(
                    id=len(cadres) + 1, unit_id=unit.id, unavailable=unavailable, newly_posted=rng.random() < 0.05
                )
            )
    return units, cadres


def sequential_batches() -> list[scheduler.Batch]:
    capacity = CADRES * 96 // 100 // BATCHES  # 4% fewer seats than cadres: the optimum is not everyone
    return [
        scheduler.Batch(
            id=i + 1,
            starts_on=START + timedelta(days=7 * i),
            ends_on=START + timedelta(days=7 * i + 4),
            capacity=capacity,
        )
        for i in range(BATCHES)
    ]


def parallel_batches() -> list[scheduler.Batch]:
    """Two tracks a few days apart, so each batch overlaps one or two of the other track."""
    capacity = CADRES * 96 // 100 // BATCHES  # 4% fewer seats than cadres: the optimum is not everyone
    batches = []
    for i in range(BATCHES):
        track, week = divmod(i, BATCHES // 2)
        first = START + timedelta(days=14 * week + 3 * track)
        batches.append(scheduler.Batch(id=i + 1, starts_on=first, ends_on=first + timedelta(days=6), capacity=capacity))
    return batches


def bare_flow_seconds(units, batches, cadres) -> tuple[float, int]:
    """One maximum-flow solve of the non-overlapping network, built straight from numpy arrays."""
    started = time.perf_counter()
    n_units, n_batches = len(units), len(batches)
    size = np.array([u.size for u in units], dtype=np.int64)
    spare = np.maximum(size - np.maximum(1, -(-size // 3)), 0)
    # Unrestricted cadres per unit go through the unit node; restricted ones get a node each.
    restricted = [c for c in cadres if c.unavailable]
    free_per_unit = size.copy()
    for c in restricted:
        free_per_unit[c.unit_id - 1] -= 1
    unit_node = 2 + n_batches + np.arange(n_units)
    ub_node = 2 + n_batches + n_units + np.arange(n_units * n_batches).reshape(n_units, n_batches)
    cadre_node_base = 2 + n_batches + n_units + n_units * n_batches
    b_of = np.arange(n_batches)
    tails = [np.zeros(n_units, np.int64), unit_node.repeat(n_batches), ub_node.ravel(), 2 + b_of]
    heads = [unit_node, ub_node.ravel(), np.tile(2 + b_of, n_units), np.ones(n_batches, np.int64)]
    caps = [
        free_per_unit,
        free_per_unit.repeat(n_batches),
        spare.repeat(n_batches),
        np.array([b.capacity for b in batches]),
    ]
    r_t, r_h = [], []
    for i, c in enumerate(restricted):
        node = cadre_node_base + i
        r_t.append(0)
        r_h.append(node)
        for j, b in enumerate(batches):
            if not any(scheduler.touches(b, p) for p in c.unavailable):
                r_t.append(node)
                r_h.append(ub_node[c.unit_id - 1, j])
    tails.append(np.array(r_t, np.int64))
    heads.append(np.array(r_h, np.int64))
    caps.append(np.ones(len(r_t), np.int64))
    t, h, c = np.concatenate(tails), np.concatenate(heads), np.concatenate(caps)
    keep = c > 0
    n = cadre_node_base + len(restricted)
    graph = csr_array((c[keep].astype(np.int32), (t[keep].astype(np.int32), h[keep].astype(np.int32))), shape=(n, n))
    value = maximum_flow(graph, 0, 1).flow_value
    return time.perf_counter() - started, int(value)


def other_programme(units, seed: int = 11) -> list[scheduler.Occupancy]:
    """A tenth of the units have one or two cadres away for a week in another programme's batch."""
    rng = random.Random(seed)
    away = []
    for unit in rng.sample(units, len(units) // 10):
        first = START + timedelta(days=rng.randrange(BATCHES * 7))
        away.append(
            scheduler.Occupancy(
                unit_id=unit.id,
                starts_on=first,
                ends_on=first + timedelta(days=4),
                count=min(unit.size, rng.randint(1, 2)),
            )
        )
    return away


def timed(units, batches, cadres, occupancy=()) -> tuple[scheduler.Plan, float, int]:
    """Wall time of the best of three runs, then peak Python memory of one more run under tracemalloc."""
    seconds = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        plan = scheduler.schedule(units=units, batches=batches, cadres=cadres, occupancy=occupancy)
        seconds = min(seconds, time.perf_counter() - started)
    tracemalloc.start()
    scheduler.schedule(units=units, batches=batches, cadres=cadres, occupancy=occupancy)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return plan, seconds, peak


def run() -> list[dict]:
    units, cadres = population()
    batches = sequential_batches()
    bare_seconds, optimum = min(bare_flow_seconds(units, batches, cadres) for _ in range(3))
    plan, seconds, peak = timed(units, batches, cadres)
    parallel = parallel_batches()
    plan2, seconds2, peak2 = timed(units, parallel, cadres)
    away = other_programme(units)
    plan3, seconds3, peak3 = timed(units, batches, cadres, away)
    common = {"cadres": CADRES, "units": UNITS, "batches": BATCHES, "unavailable_share": UNAVAILABLE_SHARE}
    return [
        {
            "name": "rotation_scheduler.sequential",
            "seconds": round(seconds, 3),
            "peak_mb": round(peak / 2**20, 1),
            "placed": plan.placed,
            "optimum": optimum,
            "is_optimum": plan.placed == optimum,
            "bare_flow_seconds": round(bare_seconds, 3),
            "ratio_to_bare_flow": round(seconds / bare_seconds, 2) if bare_seconds else None,
            **common,
        },
        {
            "name": "rotation_scheduler.two_parallel_tracks",
            "seconds": round(seconds2, 3),
            "peak_mb": round(peak2 / 2**20, 1),
            "placed": plan2.placed,
            "upper_bound": plan2.upper_bound,
            "gap": plan2.upper_bound - plan2.placed,
            **common,
        },
        {
            # Cadres away in another programme's batches lower their units' allowance on those days;
            # without overlapping batches the plan is still a maximum flow, so placed == upper bound.
            "name": "rotation_scheduler.sequential_with_other_programme",
            "seconds": round(seconds3, 3),
            "peak_mb": round(peak3 / 2**20, 1),
            "occupancy_rows": len(away),
            "placed": plan3.placed,
            "upper_bound": plan3.upper_bound,
            "is_optimum": plan3.optimal,
            **common,
        },
    ]
