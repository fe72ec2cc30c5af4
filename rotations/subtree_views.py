"""Admin pages for officers: the batches their own cadres sit in, whoever runs them (read-only when a
higher level runs the batch), with the seats of their cadres and an Excel export."""

from __future__ import annotations

from io import BytesIO

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from openpyxl import Workbook
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cadres.roles import scope_for
from rotations import subtree
from rotations.admin_views import spreadsheet_safe
from rotations.models import Seat

SEATS_HEADERS = [
    gettext_lazy("Programme"),
    gettext_lazy("Organising unit"),
    gettext_lazy("Batch"),
    gettext_lazy("Starts on"),
    gettext_lazy("Ends on"),
    gettext_lazy("Venue"),
    gettext_lazy("Unit"),
    gettext_lazy("Name"),
    gettext_lazy("Category"),
    gettext_lazy("Outcome"),
]


def _officer_scope(request):
    scope = scope_for(request.user)
    if scope.nothing:
        raise Http404
    return scope


def seats_workbook(seats) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Our cadres' batches")[:31])
    sheet.append([str(h) for h in SEATS_HEADERS])
    for seat in seats:
        batch = seat.batch
        row = [
            batch.programme.name,
            batch.programme.unit.name,
            batch.number,
            batch.starts_on,
            batch.ends_on,
            batch.venue,
            seat.cadre.unit.name,
            seat.cadre.name,
            seat.cadre.get_category_display(),
            seat.get_outcome_display(),
        ]
        sheet.append([spreadsheet_safe(value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="our-cadres-batches-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


class OurCadresBatchesView(WagtailAdminTemplateMixin, TemplateView):
    """Every batch a cadre of the officer's subtree sits in; `?export=xlsx` lists their seats."""

    template_name = "rotations/admin/our_cadres_batches.html"
    header_icon = "group"
    page_title = gettext_lazy("Our cadres' batches")

    def get(self, request, *args, **kwargs):
        self.scope = _officer_scope(request)
        if request.GET.get("export") == "xlsx":
            seats = (
                Seat.objects.filter(batch__in=subtree.batches_with_our_cadres(scope=self.scope).values("pk"))
                .filter(subtree._ours(self.scope))
                .select_related("batch", "batch__programme", "batch__programme__unit", "cadre", "cadre__unit")
                .order_by("-batch__starts_on", "batch__number", "cadre__unit__path", "cadre__name")
            )
            return seats_workbook(seats)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        batches = list(subtree.batches_with_our_cadres(scope=self.scope)[:300])
        rows = [(batch, subtree.runs_batch(scope=self.scope, batch=batch)) for batch in batches]
        return super().get_context_data(rows=rows, **kwargs)


class OurCadresBatchView(WagtailAdminTemplateMixin, TemplateView):
    """The seats of the officer's cadres in one batch, with their attendance; 404 when none is there."""

    template_name = "rotations/admin/our_cadres_batch.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.scope = _officer_scope(request)
        self.batch = get_object_or_404(subtree.batches_with_our_cadres(scope=self.scope), pk=kwargs["pk"])
        self.seats = subtree.our_seats(scope=self.scope, batch=self.batch)
        if request.GET.get("export") == "xlsx":
            return seats_workbook(self.seats.select_related("batch__programme__unit"))
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("%(programme)s, batch %(number)s") % {
            "programme": self.batch.programme.name,
            "number": self.batch.number,
        }

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("rotations_our_cadres_batches"), "label": _("Our cadres' batches")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            batch=self.batch,
            seats=list(self.seats),
            manages=subtree.runs_batch(scope=self.scope, batch=self.batch),
            **kwargs,
        )
