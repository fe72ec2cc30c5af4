"""Every write about study: heartbeats, lesson and course completion, credit hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from cadres.models import Cadre
from courses import completion, crediting, signals, study_time
from courses.models import (
    CoursePage,
    CourseProgress,
    CreditEntry,
    CreditSource,
    LessonPage,
    LessonProgress,
    Requirement,
)
from courses.selectors import requirement_cadres


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
    """Apply one heartbeat under a row lock, so concurrent beats never lose credited time.

    A beat that only adds study time takes the fast path: the lesson row is locked, read and
    saved, the course's seconds are added in one UPDATE and the summary row follows. Every other
    accepted beat (a lesson completed, a session's first beat) recounts the course through
    `course_progress_refresh`, so a course whose remaining lessons were removed completes at the
    cadre's next session; the summaries are recomputed only when that moves a year figure.
    """
    now = now or timezone.now()
    course_path = lesson.path[: -lesson.steplen]
    # The progress row locked, with its course's id, in one query once it exists.
    locked = (
        LessonProgress.objects.select_for_update()
        .filter(cadre=cadre, lesson=lesson)
        .annotate(parent_course_id=Subquery(CoursePage.objects.filter(path=course_path).values("pk")[:1]))
    )
    progress = locked.first()
    if progress is None:
        # A concurrent first beat may insert the same row: the loser's insert does nothing
        # (no savepoint needed), and both then lock the one row.
        LessonProgress.objects.bulk_create([LessonProgress(cadre=cadre, lesson=lesson)], ignore_conflicts=True)
        progress = locked.get()
    course_id = progress.parent_course_id

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
        progress.save(update_fields=["credited_seconds", "furthest_position", "last_beat_at", "tab", "completed_at"])
        course_complete = None
        if result.outcome is study_time.BeatOutcome.CREDITED and not newly_complete:
            course_complete = _course_seconds_add(
                cadre_id=cadre.pk, course_id=course_id, seconds=result.credited_now, now=now
            )
        if course_complete is None:
            refreshed = course_progress_refresh(
                cadre=cadre, course=CoursePage.objects.get(pk=course_id), now=now, studied_seconds=result.credited_now
            )
            course_complete = refreshed.completed_at is not None
    else:
        course_complete = CourseProgress.objects.filter(
            cadre=cadre, course_id=course_id, completed_at__isnull=False
        ).exists()
    return HeartbeatResponse(
        outcome=result.outcome,
        credited_seconds=progress.credited_seconds,
        furthest_position=progress.furthest_position,
        lesson_complete=progress.completed_at is not None,
        course_complete=course_complete,
    )


def _course_seconds_add(*, cadre_id: int, course_id: int, seconds: int, now: datetime) -> bool | None:
    """The heartbeat fast path: add study time to a started course and its summary row, two queries.

    Returns whether the course is complete, or None when the cadre has no progress row for it
    yet (the caller recounts instead). The UPDATE holds the course progress row's lock until
    commit, so beats from two lessons of one course add up and the summary is set to the total
    they reached, in order. UPDATE … RETURNING runs on PostgreSQL and SQLite ≥ 3.35; the ORM's
    update() cannot return the new total.
    """
    table = connection.ops.quote_name(CourseProgress._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET seconds_studied = seconds_studied + %s, last_studied_at = %s "  # noqa: S608
            "WHERE cadre_id = %s AND course_id = %s RETURNING seconds_studied, completed_at IS NOT NULL",
            [seconds, connection.ops.adapt_datetimefield_value(now), cadre_id, course_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    seconds_studied, completed = row
    # Hook: the summary row's study time follows in the same transaction (reports/hooks.py).
    from reports.hooks import course_seconds_added

    course_seconds_added(cadre_id=cadre_id, course_id=course_id, seconds=seconds_studied)
    return bool(completed)


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
    newly_completed = False
    credit = None
    if progress.completed_at is None and all_lessons_done and completion.extra_checks_pass(cadre=cadre, course=course):
        progress.completed_at = now
        newly_completed = True
        credit = credit_award_for_course(cadre=cadre, course=course, when=now)
    elif progress.completed_at is None and progress.lessons_completed > lessons_before:
        # The credit rules may count a course before every lesson is done (e.g. at 90 %).
        share = progress.lessons_completed / len(lesson_ids)
        if completion.extra_checks_pass(cadre=cadre, course=course):
            credit = credit_award_for_course(cadre=cadre, course=course, when=now, share=share)
    progress.save()
    if newly_completed:
        completion.course_completed(cadre=cadre, course=course, when=now)
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import course_progress_saved

    course_progress_saved(progress=progress, now=now, credit_earned=credit is not None and credit.earned_at == now)
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


@transaction.atomic
def requirement_create(
    *, course: CoursePage, unit, categories: list[str], year: int, due_date, by=None
) -> tuple[Requirement, int]:
    """Assign `course` to the cadres of `unit`'s subtree (only `categories`, or all when empty) and
    announce it, so each of them is told once. Returns the requirement and how many cadres it binds."""
    requirement = Requirement(
        course=course, unit=unit, categories=list(categories), year=year, due_date=due_date, created_by=by
    )
    requirement.full_clean()
    requirement.save()
    user_ids = list(requirement_cadres(unit=unit, categories=categories).values_list("user_id", flat=True))
    signals.requirement_assigned.send(sender=Requirement, requirement=requirement, user_ids=user_ids)
    return requirement, len(user_ids)
