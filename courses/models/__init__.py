from courses.models.pages import CourseCategory, CourseIndexPage, CoursePage, CourseTag, LessonPage
from courses.models.study import (
    CourseProgress,
    CreditEntry,
    CreditSource,
    LessonProgress,
    Requirement,
    YearlyTarget,
)

__all__ = [
    "CourseCategory",
    "CourseIndexPage",
    "CoursePage",
    "CourseProgress",
    "CourseTag",
    "CreditEntry",
    "CreditSource",
    "LessonPage",
    "LessonProgress",
    "Requirement",
    "YearlyTarget",
]
