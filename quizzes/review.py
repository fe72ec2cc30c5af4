"""When a cadre may see what about an attempt: the review options table. No Django.

A quiz allows a set of (when, what) pairs. "When" is worked out from the attempt's finish
time, the quiz's close time and now, as Moodle does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

IMMEDIATELY_WINDOW = timedelta(minutes=2)


class When(StrEnum):
    DURING = "during"
    IMMEDIATELY = "immediately"
    LATER = "later"
    AFTER_CLOSE = "after_close"


class What(StrEnum):
    SCORE = "score"
    CORRECTNESS = "correctness"
    RIGHT_ANSWER = "right_answer"
    EXPLANATION = "explanation"


Policy = frozenset[tuple[When, What]]


def phase(*, finished_at: datetime | None, closes_at: datetime | None, now: datetime) -> When:
    if finished_at is None:
        return When.DURING
    if now - finished_at <= IMMEDIATELY_WINDOW:
        return When.IMMEDIATELY
    if closes_at is not None and now >= closes_at:
        return When.AFTER_CLOSE
    return When.LATER


def allowed(policy: Iterable[tuple[When, What]], when: When) -> frozenset[What]:
    return frozenset(what for w, what in policy if w == when)
