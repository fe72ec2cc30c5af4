"""Listing filters for the officers' admin; every choice of team is cut to the user's subtree."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from postings.models import (
    ApprovalLevel,
    Flag,
    FlagLevel,
    Inspection,
    LeaveRequest,
    LeaveStatus,
    Posting,
    PostingRole,
)
from postings.scoping import user_scope
from postings.selectors import teams_in_scope


def _teams(request):
    return teams_in_scope(scope=user_scope(request.user)).order_by("path")


class PostingFilterSet(WagtailFilterSet):
    team = django_filters.ModelChoiceFilter(label=_("work team"), queryset=_teams, empty_label=_("All teams"))
    role = django_filters.ChoiceFilter(label=_("role"), choices=PostingRole.choices)
    state = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[("open", _("Open")), ("ended", _("Ended"))],
        method="filter_state",
        empty_label=_("All"),
    )

    class Meta:
        model = Posting
        fields = ["team", "role"]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(ended_on__isnull=True)
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset


class LeaveFilterSet(WagtailFilterSet):
    """Opens on the requests still waiting for a decision; "All" (an empty status) shows every one."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=LeaveStatus.choices, empty_label=_("All"))
    approval_level = django_filters.ChoiceFilter(label=_("decided by"), choices=ApprovalLevel.choices)
    team = django_filters.ModelChoiceFilter(
        label=_("work team"), field_name="posting__team", queryset=_teams, empty_label=_("All teams")
    )

    class Meta:
        model = LeaveRequest
        fields = ["status", "approval_level"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = LeaveStatus.PENDING
        super().__init__(data, *args, **kwargs)


class InspectionFilterSet(WagtailFilterSet):
    team = django_filters.ModelChoiceFilter(label=_("work team"), queryset=_teams, empty_label=_("All teams"))

    class Meta:
        model = Inspection
        fields = ["team"]


class FlagFilterSet(WagtailFilterSet):
    is_open = django_filters.BooleanFilter(label=_("open"))
    level = django_filters.ChoiceFilter(label=_("consequence"), choices=FlagLevel.choices)
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = Flag
        fields = ["is_open", "level", "year"]


class MonthFilterSet(WagtailFilterSet):
    """Reports of one month: `month` as YYYY-MM, this month when blank."""

    month = django_filters.CharFilter(label=_("month (YYYY-MM)"), method="keep")
    team = django_filters.ModelChoiceFilter(label=_("work team"), queryset=_teams, empty_label=_("All teams"))

    class Meta:
        model = Posting
        fields = ["team"]

    def keep(self, queryset, name, value):
        return queryset


class EndingFilterSet(WagtailFilterSet):
    within = django_filters.ChoiceFilter(
        label=_("ending within"),
        choices=[("1", _("1 month")), ("3", _("3 months")), ("6", _("6 months")), ("12", _("12 months"))],
        method="keep",
        empty_label=_("3 months"),
    )

    class Meta:
        model = Posting
        fields = []

    def keep(self, queryset, name, value):
        return queryset


class TeamFilterSet(WagtailFilterSet):
    below_minimum = django_filters.BooleanFilter(label=_("below minimum size only"), method="keep")

    class Meta:
        model = Posting.team.field.related_model
        fields = []

    def keep(self, queryset, name, value):
        return queryset
