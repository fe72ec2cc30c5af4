"""Officer and administrator pages in the Wagtail admin; every object is looked up inside the user's scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cadres.permissions import cached_is_administrator, cached_scope
from lms.base_url import base_url
from lms.private_files import private_file_response
from records import selectors
from records.exceptions import RecordsError
from records.forms import ReasonForm
from records.models import ClaimStatus, JobStatus
from records.services import certificates as certificate_services
from records.services import claims as claim_services

LIST_LIMIT = 200


def require_manager(request: HttpRequest) -> None:
    """Officers (their subtree) and administrators (everything) only."""
    if cached_scope(request.user).nothing:
        raise PermissionDenied


def require_administrator(request: HttpRequest) -> None:
    if not cached_is_administrator(request.user):
        raise PermissionDenied


class ManagerPageMixin(WagtailAdminTemplateMixin):
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        require_manager(request)
        return super().dispatch(request, *args, **kwargs)


class ClaimListView(ManagerPageMixin, TemplateView):
    template_name = "records/admin/claim_list.html"
    page_title = gettext_lazy("Outside-training claims")

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", ClaimStatus.PENDING)
        if status not in ClaimStatus.values:
            status = ""
        claims = selectors.claims_in_scope(scope=cached_scope(self.request.user), status=status)
        return super().get_context_data(
            claims=claims[:LIST_LIMIT], status=status, statuses=ClaimStatus.choices, **kwargs
        )


def _claim(request: HttpRequest, pk: int):
    claim = selectors.claims_in_scope(scope=cached_scope(request.user)).filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim


class ClaimDetailView(ManagerPageMixin, TemplateView):
    template_name = "records/admin/claim_detail.html"
    page_title = gettext_lazy("Outside-training claim")

    def get_context_data(self, **kwargs):
        return super().get_context_data(claim=_claim(self.request, self.kwargs["pk"]), form=ReasonForm(), **kwargs)

    def post(self, request, pk: int):
        claim = _claim(request, pk)
        try:
            if request.POST.get("action") == "approve":
                claim_services.claim_approve(claim=claim, by=request.user)
                messages.success(request, _("Claim approved; the hours are in the cadre's record."))
            else:
                form = ReasonForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                claim_services.claim_return(claim=claim, by=request.user, reason=reason)
                messages.success(request, _("Claim returned to the cadre."))
        except RecordsError as error:
            messages.error(request, error.translated())
            return redirect("records_claim", pk=claim.pk)
        return redirect("records_claims")


class CertificateListView(ManagerPageMixin, TemplateView):
    template_name = "records/admin/certificate_list.html"
    page_title = gettext_lazy("Certificates")

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        certificates = selectors.certificates_in_scope(scope=cached_scope(self.request.user), query=query)
        return super().get_context_data(
            certificates=certificates[:LIST_LIMIT],
            query=query,
            can_revoke=cached_is_administrator(self.request.user),
            form=ReasonForm(),
            **kwargs,
        )


@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request)
    certificate = get_object_or_404(selectors.certificates_in_scope(scope=cached_scope(request.user)), pk=pk)
    form = ReasonForm(request.POST)
    try:
        certificate_services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except RecordsError as error:
        messages.error(request, error.translated())
    else:
        messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
    return redirect(f"{reverse('records_certificates')}?q={certificate.number}")


class BatchListView(ManagerPageMixin, TemplateView):
    template_name = "records/admin/batch_list.html"
    page_title = gettext_lazy("Batch certificates")

    def get_context_data(self, **kwargs):
        batches = selectors.batches_with_completions(scope=cached_scope(self.request.user))
        return super().get_context_data(batches=batches[:LIST_LIMIT], **kwargs)


@require_POST
def batch_zip(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request)
    batch = get_object_or_404(selectors.batches_with_completions(scope=cached_scope(request.user)), pk=pk)
    job = certificate_services.certificate_zip_create(batch=batch, by=request.user, base=base_url(request=request))
    return redirect("records_zip", pk=job.pk)


def _zip(request: HttpRequest, pk: int):
    require_manager(request)
    job = selectors.zip_in_scope(scope=cached_scope(request.user), pk=pk)
    if job is None:
        raise Http404
    return job


class ZipView(ManagerPageMixin, TemplateView):
    template_name = "records/admin/zip_job.html"
    page_title = gettext_lazy("Batch certificates")

    def get_context_data(self, **kwargs):
        job = _zip(self.request, self.kwargs["pk"])
        return super().get_context_data(
            job=job,
            status_url=reverse("records_zip_status", args=[job.pk]),
            ready=job.status == JobStatus.SUCCEEDED,
            **kwargs,
        )


def zip_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the job page while the certificates are built."""
    job = _zip(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
        }
    )


def zip_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _zip(request, pk)
    if job.status != JobStatus.SUCCEEDED or not job.file:
        raise Http404
    batch = job.batch
    return private_file_response(
        job.file,
        filename=f"{_('Certificates')}-{batch.programme.name}-{batch.number}.zip",
        content_type="application/zip",
    )
