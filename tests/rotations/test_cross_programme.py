"""Programmes sharing units: the by-unit chart counts cadres away in other programmes, and two
programmes writing seats at the same moment never break a unit's floor between them."""

import threading
from datetime import date
from unittest import mock

from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rotations import selectors
from rotations.exceptions import UnitFloorBroken
from rotations.models import Seat
from rotations.services import scheduling
from tests.concurrency import race
from tests.factories import CadreFactory, make_admin, make_batch, make_programme, unit_child, unit_root

TODAY = date(2030, 3, 1)


class AwayChartTests(TestCase):
    """The team (3 cadres, 2 on duty: one may go at a time) has a cadre in another programme's batch."""

    def setUp(self):
        self.county = unit_root()
        self.team = unit_child(self.county, code="T1", name="某村工作队", min_on_duty=2)
        self.cadres = [CadreFactory(unit=self.team) for _ in range(3)]
        self.programme = make_programme(self.county)
        self.first = make_batch(self.programme, starts_on=date(2030, 4, 1))  # 1–2 April
        self.second = make_batch(self.programme, starts_on=date(2030, 4, 15))  # 15–16 April
        other = make_programme(self.county, name="另一计划")
        self.other_batch = make_batch(other, starts_on=date(2030, 4, 2))  # 2–3 April
        Seat.objects.create(programme=other, batch=self.other_batch, cadre=self.cadres[0])
        Seat.objects.create(programme=self.programme, batch=self.first, cadre=self.cadres[1])

    def row(self):
        (row,) = selectors.schedule_by_unit(programme=self.programme).rows
        return row

    def test_days_count_cadres_away_in_another_programmes_batch(self):
        row = self.row()
        by_day = dict(zip(selectors.schedule_by_unit(programme=self.programme).days, row.away_by_day, strict=True))
        self.assertEqual(
            [by_day[date(2030, 4, d)] for d in (1, 2, 3, 4, 15)],
            [1, 2, 1, 0, 0],
        )
        self.assertEqual(row.elsewhere_by_day[:4], [0, 1, 1, 0])

    def test_the_other_programme_pushes_the_unit_over_its_floor(self):
        row = self.row()
        self.assertEqual((row.spare, row.peak), (1, 2))
        self.assertTrue(row.breaks_floor)
        self.assertEqual([level for _, _, level in row.day_cells()][:4], ["full", "over", "full", "0"])

    def test_without_the_other_programme_the_unit_keeps_its_floor(self):
        self.other_batch.seats.all().delete()
        row = self.row()
        self.assertEqual(row.peak, 1)
        self.assertFalse(row.breaks_floor)

    def test_an_other_programmes_batch_outside_the_chart_is_not_counted(self):
        later = make_programme(self.county, name="第三计划")
        Seat.objects.create(programme=later, batch=make_batch(later, starts_on=date(2030, 6, 1)), cadre=self.cadres[2])
        self.assertEqual(sum(self.row().elsewhere_by_day), 2)

    def test_the_page_says_how_many_are_away_elsewhere(self):
        self.client.force_login(make_admin())
        response = self.client.get(reverse("rotations_programme_units", args=[self.programme.pk]))
        self.assertContains(response, 'class="day level-over" title="2 人离岗，其中 1 人在其他计划的期次参训"')

    def test_the_chart_makes_the_same_number_of_queries_for_more_units_and_programmes(self):
        with CaptureQueriesContext(connection) as small:
            selectors.schedule_by_unit(programme=self.programme)
        for number in range(2, 6):
            team = unit_child(self.county, code=f"T{number}", min_on_duty=0)
            cadre = CadreFactory(unit=team)
            Seat.objects.create(programme=self.programme, batch=self.second, cadre=cadre)
            elsewhere = make_programme(self.county, name=f"计划{number}")
            Seat.objects.create(
                programme=elsewhere,
                batch=make_batch(elsewhere, starts_on=date(2030, 4, 1)),
                cadre=CadreFactory(unit=team),
            )
        with self.assertNumQueries(len(small)):
            schedule = selectors.schedule_by_unit(programme=self.programme)
        self.assertEqual(len(schedule.rows), 5)


class WaitInsideTheLock:
    """Holds each writer, once it is inside its transaction and has read, until the other is there too.

    Without a lock both writers would read "nobody away" and then both write: the race made
    certain. With the lock the second cannot get in while the first waits, so the first waits
    `timeout` seconds, the barrier breaks, and from then on nobody waits.
    """

    def __init__(self, timeout: float = 2.0):
        self.barrier = threading.Barrier(2, timeout=timeout)

    def wrap(self, real):
        def waiting(*args, **kwargs):
            result = real(*args, **kwargs)
            if connection.in_atomic_block:
                try:
                    self.barrier.wait()
                except threading.BrokenBarrierError:
                    pass
            return result

        return waiting

    def __enter__(self):
        self.patches = [
            # Read by a run under its locks, and by a hand placement just before it counts who is away.
            mock.patch.object(selectors, "seats_elsewhere", self.wrap(selectors.seats_elsewhere)),
            mock.patch.object(selectors, "unit_sizes", self.wrap(selectors.unit_sizes)),
        ]
        for patch in self.patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self.patches:
            patch.stop()


class ConcurrentProgrammesTests(TransactionTestCase):
    """One team (3 cadres, 2 on duty: one may go at a time) in two programmes whose batches overlap."""

    def setUp(self):
        self.county = unit_root()
        self.team = unit_child(self.county, code="T1", name="某村工作队", min_on_duty=2)
        self.cadres = [CadreFactory(unit=self.team) for _ in range(3)]
        self.a = make_programme(self.county, name="甲计划", population=[self.team])
        self.b = make_programme(self.county, name="乙计划", population=[self.team])
        self.a_batch = make_batch(self.a, starts_on=date(2030, 4, 1), capacity=1)  # 1–2 April
        self.b_batch = make_batch(self.b, starts_on=date(2030, 4, 2), capacity=1)  # 2–3 April

    def assert_floor_kept(self):
        self.assertEqual(Seat.objects.filter(batch__in=[self.a_batch, self.b_batch]).count(), 1)

    def test_two_programmes_scheduled_at_once_keep_the_units_floor(self):
        with WaitInsideTheLock():
            first, second = race(
                lambda: scheduling.schedule_plan(programme=self.a, today=TODAY),
                lambda: scheduling.schedule_plan(programme=self.b, today=TODAY),
            )
        self.assertEqual(sorted([first.placed, second.placed]), [0, 1])
        self.assert_floor_kept()

    def test_a_run_and_a_hand_placement_in_another_programme_keep_the_units_floor(self):
        # The hand-placed cadre is not A's, so a refusal can only be the floor's.
        self.a.exclude_cadres.add(self.cadres[0])
        with WaitInsideTheLock():
            run, placed = race(
                lambda: scheduling.schedule_plan(programme=self.a, today=TODAY),
                lambda: scheduling.seat_assign(programme=self.b, cadre=self.cadres[0], batch=self.b_batch, today=TODAY),
            )
        self.assert_floor_kept()
        if isinstance(placed, Seat):
            self.assertEqual(run.placed, 0)
        else:
            self.assertIsInstance(placed, UnitFloorBroken)
            self.assertEqual(run.placed, 1)

    def test_two_hand_placements_in_two_programmes_keep_the_units_floor(self):
        with WaitInsideTheLock():
            results = race(
                lambda: scheduling.seat_assign(programme=self.a, cadre=self.cadres[0], batch=self.a_batch, today=TODAY),
                lambda: scheduling.seat_assign(programme=self.b, cadre=self.cadres[1], batch=self.b_batch, today=TODAY),
            )
        self.assertEqual(sorted(type(r).__name__ for r in results), ["Seat", "UnitFloorBroken"])
        self.assert_floor_kept()
