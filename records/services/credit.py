"""Counting credit by the administrators' rules: the courses.crediting policy records registers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from cadres.models import Cadre
from courses.crediting import CourseCredit
from courses.models import CoursePage, CreditEntry, CreditSource
from courses.selectors import requirements_for_cadre
from quizzes.models import Attempt
from records import rules, selectors
from rotations.models import Batch, Session


def rule_snapshot(rule: rules.Rule, *parts: dict) -> dict:
    """What a ledger entry keeps of the rule that counted it: id, label and how."""
    snapshot: dict = {"id": rule.id, "label": rule.label}
    for part in parts:
        snapshot.update(part)
    return snapshot


def course_minutes(course: CoursePage) -> int:
    return course.lessons().aggregate(total=Sum("minutes"))["total"] or 0


def course_quiz_passed(*, cadre: Cadre, course: CoursePage) -> bool:
    return Attempt.objects.filter(cadre=cadre, quiz__course=course, quiz__is_published=True, passed=True).exists()


def training_days(batch: Batch) -> int:
    """Days of the batch with at least one session: what hours per training day multiply."""
    return Session.objects.filter(batch=batch).values("date").distinct().count()


def _tally_for_year(*, cadre: Cadre, year: int, rule: rules.Rule) -> rules.Tally:
    """The caps already used by the cadre's entries of the year, replayed in the order earned."""
    tally = rules.Tally()
    if not rule.caps:
        return tally
    required = {r.course_id for r in requirements_for_cadre(cadre=cadre, year=year)}
    for entry in CreditEntry.objects.filter(cadre=cadre, year=year).order_by("earned_at", "pk"):
        elective = entry.source == CreditSource.COURSE and entry.course_id not in required
        tally.grant(
            rules.Rule(),  # replay only: record what was granted, with no caps to cut it again
            source=entry.source,
            hours=entry.hours,
            day=timezone.localtime(entry.earned_at).date(),
            elective=elective,
        )
    return tally


def grant(
    *, cadre: Cadre, rule: rules.Rule, source: str, counted: rules.Counted, when: datetime, elective: bool
) -> tuple[Decimal, dict]:
    """The hours a new entry gets once the rule's caps have taken what the year already used, and its snapshot."""
    # Serialise one cadre's credits, so two completions at once cannot both fill the last of a cap.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    year = timezone.localtime(when).year
    tally = _tally_for_year(cadre=cadre, year=year, rule=rule)
    granted = tally.grant(
        rule, source=source, hours=counted.hours, day=timezone.localtime(when).date(), elective=elective
    )
    return granted.hours, rule_snapshot(rule, counted.basis, granted.basis)


class RulesCreditPolicy:
    """courses.crediting policy: course and batch hours and targets come from the administrators' rules."""

    def course_credit(self, *, cadre: Cadre, course: CoursePage, when: datetime, share: float) -> CourseCredit | None:
        year = timezone.localtime(when).year
        rule = selectors.rule_for(cadre=cadre, year=year)
        if not rules.share_is_enough(rule, share):
            return None
        counted = rules.course_hours(
            rule,
            stated_hours=course.credit_hours,
            minutes=course_minutes(course) if rule.conversion != rules.COURSE else 0,
            quiz_passed=bool(rule.quiz_bonus_hours) and course_quiz_passed(cadre=cadre, course=course),
        )
        elective = False
        if rule.caps:
            elective = course.pk not in {r.course_id for r in requirements_for_cadre(cadre=cadre, year=year)}
        hours, snapshot = grant(
            cadre=cadre, rule=rule, source=CreditSource.COURSE, counted=counted, when=when, elective=elective
        )
        return CourseCredit(hours=hours, rule=snapshot)

    def batch_credit(self, *, cadre: Cadre, batch: Batch, when: datetime) -> CourseCredit:
        """The programme's stated hours, or the rule's hours per training day, cut by the rule's caps."""
        rule = selectors.rule_for(cadre=cadre, year=timezone.localtime(when).year)
        stated = batch.programme.credit_hours
        counted = rules.batch_hours(rule, stated_hours=stated, training_days=0 if stated else training_days(batch))
        hours, snapshot = grant(
            cadre=cadre, rule=rule, source=CreditSource.BATCH, counted=counted, when=when, elective=False
        )
        return CourseCredit(hours=hours, rule=snapshot)

    def yearly_target(self, *, cadre: Cadre, year: int) -> Decimal | None:
        rule = selectors.rule_for(cadre=cadre, year=year)
        return rule.target_hours if rule.id else None
