from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Site, WorkflowPage

from cadres.models import Cadre, CadreCategory, Officer, OrgUnit, UnitLevel
from cadres.roles import ADMINISTRATOR_GROUP, TRAINER_GROUP, TRAINER_PAGE_PERMISSIONS
from courses import selectors
from courses.models import (
    CourseIndexPage,
    CoursePage,
    CourseProgress,
    CreditEntry,
    CreditSource,
    LessonPage,
    LessonProgress,
    Requirement,
)
from lms.demo import rotations as demo_rotations
from lms.demo.names import id_check_char
from lms.demo.people import DEMO_PASSWORD
from lms.models import AnnouncementIndexPage, AnnouncementPage, HomePage
from quizzes import grading
from quizzes import selectors as quiz_selectors
from quizzes.models import Answer, Attempt, AttemptStatus, Question, QuestionBank, QuestionType, Quiz
from rotations import scheduler
from rotations import selectors as rotation_selectors
from rotations.models import (
    Attendance,
    Batch,
    LeaveRequest,
    Notice,
    PlacedBy,
    Programme,
    ScheduleRun,
    Seat,
    Session,
    Unavailability,
)

LOGINS = ("admin", "trainer", "county", "township", "cadre")


def demo_counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "users": get_user_model().objects.count(),
        "cadres": Cadre.objects.count(),
        "courses": CoursePage.objects.count(),
        "lessons": LessonPage.objects.count(),
        "announcements": AnnouncementPage.objects.count(),
        "requirements": Requirement.objects.count(),
        "course_progress": CourseProgress.objects.count(),
        "lesson_progress": LessonProgress.objects.count(),
        "credits": CreditEntry.objects.count(),
        "sites": Site.objects.count(),
        "questions": Question.objects.count(),
        "quizzes": Quiz.objects.count(),
        "attempts": Attempt.objects.count(),
        "answers": Answer.objects.count(),
        "programmes": Programme.objects.count(),
        "batches": Batch.objects.count(),
        "sessions": Session.objects.count(),
        "seats": Seat.objects.count(),
        "schedule_runs": ScheduleRun.objects.count(),
        "notices": Notice.objects.count(),
        "unavailabilities": Unavailability.objects.count(),
        "leave_requests": LeaveRequest.objects.count(),
        "attendance": Attendance.objects.count(),
    }


class LoadDemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_data", stdout=StringIO())
        cls.first_run = demo_counts()
        call_command("load_demo_data", stdout=StringIO())
        cls.second_run = demo_counts()

    def test_a_second_run_neither_duplicates_nor_fails(self):
        self.assertEqual(self.first_run, self.second_run)

    def test_one_county_with_five_townships_and_thirty_work_teams(self):
        levels = dict(OrgUnit.objects.order_by().values_list("level").annotate(n=Count("pk")))
        self.assertEqual(levels, {UnitLevel.COUNTY: 1, UnitLevel.TOWNSHIP: 5, UnitLevel.VILLAGE_TEAM: 30})
        county = OrgUnit.objects.get(level=UnitLevel.COUNTY)
        self.assertEqual(county.name, "清河县")
        self.assertTrue(all(county.contains(unit) for unit in OrgUnit.objects.all()))

    def test_about_three_hundred_cadres_with_valid_unique_id_numbers(self):
        cadres = list(Cadre.objects.all())
        self.assertTrue(280 <= len(cadres) <= 320)
        ids = [c.id_number for c in cadres]
        self.assertEqual(len(set(ids)), len(ids))
        for id_number in ids:
            self.assertEqual(id_number[17], id_check_char(id_number[:17]), id_number)
        self.assertEqual(Cadre.objects.filter(category=CadreCategory.FIRST_SECRETARY).count(), 30)

    def test_eight_courses_of_three_to_five_lessons_in_six_categories(self):
        courses = CoursePage.objects.live().select_related("category")
        self.assertEqual(courses.count(), 8)
        self.assertEqual(
            {c.category.name for c in courses}, {"政策理论", "党性教育", "产业发展", "乡村治理", "作风建设", "业务技能"}
        )
        for course in courses:
            with self.subTest(course=course.title):
                self.assertIn(course.lessons().count(), range(3, 6))

    def test_the_demo_logins_authenticate_with_the_demo_password(self):
        for username in LOGINS:
            with self.subTest(username=username):
                self.assertIsNotNone(authenticate(username=username, password=DEMO_PASSWORD))

    def test_roster_cadres_other_than_the_demo_login_cannot_log_in(self):
        others = get_user_model().objects.filter(cadre__isnull=False).exclude(username="cadre")
        self.assertFalse(any(user.has_usable_password() for user in others))

    def test_the_demo_logins_are_not_held_and_the_roster_waits_for_activation_slips(self):
        from cadres.models import Account

        self.assertFalse(Account.objects.filter(user__username__in=LOGINS).exists())
        # Every roster login but `cadre` (about 300, see above) can be sent an activation slip.
        pending = Account.objects.filter(activated_at__isnull=True, user__cadre__isnull=False)
        self.assertGreaterEqual(pending.count(), 279)

    def test_officers_are_bound_to_the_county_and_one_township(self):
        self.assertEqual(Officer.objects.get(user__username="county").unit.level, UnitLevel.COUNTY)
        self.assertEqual(Officer.objects.get(user__username="township").unit.level, UnitLevel.TOWNSHIP)

    def test_the_cadre_login_is_a_first_secretary_with_courses_done_and_one_overdue(self):
        cadre = self.login()
        learning = selectors.my_learning(cadre=cadre, today=timezone.localdate())
        self.assertEqual(cadre.category, CadreCategory.FIRST_SECRETARY)
        self.assertGreaterEqual(CourseProgress.objects.filter(cadre=cadre, completed_at__isnull=False).count(), 2)
        self.assertEqual(len(learning.overdue), 1)
        self.assertGreater(learning.hours_this_year, 0)

    def test_many_cadres_have_progress_and_the_credit_ledger_matches_it(self):
        completed = CourseProgress.objects.filter(completed_at__isnull=False).select_related("course")
        self.assertGreater(CourseProgress.objects.values("cadre").distinct().count(), 150)
        credits = {(e.cadre_id, e.course_id): e for e in CreditEntry.objects.filter(source=CreditSource.COURSE)}
        self.assertEqual(set(credits), {(p.cadre_id, p.course_id) for p in completed})
        for progress in completed:
            entry = credits[(progress.cadre_id, progress.course_id)]
            self.assertEqual(entry.hours, progress.course.credit_hours)
            self.assertEqual(entry.earned_at, progress.completed_at)
            self.assertEqual(progress.lessons_completed, progress.lessons_total)
        self.assertGreater(sum((e.hours for e in credits.values()), Decimal(0)), 0)

    def test_course_progress_counts_agree_with_lesson_progress(self):
        lesson_course = {lesson.pk: lesson.path[: -LessonPage.steplen] for lesson in LessonPage.objects.all()}
        course_path = dict(CoursePage.objects.values_list("pk", "path"))
        done: dict[tuple[int, str], int] = {}
        for cadre_id, lesson_id in LessonProgress.objects.filter(completed_at__isnull=False).values_list(
            "cadre_id", "lesson_id"
        ):
            key = (cadre_id, lesson_course[lesson_id])
            done[key] = done.get(key, 0) + 1
        for progress in CourseProgress.objects.all():
            key = (progress.cadre_id, course_path[progress.course_id])
            self.assertEqual(progress.lessons_completed, done.get(key, 0))

    def test_search_for_chanye_fupin_finds_the_lesson(self):
        hits = selectors.search_study_pages(query="产业扶贫")
        self.assertTrue(any(hit.is_lesson and "发展产业扶贫项目" in hit.page.search_text for hit in hits))

    def test_the_home_page_is_the_default_site_on_localhost(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual((site.hostname, site.port), ("localhost", 80))
        self.assertIsInstance(site.root_page.specific, HomePage)
        self.assertEqual(len(site.root_page.specific.featured()), 3)

    def test_trainers_edit_pages_without_publishing_and_an_administrator_reviews(self):
        permissions = GroupPagePermission.objects.filter(group__name=TRAINER_GROUP, page__depth=2)
        self.assertEqual(set(permissions.values_list("permission__codename", flat=True)), set(TRAINER_PAGE_PERMISSIONS))
        for index, name in (
            (CourseIndexPage.objects.get(), "课程审核"),
            (AnnouncementIndexPage.objects.get(), "通知审核"),
        ):
            with self.subTest(workflow=name):
                workflow = WorkflowPage.objects.get(page=index).workflow
                self.assertEqual(workflow.name, name)
                task = workflow.tasks.get().specific
                self.assertEqual(list(task.groups.values_list("name", flat=True)), [ADMINISTRATOR_GROUP])

    def test_a_rerun_keeps_a_changed_password(self):
        user = get_user_model().objects.get(username="trainer")
        user.set_password("a-new-secret-123")
        user.save()
        call_command("load_demo_data", stdout=StringIO())
        self.assertIsNotNone(authenticate(username="trainer", password="a-new-secret-123"))

    def test_key_pages_answer_200(self):
        pages = [
            (None, "/"),
            (None, "/courses/"),
            (None, "/notices/"),
            (None, "/search/?q=产业扶贫"),
            ("cadre", "/"),
            ("cadre", "/me/"),
            ("cadre", "/courses/industry-development/choosing-industries/"),
            ("trainer", "/admin/"),
            ("county", "/admin/"),
            ("township", "/admin/"),
            ("admin", "/admin/"),
        ]
        for username, url in pages:
            with self.subTest(username=username, url=url):
                self.client.logout()
                if username:
                    self.client.force_login(get_user_model().objects.get(username=username))
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_search_page_shows_the_lesson(self):
        response = self.client.get("/search/", {"q": "产业扶贫"})
        self.assertContains(response, "发展产业扶贫项目")

    # ------------------------------------------------------------------------ quizzes

    @staticmethod
    def login() -> Cadre:
        return Cadre.objects.select_related("user").get(user__username="cadre")

    @staticmethod
    def final_tests() -> dict[str, Quiz]:
        return {q.course.slug: q for q in Quiz.objects.filter(course__isnull=False).select_related("course")}

    @staticmethod
    def exam() -> Quiz:
        return Quiz.objects.get(course__isnull=True)

    def test_a_second_run_adds_no_question_quiz_attempt_or_answer(self):
        for key in ("questions", "quizzes", "attempts", "answers"):
            with self.subTest(key=key):
                self.assertGreater(self.first_run[key], 0)
                self.assertEqual(self.first_run[key], self.second_run[key])

    def test_the_bank_has_about_forty_questions_of_every_type_with_valid_keys(self):
        bank = QuestionBank.objects.get(name="乡村振兴题库")
        questions = list(bank.questions.prefetch_related("options"))
        self.assertTrue(40 <= len(questions) <= 50)
        self.assertEqual({q.kind for q in questions}, set(QuestionType.values))
        self.assertEqual(sum(q.kind == QuestionType.ESSAY for q in questions), 1)
        self.assertTrue(any(q.kind == QuestionType.MULTIPLE and q.partial_credit for q in questions))
        self.assertTrue(any(q.kind == QuestionType.FILL_IN and len(q.accepted_list()) > 1 for q in questions))
        for question in questions:
            with self.subTest(question=str(question)):
                options = list(question.options.all())
                problems = grading.key_problems(
                    kind=grading.QuestionType(question.kind),
                    points=question.points,
                    options=len(options),
                    correct=sum(o.is_correct for o in options),
                    true_false=question.true_false_answer,
                    accepted=len(question.accepted_list()),
                )
                self.assertEqual(problems, [])
                self.assertTrue(question.explanation)

    def test_two_courses_have_a_final_test_and_an_exam_is_open_this_month(self):
        final_tests, exam, now = self.final_tests(), self.exam(), timezone.now()
        self.assertEqual(set(final_tests), {"first-secretary-duties", "rural-revitalisation-policy"})
        self.assertTrue(exam.opens_at <= now < exam.closes_at)
        self.assertEqual(timezone.localtime(exam.opens_at).month, timezone.localdate().month)
        for quiz in [*final_tests.values(), exam]:
            with self.subTest(quiz=quiz.title):
                self.assertTrue(quiz.is_published)
                self.assertGreaterEqual(quiz.fixed_questions.count(), 10)

    def test_demo_cadres_attempts_were_graded_by_the_services(self):
        exam = self.exam()
        for quiz in [*self.final_tests().values(), exam]:
            with self.subTest(quiz=quiz.title):
                attempts = Attempt.objects.filter(quiz=quiz)
                self.assertGreaterEqual(attempts.count(), 20)
                self.assertFalse(attempts.filter(status=AttemptStatus.IN_PROGRESS).exists())
                self.assertTrue(attempts.filter(passed=True).exists())
                for attempt in attempts:
                    self.assertEqual(attempt.answers.count(), len(attempt.question_ids))
                    self.assertLessEqual(attempt.finished_at, timezone.now())
        essays = Answer.objects.filter(attempt__quiz=exam, question__kind=QuestionType.ESSAY)
        self.assertTrue(essays.filter(graded_by__username="trainer").exists())
        self.assertTrue(essays.filter(outcome=grading.Outcome.PENDING).exists())

    def test_a_course_with_a_final_test_is_complete_exactly_when_its_test_is_passed(self):
        for slug, quiz in self.final_tests().items():
            with self.subTest(course=slug):
                passed = set(Attempt.objects.filter(quiz=quiz, passed=True).values_list("cadre_id", flat=True))
                completed = set(
                    CourseProgress.objects.filter(course=quiz.course, completed_at__isnull=False).values_list(
                        "cadre_id", flat=True
                    )
                )
                self.assertTrue(passed)
                self.assertEqual(completed, passed)

    def test_the_cadre_login_passed_one_final_test_and_has_one_still_to_take(self):
        standings = {s.quiz: s for s in quiz_selectors.quizzes_for_cadre(cadre=self.login(), now=timezone.now())}
        final_tests = self.final_tests()
        self.assertTrue(standings[final_tests["first-secretary-duties"]].passed)
        self.assertEqual(standings[final_tests["rural-revitalisation-policy"]].attempts, [])
        self.assertEqual(standings[self.exam()].attempts, [])

    def test_quiz_pages_answer_200_for_the_cadre_and_the_trainer(self):
        final_tests, exam = self.final_tests(), self.exam()
        passed = Attempt.objects.get(cadre=self.login(), quiz=final_tests["first-secretary-duties"])
        pages = [
            ("cadre", reverse("quizzes:mine")),
            ("cadre", reverse("quizzes:detail", args=[exam.pk])),
            ("cadre", reverse("quizzes:detail", args=[final_tests["rural-revitalisation-policy"].pk])),
            ("cadre", reverse("quizzes:result", args=[passed.pk])),
            ("trainer", reverse("quiz_results:quiz", args=[exam.pk])),
            ("trainer", reverse("quiz_results:essays")),
        ]
        for username, url in pages:
            with self.subTest(username=username, url=url):
                self.client.force_login(get_user_model().objects.get(username=username))
                self.assertEqual(self.client.get(url).status_code, 200)

    # ------------------------------------------------------------------------ rotation training

    @staticmethod
    def programme() -> Programme:
        return Programme.objects.get(name=demo_rotations.programme_name(timezone.localdate().year))

    def batches(self) -> list[Batch]:
        return list(self.programme().batches.order_by("starts_on"))

    def test_a_second_run_adds_no_programme_batch_seat_or_mark(self):
        keys = (
            "programmes",
            "batches",
            "sessions",
            "seats",
            "schedule_runs",
            "notices",
            "unavailabilities",
            "leave_requests",
            "attendance",
        )
        for key in keys:
            with self.subTest(key=key):
                self.assertGreater(self.first_run[key], 0)
                self.assertEqual(self.first_run[key], self.second_run[key])

    def test_this_years_programme_for_the_countys_posted_cadres_is_published(self):
        programme = self.programme()
        self.assertEqual(programme.name, f"{timezone.localdate().year}年度驻村干部全员轮训")
        self.assertEqual(programme.unit.level, UnitLevel.COUNTY)
        self.assertEqual(
            set(programme.categories),
            {CadreCategory.FIRST_SECRETARY, CadreCategory.TEAM_LEADER, CadreCategory.TEAM_MEMBER},
        )
        self.assertIsNotNone(programme.published_at)

    def test_six_batches_of_five_days_with_the_first_under_way(self):
        batches, today = self.batches(), timezone.localdate()
        self.assertEqual(len(batches), 6)
        for batch in batches:
            with self.subTest(batch=batch.number):
                self.assertEqual((batch.ends_on - batch.starts_on).days, 4)
                self.assertEqual(batch.sessions.count(), 10)
        self.assertEqual([b for b in batches if b.starts_on <= today <= b.ends_on], batches[:1])
        self.assertEqual(batches[0].starts_on, today - timedelta(days=2))

    def test_the_schedulers_plan_keeps_capacity_and_unit_floors_and_explains_who_is_left_out(self):
        programme = self.programme()
        population = set(rotation_selectors.population(programme=programme).values_list("pk", flat=True))
        seats = list(Seat.objects.filter(programme=programme).select_related("cadre__unit"))
        run = ScheduleRun.objects.get(programme=programme)
        self.assertEqual(run.population, len(population))
        self.assertEqual(run.placed, len(seats))
        self.assertEqual({s.cadre_id for s in seats} | {u["cadre"] for u in run.unplaced}, population)
        self.assertTrue(all(u["reason"] for u in run.unplaced))
        for batch in self.batches():
            in_batch = [s for s in seats if s.batch_id == batch.pk]
            with self.subTest(batch=batch.number):
                self.assertLessEqual(len(in_batch), batch.capacity)
                sizes = rotation_selectors.unit_sizes(unit_ids={s.cadre.unit_id for s in in_batch})
                for unit_id, size in sizes.items():
                    away = sum(s.cadre.unit_id == unit_id for s in in_batch)
                    unit = next(s.cadre.unit for s in in_batch if s.cadre.unit_id == unit_id)
                    self.assertLessEqual(away, scheduler.spare(size, unit.min_on_duty))

    def test_the_cadre_login_has_a_hand_placed_seat_in_the_batch_under_way(self):
        seat = Seat.objects.get(cadre=self.login(), programme=self.programme())
        self.assertEqual(seat.batch, self.batches()[0])
        self.assertTrue(seat.locked)
        self.assertEqual(seat.placed_by, PlacedBy.HAND)

    def test_every_past_session_of_the_batch_under_way_has_a_mark_for_every_seat(self):
        batch = self.batches()[0]
        past = list(batch.sessions.filter(date__lt=timezone.localdate()))
        self.assertTrue(past)
        marks = set(Attendance.objects.filter(session__batch=batch).values_list("session_id", "cadre_id"))
        expected = {(session.pk, seat.cadre_id) for session in past for seat in batch.seats.all()}
        self.assertEqual(marks, expected)
        self.assertFalse(Attendance.objects.filter(session__date__gte=timezone.localdate()).exists())

    def test_the_cadres_rotation_page_shows_the_batch(self):
        self.client.force_login(self.login().user)
        response = self.client.get(reverse("rotations:mine"))
        self.assertContains(response, self.programme().name)
        first = self.batches()[0]
        self.assertContains(response, first.venue)
        self.assertContains(response, first.starts_on.strftime("%Y-%m-%d"))

    def test_the_login_s_special_class_has_ended_and_credits_its_hours_on_the_learning_record(self):
        login = self.login()
        seat = Seat.objects.select_related("credit_entry").get(
            cadre=login, programme__name=demo_rotations.special_class_name(timezone.localdate().year)
        )
        self.assertLess(seat.batch.ends_on, timezone.localdate())
        self.assertEqual(seat.credit_entry.hours, demo_rotations.SPECIAL_CREDIT_HOURS)
        self.client.force_login(login.user)
        response = self.client.get(reverse("records:mine"))
        record = response.context["record"]
        batch_hours = {t.source: t.hours for t in record.by_source}[CreditSource.BATCH]
        if seat.batch.ends_on.year == timezone.localdate().year:
            self.assertEqual(batch_hours, demo_rotations.SPECIAL_CREDIT_HOURS)
            self.assertContains(response, "data-seat-hours")

    def test_officer_and_trainer_rotation_pages_answer_200(self):
        programme = self.programme()
        pages = [
            ("county", reverse("rotations_programme_schedule", args=[programme.pk])),
            ("county", reverse("rotations_programme_units", args=[programme.pk])),
            ("trainer", reverse("rotations_batch_attendance", args=[self.batches()[0].pk])),
        ]
        for username, url in pages:
            with self.subTest(username=username, url=url):
                self.client.force_login(get_user_model().objects.get(username=username))
                self.assertEqual(self.client.get(url).status_code, 200)

    # ------------------------------------------------------------------------ induction training

    def test_the_county_has_an_induction_programme_with_a_batch_still_to_come(self):
        programme = Programme.objects.get(is_induction=True)
        self.assertEqual(programme.unit.level, UnitLevel.COUNTY)
        (batch,) = programme.batches.all()
        self.assertGreater(batch.starts_on, timezone.localdate())

    def test_a_recently_posted_cadre_was_placed_in_the_induction_batch_by_the_induction_route(self):
        from postings.models import Posting

        posting = Posting.objects.select_related("induction_seat__batch__programme").get(induction_seat__isnull=False)
        today = timezone.localdate()
        self.assertLessEqual((today - posting.starts_on).days, 30)
        seat = posting.induction_seat
        self.assertTrue(seat.batch.programme.is_induction)
        self.assertEqual(seat.cadre_id, posting.cadre_id)
        self.assertEqual(seat.placed_by, PlacedBy.HAND)
        self.assertLessEqual(seat.batch.ends_on, posting.induction_due_on)
