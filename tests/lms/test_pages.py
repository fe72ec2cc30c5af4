"""The page tree: which page types live where, that each renders, and that rich text is bleached."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CourseIndexPage, CoursePage, LessonPage
from lms.models import AnnouncementIndexPage, AnnouncementPage, HomePage
from tests.factories import CadreFactory, course_index, home_page, make_admin, make_course, unit_root


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage, AnnouncementIndexPage})

    def test_courses_hold_lessons_and_lessons_hold_nothing(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_announcements(self):
        self.assertAllowedParentPageTypes(AnnouncementIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(AnnouncementIndexPage, {AnnouncementPage})
        self.assertAllowedSubpageTypes(AnnouncementPage, set())

    def test_there_is_one_catalogue(self):
        home = course_index().get_parent().specific
        assert not CourseIndexPage.can_create_at(home)

    def test_every_page_type_renders(self):
        course = make_course(lessons=1)
        notices = home_page().add_child(instance=AnnouncementIndexPage(title="通知公告", slug="notices"))
        notice = notices.add_child(instance=AnnouncementPage(title="通知", body="<p>正文</p>"))
        for page in (home_page(), course_index(), course, notices, notice):
            self.assertPageIsRenderable(page)
        cadre = CadreFactory(unit=unit_root())
        self.assertPageIsRenderable(course.lessons().first(), user=cadre.user)

    def test_a_lesson_can_be_created_in_the_admin_and_scripts_are_stripped(self):
        course = make_course(lessons=0)
        self.client.force_login(make_admin())
        self.assertCanCreate(
            course,
            LessonPage,
            nested_form_data(
                {
                    "title": "新的一讲",
                    "slug": "new-lesson",
                    "minutes": 12,
                    "body": streamfield([("paragraph", rich_text("<p>好好学习<script>alert(1)</script></p>"))]),
                }
            ),
        )
        lesson = LessonPage.objects.get(slug="new-lesson")
        html = str(lesson.body[0].value)
        assert "好好学习" in html and "<script" not in html
        assert "好好学习" in lesson.search_text

    def test_announcement_body_is_bleached_on_save(self):
        notices = home_page().add_child(instance=AnnouncementIndexPage(title="通知公告", slug="notices"))
        notice = notices.add_child(
            instance=AnnouncementPage(
                title="通知",
                body='<p onclick="steal()">请参加<script>x()</script><a href="javascript:x()">链接</a></p>',
            )
        )
        notice.refresh_from_db()
        assert "onclick" not in notice.body
        assert "<script" not in notice.body
        assert "javascript:" not in notice.body
        assert "请参加" in notice.body
