"""The scheduler as a background run: one at a time per programme, with its phase, progress and result."""

from datetime import timedelta
from unittest import mock

from django.db import IntegrityError, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from rotations import scheduler
from rotations.models import RunPhase, RunStatus, ScheduleRun, Seat
from rotations.services import runs, scheduling
from tests.factories import CadreFactory, make_batch, make_officer, make_programme, unit_child, unit_root


class RunSetup(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.township = unit_child(self.county, code="A", name="甲镇")
        self.team = unit_child(self.township, code="A1", name="甲村工作队", min_on_duty=3)  # one may go at a time
        self.cadres = [CadreFactory(unit=self.team) for _ in range(4)]
        today = timezone.localdate()
        self.programme = make_programme(self.township, starts_on=today, ends_on=today + timedelta(400))
        self.first = make_batch(self.programme, starts_on=today + timedelta(30), capacity=10)
        self.second = make_batch(self.programme, starts_on=today + timedelta(60), capacity=10)
        self.officer = make_officer(self.township)

    def start(self, **kwargs):
        return runs.schedule_run_start(programme=self.programme, by=self.officer, **kwargs)

    def start_and_run(self, **kwargs) -> ScheduleRun:
        """Start a run and let the embedded backend execute it, as after the request's commit."""
        with self.captureOnCommitCallbacks(execute=True):
            run, started = self.start(**kwargs)
        self.assertTrue(started)
        run.refresh_from_db()
        return run


class ScheduleRunStartTests(RunSetup):
    def test_a_run_is_queued_and_then_executed_in_the_background(self):
        run = self.start_and_run()
        self.assertEqual((run.status, run.phase, run.percent), (RunStatus.SUCCEEDED, RunPhase.DONE, 100))
        self.assertEqual((run.population, run.placed, run.upper_bound), (4, 2, 2))
        self.assertEqual(Seat.objects.filter(programme=self.programme).count(), 2)
        self.assertIsNotNone(run.finished_at)

    def test_a_second_click_while_a_run_is_queued_gets_the_same_run(self):
        first, started = self.start()  # the task waits for the commit, so the run stays queued
        again, started_again = self.start()
        self.assertTrue(started)
        self.assertFalse(started_again)
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(ScheduleRun.objects.filter(programme=self.programme).count(), 1)

    def test_the_database_refuses_a_second_active_run(self):
        self.start()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ScheduleRun.objects.create(programme=self.programme, created_at=timezone.now(), status=RunStatus.RUNNING)

    def test_another_programme_can_run_at_the_same_time(self):
        self.start()
        other = make_programme(self.township, name="另一计划")
        _, started = runs.schedule_run_start(programme=other)
        self.assertTrue(started)

    def test_a_finished_run_does_not_block_the_next(self):
        first = self.start_and_run()
        second = self.start_and_run()
        self.assertNotEqual(first.pk, second.pk)
        self.assertEqual(second.status, RunStatus.SUCCEEDED)

    def test_a_run_lost_with_its_worker_is_replaced_after_an_hour(self):
        lost, _ = self.start(now=timezone.now() - timedelta(hours=2))
        ScheduleRun.objects.filter(pk=lost.pk).update(status=RunStatus.RUNNING)
        run, started = self.start()
        self.assertTrue(started)
        lost.refresh_from_db()
        self.assertEqual((lost.status, lost.error), (RunStatus.FAILED, runs.RUN_ABANDONED))
        self.assertNotEqual(run.pk, lost.pk)


class ScheduleRunExecuteTests(RunSetup):
    def test_the_phases_are_written_as_the_run_goes(self):
        run, _ = self.start()
        seen = []
        real_schedule = scheduler.schedule

        def watching(**kwargs):
            # What the progress bar would read from another request while the solver works.
            seen.append(ScheduleRun.objects.values_list("status", "phase", "percent").get(pk=run.pk))
            return real_schedule(**kwargs)

        with mock.patch.object(scheduling.scheduler, "schedule", side_effect=watching):
            with mock.patch.object(runs, "run_progress", wraps=runs.run_progress) as progress:
                runs.schedule_run_execute(run_id=run.pk)
        self.assertEqual(
            [c.kwargs["phase"] for c in progress.call_args_list], [RunPhase.LOADING, RunPhase.SOLVING, RunPhase.SAVING]
        )
        self.assertEqual(seen, [(RunStatus.RUNNING, RunPhase.SOLVING, 35)])

    def test_a_run_records_its_result_per_batch_and_per_unit(self):
        other_team = unit_child(self.township, code="A2", name="乙村工作队", min_on_duty=0)
        CadreFactory(unit=other_team)
        run = self.start_and_run()
        self.assertEqual([(row["number"], row["capacity"]) for row in run.by_batch], [(1, 10), (2, 10)])
        self.assertEqual(
            [row["seated"] for row in run.by_batch],
            [Seat.objects.filter(batch=batch).count() for batch in (self.first, self.second)],
        )
        self.assertEqual(sum(row["seated"] for row in run.by_batch), 3)
        self.assertEqual(
            [(row["name"], row["placed"], row["unplaced"]) for row in run.by_unit],
            [("甲村工作队", 2, 2), ("乙村工作队", 1, 0)],
        )

    def test_a_run_executed_twice_runs_once(self):
        run = self.start_and_run()
        with mock.patch.object(scheduling, "schedule_plan") as plan:
            runs.schedule_run_execute(run_id=run.pk)
        plan.assert_not_called()

    def test_a_failing_run_is_marked_failed_and_changes_nothing(self):
        run, _ = self.start()
        with mock.patch.object(scheduling.scheduler, "schedule", side_effect=RuntimeError("boom")):
            runs.schedule_run_execute(run_id=run.pk)
        run.refresh_from_db()
        self.assertEqual((run.status, run.error), (RunStatus.FAILED, runs.RUN_FAILED.format(error="boom")))
        self.assertFalse(Seat.objects.exists())
        _, started = self.start()
        self.assertTrue(started)

    def test_seats_changed_while_solving_are_planned_around(self):
        """An officer's hand placement made while the solver works is kept, and the floor still holds."""
        run, _ = self.start()
        real_schedule = scheduler.schedule
        calls = []

        def meanwhile(**kwargs):
            if not calls:
                scheduling.seat_assign(programme=self.programme, cadre=self.cadres[3], batch=self.first)
            calls.append(1)
            return real_schedule(**kwargs)

        with mock.patch.object(scheduling.scheduler, "schedule", side_effect=meanwhile):
            runs.schedule_run_execute(run_id=run.pk)
        self.assertEqual(len(calls), 2)  # planned again under the lock
        seat = Seat.objects.get(cadre=self.cadres[3])
        self.assertEqual((seat.batch, seat.locked), (self.first, True))
        # The team may spare one at a time: the hand-placed cadre is the first batch's only one.
        self.assertEqual(
            list(Seat.objects.filter(batch=self.first).values_list("cadre", flat=True)), [self.cadres[3].pk]
        )
        self.assertEqual(Seat.objects.filter(batch=self.second).count(), 1)


class ScheduleRunPageTests(RunSetup):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.officer)
        self.page = reverse("rotations_programme_schedule", args=[self.programme.pk])
        self.plan = reverse("rotations_programme_plan", args=[self.programme.pk])
        self.status = reverse("rotations_programme_run_status", args=[self.programme.pk])

    def test_double_clicking_run_starts_one_run(self):
        self.client.post(self.plan)
        self.client.post(self.plan)
        self.assertEqual(ScheduleRun.objects.filter(programme=self.programme).count(), 1)

    def test_the_page_shows_a_progress_bar_while_a_run_is_under_way(self):
        self.client.post(self.plan)
        response = self.client.get(self.page)
        self.assertContains(response, f'data-status-url="{self.status}"')
        self.assertContains(response, "<progress", count=1)
        self.assertContains(response, " disabled>", count=2)  # both run buttons

    def test_the_status_endpoint_reports_the_phase_and_percent(self):
        run, _ = self.start()
        ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
        runs.run_progress(run_id=run.pk, phase=RunPhase.SOLVING, percent=35)
        data = self.client.get(self.status).json()
        self.assertEqual(
            (data["id"], data["status"], data["phase"], data["percent"], data["finished"]),
            (run.pk, "running", "solving", 35, False),
        )

    def test_after_the_run_the_page_shows_the_result_per_batch_and_per_unit(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.plan)
        data = self.client.get(self.status).json()
        self.assertTrue(data["finished"])
        self.assertEqual([row["seated"] for row in data["by_batch"]], [1, 1])
        self.assertEqual([(row["placed"], row["unplaced"]) for row in data["by_unit"]], [(2, 2)])
        response = self.client.get(self.page)
        self.assertNotContains(response, "<progress")
        self.assertContains(response, "data-run-by-batch")
        self.assertContains(response, "<td>甲村工作队</td><td>2</td><td>2</td>", html=False)

    def test_a_failed_run_is_reported_on_the_page(self):
        with mock.patch.object(scheduling.scheduler, "schedule", side_effect=RuntimeError("boom")):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(self.plan)
        self.assertEqual(ScheduleRun.objects.get().status, RunStatus.FAILED)
        response = self.client.get(self.page)
        self.assertContains(response, "help-critical")
        self.assertNotContains(response, " disabled>")

    def test_an_officer_of_another_subtree_cannot_read_the_status(self):
        self.client.force_login(make_officer(unit_child(self.county, code="B", name="乙镇")))
        self.assertEqual(self.client.get(self.status).status_code, 404)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
class ConcurrentStartTests(TransactionTestCase):
    """Two clicks arriving together (two requests, two connections) start one run between them."""

    def test_two_concurrent_starts_queue_one_run(self):
        from tests.concurrency import race

        county = unit_root()
        CadreFactory(unit=county)
        today = timezone.localdate()
        programme = make_programme(county, starts_on=today, ends_on=today + timedelta(100))
        make_batch(programme, starts_on=today + timedelta(10))

        def start():
            return runs.schedule_run_start(programme=programme)

        first, second = race(start, start)
        self.assertEqual(first[0].pk, second[0].pk)
        self.assertEqual(sorted([first[1], second[1]]), [False, True])
        self.assertEqual(ScheduleRun.objects.count(), 1)
