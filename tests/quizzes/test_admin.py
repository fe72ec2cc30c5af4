from django.test import TestCase
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from quizzes.models import Question
from tests.factories import make_question, make_question_bank, make_quiz, make_trainer


class AuthoringAdminTests(TestCase):
    def setUp(self):
        self.bank = make_question_bank()
        self.client.force_login(make_trainer())

    def question_form(self, *, options, kind="single"):
        return nested_form_data(
            {
                "bank": self.bank.pk,
                "category": "",
                "kind": kind,
                "points": "2",
                "difficulty": "2",
                "stem": rich_text("驻村工作队一般不少于几人？"),
                "options": inline_formset([{"text": text, "is_correct": right} for text, right in options]),
                "accepted_answers": "",
                "explanation": "",
                "tags": "",
            }
        )

    def test_a_trainer_opens_the_authoring_pages(self):
        quiz = make_quiz(make_question(self.bank))
        for url in [
            reverse("wagtailsnippets_quizzes_question:add"),
            reverse("wagtailsnippets_quizzes_quiz:add"),
            reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk]),
            reverse("wagtailsnippets_quizzes_questionbank:list"),
            reverse("quiz_results:index"),
        ]:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_a_trainer_adds_a_single_choice_question(self):
        response = self.client.post(
            reverse("wagtailsnippets_quizzes_question:add"),
            self.question_form(options=[("2人", False), ("3人", True)]),
        )
        self.assertEqual(response.status_code, 302)
        question = Question.objects.get()
        self.assertEqual(list(question.options.values_list("text", "is_correct")), [("2人", False), ("3人", True)])

    def test_a_single_choice_question_needs_exactly_one_right_option(self):
        response = self.client.post(
            reverse("wagtailsnippets_quizzes_question:add"),
            self.question_form(options=[("2人", True), ("3人", True)]),
        )
        self.assertContains(response, "A single-choice question needs exactly one correct option.")
        self.assertFalse(Question.objects.exists())
