"""Report pages in the Wagtail admin (统计报表). Thin: the filter form parses, selectors count.

Every page resolves the user's scope first: a user who manages no subtree gets a 404, a unit
or cadre outside the subtree is a 404, and all numbers are narrowed to the chosen unit.
`?export=xlsx` on any page downloads what it shows; a large export becomes a background job.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from cadres.models import OrgUnit, UnitLevel
from cadres.permissions import cached_scope
from cadres.selectors import unit_names_by_path
from lms.private_files import private_file_response
from lms.redirects import safe_next_url
from reports import charts, people, reminders, selectors
from reports.exports import XLSX_CONTENT_TYPE, export_job_create, inline_limit, xlsx_tempfile
from reports.forms import ReportFilterForm
from reports.models import ExportJob
from reports.registry import build_export, filters_for

REMINDERS_SENT = gettext_lazy("Reminders sent to %(count)s cadres (anyone already reminded today was skipped).")
REMINDERS_QUEUED = gettext_lazy("Reminders are being sent in the background.")


def require_scope(request: HttpRequest):
    scope = cached_scope(request.user)
    if scope.nothing:
        raise Http404
    return scope


def export_response(request: HttpRequest, report: str, params: dict) -> HttpResponse:
    """Stream the export of what the page shows, or hand it to a background job if it is large."""
    export = build_export(report, params=params, user=request.user)
    if export.count > inline_limit():
        job = export_job_create(report=report, params=params, user=request.user, filename=export.filename)
        return redirect("reports_export_job", pk=job.pk)
    handle, _written = xlsx_tempfile(export)
    return FileResponse(handle, as_attachment=True, filename=export.filename, content_type=XLSX_CONTENT_TYPE)


class ReportMixin:
    """Scope, filter form, breadcrumbs down the tree, and `?export=xlsx`, for every report page."""

    report_name = ""
    header_icon = "table"
    form_options: dict = {}

    def dispatch(self, request, *args, **kwargs):
        self.scope = require_scope(request)
        if request.GET.get("export") == "xlsx":
            return export_response(request, self.report_name, self.export_params())
        return super().dispatch(request, *args, **kwargs)

    def export_params(self) -> dict:
        """The query string as the export builders take it (override to add what the URL path holds)."""
        return {key: self.request.GET.getlist(key) for key in self.request.GET if key not in {"export", "p"}}

    @cached_property
    def filter_form(self) -> ReportFilterForm:
        return ReportFilterForm(self.request.GET, scope=self.scope, **self.form_options)

    @cached_property
    def report_filters(self) -> selectors.Filters:
        return self.filter_form.to_filters()

    def query(self, **changes) -> str:
        """This page's query string with some parameters changed (None removes one)."""
        params = self.request.GET.copy()
        params.pop("p", None)
        params.pop("export", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return "?" + params.urlencode() if params else "?"

    def unit_trail(self) -> list[dict]:
        """Links up the tree from the chosen unit to the top of the user's subtree."""
        unit = self.report_filters.unit
        if unit is None:
            return []
        names = unit_names_by_path(units=[unit])
        step = unit.steplen
        top = len(self.scope.path or "") or step
        trail = []
        for end in range(top, len(unit.path) + 1, step):
            path = unit.path[:end]
            trail.append({"path": path, "name": names.get(path, "?")})
        return trail

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.filter_form,
            report_filters=self.report_filters,
            export_url=self.query(export="xlsx"),
            view=self,
        )
        return context


class ReportPage(ReportMixin, WagtailAdminTemplateMixin, TemplateView):
    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("reports_dashboard"), "label": _("Reports")},
            {"url": "", "label": self.get_page_title()},
        ]


class DashboardView(ReportPage):
    page_title = gettext_lazy("Completion")
    header_icon = "dashboard"
    template_name = "reports/dashboard.html"
    people_per_page = 50

    @property
    def report_name(self) -> str:
        """`?people=1` exports the people of the selection; otherwise the unit table."""
        return "people" if self.request.GET.get("people") == "1" else "dashboard"

    def people_page(self, board):
        """The people of the selection, a page at a time: at a unit with no units below it, or on request."""
        at_leaf = self.report_filters.unit is not None and not any(row.unit for row in board.rows)
        if not (at_leaf or self.request.GET.get("people") == "1"):
            return None
        page = Paginator(people.people_rows(self.report_filters), self.people_per_page).get_page(
            self.request.GET.get("p")
        )
        page.people = people.people(self.report_filters, page.object_list)
        return page

    def get_context_data(self, **kwargs):
        board = selectors.dashboard(self.report_filters)
        codes = {row.unit.path: row.unit.code for row in board.rows if row.unit}
        people_page = self.people_page(board)
        return super().get_context_data(
            people_page=people_page,
            people_url=self.query(people="1"),
            people_export_url=self.query(people="1", export="xlsx"),
            board=board,
            rows=[(row, self.query(unit=codes[row.unit.path]) if row.unit else None) for row in board.rows],
            bars_svg=charts.completion_bars(board.rows),
            trend_svg=charts.weekly_trend(board.trend),
            trail=self._trail_links(),
            remind_url=reverse("reports_remind") + self.query(next=self.request.path),
            **kwargs,
        )

    def _trail_links(self):
        codes = {}
        trail = self.unit_trail()
        if trail:
            codes = dict(OrgUnit.objects.filter(path__in=[t["path"] for t in trail]).values_list("path", "code"))
        return [{"name": t["name"], "url": self.query(unit=codes.get(t["path"], ""))} for t in trail]


class CourseReportView(ReportPage):
    report_name = "courses"
    page_title = gettext_lazy("Courses")
    header_icon = "doc-full"
    template_name = "reports/courses.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(figures=selectors.per_course(self.report_filters), **kwargs)


class RankingView(ReportPage):
    report_name = "ranking"
    page_title = gettext_lazy("Unit ranking")
    header_icon = "order"
    template_name = "reports/ranking.html"

    @cached_property
    def level(self) -> str:
        level = self.request.GET.get("level") or UnitLevel.TOWNSHIP
        return level if level in UnitLevel.values else UnitLevel.TOWNSHIP

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ranked=selectors.ranking(self.report_filters, level=self.level),
            levels=[(value, label, self.query(level=value)) for value, label in UnitLevel.choices],
            level=self.level,
            **kwargs,
        )


class ProgrammeReportView(ReportPage):
    report_name = "programme"
    page_title = gettext_lazy("Rotation training")
    header_icon = "date"
    template_name = "reports/programme.html"
    form_options = {"with_course": False}

    def get_context_data(self, **kwargs):
        programme = self.report_filters.programme
        report = selectors.programme_report(self.report_filters, programme=programme) if programme else None
        programmes = list(selectors.programmes_visible(scope=self.scope)[:200]) if not programme else []
        return super().get_context_data(
            report=report,
            programmes=[(p, self.query(programme=p.pk)) for p in programmes],
            **kwargs,
        )


class OverdueReportView(ReportMixin, ReportView):
    """Who is late with which required course, most overdue first, with their unit and phone."""

    report_name = "overdue"
    page_title = gettext_lazy("Overdue")
    header_icon = "warning"
    template_name = "reports/overdue.html"
    results_template_name = "reports/overdue_results.html"
    index_url_name = "reports_overdue"
    index_results_url_name = "reports_overdue"
    paginate_by = 50

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail's own ?export= writes CSV without formula neutralisation; ours is ReportMixin's.
        self.is_export = False

    def get_queryset(self):
        return selectors.overdue(self.report_filters, today=self.today)

    def get_filtered_queryset(self):
        return self.get_queryset()

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("Name"),
                accessor=lambda row: row.cadre.name,
                get_url=lambda row: reverse("reports_cadre", args=[row.cadre_id]) + self.query(),
            ),
            Column("unit", label=_("Unit"), accessor=lambda row: row.cadre.unit.name),
            Column("phone", label=_("Phone"), accessor=lambda row: row.cadre.phone),
            Column("course", label=_("Course"), accessor=lambda row: row.course.title),
            DateColumn("due_date", label=_("Due date")),
            Column("days", label=_("Days late"), accessor=lambda row: (self.today - row.due_date).days),
        ]

    def get_breadcrumbs_items(self):
        return [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {"url": reverse("reports_dashboard"), "label": _("Reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def header_more_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["remind_url"] = reverse("reports_remind") + self.query(next=self.request.path)
        return context


class CadreRecordView(ReportPage):
    report_name = "cadre"
    header_icon = "user"
    template_name = "reports/cadre_record.html"
    form_options = {"with_course": False, "with_programme": False}

    def dispatch(self, request, *args, **kwargs):
        scope = require_scope(request)
        self.cadre = selectors.cadre_in_scope(scope=scope, cadre_id=kwargs["pk"])
        if self.cadre is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def export_params(self) -> dict:
        return {**super().export_params(), "cadre": [str(self.cadre.pk)]}

    def get_page_title(self):
        return self.cadre.name

    def get_context_data(self, **kwargs):
        record = selectors.cadre_record(cadre=self.cadre, year=self.report_filters.year)
        return super().get_context_data(record=record, cadre=self.cadre, **kwargs)


class RemindView(ReportPage):
    """Reminding everyone overdue is one click too many to take back: the page first says how many
    cadres the current view would remind (and how many already were today), then sends on POST.
    A second POST sends nothing new: each cadre is reminded at most once a day (reports.reminders)."""

    report_name = "overdue"
    page_title = gettext_lazy("Remind the overdue")
    header_icon = "mail"
    template_name = "reports/remind_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if request.GET.get("export"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def params(self) -> dict:
        return {key: self.request.GET.getlist(key) for key in self.request.GET if key not in {"next", "p"}}

    def back_url(self) -> str:
        back = safe_next_url(self.request, "reports_overdue")
        params = self.params()
        return f"{back}?{urlencode(params, doseq=True)}" if params else back

    def get_context_data(self, **kwargs):
        preview = reminders.overdue_reminders_preview(filters=self.report_filters)
        return super().get_context_data(preview=preview, back_url=self.back_url(), **kwargs)

    def post(self, request, *args, **kwargs):
        params = self.params()
        filters_for(params, request.user)  # a unit outside the subtree is a 404 here, not a failed task
        result = reminders.overdue_reminders_enqueue(params=params, user=request.user)
        if result is None:
            messages.info(request, str(REMINDERS_QUEUED))
        else:
            messages.success(request, str(REMINDERS_SENT) % {"count": result})
        return redirect(self.back_url())


# ---------------------------------------------------------------------------- export jobs


def _job_for(request: HttpRequest, pk: int) -> ExportJob:
    require_scope(request)
    return get_object_or_404(ExportJob, pk=pk, created_by=request.user)


class ExportJobView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Export")
    header_icon = "download"
    template_name = "reports/export_job.html"

    def get_context_data(self, **kwargs):
        job = _job_for(self.request, self.kwargs["pk"])
        return super().get_context_data(
            job=job,
            status_url=reverse("reports_export_job_status", args=[job.pk]),
            download_url=reverse("reports_export_job_download", args=[job.pk]),
            **kwargs,
        )


def export_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "written_rows": job.written_rows,
            "total_rows": job.total_rows,
            "percent": job.percent,
            "download_url": reverse("reports_export_job_download", args=[job.pk]) if job.file else "",
        }
    )


def export_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if not job.file:
        raise Http404
    return private_file_response(job.file, filename=job.filename, content_type=XLSX_CONTENT_TYPE)
