"""The cadre's "my village" page: check in, see this month's presence against the rule, ask for leave."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from postings import selectors
from postings.exceptions import PostingsError
from postings.forms import CheckInForm, LeaveRequestForm
from postings.services.presence import check_in_record, leave_request_submit

CHECKED_IN = _("Checked in for today. Thank you.")
ALREADY_CHECKED_IN = _("You had already checked in today.")
LEAVE_SUBMITTED = _("Your leave request was sent for approval.")


def _cadre(request: HttpRequest) -> Cadre:
    cadre = getattr(request.user, "cadre", None)
    if cadre is None:
        raise PermissionDenied
    return cadre


def _render(request: HttpRequest, cadre: Cadre, *, leave_form=None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "summary": selectors.village_summary(cadre=cadre, today=today),
        "check_in_form": CheckInForm(),
        "leave_form": leave_form or LeaveRequestForm(),
        "today": today,
    }
    return render(request, "postings/my_village.html", context, status=status)


@login_required
def my_village(request: HttpRequest) -> HttpResponse:
    return _render(request, _cadre(request))


@login_required
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    cadre = _cadre(request)
    form = CheckInForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"consent": False}
    try:
        _check_in, created = check_in_record(
            cadre=cadre,
            at=timezone.now(),
            consent=data["consent"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
    except PostingsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, CHECKED_IN if created else ALREADY_CHECKED_IN)
    return redirect("my-village")


@login_required
@require_POST
def leave_request(request: HttpRequest) -> HttpResponse:
    cadre = _cadre(request)
    form = LeaveRequestForm(request.POST)
    if form.is_valid():
        try:
            leave_request_submit(cadre=cadre, today=timezone.localdate(), **form.cleaned_data)
        except PostingsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, LEAVE_SUBMITTED)
            return redirect("my-village")
    return _render(request, cadre, leave_form=form, status=400)
