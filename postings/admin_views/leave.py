"""Leave requests in the admin: the scoped list and the approval page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import ListingButton

from lms.redirects import safe_next_url
from postings import selectors
from postings.admin_views.base import ScopedModelViewSet
from postings.exceptions import PostingsError
from postings.filters import LeaveFilterSet
from postings.forms import LeaveDecisionForm
from postings.models import LeaveRequest, LeaveStatus
from postings.scoping import user_scope
from postings.services.presence import can_decide_leave, leave_request_decide

LEAVE_APPROVED = _("Leave approved.")
LEAVE_REJECTED = _("Leave rejected.")


def decide_url(leave: LeaveRequest) -> str:
    return reverse("postings_leave:decide", args=[leave.pk])


class LeaveActionsColumn(Column):
    """Approve and refuse right on a pending row, with a link to the full page for a note; a
    decided row says who decided it and when."""

    cell_template_name = "postings/admin/includes/leave_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        pending = instance.status == LeaveStatus.PENDING
        context.update(
            leave=instance,
            pending=pending,
            may_decide=pending and can_decide_leave(parent_context["request"].user, instance),
            decide_url=decide_url(instance),
            next_url=parent_context["request"].get_full_path(),
            # A cell renders with its own context, which has no token: the row's form needs one.
            csrf_token=get_token(parent_context["request"]),
        )
        return context


class LeaveIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == LeaveStatus.PENDING and can_decide_leave(self.request.user, instance):
            buttons.append(ListingButton(_("Decide"), url=decide_url(instance), icon_name="tick", priority=5))
        return buttons


class LeaveDecideView(WagtailAdminTemplateMixin, FormView):
    form_class = LeaveDecisionForm
    template_name = "postings/admin/leave_decide.html"
    page_title = _("Decide leave")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if user_scope(request.user).nothing:
            raise PermissionDenied
        leaves = selectors.leave_requests_in_scope(scope=user_scope(request.user))
        self.leave = get_object_or_404(leaves, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.leave)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            leave=self.leave,
            action_url=self.request.path,
            may_decide=can_decide_leave(self.request.user, self.leave),
            **kwargs,
        )

    def form_valid(self, form):
        approve = "approve" in self.request.POST
        try:
            leave_request_decide(
                leave=self.leave, approve=approve, by=self.request.user, note=form.cleaned_data["note"]
            )
        except PostingsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, LEAVE_APPROVED if approve else LEAVE_REJECTED)
        return redirect(self.back_url())

    def form_invalid(self, form):
        # A refusal from a row's buttons comes back to the list with the reason, like a success does.
        if "next" in self.request.POST and form.non_field_errors():
            messages.error(self.request, " ".join(form.non_field_errors()))
            return redirect(self.back_url())
        return super().form_invalid(form)

    def back_url(self) -> str:
        """The list the decision was made from (its filters kept), or the pending list."""
        index = reverse("postings_leave:index")
        back = safe_next_url(self.request, index)
        return back if back.startswith(index) else index


class LeaveViewSet(ScopedModelViewSet):
    model = LeaveRequest
    selector = staticmethod(selectors.leave_requests_in_scope)
    name = "postings_leave"
    icon = "date"
    menu_label = _("Leave requests")
    index_view_class = LeaveIndexView
    form_fields = ["decision_note"]  # never shown: the policy grants no "change" on leave
    filterset_class = LeaveFilterSet
    search_fields = ["posting__cadre__name", "posting__team__name"]
    list_display = [
        # The decision comes right after the name, so a phone shows it without scrolling sideways.
        TitleColumn(
            "cadre", label=_("cadre"), accessor="posting.cadre", get_url=decide_url, classname="w-whitespace-nowrap"
        ),
        LeaveActionsColumn("actions", label=_("Actions"), accessor="pk"),
        DateColumn("starts_on", label=_("from"), sort_key="starts_on", classname="w-whitespace-nowrap"),
        DateColumn("ends_on", label=_("until"), classname="w-whitespace-nowrap"),
        Column("days", label=_("days")),
        Column("reason", label=_("reason")),
        Column("team", label=_("work team"), accessor="posting.team"),
        Column("status", label=_("status"), accessor="get_status_display"),
        Column("approval_level", label=_("decided by"), accessor="get_approval_level_display"),
        DateColumn("created_at", label=_("requested at"), sort_key="created_at"),
    ]
    list_export = [
        "posting.cadre",
        "posting.team",
        "starts_on",
        "ends_on",
        "days",
        "reason",
        "approval_level",
        "status",
    ]
    export_headings = {"posting.cadre": _("cadre"), "posting.team": _("work team")}
    export_filename = "leave-requests"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("decide/<int:pk>/", LeaveDecideView.as_view(), name="decide")]
