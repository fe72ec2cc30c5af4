"""Officers manage required-course assignments for their own subtree in the Wagtail admin."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from cadres.roles import scope_for
from courses.forms import RequirementForm
from courses.models import Requirement


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


class RequirementCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.save()
        return instance


class RequirementEditView(ScopedQuerysetMixin, generic.EditView):
    pass


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

    def get_form_class(self, for_update=False):
        return RequirementForm
