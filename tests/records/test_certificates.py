"""Certificates: PDF with the Chinese text, numbers and codes, public verification, revocation, zip."""

import io
import zipfile
from unittest import mock

from django.test import TestCase
from pypdf import PdfReader

from records.certificates import mask_name
from records.exceptions import CertificateRefused
from records.models import Certificate, CertificateZip, JobStatus
from records.services import certificates as certificate_services
from tests.factories import CadreFactory, make_admin, make_course, make_officer, unit_child, unit_root
from tests.records.helpers import completed_seat, completed_seats, finish_lessons


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


class CertificateSetup(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.township = unit_child(self.county, code="T1", name="青石镇")
        self.cadre = CadreFactory(unit=self.township, name="欧阳晓明")
        self.course = make_course(title="乡村振兴战略与实践", credit_hours=3)
        finish_lessons(self.cadre, self.course)

    def issue(self):
        return certificate_services.certificate_issue_for_course(cadre=self.cadre, course=self.course)


class CertificateIssueTests(CertificateSetup):
    def test_the_pdf_carries_the_chinese_name_course_and_number(self):
        certificate = self.issue()
        text = pdf_text(certificate_services.certificate_pdf(certificate))
        self.assertIn("欧阳晓明", text)
        self.assertIn("乡村振兴战略与实践", text)
        self.assertIn(certificate.number, text)
        self.assertIn(f"/verify/{certificate.code}/", text)

    def test_asking_again_gives_the_same_certificate(self):
        self.assertEqual(self.issue().pk, self.issue().pk)

    def test_numbers_are_readable_and_codes_unguessable(self):
        certificate = self.issue()
        self.assertRegex(certificate.number, r"^\d{4}K\d{8}$")
        self.assertGreaterEqual(len(certificate.code), 24)  # 18 random bytes, base64url

    def test_an_unfinished_course_has_no_certificate(self):
        other = make_course(title="未学完的课")
        with self.assertRaises(CertificateRefused) as caught:
            certificate_services.certificate_issue_for_course(cadre=self.cadre, course=other)
        self.assertEqual(str(caught.exception), certificate_services.CERTIFICATE_NOT_COMPLETED)

    def test_a_completed_programme_gets_a_certificate_with_its_hours(self):
        seat = completed_seat(self.cadre, self.county, credit_hours=24, name="第一书记轮训班")
        certificate = certificate_services.certificate_issue_for_seat(seat=seat)
        self.assertRegex(certificate.number, r"^\d{4}L\d{8}$")
        self.assertEqual(certificate.hours, 24)
        self.assertIn("第一书记轮训班", pdf_text(certificate_services.certificate_pdf(certificate)))


class MaskNameTests:
    def test_names_are_partly_masked(self):
        assert [mask_name(n) for n in ["张", "张三", "李晓明", "欧阳晓明"]] == ["张", "张*", "李*明", "欧阳*明"]


class VerifyTests(CertificateSetup):
    def test_a_valid_code_shows_the_masked_name_what_and_when(self):
        certificate = self.issue()
        response = self.client.get(f"/verify/{certificate.code}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "欧阳*明")
        self.assertContains(response, "乡村振兴战略与实践")
        self.assertContains(response, 'class="card verify-result valid"')
        self.assertNotContains(response, "欧阳晓明")
        self.assertNotContains(response, self.cadre.id_number)

    def test_a_revoked_certificate_says_so(self):
        certificate = self.issue()
        certificate_services.certificate_revoke(certificate=certificate, by=None, reason="学时造假")
        response = self.client.get(f"/verify/{certificate.code}/")
        self.assertContains(response, 'class="card verify-result revoked"')
        self.assertNotContains(response, "学时造假")

    def test_an_unknown_code_is_not_found(self):
        self.issue()
        response = self.client.get("/verify/not-a-real-code-at-all-000/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "verify-result unknown", status_code=404)

    def test_the_lookup_form_goes_to_the_code_s_page(self):
        self.assertRedirects(
            self.client.get("/verify/", {"code": " abc "}), "/verify/abc/", fetch_redirect_response=False
        )


class RevokeTests(CertificateSetup):
    def test_an_administrator_revokes_with_a_reason(self):
        certificate = self.issue()
        self.client.force_login(make_admin())
        self.client.post(f"/admin/records/certificates/{certificate.pk}/revoke/", {"reason": "重复发放"})
        certificate.refresh_from_db()
        self.assertEqual((certificate.is_valid, certificate.revoke_reason), (False, "重复发放"))

    def test_an_officer_cannot_revoke(self):
        certificate = self.issue()
        self.client.force_login(make_officer(self.county))
        response = self.client.post(f"/admin/records/certificates/{certificate.pk}/revoke/", {"reason": "x"})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)  # Wagtail's "no permission"
        certificate.refresh_from_db()
        self.assertTrue(certificate.is_valid)

    def test_revoking_twice_is_refused(self):
        certificate = certificate_services.certificate_revoke(certificate=self.issue(), by=None, reason="重复发放")
        with self.assertRaises(CertificateRefused) as caught:
            certificate_services.certificate_revoke(certificate=certificate, by=None, reason="再次")
        self.assertEqual(str(caught.exception), certificate_services.CERTIFICATE_ALREADY_REVOKED)

    def test_a_revoked_certificate_is_no_longer_downloaded(self):
        certificate = certificate_services.certificate_revoke(certificate=self.issue(), by=None, reason="重复发放")
        self.client.force_login(self.cadre.user)
        response = self.client.get(f"/record/certificates/{certificate.number}.pdf")
        self.assertRedirects(response, f"/verify/{certificate.code}/", fetch_redirect_response=False)


class DownloadTests(CertificateSetup):
    def test_the_cadre_gets_their_certificate_by_asking_from_the_record(self):
        self.client.force_login(self.cadre.user)
        response = self.client.post("/record/certificates/issue/", {"kind": "course", "id": self.course.pk})
        certificate = Certificate.objects.get()
        self.assertRedirects(response, f"/record/certificates/{certificate.number}.pdf", fetch_redirect_response=False)
        pdf = self.client.get(f"/record/certificates/{certificate.number}.pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")

    def test_another_cadre_cannot_download_it(self):
        certificate = self.issue()
        self.client.force_login(CadreFactory(unit=self.township).user)
        self.assertEqual(self.client.get(f"/record/certificates/{certificate.number}.pdf").status_code, 404)

    def test_another_cadre_cannot_issue_one_for_a_course_they_did_not_finish(self):
        other = CadreFactory(unit=self.township)
        self.client.force_login(other.user)
        self.client.post("/record/certificates/issue/", {"kind": "course", "id": self.course.pk})
        self.assertFalse(Certificate.objects.filter(cadre=other).exists())


class BatchZipTests(CertificateSetup):
    def test_an_officer_downloads_every_certificate_of_a_batch_as_one_zip(self):
        seat = completed_seat(self.cadre, self.county, name="乡村振兴轮训")
        officer = make_officer(self.county)
        self.client.force_login(officer)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/admin/records/batches/{seat.batch_id}/zip/")
        job = CertificateZip.objects.get()
        self.assertRedirects(response, f"/admin/records/zips/{job.pk}/")
        status = self.client.get(f"/admin/records/zips/{job.pk}/status/").json()
        self.assertEqual(
            (status["status"], status["done"], status["total"], status["percent"]), (JobStatus.SUCCEEDED, 1, 1, 100)
        )
        download = self.client.get(f"/admin/records/zips/{job.pk}/download/")
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
        [name] = archive.namelist()
        self.assertIn("欧阳晓明", name)
        self.assertIn("乡村振兴轮训", pdf_text(archive.read(name)))

    def test_an_officer_of_another_subtree_cannot_start_or_read_it(self):
        seat = completed_seat(self.cadre, self.township)
        other = unit_child(self.county, code="T2", name="红旗镇")
        self.client.force_login(make_officer(self.township))
        self.client.post(f"/admin/records/batches/{seat.batch_id}/zip/")
        job = CertificateZip.objects.get()
        self.client.force_login(make_officer(other))
        self.assertEqual(self.client.post(f"/admin/records/batches/{seat.batch_id}/zip/").status_code, 404)
        self.assertEqual(self.client.get(f"/admin/records/zips/{job.pk}/download/").status_code, 404)


class BatchZipProgressTests(CertificateSetup):
    def setUp(self):
        super().setUp()
        others = [CadreFactory(unit=self.township, name=name) for name in ("李建国", "王秀英")]
        self.seats = completed_seats([self.cadre, *others], self.county, name="乡村振兴轮训")
        self.batch = self.seats[0].batch
        self.officer = make_officer(self.county)

    def test_a_queued_zip_shows_a_progress_bar_that_polls_its_status(self):
        job = certificate_services.certificate_zip_create(batch=self.batch, by=self.officer)  # task not yet run
        self.client.force_login(self.officer)
        page = self.client.get(f"/admin/records/zips/{job.pk}/")
        self.assertContains(page, 'max="100" value="0"')
        self.assertContains(page, f'data-status-url="/admin/records/zips/{job.pk}/status/"')
        status = self.client.get(f"/admin/records/zips/{job.pk}/status/").json()
        self.assertEqual((status["status"], status["finished"], status["percent"]), (JobStatus.QUEUED, False, 0))

    def test_progress_is_written_while_the_certificates_are_built(self):
        job = CertificateZip.objects.create(batch=self.batch, requested_by=self.officer)
        seen = []
        render = certificate_services.certificate_pdf

        def watching(certificate, **kwargs):
            job.refresh_from_db()
            seen.append((job.status, job.done, job.total))
            return render(certificate, **kwargs)

        with mock.patch.object(certificate_services, "certificate_pdf", watching):
            certificate_services.certificate_zip_run(job_id=job.pk, progress_every=1)
        self.assertEqual(seen, [(JobStatus.RUNNING, 0, 3), (JobStatus.RUNNING, 1, 3), (JobStatus.RUNNING, 2, 3)])
        job.refresh_from_db()
        self.assertEqual((job.status, job.done, job.percent), (JobStatus.SUCCEEDED, 3, 100))

    def test_the_status_reports_the_share_done(self):
        job = CertificateZip.objects.create(batch=self.batch, status=JobStatus.RUNNING, total=3, done=1)
        self.client.force_login(self.officer)
        status = self.client.get(f"/admin/records/zips/{job.pk}/status/").json()
        self.assertEqual((status["done"], status["total"], status["percent"], status["finished"]), (1, 3, 33, False))

    def test_a_failed_build_says_so_and_offers_no_download(self):
        job = CertificateZip.objects.create(batch=self.batch, requested_by=self.officer)
        with (
            mock.patch.object(certificate_services, "certificate_pdf", side_effect=RuntimeError("font")),
            self.assertRaises(RuntimeError),
        ):
            certificate_services.certificate_zip_run(job_id=job.pk)
        job.refresh_from_db()
        self.assertEqual((job.status, job.is_finished), (JobStatus.FAILED, True))
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(f"/admin/records/zips/{job.pk}/download/").status_code, 404)
