"""Outside-training claims (外部培训申报): a cadre submits with proof, an officer approves or returns it."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cadres.models import Cadre
from courses.models import CreditEntry, CreditSource
from records import rules, selectors
from records.exceptions import ClaimRefused
from records.models import ClaimStatus, OutsideClaim
from records.services.credit import grant

CLAIM_ALREADY_DECIDED = gettext_noop("This claim has already been decided.")
CLAIM_NEEDS_REASON = gettext_noop("Say why the claim is returned.")
CLAIM_DATES = gettext_noop("The training must end on or after the day it starts, and not in the future.")


def claim_earned_at(claim: OutsideClaim) -> datetime:
    """The hours belong to the day the training ended, the year it counts for."""
    return timezone.make_aware(datetime.combine(claim.ends_on, time(12)))


def _credits_changed(cadre_id: int) -> None:
    # Hook: report summary rows follow this write in the same transaction (reports/hooks.py).
    from reports.hooks import credits_changed

    credits_changed(cadre_ids=[cadre_id])


@transaction.atomic
def claim_submit(
    *, cadre: Cadre, title: str, organiser: str, starts_on, ends_on, hours: Decimal, proof
) -> OutsideClaim:
    if starts_on > ends_on or ends_on > timezone.localdate():
        raise ClaimRefused(CLAIM_DATES)
    claim = OutsideClaim(
        cadre=cadre,
        title=title,
        organiser=organiser,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        proof=proof,
        submitted_at=timezone.now(),
    )
    claim.full_clean()
    claim.save()
    return claim


def _pending(claim: OutsideClaim) -> OutsideClaim:
    claim = OutsideClaim.objects.select_for_update().select_related("cadre").get(pk=claim.pk)
    if claim.status != ClaimStatus.PENDING:
        raise ClaimRefused(CLAIM_ALREADY_DECIDED)
    return claim


@transaction.atomic
def claim_approve(*, claim: OutsideClaim, by, now: datetime | None = None) -> OutsideClaim:
    """Approve: the hours go into the ledger, counted (and capped) by the cadre's rule."""
    now = now or timezone.now()
    claim = _pending(claim)
    earned_at = claim_earned_at(claim)
    year = claim.ends_on.year
    rule = selectors.rule_for(cadre=claim.cadre, year=year)
    counted = rules.Counted(hours=claim.hours, basis={"method": "claim"})
    hours, snapshot = grant(
        cadre=claim.cadre, rule=rule, source=CreditSource.OUTSIDE, counted=counted, when=earned_at, elective=False
    )
    claim.credit_entry = CreditEntry.objects.create(
        cadre=claim.cadre,
        year=year,
        hours=hours,
        source=CreditSource.OUTSIDE,
        description=claim_description(claim),
        earned_at=earned_at,
        rule=snapshot,
    )
    claim.status, claim.decided_by, claim.decided_at, claim.reason = ClaimStatus.APPROVED, by, now, ""
    claim.save(update_fields=["credit_entry", "status", "decided_by", "decided_at", "reason"])
    _credits_changed(claim.cadre_id)
    return claim


def claim_description(claim: OutsideClaim) -> str:
    return f"{claim.title} · {claim.organiser}"[:200]


@transaction.atomic
def claim_return(*, claim: OutsideClaim, by, reason: str, now: datetime | None = None) -> OutsideClaim:
    if not reason.strip():
        raise ClaimRefused(CLAIM_NEEDS_REASON)
    claim = _pending(claim)
    claim.status, claim.decided_by, claim.decided_at = ClaimStatus.RETURNED, by, now or timezone.now()
    claim.reason = reason.strip()[:300]
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _credits_changed(claim.cadre_id)
    return claim
