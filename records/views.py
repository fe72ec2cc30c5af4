"""Cadre and officer pages of the learning record, claims, certificate downloads, public verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from cadres.permissions import cached_scope
from courses.models import CoursePage
from lms.base_url import base_url
from lms.private_files import private_file_response
from records import certificates, selectors
from records.exceptions import RecordsError
from records.forms import ClaimForm, VerifyForm
from records.services import certificates as certificate_services
from records.services import claims as claim_services
from rotations.models import Seat

CADRES_PAGE_SIZE = 50


def _cadre(request: HttpRequest) -> Cadre | None:
    return getattr(request.user, "cadre", None)


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year


def _pdf_response(content: bytes, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=attachment, filename=filename)
    return response


def _render_record(request: HttpRequest, cadre: Cadre, *, own: bool) -> HttpResponse:
    record = selectors.learning_record(cadre=cadre, year=_year(request), today=timezone.localdate())
    return render(request, "records/learning_record.html", {"record": record, "own": own})


def _record_pdf(request: HttpRequest, cadre: Cadre) -> HttpResponse:
    record = selectors.learning_record(cadre=cadre, year=_year(request), today=timezone.localdate())
    labels = {
        "date": _("Date"),
        "source": _("Source"),
        "what": _("Item"),
        "hours": _("Hours"),
        "rule": _("Counted by"),
        "score": _("Best score (%)"),
        "passed": _("Passed"),
        "outcome": _("Outcome"),
        "number": _("Certificate number"),
    }
    content = certificates.record_pdf(record, rows_label=labels)
    return _pdf_response(content, f"{_('Learning record')}-{cadre.name}-{record.year}.pdf")


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    cadre = _cadre(request)
    if cadre is None:
        return render(request, "courses/not_a_cadre.html", status=403)
    return _render_record(request, cadre, own=True)


@login_required
def my_record_pdf(request: HttpRequest) -> HttpResponse:
    cadre = _cadre(request)
    if cadre is None:
        raise Http404
    return _record_pdf(request, cadre)


def _cadre_in_reach(request: HttpRequest, cadre_id: int) -> Cadre:
    cadre = selectors.cadre_for_record(user=request.user, cadre_id=cadre_id, scope=cached_scope(request.user))
    if cadre is None:
        raise Http404
    return cadre


@login_required
def cadre_record(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = _cadre_in_reach(request, cadre_id)
    return _render_record(request, cadre, own=cadre.user_id == request.user.pk)


@login_required
def cadre_record_pdf(request: HttpRequest, cadre_id: int) -> HttpResponse:
    return _record_pdf(request, _cadre_in_reach(request, cadre_id))


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    """Officers find a cadre of their subtree to open the record of."""
    scope = cached_scope(request.user)
    if scope.nothing:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.cadres_in_scope(scope=scope, query=query), CADRES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "records/cadre_list.html", {"page": page, "query": query})


@login_required
def claims(request: HttpRequest) -> HttpResponse:
    cadre = _cadre(request)
    if cadre is None:
        return render(request, "courses/not_a_cadre.html", status=403)
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_services.claim_submit(cadre=cadre, **form.cleaned_data)
        except RecordsError as error:
            form.add_error(None, error.translated())
        else:
            messages.success(request, _("Your claim was sent to your organisation department for approval."))
            return redirect("records:claims")
    return render(
        request,
        "records/claims.html",
        {"form": form, "claims": cadre.outside_claims.select_related("cadre")},
        status=400 if form.errors else 200,
    )


@login_required
def claim_proof(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded proof, to the cadre who sent it and officers over them only (never a public URL)."""
    claim = selectors.claim_visible_to(user=request.user, scope=cached_scope(request.user), pk=pk)
    if claim is None or not claim.proof:
        raise Http404
    return private_file_response(claim.proof, filename=claim.proof.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def certificate_issue(request: HttpRequest) -> HttpResponse:
    """A cadre asks for the certificate of something they completed; asking again gives the same one."""
    cadre = _cadre(request)
    if cadre is None:
        raise Http404
    try:
        target = int(request.POST.get("id", ""))
    except ValueError as error:
        raise Http404 from error
    try:
        if request.POST.get("kind") == "programme":
            seat = get_object_or_404(
                Seat.objects.select_related("programme", "programme__unit", "batch", "credit_entry", "cadre"),
                cadre=cadre,
                programme_id=target,
            )
            certificate = certificate_services.certificate_issue_for_seat(seat=seat)
        else:
            course = get_object_or_404(CoursePage, pk=target)
            certificate = certificate_services.certificate_issue_for_course(cadre=cadre, course=course)
    except RecordsError as error:
        messages.error(request, error.translated())
        return redirect("records:mine")
    return redirect("records:certificate-pdf", number=certificate.number)


@login_required
def certificate_download(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_visible_to(user=request.user, scope=cached_scope(request.user), number=number)
    if certificate is None:
        raise Http404
    if not certificate.is_valid:
        return redirect("records:verify", code=certificate.code)
    return _pdf_response(
        certificate_services.certificate_pdf(certificate, base=base_url(request=request)),
        f"{certificate.number}.pdf",
        attachment=False,
    )


@never_cache
def verify_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if not code:
        return render(request, "records/verify.html", {"form": VerifyForm(), "looked_up": False})
    form = VerifyForm({"code": code})
    if form.is_valid():
        return redirect("records:verify", code=form.cleaned_data["code"])
    # Not the shape of a code (a slash, "../", spaces…): no certificate has it, say so.
    return render(request, "records/verify.html", {"form": form, "looked_up": True, "certificate": None}, status=404)


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding the code (from the QR code) sees whether the certificate stands."""
    certificate = selectors.certificate_by_code(code=code)
    context = {
        "form": VerifyForm(),
        "looked_up": True,
        "certificate": certificate,
        "masked_name": certificates.mask_name(certificate.name) if certificate else "",
    }
    return render(request, "records/verify.html", context, status=200 if certificate else 404)
