"""Reads about village postings. Every function makes a fixed number of queries, whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from cadres.models import Cadre, OrgUnit, UnitLevel
from cadres.roles import Scope
from courses.selectors import ancestor_paths
from postings import rules
from postings.models import CheckIn, Flag, Inspection, LeaveRequest, LeaveStatus, Posting, PostingRuleSet
from rotations.models import Attendance, AttendanceStatus, Batch, Outcome, Seat

# Marks that put a cadre in the classroom: those days they are away at training (参训).
AT_TRAINING = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def in_scope(queryset: QuerySet, *, scope: Scope, path_lookup: str) -> QuerySet:
    """`queryset` cut down to the rows whose unit path lies in `scope`."""
    if scope.nothing:
        return queryset.none()
    if scope.everything:
        return queryset
    return queryset.filter(**{f"{path_lookup}__startswith": scope.path})


# --- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleBook:
    """Every rule set, loaded once, so a report of many teams resolves rules without a query per team."""

    by_path: dict[str, rules.Rules]

    def for_path(self, path: str) -> rules.Rules:
        for prefix in sorted((p for p in self.by_path if path.startswith(p)), key=len, reverse=True):
            return self.by_path[prefix]
        return rules.Rules()


def rule_book() -> RuleBook:
    rule_sets = PostingRuleSet.objects.select_related("unit")
    return RuleBook(by_path={rule_set.unit.path: rule_set.as_rules() for rule_set in rule_sets})


def rule_set_for_unit(unit: OrgUnit) -> PostingRuleSet | None:
    """The nearest rule set at or above `unit`, or None where only the defaults apply."""
    return (
        PostingRuleSet.objects.filter(unit__path__in=ancestor_paths(unit.path))
        .select_related("unit", "induction_course")
        .order_by("-unit__depth")
        .first()
    )


def rules_for_unit(unit: OrgUnit) -> rules.Rules:
    rule_set = rule_set_for_unit(unit)
    return rule_set.as_rules() if rule_set else rules.Rules()


def rule_sets_in_scope(*, scope: Scope) -> QuerySet[PostingRuleSet]:
    qs = PostingRuleSet.objects.select_related("unit", "induction_course").order_by("unit__path")
    return in_scope(qs, scope=scope, path_lookup="unit__path")


# --- postings and teams --------------------------------------------------------------------


def _active_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def postings_in_scope(*, scope: Scope) -> QuerySet[Posting]:
    qs = Posting.objects.select_related("cadre", "team", "predecessor__cadre", "successor__cadre")
    return in_scope(qs, scope=scope, path_lookup="team__path")


def active_postings(*, team: OrgUnit, day: date) -> QuerySet[Posting]:
    return Posting.objects.filter(_active_on(day), team=team).select_related("cadre").order_by("role", "cadre__name")


def current_posting(*, cadre: Cadre, day: date) -> Posting | None:
    """The posting a cadre holds on `day`; a posting not yet started does not count."""
    return Posting.objects.filter(_active_on(day), cadre=cadre).select_related("team").order_by("-starts_on").first()


def open_postings_of_team(*, team_id: object, scope: Scope) -> QuerySet[Posting]:
    """One team's open postings in `scope`, by name; none when `team_id` is not a number."""
    try:
        team_id = int(team_id)
    except (TypeError, ValueError):
        return Posting.objects.none()
    postings = Posting.objects.filter(team_id=team_id, ended_on__isnull=True).select_related("cadre")
    return in_scope(postings, scope=scope, path_lookup="team__path").order_by("cadre__name", "pk")


def teams_in_scope(*, scope: Scope) -> QuerySet[OrgUnit]:
    return in_scope(OrgUnit.objects.filter(level=UnitLevel.VILLAGE_TEAM), scope=scope, path_lookup="path")


def teams_with_size(*, scope: Scope, day: date) -> QuerySet[OrgUnit]:
    """Work teams with `active_members` annotated: people posted there on `day`."""
    return (
        teams_in_scope(scope=scope)
        .annotate(active_members=Count("postings", filter=_active_on(day, "postings__")))
        .order_by("path")
    )


def parent_names(teams: list[OrgUnit]) -> dict[int, str]:
    """Each team's parent unit name (its township), in one query."""
    parents = dict(
        OrgUnit.objects.filter(path__in={team.path[: -OrgUnit.steplen] for team in teams}).values_list("path", "name")
    )
    return {team.pk: parents.get(team.path[: -OrgUnit.steplen], "") for team in teams}


def members_behind_this_month(*, teams: list[OrgUnit], today: date, book: RuleBook) -> dict[int, int]:
    """Per team, how many members are behind (or can no longer meet) this month's presence rule."""
    month = rules.month_bounds(today)
    postings = list(
        Posting.objects.filter(team__in=teams, starts_on__lte=month[1])
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=month[0]))
        .annotate(month_days=Count("check_ins", filter=Q(check_ins__day__range=month)))
        .only("team_id", "starts_on", "planned_end_on", "ended_on")
    )
    leave = leave_off_by_posting(posting_ids=[posting.pk for posting in postings], period=month)
    paths = {team.pk: team.path for team in teams}
    behind: dict[int, int] = {}
    for posting in postings:
        presence = rules.assess_presence(
            present=posting.month_days,
            rule_days=book.for_path(paths[posting.team_id]).days_per_month,
            period=month,
            posted_from=posting.starts_on,
            posted_until=posting.last_day,
            today=today,
            leave=leave.get(posting.pk, frozenset()),
        )
        if presence.status in (rules.PresenceStatus.BEHIND, rules.PresenceStatus.CANNOT_MEET):
            behind[posting.team_id] = behind.get(posting.team_id, 0) + 1
    return behind


def team_size(*, team: OrgUnit, day: date) -> int:
    return Posting.objects.filter(_active_on(day), team=team).count()


def postings_ending(*, scope: Scope, until: date) -> QuerySet[Posting]:
    """Open postings planned to end by `until`, including those past their planned end and not yet closed."""
    return (
        postings_in_scope(scope=scope)
        .filter(ended_on__isnull=True, planned_end_on__lte=until)
        .order_by("planned_end_on", "team__path")
    )


# --- presence ------------------------------------------------------------------------------


def postings_with_presence(*, scope: Scope, month: tuple[date, date], year: tuple[date, date]) -> QuerySet[Posting]:
    """Postings that overlap the year, with `month_days` and `year_days` present annotated."""
    return (
        postings_in_scope(scope=scope)
        .filter(starts_on__lte=year[1])
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=year[0]))
        .annotate(
            month_days=Count("check_ins", filter=Q(check_ins__day__range=month)),
            year_days=Count("check_ins", filter=Q(check_ins__day__range=year)),
        )
        .order_by("team__path", "cadre__name")
    )


def training_days_by_posting(*, posting_ids: list[int], period: tuple[date, date]) -> dict[int, set[date]]:
    """Per posting, the days within `period` its cadre attended a training batch (参训) and did not
    check in to the village (one query): excused absence, like approved leave."""
    checked_in = CheckIn.objects.filter(cadre_id=OuterRef("cadre_id"), day=OuterRef("session__date"))
    days: dict[int, set[date]] = {}
    for posting_id, day in (
        Attendance.objects.filter(
            cadre__postings__pk__in=posting_ids, session__date__range=period, status__in=AT_TRAINING
        )
        .exclude(Exists(checked_in))
        .values_list("cadre__postings__pk", "session__date")
        .distinct()
    ):
        days.setdefault(posting_id, set()).add(day)
    return days


def leave_off_by_posting(*, posting_ids: list[int], period: tuple[date, date]) -> dict[int, frozenset[date]]:
    """Per posting, the excused days within `period` (three queries, none for no postings): days of
    approved leave without a check-in, and days away at a training batch (参训) without one. These are
    the days `rules.assess_presence` takes out of the days required."""
    if not posting_ids:
        return {}
    ranges: dict[int, list[tuple[date, date]]] = {}
    for posting_id, starts_on, ends_on in LeaveRequest.objects.filter(
        posting_id__in=posting_ids, status=LeaveStatus.APPROVED, starts_on__lte=period[1], ends_on__gte=period[0]
    ).values_list("posting_id", "starts_on", "ends_on"):
        ranges.setdefault(posting_id, []).append((max(starts_on, period[0]), min(ends_on, period[1])))
    # Only the check-ins that fall on a day of approved leave: usually none at all.
    back_early: dict[int, set[date]] = {}
    for posting_id, day in (
        CheckIn.objects.filter(
            posting_id__in=posting_ids,
            day__range=period,
            posting__leave_requests__status=LeaveStatus.APPROVED,
            posting__leave_requests__starts_on__lte=F("day"),
            posting__leave_requests__ends_on__gte=F("day"),
        )
        .values_list("posting_id", "day")
        .distinct()
    ):
        back_early.setdefault(posting_id, set()).add(day)
    excused = {
        posting_id: rules.leave_days_off(posting_ranges, back_early.get(posting_id, set()))
        for posting_id, posting_ranges in ranges.items()
    }
    for posting_id, days in training_days_by_posting(posting_ids=posting_ids, period=period).items():
        excused[posting_id] = excused.get(posting_id, frozenset()) | frozenset(days)
    return excused


def training_seat_on(*, cadre: Cadre, day: date) -> Seat | None:
    """The seat of a batch running on `day` that the cadre is away at (参训): they have attended it by
    `day` and have no approved training leave for `day`. None when they are not at training."""
    attended = Attendance.objects.filter(
        cadre_id=OuterRef("cadre_id"),
        session__batch_id=OuterRef("batch_id"),
        session__date__lte=day,
        status__in=AT_TRAINING,
    )
    on_leave = Attendance.objects.filter(
        cadre_id=OuterRef("cadre_id"),
        session__batch_id=OuterRef("batch_id"),
        session__date=day,
        status=AttendanceStatus.LEAVE,
    )
    return (
        Seat.objects.filter(cadre=cadre, batch__starts_on__lte=day, batch__ends_on__gte=day)
        .filter(Exists(attended))
        .exclude(Exists(on_leave))
        .select_related("batch", "programme")
        .first()
    )


def check_in_days(*, cadre: Cadre, start: date, end: date) -> list[date]:
    return list(CheckIn.objects.filter(cadre=cadre, day__range=(start, end)).values_list("day", flat=True))


@dataclass(frozen=True)
class VillageSummary:
    posting: Posting | None
    rules: rules.Rules
    checked_in_today: bool
    month: rules.Presence | None
    year: rules.Presence | None
    leave_requests: list[LeaveRequest]
    training_today: Seat | None = None  # the batch the cadre is away at today (参训), if any


def village_summary(*, cadre: Cadre, today: date) -> VillageSummary:
    """What the cadre's village page shows: today's check-in, this month and year against the rule."""
    posting = current_posting(cadre=cadre, day=today)
    if posting is None:
        return VillageSummary(None, rules.Rules(), False, None, None, [])
    posting_rules = rules_for_unit(posting.team)
    year = rules.year_bounds(today)
    days = check_in_days(cadre=cadre, start=year[0], end=year[1])
    leave = leave_off_by_posting(posting_ids=[posting.pk], period=year).get(posting.pk, frozenset())
    month = rules.month_bounds(today)

    def assess(period, rule_days):
        return rules.assess_presence(
            present=rules.days_in_period(days, period),
            rule_days=rule_days,
            period=period,
            posted_from=posting.starts_on,
            posted_until=posting.last_day,
            today=today,
            leave=leave,
        )

    return VillageSummary(
        posting=posting,
        rules=posting_rules,
        checked_in_today=today in days,
        month=assess(month, posting_rules.days_per_month),
        year=assess(year, posting_rules.days_per_year),
        leave_requests=list(posting.leave_requests.order_by("-starts_on", "-pk")[:20]),
        training_today=training_seat_on(cadre=cadre, day=today),
    )


# --- leave and supervision -----------------------------------------------------------------


def leave_requests_in_scope(*, scope: Scope) -> QuerySet[LeaveRequest]:
    qs = LeaveRequest.objects.select_related("posting__cadre", "posting__team", "decided_by")
    return in_scope(qs, scope=scope, path_lookup="posting__team__path")


def approved_leave_on(*, posting: Posting, day: date) -> bool:
    return posting.leave_requests.filter(status=LeaveStatus.APPROVED, starts_on__lte=day, ends_on__gte=day).exists()


def inspections_in_scope(*, scope: Scope) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("team", "recorded_by").annotate(absence_count=Count("absences"))
    return in_scope(qs, scope=scope, path_lookup="team__path")


def flags_in_scope(*, scope: Scope) -> QuerySet[Flag]:
    qs = Flag.objects.select_related("cadre", "posting__team").annotate(follow_up_count=Count("follow_ups"))
    return in_scope(qs, scope=scope, path_lookup="posting__team__path")


# --- induction -----------------------------------------------------------------------------


def induction_seat_held(*, cadre: Cadre, after: date, until: date) -> Seat | None:
    """A seat the cadre already holds in an induction batch that starts after `after` and ends by `until`."""
    return (
        Seat.objects.filter(
            cadre=cadre,
            programme__is_induction=True,
            outcome=Outcome.SCHEDULED,
            batch__starts_on__gt=after,
            batch__ends_on__lte=until,
        )
        .select_related("batch")
        .order_by("batch__starts_on")
        .first()
    )


MAX_INDUCTION_BATCHES_TRIED = 20


def induction_batches(*, after: date, until: date) -> list[Batch]:
    """Batches of induction programmes that start after `after` and end by `until`, the earliest first."""
    batches = (
        Batch.objects.filter(programme__is_induction=True, starts_on__gt=after, ends_on__lte=until)
        .select_related("programme")
        .order_by("starts_on", "ends_on", "pk")
    )
    return list(batches[:MAX_INDUCTION_BATCHES_TRIED])


def induction_seat_of(*, posting: Posting) -> Seat | None:
    if posting.induction_seat_id is None:
        return None
    return Seat.objects.filter(pk=posting.induction_seat_id).select_related("batch", "programme").first()
