"""A cadre starts a final test with lessons left: asked first; the result marks each choice and offers a retake."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import LessonPage, LessonProgress
from quizzes.models import Attempt
from tests.e2e import scenes
from tests.e2e.browser import axe_violations, log_in, screenshot_at_both_sizes, scroll_width
from tests.factories import make_course, make_question, make_question_bank, make_quiz

# (stem, options, index of the right one, index the cadre picks)
QUESTIONS = [
    ("乡村振兴的总要求共有几个方面？", ["三个", "五个", "七个"], 1, 1),
    ("驻村第一书记的任期一般为几年？", ["一年", "两年", "五年"], 1, 0),
    ("“三会一课”中的“一课”指什么？", ["党课", "团课", "法治课"], 0, 0),
    ("防止返贫动态监测的对象包括哪类人群？", ["脱贫不稳定户", "城市低保户", "外来务工人员"], 0, 0),
    ("村级组织换届每几年进行一次？", ["三年", "五年", "十年"], 1, 1),
    ("驻村工作队一般每月驻村不少于几天？", ["十天", "二十天", "三十天"], 1, 2),
    ("乡村振兴促进法自哪一年起施行？", ["2019年", "2021年", "2023年"], 1, 1),
    ("村务公开的主要形式是什么？", ["公开栏", "私下告知", "不公开"], 0, 0),
]


@pytest.fixture
def final_test():
    """A four-lesson course; the cadre has finished the first lesson only. Three attempts, answers shown."""
    tree = scenes.units()
    cadre = scenes.cadre_in(tree.team)
    course = make_course(title="乡村治理实务", lessons=4, minutes=10, is_required=True)
    first = LessonPage.objects.child_of(course).order_by("path").first()
    LessonProgress.objects.create(cadre=cadre, lesson=first, credited_seconds=600, completed_at=timezone.now())
    bank = make_question_bank()
    questions = [make_question(bank, stem=f"<p>{s}</p>", options=o, correct=(r,)) for s, o, r, _ in QUESTIONS]
    quiz = make_quiz(
        *questions,
        title="乡村治理实务结业测验",
        course=course,
        display_mode="one_page",
        max_attempts=3,
        review_immediately_right_answer=True,
        review_immediately_explanation=True,
    )
    return cadre, quiz


class QuizStartAndResultTests:
    def test_starting_early_asks_first_and_the_result_marks_choices_with_a_retake(self, live_server, phone, final_test):
        cadre, quiz = final_test
        phone.on("dialog", lambda dialog: dialog.accept())  # "Submit your answers?"
        log_in(phone, live_server.url, "cadre")

        phone.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
        with phone.expect_navigation():
            phone.get_by_role("button", name="开始作答").click()

        expect(phone.locator("[data-start-warning]")).to_have_text(
            "你还有 3 个课时未完成，现在开始将消耗一次答题机会（剩余 2 次）。确定开始？"
        )
        assert not Attempt.objects.exists()
        screenshot_at_both_sizes(phone, "quiz-start-confirm")
        assert scroll_width(phone) <= phone.viewport_size["width"]
        assert axe_violations(phone) == []
        with phone.expect_navigation():
            phone.get_by_role("button", name="确定开始").click()
        assert Attempt.objects.filter(cadre=cadre).count() == 1

        for number, (_stem, _options, _right, picked) in enumerate(QUESTIONS):
            phone.locator("fieldset.question").nth(number).locator(".options li").nth(picked).locator("input").check()
        expect(phone.locator("[data-answered-count]")).to_have_text(str(len(QUESTIONS)))
        with phone.expect_navigation():
            phone.get_by_role("button", name="交卷").click()

        summary = phone.locator(".result-summary")
        expect(summary.locator(".big-number")).to_contain_text("75%")
        expect(summary.get_by_role("button", name="重新测验（还剩 2 次）")).to_be_visible()
        expect(phone.locator(".answer-tally")).to_have_text("答对 6 题，共 8 题")
        # The two wrong answers come first and open, each with the cadre's choice and the right answer.
        wrong = phone.locator("article > .result-question")
        expect(wrong).to_have_count(2)
        second = wrong.first
        expect(second.locator("li[data-chosen]")).to_contain_text("一年")
        expect(second.locator("li[data-chosen]")).to_contain_text("你的选择")
        expect(second.locator("li[data-right]")).to_contain_text("两年")
        expect(second.locator("li[data-right]")).to_contain_text("✓ 正确答案")
        expect(phone.locator("details.right-answers .result-question").first).to_be_hidden()
        height = phone.evaluate("document.scrollingElement.scrollHeight")
        assert height < 2200, f"the result page is {height} px tall on a phone"
        screenshot_at_both_sizes(phone, "quiz-result-marked")
        assert scroll_width(phone) <= phone.viewport_size["width"]
        assert axe_violations(phone) == []

        phone.locator("details.right-answers summary").click()
        expect(phone.locator("details.right-answers .result-question")).to_have_count(6)

        # The retake asks again (lessons are still left) and says what remains after it.
        with phone.expect_navigation():
            summary.get_by_role("button", name="重新测验（还剩 2 次）").click()
        expect(phone.locator("[data-start-warning]")).to_contain_text("（剩余 1 次）")
        assert Attempt.objects.filter(cadre=cadre).count() == 1
