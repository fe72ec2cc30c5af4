"""Builders for records tests: rules, completed courses and completed batches, written the way the apps write them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from courses import services as course_services
from courses.models import LessonProgress
from records.models import ConversionBucket, CreditCap, CreditRule
from rotations.models import AttendanceStatus, PlacedBy, Seat
from rotations.services import attendance
from tests.factories import make_batch, make_programme

T0 = datetime(2030, 5, 6, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
BATCH_DONE = datetime(2030, 4, 3, 8, 0, tzinfo=UTC)


def make_rule(*, caps=(), buckets=(), **fields) -> CreditRule:
    """A rule with (source, period, hours) caps and (min minutes, hours) buckets."""
    fields.setdefault("name", "规则")
    rule = CreditRule.objects.create(**fields)
    for source, period, hours in caps:
        CreditCap.objects.create(rule=rule, source=source, period=period, hours=Decimal(str(hours)))
    for minutes, hours in buckets:
        ConversionBucket.objects.create(rule=rule, min_minutes=minutes, hours=Decimal(str(hours)))
    return rule


def finish_lessons(cadre, course, *, count: int | None = None, when: datetime = T0):
    """Complete the first `count` lessons (all by default) and refresh the course, as heartbeats do."""
    lessons = list(course.lessons())
    for lesson in lessons[: len(lessons) if count is None else count]:
        LessonProgress.objects.update_or_create(
            cadre=cadre, lesson=lesson, defaults={"completed_at": when, "credited_seconds": lesson.minutes * 60}
        )
        course_services.course_progress_refresh(cadre=cadre, course=course, now=when)


def completed_seats(cadres, unit, *, credit_hours=24, days: int = 2, name: str = "乡村振兴轮训", when=BATCH_DONE):
    """A programme whose one batch every one of `cadres` attended in full and completed."""
    programme = make_programme(unit, credit_hours=credit_hours, name=name)
    batch = make_batch(programme, starts_on=date(2030, 4, 1), days=days)
    # Written directly: the unit floor the scheduler keeps is not what these tests are about.
    seats = [
        Seat.objects.create(programme=programme, batch=batch, cadre=cadre, locked=True, placed_by=PlacedBy.HAND)
        for cadre in cadres
    ]
    for session in batch.sessions.all():
        for cadre in cadres:
            attendance.attendance_record(session=session, cadre=cadre, status=AttendanceStatus.PRESENT)
    attendance.batch_complete(batch=batch, now=when)
    for seat in seats:
        seat.refresh_from_db()
    return seats


def completed_seat(cadre, unit, **options):
    """A programme whose one batch `cadre` attended in full and completed."""
    [seat] = completed_seats([cadre], unit, **options)
    return seat
