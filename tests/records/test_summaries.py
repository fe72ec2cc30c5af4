"""Claim decisions, revocations and recounts refresh the reports' summary rows in the same transaction."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.test import TestCase

from courses.models import CreditEntry
from records.models import OutsideClaim
from records.services import certificates, claims, recount
from reports import summaries
from reports.models import CadreYearSummary
from tests.factories import CadreFactory, make_course, unit_root
from tests.records.helpers import T0, finish_lessons, make_rule


class SummaryRefreshTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.course = make_course(title="乡村振兴战略", lessons=3, minutes=45, credit_hours=2)
        finish_lessons(self.cadre, self.course)

    def claim(self) -> OutsideClaim:
        return OutsideClaim.objects.create(
            cadre=self.cadre,
            title="省委党校专题班",
            organiser="省委党校",
            starts_on=date(2030, 3, 1),
            ends_on=date(2030, 3, 5),
            hours=Decimal(30),
            proof="records/claims/x.pdf",
            submitted_at=T0,
        )

    def summary_hours(self) -> Decimal:
        return CadreYearSummary.objects.get(cadre=self.cadre, year=2030).hours

    def ledger_hours(self) -> Decimal:
        return CreditEntry.objects.filter(cadre=self.cadre, year=2030).aggregate(total=Sum("hours"))["total"]

    def make_stale(self):
        CadreYearSummary.objects.filter(cadre=self.cadre).update(hours=999)

    def assert_summary_matches_the_ledger_and_a_rebuild(self, hours):
        self.assertEqual((self.summary_hours(), self.ledger_hours()), (hours, hours))
        summaries.summaries_rebuild(cadre_ids=[self.cadre.pk])
        self.assertEqual(self.summary_hours(), hours)

    def test_approving_a_claim_adds_its_hours_to_the_cadre_s_year(self):
        claims.claim_approve(claim=self.claim(), by=None)
        self.assert_summary_matches_the_ledger_and_a_rebuild(Decimal(32))

    def test_approving_a_capped_claim_adds_only_the_hours_granted(self):
        make_rule(caps=[("outside", "year", 20)])
        claims.claim_approve(claim=self.claim(), by=None)
        self.assert_summary_matches_the_ledger_and_a_rebuild(Decimal(22))

    def test_returning_a_claim_refreshes_the_summary(self):
        claim = self.claim()
        self.make_stale()
        claims.claim_return(claim=claim, by=None, reason="缺少盖章")
        self.assert_summary_matches_the_ledger_and_a_rebuild(Decimal(2))

    def test_revoking_a_certificate_refreshes_the_summary(self):
        certificate = certificates.certificate_issue_for_course(cadre=self.cadre, course=self.course)
        self.make_stale()
        certificates.certificate_revoke(certificate=certificate, by=None, reason="重复发放")
        self.assert_summary_matches_the_ledger_and_a_rebuild(Decimal(2))

    def test_a_recount_moves_the_summary_with_the_ledger(self):
        make_rule(conversion="minutes", minutes_per_hour=45)
        recount.ledger_recompute(year=2030)
        self.assert_summary_matches_the_ledger_and_a_rebuild(Decimal(3))

    def test_a_recount_that_adds_an_entry_moves_the_summary(self):
        CreditEntry.objects.filter(cadre=self.cadre).delete()
        self.make_stale()
        recount.ledger_recompute(year=2030)
        self.assert_summary_matches_the_ledger_and_a_rebuild(Decimal(2))

    def test_a_dry_run_leaves_the_summary_alone(self):
        make_rule(conversion="minutes", minutes_per_hour=45)
        recount.ledger_recompute(year=2030, apply=False)
        self.assertEqual(self.summary_hours(), Decimal(2))
