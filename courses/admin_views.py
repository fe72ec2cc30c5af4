"""Officers manage required-course assignments for their own subtree in the Wagtail admin."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from cadres.models import CadreCategory, OrgUnit
from cadres.roles import scope_for
from courses.forms import RequirementForm
from courses.models import Requirement
from courses.selectors import requirement_cadres
from courses.services import requirement_create

REQUIREMENT_ASSIGNED = _(
    "Required course “%(requirement)s” assigned to %(count)s cadres; each of them has been notified."
)


def requirements_in_scope(user) -> QuerySet[Requirement]:
    """Requirements on units the user manages: an officer's subtree, everything for administrators."""
    scope = scope_for(user)
    requirements = Requirement.objects.select_related("course", "unit").order_by(
        "-year", "due_date", "unit__path", "pk"
    )
    if scope.nothing:
        return requirements.none()
    if scope.everything:
        return requirements
    return requirements.filter(unit__path__startswith=scope.path)


class ScopedQuerysetMixin:
    """Every view of the viewset (list, edit, delete, history …) sees only the user's subtree,
    so an object of another subtree is a 404 whichever URL is typed."""

    def get_queryset(self):
        return requirements_in_scope(self.request.user)

    def get_base_queryset(self):
        return requirements_in_scope(self.request.user)


class RequirementIndexView(ScopedQuerysetMixin, generic.IndexView):
    pass


def affected_text(count: int) -> str:
    return ngettext("This assignment binds %(count)s cadre.", "This assignment binds %(count)s cadres.", count) % {
        "count": count
    }


def affected_count(request: HttpRequest) -> JsonResponse:
    """How many cadres the unit and categories chosen on the form would bind, for the live count.

    Only a unit of the user's own subtree is answered: another's is a 404, like its requirements.
    """
    scope = scope_for(request.user)
    if scope.nothing:
        raise PermissionDenied
    units = OrgUnit.objects.all() if scope.everything else OrgUnit.objects.filter(path__startswith=scope.path)
    unit = get_object_or_404(units, pk=request.GET.get("unit") or 0)
    categories = [c for c in request.GET.getlist("categories") if c in CadreCategory.values]
    count = requirement_cadres(unit=unit, categories=categories).count()
    return JsonResponse({"count": count, "text": affected_text(count)})


class AffectedCountMixin:
    """The form states how many cadres the assignment binds, and keeps the count live as the unit
    and categories change (courses/admin/requirement_form.html)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        unit, categories = None, []
        if form is not None and form.is_bound:
            unit = form.cleaned_data.get("unit") if hasattr(form, "cleaned_data") else None
            categories = form.cleaned_data.get("categories", []) if hasattr(form, "cleaned_data") else []
        elif getattr(self, "object", None) is not None and self.object.pk:
            unit, categories = self.object.unit, self.object.categories
        count = requirement_cadres(unit=unit, categories=categories).count() if unit else None
        context.update(
            affected_url=reverse("requirements:affected"),
            affected_text=affected_text(count) if count is not None else "",
        )
        return context


class RequirementCreateView(AffectedCountMixin, generic.CreateView):
    template_name = "courses/admin/requirement_create.html"

    def save_instance(self):
        data = self.form.cleaned_data
        instance, self.affected = requirement_create(
            course=data["course"],
            unit=data["unit"],
            categories=data.get("categories") or [],
            year=data["year"],
            due_date=data["due_date"],
            by=self.request.user,
        )
        return instance

    def get_success_message(self, instance):
        return REQUIREMENT_ASSIGNED % {"requirement": instance, "count": self.affected}


class RequirementEditView(AffectedCountMixin, ScopedQuerysetMixin, generic.EditView):
    template_name = "courses/admin/requirement_edit.html"


class RequirementDeleteView(ScopedQuerysetMixin, generic.DeleteView):
    pass


class ScopedObjectMixin:
    """History and usage list log entries or references; only their object lookup is scoped
    (an unscoped one let officers read other subtrees' history, found by the authorisation matrix)."""

    def get_base_object_queryset(self):
        return requirements_in_scope(self.request.user)


class RequirementHistoryView(ScopedObjectMixin, generic.HistoryView):
    pass


class RequirementUsageView(ScopedObjectMixin, generic.UsageView):
    pass


class RequirementViewSet(ModelViewSet):
    model = Requirement
    icon = "tasks"
    menu_label = _("Required courses")
    menu_order = 210
    add_to_admin_menu = True
    name = "requirements"
    index_view_class = RequirementIndexView
    add_view_class = RequirementCreateView
    edit_view_class = RequirementEditView
    delete_view_class = RequirementDeleteView
    history_view_class = RequirementHistoryView
    usage_view_class = RequirementUsageView
    inspect_view_enabled = False
    copy_view_enabled = False
    list_filter = ["year"]
    search_fields = ["course__title", "unit__name"]
    list_export = ["course", "unit", "category_labels", "year", "due_date"]
    export_filename = "required-courses"
    list_display = [
        TitleColumn("course", label=_("course"), accessor="course", url_name="requirements:edit"),
        Column("unit", label=_("unit"), accessor="unit"),
        Column("categories", label=_("cadre categories"), accessor="category_display"),
        Column("year", label=_("year")),
        # A plain column: DateColumn shows "just now" or "3 days ago", which suits edit times, not deadlines.
        Column("due_date", label=_("due date")),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("affected/", affected_count, name="affected")]

    def get_form_class(self, for_update=False):
        return RequirementForm
