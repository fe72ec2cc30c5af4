"""Two requests racing on one attempt.

On PostgreSQL the services' row locks serialise them; on SQLite every write transaction
begins IMMEDIATE, so the second waits for the first. Either way one result must win.
"""

from django.test import TransactionTestCase

from quizzes import services
from quizzes.models import Answer, Attempt, AttemptStatus
from tests.concurrency import race
from tests.factories import CadreFactory, make_question, make_question_bank, make_quiz, unit_root


class ConcurrentAttemptTests(TransactionTestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.question = make_question(make_question_bank(), kind="true_false", true_false=True)
        self.quiz = make_quiz(self.question, max_attempts=1)

    def test_two_concurrent_submits_of_one_attempt_give_one_graded_result(self):
        attempt = services.attempt_start(quiz=self.quiz, cadre=self.cadre)

        def submit(value):
            return lambda: services.attempt_submit(
                attempt=Attempt.objects.get(pk=attempt.pk), cadre=self.cadre, answers={self.question.pk: value}
            )

        first, second = race(submit("true"), submit("false"))
        self.assertIsInstance(first, Attempt)
        self.assertIsInstance(second, Attempt)
        self.assertEqual((first.finished_at, first.score), (second.finished_at, second.score))
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, AttemptStatus.SUBMITTED)
        self.assertEqual(Answer.objects.filter(attempt=attempt).count(), 1)

    def test_two_concurrent_starts_create_one_attempt(self):
        def start():
            return services.attempt_start(quiz=self.quiz, cadre=self.cadre)

        first, second = race(start, start)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Attempt.objects.count(), 1)
