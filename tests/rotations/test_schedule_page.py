"""The schedule page an officer plans a programme on: no batches, the generator's defaults, holidays."""

from datetime import date

from django.contrib.messages import get_messages
from django.contrib.messages.constants import SUCCESS, WARNING
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from rotations import admin_views
from rotations.models import Holiday, ScheduleRun
from rotations.services import programmes, scheduling
from rotations.services.scheduling import outcome
from tests.factories import CadreFactory, make_admin, make_batch, make_officer, make_programme, unit_child, unit_root

TODAY = date(2030, 1, 1)


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


class SchedulePageSetup(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.county = unit_root()
        cls.township = unit_child(cls.county, code="A", name="甲镇")
        cls.teams = [
            unit_child(cls.township, code=f"A{i}", name=f"甲{i}村工作队", level="village_team", min_on_duty=1)
            for i in range(4)
        ]
        cls.cadres = [CadreFactory(unit=team) for team in cls.teams for _ in range(30)]
        cls.programme = make_programme(
            cls.township, name="2030年春季轮训", starts_on=date(2030, 3, 2), ends_on=date(2030, 4, 30)
        )
        cls.officer = make_officer(cls.township)

    def setUp(self):
        self.client.force_login(self.officer)

    @property
    def schedule_url(self) -> str:
        return reverse("rotations_programme_schedule", args=[self.programme.pk])


class ZeroBatchesTests(SchedulePageSetup):
    def test_the_page_says_plainly_there_are_no_batches_and_offers_to_add_them(self):
        response = self.client.get(self.schedule_url)
        self.assertContains(response, "该计划还没有期次，请先生成或添加期次")
        self.assertContains(response, "help-warning")
        self.assertContains(response, "data-no-batches-actions")
        self.assertContains(response, 'href="#generate"')
        self.assertContains(response, f"{reverse('rotations_batch:add')}?programme={self.programme.pk}")
        self.assertNotContains(response, "已满")

    def test_running_the_scheduler_without_batches_warns_and_runs_nothing(self):
        response = self.client.post(reverse("rotations_programme_plan", args=[self.programme.pk]))
        self.assertRedirects(response, self.schedule_url, fetch_redirect_response=False)
        [message] = list(get_messages(response.wsgi_request))
        self.assertEqual((message.level, message.message), (WARNING, zh(admin_views.NO_BATCHES)))
        self.assertFalse(ScheduleRun.objects.exists())

    def test_the_no_batches_message_is_the_one_the_issue_asks_for(self):
        self.assertEqual(zh(admin_views.NO_BATCHES), "该计划还没有期次，请先生成或添加期次")

    def test_the_add_a_batch_link_preselects_the_programme_and_the_next_number(self):
        response = self.client.get(f"{reverse('rotations_batch:add')}?programme={self.programme.pk}")
        form = response.context["form"]
        self.assertEqual((form.initial["programme"], form.initial["number"]), (self.programme.pk, 1))


class ScheduleTitleTests(SchedulePageSetup):
    def test_the_programme_s_name_is_in_the_title_and_on_the_page(self):
        response = self.client.get(self.schedule_url)
        self.assertContains(response, "<title>按期次查看安排: 2030年春季轮训", html=False)
        self.assertContains(response, '<h2 class="w-h2" data-programme-name>2030年春季轮训</h2>', html=True)


class RunMessageTests(SchedulePageSetup):
    def test_a_run_that_leaves_people_out_is_a_warning(self):
        make_batch(self.programme, starts_on=date(2030, 3, 9), capacity=10)
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        with translation.override("zh-hans"):
            level, text = admin_views.run_result_message(run)
            expected = admin_views.PLACED_SOME % {"placed": 10, "population": 120, "bound": 10}
        self.assertEqual((level, text), (WARNING, expected))

    def test_a_run_that_places_everyone_is_a_success(self):
        for number, starts_on in enumerate((date(2030, 3, 9), date(2030, 3, 16), date(2030, 3, 23)), start=1):
            make_batch(self.programme, number=number, starts_on=starts_on, capacity=60)
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual(admin_views.run_result_message(run), (SUCCESS, admin_views.PLACED_EVERYONE % {"placed": 120}))

    def test_the_page_does_not_blame_full_batches_for_a_run_made_before_there_were_batches(self):
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual({row["reason"] for row in run.unplaced}, {"no_batches"})
        self.assertEqual(run.unplaced[0]["template"], outcome.UNPLACED_NO_BATCHES)
        response = self.client.get(self.schedule_url)
        self.assertEqual(response.context["unplaced"], [])
        self.assertContains(response, "该计划还没有期次，请先生成或添加期次")


class GeneratorDefaultsTests(SchedulePageSetup):
    def generate_with_the_defaults(self):
        form = self.client.get(self.schedule_url).context["generate_form"]
        data = {name: form[name].value() for name in form.fields}
        data = {k: v for k, v in data.items() if v not in (None, False)}
        return data, self.client.post(reverse("rotations_programme_generate", args=[self.programme.pk]), data)

    def test_accepting_the_defaults_makes_batches_inside_the_programme_with_a_seat_for_everyone(self):
        data, response = self.generate_with_the_defaults()
        [message] = list(get_messages(response.wsgi_request))
        self.assertEqual(message.level, SUCCESS)
        batches = list(self.programme.batches.all())
        self.assertEqual(len(batches), data["count"])
        self.assertGreaterEqual(sum(b.capacity for b in batches), len(self.cadres))
        self.assertTrue(
            all(self.programme.starts_on <= b.starts_on and b.ends_on <= self.programme.ends_on for b in batches)
        )

    def test_accepting_the_defaults_then_lets_the_scheduler_place_everyone(self):
        self.generate_with_the_defaults()
        run = scheduling.schedule_plan(programme=self.programme, today=TODAY)
        self.assertEqual((run.placed, run.population), (120, 120))

    def test_the_defaults_skip_the_qingming_holiday(self):
        for day in (3, 4, 5):
            Holiday.objects.create(date=date(2030, 4, day), name="清明节")
        self.generate_with_the_defaults()
        self.assertFalse(
            self.programme.batches.filter(starts_on__lte=date(2030, 4, 5), ends_on__gte=date(2030, 4, 3)).exists()
        )

    def test_the_page_says_what_the_defaults_give(self):
        response = self.client.get(self.schedule_url)
        suggestion = response.context["generate_form"].initial
        self.assertEqual(suggestion["first_starts_on"], date(2030, 3, 2))
        # The browser's date input only shows an ISO date.
        self.assertContains(response, 'name="first_starts_on" value="2030-03-02"')
        with translation.override("zh-hans"):
            text, _level = response.context["defaults_text"], response.context["defaults_level"]
        self.assertIn("120", text)

    def test_a_programme_too_short_for_one_batch_says_why(self):
        self.programme.ends_on = date(2030, 3, 4)
        self.programme.save()
        for day in (2, 3, 4):
            Holiday.objects.create(date=date(2030, 3, day), name="假日")
        response = self.client.get(self.schedule_url)
        self.assertEqual(response.context["defaults_level"], "warning")
        self.assertEqual(
            response.context["defaults_text"],
            zh(admin_views.DEFAULTS_TOO_SHORT) % {"days": 3, "first": date(2030, 3, 2), "ends": date(2030, 3, 4)},
        )

    def test_a_programme_too_short_for_the_units_floors_says_so(self):
        self.programme.ends_on = date(2030, 3, 8)  # one five-day batch; each team may spare 29 of its 30
        self.programme.save()
        response = self.client.get(self.schedule_url)
        self.assertEqual(response.context["defaults_level"], "warning")
        self.assertEqual(
            response.context["defaults_text"], zh(admin_views.DEFAULTS_FLOOR) % {"needed": 2, "fit": 1, "days": 5}
        )

    def test_existing_batches_count_towards_the_seats_already_offered(self):
        make_batch(self.programme, starts_on=date(2030, 3, 9), capacity=120)
        response = self.client.get(self.schedule_url)
        self.assertEqual(response.context["defaults_text"], zh(admin_views.DEFAULTS_SEATED))


class HolidayWarningTests(SchedulePageSetup):
    def test_a_batch_made_by_hand_over_a_holiday_is_saved_with_a_warning(self):
        Holiday.objects.create(date=date(2030, 4, 5), name="清明节")
        response = self.client.post(
            reverse("rotations_batch:add"),
            {
                "programme": self.programme.pk,
                "number": "1",
                "starts_on": "2030-04-03",
                "ends_on": "2030-04-07",
                "venue": "县委党校",
                "capacity": "40",
                "what_to_bring": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        messages = [m for m in get_messages(response.wsgi_request) if m.level == WARNING]
        self.assertEqual(
            [m.message for m in messages],
            [zh(admin_views.BATCH_COVERS_HOLIDAYS) % {"number": 1, "holidays": "清明节 2030-04-05"}],
        )

    def test_the_schedule_page_marks_a_batch_that_covers_a_holiday(self):
        Holiday.objects.create(date=date(2030, 3, 10), name="某节")
        Holiday.objects.create(date=date(2030, 3, 14), name="调休", is_workday=True)
        make_batch(self.programme, starts_on=date(2030, 3, 9))
        response = self.client.get(self.schedule_url)
        [item] = response.context["schedule"]
        self.assertEqual([h.name for h in item.holidays], ["某节"])
        self.assertContains(response, "data-batch-holidays")


class HolidayCalendarTests(TestCase):
    def test_the_seeded_calendar_holds_new_year_2026_and_its_make_up_working_day(self):
        self.assertEqual(
            list(
                Holiday.objects.filter(date__range=(date(2026, 1, 1), date(2026, 1, 4))).values_list(
                    "name", "is_workday"
                )
            ),
            [("元旦", False), ("元旦", False), ("元旦", False), ("元旦调休上班", True)],
        )

    def test_the_seeded_calendar_has_every_2026_holiday_day_and_the_statutory_days_of_2027(self):
        self.assertEqual(Holiday.objects.filter(date__year=2026, is_workday=False).count(), 33)
        self.assertEqual(Holiday.objects.filter(date__year=2026, is_workday=True).count(), 6)
        self.assertEqual(Holiday.objects.filter(date__year=2027, is_workday=False).count(), 13)

    def test_only_administrators_may_open_the_holiday_calendar(self):
        county = unit_root()
        for user, status in ((make_admin(), 200), (make_officer(county), 302)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(reverse("rotations_holiday:index")).status_code, status)

    def test_an_administrator_adds_a_make_up_working_day(self):
        self.client.force_login(make_admin())
        response = self.client.post(
            reverse("rotations_holiday:add"), {"date": "2027-02-20", "name": "春节调休上班", "is_workday": "on"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Holiday.objects.get(date=date(2027, 2, 20)).is_workday)


class GeneratorServiceTests(SchedulePageSetup):
    def test_generated_batches_never_cover_new_year_s_day(self):
        programme = make_programme(self.township, name="跨年", starts_on=date(2026, 12, 28), ends_on=date(2027, 1, 31))
        batches = programmes.batches_generate(
            programme=programme, count=2, days=5, every_days=7, capacity=30, first_starts_on=date(2026, 12, 28)
        )
        self.assertEqual(
            [(b.starts_on, b.ends_on) for b in batches],
            [(date(2027, 1, 2), date(2027, 1, 6)), (date(2027, 1, 7), date(2027, 1, 11))],
        )
