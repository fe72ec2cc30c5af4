"""Admin registration: permission policies first, then the "village postings" menu group with its
viewsets and reports, and the audit log actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from postings import audit
from postings.admin_views.leave import LeaveViewSet
from postings.admin_views.postings import PostingViewSet
from postings.admin_views.rules import RuleSetViewSet
from postings.admin_views.supervision import FlagViewSet, InspectionViewSet, team_members
from postings.models import Flag, Inspection, LeaveRequest, Posting, PostingRuleSet
from postings.permissions import SubtreePermissionPolicy
from postings.reports import PresenceReportView, TeamsReportView, TermsEndingReportView
from postings.scoping import user_scope

EVERY_ACTION = ("view", "add", "change", "delete")
register_permission_policy(
    Posting,
    SubtreePermissionPolicy(
        Posting, path_lookup="team__path", actions=("view", "add", "change"), admin_actions=("delete",)
    ),
)
# Leave is requested by cadres and decided on its own page, never edited in a form.
register_permission_policy(LeaveRequest, SubtreePermissionPolicy(LeaveRequest, path_lookup="posting__team__path"))
# Inspections are a record of what was found: added, never edited; only administrators delete.
register_permission_policy(
    Inspection,
    SubtreePermissionPolicy(Inspection, path_lookup="team__path", actions=("view", "add"), admin_actions=("delete",)),
)
register_permission_policy(Flag, SubtreePermissionPolicy(Flag, path_lookup="posting__team__path"))
register_permission_policy(
    PostingRuleSet, SubtreePermissionPolicy(PostingRuleSet, path_lookup="unit__path", actions=EVERY_ACTION)
)

SUBMENU_HOOK = "register_postings_menu_item"


class PostingsMenuGroup(ViewSetGroup):
    menu_label = _("Village postings")
    menu_icon = "home"
    menu_order = 260
    submenu_hook = SUBMENU_HOOK
    items = (PostingViewSet, LeaveViewSet, InspectionViewSet, FlagViewSet, RuleSetViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return PostingsMenuGroup()


class ScopedMenuItem(MenuItem):
    def is_shown(self, request):
        return not user_scope(request.user).nothing


REPORTS = [
    ("teams/", "postings_report_teams", TeamsReportView, _("Work teams"), "group"),
    ("ending/", "postings_report_ending", TermsEndingReportView, _("Terms ending"), "time"),
    ("presence/", "postings_report_presence", PresenceReportView, _("Presence in the village"), "tasks"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [path("postings/teams/<int:pk>/members/", team_members, name="postings_team_members")]
    for prefix, name, view, _label, _icon in REPORTS:
        urls += [
            path(f"postings/reports/{prefix}", view.as_view(), name=name),
            path(f"postings/reports/{prefix}results/", view.as_view(results_only=True), name=f"{name}_results"),
        ]
    return urls


def _report_menu_item(name, label, icon, order):
    @hooks.register(SUBMENU_HOOK)
    def register():
        return ScopedMenuItem(label, reverse(name), icon_name=icon, order=order)

    return register


for _order, (_prefix, _name, _view, _label, _icon) in enumerate(REPORTS, start=10):
    _report_menu_item(_name, _label, _icon, _order)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    audit.register_actions(actions)
