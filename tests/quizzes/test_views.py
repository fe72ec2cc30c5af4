import io
import json
import re
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from quizzes import services
from quizzes.models import Answer, Attempt, AttemptStatus
from tests.factories import (
    CadreFactory,
    make_officer,
    make_question,
    make_question_bank,
    make_quiz,
    make_trainer,
    unit_child,
    unit_root,
)

SECRET_EXPLANATION = "解析：只在复核时显示"
SECRET_FILL_IN = "秘密答案甲乙"


def json_post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


class CadrePagesTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        bank = make_question_bank()
        self.single = make_question(
            bank, options=["选项一", "选项二", "选项三"], correct=(1,), explanation=SECRET_EXPLANATION
        )
        self.multiple = make_question(
            bank, kind="multiple", options=["子", "丑", "寅"], correct=(0, 2), explanation=SECRET_EXPLANATION
        )
        self.tf = make_question(bank, kind="true_false", true_false=False, explanation=SECRET_EXPLANATION)
        self.fill = make_question(bank, kind="fill_in", accepted=SECRET_FILL_IN, explanation=SECRET_EXPLANATION)
        self.quiz = make_quiz(
            self.single,
            self.multiple,
            self.tf,
            self.fill,
            time_limit_minutes=30,
            closes_at=timezone.now() + timedelta(days=1),
        )
        self.client.force_login(self.cadre.user)

    def start(self):
        response = self.client.post(reverse("quizzes:start", args=[self.quiz.pk]))
        attempt = Attempt.objects.get(cadre=self.cadre)
        self.assertRedirects(response, reverse("quizzes:attempt", args=[attempt.pk]))
        return attempt

    def assert_no_key(self, text: str):
        self.assertNotIn(SECRET_EXPLANATION, text)
        self.assertNotIn(SECRET_FILL_IN, text)
        self.assertNotIn("is_correct", text)
        self.assertNotIn("right_answer", text)
        self.assertNotIn('class="right"', text)
        self.assertNotIn("✓", text)

    def test_the_start_page_shows_the_rules(self):
        response = self.client.get(reverse("quizzes:detail", args=[self.quiz.pk]))
        self.assertContains(response, "30")
        self.assertContains(response, reverse("quizzes:start", args=[self.quiz.pk]))

    def test_the_quiz_page_never_contains_the_answer_key(self):
        attempt = self.start()
        response = self.client.get(reverse("quizzes:attempt", args=[attempt.pk]))
        html = response.content.decode()
        self.assertContains(response, "选项一")
        self.assert_no_key(html)
        # Right and wrong options render identically apart from their id and text.
        options = re.findall(r"<li>\s*<label>.*?</label></li>", html, flags=re.S)
        shapes = {re.sub(r'value="\d+"|<span class="option-(label|text)">.*?</span>', "", o) for o in options[:3]}
        self.assertEqual(len(shapes), 1)

    def test_autosave_and_status_responses_never_contain_the_answer_key(self):
        attempt = self.start()
        url = reverse("quizzes:api-answer", args=[attempt.pk])
        wrong = json_post(self.client, url, {"question": self.fill.pk, "value": "不对", "revision": 1})
        self.assertEqual(wrong.status_code, 200)
        self.assertEqual(wrong.json()["feedback"], None)
        status = self.client.get(reverse("quizzes:api-status", args=[attempt.pk]))
        for response in (wrong, status):
            self.assert_no_key(response.content.decode())

    def test_autosaved_answers_come_back_when_the_page_is_reopened(self):
        attempt = self.start()
        url = reverse("quizzes:api-answer", args=[attempt.pk])
        json_post(self.client, url, {"question": self.fill.pk, "value": "我的答案", "revision": 1})
        self.assertContains(self.client.get(reverse("quizzes:attempt", args=[attempt.pk])), 'value="我的答案"')

    def test_a_bad_autosave_is_refused_with_its_message(self):
        attempt = self.start()
        url = reverse("quizzes:api-answer", args=[attempt.pk])
        response = json_post(self.client, url, {"question": self.tf.pk, "value": "maybe"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "This answer does not fit the question type.")

    def test_another_cadres_attempt_is_forbidden_everywhere(self):
        attempt = self.start()
        self.client.force_login(CadreFactory(unit=self.cadre.unit).user)
        for name in ("quizzes:attempt", "quizzes:result", "quizzes:api-status"):
            self.assertEqual(self.client.get(reverse(name, args=[attempt.pk])).status_code, 403, name)
        self.assertEqual(self.client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code, 403)
        response = json_post(
            self.client, reverse("quizzes:api-answer", args=[attempt.pk]), {"question": self.tf.pk, "value": True}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Answer.objects.count(), 0)

    def test_submitting_the_form_grades_and_shows_the_result(self):
        attempt = self.start()
        single_right = self.single.options.get(is_correct=True).pk
        multiple_right = list(self.multiple.options.filter(is_correct=True).values_list("pk", flat=True))
        response = self.client.post(
            reverse("quizzes:submit", args=[attempt.pk]),
            {
                f"q-{self.single.pk}": single_right,
                f"present-{self.multiple.pk}": "1",
                f"q-{self.multiple.pk}": multiple_right,
                f"q-{self.tf.pk}": "false",
                f"q-{self.fill.pk}": "秘密答案甲乙",
            },
        )
        self.assertRedirects(response, reverse("quizzes:result", args=[attempt.pk]))
        attempt.refresh_from_db()
        self.assertEqual((attempt.status, attempt.percent), (AttemptStatus.SUBMITTED, Decimal(100)))

    def test_the_result_page_reveals_only_what_the_review_options_allow(self):
        attempt = self.start()
        self.client.post(reverse("quizzes:submit", args=[attempt.pk]), {f"q-{self.tf.pk}": "false"})
        result = self.client.get(reverse("quizzes:result", args=[attempt.pk]))
        self.assertContains(result, "25%")
        self.assert_no_key(result.content.decode())

        self.quiz.review_immediately_right_answer = True
        self.quiz.review_immediately_explanation = True
        self.quiz.save()
        result = self.client.get(reverse("quizzes:result", args=[attempt.pk]))
        self.assertContains(result, SECRET_EXPLANATION)
        self.assertContains(result, SECRET_FILL_IN)

    def test_a_stem_with_a_script_is_rendered_inert(self):
        attack = make_question(
            make_question_bank(name="xss"),
            kind="true_false",
            true_false=True,
            stem='<p>题<script>alert(1)</script><img src=x onerror="alert(2)"></p>',
        )
        self.quiz = make_quiz(attack, title="xss")
        attempt = self.start()
        html = self.client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("onerror", html)

    def test_an_essay_with_markup_is_shown_as_text(self):
        essay = make_question(make_question_bank(name="essays"), kind="essay", points=5)
        self.quiz = make_quiz(essay, title="心得", review_immediately_score=True)
        attempt = self.start()
        self.client.post(
            reverse("quizzes:submit", args=[attempt.pk]), {f"q-{essay.pk}": "<img src=x onerror=alert(1)>心得"}
        )
        html = self.client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
        self.assertNotIn("<img src=x", html)
        self.assertIn("心得", html)

    def test_my_quizzes_lists_open_quizzes_and_history(self):
        attempt = self.start()
        response = self.client.get(reverse("quizzes:mine"))
        self.assertContains(response, self.quiz.title)
        self.assertContains(response, reverse("quizzes:attempt", args=[attempt.pk]))


class ResultsAdminTests(TestCase):
    def setUp(self):
        self.root = unit_root()
        self.east = unit_child(self.root, code="E", name="东乡")
        self.west = unit_child(self.root, code="W", name="西乡")
        self.question = make_question(make_question_bank(), kind="true_false", true_false=True)
        self.quiz = make_quiz(self.question, max_attempts=None)

    def finish(self, cadre, value="true"):
        attempt = services.attempt_start(quiz=self.quiz, cadre=cadre)
        return services.attempt_submit(attempt=attempt, cadre=cadre, answers={self.question.pk: value})

    def url(self, **query):
        url = reverse("quiz_results:quiz", args=[self.quiz.pk])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def test_an_officer_sees_their_subtree_only(self):
        self.finish(CadreFactory(unit=self.east, name="东乡干部"))
        self.finish(CadreFactory(unit=self.west, name="西乡干部"))
        self.client.force_login(make_officer(self.east))
        response = self.client.get(self.url())
        self.assertContains(response, "东乡干部")
        self.assertNotContains(response, "西乡干部")

    def test_a_trainer_sees_everyone(self):
        self.finish(CadreFactory(unit=self.east, name="东乡干部"))
        self.finish(CadreFactory(unit=self.west, name="西乡干部"))
        self.client.force_login(make_trainer())
        response = self.client.get(self.url())
        self.assertContains(response, "东乡干部")
        self.assertContains(response, "西乡干部")

    def test_a_cadre_cannot_see_results(self):
        self.finish(CadreFactory(unit=self.east, name="东乡干部"))
        self.client.force_login(CadreFactory(unit=self.east).user)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertNotContains(response, "东乡干部", status_code=302)

    def test_the_export_is_scoped_and_neutralises_formulas(self):
        self.finish(CadreFactory(unit=self.east, name='=HYPERLINK("http://x")'))
        self.finish(CadreFactory(unit=self.west, name="西乡干部"))
        self.client.force_login(make_officer(self.east))
        response = self.client.get(self.url(export="xlsx"))
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], '\'=HYPERLINK("http://x")')

    def test_the_results_page_makes_the_same_queries_for_5_or_50_attempts(self):
        trainer = make_trainer()
        self.client.force_login(trainer)
        cadres = [CadreFactory(unit=self.east) for _ in range(50)]
        for cadre in cadres[:5]:
            self.finish(cadre)
        self.client.get(self.url())  # warm caches (content types, permissions)
        with CaptureQueriesContext(connection) as five:
            self.assertEqual(self.client.get(self.url()).status_code, 200)
        for cadre in cadres[5:]:
            self.finish(cadre, value="false")
        with self.assertNumQueries(len(five)):
            response = self.client.get(self.url())
        self.assertContains(response, "10%")

    def test_a_trainer_grades_an_essay_from_the_queue(self):
        essay = make_question(make_question_bank(name="心得题库"), kind="essay", points=10)
        quiz = make_quiz(essay, title="心得")
        cadre = CadreFactory(unit=self.east)
        attempt = services.attempt_start(quiz=quiz, cadre=cadre)
        services.attempt_submit(attempt=attempt, cadre=cadre, answers={essay.pk: "学习心得"})
        answer = Answer.objects.get(question=essay)
        self.client.force_login(make_trainer())
        self.assertContains(
            self.client.get(reverse("quiz_results:essays")), reverse("quiz_results:grade", args=[answer.pk])
        )
        response = self.client.post(reverse("quiz_results:grade", args=[answer.pk]), {"score": "7", "comment": "好"})
        self.assertRedirects(response, reverse("quiz_results:essays"))
        attempt.refresh_from_db()
        self.assertEqual((attempt.score, attempt.pending_grading), (Decimal(7), False))

    def test_an_officer_cannot_grade_an_essay_outside_their_subtree(self):
        essay = make_question(make_question_bank(name="心得题库"), kind="essay", points=10)
        quiz = make_quiz(essay, title="心得")
        cadre = CadreFactory(unit=self.west)
        services.attempt_submit(
            attempt=services.attempt_start(quiz=quiz, cadre=cadre), cadre=cadre, answers={essay.pk: "学习心得"}
        )
        officer = make_officer(self.east)
        officer.user_permissions.add(Permission.objects.get(codename="grade_essays"))
        self.client.force_login(officer)
        answer = Answer.objects.get(question=essay)
        url = reverse("quiz_results:grade", args=[answer.pk])
        # Wagtail's admin turns PermissionDenied into a redirect to the dashboard with a message.
        self.assertRedirects(self.client.get(url), reverse("wagtailadmin_home"), fetch_redirect_response=False)
        self.client.post(url, {"score": "10"})
        self.assertEqual(Answer.objects.get(pk=answer.pk).outcome, "pending")
