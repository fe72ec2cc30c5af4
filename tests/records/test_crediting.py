"""Course credit goes through the administrators' rules; targets come from them too."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from cadres.models import CadreCategory, Rank
from courses.models import CourseProgress, CreditEntry, Requirement
from courses.selectors import my_learning
from records.models import ClaimStatus, OutsideClaim
from records.services import claims, recount
from rotations.models import Outcome, Seat
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
        report = recount.ledger_recompute(year=2030)
        self.assertEqual((report.entries, report.changes, report.added, report.removed), (1, [], [], []))

    def test_a_changed_conversion_is_reported_and_applied(self):
        make_rule(conversion="minutes", minutes_per_hour=45, name="按分钟")
        report = recount.ledger_recompute(year=2030)
        self.assertEqual(
            [(c.entry_id, c.old_hours, c.new_hours, c.rule) for c in report.changes],
            [(self.entry.pk, Decimal("2.0"), Decimal("3.0"), "按分钟")],
        )
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.hours, self.entry.rule["label"]), (Decimal("3.0"), "按分钟"))

    def test_a_dry_run_reports_without_writing(self):
        make_rule(conversion="minutes", minutes_per_hour=45)
        report = recount.ledger_recompute(year=2030, apply=False)
        self.assertEqual(len(report.changes), 1)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.hours, Decimal("2.0"))

    def test_a_new_cap_is_replayed_in_the_order_hours_were_earned(self):
        later = make_course(title="后学课程", credit_hours=5)
        finish_lessons(self.cadre, later, when=T0 + timedelta(days=3))
        make_rule(caps=[("all", "year", 6)])
        report = recount.ledger_recompute(year=2030)
        self.assertEqual([(c.description, c.new_hours) for c in report.changes], [("后学课程", Decimal("4.0"))])

    def test_batches_without_stated_hours_count_hours_per_training_day(self):
        seat = completed_seat(self.cadre, self.county, credit_hours=0, days=3)
        make_rule(hours_per_training_day=6)
        report = recount.ledger_recompute(year=2030)
        self.assertEqual([(c.entry_id, c.new_hours) for c in report.changes], [(seat.credit_entry_id, Decimal(18))])

    def test_the_command_prints_each_change_and_a_summary(self):
        make_rule(conversion="minutes", minutes_per_hour=45, name="按分钟")
        from io import StringIO

        out = StringIO()
        call_command("recompute_credits", "--year", "2030", stdout=out)
        text = out.getvalue()
        self.assertIn(f"entry {self.entry.pk} · 王建国 · course · 乡村振兴战略: 2.0 → 3.0 (按分钟)", text)
        self.assertIn(
            "2030: 1 entries of 1 cadres checked, 1 changed, 0 added, 0 removed (+1.0 hours), 0 relabelled.", text
        )

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
        claims.claim_approve(claim=claim, by=None)
        make_rule(caps=[("outside", "year", 20)])
        report = recount.ledger_recompute(year=2030)
        self.assertEqual(
            [(c.source, c.old_hours, c.new_hours) for c in report.changes], [("outside", Decimal(30), Decimal(20))]
        )


class RecomputeAddsAndRemovesTests(TestCase):
    """The recount also writes the credit the ledger lacks, and drops batch or claim credit that no longer stands."""

    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, name="王建国")

    def claim(self, **fields):
        data = {
            "cadre": self.cadre,
            "title": "省委党校专题班",
            "organiser": "省委党校",
            "starts_on": date(2030, 3, 1),
            "ends_on": date(2030, 3, 5),
            "hours": Decimal(30),
            "proof": "records/claims/x.pdf",
            "submitted_at": T0,
        }
        return OutsideClaim.objects.create(**{**data, **fields})

    def test_a_completion_the_ledger_lacks_is_added_with_its_rule(self):
        course = make_course(title="乡村振兴战略", lessons=3, minutes=45, credit_hours=2)
        finish_lessons(self.cadre, course)
        CreditEntry.objects.all().delete()  # completed before the records app counted anything
        make_rule(conversion="minutes", minutes_per_hour=45, name="按分钟")
        report = recount.ledger_recompute(year=2030)
        entry = CreditEntry.objects.get(cadre=self.cadre, course=course)
        self.assertEqual(
            [(c.entry_id, c.source, c.description, c.old_hours, c.new_hours, c.rule) for c in report.added],
            [(entry.pk, "course", "乡村振兴战略", Decimal(0), Decimal(3), "按分钟")],
        )
        self.assertEqual((entry.hours, entry.earned_at, entry.rule["label"]), (Decimal(3), T0, "按分钟"))

    def test_a_lowered_share_credits_courses_already_past_it_on_the_day_the_share_was_reached(self):
        course = make_course(title="长课", lessons=10, minutes=5, credit_hours=4)
        finish_lessons(self.cadre, course, count=9, when=T0)
        CourseProgress.objects.update(last_studied_at=T0 + timedelta(days=5))  # studied on, finished nothing more
        self.assertFalse(CreditEntry.objects.exists())
        make_rule(completion_share=90, name="山西")
        report = recount.ledger_recompute(year=2030)
        self.assertEqual([(c.description, c.new_hours) for c in report.added], [("长课", Decimal(4))])
        self.assertEqual(CreditEntry.objects.get(course=course).earned_at, T0)

    def test_a_course_short_of_the_share_is_not_added(self):
        course = make_course(title="长课", lessons=10, minutes=5, credit_hours=4)
        finish_lessons(self.cadre, course, count=8)
        make_rule(completion_share=90)
        self.assertEqual(recount.ledger_recompute(year=2030).added, [])
        self.assertFalse(CreditEntry.objects.exists())

    def test_a_completed_seat_without_credit_is_added_and_linked(self):
        seat = completed_seat(self.cadre, self.county, credit_hours=0, days=3)
        CreditEntry.objects.all().delete()
        make_rule(hours_per_training_day=6)
        report = recount.ledger_recompute(year=2030)
        seat.refresh_from_db()
        self.assertEqual(
            [(c.entry_id, c.source, c.new_hours) for c in report.added], [(seat.credit_entry_id, "batch", 18)]
        )

    def test_an_approved_claim_without_credit_is_added_and_linked(self):
        claim = self.claim(status=ClaimStatus.APPROVED)
        report = recount.ledger_recompute(year=2030)
        claim.refresh_from_db()
        self.assertEqual(
            [(c.entry_id, c.source, c.new_hours) for c in report.added], [(claim.credit_entry_id, "outside", 30)]
        )
        self.assertEqual(claim.credit_entry.earned_at.date(), date(2030, 3, 5))

    def test_pending_and_returned_claims_are_not_added(self):
        self.claim()
        self.claim(status=ClaimStatus.RETURNED)
        self.assertEqual(recount.ledger_recompute(year=2030).added, [])

    def test_added_credit_takes_its_place_under_the_caps_in_the_order_earned(self):
        earlier = make_course(title="早学课程", credit_hours=4)
        finish_lessons(self.cadre, earlier, when=T0 - timedelta(days=1))
        CreditEntry.objects.all().delete()
        later = make_course(title="后学课程", credit_hours=2)
        finish_lessons(self.cadre, later)
        make_rule(caps=[("all", "year", 5)])
        report = recount.ledger_recompute(year=2030)
        self.assertEqual([(c.description, c.new_hours) for c in report.added], [("早学课程", Decimal(4))])
        self.assertEqual(
            [(c.description, c.old_hours, c.new_hours) for c in report.changes], [("后学课程", Decimal(2), Decimal(1))]
        )

    def test_a_dry_run_reports_the_addition_without_writing_it(self):
        self.claim(status=ClaimStatus.APPROVED)
        report = recount.ledger_recompute(year=2030, apply=False)
        self.assertEqual([(c.entry_id, c.new_hours) for c in report.added], [(None, Decimal(30))])
        self.assertFalse(CreditEntry.objects.exists())

    def test_credit_of_a_seat_no_longer_completed_is_removed(self):
        seat = completed_seat(self.cadre, self.county, credit_hours=24)
        entry_id = seat.credit_entry_id
        Seat.objects.filter(pk=seat.pk).update(outcome=Outcome.NOT_COMPLETED)
        report = recount.ledger_recompute(year=2030)
        self.assertEqual([(c.entry_id, c.old_hours, c.new_hours) for c in report.removed], [(entry_id, 24, 0)])
        self.assertFalse(CreditEntry.objects.filter(pk=entry_id).exists())
        seat.refresh_from_db()
        self.assertIsNone(seat.credit_entry_id)

    def test_course_credit_is_never_removed_by_a_stricter_share(self):
        make_rule(completion_share=50)
        course = make_course(lessons=2, credit_hours=4)
        finish_lessons(self.cadre, course, count=1)
        make_rule(year=2030, completion_share=100)
        report = recount.ledger_recompute(year=2030)
        self.assertEqual((report.removed, CreditEntry.objects.count()), ([], 1))

    def test_the_command_lists_additions_and_removals_and_a_dry_run_writes_nothing(self):
        from io import StringIO

        seat = completed_seat(self.cadre, self.county, credit_hours=24, name="乡村振兴轮训")
        Seat.objects.filter(pk=seat.pk).update(outcome=Outcome.NOT_COMPLETED)
        self.claim(status=ClaimStatus.APPROVED)
        out = StringIO()
        call_command("recompute_credits", "--year", "2030", "--dry-run", stdout=out)
        text = out.getvalue()
        self.assertIn("added new entry · 王建国 · outside · 省委党校专题班 · 省委党校: 30.0 (default)", text)
        self.assertIn(f"removed entry {seat.credit_entry_id} · 王建国 · batch · 乡村振兴轮训", text)
        self.assertIn("0 changed, 1 added, 1 removed (+6.0 hours)", text)
        self.assertIn("Dry run: nothing written.", text)
        self.assertTrue(CreditEntry.objects.filter(pk=seat.credit_entry_id).exists())


class RecomputeQueryTests(TestCase):
    def test_a_recount_makes_the_same_queries_for_few_and_many_cadres(self):
        county = unit_root()
        course = make_course(lessons=2, credit_hours=2)
        make_rule(caps=[("all", "year", 40)])
        for _ in range(2):
            finish_lessons(CadreFactory(unit=county), course)
        with CaptureQueriesContext(connection) as few:
            recount.ledger_recompute(year=2030)
        for _ in range(6):
            finish_lessons(CadreFactory(unit=county), course)
        with self.assertNumQueries(len(few)):
            recount.ledger_recompute(year=2030)
