"""A completed course or rotation programme gets its certificate at once, exactly one, and the cadre is told."""

from datetime import timedelta
from unittest import mock

from django.test import TestCase

from courses import services as course_services
from records.models import Certificate, CertificateKind
from records.services import certificates
from reports.models import Notification
from rotations.models import AttendanceStatus, Outcome, PlacedBy, Seat
from rotations.services import attendance
from tests.factories import CadreFactory, make_batch, make_course, make_programme, unit_root
from tests.records.helpers import BATCH_DONE, T0, completed_seat, finish_lessons, make_rule


class CourseCertificateTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, name="欧阳晓明")
        self.course = make_course(title="乡村振兴战略与实践", lessons=2, credit_hours=3)

    def test_completing_a_course_issues_its_certificate(self):
        finish_lessons(self.cadre, self.course)
        certificate = Certificate.objects.get(cadre=self.cadre)
        self.assertEqual(
            (certificate.kind, certificate.course_id, certificate.title, certificate.hours, certificate.completed_on),
            (CertificateKind.COURSE, self.course.pk, "乡村振兴战略与实践", 3, T0.date()),
        )

    def test_the_cadre_is_told_in_site_where_to_download_it(self):
        finish_lessons(self.cadre, self.course)
        certificate = Certificate.objects.get(cadre=self.cadre)
        notification = Notification.objects.get(user=self.cadre.user)
        self.assertIn("乡村振兴战略与实践", notification.text)
        self.assertIn(certificate.number, notification.text)
        self.assertEqual(notification.url, f"/record/certificates/{certificate.number}.pdf")

    def test_refreshing_a_completed_course_again_issues_nothing_more(self):
        finish_lessons(self.cadre, self.course)
        course_services.course_progress_refresh(cadre=self.cadre, course=self.course, now=T0 + timedelta(days=1))
        finish_lessons(self.cadre, self.course, when=T0 + timedelta(days=2))
        self.assertEqual(Certificate.objects.count(), 1)
        self.assertEqual(Notification.objects.count(), 1)

    def test_an_unfinished_course_has_none_even_when_its_hours_are_credited(self):
        make_rule(completion_share=50)
        finish_lessons(self.cadre, self.course, count=1)
        self.assertTrue(self.cadre.credits.exists())
        self.assertFalse(Certificate.objects.exists())

    def test_asking_from_the_record_after_completion_gives_the_automatic_one(self):
        finish_lessons(self.cadre, self.course)
        certificate = Certificate.objects.get()
        self.assertEqual(certificates.certificate_issue_for_course(cadre=self.cadre, course=self.course), certificate)

    def test_a_completion_racing_another_gets_the_row_the_other_inserted(self):
        finish_lessons(self.cadre, self.course)
        first = Certificate.objects.get()
        # As if the other transaction committed between this one's look-up and its insert.
        with mock.patch.object(Certificate.objects, "filter", return_value=Certificate.objects.none()):
            again = certificates.certificate_issue_for_course(cadre=self.cadre, course=self.course)
        self.assertEqual(again, first)
        self.assertEqual((Certificate.objects.count(), Notification.objects.count()), (1, 1))


class ProgrammeCertificateTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, name="欧阳晓明")

    def test_completing_a_batch_issues_the_programme_certificate_with_the_credited_hours(self):
        make_rule(caps=[("batch", "year", 20)])
        seat = completed_seat(self.cadre, self.county, credit_hours=24, name="第一书记轮训班")
        certificate = Certificate.objects.get(cadre=self.cadre)
        self.assertEqual(
            (certificate.kind, certificate.programme_id, certificate.hours, certificate.completed_on),
            (CertificateKind.PROGRAMME, seat.programme_id, 20, BATCH_DONE.date()),
        )
        self.assertTrue(certificate.title.startswith("第一书记轮训班"))
        self.assertIn(certificate.number, Notification.objects.get(user=self.cadre.user).text)

    def test_completing_the_batch_twice_issues_one(self):
        seat = completed_seat(self.cadre, self.county)
        attendance.batch_complete(batch=seat.batch, now=BATCH_DONE + timedelta(days=1))
        self.assertEqual(Certificate.objects.filter(cadre=self.cadre).count(), 1)
        self.assertEqual(Notification.objects.filter(user=self.cadre.user).count(), 1)

    def test_a_seat_not_completed_gets_none(self):
        programme = make_programme(self.county)
        batch = make_batch(programme)
        seat = Seat.objects.create(
            programme=programme, batch=batch, cadre=self.cadre, locked=True, placed_by=PlacedBy.HAND
        )
        first = batch.sessions.first()
        attendance.attendance_record(session=first, cadre=self.cadre, status=AttendanceStatus.PRESENT)
        attendance.batch_complete(batch=batch, now=BATCH_DONE)
        seat.refresh_from_db()
        self.assertEqual(seat.outcome, Outcome.NOT_COMPLETED)
        self.assertFalse(Certificate.objects.exists())
        self.assertFalse(Notification.objects.exists())
