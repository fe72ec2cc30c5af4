from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cadres.permissions import AdministratorsOnlyPolicy
from cadres.roles import scope_for
from rotations import admin_views, checkin_views, selectors, subtree_views
from rotations.forms import BatchForm, ProgrammeForm, UnavailabilityForm
from rotations.models import Batch, Holiday, Programme, Unavailability
from rotations.permissions import SubtreePermissionPolicy
from rotations.services import programmes

register_permission_policy(Programme, SubtreePermissionPolicy(Programme, path_lookup="unit__path"))
register_permission_policy(Batch, SubtreePermissionPolicy(Batch, path_lookup="programme__unit__path"))
register_permission_policy(Unavailability, SubtreePermissionPolicy(Unavailability, path_lookup="cadre__unit__path"))
register_permission_policy(Holiday, AdministratorsOnlyPolicy(Holiday))


class ScheduleColumn(Column):
    cell_template_name = "rotations/admin/schedule_link_cell.html"

    def get_value(self, instance):
        return reverse("rotations_programme_schedule", args=[instance.pk])


def _scoped(view_class, selector):
    class Scoped(view_class):
        def get_base_queryset(self):
            return selector(scope=scope_for(self.request.user))

        def get_queryset(self):
            if isinstance(self, generic.IndexView):
                return super().get_queryset()
            return selector(scope=scope_for(self.request.user))

    Scoped.__name__ = f"Scoped{view_class.__name__}"
    return Scoped


def _scoped_object(view_class, selector):
    """History and usage views list log entries or references: only their object lookup is
    scoped (unscoped, officers could read other subtrees' history; found by the authorisation matrix)."""

    class ScopedObject(view_class):
        def get_base_object_queryset(self):
            return selector(scope=scope_for(self.request.user))

    ScopedObject.__name__ = f"Scoped{view_class.__name__}"
    return ScopedObject


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "date"
    menu_label = _("Rotation programmes")
    menu_order = 250
    add_to_admin_menu = True
    name = "rotations_programme"
    list_display = [
        TitleColumn("name", label=_("Programme name"), url_name="rotations_programme:edit"),
        "unit",
        "starts_on",
        "ends_on",
        ScheduleColumn("schedule", label=_("Schedule")),
    ]
    search_fields = None
    index_view_class = _scoped(generic.IndexView, selectors.programmes_in_scope)
    edit_view_class = _scoped(generic.EditView, selectors.programmes_in_scope)
    delete_view_class = _scoped(generic.DeleteView, selectors.programmes_in_scope)
    history_view_class = _scoped_object(history.HistoryView, selectors.programmes_in_scope)
    usage_view_class = _scoped_object(usage.UsageView, selectors.programmes_in_scope)

    def get_form_class(self, for_update=False):
        return ProgrammeForm


def _with_sessions(view_class):
    class WithSessions(view_class):
        def get_initial(self):
            """`?programme=<pk>` (the schedule page's "add a batch" link) preselects the programme."""
            initial = super().get_initial()
            wanted = self.request.GET.get("programme", "")
            programme = None
            if wanted.isdigit():
                programme = selectors.programmes_in_scope(scope=scope_for(self.request.user)).filter(pk=wanted).first()
            if programme is not None:
                last = programme.batches.order_by("-number").values_list("number", flat=True).first() or 0
                initial.update(programme=programme.pk, number=last + 1)
            return initial

        def save_instance(self):
            batch = super().save_instance()
            programmes.batch_sessions_sync(batch=batch)
            holidays = selectors.holidays_covered(starts_on=batch.starts_on, ends_on=batch.ends_on)
            if holidays:
                messages.warning(
                    self.request,
                    admin_views.BATCH_COVERS_HOLIDAYS
                    % {"number": batch.number, "holidays": admin_views.holidays_text(holidays)},
                )
            return batch

    WithSessions.__name__ = view_class.__name__
    return WithSessions


class BatchViewSet(ModelViewSet):
    """Batches made or changed by hand; generating many at once is on the programme's schedule page."""

    model = Batch
    icon = "list-ul"
    add_to_admin_menu = False
    name = "rotations_batch"
    list_display = [
        Column("programme", label=_("rotation programme"), sort_key="programme"),
        "number",
        "starts_on",
        "ends_on",
        "venue",
        "capacity",
    ]
    index_view_class = _scoped(generic.IndexView, selectors.batches_in_scope)
    add_view_class = _with_sessions(generic.CreateView)
    edit_view_class = _with_sessions(_scoped(generic.EditView, selectors.batches_in_scope))
    delete_view_class = _scoped(generic.DeleteView, selectors.batches_in_scope)
    history_view_class = _scoped_object(history.HistoryView, selectors.batches_in_scope)
    usage_view_class = _scoped_object(usage.UsageView, selectors.batches_in_scope)

    def get_form_class(self, for_update=False):
        return BatchForm


class UnavailabilityViewSet(ModelViewSet):
    model = Unavailability
    icon = "warning"
    menu_label = _("Unavailability")
    menu_order = 251
    add_to_admin_menu = True
    name = "rotations_unavailability"
    list_display = ["cadre", "starts_on", "ends_on", "reason"]
    index_view_class = _scoped(generic.IndexView, selectors.unavailabilities_in_scope)
    edit_view_class = _scoped(generic.EditView, selectors.unavailabilities_in_scope)
    delete_view_class = _scoped(generic.DeleteView, selectors.unavailabilities_in_scope)
    history_view_class = _scoped_object(history.HistoryView, selectors.unavailabilities_in_scope)
    usage_view_class = _scoped_object(usage.UsageView, selectors.unavailabilities_in_scope)

    def get_form_class(self, for_update=False):
        return UnavailabilityForm


class HolidayViewSet(ModelViewSet):
    """The national holiday calendar (节假日): one row per day off or make-up working day, kept by administrators."""

    model = Holiday
    icon = "date"
    menu_label = _("Public holidays")
    menu_order = 253
    add_to_admin_menu = True
    name = "rotations_holiday"
    list_display = [TitleColumn("date", label=_("Date"), url_name="rotations_holiday:edit"), "name", "is_workday"]
    list_filter = ["is_workday"]
    form_fields = ["date", "name", "is_workday"]
    search_fields = None


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [ProgrammeViewSet(), BatchViewSet(), UnavailabilityViewSet(), HolidayViewSet()]


@hooks.register("register_admin_urls")
def register_admin_urls():
    base = "rotations/programmes/<int:pk>/"
    return [
        path(f"{base}schedule/", admin_views.ProgrammeScheduleView.as_view(), name="rotations_programme_schedule"),
        path(f"{base}units/", admin_views.ProgrammeUnitsView.as_view(), name="rotations_programme_units"),
        path(f"{base}generate/", admin_views.programme_generate, name="rotations_programme_generate"),
        path(f"{base}plan/", admin_views.programme_plan, name="rotations_programme_plan"),
        path(f"{base}publish/", admin_views.programme_publish, name="rotations_programme_publish"),
        path(f"{base}assign/", admin_views.programme_assign, name="rotations_programme_assign"),
        path(f"{base}export/", admin_views.programme_export, name="rotations_programme_export"),
        path(f"{base}run-status/", admin_views.programme_run_status, name="rotations_programme_run_status"),
        path("rotations/batches/", admin_views.TrainerBatchesView.as_view(), name="rotations_batches"),
        path(
            "rotations/our-cadres/batches/",
            subtree_views.OurCadresBatchesView.as_view(),
            name="rotations_our_cadres_batches",
        ),
        path(
            "rotations/our-cadres/batches/<int:pk>/",
            subtree_views.OurCadresBatchView.as_view(),
            name="rotations_our_cadres_batch",
        ),
        path(
            "rotations/batches/<int:pk>/attendance/",
            admin_views.BatchAttendanceView.as_view(),
            name="rotations_batch_attendance",
        ),
        path("rotations/sessions/<int:pk>/qr.svg", checkin_views.session_qr, name="rotations_session_qr"),
        path(
            "rotations/sessions/<int:pk>/projector/",
            checkin_views.session_projector,
            name="rotations_session_projector",
        ),
        path(
            "rotations/sessions/<int:pk>/checkin-status/",
            checkin_views.checkin_status,
            name="rotations_session_checkin_status",
        ),
    ]


class BatchesMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return not scope_for(user).nothing or user.rotation_batches.exists()


@hooks.register("register_admin_menu_item")
def register_batches_menu_item():
    return BatchesMenuItem(_("Training batches"), reverse("rotations_batches"), icon_name="list-ul", order=252)


class OfficersMenuItem(MenuItem):
    def is_shown(self, request):
        return not scope_for(request.user).nothing


@hooks.register("register_admin_menu_item")
def register_our_cadres_menu_item():
    return OfficersMenuItem(
        _("Our cadres' batches"), reverse("rotations_our_cadres_batches"), icon_name="group", order=254
    )
