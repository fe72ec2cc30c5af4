"""Postings in the admin: list, post a cadre, edit, inspect with histories, end, plan a successor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import ListingButton

from postings import selectors
from postings.admin_views.base import ScopedModelViewSet, ServiceErrorsMixin
from postings.exceptions import PostingsError
from postings.filters import PostingFilterSet
from postings.forms import PostingEditForm, PostingEndForm, PostingForm, SuccessorForm
from postings.models import Posting
from postings.scoping import user_scope
from postings.services.postings import posting_create, posting_end, posting_plan_successor, posting_update

POSTING_ENDED = _("The posting of %(cadre)s ended.")
SUCCESSOR_PLANNED = _("%(successor)s will succeed %(cadre)s.")


def posting_status(posting: Posting) -> str:
    today = timezone.localdate()
    if posting.ended_on:
        return str(_("Ended"))
    if posting.starts_on > today:
        return str(_("Planned"))
    if posting.planned_end_on < today:
        return str(_("Term over, end not recorded"))
    return str(_("Active"))


def successor_name(posting: Posting) -> str:
    successor = getattr(posting, "successor", None)
    return successor.cadre.name if successor else ""


class PostingIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.ended_on is None:
            buttons.append(
                ListingButton(
                    _("End posting"), url=reverse("postings:end", args=[instance.pk]), icon_name="cross", priority=40
                )
            )
            if successor_name(instance) == "":
                buttons.append(
                    ListingButton(
                        _("Plan successor"),
                        url=reverse("postings:successor", args=[instance.pk]),
                        icon_name="user",
                        priority=41,
                    )
                )
        return buttons


class PostingCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        posting = posting_create(
            cadre=data["cadre"],
            team=data["team"],
            role=data["role"],
            sending_unit=data["sending_unit"],
            starts_on=data["starts_on"],
            planned_end_on=data.get("planned_end_on"),
            induction_route=data.get("induction_route") or None,
            by=self.request.user,
        )
        if posting.induction_note:
            messages.warning(self.request, posting.get_induction_note_display())
        return posting


class PostingEditView(ServiceErrorsMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return posting_update(
            posting=self.object,
            role=data["role"],
            sending_unit=data["sending_unit"],
            planned_end_on=data["planned_end_on"],
            by=self.request.user,
        )


class PostingInspectView(generic.InspectView):
    template_name = "postings/admin/posting_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = Posting.objects.select_related("team", "cadre").order_by("-starts_on")
        context["cadre_history"] = history.filter(cadre_id=self.object.cadre_id)
        context["team_history"] = history.filter(team_id=self.object.team_id)
        context["team_size"] = selectors.team_size(team=self.object.team, day=timezone.localdate())
        context["rules"] = selectors.rules_for_unit(self.object.team)
        context["induction_seat"] = selectors.induction_seat_of(posting=self.object)
        return context


class PostingActionView(WagtailAdminTemplateMixin, FormView):
    """A form page acting on one posting of the user's subtree through a service."""

    template_name = "postings/admin/form.html"
    header_icon = "group"
    submit_button_label = _("Save")

    def dispatch(self, request, *args, **kwargs):
        if user_scope(request.user).nothing:
            raise PermissionDenied
        self.posting = get_object_or_404(selectors.postings_in_scope(scope=user_scope(request.user)), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.posting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_url=self.request.path, submit_button_label=self.submit_button_label, object=self.posting)
        return context

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except PostingsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect("postings:index")


class PostingEndView(PostingActionView):
    form_class = PostingEndForm
    page_title = _("End posting")
    submit_button_label = _("End posting")

    def get_initial(self):
        return {"ended_on": timezone.localdate()}

    def perform(self, data) -> str:
        posting_end(posting=self.posting, by=self.request.user, **data)
        return POSTING_ENDED % {"cadre": self.posting.cadre}


class SuccessorView(PostingActionView):
    form_class = SuccessorForm
    page_title = _("Plan successor")
    submit_button_label = _("Plan successor")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"role": self.posting.role, "handover_until": self.posting.planned_end_on}

    def perform(self, data) -> str:
        successor = posting_plan_successor(posting=self.posting, by=self.request.user, **data)
        return SUCCESSOR_PLANNED % {"successor": successor.cadre, "cadre": self.posting.cadre}


class PostingViewSet(ScopedModelViewSet):
    model = Posting
    selector = staticmethod(selectors.postings_in_scope)
    name = "postings"
    icon = "group"
    menu_label = _("Postings")
    index_view_class = PostingIndexView
    add_view_class = PostingCreateView
    edit_view_class = PostingEditView
    inspect_view_class = PostingInspectView
    filterset_class = PostingFilterSet
    search_fields = ["cadre__name", "team__name", "sending_unit"]
    list_display = [
        "cadre",
        Column("team", label=_("work team"), accessor="team"),
        Column("role", label=_("role"), accessor="get_role_display"),
        DateColumn("starts_on", label=_("starts on"), sort_key="starts_on"),
        DateColumn("planned_end_on", label=_("planned end"), sort_key="planned_end_on"),
        Column("status", label=_("status"), accessor=posting_status),
        Column("successor", label=_("successor"), accessor=successor_name),
    ]
    list_export = ["cadre", "team", "role", "sending_unit", "starts_on", "planned_end_on", "ended_on", "end_reason"]
    export_filename = "village-postings"

    def get_form_class(self, for_update=False):
        return PostingEditForm if for_update else PostingForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("end/<int:pk>/", PostingEndView.as_view(), name="end"),
            path("successor/<int:pk>/", SuccessorView.as_view(), name="successor"),
        ]
