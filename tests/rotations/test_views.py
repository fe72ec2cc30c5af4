from datetime import date
from io import BytesIO

from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from rotations.models import Programme, Seat
from rotations.services import programmes, scheduling
from tests.factories import (
    CadreFactory,
    make_admin,
    make_batch,
    make_officer,
    make_programme,
    make_trainer,
    unit_child,
    unit_root,
)

TODAY = date(2030, 3, 1)


class RotationPagesSetup(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.county = unit_root()
        cls.township = unit_child(cls.county, code="A", name="甲镇")
        cls.team = unit_child(cls.township, code="A1", name="甲村工作队", level="village_team", min_on_duty=0)
        cls.other_township = unit_child(cls.county, code="B", name="乙镇")
        cls.cadre = CadreFactory(unit=cls.team, name="张三")
        cls.programme = make_programme(cls.township)
        cls.batch = make_batch(cls.programme, starts_on=date(2030, 4, 1))
        cls.trainer = make_trainer(username="trainer")
        cls.batch.trainers.add(cls.trainer)
        cls.users = {
            "cadre": cls.cadre.user,
            "trainer": cls.trainer,
            "other_trainer": make_trainer(username="other-trainer"),
            "officer_own": make_officer(cls.township),
            "officer_above": make_officer(cls.county),
            "officer_other": make_officer(cls.other_township),
            "admin": make_admin(),
        }
        scheduling.seat_assign(programme=cls.programme, cadre=cls.cadre, batch=cls.batch, today=TODAY)
        programmes.schedule_publish(programme=cls.programme)

    def get_as(self, who: str | None, url: str):
        self.client.logout()
        if who:
            self.client.force_login(self.users[who])
        return self.client.get(url)


class PermissionMatrixTests(RotationPagesSetup):
    WHO = ["anonymous", "cadre", "trainer", "other_trainer", "officer_own", "officer_above", "officer_other", "admin"]
    # Status per page for each user above, in that order. Wagtail answers a refused admin
    # permission by redirecting to the dashboard (302); objects of another subtree are 404.
    MATRIX = {
        "programme_index": [302, 302, 302, 302, 200, 200, 200, 200],
        "programme_edit": [302, 302, 302, 302, 200, 200, 404, 200],
        "programme_schedule": [302, 302, 404, 404, 200, 200, 404, 200],
        "programme_units": [302, 302, 404, 404, 200, 200, 404, 200],
        "programme_export": [302, 302, 404, 404, 200, 200, 404, 200],
        "batch_attendance": [302, 302, 200, 404, 200, 200, 404, 200],
        "batch_list": [302, 302, 200, 200, 200, 200, 200, 200],
        "batch_edit": [302, 302, 302, 302, 200, 200, 404, 200],
        "unavailability_index": [302, 302, 302, 302, 200, 200, 200, 200],
        "my_rotation": [302, 200, 403, 403, 403, 403, 403, 403],
    }

    def url(self, page: str) -> str:
        pk, batch = self.programme.pk, self.batch.pk
        return {
            "programme_index": reverse("rotations_programme:index"),
            "programme_edit": reverse("rotations_programme:edit", args=[pk]),
            "programme_schedule": reverse("rotations_programme_schedule", args=[pk]),
            "programme_units": reverse("rotations_programme_units", args=[pk]),
            "programme_export": reverse("rotations_programme_export", args=[pk]),
            "batch_attendance": reverse("rotations_batch_attendance", args=[batch]),
            "batch_list": reverse("rotations_batches"),
            "batch_edit": reverse("rotations_batch:edit", args=[batch]),
            "unavailability_index": reverse("rotations_unavailability:index"),
            "my_rotation": reverse("rotations:mine"),
        }[page]

    def test_every_role_gets_the_expected_status_on_every_page(self):
        for page, statuses in self.MATRIX.items():
            for who, expected in zip(self.WHO, statuses, strict=True):
                with self.subTest(page=page, who=who):
                    response = self.get_as(None if who == "anonymous" else who, self.url(page))
                    self.assertEqual(response.status_code, expected)

    def test_an_officer_of_another_subtree_cannot_run_the_scheduler_by_url(self):
        self.client.force_login(self.users["officer_other"])
        response = self.client.post(reverse("rotations_programme_plan", args=[self.programme.pk]))
        self.assertEqual(response.status_code, 404)

    def test_the_programme_list_shows_only_the_officers_subtree(self):
        response = self.get_as("officer_other", reverse("rotations_programme:index"))
        self.assertNotContains(response, self.programme.name)
        response = self.get_as("officer_own", reverse("rotations_programme:index"))
        self.assertContains(response, self.programme.name)


class OfficerActionTests(RotationPagesSetup):
    def test_an_officer_creates_a_programme_in_their_subtree(self):
        self.client.force_login(self.users["officer_own"])
        response = self.client.post(
            reverse("rotations_programme:add"),
            {
                "name": "第二期轮训",
                "organiser": "县委组织部",
                "unit": self.township.pk,
                "population_units": [self.team.pk],
                "starts_on": "2031-03-01",
                "ends_on": "2031-10-31",
                "credit_hours": "12",
                "newly_posted_days": "90",
                "max_leave_share": "1/7",
                "absences_fail_at": "3",
                "include_id_numbers": "",
                "exclude_id_numbers": self.cadre.id_number,
            },
        )
        self.assertEqual(response.status_code, 302)
        created = Programme.objects.get(name="第二期轮训")
        self.assertEqual(list(created.exclude_cadres.all()), [self.cadre])
        self.assertEqual((created.max_leave_numerator, created.max_leave_denominator), (1, 7))

    def test_the_leave_allowed_is_one_field_read_as_a_fraction_or_a_percentage(self):
        self.client.force_login(self.users["officer_own"])
        data = {
            "name": "第三期轮训",
            "organiser": "县委组织部",
            "unit": self.township.pk,
            "population_units": [self.team.pk],
            "starts_on": "2031-03-01",
            "ends_on": "2031-10-31",
            "credit_hours": "12",
            "newly_posted_days": "90",
            "max_leave_share": "10%",
            "absences_fail_at": "3",
        }
        response = self.client.post(reverse("rotations_programme:add"), data)
        self.assertEqual(response.status_code, 302)
        created = Programme.objects.get(name="第三期轮训")
        self.assertEqual((created.max_leave_numerator, created.max_leave_denominator), (1, 10))
        page = self.client.get(reverse("rotations_programme:edit", args=[created.pk])).content.decode()
        self.assertIn('name="max_leave_share" value="1/10"', page)
        self.assertNotIn("max_leave_numerator", page)
        # Population units are checkboxes (with a filter box), the officer's units among them.
        self.assertIn(f'type="checkbox" name="population_units" value="{self.team.pk}"', page)
        self.assertIn("data-filterable-checkboxes", page)

    def test_an_officer_makes_a_batch_by_hand_with_its_sessions_and_trainers(self):
        self.client.force_login(self.users["officer_own"])
        response = self.client.post(
            reverse("rotations_batch:add"),
            {
                "programme": self.programme.pk,
                "number": "7",
                "starts_on": "2030-06-01",
                "ends_on": "2030-06-03",
                "venue": "乡镇党校",
                "capacity": "40",
                "trainers": [self.trainer.pk],
                "what_to_bring": "笔记本",
            },
        )
        self.assertEqual(response.status_code, 302)
        batch = self.programme.batches.get(number=7)
        self.assertEqual(batch.sessions.count(), 6)
        self.assertEqual(list(batch.trainers.all()), [self.trainer])

    def test_an_officer_cannot_create_a_programme_for_another_subtree(self):
        self.client.force_login(self.users["officer_own"])
        response = self.client.post(
            reverse("rotations_programme:add"),
            {
                "name": "越权",
                "unit": self.other_township.pk,
                "population_units": [self.other_township.pk],
                "starts_on": "2031-03-01",
                "ends_on": "2031-10-31",
                "credit_hours": "1",
                "newly_posted_days": "1",
                "max_leave_share": "1/7",
                "absences_fail_at": "3",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Programme.objects.filter(name="越权").exists())

    def test_a_refused_move_shows_the_reason(self):
        full = make_batch(self.programme, starts_on=date(2030, 5, 1), capacity=1)
        other = CadreFactory(unit=self.team)
        scheduling.seat_assign(programme=self.programme, cadre=other, batch=full, today=TODAY)
        self.client.force_login(self.users["officer_own"])
        response = self.client.post(
            reverse("rotations_programme_assign", args=[self.programme.pk]),
            {"cadre": self.cadre.pk, "batch": full.pk},
            follow=True,
        )
        with translation.override("zh-hans"):
            self.assertContains(response, translation.gettext(scheduling.MOVE_BATCH_FULL).format(batch=2, capacity=1))
        self.assertEqual(Seat.objects.get(cadre=self.cadre).batch, self.batch)

    def test_the_export_neutralises_formulas(self):
        self.cadre.name = "=HYPERLINK(1)"
        self.cadre.save()
        self.client.force_login(self.users["officer_own"])
        response = self.client.get(reverse("rotations_programme_export", args=[self.programme.pk]))
        sheet = load_workbook(BytesIO(response.content)).active
        names = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(names, ["'=HYPERLINK(1)"])


class CadrePageTests(RotationPagesSetup):
    def test_my_rotation_shows_my_batch(self):
        response = self.get_as("cadre", reverse("rotations:mine"))
        self.assertContains(response, self.programme.name)
        self.assertContains(response, "县委党校")

    def test_a_cadre_checks_in_with_the_session_code(self):
        session = self.batch.sessions.first()
        from rotations.services import attendance

        session = attendance.checkin_open(session=session)
        self.client.force_login(self.cadre.user)
        response = self.client.post(reverse("rotations:checkin"), {"code": session.checkin_code})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(session.attendance.filter(cadre=self.cadre).exists())

    def test_a_wrong_code_is_refused_with_the_reason(self):
        from rotations.services.attendance import CHECKIN_UNKNOWN

        self.client.force_login(self.cadre.user)
        response = self.client.post(reverse("rotations:checkin"), {"code": "wrong"})
        with translation.override("zh-hans"):
            self.assertContains(response, translation.gettext(CHECKIN_UNKNOWN), status_code=400)

    def test_a_cadre_asks_for_leave(self):
        seat = Seat.objects.get(cadre=self.cadre)
        self.client.force_login(self.cadre.user)
        self.client.post(
            reverse("rotations:leave", args=[seat.pk]),
            {"starts_on": "2030-04-02", "ends_on": "2030-04-02", "reason": "病假"},
        )
        self.assertEqual(seat.leave_requests.get().status, "pending")


class QueryCountTests(TestCase):
    """List and report pages make the same number of queries for 5 seats as for 50."""

    def populate(self, n: int):
        county = unit_root(code=f"Q{n}")
        team = unit_child(county, code=f"Q{n}T", min_on_duty=0)
        programme = make_programme(county, name=f"P{n}")
        first = make_batch(programme, starts_on=date(2030, 4, 1), capacity=n)
        make_batch(programme, starts_on=date(2030, 5, 1), capacity=n)
        for _ in range(n):
            CadreFactory(unit=team)
        scheduling.schedule_plan(programme=programme, today=TODAY)
        programmes.schedule_publish(programme=programme)
        return programme, first

    def count(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_pages_make_a_constant_number_of_queries(self):
        self.client.force_login(make_admin())
        small, small_batch = self.populate(5)
        large, large_batch = self.populate(50)
        for name, small_url, large_url in [
            (
                "schedule",
                reverse("rotations_programme_schedule", args=[small.pk]),
                reverse("rotations_programme_schedule", args=[large.pk]),
            ),
            (
                "units",
                reverse("rotations_programme_units", args=[small.pk]),
                reverse("rotations_programme_units", args=[large.pk]),
            ),
            (
                "export",
                reverse("rotations_programme_export", args=[small.pk]),
                reverse("rotations_programme_export", args=[large.pk]),
            ),
            (
                "attendance",
                reverse("rotations_batch_attendance", args=[small_batch.pk]),
                reverse("rotations_batch_attendance", args=[large_batch.pk]),
            ),
        ]:
            with self.subTest(page=name):
                self.assertEqual(self.count(small_url), self.count(large_url))

    def test_my_rotation_makes_a_fixed_number_of_queries(self):
        programme, _ = self.populate(5)
        seat = Seat.objects.filter(programme=programme).select_related("cadre__user").first()
        self.client.force_login(seat.cadre.user)
        self.count(reverse("rotations:mine"))
        with self.assertNumQueries(self.count(reverse("rotations:mine"))):
            self.client.get(reverse("rotations:mine"))


class RollCallPageTests(TestCase):
    """A trainer records a whole session's attendance in one submit."""

    def populate(self, n: int):
        county = unit_root(code=f"R{n}")
        team = unit_child(county, code=f"R{n}T", min_on_duty=0)
        programme = make_programme(county, name=f"R{n}")
        batch = make_batch(programme, starts_on=date(2030, 4, 1), capacity=n)
        cadres = [CadreFactory(unit=team) for _ in range(n)]
        for cadre in cadres:
            scheduling.seat_assign(programme=programme, cadre=cadre, batch=batch, today=TODAY)
        trainer = make_trainer(username=f"trainer-{n}")
        batch.trainers.add(trainer)
        return batch, cadres, trainer

    def url(self, batch, session=None) -> str:
        url = reverse("rotations_batch_attendance", args=[batch.pk])
        return f"{url}?session={session.pk}" if session else url

    def roll(self, batch, session, statuses: dict) -> dict:
        data = {"action": "roll", "session": session.pk}
        data.update({f"status-{cadre_id}": status for cadre_id, status in statuses.items()})
        return data

    def test_every_cadre_has_a_labelled_select_that_starts_at_present(self):
        batch, cadres, trainer = self.populate(3)
        self.client.force_login(trainer)
        response = self.client.get(self.url(batch))
        for cadre in cadres:
            self.assertContains(response, f'<label for="id_status-{cadre.pk}">{cadre.name}</label>', html=True)
            self.assertContains(response, f'<select name="status-{cadre.pk}" id="id_status-{cadre.pk}">')
        self.assertContains(response, '<option value="present" selected>', count=3)
        for field in ("mark-session", "mark-cadre", "mark-status", "roll-session-choice"):
            self.assertContains(response, f'<label for="{field}">')

    def test_one_submit_records_the_whole_session(self):
        batch, cadres, trainer = self.populate(3)
        session = batch.sessions.order_by("date", "half")[1]
        self.client.force_login(trainer)
        statuses = {cadres[0].pk: "present", cadres[1].pk: "absent", cadres[2].pk: "late"}
        response = self.client.post(self.url(batch), self.roll(batch, session, statuses))
        self.assertRedirects(response, self.url(batch, session), fetch_redirect_response=False)
        self.assertEqual(dict(session.attendance.values_list("cadre_id", "status")), statuses)
        self.assertEqual(set(session.attendance.values_list("recorded_by", flat=True)), {trainer.pk})

    def test_the_form_shows_the_marks_already_made_for_the_chosen_session(self):
        batch, cadres, trainer = self.populate(2)
        session = batch.sessions.order_by("date", "half")[2]
        from rotations.services import attendance

        attendance.attendance_record(session=session, cadre=cadres[1], status="leave")
        self.client.force_login(trainer)
        response = self.client.get(self.url(batch, session))
        self.assertContains(response, f'name="session" value="{session.pk}"')
        self.assertContains(response, '<option value="leave" selected>', count=1)
        self.assertContains(response, '<option value="present" selected>', count=1)

    def test_a_missing_status_is_refused_and_nothing_is_written(self):
        batch, cadres, trainer = self.populate(2)
        session = batch.sessions.first()
        self.client.force_login(trainer)
        response = self.client.post(self.url(batch), self.roll(batch, session, {cadres[0].pk: "present"}))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(session.attendance.exists())

    def test_marking_one_cadre_still_works(self):
        batch, cadres, trainer = self.populate(2)
        session = batch.sessions.first()
        self.client.force_login(trainer)
        self.client.post(
            self.url(batch), {"action": "mark", "session": session.pk, "cadre": cadres[1].pk, "status": "absent"}
        )
        self.assertEqual(dict(session.attendance.values_list("cadre_id", "status")), {cadres[1].pk: "absent"})

    def test_another_trainer_cannot_submit_a_roll(self):
        batch, cadres, _ = self.populate(1)
        session = batch.sessions.first()
        self.client.force_login(make_trainer(username="stranger"))
        response = self.client.post(self.url(batch), self.roll(batch, session, {cadres[0].pk: "present"}))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(session.attendance.exists())

    def test_a_roll_makes_the_same_number_of_queries_for_5_and_50_cadres(self):
        counts = []
        for n in (5, 50):
            batch, cadres, trainer = self.populate(n)
            session = batch.sessions.first()
            self.client.force_login(trainer)
            statuses = {cadre.pk: "present" for cadre in cadres}
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                response = self.client.post(self.url(batch), self.roll(batch, session, statuses))
            self.assertEqual(response.status_code, 302)
            self.assertEqual(session.attendance.count(), n)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
