"""The induction (岗前培训) a newly posted cadre gets: the induction course, or a place in the next induction batch.

Which of the two is decided per posting, else by the team's rules. A batch place goes through
`rotations.services.scheduling.seat_assign`, so capacity, unavailability and the unit's on-duty
floor hold exactly as for a placement by hand. When no induction batch has room before the
cadre's deadline, the induction course is required instead (if the rules name one) and the
posting says why, for the officer to act on.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from courses.models import Requirement
from postings import audit, rules
from postings.models import InductionNote, InductionRoute, Posting, PostingRuleSet
from postings.selectors import induction_batches, induction_seat_held
from rotations.exceptions import RotationsError
from rotations.models import Seat
from rotations.services.scheduling import seat_assign


def induction_assign(
    *, posting: Posting, rule_set: PostingRuleSet | None, route: str | None = None, today: date, by=None
) -> None:
    """Give the newly posted cadre their induction, due `induction_days` after the posting starts.

    `route` overrides the rules' choice for this one posting. Called inside `posting_create`'s
    transaction; writes the outcome onto the posting.
    """
    route = InductionRoute(route or (rule_set.induction_route if rule_set else InductionRoute.COURSE))
    course_id = rule_set.induction_course_id if rule_set else None
    if route == InductionRoute.COURSE and course_id is None:
        return
    days = rule_set.induction_days if rule_set else rules.DEFAULT_INDUCTION_DAYS
    posting.induction_due_on = rules.induction_due(posting.starts_on, days)
    fields = ["induction_due_on"]

    if route == InductionRoute.BATCH:
        seat, refusals = _place_in_batch(posting=posting, today=today)
        if seat is not None:
            posting.induction_seat = seat
            posting.save(update_fields=[*fields, "induction_seat"])
            audit.record(
                posting,
                audit.INDUCTION_SEAT,
                user=by,
                seat=seat.pk,
                programme=seat.programme_id,
                batch=seat.batch.number,
                due=posting.induction_due_on.isoformat(),
            )
            return
        posting.induction_note = InductionNote.COURSE_INSTEAD if course_id else InductionNote.UNPLACED
        fields.append("induction_note")
        audit.record(
            posting,
            audit.INDUCTION_UNPLACED,
            user=by,
            due=posting.induction_due_on.isoformat(),
            refusals=refusals,
        )
        if course_id is None:
            posting.save(update_fields=fields)
            return

    posting.induction_requirement = _personal_requirement(posting=posting, course_id=course_id, by=by)
    posting.save(update_fields=[*fields, "induction_requirement"])
    audit.record(
        posting,
        audit.INDUCTION_ASSIGN,
        user=by,
        requirement=posting.induction_requirement.pk,
        course=course_id,
        due=posting.induction_due_on.isoformat(),
    )


def _place_in_batch(*, posting: Posting, today: date) -> tuple[Seat | None, list[str]]:
    """The earliest induction batch that has not started, ends by the deadline and takes the cadre.

    Returns the seat (None when no batch would) and, per batch tried, why it refused.
    """
    due = posting.induction_due_on
    held = induction_seat_held(cadre=posting.cadre, after=today, until=due)
    if held is not None:
        return held, []
    refusals = []
    for batch in induction_batches(after=today, until=due):
        try:
            # A savepoint per try: a refusal leaves the posting's transaction usable for the next.
            with transaction.atomic():
                return seat_assign(programme=batch.programme, cadre=posting.cadre, batch=batch, today=today), refusals
        except RotationsError as refusal:
            refusals.append(f"{batch.programme.name} · {batch.number}: {refusal}")
    return None, refusals


def _personal_requirement(*, posting: Posting, course_id: int, by) -> Requirement:
    """The induction course required of this cadre alone, by their own deadline.

    A cadre posted twice within a year keeps one requirement, now due by the latest posting's deadline.
    """
    due = posting.induction_due_on
    requirement, created = Requirement.objects.select_for_update().get_or_create(
        course_id=course_id,
        cadre=posting.cadre,
        year=due.year,
        defaults={"unit": posting.team, "categories": [], "due_date": due, "created_by": by},
    )
    if not created and (requirement.unit_id, requirement.due_date) != (posting.team.pk, due):
        requirement.unit, requirement.due_date = posting.team, due
        requirement.save(update_fields=["unit", "due_date"])
    return requirement
