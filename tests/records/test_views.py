"""The 学习档案 page: who can reach whose record, what it shows, PDF, and a flat query count."""

import io
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from courses.models import CreditEntry, CreditSource
from tests.factories import CadreFactory, make_admin, make_course, make_officer, make_trainer, unit_child, unit_root
from tests.records.helpers import finish_lessons, make_rule


class RecordMatrixTests(TestCase):
    """Every record URL × every role × own / same subtree / other subtree."""

    @classmethod
    def setUpTestData(cls):
        cls.county = unit_root()
        cls.east = unit_child(cls.county, code="E", name="东乡")
        cls.west = unit_child(cls.county, code="W", name="西乡")
        cls.me = CadreFactory(unit=cls.east, name="赵东")
        cls.neighbour = CadreFactory(unit=cls.east, name="钱东")
        cls.stranger = CadreFactory(unit=cls.west, name="孙西")
        cls.east_officer = make_officer(cls.east)
        cls.admin = make_admin()
        cls.trainer = make_trainer()

    def status(self, user, url):
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        return self.client.get(url).status_code

    def test_who_reaches_which_record(self):
        targets = {"me": self.me, "neighbour": self.neighbour, "stranger": self.stranger}
        expected = {
            # user: {target: status}
            "me": {"me": 200, "neighbour": 404, "stranger": 404},
            "east_officer": {"me": 200, "neighbour": 200, "stranger": 404},
            "admin": {"me": 200, "neighbour": 200, "stranger": 200},
            "trainer": {"me": 404, "neighbour": 404, "stranger": 404},
        }
        users = {"me": self.me.user, "east_officer": self.east_officer, "admin": self.admin, "trainer": self.trainer}
        for user_name, row in expected.items():
            for target_name, status in row.items():
                for suffix in ("", "pdf/"):
                    url = f"/record/cadres/{targets[target_name].pk}/{suffix}"
                    with self.subTest(user=user_name, target=target_name, url=url):
                        self.assertEqual(self.status(users[user_name], url), status)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        for url in ("/record/", "/record/pdf/", f"/record/cadres/{self.me.pk}/", "/record/claims/"):
            with self.subTest(url=url):
                self.assertEqual(self.status(None, url), 302)

    def test_an_unknown_id_is_the_same_404_as_someone_else_s(self):
        self.assertEqual(self.status(self.me.user, "/record/cadres/999999/"), 404)

    def test_the_officer_list_shows_their_subtree_only(self):
        self.client.force_login(self.east_officer)
        response = self.client.get("/record/cadres/")
        self.assertContains(response, "钱东")
        self.assertNotContains(response, "孙西")

    def test_cadres_have_no_officer_list(self):
        self.assertEqual(self.status(self.me.user, "/record/cadres/"), 403)


class RecordPageTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.cadre = CadreFactory(unit=self.county, name="李晓明")
        make_rule(target_hours=50, name="全市统一")
        self.course = make_course(title="乡村振兴战略", credit_hours=3)
        finish_lessons(self.cadre, self.course)
        self.client.force_login(self.cadre.user)

    def test_the_record_shows_hours_against_target_and_the_rule_that_counted_them(self):
        response = self.client.get("/record/?year=2030")
        self.assertContains(response, "3.0 <span>/ 50.0")
        self.assertContains(response, "乡村振兴战略")
        self.assertContains(response, "全市统一")

    def test_another_year_is_empty(self):
        response = self.client.get("/record/?year=2029")
        self.assertNotContains(response, "ledger-hours")

    def test_the_pdf_carries_the_name_and_the_course(self):
        response = self.client.get("/record/pdf/?year=2030")
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("李晓明", text)
        self.assertIn("乡村振兴战略", text)


class RecordQueryCountTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.client.force_login(self.cadre.user)

    def add_entries(self, count: int):
        CreditEntry.objects.bulk_create(
            CreditEntry(
                cadre=self.cadre,
                year=2030,
                hours=Decimal(1),
                source=CreditSource.OUTSIDE,
                description=f"培训{i}",
                earned_at=datetime(2030, 3, 1, 2, 0, tzinfo=UTC),
            )
            for i in range(count)
        )

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_the_page_and_the_pdf_make_as_many_queries_for_50_entries_as_for_5(self):
        for url in ("/record/?year=2030", "/record/pdf/?year=2030"):
            CreditEntry.objects.all().delete()
            self.add_entries(5)
            few = self.queries(url)
            self.add_entries(45)
            with self.subTest(url=url):
                self.assertEqual(self.queries(url), few)
