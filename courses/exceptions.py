from django.core.exceptions import PermissionDenied


class CoursesError(Exception):
    """Base class for errors a course service reports to its caller."""


class NotACadre(CoursesError):
    pass


class LessonNotLive(CoursesError):
    pass


class CourseNotReady(CoursesError, PermissionDenied):
    """A course cannot go live while some of its lessons are not published."""
