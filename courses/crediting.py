"""Where a credit-hour policy plugs in: how many hours a course or a training batch is worth, and the yearly target.

On its own the courses app credits a completed course with the hours its page states and reads
YearlyTarget. An app with editable rules (records) registers a policy from AppConfig.ready(), so
the dependency points from it to courses. The ledger write itself stays in courses.services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class CourseCredit:
    hours: Decimal
    rule: dict = field(default_factory=dict)  # snapshot of the rule that counted the hours


class CreditPolicy(Protocol):
    def course_credit(self, *, cadre, course, when: datetime, share: float) -> CourseCredit | None:
        """Hours for a course `share` (0–1) done, or None while it is not creditable yet."""

    def batch_credit(self, *, cadre, batch, when: datetime) -> CourseCredit:
        """Hours for a rotation batch (rotations.Batch) the cadre completed at `when`."""

    def yearly_target(self, *, cadre, year: int) -> Decimal | None:
        """The cadre's target for the year, or None to fall back to YearlyTarget."""


class CourseValuePolicy:
    """A course is worth the hours its page states, once every lesson is done; a batch, its programme's."""

    def course_credit(self, *, cadre, course, when: datetime, share: float) -> CourseCredit | None:
        return CourseCredit(hours=course.credit_hours) if share >= 1 else None

    def batch_credit(self, *, cadre, batch, when: datetime) -> CourseCredit:
        return CourseCredit(hours=batch.programme.credit_hours)

    def yearly_target(self, *, cadre, year: int) -> Decimal | None:
        return None


_policy: CreditPolicy = CourseValuePolicy()


def register_credit_policy(policy: CreditPolicy) -> CreditPolicy:
    global _policy
    _policy = policy
    return policy


def credit_policy() -> CreditPolicy:
    return _policy
