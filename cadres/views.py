"""Roster pages in the Wagtail admin besides the generic listings: import with progress,
the template download and the Excel export. Thin: forms validate, services do the work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from cadres import services
from cadres.forms import RosterUploadForm
from cadres.models import Cadre, ImportJob, ImportStatus
from cadres.permissions import cached_scope, can_see_full_id_numbers
from cadres.roster import RowError
from cadres.selectors import import_job_list_in_scope

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request: HttpRequest, action: str) -> None:
    """Officers and administrators only, and only with the roster permission for `action`."""
    if not policy_registry.get_by_type(Cadre).user_has_permission(request.user, action):
        raise PermissionDenied


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class RosterAdminMixin:
    header_icon = "group"
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        _require(request, self.action)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("roster:index"), "label": _("Roster")},
            {"url": "", "label": self.get_page_title()},
        ]


class RosterImportView(RosterAdminMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a roster; the import runs as a task and its page shows progress."""

    action = "add"
    page_title = _("Import roster")
    template_name = "cadres/roster_import.html"
    form_class = RosterUploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        job = services.import_job_create(
            file=form.cleaned_data["file"], unit=form.cleaned_data["unit"], actor=self.request.user
        )
        return redirect("cadres_import_job", pk=job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_jobs"] = import_job_list_in_scope(scope=cached_scope(self.request.user))[:10]
        context["template_url"] = reverse("cadres_roster_template")
        return context


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(import_job_list_in_scope(scope=cached_scope(request.user)), pk=pk)


class ImportJobView(RosterAdminMixin, WagtailAdminTemplateMixin, TemplateView):
    action = "add"
    page_title = _("Roster import")
    template_name = "cadres/import_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = _job_for(self.request, self.kwargs["pk"])
        context.update(
            job=job,
            errors=[_render_error(data) for data in job.errors],
            notes=[_render_error(data) for data in job.notes],
            status_url=reverse("cadres_import_job_status", args=[job.pk]),
            succeeded=job.status == ImportStatus.SUCCEEDED,
            refused=job.status in REFUSED,
            bar_state=bar_state(job),
        )
        return context


REFUSED = frozenset({ImportStatus.REJECTED, ImportStatus.FAILED})


def bar_state(job: ImportJob) -> str:
    """How the progress bar looks: running, succeeded (green) or refused (red, never green)."""
    if job.status == ImportStatus.SUCCEEDED:
        return "succeeded"
    return "refused" if job.status in REFUSED else "running"


def _render_error(data: dict) -> dict:
    error = RowError.from_dict(data)
    return {"row": error.row, "column": error.column, "message": error.render(gettext)}


def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the job page while the import runs."""
    _require(request, "add")
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "processed_rows": job.processed_rows,
            "total_rows": job.total_rows,
            "percent": job.percent,
            "bar_state": bar_state(job),
        }
    )


def roster_template(request: HttpRequest) -> HttpResponse:
    _require(request, "view")
    return _xlsx_response(services.roster_template(), "花名册导入模板.xlsx")


def roster_export(request: HttpRequest) -> HttpResponse:
    """The roster with masked ID numbers: what every officer may take away."""
    _require(request, "view")
    content = services.roster_export(scope=cached_scope(request.user), unmasked=False, actor=request.user)
    return _xlsx_response(content, f"花名册-{timezone.localdate():%Y%m%d}.xlsx")


def roster_export_full(request: HttpRequest) -> HttpResponse:
    """The roster with full ID numbers, for those allowed to see them; logged as unmasked."""
    _require(request, "view")
    if not can_see_full_id_numbers(request.user):
        raise PermissionDenied
    content = services.roster_export(scope=cached_scope(request.user), unmasked=True, actor=request.user)
    return _xlsx_response(content, f"花名册-完整身份证号-{timezone.localdate():%Y%m%d}.xlsx")
