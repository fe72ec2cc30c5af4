"""This year's required-course assignments and the study already done by the demo roster.

Lesson rows are written directly (as if heartbeats had credited them); each course summary row
that should be complete then goes through `courses.services.course_progress_refresh`, the one
write path that stamps completion and credits hours, so the credit ledger stays coherent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cadres.models import Cadre, CadreCategory, OrgUnit
from courses.models import CoursePage, CourseProgress, LessonPage, LessonProgress, Requirement
from courses.services import course_progress_refresh
from lms.demo import people

POSTED = [CadreCategory.FIRST_SECRETARY, CadreCategory.TEAM_LEADER, CadreCategory.TEAM_MEMBER]


@dataclass(frozen=True)
class RequirementSpec:
    course_slug: str
    unit_code: str
    categories: list[str]
    overdue: bool  # due date already past, so whoever has not finished is overdue


REQUIREMENTS = (
    RequirementSpec("rural-revitalisation-policy", people.COUNTY_CODE, [], overdue=True),
    RequirementSpec("first-secretary-duties", people.COUNTY_CODE, POSTED, overdue=True),
    RequirementSpec("party-spirit", people.COUNTY_CODE, [], overdue=False),
    RequirementSpec(
        "conduct", people.COUNTY_CODE, [CadreCategory.TOWNSHIP, CadreCategory.COUNTY_DEPARTMENT], overdue=False
    ),
    RequirementSpec(
        "village-governance",
        people.township_code(1),
        [CadreCategory.FIRST_SECRETARY, CadreCategory.VILLAGE],
        overdue=False,
    ),
)

# What the `cadre` login has done: two courses complete, the overdue policy course a quarter done.
CADRE_LOGIN_PLAN = {
    "first-secretary-duties": "complete",
    "rural-ecommerce": "complete",
    "rural-revitalisation-policy": 1,  # lessons completed
    "party-spirit": 2,
}
ELECTIVE_SLUGS = ("industry-development", "rural-ecommerce", "working-skills", "village-governance")


def due_dates(today: date) -> tuple[date, date]:
    """A due date already past and one still ahead, both inside this year where the calendar allows."""
    past = max(date(today.year, 1, 1), today - timedelta(days=21))
    if past >= today:  # 1 January: nothing of this year lies behind us yet
        past = today - timedelta(days=1)
    future = max(today, min(date(today.year, 12, 31), today + timedelta(days=60)))
    return past, future


def ensure_requirements(*, courses: dict[str, CoursePage], units: dict[str, OrgUnit], today: date, by) -> int:
    past, future = due_dates(today)
    created = 0
    for spec in REQUIREMENTS:
        if spec.course_slug not in courses:
            continue
        _, was_created = Requirement.objects.get_or_create(
            course=courses[spec.course_slug],
            unit=units[spec.unit_code],
            year=today.year,
            defaults={
                "categories": [str(c) for c in spec.categories],
                "due_date": past if spec.overdue else future,
                "created_by": by,
            },
        )
        created += was_created
    return created


@dataclass
class _Plan:
    cadre: Cadre
    course: CoursePage
    lessons_done: int
    finished_at: datetime


def _study_window(today: date) -> tuple[datetime, datetime]:
    """Study happened this year (so earned hours count this year) and before now."""
    end = timezone.now() - timedelta(hours=1)
    start = timezone.make_aware(datetime.combine(max(date(today.year, 1, 1), today - timedelta(days=120)), time(8)))
    return min(start, end), end


def _plans(
    *,
    cadres: list[Cadre],
    courses: dict[str, CoursePage],
    lesson_counts: dict[int, int],
    today: date,
    rng: random.Random,
) -> list[_Plan]:
    start, end = _study_window(today)
    days = max(1, (end - start).days)

    def study_time() -> datetime:
        # Some day in the window, in working hours (08:00-21:59), never in the future.
        at = timezone.localtime(start).replace(hour=8, minute=0) + timedelta(
            days=rng.randrange(days), minutes=rng.randrange(14 * 60)
        )
        return min(at, end)

    slug_by_pk = {course.pk: slug for slug, course in courses.items()}
    requirements = list(Requirement.objects.filter(year=today.year, course__in=courses.values()).select_related("unit"))
    plans = []
    for cadre in cadres:
        if cadre.user.username == people.CADRE_USERNAME:
            wanted = {
                slug: lesson_counts[courses[slug].pk] if plan == "complete" else plan
                for slug, plan in CADRE_LOGIN_PLAN.items()
                if slug in courses
            }
        else:
            wanted = {}
            for requirement in requirements:
                if requirement.applies_to(cadre):
                    total = lesson_counts[requirement.course_id]
                    roll = rng.random()
                    slug = slug_by_pk[requirement.course_id]
                    if roll < 0.5:
                        wanted[slug] = total
                    elif roll < 0.75:
                        wanted[slug] = rng.randint(0, total - 1)
            for slug in rng.sample(ELECTIVE_SLUGS, k=rng.choice((0, 0, 1, 1, 2))):
                if slug in courses and slug not in wanted:
                    total = lesson_counts[courses[slug].pk]
                    wanted[slug] = total if rng.random() < 0.5 else rng.randint(0, total - 1)
        for slug, done in wanted.items():
            plans.append(_Plan(cadre=cadre, course=courses[slug], lessons_done=done, finished_at=study_time()))
    return plans


def ensure_progress(*, courses: dict[str, CoursePage], today: date) -> int:
    """Study for many roster cadres, once: skipped when anyone in the county already has progress."""
    county_path = OrgUnit.objects.get(code=people.COUNTY_CODE).path
    cadres = list(Cadre.objects.filter(unit__path__startswith=county_path).select_related("unit", "user"))
    if not courses or CourseProgress.objects.filter(cadre__in=cadres).exists():
        return 0
    lessons: dict[str, list[LessonPage]] = {}
    for lesson in LessonPage.objects.live().filter(path__startswith=_index_path(courses)).order_by("path"):
        parent_path = lesson.path[: -LessonPage.steplen]
        lessons.setdefault(parent_path, []).append(lesson)
    by_course = {course.pk: lessons.get(course.path, []) for course in courses.values()}
    lesson_counts = {pk: len(items) for pk, items in by_course.items()}
    courses = {slug: c for slug, c in courses.items() if lesson_counts[c.pk]}
    plans = _plans(
        cadres=cadres, courses=courses, lesson_counts=lesson_counts, today=today, rng=random.Random(people.SEED)
    )

    lesson_rows, course_rows, to_complete = [], [], []
    for plan in plans:
        course_lessons = by_course[plan.course.pk]
        # The completed lessons and, unless all are done, a third of the next; studied in order,
        # a day apart, the last one at `finished_at` (the course's completion time if complete).
        touched = course_lessons[: plan.lessons_done + 1]
        studied = 0
        for number, lesson in enumerate(touched):
            complete = number < plan.lessons_done
            seconds = lesson.minutes * 60 if complete else lesson.minutes * 60 // 3
            at = plan.finished_at - timedelta(days=len(touched) - 1 - number)
            studied += seconds
            lesson_rows.append(
                LessonProgress(
                    cadre=plan.cadre,
                    lesson=lesson,
                    credited_seconds=seconds,
                    last_beat_at=at,
                    completed_at=at if complete else None,
                )
            )
        course_rows.append(
            CourseProgress(
                cadre=plan.cadre,
                course=plan.course,
                lessons_completed=min(plan.lessons_done, len(course_lessons)),
                lessons_total=len(course_lessons),
                seconds_studied=studied,
                started_at=plan.finished_at - timedelta(days=len(touched) - 1),
                last_studied_at=plan.finished_at,
            )
        )
        if plan.lessons_done >= len(course_lessons):
            to_complete.append(plan)
    LessonProgress.objects.bulk_create(lesson_rows, batch_size=500)
    CourseProgress.objects.bulk_create(course_rows, batch_size=500)
    for plan in to_complete:
        course_progress_refresh(cadre=plan.cadre, course=plan.course, now=plan.finished_at)
    return len(course_rows)


def _index_path(courses: dict[str, CoursePage]) -> str:
    """The course index's path: every demo lesson lies below it."""
    return next(iter(courses.values())).path[: -CoursePage.steplen]
