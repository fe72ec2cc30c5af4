"""Outside-training claims: a cadre submits with proof, an officer of their subtree decides."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from courses.models import CreditEntry
from records.exceptions import ClaimRefused
from records.models import ClaimStatus, OutsideClaim
from records.services import claims as claim_services
from tests.factories import CadreFactory, make_officer, unit_child, unit_root


def proof(name: str = "结业证书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 proof", content_type="application/pdf")


class ClaimSetup(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.east = unit_child(self.county, code="E", name="东乡")
        self.west = unit_child(self.county, code="W", name="西乡")
        self.cadre = CadreFactory(unit=self.east)
        self.east_officer = make_officer(self.east)
        self.west_officer = make_officer(self.west)

    def submit(self, **fields):
        data = {
            "title": "省委党校乡村振兴专题班",
            "organiser": "省委党校",
            "starts_on": date(2024, 3, 4),
            "ends_on": date(2024, 3, 8),
            "hours": Decimal(40),
            "proof": proof(),
        }
        return claim_services.claim_submit(cadre=self.cadre, **{**data, **fields})


class ClaimServiceTests(ClaimSetup):
    def test_approval_credits_the_hours_to_the_year_the_training_ended(self):
        claim = claim_services.claim_approve(claim=self.submit(), by=self.east_officer)
        entry = claim.credit_entry
        self.assertEqual((claim.status, entry.source, entry.year, entry.hours), ("approved", "outside", 2024, 40))
        self.assertEqual(entry.rule["method"], "claim")

    def test_returning_needs_a_reason_and_credits_nothing(self):
        claim = self.submit()
        with self.assertRaises(ClaimRefused) as caught:
            claim_services.claim_return(claim=claim, by=self.east_officer, reason="  ")
        self.assertEqual(str(caught.exception), claim_services.CLAIM_NEEDS_REASON)
        claim = claim_services.claim_return(claim=claim, by=self.east_officer, reason="证书不清晰，请重新上传")
        self.assertEqual((claim.status, claim.reason), (ClaimStatus.RETURNED, "证书不清晰，请重新上传"))
        self.assertFalse(CreditEntry.objects.exists())

    def test_a_claim_is_decided_once(self):
        claim = claim_services.claim_approve(claim=self.submit(), by=self.east_officer)
        with self.assertRaises(ClaimRefused) as caught:
            claim_services.claim_approve(claim=claim, by=self.east_officer)
        self.assertEqual(str(caught.exception), claim_services.CLAIM_ALREADY_DECIDED)
        self.assertEqual(CreditEntry.objects.count(), 1)

    def test_training_that_ends_before_it_starts_is_refused(self):
        with self.assertRaises(ClaimRefused) as caught:
            self.submit(starts_on=date(2024, 3, 9))
        self.assertEqual(str(caught.exception), claim_services.CLAIM_DATES)


class ClaimViewTests(ClaimSetup):
    def test_a_cadre_submits_a_claim_with_an_uploaded_certificate(self):
        self.client.force_login(self.cadre.user)
        response = self.client.post(
            "/record/claims/",
            {
                "title": "专题班",
                "organiser": "市委党校",
                "starts_on": "2024-05-06",
                "ends_on": "2024-05-07",
                "hours": "12",
                "proof": proof(),
            },
        )
        self.assertRedirects(response, "/record/claims/")
        claim = OutsideClaim.objects.get()
        self.assertEqual((claim.cadre, claim.status, claim.hours), (self.cadre, "pending", Decimal(12)))

    def test_a_proof_that_is_not_a_document_is_refused(self):
        self.client.force_login(self.cadre.user)
        response = self.client.post(
            "/record/claims/",
            {
                "title": "专题班",
                "organiser": "市委党校",
                "starts_on": "2024-05-06",
                "ends_on": "2024-05-07",
                "hours": "12",
                "proof": proof("run.exe"),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(OutsideClaim.objects.exists())

    def test_the_officer_of_the_cadre_s_subtree_approves(self):
        claim = self.submit()
        self.client.force_login(self.east_officer)
        self.assertContains(self.client.get("/admin/records/claims/"), claim.title)
        response = self.client.post(f"/admin/records/claims/{claim.pk}/", {"action": "approve"})
        self.assertRedirects(response, "/admin/records/claims/")
        claim.refresh_from_db()
        self.assertEqual(claim.status, ClaimStatus.APPROVED)

    def test_the_officer_returns_with_a_reason(self):
        claim = self.submit()
        self.client.force_login(self.east_officer)
        self.client.post(f"/admin/records/claims/{claim.pk}/", {"action": "return", "reason": "缺少盖章"})
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.reason), (ClaimStatus.RETURNED, "缺少盖章"))

    def test_an_officer_of_another_subtree_can_neither_see_nor_decide(self):
        claim = self.submit()
        self.client.force_login(self.west_officer)
        self.assertNotContains(self.client.get("/admin/records/claims/"), claim.title)
        self.assertEqual(self.client.get(f"/admin/records/claims/{claim.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/admin/records/claims/{claim.pk}/", {"action": "approve"}).status_code, 404)
        self.assertEqual(self.client.get(f"/record/claims/{claim.pk}/proof/").status_code, 404)
        claim.refresh_from_db()
        self.assertEqual(claim.status, ClaimStatus.PENDING)

    def test_the_proof_reaches_its_cadre_and_their_officer_only(self):
        claim = self.submit()
        other = CadreFactory(unit=self.east)
        for user, status in [(self.cadre.user, 200), (self.east_officer, 200), (other.user, 404)]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(f"/record/claims/{claim.pk}/proof/").status_code, status)

    def test_a_cadre_cannot_reach_the_review_pages(self):
        claim = self.submit()
        self.client.force_login(self.cadre.user)
        response = self.client.post(f"/admin/records/claims/{claim.pk}/", {"action": "approve"})
        self.assertIn(response.status_code, (302, 403))
        self.assertNotEqual(response.get("Location"), "/admin/records/claims/")
        claim.refresh_from_db()
        self.assertEqual(claim.status, ClaimStatus.PENDING)
