"""The 统计报表 menu and the report pages' admin URLs. Shown to anyone who manages a subtree."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cadres.permissions import cached_scope
from cadres.roles import is_administrator
from reports import audit, token_views, views
from reports.home import OfficerHomePanel, officer_home


class ScopedMenuItem(MenuItem):
    def is_shown(self, request):
        return not cached_scope(request.user).nothing


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("training-reports/completion/", views.DashboardView.as_view(), name="reports_dashboard"),
        path("training-reports/courses/", views.CourseReportView.as_view(), name="reports_courses"),
        path("training-reports/overdue/", views.OverdueReportView.as_view(), name="reports_overdue"),
        path("training-reports/ranking/", views.RankingView.as_view(), name="reports_ranking"),
        path("training-reports/rotation/", views.ProgrammeReportView.as_view(), name="reports_programme"),
        path("training-reports/cadres/<int:pk>/", views.CadreRecordView.as_view(), name="reports_cadre"),
        path("training-reports/remind/", views.RemindView.as_view(), name="reports_remind"),
        path("training-reports/exports/<int:pk>/", views.ExportJobView.as_view(), name="reports_export_job"),
        path("training-reports/exports/<int:pk>/status/", views.export_job_status, name="reports_export_job_status"),
        path("training-reports/exports/<int:pk>/file/", views.export_job_download, name="reports_export_job_download"),
        path("training-reports/api-tokens/", token_views.ApiTokenListView.as_view(), name="reports_api_tokens"),
        path(
            "training-reports/api-tokens/add/", token_views.ApiTokenCreateView.as_view(), name="reports_api_token_add"
        ),
        path(
            "training-reports/api-tokens/<int:pk>/revoke/",
            token_views.ApiTokenRevokeView.as_view(),
            name="reports_api_token_revoke",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    items = [
        ScopedMenuItem(_("Completion"), reverse("reports_dashboard"), icon_name="dashboard", order=10),
        ScopedMenuItem(_("Courses"), reverse("reports_courses"), icon_name="doc-full", order=20),
        ScopedMenuItem(_("Overdue"), reverse("reports_overdue"), icon_name="warning", order=30),
        ScopedMenuItem(_("Unit ranking"), reverse("reports_ranking"), icon_name="order", order=40),
        ScopedMenuItem(_("Rotation training"), reverse("reports_programme"), icon_name="date", order=50),
        AdministratorMenuItem(_("API tokens"), reverse("reports_api_tokens"), icon_name="key", order=90),
    ]
    return SubmenuMenuItem(_("Reports"), Menu(items=items), icon_name="table", name="reports", order=200)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    audit.register_actions(actions)


@hooks.register("construct_homepage_panels")
def add_officer_home(request, panels):
    """Officers and trainers open the admin on what waits for them (reports/home.py)."""
    home = officer_home(user=request.user)
    if home.todos or home.figures:
        panels.append(OfficerHomePanel(home))
