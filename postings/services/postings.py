"""Posting cadres to work teams, ending postings, planning successors, and the induction that follows."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, CadreCategory, OrgUnit, UnitLevel
from postings import audit, rules
from postings.exceptions import NotAllowed, PostingRefused
from postings.models import EndReason, Posting, PostingRole
from postings.scoping import user_scope
from postings.selectors import rule_set_for_unit
from postings.services.induction import induction_assign

POSTING_NOT_A_TEAM = _("Cadres are posted to village work teams only; %(unit)s is not one.")
POSTING_ALREADY_POSTED = _("%(cadre)s is already posted to %(team)s; end that posting first.")
POSTING_TERM_TOO_SHORT = _("A term lasts at least %(months)s months: plan the end on %(earliest)s or later.")
POSTING_ENDED = _("This posting ended on %(day)s and can no longer change.")
POSTING_END_BEFORE_START = _("A posting cannot end before it starts (%(day)s).")
POSTING_OUTSIDE_SCOPE = _("This work team is outside the part of the organisation you manage.")
SUCCESSOR_ALREADY_PLANNED = _("A successor is already planned: %(successor)s.")
SUCCESSOR_BAD_HANDOVER = _(
    "The successor must arrive by the day after the handover ends, with at most %(days)s days of overlap."
)
SUCCESSOR_HANDOVER_BEFORE_START = _("The handover cannot end before the outgoing posting starts (%(day)s).")

CATEGORY_FOR_ROLE = {
    PostingRole.FIRST_SECRETARY: CadreCategory.FIRST_SECRETARY,
    PostingRole.TEAM_LEADER: CadreCategory.TEAM_LEADER,
    PostingRole.MEMBER: CadreCategory.TEAM_MEMBER,
}


def _check_scope(user, unit: OrgUnit) -> None:
    if user is not None and not user_scope(user).allows_path(unit.path):
        raise NotAllowed(POSTING_OUTSIDE_SCOPE)


def _check_open(posting: Posting) -> None:
    if posting.ended_on is not None:
        raise PostingRefused(POSTING_ENDED % {"day": posting.ended_on})


@transaction.atomic
def posting_create(
    *,
    cadre: Cadre,
    team: OrgUnit,
    role: str,
    sending_unit: str,
    starts_on: date,
    planned_end_on: date | None = None,
    predecessor: Posting | None = None,
    induction_route: str | None = None,
    today: date | None = None,
    by=None,
) -> Posting:
    """Post `cadre` to `team`. The roster follows (unit, category, sending unit, date posted) and
    the cadre gets their induction within the configured days of `starts_on`: the induction course
    or a place in the next induction batch, as `induction_route` or else the team's rules say."""
    if team.level != UnitLevel.VILLAGE_TEAM:
        raise PostingRefused(POSTING_NOT_A_TEAM % {"unit": team})
    _check_scope(by, team)
    # The lock serialises two officers posting the same cadre; the partial unique constraint backs it.
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    open_posting = Posting.objects.filter(cadre=cadre, ended_on__isnull=True).select_related("team").first()
    if open_posting is not None:
        raise PostingRefused(POSTING_ALREADY_POSTED % {"cadre": cadre, "team": open_posting.team})
    rule_set = rule_set_for_unit(team)
    posting_rules = rule_set.as_rules() if rule_set else rules.Rules()
    planned_end_on = planned_end_on or rules.planned_end(starts_on, posting_rules.term_months)
    if not rules.term_is_long_enough(starts_on, planned_end_on, posting_rules.term_months):
        earliest = rules.add_months(starts_on, posting_rules.term_months)
        raise PostingRefused(POSTING_TERM_TOO_SHORT % {"months": posting_rules.term_months, "earliest": earliest})

    posting = Posting(
        cadre=cadre,
        team=team,
        role=role,
        sending_unit=sending_unit,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        predecessor=predecessor,
        created_by=by,
    )
    posting.full_clean()
    posting.save()

    cadre.unit = team
    cadre.posted_on = starts_on
    cadre.sending_unit = sending_unit
    cadre.category = CATEGORY_FOR_ROLE[PostingRole(role)]
    cadre.save(update_fields=["unit", "posted_on", "sending_unit", "category"])

    audit.record(
        posting,
        audit.POSTING_CREATE,
        user=by,
        cadre=cadre.pk,
        team=team.pk,
        starts_on=starts_on.isoformat(),
        planned_end_on=planned_end_on.isoformat(),
    )
    induction_assign(
        posting=posting, rule_set=rule_set, route=induction_route, today=today or timezone.localdate(), by=by
    )
    return posting


@transaction.atomic
def posting_update(*, posting: Posting, role: str, sending_unit: str, planned_end_on: date, by=None) -> Posting:
    posting = Posting.objects.select_for_update().select_related("team").get(pk=posting.pk)
    _check_scope(by, posting.team)
    _check_open(posting)
    rule_set = rule_set_for_unit(posting.team)
    term_months = rule_set.term_months if rule_set else rules.DEFAULT_TERM_MONTHS
    # A planned successor may bring the end forward: the handover decides it, not the term.
    has_successor = Posting.objects.filter(predecessor=posting).exists()
    if not has_successor and not rules.term_is_long_enough(posting.starts_on, planned_end_on, term_months):
        earliest = rules.add_months(posting.starts_on, term_months)
        raise PostingRefused(POSTING_TERM_TOO_SHORT % {"months": term_months, "earliest": earliest})
    posting.role, posting.sending_unit, posting.planned_end_on = role, sending_unit, planned_end_on
    posting.full_clean()
    posting.save(update_fields=["role", "sending_unit", "planned_end_on"])
    audit.record(posting, audit.POSTING_UPDATE, user=by, role=role, planned_end_on=planned_end_on.isoformat())
    return posting


@transaction.atomic
def posting_end(*, posting: Posting, ended_on: date, reason: str, note: str = "", by=None) -> Posting:
    """Record the actual end of a posting and why: term over, replaced, recalled, promoted …"""
    posting = Posting.objects.select_for_update().select_related("team").get(pk=posting.pk)
    _check_scope(by, posting.team)
    _check_open(posting)
    if ended_on < posting.starts_on:
        raise PostingRefused(POSTING_END_BEFORE_START % {"day": posting.starts_on})
    posting.ended_on, posting.end_reason, posting.end_note = ended_on, EndReason(reason), note
    posting.full_clean()
    posting.save(update_fields=["ended_on", "end_reason", "end_note"])
    audit.record(posting, audit.POSTING_END, user=by, ended_on=ended_on.isoformat(), reason=reason, note=note)
    return posting


@transaction.atomic
def posting_plan_successor(
    *,
    posting: Posting,
    cadre: Cadre,
    starts_on: date,
    handover_until: date,
    sending_unit: str,
    role: str | None = None,
    by=None,
) -> Posting:
    """Name a successor for `posting`: the successor is posted from `starts_on`, and the outgoing
    cadre stays until `handover_until` so both are in the village for the handover."""
    outgoing = Posting.objects.select_for_update().select_related("team").get(pk=posting.pk)
    _check_scope(by, outgoing.team)
    _check_open(outgoing)
    existing = Posting.objects.filter(predecessor=outgoing).select_related("cadre").first()
    if existing is not None:
        raise PostingRefused(SUCCESSOR_ALREADY_PLANNED % {"successor": existing.cadre})
    if handover_until <= outgoing.starts_on:
        raise PostingRefused(SUCCESSOR_HANDOVER_BEFORE_START % {"day": outgoing.starts_on})
    if not rules.handover_is_valid(successor_starts_on=starts_on, predecessor_ends_on=handover_until):
        raise PostingRefused(SUCCESSOR_BAD_HANDOVER % {"days": rules.MAX_HANDOVER_DAYS})
    successor = posting_create(
        cadre=cadre,
        team=outgoing.team,
        role=role or outgoing.role,
        sending_unit=sending_unit,
        starts_on=starts_on,
        predecessor=outgoing,
        by=by,
    )
    outgoing.planned_end_on = handover_until
    outgoing.save(update_fields=["planned_end_on"])
    audit.record(
        outgoing,
        audit.SUCCESSOR_PLAN,
        user=by,
        successor=successor.pk,
        starts_on=starts_on.isoformat(),
        handover_until=handover_until.isoformat(),
        overlap_days=rules.handover_days(successor_starts_on=starts_on, predecessor_ends_on=handover_until),
    )
    return successor
