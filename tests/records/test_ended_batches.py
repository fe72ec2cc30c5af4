"""An attended batch credits its hours once it has ended, without waiting for someone to press "complete",
and the 学习档案 says what a batch is worth while it runs."""

from datetime import date
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone, translation

from courses.models import CreditEntry, CreditSource
from rotations.models import AttendanceStatus, Outcome, PlacedBy, Seat
from rotations.services import attendance
from tests.factories import CadreFactory, make_batch, make_programme, unit_root


class EndedBatchSetup(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county)
        self.absent = CadreFactory(unit=self.county)
        self.programme = make_programme(self.county, credit_hours=24, name="乡村振兴轮训")
        self.batch = make_batch(self.programme, starts_on=date(2030, 4, 1), days=2)
        for cadre in (self.cadre, self.absent):
            Seat.objects.create(
                programme=self.programme, batch=self.batch, cadre=cadre, locked=True, placed_by=PlacedBy.HAND
            )

    def attend(self, cadre, *, until: date | None = None, status=AttendanceStatus.PRESENT):
        for session in self.batch.sessions.all():
            if until is None or session.date <= until:
                attendance.attendance_record(session=session, cadre=cadre, status=status)

    def seat(self, cadre) -> Seat:
        return Seat.objects.select_related("credit_entry").get(cadre=cadre, programme=self.programme)


class EndedBatchCreditTests(EndedBatchSetup):
    def test_an_attended_batch_that_ended_is_credited_its_hours_dated_its_last_day(self):
        self.attend(self.cadre)
        tally = attendance.batches_complete_ended(today=date(2030, 4, 3))
        self.assertEqual(tally, {"batches": 1, "completed": 1, "not_completed": 1})
        entry = self.seat(self.cadre).credit_entry
        self.assertEqual((entry.hours, entry.source, entry.year), (Decimal(24), CreditSource.BATCH, 2030))
        self.assertEqual(timezone.localtime(entry.earned_at).date(), date(2030, 4, 2))
        self.assertEqual(self.seat(self.absent).outcome, Outcome.NOT_COMPLETED)

    def test_a_batch_still_running_is_left_undecided(self):
        self.attend(self.cadre, until=date(2030, 4, 1))
        tally = attendance.batches_complete_ended(today=date(2030, 4, 2))
        self.assertEqual(tally["batches"], 0)
        self.assertEqual(self.seat(self.cadre).outcome, Outcome.SCHEDULED)
        self.assertFalse(CreditEntry.objects.exists())

    def test_a_second_daily_run_credits_nothing_more(self):
        self.attend(self.cadre)
        attendance.batches_complete_ended(today=date(2030, 4, 3))
        self.assertEqual(attendance.batches_complete_ended(today=date(2030, 4, 4))["batches"], 0)
        self.assertEqual(list(CreditEntry.objects.values_list("hours", flat=True)), [Decimal(24)])

    def test_the_daily_command_decides_batches_that_ended_before_today(self):
        past = make_programme(self.county, name="往年轮训", starts_on=date(2020, 3, 1), ends_on=date(2020, 12, 31))
        self.batch = make_batch(past, starts_on=date(2020, 4, 1), days=2)
        Seat.objects.create(programme=past, batch=self.batch, cadre=self.cadre, locked=True, placed_by=PlacedBy.HAND)
        self.attend(self.cadre)
        out = StringIO()
        call_command("complete_ended_batches", stdout=out)
        self.assertEqual(out.getvalue().strip(), "1 batches decided: 1 seats completed, 0 not completed.")
        self.assertEqual(self.seat(self.cadre).outcome, Outcome.SCHEDULED)  # this year's batch has not ended


class RecordPageBatchHoursTests(EndedBatchSetup):
    def record(self, year=2030):
        self.client.force_login(self.cadre.user)
        return self.client.get(f"/record/?year={year}")

    def test_the_record_credits_an_attended_ended_batch_in_the_ledger_and_the_batch_list(self):
        self.attend(self.cadre)
        attendance.batches_complete_ended(today=date(2030, 4, 3))
        response = self.record()
        record = response.context["record"]
        self.assertEqual(record.hours, Decimal(24))
        self.assertEqual({t.source: t.hours for t in record.by_source}[CreditSource.BATCH], Decimal(24))
        with translation.override("zh-hans"):
            self.assertContains(response, "已计入 24.0 学时")

    def test_a_batch_under_way_shows_the_hours_attended_so_far_and_when_they_count(self):
        self.attend(self.cadre, until=date(2030, 4, 1))
        response = self.record()
        [seat] = response.context["record"].seats
        self.assertEqual((seat.attended_hours, seat.session_hours), (Decimal(6), Decimal(12)))
        self.assertContains(response, "已参训 6.0 / 12.0 学时")
