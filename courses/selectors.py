"""Reads about courses and study. Each function makes a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from cadres.models import Cadre, OrgUnit
from courses import crediting, due_dates
from courses.models import (
    CoursePage,
    CourseProgress,
    CreditEntry,
    LessonPage,
    LessonProgress,
    Requirement,
    YearlyTarget,
)

DEFAULT_YEARLY_HOURS = Decimal(50)  # 全国干部教育培训规划 (2023–2027): 50 online hours a year


def ancestor_paths(path: str, steplen: int = 4) -> list[str]:
    """The materialised paths of a unit and every unit above it."""
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def requirements_for_cadre(*, cadre: Cadre, year: int) -> list[Requirement]:
    """Requirements that bind this cadre this year, one per course (the earliest due date wins).

    Those on the cadre's unit or a unit above it, and those made for this cadre alone.
    """
    binds = Q(unit__path__in=ancestor_paths(cadre.unit.path), cadre__isnull=True) | Q(cadre=cadre)
    candidates = (
        Requirement.objects.filter(binds, year=year, course__live=True)
        .select_related("course", "course__category", "unit")
        .order_by("due_date", "pk")
    )
    by_course: dict[int, Requirement] = {}
    for requirement in candidates:
        if (requirement.cadre_id or not requirement.categories or cadre.category in requirement.categories) and (
            requirement.course_id not in by_course
        ):
            by_course[requirement.course_id] = requirement
    return list(by_course.values())


def grace_days() -> int:
    """Days a cadre added after an assignment has to catch up (the REQUIRED_COURSE_GRACE_DAYS setting)."""
    return int(getattr(settings, "REQUIRED_COURSE_GRACE_DAYS", due_dates.DEFAULT_GRACE_DAYS))


def cadre_joined_on(cadre: Cadre) -> date | None:
    """The day the cadre was put on the roster: their login is created with them."""
    return timezone.localdate(cadre.user.date_joined) if cadre.user.date_joined else None


def due_date_for_cadre(*, requirement: Requirement, cadre: Cadre) -> date:
    """The requirement's due date as it applies to this cadre (courses.due_dates has the rule)."""
    return due_dates.cadre_due_date(
        due=requirement.due_date,
        requirement_created=timezone.localdate(requirement.created_at) if requirement.created_at else None,
        joined=cadre_joined_on(cadre),
        grace_days=grace_days(),
        personal=requirement.cadre_id is not None,
    )


def requirement_cadres(*, unit: OrgUnit, categories: list[str] | tuple[str, ...] = ()) -> QuerySet[Cadre]:
    """The active cadres a requirement on `unit` for `categories` (all when empty) binds."""
    cadres = Cadre.objects.filter(unit__path__startswith=unit.path, active=True)
    return cadres.filter(category__in=categories) if categories else cadres


@dataclass(frozen=True)
class RequiredCourse:
    course: CoursePage
    due_date: date
    progress: CourseProgress | None

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)

    @property
    def percent(self) -> int:
        return self.progress.percent if self.progress else 0

    def is_overdue(self, today: date) -> bool:
        return not self.completed and self.due_date < today

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days if self.is_overdue(today) else 0


@dataclass(frozen=True)
class MyLearning:
    required: list[RequiredCourse]
    electives: list[CourseProgress]
    recent: list[CourseProgress]
    hours_this_year: Decimal
    target_hours: Decimal
    today: date

    @property
    def hours_percent(self) -> int:
        if not self.target_hours:
            return 100
        return min(100, int(100 * self.hours_this_year / self.target_hours))

    @property
    def overdue(self) -> list[RequiredCourse]:
        return [r for r in self.required if r.is_overdue(self.today)]

    @property
    def due(self) -> list[RequiredCourse]:
        return [r for r in self.required if not r.completed]


def yearly_target_hours(*, category: str, year: int, cadre: Cadre | None = None) -> Decimal:
    if cadre is not None:
        ruled = crediting.credit_policy().yearly_target(cadre=cadre, year=year)
        if ruled is not None:
            return ruled
    target = (
        YearlyTarget.objects.filter(category=category)
        .filter(Q(year=year) | Q(year__isnull=True))
        .order_by("year")  # a year-specific target sorts before the all-years default
        .first()
    )
    return target.hours if target else DEFAULT_YEARLY_HOURS


def hours_earned(*, cadre: Cadre, year: int) -> Decimal:
    total = CreditEntry.objects.filter(cadre=cadre, year=year).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def my_learning(*, cadre: Cadre, today: date) -> MyLearning:
    requirements = requirements_for_cadre(cadre=cadre, year=today.year)
    progress_rows = {
        p.course_id: p
        for p in CourseProgress.objects.filter(cadre=cadre).select_related("course").order_by("-last_studied_at")
    }
    required = [
        RequiredCourse(
            course=r.course,
            due_date=due_date_for_cadre(requirement=r, cadre=cadre),
            progress=progress_rows.get(r.course_id),
        )
        for r in requirements
    ]
    # Overdue first (most overdue at the top), then by due date; finished ones last.
    required.sort(key=lambda r: (r.completed, not r.is_overdue(today), r.due_date))
    required_ids = {r.course.pk for r in required}
    electives = [p for p in progress_rows.values() if p.course_id not in required_ids]
    return MyLearning(
        required=required,
        electives=electives,
        recent=list(progress_rows.values())[:5],
        hours_this_year=hours_earned(cadre=cadre, year=today.year),
        target_hours=yearly_target_hours(category=cadre.category, year=today.year, cadre=cadre),
        today=today,
    )


def catalogue_courses(
    *, category_id: int | None = None, kind: str = "", tag: str = "", query: str = ""
) -> QuerySet[CoursePage]:
    courses = CoursePage.objects.live().select_related("category", "cover").prefetch_related("tags")
    if category_id:
        courses = courses.filter(category_id=category_id)
    if kind == "required":
        courses = courses.filter(is_required=True)
    elif kind == "elective":
        courses = courses.filter(is_required=False)
    if tag:
        courses = courses.filter(tags__name=tag)
    for term in query.split():
        courses = courses.filter(Q(title__icontains=term) | Q(search_text__icontains=term))
    return courses.order_by("-is_required", "path").distinct()


def progress_by_course(*, cadre: Cadre | None, course_ids) -> dict[int, CourseProgress]:
    if cadre is None:
        return {}
    return {p.course_id: p for p in CourseProgress.objects.filter(cadre=cadre, course_id__in=list(course_ids))}


def lesson_progress_map(*, cadre: Cadre | None, lesson_ids) -> dict[int, LessonProgress]:
    if cadre is None:
        return {}
    return {p.lesson_id: p for p in LessonProgress.objects.filter(cadre=cadre, lesson_id__in=list(lesson_ids))}


def incomplete_lesson_count(*, cadre: Cadre, course: CoursePage) -> int:
    """How many of the course's live lessons the cadre has not completed yet. One query."""
    completed = LessonProgress.objects.filter(cadre=cadre, completed_at__isnull=False).values("lesson_id")
    return course.lessons().exclude(pk__in=completed).count()


def unpublished_lessons(*, course: CoursePage) -> QuerySet[LessonPage]:
    """The course's lessons that are not live (drafts, or waiting in review), in course order."""
    return LessonPage.objects.child_of(course).filter(live=False).order_by("path")


@dataclass(frozen=True)
class SearchHit:
    page: CoursePage | LessonPage
    course_title: str
    snippet: str
    is_lesson: bool = False


def _snippet(text: str, term: str, width: int = 40) -> str:
    at = text.find(term)
    if at < 0:
        return text[: width * 2]
    start = max(0, at - width)
    prefix = "…" if start else ""
    return prefix + text[start : at + len(term) + width].replace("\n", " ")


def search_study_pages(*, query: str, limit: int = 50) -> list[SearchHit]:
    """Courses and lessons whose title or text contain every word of the query (substring match)."""
    terms = query.split()
    if not terms:
        return []
    match = Q()
    for term in terms:
        match &= Q(title__icontains=term) | Q(search_text__icontains=term)
    courses = list(CoursePage.objects.live().filter(match).order_by("path")[:limit])
    lessons = list(LessonPage.objects.live().filter(match).order_by("path")[:limit])
    parent_paths = {lesson.path[: -LessonPage.steplen] for lesson in lessons}
    parents = {c.path: c.title for c in CoursePage.objects.filter(path__in=parent_paths).only("path", "title")}
    hits = [SearchHit(page=c, course_title=c.title, snippet=_snippet(c.search_text, terms[0])) for c in courses]
    hits += [
        SearchHit(
            page=lesson,
            course_title=parents.get(lesson.path[: -LessonPage.steplen], ""),
            snippet=_snippet(lesson.search_text, terms[0]),
            is_lesson=True,
        )
        for lesson in lessons
    ]
    return hits
