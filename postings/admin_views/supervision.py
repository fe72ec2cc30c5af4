"""Inspections and flags in the admin, with the follow-up page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import ListingButton
from wagtail.permissions import policy_registry

from postings import selectors
from postings.admin_views.base import ScopedModelViewSet, ServiceErrorsMixin
from postings.exceptions import PostingsError
from postings.filters import FlagFilterSet, InspectionFilterSet
from postings.forms import FollowUpForm, InspectionForm
from postings.models import Absence, Flag, Inspection
from postings.scoping import user_scope
from postings.services.supervision import follow_up_record, inspection_record

FOLLOW_UP_RECORDED = _("Follow-up recorded.")


def team_members(request, pk: int) -> JsonResponse:
    """The open postings of one work team, for the inspection form's absentee checkboxes."""
    if not policy_registry.get_by_type(Inspection).user_has_permission(request.user, "add"):
        raise PermissionDenied
    scope = user_scope(request.user)
    team = get_object_or_404(selectors.teams_in_scope(scope=scope), pk=pk)
    postings = selectors.open_postings_of_team(team_id=team.pk, scope=scope)
    return JsonResponse({"members": [{"id": p.pk, "label": p.cadre.name} for p in postings]})


class InspectionCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return inspection_record(
            team=data["team"],
            inspected_on=data["inspected_on"],
            inspectors=data["inspectors"],
            findings=data["findings"],
            absent=data["absent"],
            by=self.request.user,
            today=timezone.localdate(),
        )


class InspectionInspectView(generic.InspectView):
    template_name = "postings/admin/inspection_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["absences"] = self.object.absences.select_related("posting__cadre")
        return context


class InspectionViewSet(ScopedModelViewSet):
    model = Inspection
    selector = staticmethod(selectors.inspections_in_scope)
    name = "postings_inspections"
    icon = "view"
    menu_label = _("Inspections")
    add_view_class = InspectionCreateView
    inspect_view_class = InspectionInspectView
    filterset_class = InspectionFilterSet
    search_fields = ["team__name", "inspectors", "findings"]
    list_display = [
        Column("team", label=_("work team"), accessor="team"),
        DateColumn("inspected_on", label=_("inspected on"), sort_key="inspected_on"),
        Column("inspectors", label=_("inspectors")),
        Column("absence_count", label=_("found absent")),
    ]
    list_export = ["team", "inspected_on", "inspectors", "findings", "absence_count"]
    export_headings = {"absence_count": _("found absent")}
    export_filename = "inspections"

    def get_form_class(self, for_update=False):
        return InspectionForm


class FlagIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            ListingButton(
                _("Record follow-up"),
                url=reverse("postings_flags:follow_up", args=[instance.pk]),
                icon_name="edit",
                priority=5,
            ),
        ]


class FlagInspectView(generic.InspectView):
    template_name = "postings/admin/flag_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["follow_ups"] = self.object.follow_ups.select_related("recorded_by")
        context["absences"] = Absence.objects.filter(
            posting__cadre_id=self.object.cadre_id, day__year=self.object.year
        ).select_related("inspection", "posting__team")
        return context


class FollowUpView(WagtailAdminTemplateMixin, FormView):
    form_class = FollowUpForm
    template_name = "postings/admin/form.html"
    page_title = _("Record follow-up")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if user_scope(request.user).nothing:
            raise PermissionDenied
        self.flag = get_object_or_404(selectors.flags_in_scope(scope=user_scope(request.user)), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.flag)

    def get_initial(self):
        return {"done_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path, submit_button_label=_("Record follow-up"), object=self.flag, **kwargs
        )

    def form_valid(self, form):
        try:
            follow_up_record(flag=self.flag, by=self.request.user, **form.cleaned_data)
        except PostingsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, FOLLOW_UP_RECORDED)
        return redirect("postings_flags:index")


class FlagViewSet(ScopedModelViewSet):
    model = Flag
    selector = staticmethod(selectors.flags_in_scope)
    name = "postings_flags"
    icon = "warning"
    menu_label = _("Flags")
    index_view_class = FlagIndexView
    form_fields = ["is_open"]  # never shown: the policy grants no "change" on flags
    inspect_view_class = FlagInspectView
    filterset_class = FlagFilterSet
    search_fields = ["cadre__name", "posting__team__name"]
    list_display = [
        "cadre",
        Column("team", label=_("work team"), accessor="posting.team"),
        Column("year", label=_("year")),
        Column("level", label=_("consequence"), accessor="get_level_display"),
        Column("absences", label=_("unexcused absences")),
        DateColumn("raised_on", label=_("raised on"), sort_key="raised_on"),
        Column("is_open", label=_("open"), accessor=lambda flag: _("Open") if flag.is_open else _("Followed up")),
        Column("follow_up_count", label=_("follow-ups")),
    ]
    list_export = ["cadre", "posting.team", "year", "level", "absences", "raised_on", "is_open", "follow_up_count"]
    export_headings = {"posting.team": _("work team"), "follow_up_count": _("follow-ups")}
    export_filename = "posting-flags"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("follow-up/<int:pk>/", FollowUpView.as_view(), name="follow_up")]
