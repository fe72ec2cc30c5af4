"""A trainer writes a course in the Wagtail admin; it reaches cadres only after an administrator approves it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from courses.models import CoursePage, LessonPage
from lms.demo import site
from tests.e2e import scenes
from tests.e2e.browser import log_in, screenshot
from tests.factories import make_admin, make_trainer

COURSE_TITLE = "基层党建实务"
LESSON_TITLE = "三会一课怎么开"
LESSON_TEXT = "三会一课是党的组织生活的基本制度。"


@pytest.fixture
def catalogue():
    """The demo's course catalogue with its 课程审核 review workflow, a trainer and an administrator."""
    home = site.ensure_home_page()
    index = site.ensure_course_index(home)
    notices = site.ensure_announcements(home, today=scenes.timezone.localdate())
    site.ensure_trainer_permissions(home)
    site.ensure_review_workflows(course_index=index, notices=notices)
    make_trainer(username="trainer")
    make_admin(username="admin")
    return index


def page_id_from_editor(page: Page) -> int:
    return int(re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1))


def give_title(page: Page, title: str) -> None:
    """Type the title and leave the field, as an editor does; the admin then derives the page's slug."""
    page.fill("#id_title", title)
    page.press("#id_title", "Tab")
    expect(page.locator("#id_slug")).not_to_have_value("")


def submit_for_review(page: Page) -> None:
    """Open the editor's footer menu and submit the page to its workflow."""
    page.locator("footer .w-dropdown__toggle").click()
    with page.expect_navigation():
        page.locator("footer button[name=action-submit]").click()


def approve(page: Page, base_url: str, page_id: int) -> None:
    """As a reviewer, approve a page from its editor (the workflow's approve action publishes it)."""
    page.goto(f"{base_url}/admin/pages/{page_id}/edit/")
    page.locator("footer .w-dropdown__toggle").click()
    with page.expect_navigation():
        page.locator("footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()


class TrainerCourseTests:
    def test_a_course_written_by_a_trainer_goes_live_after_review(self, live_server, new_context, catalogue):
        trainer = new_context(viewport="desktop").new_page()
        log_in(trainer, live_server.url, "trainer")
        assert trainer.url.endswith("/admin/")

        trainer.goto(f"{live_server.url}/admin/pages/add/courses/coursepage/{catalogue.pk}/")
        give_title(trainer, COURSE_TITLE)
        trainer.fill("#id_summary", "支部书记必备的组织生活与党员管理实务。")
        trainer.fill("#id_credit_hours", "3")
        with trainer.expect_navigation():
            trainer.locator("footer button.action-save").click()
        course_id = page_id_from_editor(trainer)

        trainer.goto(f"{live_server.url}/admin/pages/add/courses/lessonpage/{course_id}/")
        give_title(trainer, LESSON_TITLE)
        trainer.fill("#id_minutes", "20")
        trainer.locator(".c-sf-add-button").first.click()
        trainer.get_by_role("option", name="图文").click()
        trainer.locator(".Draftail-Editor [contenteditable=true]").first.click()
        trainer.keyboard.type(LESSON_TEXT)
        # Draftail writes the editor's content into the block's hidden input once it settles.
        expect(trainer.locator("input[name='body-0-value']")).to_have_value(re.compile(LESSON_TEXT))
        screenshot(trainer, "admin-lesson-editor", full_page=False)
        submit_for_review(trainer)
        expect(trainer.locator(".messages .success")).to_be_visible()
        lesson_id = LessonPage.objects.get(title=LESSON_TITLE).pk

        trainer.goto(f"{live_server.url}/admin/pages/{course_id}/edit/")
        submit_for_review(trainer)
        assert not CoursePage.objects.get(pk=course_id).live
        assert not LessonPage.objects.get(pk=lesson_id).live

        cadre_view = new_context().new_page()
        cadre_view.goto(live_server.url + "/courses/")
        expect(cadre_view.get_by_text(COURSE_TITLE)).to_have_count(0)

        reviewer = new_context(viewport="desktop").new_page()
        log_in(reviewer, live_server.url, "admin")
        expect(reviewer.get_by_role("link", name=COURSE_TITLE).first).to_be_visible()
        screenshot(reviewer, "admin-dashboard", full_page=False)
        # Lessons first: a course cannot go live while one of its lessons is a draft.
        approve(reviewer, live_server.url, lesson_id)
        approve(reviewer, live_server.url, course_id)

        cadre_view.goto(live_server.url + "/courses/")
        cadre_view.get_by_role("link", name=COURSE_TITLE).click()
        cadre_view.get_by_role("link", name=LESSON_TITLE).click()
        assert "/accounts/login/" in cadre_view.url  # lessons are for logged-in cadres
        assert LessonPage.objects.get(pk=lesson_id).live
        assert LESSON_TEXT in str(LessonPage.objects.get(pk=lesson_id).body)
