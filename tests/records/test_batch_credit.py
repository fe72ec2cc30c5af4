"""Rotation batch credit goes through the same credit policy as course credit: the cadre's rule decides."""

from datetime import timedelta
from decimal import Decimal

from django.test import TestCase

from cadres.models import CadreCategory
from courses.crediting import CourseValuePolicy
from courses.models import CreditEntry
from records import selectors
from records.services import recount
from tests.factories import CadreFactory, make_batch, make_course, make_programme, unit_root
from tests.records.helpers import BATCH_DONE, completed_seat, completed_seats, finish_lessons, make_rule


class BatchCreditTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, category=CadreCategory.TOWNSHIP)

    def test_without_a_rule_a_batch_is_worth_its_programme_s_stated_hours(self):
        entry = completed_seat(self.cadre, self.county, credit_hours=24).credit_entry
        self.assertEqual((entry.hours, entry.rule["id"], entry.rule["method"]), (Decimal(24), None, "stated"))

    def test_a_programme_stating_no_hours_counts_the_rule_s_hours_per_training_day(self):
        rule = make_rule(hours_per_training_day=6, name="南京")
        entry = completed_seat(self.cadre, self.county, credit_hours=0, days=3).credit_entry
        self.assertEqual(entry.hours, Decimal(18))
        self.assertEqual(
            {k: entry.rule[k] for k in ("id", "label", "method", "days", "per_day")},
            {"id": rule.pk, "label": "南京", "method": "days", "days": 3, "per_day": "6.0"},
        )
        self.assertEqual(selectors.rule_text(entry.rule), "南京: 3 个培训日 × 6.0")

    def test_without_a_rule_a_programme_stating_no_hours_counts_eight_a_day(self):
        entry = completed_seat(self.cadre, self.county, credit_hours=0, days=2).credit_entry
        self.assertEqual((entry.hours, entry.rule["method"]), (Decimal(16), "days"))

    def test_each_category_in_the_same_batch_is_counted_by_its_own_rule(self):
        make_rule(category=CadreCategory.TOWNSHIP, hours_per_training_day=8, name="乡镇干部")
        make_rule(category=CadreCategory.VILLAGE, hours_per_training_day=6, name="村干部")
        village = CadreFactory(unit=self.county, category=CadreCategory.VILLAGE)
        seats = completed_seats([self.cadre, village], self.county, credit_hours=0, days=2)
        self.assertEqual(
            [(s.credit_entry.hours, s.credit_entry.rule["label"]) for s in seats],
            [(Decimal(16), "乡镇干部"), (Decimal(12), "村干部")],
        )

    def test_a_rule_for_the_year_replaces_the_standing_rule(self):
        make_rule(hours_per_training_day=7, name="常设")
        make_rule(year=2030, hours_per_training_day=6, name="2030")
        make_rule(year=2031, hours_per_training_day=5, name="2031")
        entry = completed_seat(self.cadre, self.county, credit_hours=0, days=2).credit_entry
        self.assertEqual((entry.hours, entry.rule["label"]), (Decimal(12), "2030"))

    def test_a_yearly_batch_cap_cuts_the_programme_s_hours_and_says_so(self):
        make_rule(caps=[("batch", "year", 20)], name="封顶")
        entry = completed_seat(self.cadre, self.county, credit_hours=24).credit_entry
        self.assertEqual((entry.hours, entry.rule["cap"], entry.rule["label"]), (Decimal(20), "batch/year", "封顶"))

    def test_an_all_sources_cap_counts_the_course_hours_already_earned_that_year(self):
        make_rule(caps=[("all", "year", 10)])
        finish_lessons(self.cadre, make_course(credit_hours=4), when=BATCH_DONE - timedelta(days=30))
        entry = completed_seat(self.cadre, self.county, credit_hours=24).credit_entry
        self.assertEqual(entry.hours, Decimal(6))

    def test_a_second_completion_of_the_batch_credits_nothing_more(self):
        from rotations.services import attendance

        seat = completed_seat(self.cadre, self.county, credit_hours=24)
        attendance.batch_complete(batch=seat.batch, now=BATCH_DONE + timedelta(days=1))
        self.assertEqual(list(CreditEntry.objects.values_list("hours", flat=True)), [Decimal(24)])

    def test_a_recount_finds_the_hours_written_at_completion(self):
        make_rule(hours_per_training_day=6, caps=[("batch", "day", 10)])
        completed_seat(self.cadre, self.county, credit_hours=0, days=3)
        report = recount.ledger_recompute(year=2030)
        self.assertEqual((report.entries, report.changes, report.relabelled), (1, [], 0))


class DefaultPolicyTests(TestCase):
    def test_the_courses_app_alone_credits_a_batch_with_its_programme_s_stated_hours(self):
        batch = make_batch(make_programme(unit_root(), credit_hours=12))
        credit = CourseValuePolicy().batch_credit(cadre=None, batch=batch, when=BATCH_DONE)
        self.assertEqual((credit.hours, credit.rule), (Decimal(12), {}))
