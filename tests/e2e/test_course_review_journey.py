"""A course whose lesson is still a draft cannot go live: the reviewer is told which lesson, the trainer sees it too."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from courses.models import CoursePage, LessonPage
from lms.demo import site
from tests.e2e.browser import DESKTOP, PHONE, log_in, screenshot, scroll_width
from tests.factories import make_admin, make_trainer

COURSE_TITLE = "基层党建实务"
LESSON_TITLES = ("三会一课怎么开", "发展党员流程")


@pytest.fixture
def course_in_review():
    """The trainer submitted the course and its first lesson; the second lesson is still a draft."""
    home = site.ensure_home_page()
    index = site.ensure_course_index(home)
    notices = site.ensure_announcements(home, today=timezone.localdate())
    site.ensure_trainer_permissions(home)
    site.ensure_review_workflows(course_index=index, notices=notices)
    trainer = make_trainer(username="trainer")
    make_admin(username="admin")
    course = index.add_child(
        instance=CoursePage(title=COURSE_TITLE, summary="支部书记必备的组织生活实务。", live=False)
    )
    lessons = [
        course.add_child(instance=LessonPage(title=title, minutes=20, body=[("paragraph", "<p>正文</p>")], live=False))
        for title in LESSON_TITLES
    ]
    for page in (course, lessons[0]):
        page.save_revision(user=trainer)
        page.get_workflow().start(page, trainer)
    lessons[1].save_revision(user=trainer)
    return course, lessons


def open_footer_menu(page: Page) -> None:
    page.locator("footer .w-dropdown__toggle").click()


def approve_in_editor(page: Page, base_url: str, page_id: int) -> None:
    page.goto(f"{base_url}/admin/pages/{page_id}/edit/")
    open_footer_menu(page)
    with page.expect_navigation():
        page.locator("footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()


class CourseReviewJourneyTests:
    def test_a_course_with_a_draft_lesson_cannot_go_live_and_the_reviewer_sees_why(
        self, live_server, new_context, course_in_review
    ):
        course, lessons = course_in_review
        reviewer = new_context(viewport="desktop").new_page()
        log_in(reviewer, live_server.url, "admin")

        approve_in_editor(reviewer, live_server.url, course.pk)

        refusal = reviewer.locator(".messages .error")
        expect(refusal).to_contain_text(f"“{COURSE_TITLE}”还有以下课时未发布，不能上线")
        expect(refusal).to_contain_text("“三会一课怎么开”、“发展党员流程”")
        assert not CoursePage.objects.get(pk=course.pk).live
        for size in (DESKTOP, PHONE):
            reviewer.set_viewport_size(size)
            screenshot(reviewer, "course-review-refused", full_page=False)

        # The message links to each lesson: the reviewer approves the submitted one from there.
        reviewer.set_viewport_size(DESKTOP)
        with reviewer.expect_navigation():
            refusal.get_by_role("link", name=LESSON_TITLES[0]).click()
        assert reviewer.url.endswith(f"/admin/pages/{lessons[0].pk}/edit/")
        approve_in_editor(reviewer, live_server.url, lessons[0].pk)
        assert LessonPage.objects.get(pk=lessons[0].pk).live

        approve_in_editor(reviewer, live_server.url, course.pk)
        expect(reviewer.locator(".messages .error")).to_contain_text("“发展党员流程”")
        expect(reviewer.locator(".messages .error")).not_to_contain_text("三会一课怎么开")
        assert not CoursePage.objects.get(pk=course.pk).live

        cadre_view = new_context().new_page()
        cadre_view.goto(live_server.url + "/courses/")
        expect(cadre_view.get_by_text(COURSE_TITLE)).to_have_count(0)

    @pytest.mark.parametrize("viewport", ["desktop", "phone"])
    def test_the_trainer_sees_which_lessons_hold_the_course_back(
        self, live_server, new_context, course_in_review, viewport
    ):
        course, lessons = course_in_review
        trainer = new_context(viewport=viewport).new_page()
        log_in(trainer, live_server.url, "trainer")

        trainer.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")

        warning = trainer.locator(".messages .warning", has_text="以下课时")
        expect(warning).to_contain_text("以下课时尚未审核发布，学员看不到")
        expect(warning.get_by_role("link", name=LESSON_TITLES[1])).to_have_attribute(
            "href", f"/admin/pages/{lessons[1].pk}/edit/"
        )
        screenshot(trainer, "course-review-warning", full_page=False)
        assert scroll_width(trainer) <= trainer.viewport_size["width"] + 1
