"""The requests a whole county sends at once stay cheap: a heartbeat, an exam start, an answer
autosave and a submit. Their query counts are pinned here and do not grow with the size of the
course or the paper; benchmarks/load.py measures their latency under load.

Counts include the transaction statements (BEGIN/COMMIT, or SAVEPOINT/RELEASE inside a test).
"""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Answer, Attempt
from tests.factories import CadreFactory, make_course, make_question, make_question_bank, make_quiz, unit_root

pytestmark = pytest.mark.django_db

# user, cadre, lesson; the lesson's progress locked (with its course's id) and saved; the course's
# study time added (UPDATE … RETURNING); the summary row's study time; two transaction statements.
# No recount of the course's lessons: a beat that completes nothing takes the fast path.
CREDITED_HEARTBEAT_QUERIES = 9
# A cadre's first beat in a course: user, cadre, lesson; the lesson's progress looked for, inserted
# and locked, then saved; the course recounted (its progress row looked for and inserted in a
# savepoint, locked, the lessons listed and counted, saved) and the course summary row marked
# started; the transaction statements. No recompute of the cadre's summaries: a start moves no
# year figure and no rollup.
FIRST_HEARTBEAT_QUERIES = 21
# A later session's first beat, in a begun course: user, cadre, lesson; the progress row locked
# and saved; the course recounted (its progress row read and locked, the lessons listed and
# counted, saved) and the summary row's study time set; the transaction statements.
SESSION_START_HEARTBEAT_QUERIES = 16
# user, cadre, quiz; the cadre and its attempts locked, the paper's fixed questions with their options,
# the draws, the attempt inserted; two transaction statements.
EXAM_START_QUERIES = 10
# user, cadre, quiz; the cadre locked, its attempts locked; two transaction statements.
EXAM_RESUME_QUERIES = 7
# user, attempt (with quiz), cadre; the paper's questions with their options, its answers; the base
# template's unread notifications and the user's two permission reads.
EXAM_PAGE_QUERIES = 8
# user, cadre, attempt; the attempt locked, the question's kind, the answer read and written;
# two transaction statements.
AUTOSAVE_QUERIES = 9


@pytest.fixture(autouse=True)
def _sessions_in_the_cache(settings):
    """As in production with REDIS_URL: a request reads its session from the cache."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def cadre_client(client):
    cadre = CadreFactory(unit=unit_root())
    client.force_login(cadre.user)
    client.cadre = cadre
    return client


def post_json(client, url: str, payload: dict):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def exam(questions: int):
    bank = make_question_bank(name=f"题库{questions}")
    return make_quiz(*(make_question(bank) for _ in range(questions)), time_limit_minutes=30, max_attempts=1)


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(cadre=client.cadre, quiz=quiz)


class HeartbeatQueryTests:
    @pytest.mark.parametrize("lessons", [1, 8])
    def test_a_credited_heartbeat_costs_the_same_however_many_lessons(
        self, cadre_client, django_assert_num_queries, lessons
    ):
        lesson = make_course(lessons=lessons, minutes=60).lessons().first()
        url = reverse("lesson-heartbeat", args=[lesson.pk])
        begin = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=begin):
            assert post_json(cadre_client, url, {"tab": "t"}).json()["outcome"] == "started"

        with (
            mock.patch("django.utils.timezone.now", return_value=begin + timedelta(seconds=15)),
            django_assert_num_queries(CREDITED_HEARTBEAT_QUERIES),
        ):
            response = post_json(cadre_client, url, {"tab": "t"})

        assert response.json()["credited_seconds"] == 15

    @pytest.mark.parametrize("lessons", [1, 8])
    def test_the_first_beat_in_a_course_costs_the_same_however_many_lessons(
        self, cadre_client, django_assert_num_queries, lessons
    ):
        lesson = make_course(lessons=lessons, minutes=60).lessons().first()
        url = reverse("lesson-heartbeat", args=[lesson.pk])

        with django_assert_num_queries(FIRST_HEARTBEAT_QUERIES):
            response = post_json(cadre_client, url, {"tab": "t"})

        assert response.json()["outcome"] == "started"

    @pytest.mark.parametrize("lessons", [1, 8])
    def test_a_later_sessions_first_beat_costs_the_same_however_many_lessons(
        self, cadre_client, django_assert_num_queries, lessons
    ):
        lesson = make_course(lessons=lessons, minutes=60).lessons().first()
        url = reverse("lesson-heartbeat", args=[lesson.pk])
        yesterday = timezone.now() - timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=yesterday):
            post_json(cadre_client, url, {"tab": "t"})

        with django_assert_num_queries(SESSION_START_HEARTBEAT_QUERIES):
            response = post_json(cadre_client, url, {"tab": "t"})

        assert (response.json()["outcome"], response.json()["course_complete"]) == ("started", False)


class ExamQueryTests:
    @pytest.mark.parametrize("questions", [5, 20])
    def test_starting_an_exam_costs_the_same_however_long_the_paper(
        self, cadre_client, django_assert_num_queries, questions
    ):
        quiz = exam(questions)

        with django_assert_num_queries(EXAM_START_QUERIES):
            response = cadre_client.post(reverse("quizzes:start", args=[quiz.pk]))

        attempt = Attempt.objects.get(cadre=cadre_client.cadre)
        assert response.url == reverse("quizzes:attempt", args=[attempt.pk])
        assert len(attempt.paper) == questions

    def test_starting_again_returns_the_open_attempt_without_drawing_a_paper(
        self, cadre_client, django_assert_num_queries
    ):
        quiz = exam(10)
        first = start(cadre_client, quiz)

        with django_assert_num_queries(EXAM_RESUME_QUERIES):
            again = cadre_client.post(reverse("quizzes:start", args=[quiz.pk]))

        assert again.url == reverse("quizzes:attempt", args=[first.pk])
        assert Attempt.objects.filter(cadre=cadre_client.cadre).count() == 1

    @pytest.mark.parametrize("questions", [5, 20])
    def test_an_autosave_costs_the_same_however_long_the_paper(
        self, cadre_client, django_assert_num_queries, questions
    ):
        quiz = exam(questions)
        attempt = start(cadre_client, quiz)
        question = quiz.fixed_questions.first().question
        first, second = question.options.values_list("pk", flat=True)[:2]
        url = reverse("quizzes:api-answer", args=[attempt.pk])

        with django_assert_num_queries(AUTOSAVE_QUERIES):
            assert post_json(cadre_client, url, {"question": question.pk, "value": first}).json()["saved"]
        with django_assert_num_queries(AUTOSAVE_QUERIES):
            assert post_json(cadre_client, url, {"question": question.pk, "value": second}).json()["saved"]

        assert list(Answer.objects.filter(attempt=attempt).values_list("value", flat=True)) == [second]

    def test_the_exam_page_costs_the_same_however_long_the_paper(self, client):
        counts = []
        for questions in (5, 20):
            cadre = CadreFactory(unit=unit_root(code=f"P{questions}"))
            client.force_login(cadre.user)
            client.cadre = cadre
            attempt = start(client, exam(questions))
            url = reverse("quizzes:attempt", args=[attempt.pk])
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            assert response.content.decode().count('class="question"') == questions
            counts.append(len(queries))

        assert counts == [EXAM_PAGE_QUERIES, EXAM_PAGE_QUERIES]

    def test_a_submit_costs_the_same_however_long_the_paper(self, client):
        counts = []
        for questions in (5, 20):
            cadre = CadreFactory(unit=unit_root(code=f"U{questions}"))
            client.force_login(cadre.user)
            client.cadre = cadre
            attempt = start(client, exam(questions))
            with CaptureQueriesContext(connection) as queries:
                response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
            assert response.status_code == 302
            counts.append(len(queries))
            assert Answer.objects.filter(attempt=attempt).count() == questions

        assert counts[0] == counts[1]
