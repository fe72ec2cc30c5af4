"""A session's check-in QR code: what it encodes, who may see it, and that it follows the code."""

import re
from datetime import date, timedelta
from urllib.parse import urlencode

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from reportlab.graphics.barcode.qr import QrCodeWidget

from rotations.models import Attendance, Seat
from rotations.qr import QUIET_ZONE
from rotations.services import attendance
from tests.factories import CadreFactory, make_batch, make_officer, make_programme, make_trainer, unit_child, unit_root

RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\d+z")


def reportlab_matrix(text: str) -> list[list[bool]]:
    """The modules reportlab's own QR widget lays out for `text` (level M, as the view asks)."""
    widget = QrCodeWidget(text, barLevel="M")
    widget.qr.make()
    return [[bool(module) for module in row] for row in widget.qr.modules]


def svg_matrix(svg: str) -> list[list[bool]]:
    """The dark modules drawn in the SVG, read back into rows (the quiet zone taken off)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1)) - 2 * QUIET_ZONE
    matrix = [[False] * size for _ in range(size)]
    for x, y, width in RUN.findall(svg):
        for dx in range(int(width)):
            matrix[int(y) - QUIET_ZONE][int(x) - QUIET_ZONE + dx] = True
    return matrix


class CheckInQrSetup(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.county = unit_root()
        cls.township = unit_child(cls.county, code="A", name="甲镇")
        cls.team = unit_child(cls.township, code="A1", level="village_team", min_on_duty=0)
        cls.cadre = CadreFactory(unit=cls.team)
        cls.programme = make_programme(cls.township)
        cls.batch = make_batch(cls.programme, starts_on=date(2030, 4, 1))
        cls.trainer = make_trainer(username="trainer")
        cls.batch.trainers.add(cls.trainer)
        Seat.objects.create(programme=cls.programme, batch=cls.batch, cadre=cls.cadre)
        cls.users = {
            "trainer": cls.trainer,
            "other_trainer": make_trainer(username="other-trainer"),
            "officer_own": make_officer(cls.township),
            "officer_above": make_officer(cls.county),
            "officer_other": make_officer(unit_child(cls.county, code="B", name="乙镇")),
        }

    def setUp(self):
        self.session = attendance.checkin_open(session=self.batch.sessions.order_by("date", "half").first())
        self.qr = reverse("rotations_session_qr", args=[self.session.pk])

    def link(self, code: str) -> str:
        return "http://testserver" + reverse("rotations:checkin") + "?" + urlencode({"code": code})


class SessionQrTests(CheckInQrSetup):
    def test_the_image_is_an_uncached_svg(self):
        self.client.force_login(self.trainer)
        response = self.client.get(self.qr)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertIn("no-store", response["Cache-Control"])

    def test_the_image_encodes_the_check_in_link_with_the_current_code(self):
        self.client.force_login(self.trainer)
        svg = self.client.get(self.qr).content.decode()
        self.assertEqual(svg_matrix(svg), reportlab_matrix(self.link(self.session.checkin_code)))

    def test_a_new_code_gives_a_new_image(self):
        self.client.force_login(self.trainer)
        before = self.client.get(self.qr).content.decode()
        renewed = attendance.checkin_open(session=self.session)
        after = self.client.get(self.qr).content.decode()
        self.assertNotEqual(before, after)
        self.assertEqual(svg_matrix(after), reportlab_matrix(self.link(renewed.checkin_code)))

    def test_only_trainers_and_officers_of_the_batch_see_the_image(self):
        expected = {
            "trainer": 200,
            "other_trainer": 404,
            "officer_own": 200,
            "officer_above": 200,
            "officer_other": 404,
        }
        for who, status in expected.items():
            with self.subTest(who=who):
                self.client.force_login(self.users[who])
                self.assertEqual(self.client.get(self.qr).status_code, status)

    def test_cadres_and_visitors_are_sent_to_the_login(self):
        self.client.force_login(self.cadre.user)
        self.assertEqual(self.client.get(self.qr).status_code, 302)
        self.client.logout()
        self.assertEqual(self.client.get(self.qr).status_code, 302)

    def test_an_expired_code_has_no_image(self):
        attendance.checkin_open(session=self.session, now=timezone.now() - timedelta(hours=1))
        self.client.force_login(self.trainer)
        self.assertEqual(self.client.get(self.qr).status_code, 404)


class CheckInExpiryTests(CheckInQrSetup):
    def test_the_link_in_the_code_checks_the_cadre_in(self):
        self.client.force_login(self.cadre.user)
        page = self.client.get(reverse("rotations:checkin"), {"code": self.session.checkin_code})
        self.assertContains(page, f'value="{self.session.checkin_code}"')
        response = self.client.post(reverse("rotations:checkin"), {"code": self.session.checkin_code})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Attendance.objects.filter(session=self.session, cadre=self.cadre).exists())

    def test_an_expired_code_is_refused_by_check_in(self):
        expired = attendance.checkin_open(session=self.session, now=timezone.now() - timedelta(minutes=21))
        self.client.force_login(self.cadre.user)
        response = self.client.post(reverse("rotations:checkin"), {"code": expired.checkin_code})
        with translation.override("zh-hans"):
            self.assertContains(response, translation.gettext(attendance.CHECKIN_EXPIRED), status_code=400)
        self.assertFalse(Attendance.objects.filter(session=self.session).exists())

    def test_a_replaced_code_is_refused(self):
        old = self.session.checkin_code
        attendance.checkin_open(session=self.session)
        self.client.force_login(self.cadre.user)
        response = self.client.post(reverse("rotations:checkin"), {"code": old})
        self.assertEqual(response.status_code, 400)


class ProjectorTests(CheckInQrSetup):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.trainer)
        self.page = reverse("rotations_session_projector", args=[self.session.pk])
        self.status = reverse("rotations_session_checkin_status", args=[self.session.pk])

    def test_the_projector_page_shows_the_code_image_and_link(self):
        response = self.client.get(self.page)
        self.assertContains(response, f"{self.qr}?v={self.session.checkin_code}")
        self.assertContains(response, self.link(self.session.checkin_code).replace("&", "&amp;"))
        self.assertContains(response, f'data-status-url="{self.status}"')

    def test_the_status_follows_the_current_code(self):
        data = self.client.get(self.status).json()
        self.assertEqual((data["open"], data["code"], data["qr_url"]), (True, self.session.checkin_code, self.qr))
        renewed = attendance.checkin_open(session=self.session)
        self.assertEqual(self.client.get(self.status).json()["code"], renewed.checkin_code)

    def test_posting_to_the_status_renews_an_expired_code(self):
        attendance.checkin_open(session=self.session, now=timezone.now() - timedelta(hours=1))
        self.assertEqual(self.client.get(self.status).json()["open"], False)
        data = self.client.post(self.status).json()
        self.session.refresh_from_db()
        self.assertEqual((data["open"], data["code"]), (True, self.session.checkin_code))
        self.assertGreater(self.session.checkin_expires_at, timezone.now())

    def test_the_projector_page_opens_a_new_code_on_request(self):
        old = self.session.checkin_code
        response = self.client.post(self.page)
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.session.refresh_from_db()
        self.assertNotEqual(self.session.checkin_code, old)

    def test_another_subtrees_officer_cannot_renew_the_code(self):
        self.client.force_login(self.users["officer_other"])
        old = self.session.checkin_code
        self.assertEqual(self.client.post(self.status).status_code, 404)
        self.session.refresh_from_db()
        self.assertEqual(self.session.checkin_code, old)

    def test_the_attendance_page_shows_the_qr_code_and_the_projector_link(self):
        response = self.client.get(reverse("rotations_batch_attendance", args=[self.batch.pk]))
        self.assertContains(response, f'src="{self.qr}?v={self.session.checkin_code}"')
        self.assertContains(response, f'href="{self.page}"')
