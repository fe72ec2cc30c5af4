"""A cadre on a phone takes a course's final test; passing it completes the course and earns the hours."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses.models import CourseProgress
from quizzes.models import Attempt
from tests.e2e import scenes
from tests.e2e.browser import axe_violations, log_in, screenshot, screenshot_at_both_sizes, scroll_width
from tests.factories import make_question, make_question_bank, make_quiz


@pytest.fixture
def final_test():
    """A required course whose one lesson the cadre has studied; only its final test is left."""
    scene = scenes.cadre_with_a_short_required_course(credit_hours=2)
    bank = make_question_bank()
    questions = [
        make_question(
            bank, stem="<p>乡村振兴的总要求共有几个方面？</p>", options=["三个", "五个", "七个"], correct=(1,)
        ),
        make_question(
            bank, stem="<p>驻村第一书记的任期一般为几年？</p>", options=["一年", "两年", "五年"], correct=(1,)
        ),
    ]
    quiz = make_quiz(*questions, title="防返贫动态监测结业测验", course=scene.course, display_mode="one_page")
    scenes.studied(scene.cadre, scene.lesson, seconds=60)
    return scene, quiz


class FinalTestTests:
    def test_passing_the_final_test_completes_the_course_and_adds_its_hours(self, live_server, phone, final_test):
        scene, quiz = final_test
        assert CourseProgress.objects.get(cadre=scene.cadre).completed_at is None
        phone.on("dialog", lambda dialog: dialog.accept())  # "Submit your answers?" confirmation
        log_in(phone, live_server.url, "cadre")

        phone.goto(live_server.url + "/me/quizzes/")
        phone.get_by_role("link", name=quiz.title).first.click()
        with phone.expect_navigation():
            phone.get_by_role("button", name="开始作答").click()
        phone.get_by_label("五个").check()
        phone.get_by_label("两年").check()
        expect(phone.locator("[data-answered-count]")).to_have_text("2")
        screenshot_at_both_sizes(phone, "quiz")
        assert scroll_width(phone) <= phone.viewport_size["width"]
        assert axe_violations(phone) == []
        with phone.expect_navigation():
            phone.get_by_role("button", name="交卷").click()

        expect(phone.locator(".result-summary .badge")).to_have_text("通过")
        expect(phone.locator(".result-summary .big-number")).to_contain_text("100%")
        screenshot(phone, "quiz-result")
        assert Attempt.objects.get(cadre=scene.cadre).passed

        phone.goto(live_server.url + "/me/")
        expect(phone.locator(".task", has_text=scene.course.title).locator(".badge")).to_have_text("已完成")
        expect(phone.locator(".hours .big-number")).to_contain_text("2")
