"""Officers' view of the training batches their own cadres sit in, whoever runs the batch.

A township officer manages the programmes of their own subtree, but their cadres are mostly
placed in batches a county or city runs. These reads show those batches and seats, limited to
the cadres of the officer's subtree; a batch run by a higher level is read-only here. A fixed
number of queries whatever the number of batches or seats.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cadres.roles import Scope
from rotations.models import AttendanceStatus, Batch, Seat


def _ours(scope: Scope, prefix: str = "") -> Q:
    return Q() if scope.everything else Q(**{f"{prefix}cadre__unit__path__startswith": scope.path})


def batches_with_our_cadres(*, scope: Scope) -> QuerySet[Batch]:
    """Batches seating at least one cadre of the subtree, newest first, with how many of ours."""
    if scope.nothing:
        return Batch.objects.none()
    seats = Seat.objects.filter(_ours(scope)).values("batch_id")
    return (
        Batch.objects.filter(pk__in=seats)
        .select_related("programme", "programme__unit")
        .annotate(ours=Count("seats", filter=_ours(scope, "seats__"), distinct=True))
        .order_by("-starts_on", "number", "pk")
    )


def runs_batch(*, scope: Scope, batch: Batch) -> bool:
    """Whether the batch's programme lies in the subtree, so the officer manages it (else read-only)."""
    return scope.allows_path(batch.programme.unit.path)


def our_seats(*, scope: Scope, batch: Batch) -> QuerySet[Seat]:
    """The batch's seats of the subtree's cadres, with their attendance counted per status."""

    def marks(*statuses: str) -> Count:
        return Count(
            "cadre__rotation_attendance",
            filter=Q(cadre__rotation_attendance__session__batch=batch, cadre__rotation_attendance__status__in=statuses),
        )

    return (
        Seat.objects.filter(_ours(scope), batch=batch)
        .select_related("cadre", "cadre__unit")
        .annotate(
            attended=marks(AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY),
            on_leave=marks(AttendanceStatus.LEAVE),
            absent=marks(AttendanceStatus.ABSENT),
        )
        .order_by("cadre__unit__path", "cadre__name", "pk")
    )
