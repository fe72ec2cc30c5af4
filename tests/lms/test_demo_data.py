from decimal import Decimal
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase
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
    LessonPage,
    LessonProgress,
    Requirement,
)
from lms.demo.names import id_check_char
from lms.demo.people import DEMO_PASSWORD
from lms.models import AnnouncementIndexPage, AnnouncementPage, HomePage

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

    def test_officers_are_bound_to_the_county_and_one_township(self):
        self.assertEqual(Officer.objects.get(user__username="county").unit.level, UnitLevel.COUNTY)
        self.assertEqual(Officer.objects.get(user__username="township").unit.level, UnitLevel.TOWNSHIP)

    def test_the_cadre_login_is_a_first_secretary_with_courses_done_and_one_overdue(self):
        cadre = Cadre.objects.get(user__username="cadre")
        learning = selectors.my_learning(cadre=cadre, today=timezone.localdate())
        self.assertEqual(cadre.category, CadreCategory.FIRST_SECRETARY)
        self.assertGreaterEqual(CourseProgress.objects.filter(cadre=cadre, completed_at__isnull=False).count(), 2)
        self.assertEqual(len(learning.overdue), 1)
        self.assertGreater(learning.hours_this_year, 0)

    def test_many_cadres_have_progress_and_the_credit_ledger_matches_it(self):
        completed = CourseProgress.objects.filter(completed_at__isnull=False).select_related("course")
        self.assertGreater(CourseProgress.objects.values("cadre").distinct().count(), 150)
        credits = {(e.cadre_id, e.course_id): e for e in CreditEntry.objects.all()}
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
