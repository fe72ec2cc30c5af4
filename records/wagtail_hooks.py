from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cadres.permissions import AdministratorsOnlyPolicy, cached_is_administrator, cached_scope
from records import admin_views
from records.models import CreditRule

register_permission_policy(CreditRule, AdministratorsOnlyPolicy(CreditRule))


class CreditRuleViewSet(ModelViewSet):
    model = CreditRule
    icon = "calculator"
    add_to_admin_menu = False
    name = "records_rule"
    list_display = ["name", "year", "category", "rank", "target_hours", "conversion", "completion_share"]
    search_fields = None
    form_fields = None
    panels = CreditRule.panels


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CreditRuleViewSet()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("records/claims/", admin_views.ClaimListView.as_view(), name="records_claims"),
        path("records/claims/<int:pk>/", admin_views.ClaimDetailView.as_view(), name="records_claim"),
        path("records/certificates/", admin_views.CertificateListView.as_view(), name="records_certificates"),
        path(
            "records/certificates/<int:pk>/revoke/", admin_views.certificate_revoke, name="records_certificate_revoke"
        ),
        path("records/batches/", admin_views.BatchListView.as_view(), name="records_batches"),
        path("records/batches/<int:pk>/zip/", admin_views.batch_zip, name="records_batch_zip"),
        path("records/zips/<int:pk>/", admin_views.ZipView.as_view(), name="records_zip"),
        path("records/zips/<int:pk>/status/", admin_views.zip_status, name="records_zip_status"),
        path("records/zips/<int:pk>/download/", admin_views.zip_download, name="records_zip_download"),
    ]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return not cached_scope(request.user).nothing


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return cached_is_administrator(request.user)


class RecordsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return not cached_scope(request.user).nothing


@hooks.register("register_admin_menu_item")
def register_records_menu():
    items = [
        ManagerMenuItem(_("Outside-training claims"), reverse("records_claims"), icon_name="form", order=1),
        ManagerMenuItem(_("Certificates"), reverse("records_certificates"), icon_name="doc-full", order=2),
        ManagerMenuItem(_("Batch certificates"), reverse("records_batches"), icon_name="download", order=3),
        ManagerMenuItem(_("Learning records"), reverse("records:cadres"), icon_name="user", order=4),
        AdministratorMenuItem(_("Credit-hour rules"), reverse("records_rule:index"), icon_name="calculator", order=5),
    ]
    return RecordsSubmenu(_("Records"), Menu(items=items), icon_name="doc-full", order=260)
