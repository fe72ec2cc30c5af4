"""A trainer builds a final test in the Wagtail admin: a question bank, its questions, and the quiz using them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Question, QuestionBank, Quiz
from tests.e2e.browser import log_in, screenshot_at_both_sizes
from tests.factories import make_course, make_trainer

BANK = "乡村振兴应知应会"
COURSE = "防返贫动态监测"
SINGLE = "防返贫动态监测的对象主要包括哪几类户？"
TRUE_FALSE = "驻村第一书记任期一般为两年。"
QUIZ = "防返贫动态监测结业测验"


@pytest.fixture
def trainer():
    make_course(title=COURSE, lessons=1)
    return make_trainer(username="trainer")


def save(page: Page) -> None:
    with page.expect_navigation():
        page.locator("footer button[type=submit]").first.click()
    expect(page.locator(".messages .success")).to_be_visible()


def choose(page: Page, opener, title: str) -> None:
    """Open a chooser and pick `title` from its modal."""
    opener.click()
    modal = page.locator(".modal")
    modal.get_by_role("link", name=title).first.click()
    expect(modal).to_be_hidden()


def type_stem(page: Page, text: str) -> None:
    page.locator(".Draftail-Editor [contenteditable=true]").first.click()
    page.keyboard.type(text)
    # Draftail writes the editor's content into the field's hidden input once it settles.
    expect(page.locator("input[name=stem]")).to_have_value(re.compile(re.escape(text)))


class QuizAuthoringTests:
    def test_a_trainer_writes_a_bank_two_questions_and_a_final_test(self, live_server, new_context, trainer):
        page = new_context(viewport="desktop").new_page()
        log_in(page, live_server.url, "trainer")

        page.goto(f"{live_server.url}/admin/snippets/quizzes/questionbank/add/")
        page.fill("#id_name", BANK)
        page.fill("#id_description", "乡村振兴政策应知应会题目。")
        save(page)
        expect(page.get_by_role("link", name=BANK)).to_be_visible()

        page.goto(f"{live_server.url}/admin/snippets/quizzes/question/add/")
        choose(page, page.locator("#id_bank-chooser").get_by_role("button").first, BANK)
        type_stem(page, SINGLE)
        for index, option in enumerate(("监测户和边缘户", "五保户", "所有农户")):
            page.locator("#id_options-ADD").click()
            page.fill(f"#id_options-{index}-text", option)
        page.check("#id_options-0-is_correct")
        save(page)

        page.goto(f"{live_server.url}/admin/snippets/quizzes/question/add/")
        choose(page, page.locator("#id_bank-chooser").get_by_role("button").first, BANK)
        page.get_by_label("题型").select_option("true_false")
        type_stem(page, TRUE_FALSE)
        page.locator("#id_true_false_answer").select_option("true")
        save(page)
        assert QuestionBank.objects.get(name=BANK).questions.count() == 2

        page.goto(f"{live_server.url}/admin/snippets/quizzes/quiz/add/")
        page.fill("#id_title", QUIZ)
        page.fill("#id_instructions", "共两题，60 分及格。")
        choose(page, page.locator("#id_course-chooser").get_by_role("button").first, COURSE)
        page.check("#id_is_published")
        page.get_by_role("tab", name="试题").click()
        for number, stem in enumerate((SINGLE, TRUE_FALSE)):
            page.locator("#id_fixed_questions-ADD").click()
            chooser = page.locator(f"#id_fixed_questions-{number}-question-chooser")
            choose(page, chooser.get_by_role("button").first, stem[:20])
        screenshot_at_both_sizes(page, "admin-quiz-editor", full_page=False)
        save(page)

        quiz = Quiz.objects.get(title=QUIZ)
        assert quiz.course.title == COURSE
        assert quiz.is_published
        assert quiz.created_by.username == "trainer"
        stems = [fixed.question.stem for fixed in quiz.fixed_questions.order_by("sort_order")]
        assert [SINGLE in stems[0], TRUE_FALSE in stems[1]] == [True, True]
        single = Question.objects.get(stem__contains=SINGLE)
        assert list(single.options.values_list("text", "is_correct")) == [
            ("监测户和边缘户", True),
            ("五保户", False),
            ("所有农户", False),
        ]
        assert Question.objects.get(stem__contains=TRUE_FALSE).true_false_answer is True
