"""Summary rows the reports read, and the records of what reports sent and exported.

The summary and rollup tables are derived data: `reports.summaries` computes them from the raw
records (progress, credits, seats, attempts, requirements) and `manage.py rebuild_summaries`
can always recreate them. They carry the cadre's unit path, category, rank and active flag,
so a report is a grouped query over one table with a path prefix, with no join. The rollups
total them once more per unit and all its ancestors, so the completion dashboard reads a few
rows per child unit, whatever the number of cadres below it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, OrgUnit
from lms.private_files import private_storage


class CadreYearSummary(models.Model):
    """One row per active-or-not cadre and year with requirements or activity: what the dashboard sums."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="year_summaries")
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)
    category = models.CharField(max_length=30)
    rank = models.CharField(max_length=30)
    active = models.BooleanField(default=True)
    required = models.PositiveSmallIntegerField(default=0)
    completed = models.PositiveSmallIntegerField(default=0)
    on_time = models.PositiveSmallIntegerField(default=0)
    # The earliest due date among required courses not yet completed: overdue when before today.
    next_due = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    seats = models.PositiveSmallIntegerField(default=0)
    trained = models.PositiveSmallIntegerField(default=0)
    sessions_marked = models.PositiveSmallIntegerField(default=0)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    quizzes_taken = models.PositiveSmallIntegerField(default=0)
    quizzes_passed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="one_summary_per_cadre_year")]
        indexes = [models.Index(fields=["year", "unit_path"], name="summary_year_path")]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.year}"


class CadreCourseSummary(models.Model):
    """One row per cadre and required course of a year: the per-course report and the overdue list."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="course_summaries")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)
    category = models.CharField(max_length=30)
    rank = models.CharField(max_length=30)
    active = models.BooleanField(default=True)
    due_date = models.DateField()
    started = models.BooleanField(default=False)
    seconds_studied = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(default=False)
    # The final test of the course, if it has one: None until a graded attempt exists.
    quiz_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    quiz_passed = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cadre", "course", "year"], name="one_summary_per_cadre_course_year")
        ]
        indexes = [
            models.Index(fields=["year", "unit_path"], name="course_summary_year_path"),
            models.Index(fields=["year", "course", "unit_path"], name="course_summary_course_path"),
            models.Index(fields=["year", "due_date"], name="course_summary_due"),
            models.Index(fields=["year", "completed_at", "unit_path"], name="course_summary_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.course_id} · {self.year}"


class _Rollup(models.Model):
    """Per-ancestor totals of the summary rows: every unit's row holds its whole subtree.

    `unit_path` is the path of the unit the row totals (not of a cadre's own unit); each active
    cadre's summary counts once in the rows of its unit and of every unit above it. Kept by
    delta in the summaries' write transaction (reports.rollups); rows whose counts fell to
    zero stay until the next full rebuild and add nothing.
    """

    unit_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=30)
    rank = models.CharField(max_length=30)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_path} · {self.year} · {self.category} · {self.rank}"


class UnitYearRollup(_Rollup):
    """Cadres of a subtree with the same year, category, rank and credit hours, and their sums."""

    # Credit hours × 10: summary hours have one decimal, so the bucket is exact, and the
    # buckets give the median and the share meeting a target that may change any day.
    tenths = models.IntegerField()
    cadres = models.IntegerField(default=0)
    required = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    placed = models.IntegerField(default=0)
    trained = models.IntegerField(default=0)
    quizzes_taken = models.IntegerField(default=0)
    quizzes_passed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_path", "year", "category", "rank", "tenths"], name="one_year_rollup_per_bucket"
            )
        ]


class UnitDueRollup(_Rollup):
    """Cadres of a subtree whose earliest unfinished required course is due on `next_due`: overdue is a range."""

    next_due = models.DateField()
    cadres = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_path", "year", "category", "rank", "next_due"], name="one_due_rollup_per_day"
            )
        ]


class UnitWeekRollup(_Rollup):
    """Required-course completions in a subtree in the week starting on Monday `week` (local time)."""

    week = models.DateField()
    completions = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_path", "year", "category", "rank", "week"], name="one_week_rollup")
        ]


class ReminderKind(models.TextChoices):
    OVERDUE = "overdue", _("Overdue reminder")
    DIGEST = "digest", _("Weekly digest")


class ReminderLog(models.Model):
    """A reminder sent: the unique constraint is what keeps it to one per person, kind and day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which run inserted the row: with ignore_conflicts, a run sends only to the rows it won.
    run = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "sent_on"], name="one_reminder_per_user_kind_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.sent_on}"


class Notification(models.Model):
    """An in-site message to one user (a cadre's reminder), shown on /notifications/."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_recent")]

    def __str__(self) -> str:
        return self.text


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Writing")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """A large export written in the background; only the user who asked may download it."""

    report = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    written_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="report-exports/%Y/%m/", blank=True, storage=private_storage)
    filename = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.SUCCEEDED, ExportStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.written_rows / self.total_rows) if self.total_rows else 0


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A read-only API key for another government system; it sees what its user sees. Only the hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("Revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        """A new token and its key; the key is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], digest=token_digest(key))
        return token, key
