"""Extra conditions a course needs before it counts as complete.

The course app knows only lessons. Apps that add requirements (a final quiz, say) register
a check here from their AppConfig.ready(), so the dependency points from them to courses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CompletionCheck = Callable[..., bool]  # (*, cadre, course) -> bool

_checks: list[CompletionCheck] = []


def register_completion_check(check: CompletionCheck) -> CompletionCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def extra_checks_pass(*, cadre, course) -> bool:
    return all(check(cadre=cadre, course=course) for check in _checks)


@dataclass(frozen=True)
class CourseStep:
    """A step after the lessons that another app adds to a course page (a final test, say)."""

    title: str
    url: str
    done: bool
    note: str = ""


CourseSteps = Callable[..., list[CourseStep]]  # (*, cadre, course) -> steps

_step_providers: list[CourseSteps] = []


def register_course_steps(provider: CourseSteps) -> CourseSteps:
    if provider not in _step_providers:
        _step_providers.append(provider)
    return provider


def course_steps(*, cadre, course) -> list[CourseStep]:
    return [step for provider in _step_providers for step in provider(cadre=cadre, course=course)]
