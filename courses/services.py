"""Every write about study: heartbeats, lesson and course completion, credit hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre
from courses import completion, crediting, study_time
from courses.models import CoursePage, CourseProgress, CreditEntry, CreditSource, LessonPage, LessonProgress


@dataclass(frozen=True)
class HeartbeatResponse:
    outcome: study_time.BeatOutcome
    credited_seconds: int
    furthest_position: float
    lesson_complete: bool
    course_complete: bool


@transaction.atomic
def heartbeat_record(
    *, cadre: Cadre, lesson: LessonPage, tab: str, position: float | None = None, now: datetime | None = None
) -> HeartbeatResponse:
    """Apply one heartbeat under a row lock, so concurrent beats never lose credited time."""
    now = now or timezone.now()
    course = CoursePage.objects.get(pk=lesson.get_parent().pk)
    LessonProgress.objects.get_or_create(cadre=cadre, lesson=lesson)
    progress = LessonProgress.objects.select_for_update().get(cadre=cadre, lesson=lesson)

    result = study_time.apply_beat(
        study_time.StudyState(
            credited_seconds=progress.credited_seconds,
            furthest_position=progress.furthest_position,
            last_beat_at=progress.last_beat_at,
            tab=progress.tab,
        ),
        now=now,
        tab=tab[:64],
        position=position,
    )
    course_complete = False
    if result.accepted:
        progress.credited_seconds = result.state.credited_seconds
        progress.furthest_position = result.state.furthest_position
        progress.last_beat_at = result.state.last_beat_at
        progress.tab = result.state.tab
        newly_complete = progress.completed_at is None and study_time.lesson_is_complete(
            credited_seconds=progress.credited_seconds,
            furthest_position=progress.furthest_position,
            minutes=lesson.minutes,
            video_seconds=lesson.video_seconds,
        )
        if newly_complete:
            progress.completed_at = now
        progress.save()
        course_complete = (
            course_progress_refresh(
                cadre=cadre, course=course, now=now, studied_seconds=result.credited_now
            ).completed_at
            is not None
        )
    else:
        course_complete = CourseProgress.objects.filter(cadre=cadre, course=course, completed_at__isnull=False).exists()
    return HeartbeatResponse(
        outcome=result.outcome,
        credited_seconds=progress.credited_seconds,
        furthest_position=progress.furthest_position,
        lesson_complete=progress.completed_at is not None,
        course_complete=course_complete,
    )


@transaction.atomic
def course_progress_refresh(
    *, cadre: Cadre, course: CoursePage, now: datetime | None = None, studied_seconds: int = 0
) -> CourseProgress:
    """Recount a cadre's lessons in a course and complete the course when everything is done.

    Called after every lesson write, and by other apps (a passed final quiz) through
    `completion.register_completion_check`. The completion time is set once and never moves.
    """
    now = now or timezone.now()
    progress, _ = CourseProgress.objects.get_or_create(
        cadre=cadre, course=course, defaults={"started_at": now, "last_studied_at": now}
    )
    progress = CourseProgress.objects.select_for_update().get(pk=progress.pk)
    lesson_ids = list(course.lessons().values_list("pk", flat=True))
    lessons_before = progress.lessons_completed
    progress.lessons_total = len(lesson_ids)
    progress.lessons_completed = LessonProgress.objects.filter(
        cadre=cadre, lesson_id__in=lesson_ids, completed_at__isnull=False
    ).count()
    progress.seconds_studied += studied_seconds
    if studied_seconds:
        progress.last_studied_at = now
    all_lessons_done = bool(lesson_ids) and progress.lessons_completed == len(lesson_ids)
    if progress.completed_at is None and all_lessons_done and completion.extra_checks_pass(cadre=cadre, course=course):
        progress.completed_at = now
        credit_award_for_course(cadre=cadre, course=course, when=now)
    elif progress.completed_at is None and progress.lessons_completed > lessons_before:
        # The credit rules may count a course before every lesson is done (e.g. at 90 %).
        share = progress.lessons_completed / len(lesson_ids)
        if completion.extra_checks_pass(cadre=cadre, course=course):
            credit_award_for_course(cadre=cadre, course=course, when=now, share=share)
    progress.save()
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import course_progress_saved

    course_progress_saved(progress=progress, now=now)
    return progress


def credit_award_for_course(
    *, cadre: Cadre, course: CoursePage, when: datetime, share: float = 1.0
) -> CreditEntry | None:
    """Credit a course to the year it was done in, exactly once, as the credit policy counts it."""
    existing = CreditEntry.objects.filter(cadre=cadre, course=course, source=CreditSource.COURSE).first()
    if existing is not None:
        return existing
    credit = crediting.credit_policy().course_credit(cadre=cadre, course=course, when=when, share=share)
    if credit is None:
        return None
    entry, _ = CreditEntry.objects.get_or_create(
        cadre=cadre,
        course=course,
        source=CreditSource.COURSE,
        defaults={
            "year": timezone.localtime(when).year,
            "hours": credit.hours,
            "rule": credit.rule,
            "description": course.title,
            "earned_at": when,
        },
    )
    return entry
