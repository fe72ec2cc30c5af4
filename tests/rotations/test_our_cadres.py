"""Officers see the batches their own cadres sit in, whoever runs them, read-only for a higher level's."""

from datetime import date
from io import BytesIO

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rotations.models import AttendanceStatus, PlacedBy, Seat
from rotations.services import attendance
from tests.factories import CadreFactory, make_batch, make_officer, make_programme, make_trainer, unit_child, unit_root


class OurCadresSetup(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.county = unit_root()
        cls.town = unit_child(cls.county, code="A", name="甲镇")
        cls.other_town = unit_child(cls.county, code="B", name="乙镇")
        cls.team = unit_child(cls.town, code="A1", name="甲村工作队", level="village_team")
        cls.other_team = unit_child(cls.other_town, code="B1", name="乙村工作队", level="village_team")
        cls.ours = CadreFactory(unit=cls.team, name="张三")
        cls.theirs = CadreFactory(unit=cls.other_team, name="李四")
        cls.county_programme = make_programme(cls.county, name="县级轮训")
        cls.county_batch = make_batch(cls.county_programme, starts_on=date(2030, 4, 1))
        cls.town_programme = make_programme(cls.town, name="镇级培训")
        cls.town_batch = make_batch(cls.town_programme, starts_on=date(2030, 5, 1))
        for programme, batch, cadre in (
            (cls.county_programme, cls.county_batch, cls.ours),
            (cls.county_programme, cls.county_batch, cls.theirs),
            (cls.town_programme, cls.town_batch, cls.ours),
        ):
            Seat.objects.create(programme=programme, batch=batch, cadre=cadre, locked=True, placed_by=PlacedBy.HAND)
        session = cls.county_batch.sessions.order_by("date", "half").first()
        attendance.attendance_record(session=session, cadre=cls.ours, status=AttendanceStatus.PRESENT)
        cls.town_officer = make_officer(cls.town)

    def list_url(self) -> str:
        return reverse("rotations_our_cadres_batches")

    def batch_url(self, batch) -> str:
        return reverse("rotations_our_cadres_batch", args=[batch.pk])


class OurCadresBatchesTests(OurCadresSetup):
    def test_a_township_officer_sees_the_county_batch_their_cadre_sits_in_as_read_only(self):
        self.client.force_login(self.town_officer)
        rows = self.client.get(self.list_url()).context["rows"]
        self.assertEqual(
            [(batch.programme.name, batch.ours, manages) for batch, manages in rows],
            [("镇级培训", 1, True), ("县级轮训", 1, False)],
        )

    def test_the_batch_page_lists_only_the_officer_s_cadres_with_their_attendance(self):
        self.client.force_login(self.town_officer)
        response = self.client.get(self.batch_url(self.county_batch))
        [seat] = response.context["seats"]
        self.assertEqual((seat.cadre, seat.attended, seat.absent), (self.ours, 1, 0))
        self.assertFalse(response.context["manages"])
        self.assertContains(response, "data-read-only")
        self.assertNotContains(response, "李四")
        self.assertNotContains(response, reverse("rotations_batch_attendance", args=[self.county_batch.pk]))

    def test_a_batch_with_none_of_the_officer_s_cadres_is_not_found(self):
        other_batch = make_batch(self.county_programme, starts_on=date(2030, 6, 1))
        Seat.objects.filter(cadre=self.theirs).update(batch=other_batch)
        self.client.force_login(self.town_officer)
        self.assertEqual(self.client.get(self.batch_url(other_batch)).status_code, 404)

    def test_the_officer_of_the_other_township_sees_only_their_own_cadre(self):
        self.client.force_login(make_officer(self.other_town))
        response = self.client.get(self.batch_url(self.county_batch))
        self.assertEqual([s.cadre for s in response.context["seats"]], [self.theirs])
        self.assertEqual(self.client.get(self.batch_url(self.town_batch)).status_code, 404)

    def test_trainers_and_cadres_are_kept_out(self):
        for user in (make_trainer(username="t"), self.ours.user):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertIn(self.client.get(self.list_url()).status_code, (302, 404))

    def test_the_export_lists_the_officer_s_cadres_seats(self):
        self.client.force_login(self.town_officer)
        response = self.client.get(self.list_url() + "?export=xlsx")
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
        self.assertEqual(sorted((r[0], r[7]) for r in rows), [("县级轮训", "张三"), ("镇级培训", "张三")])

    def test_the_batch_page_makes_as_many_queries_for_50_seats_as_for_5(self):
        self.client.force_login(self.town_officer)
        counts = []
        for total in (5, 50):
            for _ in range(Seat.objects.filter(batch=self.county_batch, cadre__unit=self.team).count(), total):
                cadre = CadreFactory(unit=self.team)
                Seat.objects.create(programme=self.county_programme, batch=self.county_batch, cadre=cadre)
            self.client.get(self.batch_url(self.county_batch))
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(self.batch_url(self.county_batch))
            self.assertEqual(len(response.context["seats"]), total)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
