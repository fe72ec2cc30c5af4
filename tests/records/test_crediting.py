"""Course credit goes through the administrators' rules; targets come from them too."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.test import TestCase

from cadres.models import CadreCategory, Rank
from courses.models import CreditEntry, Requirement
from courses.selectors import my_learning
from records import services
from records.models import OutsideClaim
from tests.factories import CadreFactory, make_course, make_question, make_quiz, unit_root
from tests.records.helpers import T0, completed_seat, finish_lessons, make_rule


class CourseCreditTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, category=CadreCategory.TOWNSHIP)

    def credit(self, course):
        return CreditEntry.objects.get(cadre=self.cadre, course=course)

    def test_without_a_rule_a_course_is_worth_the_hours_it_states(self):
        course = make_course(lessons=2, minutes=10, credit_hours=3)
        finish_lessons(self.cadre, course)
        entry = self.credit(course)
        self.assertEqual((entry.hours, entry.rule["id"], entry.rule["method"]), (Decimal("3.0"), None, "course"))

    def test_minutes_per_hour_converts_the_course_length(self):
        make_rule(year=2030, conversion="minutes", minutes_per_hour=45, name="山西 2030")
        course = make_course(lessons=3, minutes=45, credit_hours=9)
        finish_lessons(self.cadre, course)
        entry = self.credit(course)
        self.assertEqual(entry.hours, Decimal("3.0"))
        self.assertEqual(entry.rule["label"], "山西 2030")
        self.assertEqual(entry.rule["method"], "minutes")

    def test_buckets_with_a_passed_quiz_add_the_bonus(self):
        make_rule(conversion="buckets", buckets=[(30, 1), (15, "0.5"), (0, "0.25")], quiz_bonus_hours="0.5")
        course = make_course(lessons=2, minutes=20, credit_hours=9)
        quiz = make_quiz(make_question(), course=course)
        quiz.attempts.create(
            cadre=self.cadre,
            number=1,
            seed=1,
            started_at=T0,
            finished_at=T0,
            status="submitted",
            percent=100,
            passed=True,
        )
        finish_lessons(self.cadre, course)
        self.assertEqual(self.credit(course).hours, Decimal("1.5"))

    def test_a_ninety_percent_rule_credits_before_the_last_lesson(self):
        make_rule(completion_share=90)
        course = make_course(lessons=10, minutes=5, credit_hours=4)
        finish_lessons(self.cadre, course, count=8)
        self.assertFalse(CreditEntry.objects.filter(cadre=self.cadre).exists())
        finish_lessons(self.cadre, course, count=9)
        self.assertEqual(self.credit(course).hours, Decimal("4.0"))

    def test_the_whole_course_is_needed_by_default(self):
        course = make_course(lessons=10, minutes=5, credit_hours=4)
        finish_lessons(self.cadre, course, count=9)
        self.assertFalse(CreditEntry.objects.filter(cadre=self.cadre).exists())

    def test_completing_the_rest_credits_the_course_only_once(self):
        make_rule(completion_share=50)
        course = make_course(lessons=2, minutes=5, credit_hours=4)
        finish_lessons(self.cadre, course, count=1)
        finish_lessons(self.cadre, course)
        self.assertEqual(CreditEntry.objects.filter(cadre=self.cadre).count(), 1)

    def test_electives_beyond_the_yearly_cap_count_nothing(self):
        make_rule(caps=[("elective", "year", 5)])
        required = make_course(title="必修课", credit_hours=4)
        Requirement.objects.create(course=required, unit=self.county, year=2030, due_date=date(2030, 12, 31))
        electives = [make_course(title=f"选修{i}", credit_hours=3) for i in range(2)]
        for course in [*electives, required]:
            finish_lessons(self.cadre, course)
        hours = [self.credit(c).hours for c in [*electives, required]]
        self.assertEqual(hours, [Decimal("3.0"), Decimal("2.0"), Decimal("4.0")])
        self.assertEqual(self.credit(electives[1]).rule["cap"], "elective/year")

    def test_a_daily_cap_holds_back_a_second_course_the_same_day(self):
        make_rule(caps=[("course", "day", 4)])
        first, second, third = (make_course(title=f"课{i}", credit_hours=3) for i in range(3))
        finish_lessons(self.cadre, first)
        finish_lessons(self.cadre, second)
        finish_lessons(self.cadre, third, when=T0 + timedelta(days=1))
        self.assertEqual(
            [self.credit(c).hours for c in (first, second, third)], [Decimal("3.0"), Decimal("1.0"), Decimal("3.0")]
        )


class TargetTests(TestCase):
    def setUp(self):
        self.county = unit_root()

    def test_each_category_gets_its_own_target(self):
        make_rule(target_hours=50)
        make_rule(category=CadreCategory.TOWNSHIP, target_hours=90, target_days=12, name="乡科级")
        make_rule(category=CadreCategory.TOWNSHIP, rank=Rank.SECTION_CHIEF, target_hours=100, name="乡镇正职")
        village = CadreFactory(unit=self.county, category=CadreCategory.VILLAGE)
        township = CadreFactory(unit=self.county, category=CadreCategory.TOWNSHIP)
        chief = CadreFactory(unit=self.county, category=CadreCategory.TOWNSHIP, rank=Rank.SECTION_CHIEF)
        today = date(2030, 5, 6)
        targets = [my_learning(cadre=c, today=today).target_hours for c in (village, township, chief)]
        self.assertEqual(targets, [Decimal(50), Decimal(90), Decimal(100)])

    def test_a_year_specific_rule_replaces_the_standing_one_that_year_only(self):
        make_rule(target_hours=50)
        make_rule(year=2030, target_hours=80, name="2030")
        cadre = CadreFactory(unit=self.county)
        self.assertEqual(my_learning(cadre=cadre, today=date(2030, 1, 2)).target_hours, Decimal(80))
        self.assertEqual(my_learning(cadre=cadre, today=date(2031, 1, 2)).target_hours, Decimal(50))


class RecomputeTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, name="王建国")
        self.course = make_course(title="乡村振兴战略", lessons=3, minutes=45, credit_hours=2)
        finish_lessons(self.cadre, self.course)
        self.entry = CreditEntry.objects.get(cadre=self.cadre, course=self.course)

    def test_nothing_changes_when_the_rules_did_not(self):
        report = services.ledger_recompute(year=2030)
        self.assertEqual((report.entries, report.changes), (1, []))

    def test_a_changed_conversion_is_reported_and_applied(self):
        make_rule(conversion="minutes", minutes_per_hour=45, name="按分钟")
        report = services.ledger_recompute(year=2030)
        self.assertEqual(
            [(c.entry_id, c.old_hours, c.new_hours, c.rule) for c in report.changes],
            [(self.entry.pk, Decimal("2.0"), Decimal("3.0"), "按分钟")],
        )
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.hours, self.entry.rule["label"]), (Decimal("3.0"), "按分钟"))

    def test_a_dry_run_reports_without_writing(self):
        make_rule(conversion="minutes", minutes_per_hour=45)
        report = services.ledger_recompute(year=2030, apply=False)
        self.assertEqual(len(report.changes), 1)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.hours, Decimal("2.0"))

    def test_a_new_cap_is_replayed_in_the_order_hours_were_earned(self):
        later = make_course(title="后学课程", credit_hours=5)
        finish_lessons(self.cadre, later, when=T0 + timedelta(days=3))
        make_rule(caps=[("all", "year", 6)])
        report = services.ledger_recompute(year=2030)
        self.assertEqual([(c.description, c.new_hours) for c in report.changes], [("后学课程", Decimal("4.0"))])

    def test_batches_without_stated_hours_count_hours_per_training_day(self):
        seat = completed_seat(self.cadre, self.county, credit_hours=0, days=3)
        make_rule(hours_per_training_day=6)
        report = services.ledger_recompute(year=2030)
        self.assertEqual([(c.entry_id, c.new_hours) for c in report.changes], [(seat.credit_entry_id, Decimal(18))])

    def test_the_command_prints_each_change_and_a_summary(self):
        make_rule(conversion="minutes", minutes_per_hour=45, name="按分钟")
        from io import StringIO

        out = StringIO()
        call_command("recompute_credits", "--year", "2030", stdout=out)
        text = out.getvalue()
        self.assertIn(f"entry {self.entry.pk} · 王建国 · course · 乡村振兴战略: 2.0 → 3.0 (按分钟)", text)
        self.assertIn("2030: 1 entries of 1 cadres checked, 1 changed (+1.0 hours), 0 relabelled.", text)

    def test_outside_claims_keep_their_approved_hours_under_caps(self):
        claim = OutsideClaim.objects.create(
            cadre=self.cadre,
            title="省委党校专题班",
            organiser="省委党校",
            starts_on=date(2030, 3, 1),
            ends_on=date(2030, 3, 5),
            hours=Decimal(30),
            proof="records/claims/x.pdf",
            submitted_at=T0,
        )
        services.claim_approve(claim=claim, by=None)
        make_rule(caps=[("outside", "year", 20)])
        report = services.ledger_recompute(year=2030)
        self.assertEqual(
            [(c.source, c.old_hours, c.new_hours) for c in report.changes], [("outside", Decimal(30), Decimal(20))]
        )
