"""Officers' reports on village postings, in the shape of Wagtail's own reports: a title, filters,
columns, `.xlsx` export with a dated file name, and a queryset from a selector. Each report makes
a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from cadres.models import OrgUnit
from postings import rules, selectors
from postings.admin_views.base import SafeSpreadsheetMixin
from postings.filters import EndingFilterSet, MonthFilterSet, TeamFilterSet
from postings.models import Posting
from postings.permissions import SubtreePermissionPolicy
from postings.scoping import user_scope

DEFAULT_ENDING_MONTHS = 3

STATUS_LABELS = {
    rules.PresenceStatus.MET: _("Rule met"),
    rules.PresenceStatus.ON_TRACK: _("On track"),
    rules.PresenceStatus.BEHIND: _("Behind"),
    rules.PresenceStatus.CANNOT_MEET: _("Cannot be met"),
    rules.PresenceStatus.NOT_DUE: _("Not due"),
}


class PostingReportView(SafeSpreadsheetMixin, ReportView):
    """Base of the postings reports: visible to officers and administrators, scoped to their subtree.
    Override `rows()` to return the report's rows for `self.scope`."""

    permission_policy = SubtreePermissionPolicy(Posting, path_lookup="team__path")
    permission_required = "view"
    header_icon = "group"

    @property
    def scope(self):
        return user_scope(self.request.user)

    @property
    def today(self) -> date:
        return timezone.localdate()

    def get_filename(self):
        return f"{self.export_filename}-{self.today:%Y-%m-%d}"

    def filter_value(self, name: str):
        filters = self.filters
        if filters is None or not filters.form.is_valid():
            return None
        return filters.form.cleaned_data.get(name)


# --- teams ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    team: OrgUnit
    parent_name: str
    active_members: int
    minimum: int
    behind_on_presence: int

    @property
    def shortfall(self) -> int:
        return rules.team_shortfall(self.active_members, self.minimum)

    @property
    def size_status(self) -> str:
        return str(_("Below minimum")) if self.shortfall else str(_("Manned"))


class TeamsReportView(PostingReportView):
    page_title = _("Work teams")
    index_url_name = "postings_report_teams"
    index_results_url_name = "postings_report_teams_results"
    filterset_class = TeamFilterSet
    export_filename = "work-teams"
    list_export = ["team", "parent_name", "active_members", "minimum", "shortfall", "behind_on_presence"]
    export_headings = {
        "team": _("work team"),
        "parent_name": _("township"),
        "active_members": _("members on post"),
        "minimum": _("minimum team size"),
        "shortfall": _("missing"),
        "behind_on_presence": _("behind on presence this month"),
    }
    columns = [
        Column("team", label=_("work team")),
        Column("parent_name", label=_("township")),
        Column("active_members", label=_("members on post")),
        Column("minimum", label=_("minimum team size")),
        Column("size_status", label=_("size")),
        Column("behind_on_presence", label=_("behind on presence this month")),
    ]

    def get_base_queryset(self):
        return selectors.teams_with_size(scope=self.scope, day=self.today)

    def get_filtered_queryset(self):
        teams = list(self.get_base_queryset())
        book = selectors.rule_book()
        parents = selectors.parent_names(teams)
        behind = selectors.members_behind_this_month(teams=teams, today=self.today, book=book)
        rows = [
            TeamRow(
                team=team,
                parent_name=parents.get(team.pk, ""),
                active_members=team.active_members,
                minimum=book.for_path(team.path).min_team_size,
                behind_on_presence=behind.get(team.pk, 0),
            )
            for team in teams
        ]
        if self.filter_value("below_minimum"):
            rows = [row for row in rows if row.shortfall]
        return rows


# --- terms ending --------------------------------------------------------------------------


def days_left(posting: Posting) -> int:
    return (posting.planned_end_on - timezone.localdate()).days


def successor_text(posting: Posting) -> str:
    successor = getattr(posting, "successor", None)
    if successor is None:
        return str(_("None planned"))
    overlap = rules.handover_days(successor_starts_on=successor.starts_on, predecessor_ends_on=posting.planned_end_on)
    return str(_("%(name)s from %(day)s, %(overlap)s days of handover")) % {
        "name": successor.cadre.name,
        "day": successor.starts_on,
        "overlap": overlap,
    }


class TermsEndingReportView(PostingReportView):
    page_title = _("Terms ending")
    index_url_name = "postings_report_ending"
    index_results_url_name = "postings_report_ending_results"
    filterset_class = EndingFilterSet
    export_filename = "terms-ending"
    list_export = ["cadre", "team", "role", "sending_unit", "starts_on", "planned_end_on", "successor_text"]
    export_headings = {"successor_text": _("successor")}
    columns = [
        Column("cadre", label=_("cadre")),
        Column("team", label=_("work team")),
        Column("role", label=_("role"), accessor="get_role_display"),
        DateColumn("planned_end_on", label=_("planned end")),
        Column("days_left", label=_("days left"), accessor=days_left),
        Column("successor", label=_("successor"), accessor=successor_text),
    ]

    def months(self) -> int:
        value = self.filter_value("within")
        return int(value) if value else DEFAULT_ENDING_MONTHS

    def get_base_queryset(self):
        until = rules.add_months(self.today, self.months())
        return selectors.postings_ending(scope=self.scope, until=until)

    def to_row_dict(self, item):
        values = {"role": item.get_role_display(), "successor_text": successor_text(item)}
        return {field: values[field] if field in values else getattr(item, field) for field in self.list_export}


# --- presence ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PresenceRow:
    posting: Posting
    month: rules.Presence
    year: rules.Presence

    @property
    def cadre(self):
        return self.posting.cadre.name

    @property
    def team(self):
        return self.posting.team.name

    @property
    def month_present(self):
        return self.month.present

    @property
    def month_required(self):
        return self.month.required

    @property
    def month_status(self):
        return str(STATUS_LABELS[self.month.status])

    @property
    def month_leave(self):
        return self.month.on_leave

    @property
    def year_present(self):
        return self.year.present

    @property
    def year_required(self):
        return self.year.required

    @property
    def year_status(self):
        return str(STATUS_LABELS[self.year.status])

    @property
    def year_leave(self):
        return self.year.on_leave


def parse_month(value: str | None, today: date) -> date:
    """The first day of a YYYY-MM month; this month when the value is blank or malformed."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


PRESENCE_HELP = _(
    "Days present are the days checked in. Approved leave does not count as days present: its days are "
    "taken out of the days the rule applies to, and the rule is pro-rated over the rest, as for a posting "
    "that covers only part of the month or year. A check-in on a day of leave counts as present."
)


class PresenceReportView(PostingReportView):
    page_title = _("Presence in the village")
    template_name = "postings/admin/presence_report.html"
    index_url_name = "postings_report_presence"
    index_results_url_name = "postings_report_presence_results"
    filterset_class = MonthFilterSet
    export_filename = "village-presence"
    list_export = [
        "team",
        "cadre",
        "month_present",
        "month_leave",
        "month_required",
        "month_status",
        "year_present",
        "year_leave",
        "year_required",
        "year_status",
    ]
    export_headings = {
        "team": _("work team"),
        "cadre": _("cadre"),
        "month_present": _("days present this month"),
        "month_leave": _("days of approved leave this month"),
        "month_required": _("days required this month"),
        "month_status": _("month"),
        "year_present": _("days present this year"),
        "year_leave": _("days of approved leave this year"),
        "year_required": _("days required this year"),
        "year_status": _("year"),
    }
    columns = [
        Column("team", label=_("work team")),
        Column("cadre", label=_("cadre")),
        Column("month_present", label=_("days present this month")),
        Column("month_leave", label=_("days of approved leave this month")),
        Column("month_required", label=_("days required this month")),
        Column("month_status", label=_("month")),
        Column("year_present", label=_("days present this year")),
        Column("year_leave", label=_("days of approved leave this year")),
        Column("year_required", label=_("days required this year")),
        Column("year_status", label=_("year")),
    ]

    def month_start(self) -> date:
        return parse_month(self.filter_value("month"), self.today)

    def get_base_queryset(self):
        start = self.month_start()
        return selectors.postings_with_presence(
            scope=self.scope, month=rules.month_bounds(start), year=rules.year_bounds(start)
        )

    def get_filtered_queryset(self):
        start = self.month_start()
        # "Today" for a past month is its last day, so the pace reads as the month's final outcome.
        as_of = min(self.today, rules.month_bounds(start)[1])
        book = selectors.rule_book()
        postings = list(self.filter_queryset(self.get_base_queryset()))
        year = rules.year_bounds(start)
        leave_by_posting = selectors.leave_off_by_posting(posting_ids=[p.pk for p in postings], period=year)
        rows = []
        for posting in postings:
            posting_rules = book.for_path(posting.team.path)
            leave = leave_by_posting.get(posting.pk, frozenset())

            def assess(present, rule_days, period, posting=posting, leave=leave):
                return rules.assess_presence(
                    present=present,
                    rule_days=rule_days,
                    period=period,
                    posted_from=posting.starts_on,
                    posted_until=posting.last_day,
                    today=as_of,
                    leave=leave,
                )

            rows.append(
                PresenceRow(
                    posting=posting,
                    month=assess(posting.month_days, posting_rules.days_per_month, rules.month_bounds(start)),
                    year=assess(posting.year_days, posting_rules.days_per_year, year),
                )
            )
        return rows

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "presence_help": PRESENCE_HELP}
