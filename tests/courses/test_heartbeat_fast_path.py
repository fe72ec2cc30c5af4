"""A beat that only adds study time skips the course recount, a start skips the summary recompute,
and every total still agrees with a rebuild."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

from django.test import TestCase

from courses import services
from courses.models import CourseProgress, LessonProgress, Requirement
from courses.study_time import BeatOutcome
from reports import summaries
from reports.models import CadreCourseSummary, CadreYearSummary
from reports.summaries import summaries_rebuild
from tests.factories import CadreFactory, make_course, unit_root

T0 = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)


def beat(cadre, lesson, seconds: int, tab: str = "t"):
    return services.heartbeat_record(cadre=cadre, lesson=lesson, tab=tab, now=T0 + timedelta(seconds=seconds))


class HeartbeatFastPathTests(TestCase):
    def setUp(self):
        unit = unit_root()
        self.cadre = CadreFactory(unit=unit)
        self.course = make_course(lessons=2, minutes=2, credit_hours=2)
        self.first, self.second = list(self.course.lessons())
        Requirement.objects.create(course=self.course, unit=unit, year=2026, due_date=date(2026, 12, 31))
        summaries_rebuild()

    def summary_rows(self) -> list[tuple]:
        return [
            *CadreCourseSummary.objects.order_by("pk").values_list(
                "cadre", "course", "year", "started", "seconds_studied"
            ),
            *CadreYearSummary.objects.values_list("cadre", "year", "required", "completed", "hours", "next_due"),
        ]

    def assert_summaries_equal_a_rebuild(self) -> None:
        incremental = self.summary_rows()
        summaries_rebuild()
        self.assertEqual(incremental, self.summary_rows())

    def summary_seconds(self) -> int:
        return CadreCourseSummary.objects.get(cadre=self.cadre, course=self.course).seconds_studied

    def test_a_plain_beat_adds_its_seconds_without_recounting_the_course(self):
        beat(self.cadre, self.first, 0)
        with mock.patch.object(services, "course_progress_refresh", wraps=services.course_progress_refresh) as spy:
            response = beat(self.cadre, self.first, 15)
        spy.assert_not_called()
        self.assertIs(response.outcome, BeatOutcome.CREDITED)
        progress = CourseProgress.objects.get(cadre=self.cadre, course=self.course)
        self.assertEqual((progress.seconds_studied, progress.last_studied_at), (15, T0 + timedelta(seconds=15)))
        self.assertEqual(self.summary_seconds(), 15)

    def test_a_first_beat_and_a_completing_beat_still_recount(self):
        with mock.patch.object(services, "course_progress_refresh", wraps=services.course_progress_refresh) as spy:
            beat(self.cadre, self.first, 0)
            self.assertEqual(spy.call_count, 1)
            for offset in range(15, 106, 15):
                beat(self.cadre, self.first, offset)
            self.assertEqual(spy.call_count, 1)  # 105 s of 120: nothing completed yet
            response = beat(self.cadre, self.first, 120)
        self.assertEqual(spy.call_count, 2)
        self.assertTrue(response.lesson_complete)
        self.assertEqual(CourseProgress.objects.get(cadre=self.cadre, course=self.course).lessons_completed, 1)

    def test_two_lessons_of_one_course_add_up_and_the_summary_equals_a_rebuild(self):
        beat(self.cadre, self.first, 0, tab="a")
        beat(self.cadre, self.second, 1, tab="b")
        for offset in range(15, 61, 15):
            beat(self.cadre, self.first, offset, tab="a")
            beat(self.cadre, self.second, offset + 1, tab="b")
        lessons = sum(LessonProgress.objects.filter(cadre=self.cadre).values_list("credited_seconds", flat=True))
        self.assertEqual(lessons, 120)
        self.assertEqual(CourseProgress.objects.get(cadre=self.cadre, course=self.course).seconds_studied, 120)
        incremental = self.summary_seconds()
        summaries_rebuild()
        self.assertEqual((incremental, self.summary_seconds()), (120, 120))

    def test_a_beat_in_a_completed_course_reports_it_complete(self):
        for lesson, start in ((self.first, 0), (self.second, 1000)):
            for offset in range(0, 121, 15):
                beat(self.cadre, lesson, start + offset)
        with mock.patch.object(services, "course_progress_refresh") as spy:
            response = beat(self.cadre, self.second, 1135)
        spy.assert_not_called()
        self.assertTrue(response.course_complete)
        self.assertEqual(response.credited_seconds, 135)

    def test_a_beat_without_a_course_progress_row_falls_back_to_the_recount(self):
        beat(self.cadre, self.first, 0)
        CourseProgress.objects.filter(cadre=self.cadre).delete()
        response = beat(self.cadre, self.first, 15)
        self.assertIs(response.outcome, BeatOutcome.CREDITED)
        progress = CourseProgress.objects.get(cadre=self.cadre, course=self.course)
        self.assertEqual((progress.seconds_studied, progress.lessons_total), (15, 2))

    def test_the_first_beat_in_a_course_marks_it_started_without_recomputing_the_summaries(self):
        with mock.patch.object(summaries, "summaries_refresh", wraps=summaries.summaries_refresh) as spy:
            response = beat(self.cadre, self.first, 0)
        spy.assert_not_called()
        self.assertIs(response.outcome, BeatOutcome.STARTED)
        self.assertTrue(CadreCourseSummary.objects.get(cadre=self.cadre, course=self.course).started)
        self.assert_summaries_equal_a_rebuild()

    def test_a_later_sessions_first_beat_recounts_the_course_without_recomputing_the_summaries(self):
        beat(self.cadre, self.first, 0)
        beat(self.cadre, self.first, 15)
        with (
            mock.patch.object(services, "course_progress_refresh", wraps=services.course_progress_refresh) as recount,
            mock.patch.object(summaries, "summaries_refresh", wraps=summaries.summaries_refresh) as recompute,
        ):
            response = beat(self.cadre, self.first, 15 + 3600)  # an hour later: a new session
        self.assertEqual((recount.call_count, recompute.call_count), (1, 0))
        self.assertEqual((response.outcome, response.credited_seconds), (BeatOutcome.STARTED, 15))
        progress = CourseProgress.objects.get(cadre=self.cadre, course=self.course)
        self.assertEqual((progress.seconds_studied, progress.last_studied_at), (15, T0 + timedelta(seconds=15)))
        self.assert_summaries_equal_a_rebuild()

    def test_a_later_sessions_first_beat_completes_a_course_whose_last_lesson_was_removed(self):
        for offset in range(0, 121, 15):
            beat(self.cadre, self.first, offset)
        self.second.delete()
        response = beat(self.cadre, self.first, 5000)
        self.assertTrue(response.course_complete)
        self.assertEqual(CadreYearSummary.objects.get(cadre=self.cadre, year=2026).completed, 1)
        self.assert_summaries_equal_a_rebuild()

    def test_completing_the_course_recomputes_the_summaries_with_its_credit(self):
        for offset in range(0, 121, 15):  # the first lesson done (120 s)
            beat(self.cadre, self.first, offset)
        for offset in range(1000, 1106, 15):  # 105 s of the second
            beat(self.cadre, self.second, offset)
        with mock.patch.object(summaries, "summaries_refresh", wraps=summaries.summaries_refresh) as spy:
            response = beat(self.cadre, self.second, 1120)
        spy.assert_called_once_with(cadre_ids=[self.cadre.pk])
        self.assertTrue(response.course_complete)
        year = CadreYearSummary.objects.get(cadre=self.cadre, year=2026)
        self.assertEqual((year.completed, year.hours), (1, 2))
        self.assert_summaries_equal_a_rebuild()
