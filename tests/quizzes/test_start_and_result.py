"""A final test started before the lessons are done asks first; the result page marks choices and offers a retake."""

import re

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import LessonPage, LessonProgress
from quizzes.models import Attempt
from tests.factories import CadreFactory, make_course, make_question, make_question_bank, make_quiz, unit_root

CONFIRM_TEXT = "你还有 3 个课时未完成，现在开始将消耗一次答题机会（剩余 2 次）。确定开始？"


def _complete(cadre, lessons) -> None:
    for lesson in lessons:
        LessonProgress.objects.create(cadre=cadre, lesson=lesson, completed_at=timezone.now())


class StartConfirmationTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.course = make_course(title="乡村治理", lessons=4)
        self.lessons = list(LessonPage.objects.child_of(self.course).order_by("path"))
        question = make_question(make_question_bank(), options=["甲", "乙"], correct=(0,))
        self.quiz = make_quiz(question, course=self.course, max_attempts=3)
        self.client.force_login(self.cadre.user)
        self.url = reverse("quizzes:start", args=[self.quiz.pk])

    def test_starting_after_one_of_four_lessons_shows_the_confirmation_and_spends_nothing(self):
        _complete(self.cadre, self.lessons[:1])

        with translation.override("zh-hans"):
            response = self.client.post(self.url, HTTP_ACCEPT_LANGUAGE="zh-hans")

        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "quizzes/attempt_confirm.html")
        self.assertContains(response, CONFIRM_TEXT)
        self.assertContains(response, 'name="confirmed" value="1"')
        self.assertFalse(Attempt.objects.exists())

    def test_the_message_counts_only_live_lessons(self):
        _complete(self.cadre, self.lessons[:1])
        LessonPage.objects.filter(pk=self.lessons[3].pk).update(live=False)

        with translation.override("en"):
            response = self.client.post(self.url, HTTP_ACCEPT_LANGUAGE="en")

        self.assertContains(
            response,
            "You have 2 lessons still to complete. Starting now will use one attempt (2 left after this one). "
            "Start now?",
        )

    def test_confirming_starts_one_attempt(self):
        response = self.client.post(self.url, {"confirmed": "1"})

        attempt = Attempt.objects.get(cadre=self.cadre)
        self.assertRedirects(response, reverse("quizzes:attempt", args=[attempt.pk]))

    def test_a_double_submitted_confirmation_creates_one_attempt(self):
        first = self.client.post(self.url, {"confirmed": "1"})
        second = self.client.post(self.url, {"confirmed": "1"})

        attempt = Attempt.objects.get(cadre=self.cadre)
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(first["Location"], reverse("quizzes:attempt", args=[attempt.pk]))

    def test_with_every_lesson_done_the_test_starts_at_once(self):
        _complete(self.cadre, self.lessons)

        response = self.client.post(self.url)

        attempt = Attempt.objects.get(cadre=self.cadre)
        self.assertRedirects(response, reverse("quizzes:attempt", args=[attempt.pk]))

    def test_an_open_attempt_is_resumed_without_asking(self):
        self.client.post(self.url, {"confirmed": "1"})

        response = self.client.post(self.url)

        attempt = Attempt.objects.get(cadre=self.cadre)
        self.assertRedirects(response, reverse("quizzes:attempt", args=[attempt.pk]))

    def test_unlimited_attempts_are_not_counted_in_the_question(self):
        self.quiz.max_attempts = None
        self.quiz.save()

        with translation.override("en"):
            response = self.client.post(self.url, HTTP_ACCEPT_LANGUAGE="en")

        self.assertContains(response, "You have 4 lessons still to complete. Start the final test now?")
        self.assertFalse(Attempt.objects.exists())

    def test_a_stand_alone_exam_never_asks(self):
        exam = make_quiz(make_question(make_question_bank(name="考试题库")), title="年度考试")

        response = self.client.post(reverse("quizzes:start", args=[exam.pk]))

        self.assertRedirects(response, reverse("quizzes:attempt", args=[Attempt.objects.get(quiz=exam).pk]))


class ResultPageTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        bank = make_question_bank()
        self.questions = [
            make_question(bank, stem="<p>第一题</p>", options=["甲", "乙", "丙"], correct=(1,)),
            make_question(bank, stem="<p>第二题</p>", options=["子", "丑"], correct=(0,)),
            make_question(bank, stem="<p>第三题</p>", kind="true_false", true_false=True),
        ]
        self.quiz = make_quiz(
            *self.questions,
            max_attempts=2,
            pass_percent=100,
            review_immediately_right_answer=True,
            review_later_right_answer=True,
        )
        self.client.force_login(self.cadre.user)

    def _take(self, answers: dict):
        self.client.post(reverse("quizzes:start", args=[self.quiz.pk]))
        attempt = Attempt.objects.get(cadre=self.cadre, status="in_progress")
        response = self.client.post(reverse("quizzes:submit", args=[attempt.pk]), answers, follow=True)
        return attempt, response.content.decode()

    def _option(self, question, index):
        return question.options.order_by("sort_order")[index].pk

    def _first_attempt(self):
        q1, q2, q3 = self.questions
        # Wrong on 1 (chose 甲, right is 乙), right on 2, wrong on 3 (said false).
        return self._take({f"q-{q1.pk}": self._option(q1, 0), f"q-{q2.pk}": self._option(q2, 0), f"q-{q3.pk}": "false"})

    def test_the_chosen_and_the_right_option_are_both_marked(self):
        _attempt, page = self._first_attempt()
        q1 = self.questions[0]

        section = page[page.index(f'data-question="{q1.pk}"') :]
        section = section[: section.index("</section>")]
        chosen = re.findall(
            r"<li class=\"[^\"]*\"( data-chosen)?( data-right)?>\s*<span class=\"option-label\">(\w)\.", section
        )
        self.assertEqual(chosen, [(" data-chosen", "", "A"), ("", " data-right", "B"), ("", "", "C")])
        self.assertIn("Your choice", section)
        self.assertIn("✓ Right answer", section)

    def test_wrong_answers_come_first_and_right_ones_are_folded(self):
        _attempt, page = self._first_attempt()
        q1, q2, q3 = self.questions

        folded = page[page.index('<details class="right-answers">') :]
        self.assertIn(f'data-question="{q2.pk}"', folded)
        self.assertLess(page.index(f'data-question="{q1.pk}"'), page.index('<details class="right-answers">'))
        self.assertLess(page.index(f'data-question="{q3.pk}"'), page.index('<details class="right-answers">'))
        self.assertIn("1 of 3 right", page)

    def test_a_true_false_answer_shows_the_choice_and_the_key(self):
        _attempt, page = self._first_attempt()
        q3 = self.questions[2]

        section = page[page.index(f'data-question="{q3.pk}"') :]
        section = section[: section.index("</section>")]
        marks = re.findall(
            r"<li class=\"[^\"]*\"( data-chosen)?( data-right)?>\s*<span class=\"option-text\">(\w+)<", section
        )
        self.assertEqual(marks, [("", " data-right", "True"), (" data-chosen", "", "False")])

    def test_the_retake_button_says_how_many_attempts_remain(self):
        _attempt, page = self._first_attempt()

        self.assertIn("Take the test again (1 left)", page)
        self.assertIn(f'action="{reverse("quizzes:start", args=[self.quiz.pk])}"', page)

    def test_no_retake_is_offered_once_the_attempts_are_used(self):
        self._first_attempt()
        _attempt, page = self._first_attempt()

        self.assertNotIn("Take the test again", page)

    def test_the_right_answers_stay_hidden_when_the_quiz_does_not_show_them(self):
        self.quiz.review_immediately_right_answer = False  # as by default
        self.quiz.review_later_right_answer = False
        self.quiz.save()

        _attempt, page = self._first_attempt()

        self.assertNotIn("data-right", page)
        self.assertNotIn("✓", page)
        self.assertIn("Your choice", page)

    def test_the_result_page_makes_the_same_number_of_queries_for_few_and_many_questions(self):
        attempt, _page = self._first_attempt()
        url = reverse("quizzes:result", args=[attempt.pk])
        self.client.get(url)  # warm the session and the content type cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        bank = make_question_bank(name="大题库")
        many = [make_question(bank, options=["甲", "乙"], correct=(0,)) for _ in range(12)]
        big = make_quiz(*many, title="大测验", max_attempts=2)
        self.client.post(reverse("quizzes:start", args=[big.pk]))
        big_attempt = Attempt.objects.get(quiz=big)
        self.client.post(reverse("quizzes:submit", args=[big_attempt.pk]), {})
        big_url = reverse("quizzes:result", args=[big_attempt.pk])
        self.client.get(big_url)
        with CaptureQueriesContext(connection) as lots:
            self.client.get(big_url)
        self.assertEqual(len(few), len(lots))
