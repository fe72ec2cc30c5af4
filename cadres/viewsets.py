"""Wagtail admin viewsets for the org tree (组织机构) and the roster (花名册).

Every view that loads objects narrows its queryset to the user's subtree, so an object of
another subtree is a 404 whichever URL is typed; the permission policies registered in
wagtail_hooks decide what the menus and buttons offer.
"""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log

from cadres import services
from cadres.forms import CadreForm, OrgUnitForm
from cadres.models import Cadre, CadreCategory, OrgUnit
from cadres.permissions import cached_is_administrator, cached_scope, can_see_full_id_numbers, scope_filter
from cadres.selectors import unit_list_in_scope


class ScopedViewMixin:
    """Limit every object lookup of a generic view to the requesting user's subtree."""

    path_field = "path"

    def scoped(self, queryset):
        return scope_filter(queryset, cached_scope(self.request.user), self.path_field)


class ScopedIndexView(ScopedViewMixin, generic.IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # The generic ?export= would bypass masking and formula neutralisation; ours is a separate view.
        self.is_export = False

    def get_base_queryset(self):
        return self.scoped(super().get_base_queryset())


class ScopedEditView(ScopedViewMixin, generic.EditView):
    def get_queryset(self):
        return self.scoped(super().get_queryset())


class ScopedDeleteView(ScopedViewMixin, generic.DeleteView):
    def get_queryset(self):
        return self.scoped(super().get_queryset())


class ScopedInspectView(ScopedViewMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped(self.model._default_manager.all()), pk=self.pk)


class ScopedHistoryView(ScopedViewMixin, generic.HistoryView):
    def get_base_object_queryset(self):
        return self.scoped(super().get_base_object_queryset())


class ScopedUsageView(ScopedViewMixin, generic.UsageView):
    def get_base_object_queryset(self):
        return self.scoped(super().get_base_object_queryset())


class ScopedViewSet(ModelViewSet):
    """A ModelViewSet whose views all go through ScopedViewMixin with `path_field`."""

    path_field = "path"
    copy_view_enabled = False
    add_to_admin_menu = True
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def _scoped(self, view_class):
        if not issubclass(view_class, ScopedViewMixin):
            raise TypeError(f"{view_class.__name__} must use ScopedViewMixin, or it would show every subtree")
        return type(view_class.__name__, (view_class,), {"path_field": self.path_field})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.index_view_class = self._scoped(self.index_view_class)
        self.edit_view_class = self._scoped(self.edit_view_class)
        self.delete_view_class = self._scoped(self.delete_view_class)
        self.inspect_view_class = self._scoped(self.inspect_view_class)
        self.history_view_class = self._scoped(self.history_view_class)
        self.usage_view_class = self._scoped(self.usage_view_class)


# --- roster ------------------------------------------------------------------------------------


def _unit_choices(request):
    if request is None:
        return OrgUnit.objects.none()
    return unit_list_in_scope(scope=cached_scope(request.user))


class CadreFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(label=_("Unit (and below)"), queryset=_unit_choices, method="filter_unit")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=CadreCategory.choices)
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Cadre
        fields = ["unit", "category", "active"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path) if value else queryset


class CadreIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")

    @cached_property
    def show_full_id(self) -> bool:
        return cached_is_administrator(self.request.user)

    @cached_property
    def list_display(self):
        return [
            TitleColumn("name", label=_("Name"), url_name=self.edit_url_name, sort_key="name"),
            Column(
                "id_number",
                label=_("ID number"),
                accessor=lambda c: c.id_number if self.show_full_id else c.masked_id_number,
            ),
            Column("unit", label=_("Unit"), accessor="unit.name", sort_key="unit__path"),
            Column("category", label=_("Category"), accessor="get_category_display", sort_key="category"),
            Column("phone", label=_("Phone")),
            BooleanColumn("active", label=_("Active"), sort_key="active"),
        ]

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.user_has_permission("add"):
            buttons.append(HeaderButton(_("Import"), url=reverse("cadres_roster_import"), icon_name="upload"))
        buttons.append(
            HeaderButton(_("Download template"), url=reverse("cadres_roster_template"), icon_name="download")
        )
        buttons.append(HeaderButton(_("Export to Excel"), url=reverse("cadres_roster_export"), icon_name="download"))
        if can_see_full_id_numbers(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Export with full ID numbers"), url=reverse("cadres_roster_export_full"), icon_name="download"
                )
            )
        if self.user_has_permission("change"):
            buttons.append(HeaderButton(_("Activation slips"), url=reverse("cadres_activation_slips"), icon_name="key"))
        return buttons


class CadreCreateView(generic.CreateView):
    def save_instance(self):
        data = {name: value for name, value in self.form.cleaned_data.items() if name in CadreForm.Meta.fields}
        cadre = services.cadre_create(**{k: v for k, v in data.items() if v is not None})
        log(cadre, "wagtail.create", user=self.request.user)
        return cadre


class CadreEditView(ScopedEditView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Reissue activation code"),
                url=reverse("cadres_activation_reissue", args=[self.object.pk]),
                icon_name="key",
            ),
        ]

    def save_instance(self):
        with transaction.atomic():
            cadre = services.cadre_update(cadre=self.form.instance, changed=self.form.changed_data)
            log(cadre, "wagtail.edit", user=self.request.user)
        return cadre


class CadreViewSet(ScopedViewSet):
    model = Cadre
    path_field = "unit__path"
    icon = "group"
    menu_label = _("Roster")
    menu_name = "roster"
    menu_order = 250
    name = "roster"
    form_fields = CadreForm.Meta.fields
    index_view_class = CadreIndexView
    add_view_class = CadreCreateView
    edit_view_class = CadreEditView
    filterset_class = CadreFilterSet
    search_fields = ["name", "phone"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["unit__path", "name"]

    def get_form_class(self, for_update=False):
        return CadreForm


# --- org units -----------------------------------------------------------------------------------


class OrgUnitIndexView(ScopedIndexView):
    @cached_property
    def list_display(self):
        return [
            TitleColumn(
                "name",
                label=_("Unit name"),
                url_name=self.edit_url_name,
                sort_key="path",
                accessor=lambda u: "\u2003" * (u.depth - 1) + u.name,
            ),
            Column("code", label=_("Unit code"), sort_key="code"),
            Column("level", label=_("Level"), accessor="get_level_display"),
            Column("min_on_duty", label=_("Minimum on duty")),
        ]


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        unit = services.unit_create(
            parent=data.get("parent"),
            name=data["name"],
            code=data.get("code") or "",
            level=data.get("level") or "",
            min_on_duty=data.get("min_on_duty"),
        )
        log(unit, "wagtail.create", user=self.request.user)
        return unit


class OrgUnitViewSet(ScopedViewSet):
    model = OrgUnit
    icon = "site"
    menu_label = _("Organisation")
    menu_name = "org-units"
    menu_order = 251
    name = "org-units"
    index_view_class = OrgUnitIndexView
    add_view_class = OrgUnitCreateView
    search_fields = ["name", "code"]
    search_backend_name = None
    list_per_page = 100
    ordering = ["path"]
    list_filter = ["level"]

    def get_form_class(self, for_update=False):
        return OrgUnitForm
