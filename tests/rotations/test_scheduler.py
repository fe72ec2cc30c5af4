import itertools
from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from rotations.scheduler import (
    Batch,
    Cadre,
    Occupancy,
    Plan,
    Reason,
    Unit,
    check_plan,
    effective_floor,
    moments,
    schedule,
    touches,
)

D = date(2030, 3, 2)


def batch(id, start_day, days=5, capacity=10):
    return Batch(
        id=id,
        starts_on=D + timedelta(days=start_day),
        ends_on=D + timedelta(days=start_day + days - 1),
        capacity=capacity,
    )


def weekly(n, capacity=10):
    return [batch(i + 1, 7 * i, capacity=capacity) for i in range(n)]


def cadres_of(unit_id, n, first_id=1, **fields):
    return [Cadre(id=first_id + i, unit_id=unit_id, **fields) for i in range(n)]


class EffectiveFloorTests:
    def test_blank_keeps_one_person_and_a_third(self):
        assert [effective_floor(n, None) for n in (1, 2, 3, 4, 6, 7, 10)] == [1, 1, 1, 2, 2, 3, 4]

    def test_an_explicit_floor_wins(self):
        assert effective_floor(10, 2) == 2
        assert effective_floor(10, 0) == 0


class ScheduleRuleTests:
    def test_everyone_is_placed_when_there_is_room(self):
        cadres = cadres_of(1, 6)
        plan = schedule(units=[Unit(id=1, size=6)], batches=weekly(3), cadres=cadres)
        assert plan.placed == 6 and plan.optimal and not plan.unplaced
        assert check_plan([Unit(id=1, size=6)], weekly(3), cadres, plan) == []

    def test_a_unit_never_sends_more_than_it_can_spare_to_one_batch(self):
        plan = schedule(units=[Unit(id=1, size=3, min_on_duty=2)], batches=weekly(2), cadres=cadres_of(1, 3))
        assert plan.placed == 2
        assert sorted(plan.assignment.values()) == [1, 2]
        [left] = plan.unplaced
        assert (left.reason, left.unit_size, left.unit_floor, left.unit_spare) == (Reason.UNIT_FLOOR, 3, 2, 1)
        assert left.fitting_batch_ids == (1, 2)

    def test_overlapping_batches_share_the_unit_allowance(self):
        batches = [batch(1, 0), batch(2, 2), batch(3, 20)]
        units = [Unit(id=1, size=3, min_on_duty=2)]
        cadres = cadres_of(1, 3)
        plan = schedule(units=units, batches=batches, cadres=cadres)
        assert plan.overlapping
        assert check_plan(units, batches, cadres, plan) == []
        assert plan.placed == 2 and plan.upper_bound == 3
        assert set(plan.assignment.values()) & {1, 2} != {1, 2}

    def test_full_batches_are_given_as_the_reason(self):
        plan = schedule(
            units=[Unit(id=1, size=9, min_on_duty=0)], batches=weekly(2, capacity=3), cadres=cadres_of(1, 9)
        )
        assert plan.placed == 6
        assert {u.reason for u in plan.unplaced} == {Reason.BATCHES_FULL}

    def test_nobody_is_placed_in_a_batch_touching_their_unavailability(self):
        away = ((D + timedelta(days=4), D + timedelta(days=8)),)  # touches batches 1 and 2
        cadres = [Cadre(id=1, unit_id=1, unavailable=away)]
        plan = schedule(units=[Unit(id=1, size=3)], batches=weekly(3), cadres=cadres)
        assert plan.assignment == {1: 3}

    def test_someone_unavailable_throughout_is_listed_with_that_reason(self):
        cadres = [Cadre(id=1, unit_id=1, unavailable=((D, D + timedelta(days=100)),))]
        plan = schedule(units=[Unit(id=1, size=3)], batches=weekly(3), cadres=cadres)
        assert plan.placed == 0 and plan.unplaced[0].reason is Reason.UNAVAILABLE_THROUGHOUT

    def test_fixed_seats_are_kept_and_count_against_capacity_and_floor(self):
        units = [Unit(id=1, size=4, min_on_duty=2)]
        cadres = [
            Cadre(id=1, unit_id=1, fixed_batch_id=2),
            Cadre(id=2, unit_id=1, fixed_batch_id=2),
            *cadres_of(1, 2, 3),
        ]
        plan = schedule(units=units, batches=weekly(2, capacity=2), cadres=cadres)
        assert plan.assignment[1] == 2 and plan.assignment[2] == 2
        assert plan.assignment[3] == 1 and plan.assignment[4] == 1
        assert plan.fixed == 2

    def test_a_unit_that_can_spare_nobody_sends_nobody(self):
        plan = schedule(units=[Unit(id=1, size=1)], batches=weekly(2), cadres=cadres_of(1, 1))
        assert plan.placed == 0 and plan.unplaced[0].reason is Reason.UNIT_FLOOR

    def test_each_unit_is_spread_over_the_batches(self):
        plan = schedule(units=[Unit(id=1, size=6, min_on_duty=0)], batches=weekly(3), cadres=cadres_of(1, 6))
        assert sorted(np.bincount(list(plan.assignment.values()))[1:]) == [2, 2, 2]

    def test_newly_posted_cadres_take_the_earliest_batches(self):
        cadres = [*cadres_of(1, 4), Cadre(id=9, unit_id=1, newly_posted=True)]
        plan = schedule(units=[Unit(id=1, size=5, min_on_duty=0)], batches=weekly(3), cadres=cadres)
        assert plan.assignment[9] == 1

    def test_the_same_input_gives_the_same_plan(self):
        units = [Unit(id=u, size=5) for u in range(1, 6)]
        cadres = [c for u in range(1, 6) for c in cadres_of(u, 5, first_id=u * 10)]
        batches = [batch(1, 0, capacity=4), batch(2, 3, capacity=4), batch(3, 7, capacity=4), batch(4, 9, capacity=4)]
        first = schedule(units=units, batches=batches, cadres=cadres)
        again = schedule(units=list(reversed(units)), batches=list(reversed(batches)), cadres=list(reversed(cadres)))
        assert first.assignment == again.assignment
        assert [u.cadre_id for u in first.unplaced] == [u.cadre_id for u in again.unplaced]

    def test_moments_are_the_maximal_sets_of_batches_running_together(self):
        batches = [batch(1, 0), batch(2, 2), batch(3, 20)]
        assert moments(batches) == [(0, 1), (2,)]


class OccupancyTests:
    """Cadres away in other programmes' batches count against their unit's allowance on those days."""

    def test_a_unit_with_people_away_elsewhere_sends_fewer(self):
        units = [Unit(id=1, size=6, min_on_duty=2)]  # may spare 4 at a time
        batches = weekly(2)
        away = [Occupancy(unit_id=1, starts_on=batches[0].starts_on, ends_on=batches[0].ends_on, count=3)]
        plan = schedule(units=units, batches=batches, cadres=cadres_of(1, 6), occupancy=away)
        in_first = sum(1 for b in plan.assignment.values() if b == batches[0].id)
        assert in_first == 1
        assert plan.placed == 5 and plan.optimal
        assert check_plan(units, batches, cadres_of(1, 6), plan, away) == []

    def test_occupancy_that_starts_inside_a_batch_counts_from_its_first_day(self):
        units = [Unit(id=1, size=3, min_on_duty=2)]  # may spare 1
        batches = [batch(1, 0, days=5)]
        away = [Occupancy(unit_id=1, starts_on=batches[0].starts_on + timedelta(days=3), ends_on=D + timedelta(30))]
        plan = schedule(units=units, batches=batches, cadres=cadres_of(1, 1), occupancy=away)
        assert plan.placed == 0 and plan.upper_bound == 0
        [left] = plan.unplaced
        assert left.reason is Reason.UNIT_FLOOR and left.away_elsewhere == 1

    def test_occupancy_outside_every_batch_changes_nothing(self):
        units = [Unit(id=1, size=3, min_on_duty=2)]
        batches = [batch(1, 0, days=5)]
        away = [Occupancy(unit_id=1, starts_on=D + timedelta(days=10), ends_on=D + timedelta(days=12), count=5)]
        plan = schedule(units=units, batches=batches, cadres=cadres_of(1, 1), occupancy=away)
        assert plan.placed == 1

    def test_check_plan_counts_occupancy(self):
        units = [Unit(id=1, size=3, min_on_duty=2)]
        batches = [batch(1, 0)]
        cadres = cadres_of(1, 1)
        plan = Plan(assignment={1: 1}, unplaced=[], upper_bound=1, overlapping=False)
        away = [Occupancy(unit_id=1, starts_on=D, ends_on=D)]
        assert check_plan(units, batches, cadres, plan) == []
        assert check_plan(units, batches, cadres, plan, away) == ["unit 1 has 2 away at once, more than 1"]


def brute_force_optimum(units, batches, cadres) -> int:
    best = 0
    choices = [[c.fixed_batch_id] if c.fixed_batch_id else [None, *(b.id for b in batches)] for c in cadres]
    for combo in itertools.product(*choices):
        plan = Plan(
            assignment={c.id: b for c, b in zip(cadres, combo, strict=True) if b},
            unplaced=[],
            upper_bound=0,
            overlapping=False,
        )
        if not check_plan(units, batches, cadres, plan):
            best = max(best, plan.placed)
    return best


def milp_optimum(units, batches, cadres, occupancy=()) -> int:
    """The exact optimum from an integer programme: an independent solver for any batch layout.

    With occupancy the unit allowance is written for every single day, not per moment."""
    unit_by_id = {u.id: u for u in units}
    pairs = [(c, b) for c in cadres for b in batches if not any(touches(b, p) for p in c.unavailable)]
    n = len(pairs)
    if not n:
        return 0
    rows, lower, upper = [], [], []
    for c in cadres:
        rows.append([1 if pc.id == c.id else 0 for pc, _ in pairs])
        fixed = c.fixed_batch_id is not None
        lower.append(1 if fixed else 0)
        upper.append(1)
        if fixed:
            rows.append([1 if pc.id == c.id and pb.id == c.fixed_batch_id else 0 for pc, pb in pairs])
            lower.append(1)
            upper.append(1)
    for b in batches:
        rows.append([1 if pb.id == b.id else 0 for _, pb in pairs])
        lower.append(0)
        upper.append(b.capacity)
    if occupancy:
        first, last = min(b.starts_on for b in batches), max(b.ends_on for b in batches)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        running_sets = [({b.id for b in batches if b.starts_on <= day <= b.ends_on}, day) for day in days]
    else:
        running_sets = [({batches[i].id for i in moment}, None) for moment in moments(batches)]
    for running, day in running_sets:
        for u in units:
            elsewhere = sum(o.count for o in occupancy if o.unit_id == u.id and o.starts_on <= day <= o.ends_on)
            rows.append([1 if pc.unit_id == u.id and pb.id in running else 0 for pc, pb in pairs])
            lower.append(0)
            upper.append(max(unit_by_id[u.id].spare - elsewhere, 0))
    result = milp(
        c=-np.ones(n),
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    return round(-result.fun) if result.success else -1


@st.composite
def instances(draw, overlapping: bool, max_cadres: int = 6):
    n_units = draw(st.integers(1, 3))
    units = [
        Unit(id=u + 1, size=draw(st.integers(1, 5)), min_on_duty=draw(st.sampled_from([None, None, 0, 1, 2])))
        for u in range(n_units)
    ]
    n_batches = draw(st.integers(1, 3))
    batches = []
    for i in range(n_batches):
        start = draw(st.integers(0, 12)) if overlapping else 10 * i
        batches.append(batch(i + 1, start, days=draw(st.integers(1, 5)), capacity=draw(st.integers(0, 3))))
    cadres = []
    for i in range(draw(st.integers(0, max_cadres))):
        unavailable = ()
        if draw(st.booleans()) and draw(st.booleans()):
            first = D + timedelta(days=draw(st.integers(0, 30)))
            unavailable = ((first, first + timedelta(days=draw(st.integers(0, 6)))),)
        cadres.append(
            Cadre(
                id=i + 1,
                unit_id=draw(st.integers(1, n_units)),
                unavailable=unavailable,
                newly_posted=draw(st.booleans()),
            )
        )
    return units, batches, cadres


@st.composite
def occupancies(draw, units):
    away = []
    for _ in range(draw(st.integers(0, 4))):
        first = D + timedelta(days=draw(st.integers(0, 30)))
        away.append(
            Occupancy(
                unit_id=draw(st.sampled_from([u.id for u in units])),
                starts_on=first,
                ends_on=first + timedelta(days=draw(st.integers(0, 8))),
                count=draw(st.integers(1, 2)),
            )
        )
    return away


class SchedulePropertyTests:
    @settings(max_examples=100, deadline=None)
    @given(instances(overlapping=False, max_cadres=12), st.data())
    def test_with_occupancy_and_no_overlaps_the_plan_is_the_optimum(self, instance, data):
        units, batches, cadres = instance
        away = data.draw(occupancies(units))
        plan = schedule(units=units, batches=batches, cadres=cadres, occupancy=away)
        assert check_plan(units, batches, cadres, plan, away) == []
        assert plan.placed == milp_optimum(units, batches, cadres, away) == plan.upper_bound

    @settings(max_examples=100, deadline=None)
    @given(instances(overlapping=True, max_cadres=10), st.data())
    def test_with_occupancy_and_overlaps_every_rule_holds_under_the_bound(self, instance, data):
        units, batches, cadres = instance
        away = data.draw(occupancies(units))
        plan = schedule(units=units, batches=batches, cadres=cadres, occupancy=away)
        assert check_plan(units, batches, cadres, plan, away) == []
        assert plan.placed <= milp_optimum(units, batches, cadres, away) <= plan.upper_bound

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(instances(overlapping=False))
    def test_without_overlaps_the_plan_is_the_brute_force_optimum(self, instance):
        units, batches, cadres = instance
        plan = schedule(units=units, batches=batches, cadres=cadres)
        assert check_plan(units, batches, cadres, plan) == []
        assert plan.placed == brute_force_optimum(units, batches, cadres) == plan.upper_bound

    @settings(max_examples=100, deadline=None)
    @given(instances(overlapping=False, max_cadres=14))
    def test_without_overlaps_the_plan_matches_an_integer_programme(self, instance):
        units, batches, cadres = instance
        plan = schedule(units=units, batches=batches, cadres=cadres)
        assert plan.placed == milp_optimum(units, batches, cadres)

    @settings(max_examples=150, deadline=None)
    @given(instances(overlapping=True, max_cadres=10))
    def test_with_overlaps_every_rule_holds_and_the_bound_is_an_upper_bound(self, instance):
        units, batches, cadres = instance
        plan = schedule(units=units, batches=batches, cadres=cadres)
        assert check_plan(units, batches, cadres, plan) == []
        assert plan.placed <= milp_optimum(units, batches, cadres) <= plan.upper_bound

    @settings(max_examples=80, deadline=None)
    @given(instances(overlapping=True, max_cadres=8), st.data())
    def test_fixed_seats_are_always_kept(self, instance, data):
        units, batches, cadres = instance
        first = schedule(units=units, batches=batches, cadres=cadres)
        keep = data.draw(st.sets(st.sampled_from(sorted(first.assignment)))) if first.assignment else set()
        pinned = [
            Cadre(
                id=c.id,
                unit_id=c.unit_id,
                unavailable=c.unavailable,
                fixed_batch_id=first.assignment[c.id] if c.id in keep else None,
            )
            for c in cadres
        ]
        plan = schedule(units=units, batches=batches, cadres=pinned)
        assert check_plan(units, batches, pinned, plan) == []
        assert all(plan.assignment[c] == first.assignment[c] for c in keep)

    @settings(max_examples=60, deadline=None)
    @given(instances(overlapping=True, max_cadres=10))
    def test_the_same_input_gives_the_same_output(self, instance):
        units, batches, cadres = instance
        assert (
            schedule(units=units, batches=batches, cadres=cadres).assignment
            == schedule(units=units, batches=batches, cadres=cadres).assignment
        )

    @settings(max_examples=80, deadline=None)
    @given(st.integers(1, 6), st.integers(1, 4), st.integers(1, 4), st.integers(0, 3))
    def test_a_feasible_instance_by_construction_places_everyone(self, n_units, per_unit, n_batches, floor):
        """Each unit sends at most `size - floor` per batch and there are enough batch-slots and seats for all."""
        size = per_unit + floor
        units = [Unit(id=u + 1, size=size, min_on_duty=floor) for u in range(n_units)]
        cadres = [Cadre(id=u * 10 + i, unit_id=u + 1) for u in range(n_units) for i in range(per_unit)]
        per_batch = -(-per_unit // n_batches)
        batches = weekly(n_batches, capacity=n_units * per_batch)
        plan = schedule(units=units, batches=batches, cadres=cadres)
        assert plan.placed == len(cadres) and not plan.unplaced
