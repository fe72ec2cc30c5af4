"""Inspections, the flags repeated unexcused absence produces, and the officers' follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cadres.models import OrgUnit, UnitLevel
from postings import audit, rules
from postings.exceptions import InspectionRefused, NotAllowed
from postings.models import Absence, EndReason, Flag, FollowUp, FollowUpKind, Inspection, Posting
from postings.scoping import user_scope
from postings.selectors import approved_leave_on, rules_for_unit
from postings.services.postings import posting_end

INSPECTION_OUTSIDE_SCOPE = _("This work team is outside the part of the organisation you manage.")
INSPECTION_NOT_A_TEAM = _("Inspections are of village work teams; %(unit)s is not one.")
INSPECTION_IN_FUTURE = _("An inspection is recorded after it took place, not before.")
INSPECTION_NOT_POSTED_THERE = _("%(cadre)s was not posted to %(team)s on %(day)s.")
INSPECTION_ON_LEAVE = _("%(cadre)s was on approved leave on %(day)s, so the absence is excused.")
INSPECTION_ALREADY_ABSENT = _("%(cadre)s is already recorded absent on %(day)s.")
FLAG_OUTSIDE_SCOPE = _("This flag is outside the part of the organisation you manage.")


@transaction.atomic
def inspection_record(
    *,
    team: OrgUnit,
    inspected_on: date,
    inspectors: str,
    findings: str,
    absent: Sequence[Posting] = (),
    by,
    today: date,
) -> Inspection:
    """Record an inspection and the posted cadres found absent without leave; each absence may raise a flag.

    `by` is the recording user, checked against their subtree; None is the system (demo data, commands).
    """
    if by is not None and not user_scope(by).allows_path(team.path):
        raise NotAllowed(INSPECTION_OUTSIDE_SCOPE)
    if team.level != UnitLevel.VILLAGE_TEAM:
        raise InspectionRefused(INSPECTION_NOT_A_TEAM % {"unit": team})
    if inspected_on > today:
        raise InspectionRefused(INSPECTION_IN_FUTURE)
    absent = list(Posting.objects.filter(pk__in=[p.pk for p in absent]).select_related("cadre", "team"))
    for posting in absent:
        names = {"cadre": posting.cadre, "team": team, "day": inspected_on}
        if posting.team_id != team.pk or not posting.is_active_on(inspected_on):
            raise InspectionRefused(INSPECTION_NOT_POSTED_THERE % names)
        if approved_leave_on(posting=posting, day=inspected_on):
            raise InspectionRefused(INSPECTION_ON_LEAVE % names)
        if Absence.objects.filter(posting=posting, day=inspected_on).exists():
            raise InspectionRefused(INSPECTION_ALREADY_ABSENT % names)

    inspection = Inspection(
        team=team, inspected_on=inspected_on, inspectors=inspectors, findings=findings, recorded_by=by
    )
    inspection.full_clean()
    inspection.save()
    Absence.objects.bulk_create([Absence(inspection=inspection, posting=p, day=inspected_on) for p in absent])
    audit.record(
        inspection,
        audit.INSPECTION_RECORD,
        user=by,
        team=team.pk,
        inspected_on=inspected_on.isoformat(),
        absent=[p.pk for p in absent],
    )
    for posting in absent:
        flag_refresh(posting=posting, year=inspected_on.year, day=inspected_on, by=by)
    return inspection


def flag_refresh(*, posting: Posting, year: int, day: date, by=None) -> Flag | None:
    """Bring the cadre's flag for `year` in line with their unexcused absences that year.

    The flag escalates in place (one per cadre and year) and reopens when it does, so a new
    consequence always waits for a new follow-up. It never de-escalates.
    """
    absences = Absence.objects.filter(posting__cadre_id=posting.cadre_id, day__year=year).count()
    level = rules.flag_for_absences(absences, rules_for_unit(posting.team).flag_thresholds)
    flag = Flag.objects.select_for_update().filter(cadre_id=posting.cadre_id, year=year).first()
    if level is None:
        return flag
    if flag is None:
        flag = Flag(
            cadre_id=posting.cadre_id, posting=posting, year=year, level=level.value, absences=absences, raised_on=day
        )
        flag.full_clean()
        flag.save()
        audit.record(flag, audit.FLAG_RAISE, user=by, level=level.value, absences=absences)
        return flag
    flag.absences = absences
    if level.rank > rules.FlagLevel(flag.level).rank:
        flag.level, flag.raised_on, flag.is_open, flag.posting = level.value, day, True, posting
        audit.record(flag, audit.FLAG_RAISE, user=by, level=level.value, absences=absences)
    flag.save()
    return flag


@transaction.atomic
def follow_up_record(*, flag: Flag, kind: str, done_on: date, note: str = "", by) -> FollowUp:
    """Record what was done about a flag; a recall also ends the posting on that day."""
    flag = Flag.objects.select_for_update().select_related("posting__team", "cadre").get(pk=flag.pk)
    if by is not None and not user_scope(by).allows_path(flag.posting.team.path):
        raise NotAllowed(FLAG_OUTSIDE_SCOPE)
    follow_up = FollowUp(flag=flag, kind=FollowUpKind(kind), done_on=done_on, note=note, recorded_by=by)
    follow_up.full_clean()
    follow_up.save()
    flag.is_open = False
    flag.save(update_fields=["is_open"])
    audit.record(flag, audit.FOLLOW_UP_RECORD, user=by, kind=kind, done_on=done_on.isoformat(), note=note)
    if kind == FollowUpKind.RECALL and flag.posting.ended_on is None:
        posting_end(
            posting=flag.posting,
            ended_on=max(done_on, flag.posting.starts_on),
            reason=EndReason.RECALLED,
            note=note[:200],
            by=by,
        )
    return follow_up
