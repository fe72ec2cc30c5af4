"""Cadre-facing pages: my training batch, check-in and leave requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rotations import selectors
from rotations.exceptions import RotationsError
from rotations.forms import CheckInForm, LeaveRequestForm
from rotations.models import Seat
from rotations.services import attendance


def _cadre_or_none(request: HttpRequest):
    return getattr(request.user, "cadre", None)


@login_required
def my_rotation(request: HttpRequest) -> HttpResponse:
    cadre = _cadre_or_none(request)
    if cadre is None:
        return render(request, "courses/not_a_cadre.html", status=403)
    seats, notices = selectors.my_rotation(cadre=cadre)
    return render(
        request,
        "rotations/my_rotation.html",
        {
            "cadre": cadre,
            "seats": seats,
            "notices": notices,
            "checkin_form": CheckInForm(),
            "leave_form": LeaveRequestForm(),
        },
    )


@login_required
def checkin(request: HttpRequest) -> HttpResponse:
    """The page a session's QR code opens: the code comes in the link, the cadre confirms with one tap."""
    cadre = _cadre_or_none(request)
    if cadre is None:
        return render(request, "courses/not_a_cadre.html", status=403)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            mark = attendance.checkin(cadre=cadre, code=form.cleaned_data["code"])
        except RotationsError as error:
            form.add_error("code", error.translated())
        else:
            messages.success(request, _("Checked in: %(status)s.") % {"status": mark.get_status_display()})
            return redirect("rotations:mine")
    return render(request, "rotations/checkin.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def leave_request(request: HttpRequest, seat_id: int) -> HttpResponse:
    cadre = _cadre_or_none(request)
    seat = get_object_or_404(Seat.objects.select_related("batch"), pk=seat_id, cadre=cadre, cadre__isnull=False)
    form = LeaveRequestForm(request.POST)
    if form.is_valid():
        try:
            attendance.leave_request_create(seat=seat, **form.cleaned_data)
        except RotationsError as error:
            messages.error(request, error.translated())
        else:
            messages.success(request, _("Your leave request was sent for approval."))
    else:
        messages.error(request, _("Give the dates and a reason for your leave."))
    return redirect("rotations:mine")
