"""Admin registration: the subtree permission policies, the roster and unit viewsets, and the
import/export pages. Policies are registered first, before anything can ask for a fallback."""

from django.urls import path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from cadres import activation, activation_views, audit, choosers, services, views
from cadres.models import Cadre, OrgUnit
from cadres.permissions import SubtreePermissionPolicy, cached_is_administrator
from cadres.viewsets import CadreViewSet, OrgUnitViewSet

register_permission_policy(OrgUnit, SubtreePermissionPolicy(OrgUnit, path_field="path", path_of=lambda u: u.path))
register_permission_policy(
    Cadre, SubtreePermissionPolicy(Cadre, path_field="unit__path", path_of=lambda c: c.unit.path)
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        CadreViewSet(),
        OrgUnitViewSet(),
        choosers.cadre_chooser_viewset,
        choosers.unit_chooser_viewset,
        choosers.staff_chooser_viewset,
    ]


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path("roster-import/", views.RosterImportView.as_view(), name="cadres_roster_import"),
        path("roster-import/<int:pk>/", views.ImportJobView.as_view(), name="cadres_import_job"),
        path("roster-import/<int:pk>/status/", views.import_job_status, name="cadres_import_job_status"),
        path("roster-files/template.xlsx", views.roster_template, name="cadres_roster_template"),
        path("roster-files/export.xlsx", views.roster_export, name="cadres_roster_export"),
        path("roster-activation/", activation_views.ActivationSlipsView.as_view(), name="cadres_activation_slips"),
        path(
            "roster-activation/<int:pk>/",
            activation_views.ActivationCodeReissueView.as_view(),
            name="cadres_activation_reissue",
        ),
        path("roster-files/export-full-id.xlsx", views.roster_export_full, name="cadres_roster_export_full"),
    ]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    audit.register_actions(actions)


@hooks.register("before_edit_user")
def remember_roles_before_edit(request, user):
    request._jianbing_roles_before = audit.roles_of(user)


@hooks.register("after_edit_user")
def log_role_change_after_edit(request, user):
    before = getattr(request, "_jianbing_roles_before", None)
    if before is not None:
        services.roles_change_record(user=user, before=before, by=request.user)


@hooks.register("after_edit_user")
def require_change_of_a_password_set_by_someone_else(request, user):
    # A password an administrator typed in is known to them: its owner must replace it.
    if request.method == "POST" and request.POST.get("password1") and user.pk != request.user.pk:
        activation.password_change_require(user=user, by=request.user)


@hooks.register("after_create_user")
def log_roles_of_new_user(request, user):
    services.roles_change_record(user=user, before={"superuser": False, "groups": []}, by=request.user)


@hooks.register("after_create_user")
def require_change_of_a_password_set_at_creation(request, user):
    if request.POST.get("password1"):
        activation.password_change_require(user=user, by=request.user)


@hooks.register("construct_reports_menu")
def site_history_for_administrators_only(request, menu_items):
    # The site-wide audit log names cadres of every subtree; lms.urls enforces the same rule.
    if not cached_is_administrator(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
