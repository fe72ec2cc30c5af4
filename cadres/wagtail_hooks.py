"""Admin registration: the subtree permission policies, the roster and unit viewsets, and the
import/export pages. Policies are registered first, before anything can ask for a fallback."""

from django.urls import path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from cadres import views
from cadres.models import Cadre, OrgUnit
from cadres.permissions import SubtreePermissionPolicy
from cadres.viewsets import CadreViewSet, OrgUnitViewSet

register_permission_policy(OrgUnit, SubtreePermissionPolicy(OrgUnit, path_field="path", path_of=lambda u: u.path))
register_permission_policy(
    Cadre, SubtreePermissionPolicy(Cadre, path_field="unit__path", path_of=lambda c: c.unit.path)
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [CadreViewSet(), OrgUnitViewSet()]


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path("roster-import/", views.RosterImportView.as_view(), name="cadres_roster_import"),
        path("roster-import/<int:pk>/", views.ImportJobView.as_view(), name="cadres_import_job"),
        path("roster-import/<int:pk>/status/", views.import_job_status, name="cadres_import_job_status"),
        path("roster-files/template.xlsx", views.roster_template, name="cadres_roster_template"),
        path("roster-files/export.xlsx", views.roster_export, name="cadres_roster_export"),
    ]
