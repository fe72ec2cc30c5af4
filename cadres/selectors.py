"""Reads of the org tree and the roster, always through a Scope so nothing leaks across subtrees."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from cadres.models import Cadre, ImportJob, OrgUnit
from cadres.roles import Scope


def unit_list_in_scope(*, scope: Scope) -> QuerySet[OrgUnit]:
    """Units the scope covers, in tree order."""
    qs = OrgUnit.objects.order_by("path")
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    return qs.filter(path__startswith=scope.path)


def cadre_list_in_scope(*, scope: Scope, categories: Sequence[str] = ()) -> QuerySet[Cadre]:
    """Cadres of every unit the scope covers, with their unit joined."""
    qs = Cadre.objects.select_related("unit")
    if scope.nothing:
        return qs.none()
    if not scope.everything:
        qs = qs.filter(unit__path__startswith=scope.path)
    return qs.filter(category__in=categories) if categories else qs


def import_job_list_in_scope(*, scope: Scope) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("unit", "created_by")
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    return qs.filter(unit__path__startswith=scope.path)


def unit_names_by_path(*, units: Sequence[OrgUnit]) -> dict[str, str]:
    """Names of `units` and of every unit above them, keyed by tree path (one query)."""
    step = OrgUnit.steplen
    wanted = {unit.path[: step * depth] for unit in units for depth in range(1, len(unit.path) // step + 1)}
    known = {unit.path: unit.name for unit in units}
    missing = wanted - known.keys()
    if missing:
        known.update(OrgUnit.objects.filter(path__in=missing).values_list("path", "name"))
    return known


def unit_chain(*, unit: OrgUnit) -> tuple[str, ...]:
    """Names from the top of the tree down to `unit`."""
    names = unit_names_by_path(units=[unit])
    step = OrgUnit.steplen
    return tuple(names[unit.path[: step * depth]] for depth in range(1, len(unit.path) // step + 1))


def unit_path_text(path: str, names: dict[str, str]) -> str:
    """'示范县/城关镇/东村工作队' for a tree path, given `unit_names_by_path` output."""
    step = OrgUnit.steplen
    return "/".join(names.get(path[: step * depth], "?") for depth in range(1, len(path) // step + 1))


def cadre_list_pending_activation(*, unit: OrgUnit) -> QuerySet[Cadre]:
    """Active cadres below `unit` who have not activated their account yet, with unit and login joined."""
    return (
        Cadre.objects.filter(
            unit__path__startswith=unit.path,
            active=True,
            # Both in one filter(), so they test the same row; a login without one has nothing pending.
            user__account__isnull=False,
            user__account__activated_at__isnull=True,
        )
        .select_related("unit", "user")
        .order_by("unit__path", "name")
    )
