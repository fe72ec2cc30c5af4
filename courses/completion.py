"""Extra conditions a course needs before it counts as complete, and what follows completion.

The course app knows only lessons. Apps that add requirements (a final quiz, say) register
a check here from their AppConfig.ready(), so the dependency points from them to courses.
Apps that act on a completion (records issues a certificate) register a listener the same way.
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


CompletionListener = Callable[..., None]  # (*, cadre, course, when) -> None

_listeners: list[CompletionListener] = []


def register_completion_listener(listener: CompletionListener) -> CompletionListener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def course_completed(*, cadre, course, when) -> None:
    """Called once per cadre and course, in the transaction that records the completion."""
    for listener in _listeners:
        listener(cadre=cadre, course=course, when=when)


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
