class CoursesError(Exception):
    """Base class for errors a course service reports to its caller."""


class NotACadre(CoursesError):
    pass


class LessonNotLive(CoursesError):
    pass
