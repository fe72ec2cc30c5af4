from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.test import TestCase

from courses import completion, services
from courses.models import CourseProgress, CreditEntry, LessonPage, LessonProgress
from courses.study_time import BeatOutcome
from tests.factories import CadreFactory, make_course, unit_root

T0 = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)


def study(cadre, lesson, *, seconds: int, start: datetime = T0, tab: str = "tab-1", step: int = 15, positions=None):
    """Send beats every `step` seconds for `seconds`; returns the last response."""
    response = None
    for i, offset in enumerate(range(0, seconds + 1, step)):
        position = positions[i] if positions else None
        response = services.heartbeat_record(
            cadre=cadre, lesson=lesson, tab=tab, position=position, now=start + timedelta(seconds=offset)
        )
    return response


class HeartbeatRecordTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.course = make_course(lessons=2, minutes=1, credit_hours=3)
        self.first, self.second = list(self.course.lessons())

    def test_steady_beats_credit_the_studied_time(self):
        study(self.cadre, self.first, seconds=45)
        self.assertEqual(LessonProgress.objects.get(lesson=self.first).credited_seconds, 45)

    def test_an_idle_gap_between_beats_is_not_credited(self):
        services.heartbeat_record(cadre=self.cadre, lesson=self.first, tab="t", now=T0)
        services.heartbeat_record(cadre=self.cadre, lesson=self.first, tab="t", now=T0 + timedelta(seconds=15))
        services.heartbeat_record(cadre=self.cadre, lesson=self.first, tab="t", now=T0 + timedelta(minutes=30))
        self.assertEqual(LessonProgress.objects.get(lesson=self.first).credited_seconds, 15)

    def test_a_second_tab_earns_nothing_while_the_first_studies(self):
        for offset in range(0, 46, 15):
            services.heartbeat_record(cadre=self.cadre, lesson=self.first, tab="a", now=T0 + timedelta(seconds=offset))
            response = services.heartbeat_record(
                cadre=self.cadre, lesson=self.first, tab="b", now=T0 + timedelta(seconds=offset + 7)
            )
            if offset:
                self.assertIs(response.outcome, BeatOutcome.OTHER_TAB)
        self.assertEqual(LessonProgress.objects.get(lesson=self.first).credited_seconds, 45)

    def test_the_lesson_completes_once_its_minutes_are_credited(self):
        response = study(self.cadre, self.first, seconds=60)
        self.assertTrue(response.lesson_complete)
        self.assertEqual(LessonProgress.objects.get(lesson=self.first).completed_at, T0 + timedelta(seconds=60))

    def test_the_course_completes_when_every_lesson_is_complete_and_awards_its_hours(self):
        study(self.cadre, self.first, seconds=60)
        self.assertFalse(CourseProgress.objects.get(course=self.course).completed_at)
        response = study(self.cadre, self.second, seconds=60, start=T0 + timedelta(hours=1))
        self.assertTrue(response.course_complete)
        progress = CourseProgress.objects.get(course=self.course)
        self.assertEqual(progress.completed_at, T0 + timedelta(hours=1, seconds=60))
        self.assertEqual(progress.lessons_completed, 2)
        credit = CreditEntry.objects.get(cadre=self.cadre)
        self.assertEqual((credit.hours, credit.year, credit.source), (Decimal("3.0"), 2026, "course"))

    def test_completion_time_is_recorded_once_and_never_moves(self):
        study(self.cadre, self.first, seconds=60)
        study(self.cadre, self.second, seconds=60, start=T0 + timedelta(hours=1))
        completed_at = CourseProgress.objects.get(course=self.course).completed_at
        study(self.cadre, self.second, seconds=60, start=T0 + timedelta(days=3))
        services.course_progress_refresh(cadre=self.cadre, course=self.course, now=T0 + timedelta(days=9))
        self.assertEqual(CourseProgress.objects.get(course=self.course).completed_at, completed_at)
        self.assertEqual(CreditEntry.objects.filter(cadre=self.cadre).count(), 1)

    def test_course_progress_accumulates_study_seconds(self):
        study(self.cadre, self.first, seconds=30)
        study(self.cadre, self.second, seconds=30, start=T0 + timedelta(hours=1))
        self.assertEqual(CourseProgress.objects.get(course=self.course).seconds_studied, 60)

    def test_another_cadre_has_separate_progress(self):
        other = CadreFactory(unit=self.cadre.unit)
        study(self.cadre, self.first, seconds=60)
        services.heartbeat_record(cadre=other, lesson=self.first, tab="x", now=T0)
        self.assertEqual(LessonProgress.objects.get(cadre=other).credited_seconds, 0)
        self.assertIsNone(LessonProgress.objects.get(cadre=other).completed_at)


class VideoLessonTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.course = make_course(lessons=0)
        self.lesson = self.course.add_child(
            instance=LessonPage(
                title="视频课",
                minutes=99,
                body=[("video", {"video": None, "embed": None, "duration_seconds": 60, "caption": ""})],
            )
        )

    def test_video_length_is_taken_from_the_video_block(self):
        self.assertEqual(LessonPage.objects.get(pk=self.lesson.pk).video_seconds, 60)

    def test_watching_to_the_end_completes_a_video_lesson(self):
        response = study(self.cadre, self.lesson, seconds=60, positions=[0, 15, 30, 45, 58])
        self.assertTrue(response.lesson_complete)

    def test_seeking_to_the_end_does_not_complete_a_video_lesson(self):
        response = study(self.cadre, self.lesson, seconds=15, positions=[0, 59])
        self.assertFalse(response.lesson_complete)
        self.assertLess(LessonProgress.objects.get().furthest_position, 20)


class CompletionCheckTests(TestCase):
    def setUp(self):
        self.cadre = CadreFactory(unit=unit_root())
        self.course = make_course(lessons=1, minutes=1)
        self.gate_open = False

        def quiz_passed(*, cadre, course):
            return self.gate_open

        self.check = quiz_passed
        completion.register_completion_check(self.check)
        self.addCleanup(completion._checks.remove, self.check)

    def test_a_registered_check_holds_back_completion_until_it_passes(self):
        study(self.cadre, self.course.lessons().first(), seconds=60)
        self.assertIsNone(CourseProgress.objects.get().completed_at)
        self.gate_open = True
        services.course_progress_refresh(cadre=self.cadre, course=self.course, now=T0 + timedelta(hours=2))
        self.assertEqual(CourseProgress.objects.get().completed_at, T0 + timedelta(hours=2))
