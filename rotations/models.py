from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, OrgUnit


class Programme(models.Model):
    """轮训计划: train every cadre of a population once, in batches, between two dates."""

    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="rotation_programmes",
        verbose_name=_("organising unit"),
        help_text=_("Officers of this unit's subtree manage the programme."),
    )
    name = models.CharField(_("name"), max_length=120)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    credit_hours = models.DecimalField(_("credit hours on completion"), max_digits=5, decimal_places=1, default=0)
    population_units = models.ManyToManyField(
        OrgUnit,
        related_name="rotation_populations",
        verbose_name=_("population units"),
        help_text=_("Every active cadre in these units' subtrees takes part."),
    )
    categories = models.JSONField(
        _("cadre categories"), default=list, blank=True, help_text=_("Empty means every category.")
    )
    include_cadres = models.ManyToManyField(
        Cadre, blank=True, related_name="rotation_inclusions", verbose_name=_("also include")
    )
    exclude_cadres = models.ManyToManyField(
        Cadre, blank=True, related_name="rotation_exclusions", verbose_name=_("leave out")
    )
    newly_posted_days = models.PositiveSmallIntegerField(
        _("newly posted within (days)"),
        default=180,
        help_text=_("Cadres posted this many days before the programme starts go to the earliest batches."),
    )
    max_leave_numerator = models.PositiveSmallIntegerField(_("leave allowed (numerator)"), default=1)
    max_leave_denominator = models.PositiveSmallIntegerField(
        _("leave allowed (denominator)"),
        default=7,
        help_text=_("Leave above this share of a batch's hours means the batch is not completed (1/7 by default)."),
    )
    absences_fail_at = models.PositiveSmallIntegerField(
        _("unexcused absences that fail"), default=3, help_text=_("This many unexcused absences mean not completed.")
    )
    is_induction = models.BooleanField(
        _("induction programme"),
        default=False,
        help_text=_("Newly posted village cadres may be placed in its next batch as their induction training."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rotation programme")
        verbose_name_plural = _("rotation programmes")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="programme_starts_before_it_ends"),
            models.CheckConstraint(
                condition=Q(max_leave_denominator__gt=0) & Q(max_leave_numerator__lte=F("max_leave_denominator")),
                name="programme_leave_share_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """期次: one class of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("batch number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="rotation_batches", verbose_name=_("trainers")
    )
    what_to_bring = models.TextField(_("what to bring"), blank=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["starts_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="batch_starts_before_it_ends"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="batch_has_seats"),
            models.UniqueConstraint(fields=["programme", "number"], name="one_batch_number_per_programme"),
        ]

    def __str__(self) -> str:
        return _("Batch %(number)s") % {"number": self.number}

    def overlaps(self, other: "Batch") -> bool:
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on


class HalfDay(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


SESSION_STARTS = {HalfDay.MORNING: time(8, 30), HalfDay.AFTERNOON: time(14, 0)}


class Session(models.Model):
    """A half-day of a batch: the unit attendance is taken in."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    half = models.CharField(_("half day"), max_length=2, choices=HalfDay.choices)
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1, default=Decimal("3.0"))
    checkin_code = models.CharField(max_length=32, blank=True, db_index=True)
    checkin_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "half"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "date", "half"], name="one_session_per_batch_half_day"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_has_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_half_display()}"


class PlacedBy(models.TextChoices):
    SCHEDULER = "scheduler", _("Scheduler")
    HAND = "hand", _("By hand")


class Outcome(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


class Seat(models.Model):
    """参训安排: a cadre's place in one batch of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="seats")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="seats")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="rotation_seats")
    locked = models.BooleanField(_("locked"), default=False, help_text=_("The scheduler keeps locked seats."))
    placed_by = models.CharField(max_length=10, choices=PlacedBy.choices, default=PlacedBy.SCHEDULER)
    is_makeup = models.BooleanField(_("make-up training"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.SCHEDULED)
    completed_at = models.DateTimeField(null=True, blank=True)
    credit_entry = models.OneToOneField(
        "courses.CreditEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="rotation_seat"
    )

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["programme", "cadre"], name="one_seat_per_cadre_per_programme"),
        ]
        indexes = [models.Index(fields=["batch", "cadre"], name="seat_batch_cadre")]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.batch}"


class Unavailability(models.Model):
    """A period a cadre has declared they cannot attend training (leave, other duty)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="unavailabilities", verbose_name=_("cadre"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="unavailability_starts_before_it_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    ABSENT = "absent", _("Absent")
    LEAVE = "leave", _("On approved leave")


class AttendanceVia(models.TextChoices):
    TRAINER = "trainer", _("Marked by a trainer")
    CHECKIN = "checkin", _("Checked in")
    LEAVE = "leave", _("Approved leave")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="rotation_attendance")
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)
    via = models.CharField(max_length=10, choices=AttendanceVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="one_attendance_per_cadre_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.session} · {self.get_status_display()}"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LeaveRequest(models.Model):
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="leave_requests")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="leave_starts_before_it_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.seat} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunPhase(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    LOADING = "loading", _("Loading the population")
    SOLVING = "solving", _("Placing cadres")
    SAVING = "saving", _("Saving seats")
    DONE = "done", _("Done")


class ScheduleRun(models.Model):
    """One run of the scheduler: its progress while it runs in the background, then what it did,
    with everyone it could not place and why."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    makeup = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.SUCCEEDED)
    phase = models.CharField(max_length=10, choices=RunPhase.choices, default=RunPhase.DONE)
    percent = models.PositiveSmallIntegerField(default=100)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    population = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    upper_bound = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    overlapping = models.BooleanField(default=False)
    seconds = models.FloatField(default=0)
    unplaced = models.JSONField(default=list, blank=True)  # [{"cadre": id, "name": …, "unit": …, "reason": …}]
    by_batch = models.JSONField(default=list, blank=True)  # [{"batch": id, "number": …, "seated": …, "capacity": …}]
    by_unit = models.JSONField(default=list, blank=True)  # [{"unit": id, "name": …, "placed": …, "unplaced": …}]

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A double click, or a second officer, cannot start a second run while one is under way.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_schedule_run_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.placed}/{self.population}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)


class Notice(models.Model):
    """A message to a cadre, shown on their rotation page (and sent by email)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="rotation_notices")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class Holiday(models.Model):
    """A day of the national holiday calendar: a public holiday, or a make-up working day (调休上班).

    Batches are not generated across holidays, and a batch that covers one is flagged; administrators
    keep the calendar as the State Council publishes each year's arrangement.
    """

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=60, help_text=_("For example 元旦 or 春节."))
    is_workday = models.BooleanField(
        _("make-up working day"),
        default=False,
        help_text=_("Ticked: a weekend day worked in exchange for a holiday (调休上班), so training may run."),
    )

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
