from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.test import TestCase

from courses.models import CourseProgress, CreditEntry, LessonProgress
from quizzes import grading, selectors, services
from quizzes.exceptions import AttemptFinished, BadAnswer, NoAttemptsLeft, NotYourAttempt, QuizNotAvailable
from quizzes.models import Answer, Attempt, AttemptStatus, QuestionCategory, QuizDraw
from tests.factories import CadreFactory, make_course, make_question, make_question_bank, make_quiz, unit_root

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


class QuizTestCase(TestCase):
    def setUp(self):
        self.unit = unit_root()
        self.cadre = CadreFactory(unit=self.unit)
        self.bank = make_question_bank()
        self.q1 = make_question(self.bank, correct=(1,))
        self.q2 = make_question(self.bank, kind="true_false", true_false=True, points=1)

    def option(self, question, index):
        return list(question.options.order_by("sort_order"))[index].pk


class AttemptStartTests(QuizTestCase):
    def test_starting_fixes_the_paper_and_the_deadline(self):
        quiz = make_quiz(self.q1, self.q2, time_limit_minutes=20)
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        self.assertEqual(attempt.question_ids, [self.q1.pk, self.q2.pk])
        self.assertEqual(attempt.deadline, T0 + timedelta(minutes=20))
        self.assertEqual((attempt.number, attempt.status), (1, AttemptStatus.IN_PROGRESS))

    def test_the_deadline_never_passes_the_close_time(self):
        quiz = make_quiz(self.q1, time_limit_minutes=60, closes_at=T0 + timedelta(minutes=10))
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        self.assertEqual(attempt.deadline, T0 + timedelta(minutes=10))

    def test_starting_again_resumes_the_open_attempt(self):
        quiz = make_quiz(self.q1)
        first = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        again = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0 + timedelta(minutes=5))
        self.assertEqual(first.pk, again.pk)

    def test_attempts_are_capped(self):
        quiz = make_quiz(self.q1, max_attempts=2)
        for _ in range(2):
            attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
            services.attempt_submit(attempt=attempt, cadre=self.cadre, now=T0)
        with self.assertRaises(NoAttemptsLeft) as caught:
            services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        self.assertEqual(str(caught.exception), services.NO_ATTEMPTS_LEFT.format(max_attempts=2))
        self.assertEqual(Attempt.objects.count(), 2)

    def test_an_unpublished_quiz_cannot_be_started(self):
        quiz = make_quiz(self.q1, is_published=False)
        with self.assertRaisesMessage(QuizNotAvailable, services.QUIZ_NOT_PUBLISHED):
            services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)

    def test_a_quiz_cannot_be_started_outside_its_window(self):
        quiz = make_quiz(self.q1, opens_at=T0 + timedelta(hours=1), closes_at=T0 + timedelta(hours=2))
        with self.assertRaisesMessage(QuizNotAvailable, services.QUIZ_NOT_OPEN_YET.format(opens_at="2026-05-01 11:00")):
            services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        with self.assertRaisesMessage(QuizNotAvailable, services.QUIZ_CLOSED.format(closes_at="2026-05-01 12:00")):
            services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0 + timedelta(hours=2))

    def test_a_quiz_without_questions_cannot_be_started(self):
        with self.assertRaisesMessage(QuizNotAvailable, services.QUIZ_HAS_NO_QUESTIONS):
            services.attempt_start(quiz=make_quiz(), cadre=self.cadre, now=T0)

    def test_random_draws_are_reproducible_from_the_stored_seed(self):
        category = QuestionCategory.objects.create(bank=self.bank, name="政策")
        for _ in range(12):
            make_question(self.bank, category=category)
        quiz = make_quiz(self.q1, shuffle_questions=True, shuffle_options=True, max_attempts=None)
        QuizDraw.objects.create(quiz=quiz, category=category, count=5)
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        self.assertEqual(len(attempt.paper), 6)
        rebuilt = services.paper_for(quiz=quiz, seed=attempt.seed)
        self.assertEqual([{"q": s.question, "o": s.options} for s in rebuilt], attempt.paper)

    def test_drawn_questions_come_with_their_options_in_order(self):
        category = QuestionCategory.objects.create(bank=self.bank, name="纪律")
        pool = [make_question(self.bank, category=category), self.q2]
        self.q2.category = category
        self.q2.save()
        quiz = make_quiz(self.q1, shuffle_questions=False, shuffle_options=False, max_attempts=None)
        QuizDraw.objects.create(quiz=quiz, category=category, count=2)

        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)

        by_question = {slot["q"]: slot["o"] for slot in attempt.paper}
        self.assertEqual(set(by_question), {self.q1.pk, *(q.pk for q in pool)})
        for question in (self.q1, *pool):
            expected = list(question.options.order_by("sort_order", "pk").values_list("pk", flat=True))
            self.assertEqual(by_question[question.pk], expected)
        self.assertEqual(by_question[self.q2.pk], [])

    def test_an_overdue_open_attempt_stays_graded_when_the_next_start_is_refused(self):
        quiz = make_quiz(self.q1, time_limit_minutes=10, closes_at=T0 + timedelta(hours=1), max_attempts=2)
        first = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        services.answer_save(
            attempt=first, cadre=self.cadre, question_id=self.q1.pk, value=self.option(self.q1, 1), now=T0
        )

        with self.assertRaises(QuizNotAvailable):
            services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0 + timedelta(hours=2))

        first.refresh_from_db()
        self.assertEqual((first.status, first.score), (AttemptStatus.TIMED_OUT, Decimal(1)))
        self.assertEqual(Attempt.objects.filter(cadre=self.cadre).count(), 1)

    def test_an_overdue_open_attempt_is_graded_before_the_next_one_starts(self):
        quiz = make_quiz(self.q1, time_limit_minutes=10, max_attempts=2)
        first = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)

        second = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0 + timedelta(hours=1))

        first.refresh_from_db()
        self.assertEqual(
            (first.status, second.number, second.status), (AttemptStatus.TIMED_OUT, 2, AttemptStatus.IN_PROGRESS)
        )


class AnswerSaveTests(QuizTestCase):
    def setUp(self):
        super().setUp()
        self.quiz = make_quiz(self.q1, self.q2, time_limit_minutes=10)
        self.attempt = services.attempt_start(quiz=self.quiz, cadre=self.cadre, now=T0)

    def save(self, question, value, revision=None, now=T0, cadre=None):
        return services.answer_save(
            attempt=self.attempt,
            cadre=cadre or self.cadre,
            question_id=question.pk,
            value=value,
            revision=revision,
            now=now,
        )

    def test_an_answer_is_saved_once_and_resaving_it_changes_nothing(self):
        self.assertTrue(self.save(self.q2, True, revision=1).saved)
        self.assertFalse(self.save(self.q2, True, revision=1).saved)
        self.assertEqual(Answer.objects.get(question=self.q2).value, True)

    def test_an_older_revision_arriving_late_is_ignored(self):
        self.save(self.q2, False, revision=5)
        self.assertFalse(self.save(self.q2, True, revision=4).saved)
        self.assertIs(Answer.objects.get(question=self.q2).value, False)

    def test_another_cadres_attempt_is_refused(self):
        with self.assertRaisesMessage(NotYourAttempt, services.NOT_YOUR_ATTEMPT):
            self.save(self.q2, True, cadre=CadreFactory(unit=self.unit))

    def test_a_question_outside_the_paper_is_refused(self):
        with self.assertRaisesMessage(BadAnswer, services.QUESTION_NOT_IN_ATTEMPT):
            self.save(make_question(self.bank), 1)

    def test_an_option_of_another_question_is_refused(self):
        with self.assertRaisesMessage(BadAnswer, grading.VALUE_NOT_AN_OPTION):
            self.save(self.q1, self.option(make_question(self.bank), 0))

    def test_saving_after_the_deadline_and_grace_closes_the_attempt(self):
        self.save(self.q2, True)
        late = T0 + timedelta(minutes=10) + services.SUBMIT_GRACE + timedelta(seconds=1)
        with self.assertRaisesMessage(AttemptFinished, services.ATTEMPT_ALREADY_FINISHED):
            self.save(self.q1, self.option(self.q1, 1), now=late)
        self.attempt.refresh_from_db()
        self.assertEqual((self.attempt.status, self.attempt.score), (AttemptStatus.TIMED_OUT, Decimal(1)))

    def test_saving_within_the_grace_is_accepted(self):
        self.assertTrue(self.save(self.q2, True, now=T0 + timedelta(minutes=10, seconds=20)).saved)

    def test_essay_text_is_stripped_of_markup(self):
        essay = make_question(self.bank, kind="essay", points=5)
        quiz = make_quiz(essay, title="心得")
        self.attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        self.save(essay, '<script>alert("x")</script><b onmouseover="x()">学习</b>心得')
        self.assertEqual(Answer.objects.get(question=essay).value, 'alert("x")学习心得')


class DuringAttemptFeedbackTests(QuizTestCase):
    def test_feedback_during_the_attempt_comes_with_the_save_and_locks_the_answer(self):
        quiz = make_quiz(self.q1, review_during_correctness=True, review_during_right_answer=True)
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        result = services.answer_save(
            attempt=attempt, cadre=self.cadre, question_id=self.q1.pk, value=self.option(self.q1, 0), now=T0
        )
        self.assertEqual((result.feedback.outcome, result.feedback.right_options), ("wrong", [self.option(self.q1, 1)]))
        with self.assertRaisesMessage(BadAnswer, services.ANSWER_ALREADY_CHECKED):
            services.answer_save(
                attempt=attempt, cadre=self.cadre, question_id=self.q1.pk, value=self.option(self.q1, 1), now=T0
            )

    def test_without_feedback_during_the_attempt_nothing_is_revealed(self):
        quiz = make_quiz(self.q1)
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        result = services.answer_save(
            attempt=attempt, cadre=self.cadre, question_id=self.q1.pk, value=self.option(self.q1, 0), now=T0
        )
        self.assertIsNone(result.feedback)
        self.assertEqual(Answer.objects.get(question=self.q1).outcome, "")


class AttemptSubmitTests(QuizTestCase):
    def setUp(self):
        super().setUp()
        self.quiz = make_quiz(self.q1, self.q2, time_limit_minutes=10, pass_percent=50)
        self.attempt = services.attempt_start(quiz=self.quiz, cadre=self.cadre, now=T0)

    def test_submitting_grades_every_question(self):
        services.attempt_submit(
            attempt=self.attempt, cadre=self.cadre, answers={self.q2.pk: "true"}, now=T0 + timedelta(minutes=3)
        )
        self.attempt.refresh_from_db()
        self.assertEqual(
            (
                self.attempt.status,
                self.attempt.score,
                self.attempt.max_score,
                self.attempt.percent,
                self.attempt.passed,
            ),
            (AttemptStatus.SUBMITTED, Decimal(1), Decimal(2), Decimal(50), True),
        )
        self.assertEqual(self.attempt.seconds_taken, 180)
        outcomes = dict(Answer.objects.values_list("question_id", "outcome"))
        self.assertEqual(outcomes, {self.q1.pk: "unanswered", self.q2.pk: "correct"})

    def test_a_double_submit_is_graded_once(self):
        stale = Attempt.objects.get(pk=self.attempt.pk)
        services.attempt_submit(attempt=self.attempt, cadre=self.cadre, answers={self.q2.pk: "true"}, now=T0)
        second = services.attempt_submit(
            attempt=stale, cadre=self.cadre, answers={self.q2.pk: "false"}, now=T0 + timedelta(seconds=1)
        )
        self.assertEqual((second.finished_at, second.score), (T0, Decimal(1)))
        self.assertEqual(Answer.objects.get(question=self.q2).value, True)
        self.assertEqual(Attempt.objects.filter(status=AttemptStatus.SUBMITTED).count(), 1)

    def test_a_late_submit_is_graded_on_what_was_saved_in_time(self):
        services.answer_save(attempt=self.attempt, cadre=self.cadre, question_id=self.q2.pk, value=True, now=T0)
        late = T0 + timedelta(minutes=15)
        attempt = services.attempt_submit(
            attempt=self.attempt, cadre=self.cadre, answers={self.q1.pk: self.option(self.q1, 1)}, now=late
        )
        self.assertEqual((attempt.status, attempt.score), (AttemptStatus.TIMED_OUT, Decimal(1)))
        self.assertEqual(attempt.finished_at, T0 + timedelta(minutes=10))

    def test_the_sweep_closes_attempts_whose_cadre_never_came_back(self):
        services.answer_save(attempt=self.attempt, cadre=self.cadre, question_id=self.q2.pk, value=True, now=T0)
        self.assertEqual(services.attempts_close_overdue(now=T0 + timedelta(minutes=10)), 0)
        self.assertEqual(services.attempts_close_overdue(now=T0 + timedelta(hours=3)), 1)
        self.attempt.refresh_from_db()
        self.assertEqual((self.attempt.status, self.attempt.passed), (AttemptStatus.TIMED_OUT, True))

    def test_another_cadre_cannot_submit(self):
        with self.assertRaisesMessage(NotYourAttempt, services.NOT_YOUR_ATTEMPT):
            services.attempt_submit(attempt=self.attempt, cadre=CadreFactory(unit=self.unit), now=T0)


class GradingMethodTests(QuizTestCase):
    def take(self, quiz, value, now):
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=now)
        return services.attempt_submit(attempt=attempt, cadre=self.cadre, answers={self.q2.pk: value}, now=now)

    def test_highest_keeps_a_pass_and_last_follows_the_latest(self):
        for method, expected in [("highest", True), ("last", False)]:
            quiz = make_quiz(self.q2, max_attempts=None, grading_method=method, title=method)
            self.take(quiz, "true", T0)
            self.take(quiz, "false", T0 + timedelta(hours=1))
            self.assertIs(selectors.quiz_standing(cadre=self.cadre, quiz=quiz).passed, expected)


class EssayGradeTests(QuizTestCase):
    def test_an_attempt_with_an_essay_passes_once_the_trainer_grades_it(self):
        essay = make_question(self.bank, kind="essay", points=4)
        quiz = make_quiz(self.q2, essay, pass_percent=80)
        attempt = services.attempt_start(quiz=quiz, cadre=self.cadre, now=T0)
        attempt = services.attempt_submit(
            attempt=attempt, cadre=self.cadre, answers={self.q2.pk: "true", essay.pk: "心得"}, now=T0
        )
        self.assertEqual((attempt.pending_grading, attempt.passed), (True, None))
        self.assertEqual(
            list(selectors.essay_queue(scope=selectors.Scope(path=None, everything=True))),
            [Answer.objects.get(question=essay)],
        )
        services.essay_grade(
            answer=Answer.objects.get(question=essay), grader=None, score=Decimal(3), comment="<i>好</i>", now=T0
        )
        attempt.refresh_from_db()
        self.assertEqual(
            (attempt.pending_grading, attempt.score, attempt.percent, attempt.passed),
            (False, Decimal(4), Decimal(80), True),
        )
        self.assertEqual(Answer.objects.get(question=essay).comment, "好")


class CompletionTests(QuizTestCase):
    def setUp(self):
        super().setUp()
        self.course = make_course(lessons=1, credit_hours=3)
        self.quiz = make_quiz(self.q2, course=self.course, max_attempts=3)
        lesson = self.course.lessons().get()
        LessonProgress.objects.create(cadre=self.cadre, lesson=lesson, completed_at=T0)

    def take(self, value, now=T0):
        attempt = services.attempt_start(quiz=self.quiz, cadre=self.cadre, now=now)
        return services.attempt_submit(attempt=attempt, cadre=self.cadre, answers={self.q2.pk: value}, now=now)

    def test_lessons_alone_do_not_complete_a_course_with_a_final_test(self):
        from courses.services import course_progress_refresh

        self.assertIsNone(course_progress_refresh(cadre=self.cadre, course=self.course, now=T0).completed_at)
        self.take("false")
        self.assertIsNone(CourseProgress.objects.get(cadre=self.cadre).completed_at)

    def test_passing_the_final_test_completes_the_course_and_awards_credit_once(self):
        self.take("true", now=T0 + timedelta(hours=1))
        self.take("true", now=T0 + timedelta(hours=2))
        progress = CourseProgress.objects.get(cadre=self.cadre, course=self.course)
        self.assertEqual(progress.completed_at, T0 + timedelta(hours=1))
        self.assertEqual(list(CreditEntry.objects.values_list("hours", "source")), [(Decimal("3.0"), "course")])

    def test_an_unpublished_final_test_does_not_block_completion(self):
        self.quiz.is_published = False
        self.quiz.save()
        self.assertTrue(selectors.final_quiz_passed(cadre=self.cadre, course=self.course))
