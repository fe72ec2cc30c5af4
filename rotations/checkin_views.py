"""A session's check-in QR code for trainers: the image, a page to project or print, its status.

Only the batch's trainers and officers whose subtree holds the programme reach these; anyone
else gets a 404, as for the attendance page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rotations.models import Session
from rotations.permissions import can_take_attendance
from rotations.qr import qr_svg
from rotations.services import attendance


def session_for_checkin(request: HttpRequest, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("batch__programme__unit"), pk=pk)
    if not can_take_attendance(request.user, session.batch):
        raise Http404
    return session


def code_is_open(session: Session) -> bool:
    return (
        bool(session.checkin_code)
        and session.checkin_expires_at is not None
        and (session.checkin_expires_at > timezone.now())
    )


def checkin_link(request: HttpRequest, session: Session) -> str:
    """The address the QR code holds: the cadre's check-in page with the session's current code."""
    return request.build_absolute_uri(reverse("rotations:checkin")) + "?" + urlencode({"code": session.checkin_code})


def _no_store(response: HttpResponse) -> HttpResponse:
    # A cached image or status would show a code that has already rotated.
    response["Cache-Control"] = "no-store"
    return response


def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The current code as an SVG QR image; 404 while no code is open."""
    session = session_for_checkin(request, pk)
    if not code_is_open(session):
        raise Http404
    label = _("Check-in code for %(session)s") % {"session": session}
    return _no_store(HttpResponse(qr_svg(checkin_link(request, session), label=label), content_type="image/svg+xml"))


def checkin_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The code now open (polled by the projector page); POST opens a fresh one first."""
    session = session_for_checkin(request, pk)
    if request.method == "POST":
        session = attendance.checkin_open(session=session)
    elif request.method != "GET":
        return JsonResponse({}, status=405)
    is_open = code_is_open(session)
    return _no_store(
        JsonResponse(
            {
                "open": is_open,
                "code": session.checkin_code if is_open else "",
                "link": checkin_link(request, session) if is_open else "",
                "expires_at": session.checkin_expires_at.isoformat() if is_open else None,
                "expires_label": timezone.localtime(session.checkin_expires_at).strftime("%H:%M") if is_open else "",
                "qr_url": reverse("rotations_session_qr", args=[session.pk]) if is_open else "",
                "checked_in": session.attendance.count(),
            }
        )
    )


def session_projector(request: HttpRequest, pk: int) -> HttpResponse:
    """A full-screen page to project in the classroom or print: the QR code, renewed as it expires."""
    session = session_for_checkin(request, pk)
    if request.method == "POST":
        session = attendance.checkin_open(session=session)
        return redirect("rotations_session_projector", session.pk)
    is_open = code_is_open(session)
    return _no_store(
        render(
            request,
            "rotations/admin/session_projector.html",
            {
                "session": session,
                "batch": session.batch,
                "is_open": is_open,
                "link": checkin_link(request, session) if is_open else "",
                "status_url": reverse("rotations_session_checkin_status", args=[session.pk]),
                "attendance_url": reverse("rotations_batch_attendance", args=[session.batch_id]),
            },
        )
    )
