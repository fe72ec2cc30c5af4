"""Choosers for the admin forms that pick a cadre, a unit or a staff login.

A county holds thousands of cadres and hundreds of units and logins, so no form lists them in a
select: each field opens a Wagtail chooser (a modal with a search box and 20 rows a page). Every
chooser lists only the requesting user's subtree and answers "chosen" for nothing outside it;
the form fields keep their own scoped querysets, so a forged POST fails validation as well.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import BaseChooser

from cadres.models import Cadre, OrgUnit
from cadres.permissions import cached_is_administrator, cached_scope, scope_filter
from cadres.roles import ADMINISTRATOR_GROUP, TRAINER_GROUP

User = get_user_model()
PER_PAGE = 20
NAME_LABEL = _("Name")


class SearchForm(BaseFilterForm):
    """The chooser's search box; `lookups` are OR-ed `icontains` lookups, `exact_upper` exact ones."""

    lookups: tuple[str, ...] = ()
    suffix_lookups: tuple[str, ...] = ()
    placeholder = _("Search")

    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = self.placeholder

    def filter(self, objects: QuerySet) -> QuerySet:
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        condition = Q()
        for lookup in self.lookups:
            condition |= Q(**{f"{lookup}__icontains": query})
        if len(query) >= 4:
            for lookup in self.suffix_lookups:
                condition |= Q(**{f"{lookup}__endswith": query.upper()})
        self.is_searching, self.search_query = True, query
        return objects.filter(condition)


class CadreSearchForm(SearchForm):
    placeholder = _("Name, unit or last 4 ID characters")
    lookups = ("name", "unit__name")
    suffix_lookups = ("id_number",)  # the last four characters, as a masked number shows them


class UnitSearchForm(SearchForm):
    placeholder = _("Unit name or code")
    lookups = ("name", "code")


class UserSearchForm(SearchForm):
    placeholder = _("Username or name")
    lookups = ("username", "first_name", "last_name")


class ScopedChooseMixin:
    """List and search only what the requesting user may pick; `scoped()` does the cutting."""

    search_form_class: type[SearchForm] = SearchForm
    extra_columns: tuple[Column, ...] = ()

    def scoped(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def get_object_list(self):
        return self.scoped(self.model_class._default_manager.all())

    def get_filter_form_class(self):
        return self.search_form_class

    def can_create(self):
        return False

    title_label = NAME_LABEL

    @property
    def columns(self):
        title = self.title_column
        title.label = self.title_label
        return [title, *self.extra_columns]


class ScopedChosenMixin:
    def get_object(self, pk):
        try:
            return self.scoped(self.model_class._default_manager.all()).get(pk=pk)
        except (self.model_class.DoesNotExist, ValueError) as error:
            raise Http404 from error

    def get_objects(self, pks):
        return self.scoped(self.model_class._default_manager.filter(pk__in=pks))


def _views(scoped, search_form_class, columns=(), ordering=None, title=str, title_label=NAME_LABEL):
    """The four chooser view classes of one chooser, sharing its scoping, search and the title
    the form shows once an item is chosen (the widget's own title, so a reload shows the same)."""
    attrs = {
        "scoped": lambda self, queryset: scoped(self.request.user, queryset),
        "search_form_class": search_form_class,
        "extra_columns": tuple(columns),
        "ordering": ordering,
        "get_display_title": lambda self, instance: title(instance),
        "title_label": title_label,
    }
    choose = type("ChooseView", (ScopedChooseMixin, chooser_views.ChooseView), attrs)
    results = type("ChooseResultsView", (ScopedChooseMixin, chooser_views.ChooseResultsView), attrs)
    chosen = type("ChosenView", (ScopedChosenMixin, chooser_views.ChosenView), attrs)
    chosen_multiple = type("ChosenMultipleView", (ScopedChosenMixin, chooser_views.ChosenMultipleView), attrs)
    return choose, results, chosen, chosen_multiple


# --- who sees what ---------------------------------------------------------------------------


def cadres_for_chooser(user, queryset: QuerySet | None = None) -> QuerySet[Cadre]:
    queryset = Cadre.objects.all() if queryset is None else queryset
    return scope_filter(queryset, cached_scope(user), "unit__path").select_related("unit")


def units_for_chooser(user, queryset: QuerySet | None = None) -> QuerySet[OrgUnit]:
    queryset = OrgUnit.objects.all() if queryset is None else queryset
    return scope_filter(queryset, cached_scope(user), "path")


def staff_for_chooser(user, queryset: QuerySet | None = None) -> QuerySet:
    """Active logins that may own trainers' work (question banks): trainers and administrators.

    Trainers belong to no unit, so there is no subtree to cut by: the list is the trainers'
    circle, shown to trainers and administrators only, and never holds cadres' or officers' logins.
    """
    queryset = User.objects.all() if queryset is None else queryset
    if not (cached_is_administrator(user) or user.groups.filter(name=TRAINER_GROUP).exists()):
        return queryset.none()
    staff = Q(groups__name=TRAINER_GROUP) | Q(groups__name=ADMINISTRATOR_GROUP) | Q(is_superuser=True)
    return queryset.filter(is_active=True, pk__in=User.objects.filter(staff).values("pk"))


def cadre_title(cadre: Cadre) -> str:
    return f"{cadre.name}（{cadre.unit.name}）"


def staff_title(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


# --- the viewsets ----------------------------------------------------------------------------


class _ScopedChooserViewSet(ChooserViewSet):
    register_widget = False  # forms opt in field by field, with their own scoped querysets
    per_page = PER_PAGE
    preserve_url_parameters = ["multiple", "level"]

    def get_urlpatterns(self):
        # Choosing only: cadres and units are created on their own pages, with their own checks.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "create"]


_cadre_views = _views(
    cadres_for_chooser,
    CadreSearchForm,
    [
        Column("unit", label=_("Unit"), accessor="unit.name"),
        Column("category", label=_("Category"), accessor="get_category_display"),
        Column("id_number", label=_("ID number"), accessor="masked_id_number"),
    ],
    ordering=("name", "pk"),
    title=cadre_title,
)


class CadreChooserViewSet(_ScopedChooserViewSet):
    model = Cadre
    icon = "user"
    choose_one_text = _("Choose a cadre")
    choose_another_text = _("Choose another cadre")
    choose_view_class, choose_results_view_class, chosen_view_class, chosen_multiple_view_class = _cadre_views


_unit_views = _views(
    units_for_chooser,
    UnitSearchForm,
    [
        Column("code", label=_("Code")),
        Column("level", label=_("Level"), accessor="get_level_display"),
    ],
    ordering=("path",),
    title_label=_("Unit"),
)


class UnitChooserViewSet(_ScopedChooserViewSet):
    model = OrgUnit
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a unit")
    choose_another_text = _("Choose another unit")
    url_filter_parameters = ["level"]
    choose_view_class, choose_results_view_class, chosen_view_class, chosen_multiple_view_class = _unit_views


_staff_views = _views(
    staff_for_chooser,
    UserSearchForm,
    [Column("name", label=_("Name"), accessor="get_full_name")],
    ordering=("username", "pk"),
    title=staff_title,
    title_label=_("Username"),
)


class StaffChooserViewSet(_ScopedChooserViewSet):
    model = User
    icon = "user"
    choose_one_text = _("Choose a trainer")
    choose_another_text = _("Choose another trainer")
    choose_view_class, choose_results_view_class, chosen_view_class, chosen_multiple_view_class = _staff_views


cadre_chooser_viewset = CadreChooserViewSet("cadre_chooser", url_prefix="choose/cadre")
unit_chooser_viewset = UnitChooserViewSet("unit_chooser", url_prefix="choose/unit")
staff_chooser_viewset = StaffChooserViewSet("staff_chooser", url_prefix="choose/staff")


# --- widgets for the forms -------------------------------------------------------------------


class CadreChooser(BaseChooser):
    model = Cadre
    icon = "user"
    choose_one_text = _("Choose a cadre")
    choose_another_text = _("Choose another cadre")
    show_edit_link = False
    chooser_modal_url_name = "cadre_chooser:choose"

    def get_display_title(self, instance) -> str:
        return cadre_title(instance)


class UnitChooser(BaseChooser):
    """Any unit of the user's subtree; `level` limits the modal to one level (e.g. work teams)."""

    model = OrgUnit
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a unit")
    choose_another_text = _("Choose another unit")
    show_edit_link = False
    chooser_modal_url_name = "unit_chooser:choose"

    def __init__(self, *, level: str = "", **kwargs):
        self.level = level
        super().__init__(**kwargs)

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}?level={self.level}" if self.level else url


class StaffChooser(BaseChooser):
    model = User
    icon = "user"
    choose_one_text = _("Choose a trainer")
    choose_another_text = _("Choose another trainer")
    show_edit_link = False
    chooser_modal_url_name = "staff_chooser:choose"

    def get_display_title(self, instance) -> str:
        return staff_title(instance)
