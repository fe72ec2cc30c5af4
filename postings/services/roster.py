"""Postings made by a roster import: a row placing a team cadre in a village work team with a
date posted (驻村日期) posts that cadre there, so they can check in at /village/ at once.

The roster lives in `cadres`, which may not import this app; it sends `cadres.signals.roster_imported`
inside its transaction and `postings.apps` connects `roster_imported_receiver` to it, so postings
commit or roll back with the import. Rows go in bulk (a county's roster is thousands of rows): the
rules and existing postings are read once per import, not once per row.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cadres.models import Cadre, OrgUnit
from cadres.roster import row_error
from cadres.signals import RosterFollowUp, RosterPosting
from courses.selectors import ancestor_paths
from postings import audit, rules
from postings.models import InductionRoute, Posting, PostingRuleSet
from postings.services.induction import induction_assign
from postings.services.postings import CATEGORY_FOR_ROLE

# Row notes (cadres.roster.RowError templates): the cadre is imported but not posted.
NOT_POSTED_ELSEWHERE = gettext_noop(
    "Not posted to {team}: this cadre is already posted to {current}; end that posting first."
)
NOT_POSTED_NO_SENDING_UNIT = gettext_noop("Not posted to {team}: a posting needs a sending unit (派出单位).")

ROLE_FOR_CATEGORY = {category: role for role, category in CATEGORY_FOR_ROLE.items()}
BATCH_SIZE = 500


def _nearest_rule_sets(teams: dict[int, OrgUnit]) -> dict[int, PostingRuleSet | None]:
    """Each team's nearest rule set at or above it, in one query for all teams."""
    paths = {path for team in teams.values() for path in ancestor_paths(team.path)}
    by_path = {
        rule_set.unit.path: rule_set
        for rule_set in PostingRuleSet.objects.filter(unit__path__in=paths).select_related("unit", "induction_course")
    }
    nearest = {}
    for team_id, team in teams.items():
        found = [by_path[path] for path in ancestor_paths(team.path) if path in by_path]
        nearest[team_id] = max(found, key=lambda rule_set: len(rule_set.unit.path), default=None)
    return nearest


@transaction.atomic
def postings_create_from_roster(
    *, postings: list[RosterPosting], root_unit: OrgUnit, by=None, today: date
) -> RosterFollowUp:
    """Post every row's cadre to its team unless they already hold an open posting.

    A cadre already posted to the same team is left alone (a re-import changes nothing); one posted
    elsewhere, or a row without a sending unit, is not posted and gets a note. The term runs from
    the row's date posted for the team's minimum term; the induction follows the team's rules.
    """
    follow_up = RosterFollowUp()
    if not postings:
        return follow_up
    teams = OrgUnit.objects.in_bulk({p.team_id for p in postings})
    open_postings: dict[int, Posting] = {}
    cadre_ids = [p.cadre_id for p in postings]
    for start in range(0, len(cadre_ids), BATCH_SIZE):
        chunk = cadre_ids[start : start + BATCH_SIZE]
        open_postings.update(
            (posting.cadre_id, posting)
            for posting in Posting.objects.filter(cadre_id__in=chunk, ended_on__isnull=True).select_related("team")
        )
    rule_sets = _nearest_rule_sets(teams)
    new = []
    for row in postings:
        team = teams[row.team_id]
        current = open_postings.get(row.cadre_id)
        if current is not None:
            if current.team_id != team.pk:
                follow_up.notes.append(
                    row_error(row.row, "单位", NOT_POSTED_ELSEWHERE, team=team.name, current=current.team.name)
                )
            continue
        if not row.sending_unit:
            follow_up.notes.append(row_error(row.row, "派出单位", NOT_POSTED_NO_SENDING_UNIT, team=team.name))
            continue
        rule_set = rule_sets[team.pk]
        term_months = rule_set.term_months if rule_set else rules.DEFAULT_TERM_MONTHS
        posting = Posting(
            cadre_id=row.cadre_id,
            team=team,
            role=ROLE_FOR_CATEGORY[row.category],
            sending_unit=row.sending_unit,
            starts_on=row.starts_on,
            planned_end_on=rules.planned_end(row.starts_on, term_months),
            created_by=by,
        )
        # Field checks only: the database holds the constraints, and checking them here costs a query each.
        posting.full_clean(exclude=["cadre", "team", "created_by"], validate_unique=False, validate_constraints=False)
        new.append(posting)
    created = Posting.objects.bulk_create(new, batch_size=BATCH_SIZE)
    follow_up.postings_created = len(created)
    if created:
        audit.record(
            root_unit,
            audit.POSTING_CREATE_FROM_ROSTER,
            user=by,
            postings=len(created),
            cadres=[posting.cadre_id for posting in created],
        )
    needs_induction = [p for p in created if _has_induction(rule_sets[p.team_id])]
    if needs_induction:
        # Only where the rules ask for an induction; the cadre objects are loaded for it alone.
        cadres = Cadre.objects.in_bulk([p.cadre_id for p in needs_induction])
        for posting in needs_induction:
            posting.cadre = cadres[posting.cadre_id]
            induction_assign(posting=posting, rule_set=rule_sets[posting.team_id], today=today, by=by)
    return follow_up


def _has_induction(rule_set: PostingRuleSet | None) -> bool:
    return rule_set is not None and (
        rule_set.induction_course_id is not None or rule_set.induction_route != InductionRoute.COURSE
    )


def roster_imported_receiver(sender, *, root_unit, actor, postings, **kwargs) -> RosterFollowUp:
    """Connected to `cadres.signals.roster_imported` in `PostingsConfig.ready`."""
    return postings_create_from_roster(postings=postings, root_unit=root_unit, by=actor, today=timezone.localdate())
