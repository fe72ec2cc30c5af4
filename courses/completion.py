"""Extra conditions a course needs before it counts as complete.

The course app knows only lessons. Apps that add requirements (a final quiz, say) register
a check here from their AppConfig.ready(), so the dependency points from them to courses.
"""

from __future__ import annotations

from collections.abc import Callable

CompletionCheck = Callable[..., bool]  # (*, cadre, course) -> bool

_checks: list[CompletionCheck] = []


def register_completion_check(check: CompletionCheck) -> CompletionCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def extra_checks_pass(*, cadre, course) -> bool:
    return all(check(cadre=cadre, course=course) for check in _checks)
