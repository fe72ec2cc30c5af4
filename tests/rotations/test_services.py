from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core import mail
from django.test import TestCase

from cadres.models import CadreCategory
from courses.models import CreditEntry
from rotations.exceptions import (
    BatchFull,
    CadreUnavailable,
    CheckInRefused,
    LeaveRefused,
    NotInProgramme,
    ScheduleInvalid,
    UnitFloorBroken,
)
from rotations.models import AttendanceStatus, Holiday, Notice, Outcome, Seat, Session, Unavailability
from rotations.services import attendance, programmes, scheduling
from tests.factories import CadreFactory, make_batch, make_programme, unit_child, unit_root

TODAY = date(2030, 3, 1)
NOW = datetime(2030, 4, 3, 2, 0, tzinfo=UTC)


class ProgrammeSetup(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.team = unit_child(self.county, code="T1", name="某村工作队", min_on_duty=2)
        self.cadres = [CadreFactory(unit=self.team) for _ in range(3)]
        self.programme = make_programme(self.county)
        self.first = make_batch(self.programme, starts_on=date(2030, 4, 1))
        self.second = make_batch(self.programme, starts_on=date(2030, 4, 15))

    def seat(self, cadre):
        return Seat.objects.get(programme=self.programme, cadre=cadre)


class BatchesGenerateTests(ProgrammeSetup):
    def test_batches_are_generated_in_one_step_with_half_day_sessions(self):
        batches = programmes.batches_generate(
            programme=self.programme, count=3, days=5, every_days=14, capacity=60, first_starts_on=date(2030, 5, 6)
        )
        self.assertEqual([b.number for b in batches], [3, 4, 5])
        self.assertEqual([b.starts_on for b in batches], [date(2030, 5, 6), date(2030, 5, 20), date(2030, 6, 3)])
        self.assertEqual(batches[0].ends_on, date(2030, 5, 10))
        self.assertEqual(batches[0].sessions.count(), 10)

    def test_batches_running_past_the_programme_s_end_are_refused_and_none_is_made(self):
        with self.assertRaises(ScheduleInvalid) as caught:
            programmes.batches_generate(
                programme=self.programme,
                count=2,
                days=5,
                every_days=14,
                capacity=60,
                first_starts_on=date(2030, 12, 20),
            )
        self.assertEqual(
            str(caught.exception),
            programmes.BATCHES_DO_NOT_FIT.format(fit=1, count=2, first=date(2030, 12, 20), ends=date(2030, 12, 31)),
        )
        self.assertEqual(self.programme.batches.count(), 2)

    def test_a_first_batch_before_the_programme_is_refused(self):
        with self.assertRaises(ScheduleInvalid) as caught:
            programmes.batches_generate(
                programme=self.programme, count=1, days=5, every_days=7, capacity=60, first_starts_on=date(2030, 2, 1)
            )
        self.assertEqual(
            str(caught.exception),
            programmes.BATCHES_OUTSIDE_PROGRAMME.format(starts=date(2030, 3, 1), ends=date(2030, 12, 31)),
        )

    def test_generated_batches_move_past_public_holidays_but_not_make_up_working_days(self):
        Holiday.objects.create(date=date(2030, 5, 1), name="劳动节")
        Holiday.objects.create(date=date(2030, 5, 2), name="劳动节")
        Holiday.objects.create(date=date(2030, 5, 11), name="劳动节调休上班", is_workday=True)
        batches = programmes.batches_generate(
            programme=self.programme,
            count=2,
            days=5,
            every_days=7,
            capacity=60,
            first_starts_on=date(2030, 4, 29),
            skip_weekends=True,
        )
        # 29 Apr (Mon) would cover 1–2 May; the first clear five working days start on 6 May (Mon).
        # The second batch's planned start (6 May) is taken, so it follows on the next clear days:
        # Saturday 11 May is a make-up working day, Sunday 12 May is not.
        self.assertEqual(
            [(b.starts_on, b.ends_on) for b in batches],
            [(date(2030, 5, 6), date(2030, 5, 10)), (date(2030, 5, 13), date(2030, 5, 17))],
        )
        self.assertFalse(
            Session.objects.filter(batch__in=batches, date__in=[date(2030, 5, 1), date(2030, 5, 2)]).exists()
        )


class SchedulePlanTests(ProgrammeSetup):
    def test_the_plan_keeps_the_floor_and_explains_who_is_left_out(self):
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual((run.population, run.placed, run.upper_bound), (3, 2, 2))
        self.assertEqual(sorted(Seat.objects.values_list("batch_id", flat=True)), [self.first.pk, self.second.pk])
        [left] = run.unplaced
        self.assertEqual(left["reason"], "unit_floor")
        self.assertEqual(
            left["template"].format(**left["params"]),
            "某村工作队 has 3 cadres and must keep 2 on duty; its 2 possible batches (2030-04-01 – 2030-04-16) "
            "cannot take more than 1 of them at a time.",
        )

    def test_the_population_follows_categories_and_the_include_and_exclude_lists(self):
        township = CadreFactory(unit=self.county, category=CadreCategory.TOWNSHIP)
        self.programme.categories = [CadreCategory.FIRST_SECRETARY]
        self.programme.save()
        self.programme.exclude_cadres.add(self.cadres[0])
        self.programme.include_cadres.add(township)
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual(run.population, 3)
        self.assertFalse(Seat.objects.filter(cadre=self.cadres[0]).exists())

    def test_locked_seats_stay_where_they_are(self):
        scheduling.schedule_plan(programme=self.programme, today=TODAY)
        seat = Seat.objects.filter(batch=self.first).get()
        scheduling.seat_set_locked(seat=seat, locked=True)
        Unavailability.objects.create(
            cadre=seat.cadre, starts_on=date(2030, 3, 1), ends_on=date(2030, 4, 5), reason="x"
        )
        scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual(self.seat(seat.cadre).batch, self.first)

    def test_replanning_gives_the_same_seats(self):
        scheduling.schedule_plan(programme=self.programme, today=TODAY)
        before = dict(Seat.objects.values_list("cadre_id", "batch_id"))
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual(dict(Seat.objects.values_list("cadre_id", "batch_id")), before)
        self.assertEqual(run.moved, 0)

    def test_makeup_replanning_moves_only_those_who_did_not_complete(self):
        self.team.min_on_duty = 1
        self.team.save()
        third = make_batch(self.programme, starts_on=date(2030, 5, 6))
        scheduling.schedule_plan(programme=self.programme, today=TODAY)
        seats = list(Seat.objects.order_by("cadre_id"))
        failed, passed = seats[0], seats[1]
        Seat.objects.filter(pk=failed.pk).update(outcome=Outcome.NOT_COMPLETED)
        Seat.objects.filter(pk=passed.pk).update(outcome=Outcome.COMPLETED)
        before = dict(Seat.objects.values_list("cadre_id", "batch_id"))
        run = scheduling.schedule_plan(programme=self.programme, today=date(2030, 4, 30), makeup=True)
        after = dict(Seat.objects.values_list("cadre_id", "batch_id"))
        self.assertEqual(after[failed.cadre_id], third.pk)
        self.assertTrue(self.seat(failed.cadre).is_makeup)
        self.assertEqual(self.seat(failed.cadre).outcome, Outcome.SCHEDULED)
        self.assertEqual(
            {k: v for k, v in after.items() if k != failed.cadre_id},
            {k: v for k, v in before.items() if k != failed.cadre_id},
        )
        self.assertEqual(run.moved, 1)

    def test_publishing_notifies_every_seated_cadre_on_the_site_and_by_email(self):
        for cadre in self.cadres:
            cadre.user.email = f"{cadre.pk}@example.com"
            cadre.user.save()
        scheduling.schedule_plan(programme=self.programme, today=TODAY)
        with self.captureOnCommitCallbacks(execute=True):
            count = programmes.schedule_publish(programme=self.programme, now=NOW)
        self.assertEqual(count, 2)
        self.assertEqual(Notice.objects.count(), 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_publishing_without_a_schedule_is_refused(self):
        with self.assertRaises(ScheduleInvalid) as caught:
            programmes.schedule_publish(programme=self.programme)
        self.assertEqual(str(caught.exception), programmes.NOTHING_TO_PUBLISH)


class SeatAssignTests(ProgrammeSetup):
    def test_a_hand_placement_is_locked(self):
        seat = scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=self.second, today=TODAY)
        self.assertTrue(seat.locked)
        self.assertEqual(seat.placed_by, "hand")

    def test_a_move_that_empties_the_front_line_is_refused(self):
        scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=self.first, today=TODAY)
        with self.assertRaises(UnitFloorBroken) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[1], batch=self.first, today=TODAY)
        self.assertEqual(
            str(caught.exception),
            scheduling.MOVE_UNIT_FLOOR.format(
                cadre=self.cadres[1].name, batch=1, away=2, unit="某村工作队", day=date(2030, 4, 1), size=3, floor=2
            ),
        )

    def test_the_floor_counts_overlapping_batches(self):
        overlapping = make_batch(self.programme, starts_on=date(2030, 4, 2))
        scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=self.first, today=TODAY)
        with self.assertRaises(UnitFloorBroken):
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[1], batch=overlapping, today=TODAY)

    def test_a_full_batch_is_refused(self):
        self.first.capacity = 1
        self.first.save()
        other = CadreFactory(unit=unit_child(self.county, code="T2", min_on_duty=0))
        scheduling.seat_assign(programme=self.programme, cadre=other, batch=self.first, today=TODAY)
        with self.assertRaises(BatchFull) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=self.first, today=TODAY)
        self.assertEqual(str(caught.exception), scheduling.MOVE_BATCH_FULL.format(batch=1, capacity=1))

    def test_an_unavailable_cadre_is_refused(self):
        Unavailability.objects.create(
            cadre=self.cadres[0], starts_on=date(2030, 4, 2), ends_on=date(2030, 4, 9), reason="病假"
        )
        with self.assertRaises(CadreUnavailable) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=self.first, today=TODAY)
        self.assertEqual(
            str(caught.exception),
            scheduling.MOVE_UNAVAILABLE.format(
                cadre=self.cadres[0].name, starts=date(2030, 4, 2), ends=date(2030, 4, 9), reason="病假"
            ),
        )

    def test_a_batch_that_has_started_is_refused(self):
        with self.assertRaises(ScheduleInvalid) as caught:
            scheduling.seat_assign(
                programme=self.programme, cadre=self.cadres[0], batch=self.first, today=date(2030, 4, 1)
            )
        self.assertEqual(str(caught.exception), scheduling.MOVE_STARTED.format(batch=1))

    def test_a_batch_of_another_programme_is_refused(self):
        other = make_batch(make_programme(self.county, name="另一计划"))
        with self.assertRaises(NotInProgramme) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=other, today=TODAY)
        self.assertEqual(str(caught.exception), scheduling.MOVE_OTHER_PROGRAMME.format(batch=1))

    def test_a_cadre_outside_the_population_is_refused(self):
        outsider = CadreFactory(unit=unit_root(code="C02", name="邻县"))
        with self.assertRaises(NotInProgramme) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=outsider, batch=self.first, today=TODAY)
        self.assertEqual(str(caught.exception), scheduling.MOVE_NOT_IN_POPULATION.format(cadre=outsider.name))


class AttendanceTests(ProgrammeSetup):
    def setUp(self):
        super().setUp()
        self.cadre = self.cadres[0]
        scheduling.seat_assign(programme=self.programme, cadre=self.cadre, batch=self.first, today=TODAY)
        self.sessions = list(self.first.sessions.order_by("date", "half"))

    def mark_all(self, status=AttendanceStatus.PRESENT):
        for session in self.sessions:
            attendance.attendance_record(session=session, cadre=self.cadre, status=status, now=NOW)

    def test_recording_attendance_twice_keeps_one_mark(self):
        attendance.attendance_record(session=self.sessions[0], cadre=self.cadre, status="present", now=NOW)
        attendance.attendance_record(session=self.sessions[0], cadre=self.cadre, status="present", now=NOW)
        self.assertEqual(self.sessions[0].attendance.count(), 1)

    def test_attendance_for_someone_without_a_seat_is_refused(self):
        with self.assertRaises(NotInProgramme) as caught:
            attendance.attendance_record(session=self.sessions[0], cadre=self.cadres[1], status="present")
        self.assertEqual(str(caught.exception), attendance.NOT_SEATED.format(cadre=self.cadres[1].name, batch=1))

    def test_checking_in_on_time_is_present_and_later_is_late(self):
        opened = datetime(2030, 4, 1, 0, 20, tzinfo=UTC)  # 08:20 in Shanghai
        session = attendance.checkin_open(session=self.sessions[0], now=opened)
        mark = attendance.checkin(cadre=self.cadre, code=session.checkin_code, now=opened + timedelta(minutes=5))
        self.assertEqual(mark.status, AttendanceStatus.PRESENT)
        other = attendance.checkin_open(session=self.sessions[1], now=datetime(2030, 4, 1, 6, 10, tzinfo=UTC))
        late = attendance.checkin(
            cadre=self.cadre, code=other.checkin_code, now=datetime(2030, 4, 1, 6, 20, tzinfo=UTC)
        )
        self.assertEqual(late.status, AttendanceStatus.LATE)

    def test_an_expired_code_is_refused(self):
        session = attendance.checkin_open(session=self.sessions[0], now=NOW)
        with self.assertRaises(CheckInRefused) as caught:
            attendance.checkin(cadre=self.cadre, code=session.checkin_code, now=NOW + timedelta(hours=1))
        self.assertEqual(str(caught.exception), attendance.CHECKIN_EXPIRED)

    def test_an_unknown_code_is_refused(self):
        with self.assertRaises(CheckInRefused) as caught:
            attendance.checkin(cadre=self.cadre, code="nope", now=NOW)
        self.assertEqual(str(caught.exception), attendance.CHECKIN_UNKNOWN)

    def test_approved_leave_marks_the_sessions_it_covers(self):
        request = attendance.leave_request_create(
            seat=self.seat(self.cadre), starts_on=date(2030, 4, 2), ends_on=date(2030, 4, 2), reason="家中有事"
        )
        attendance.leave_request_decide(request=request, approve=True, by=None, now=NOW)
        statuses = list(self.first.sessions.filter(date=date(2030, 4, 2)).values_list("attendance__status", flat=True))
        self.assertEqual(statuses, ["leave", "leave"])

    def test_leave_outside_the_batch_is_refused(self):
        with self.assertRaises(LeaveRefused) as caught:
            attendance.leave_request_create(
                seat=self.seat(self.cadre), starts_on=date(2030, 5, 2), ends_on=date(2030, 5, 3), reason="x"
            )
        self.assertEqual(
            str(caught.exception),
            attendance.LEAVE_OUTSIDE_BATCH.format(starts=date(2030, 4, 1), ends=date(2030, 4, 2)),
        )

    def test_full_attendance_completes_and_credits_the_hours_once(self):
        self.mark_all()
        attendance.batch_complete(batch=self.first, now=NOW)
        attendance.batch_complete(batch=self.first, now=NOW + timedelta(days=1))
        seat = self.seat(self.cadre)
        self.assertEqual(seat.outcome, Outcome.COMPLETED)
        entry = CreditEntry.objects.get(cadre=self.cadre)
        self.assertEqual((entry.hours, entry.source, entry.year), (Decimal("24.0"), "batch", 2030))
        self.assertEqual(seat.credit_entry, entry)

    def test_leave_above_the_share_means_not_completed(self):
        self.mark_all()
        attendance.attendance_record(session=self.sessions[0], cadre=self.cadre, status="leave", now=NOW)
        attendance.batch_complete(batch=self.first, now=NOW)  # 3 of 12 hours on leave > 1/7
        self.assertEqual(self.seat(self.cadre).outcome, Outcome.NOT_COMPLETED)
        self.assertFalse(CreditEntry.objects.exists())

    def test_unexcused_absences_at_the_limit_mean_not_completed(self):
        self.programme.max_leave_numerator = 1
        self.programme.max_leave_denominator = 1
        self.programme.absences_fail_at = 2
        self.programme.save()
        self.mark_all()
        for session in self.sessions[:2]:
            attendance.attendance_record(session=session, cadre=self.cadre, status="absent", now=NOW)
        attendance.batch_complete(batch=self.first, now=NOW)
        self.assertEqual(self.seat(self.cadre).outcome, Outcome.NOT_COMPLETED)

    def test_the_completion_rule(self):
        hours = [Decimal(3)] * 14
        rule = {"numerator": 1, "denominator": 7, "absences_fail_at": 3, "session_hours": hours}
        self.assertTrue(attendance.completes(leave_hours=Decimal(6), absences=2, **rule))
        self.assertFalse(attendance.completes(leave_hours=Decimal(9), absences=0, **rule))
        self.assertFalse(attendance.completes(leave_hours=Decimal(0), absences=3, **rule))


class CrossProgrammeFloorTests(ProgrammeSetup):
    """The team (3 cadres, 2 on duty: one may go at a time) has a cadre away in another programme's batch."""

    def setUp(self):
        super().setUp()
        self.other_programme = make_programme(self.county, name="另一计划")
        # 2 April – 3 April: overlaps the first batch (1–2 April), not the second (15–16 April).
        self.other_batch = make_batch(self.other_programme, starts_on=date(2030, 4, 2))
        Seat.objects.create(programme=self.other_programme, batch=self.other_batch, cadre=self.cadres[0])

    def test_the_scheduler_counts_cadres_away_in_another_programme(self):
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertFalse(Seat.objects.filter(batch=self.first).exists())
        self.assertEqual(Seat.objects.filter(batch=self.second).count(), 1)
        self.assertEqual((run.placed, run.upper_bound), (1, 1))
        left = run.unplaced[0]
        self.assertEqual(left["reason"], "unit_floor")
        self.assertEqual(
            left["template"].format(**left["params"]),
            scheduling.UNPLACED_UNIT_FLOOR_ELSEWHERE.format(
                unit="某村工作队",
                size=3,
                floor=2,
                elsewhere=1,
                batches=2,
                starts="2030-04-01",
                ends="2030-04-16",
            ),
        )

    def test_without_the_other_programme_the_first_batch_takes_one(self):
        Seat.objects.filter(programme=self.other_programme).delete()
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual(Seat.objects.filter(batch=self.first).count(), 1)
        self.assertEqual(run.placed, 2)

    def test_nobody_is_placed_in_two_overlapping_batches(self):
        self.team.min_on_duty = 0
        self.team.save()
        scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual(self.seat(self.cadres[0]).batch, self.second)

    def test_a_hand_move_counts_cadres_away_in_another_programme(self):
        with self.assertRaises(UnitFloorBroken) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[1], batch=self.first, today=TODAY)
        self.assertEqual(
            str(caught.exception),
            scheduling.MOVE_UNIT_FLOOR_ELSEWHERE.format(
                cadre=self.cadres[1].name,
                batch=1,
                away=2,
                unit="某村工作队",
                day=date(2030, 4, 2),
                elsewhere=1,
                size=3,
                floor=2,
            ),
        )

    def test_a_hand_move_into_a_batch_clear_of_the_other_programme_is_allowed(self):
        seat = scheduling.seat_assign(programme=self.programme, cadre=self.cadres[1], batch=self.second, today=TODAY)
        self.assertEqual(seat.batch, self.second)

    def test_a_cadre_is_not_moved_into_a_batch_overlapping_their_other_seat(self):
        self.team.min_on_duty = 0
        self.team.save()
        with self.assertRaises(CadreUnavailable) as caught:
            scheduling.seat_assign(programme=self.programme, cadre=self.cadres[0], batch=self.first, today=TODAY)
        self.assertEqual(
            str(caught.exception),
            scheduling.MOVE_BUSY_ELSEWHERE.format(
                cadre=self.cadres[0].name, batch=1, programme="另一计划", starts=date(2030, 4, 2), ends=date(2030, 4, 3)
            ),
        )


class SessionRollTests(ProgrammeSetup):
    def setUp(self):
        super().setUp()
        self.team.min_on_duty = 0
        self.team.save()
        for cadre in self.cadres:
            scheduling.seat_assign(programme=self.programme, cadre=cadre, batch=self.first, today=TODAY)
        self.session = self.first.sessions.order_by("date", "half").first()

    def statuses(self):
        return dict(self.session.attendance.values_list("cadre_id", "status"))

    def test_a_whole_session_is_recorded_in_one_go(self):
        wanted = {self.cadres[0].pk: "present", self.cadres[1].pk: "late", self.cadres[2].pk: "absent"}
        changed = attendance.session_roll_record(session=self.session, statuses=wanted, now=NOW)
        self.assertEqual(changed, 3)
        self.assertEqual(self.statuses(), wanted)
        self.assertEqual(set(self.session.attendance.values_list("via", flat=True)), {"trainer"})

    def test_an_unchanged_check_in_keeps_its_record(self):
        attendance.attendance_record(session=self.session, cadre=self.cadres[0], status="late", via="checkin", now=NOW)
        changed = attendance.session_roll_record(
            session=self.session, statuses={self.cadres[0].pk: "late", self.cadres[1].pk: "present"}, now=NOW
        )
        self.assertEqual(changed, 1)
        mark = self.session.attendance.get(cadre=self.cadres[0])
        self.assertEqual((mark.status, mark.via), ("late", "checkin"))

    def test_a_changed_status_replaces_the_mark(self):
        attendance.attendance_record(session=self.session, cadre=self.cadres[0], status="present", now=NOW)
        attendance.session_roll_record(session=self.session, statuses={self.cadres[0].pk: "left_early"}, now=NOW)
        self.assertEqual(self.statuses(), {self.cadres[0].pk: "left_early"})

    def test_someone_without_a_seat_in_the_batch_is_refused_and_nothing_is_written(self):
        stranger = CadreFactory(unit=self.team)
        with self.assertRaises(NotInProgramme) as caught:
            attendance.session_roll_record(
                session=self.session, statuses={self.cadres[0].pk: "present", stranger.pk: "present"}
            )
        self.assertEqual(str(caught.exception), attendance.NOT_SEATED.format(cadre=stranger.name, batch=1))
        self.assertEqual(self.statuses(), {})

    def test_an_unknown_status_is_refused(self):
        with self.assertRaises(ValueError):
            attendance.session_roll_record(session=self.session, statuses={self.cadres[0].pk: "asleep"})
        self.assertEqual(self.statuses(), {})
