"""The editable posting rules, per unit of the user's subtree."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from postings import selectors
from postings.admin_views.base import ScopedModelViewSet
from postings.forms import PostingRuleSetForm
from postings.models import PostingRuleSet


class RuleSetViewSet(ScopedModelViewSet):
    model = PostingRuleSet
    selector = staticmethod(selectors.rule_sets_in_scope)
    name = "postings_rules"
    icon = "cogs"
    menu_label = _("Posting rules")
    inspect_view_enabled = False
    list_display = [
        "unit",
        Column("term_months", label=_("minimum term (months)")),
        Column("min_team_size", label=_("minimum team size")),
        Column("days_per_month", label=_("days present per month")),
        Column("days_per_year", label=_("days present per year")),
        Column("township_leave_days", label=_("leave days the township may approve")),
        Column("induction_course", label=_("induction course")),
        Column("induction_route", label=_("induction by"), accessor="get_induction_route_display"),
    ]

    def get_form_class(self, for_update=False):
        return PostingRuleSetForm
