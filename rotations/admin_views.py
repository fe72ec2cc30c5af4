"""Officer and trainer pages in the Wagtail admin; every object is looked up inside the user's scope."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from openpyxl import Workbook
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cadres.models import Cadre
from cadres.roles import scope_for
from rotations import selectors
from rotations.exceptions import RotationsError
from rotations.forms import AttendanceForm, GenerateBatchesForm, SeatAssignForm, SessionRollForm
from rotations.models import Batch, LeaveRequest, Programme, RunStatus, ScheduleRun, Session
from rotations.permissions import can_take_attendance
from rotations.schedule_messages import (  # noqa: F401 - the page's messages, asserted by tests as admin_views.*
    BATCH_COVERS_HOLIDAYS,
    DEFAULTS_FIT,
    DEFAULTS_FLOOR,
    DEFAULTS_NO_ONE,
    DEFAULTS_NO_SPARE,
    DEFAULTS_SEATED,
    DEFAULTS_TOO_SHORT,
    NO_BATCHES,
    PLACED_EVERYONE,
    PLACED_SOME,
    defaults_message,
    holidays_text,
    run_result_message,
)
from rotations.services import attendance, programmes, runs, scheduling

FORMULA_PREFIXES = ("=", "+", "-", "@")
EXPORT_HEADERS = [
    gettext_lazy("Batch"),
    gettext_lazy("Starts on"),
    gettext_lazy("Ends on"),
    gettext_lazy("Venue"),
    gettext_lazy("Unit"),
    gettext_lazy("Name"),
    gettext_lazy("Category"),
    gettext_lazy("Phone"),
    gettext_lazy("Placed"),
    gettext_lazy("Outcome"),
]


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def programme_in_scope(request: HttpRequest, pk: int) -> Programme:
    return get_object_or_404(selectors.programmes_in_scope(scope=scope_for(request.user)), pk=pk)


def batch_for_attendance(request: HttpRequest, pk: int) -> Batch:
    batch = get_object_or_404(Batch.objects.select_related("programme", "programme__unit"), pk=pk)
    if not can_take_attendance(request.user, batch):
        raise Http404
    return batch


class ProgrammePageMixin(WagtailAdminTemplateMixin):
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        self.programme = programme_in_scope(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.programme.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("rotations_programme:index"), "label": _("Rotation programmes")},
            {"url": reverse("rotations_programme_schedule", args=[self.programme.pk]), "label": self.programme.name},
            {"url": "", "label": self.get_page_title()},
        ]


class ProgrammeScheduleView(ProgrammePageMixin, TemplateView):
    template_name = "rotations/admin/programme_schedule.html"

    def get_page_title(self):
        return _("Schedule by batch")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = selectors.latest_run(programme=self.programme)
        current = selectors.current_run(programme=self.programme)
        schedule = selectors.schedule_by_batch(programme=self.programme)
        suggestion = selectors.generator_defaults(programme=self.programme, today=timezone.localdate())
        defaults_level, defaults_text = defaults_message(suggestion, programme=self.programme)
        context.update(
            programme=self.programme,
            current_run=current,
            run_busy=current is not None and not current.is_finished,
            run_failed=current is not None and current.status == RunStatus.FAILED,
            run_status_url=reverse("rotations_programme_run_status", args=[self.programme.pk]),
            schedule=schedule,
            has_batches=bool(schedule),
            no_batches_message=NO_BATCHES,
            run=run if schedule else None,
            unplaced=[
                (row, _(row["template"]).format(**row["params"]))
                for row in (run.unplaced[:500] if run and schedule else [])
            ],
            generate_form=GenerateBatchesForm(initial=GenerateBatchesForm.initial_from(suggestion)),
            defaults_level=defaults_level,
            defaults_text=defaults_text,
        )
        return context


class ProgrammeUnitsView(ProgrammePageMixin, TemplateView):
    template_name = "rotations/admin/programme_units.html"

    def get_page_title(self):
        return _("Schedule by unit")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.programme, by_unit=selectors.schedule_by_unit(programme=self.programme), **kwargs
        )


def _back(programme: Programme):
    return redirect("rotations_programme_schedule", programme.pk)


@require_POST
def programme_generate(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_in_scope(request, pk)
    form = GenerateBatchesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the batch settings: %(errors)s") % {"errors": form.errors.as_text()})
        return _back(programme)
    try:
        created = programmes.batches_generate(programme=programme, **form.cleaned_data)
    except RotationsError as error:
        messages.error(request, error.translated())
    else:
        messages.success(request, _("%(count)s batches created.") % {"count": len(created)})
    return _back(programme)


@require_POST
def programme_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the scheduler in the background; a second click while it runs follows the same run."""
    programme = programme_in_scope(request, pk)
    if not programme.batches.exists():
        messages.warning(request, str(NO_BATCHES))
        return _back(programme)
    run, started = runs.schedule_run_start(
        programme=programme, by=request.user, makeup=request.POST.get("makeup") == "1"
    )
    if not started:
        messages.info(request, _("The scheduler is already running for this programme; follow its progress below."))
        return _back(programme)
    run.refresh_from_db()
    if run.status == RunStatus.SUCCEEDED:  # the embedded backend has already run it
        messages.add_message(request, *run_result_message(run))
    elif run.status == RunStatus.FAILED:
        messages.error(request, _("The scheduler failed; nothing was changed. Try again, or ask an administrator."))
    return _back(programme)


def run_as_json(run: ScheduleRun | None) -> dict:
    """What the schedule page's progress bar shows of a run."""
    if run is None:
        return {"id": None, "status": "", "finished": True, "percent": 0}
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "phase": run.phase,
        "phase_label": run.get_phase_display(),
        "percent": run.percent,
        "finished": run.is_finished,
        "population": run.population,
        "placed": run.placed,
        "upper_bound": run.upper_bound,
        "by_batch": run.by_batch if run.is_finished else [],
        "by_unit": run.by_unit[:50] if run.is_finished else [],
    }


def programme_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The newest scheduler run of the programme, polled by the progress bar."""
    programme = programme_in_scope(request, pk)
    response = JsonResponse(run_as_json(selectors.current_run(programme=programme)))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def programme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_in_scope(request, pk)
    try:
        count = programmes.schedule_publish(programme=programme)
    except RotationsError as error:
        messages.error(request, error.translated())
    else:
        messages.success(request, _("Schedule published; %(count)s cadres notified.") % {"count": count})
    return _back(programme)


@require_POST
def programme_assign(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_in_scope(request, pk)
    form = SeatAssignForm(request.POST)
    if form.is_valid():
        cadre = get_object_or_404(
            selectors.cadres_in_scope(scope=scope_for(request.user)), pk=form.cleaned_data["cadre"]
        )
        batch = get_object_or_404(programme.batches.all(), pk=form.cleaned_data["batch"])
        try:
            scheduling.seat_assign(programme=programme, cadre=cadre, batch=batch)
        except RotationsError as error:
            messages.error(request, error.translated())
        else:
            messages.success(
                request, _("%(cadre)s is now in batch %(batch)s.") % {"cadre": cadre, "batch": batch.number}
            )
    return _back(programme)


def programme_export(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_in_scope(request, pk)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Schedule")[:31])
    sheet.append([str(h) for h in EXPORT_HEADERS])
    for row in selectors.export_rows(programme=programme):
        sheet.append([spreadsheet_safe(value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"rotation-{programme.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class TrainerBatchesView(WagtailAdminTemplateMixin, TemplateView):
    """The batches a trainer runs, and those of the officer's subtree."""

    template_name = "rotations/admin/batch_list.html"
    header_icon = "list-ul"

    def get_page_title(self):
        return _("Training batches")

    def get_context_data(self, **kwargs):
        scope = scope_for(self.request.user)
        in_scope = Batch.objects.none()
        if not scope.nothing:
            in_scope = Batch.objects.filter(programme__in=selectors.programmes_in_scope(scope=scope).values("pk"))
        batches = (
            (in_scope | Batch.objects.filter(trainers=self.request.user))
            .distinct()
            .select_related("programme")
            .order_by("-starts_on", "number")[:200]
        )
        return super().get_context_data(batches=batches, **kwargs)


class BatchAttendanceView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "rotations/admin/batch_attendance.html"
    header_icon = "tick"

    def dispatch(self, request, *args, **kwargs):
        self.batch = batch_for_attendance(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Attendance: %(programme)s, batch %(number)s") % {
            "programme": self.batch.programme.name,
            "number": self.batch.number,
        }

    def roll_session(self, sessions: list[Session], wanted: str | None) -> Session | None:
        """The session asked for, else today's (morning first), else the first: the roll call form's session."""
        by_pk = {str(s.pk): s for s in sessions}
        if wanted in by_pk:
            return by_pk[wanted]
        today = timezone.localdate()
        return next((s for s in sessions if s.date == today), sessions[0] if sessions else None)

    def get_context_data(self, roll_form=None, **kwargs):
        sheet = selectors.attendance_sheet(batch=self.batch)
        checkin_url = self.request.build_absolute_uri(reverse("rotations:checkin"))
        roll_session = (
            roll_form.session if roll_form else self.roll_session(sheet.sessions, self.request.GET.get("session"))
        )
        if roll_form is None and roll_session is not None:
            roll_form = SessionRollForm(session=roll_session, seats=sheet.seats, marks=sheet.marks)
        return super().get_context_data(
            batch=self.batch,
            sheet=sheet,
            checkin_url=checkin_url,
            now=timezone.now(),
            roll_session=roll_session,
            roll_form=roll_form,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "roll":
                session = get_object_or_404(self.batch.sessions.all(), pk=request.POST.get("session"))
                sheet = selectors.attendance_sheet(batch=self.batch)
                form = SessionRollForm(request.POST, session=session, seats=sheet.seats, marks=sheet.marks)
                if not form.is_valid():
                    messages.error(request, _("Choose a status for every cadre."))
                    return self.render_to_response(self.get_context_data(roll_form=form), status=400)
                changed = attendance.session_roll_record(session=session, statuses=form.statuses(), by=request.user)
                messages.success(
                    request,
                    _("Attendance for %(session)s saved (%(changed)s changed).")
                    % {"session": session, "changed": changed},
                )
                return redirect(f"{reverse('rotations_batch_attendance', args=[self.batch.pk])}?session={session.pk}")
            if action == "mark":
                form = AttendanceForm(request.POST)
                if form.is_valid():
                    session = get_object_or_404(self.batch.sessions.all(), pk=form.cleaned_data["session"])
                    cadre = get_object_or_404(Cadre, pk=form.cleaned_data["cadre"])
                    attendance.attendance_record(
                        session=session, cadre=cadre, status=form.cleaned_data["status"], by=request.user
                    )
            elif action == "checkin":
                session = get_object_or_404(Session, batch=self.batch, pk=request.POST.get("session"))
                attendance.checkin_open(session=session)
            elif action in ("approve", "reject"):
                leave = get_object_or_404(LeaveRequest, seat__batch=self.batch, pk=request.POST.get("leave"))
                attendance.leave_request_decide(request=leave, approve=action == "approve", by=request.user)
            elif action == "complete":
                tally = attendance.batch_complete(batch=self.batch)
                messages.success(
                    request,
                    _("%(completed)s completed, %(not_completed)s not completed.") % tally,
                )
        except RotationsError as error:
            messages.error(request, error.translated())
        return redirect("rotations_batch_attendance", self.batch.pk)
