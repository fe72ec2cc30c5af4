from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, CadreCategory, OrgUnit


class Requirement(models.Model):
    """Cadres of `unit`'s subtree (optionally only some categories) must complete `course` by `due_date`."""

    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="requirements", verbose_name=_("course")
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("unit"))
    categories = models.JSONField(
        _("cadre categories"), default=list, blank=True, help_text=_("Empty means every category.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    due_date = models.DateField(_("due date"))
    # A personal requirement (an induction due a set number of days after one cadre's posting)
    # binds that cadre alone, wherever they are; `unit` then only decides who may see and edit it.
    cadre = models.ForeignKey(
        Cadre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_requirements",
        verbose_name=_("only for cadre"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("required-course assignment")
        verbose_name_plural = _("required-course assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "unit", "year"],
                condition=models.Q(cadre__isnull=True),
                name="one_requirement_per_course_unit_year",
            ),
            models.UniqueConstraint(
                fields=["course", "cadre", "year"],
                condition=models.Q(cadre__isnull=False),
                name="one_personal_requirement_per_course_cadre_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.unit} · {self.year}"

    def applies_to(self, cadre: Cadre) -> bool:
        if self.cadre_id is not None:
            return self.cadre_id == cadre.pk
        in_subtree = cadre.unit.path.startswith(self.unit.path)
        return in_subtree and (not self.categories or cadre.category in self.categories)

    def category_labels(self) -> list[str]:
        labels = dict(CadreCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]

    @property
    def category_display(self) -> str:
        return "、".join(self.category_labels()) or str(_("All categories"))


class CourseProgress(models.Model):
    """One row per cadre and course studied: the summary that lists and reports read."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="course_progress")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="progress")
    lessons_completed = models.PositiveSmallIntegerField(default=0)
    lessons_total = models.PositiveSmallIntegerField(default=0)
    seconds_studied = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_studied_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cadre", "course"], name="one_progress_per_cadre_course")]
        indexes = [models.Index(fields=["cadre", "-last_studied_at"], name="progress_recent")]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.course_id} · {self.percent}%"

    @property
    def percent(self) -> int:
        if self.completed_at:
            return 100
        if not self.lessons_total:
            return 0
        return min(99, round(100 * self.lessons_completed / self.lessons_total))


class LessonProgress(models.Model):
    """Study time credited on one lesson, decided on the server from heartbeats."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="progress")
    credited_seconds = models.PositiveIntegerField(default=0)
    furthest_position = models.FloatField(default=0, help_text="Furthest video second actually watched.")
    last_beat_at = models.DateTimeField(null=True, blank=True)
    tab = models.CharField(max_length=64, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cadre", "lesson"], name="one_progress_per_cadre_lesson")]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.lesson_id} · {self.credited_seconds}s"


class CreditSource(models.TextChoices):
    COURSE = "course", _("Course completed")
    QUIZ = "quiz", _("Quiz passed")
    BATCH = "batch", _("Training batch")
    OUTSIDE = "outside", _("Outside training")


class CreditEntry(models.Model):
    """The credit-hour ledger: every credited hour with where it came from."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="credits")
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    source = models.CharField(max_length=20, choices=CreditSource.choices)
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="credits"
    )
    description = models.CharField(max_length=200, blank=True)
    earned_at = models.DateTimeField()
    # The rule that counted the hours, as it stood then ({"id", "label", "method", …}); written by
    # the credit policy (see courses.crediting) and by a recompute. Empty: the stated hours.
    rule = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("credit-hour entry")
        verbose_name_plural = _("credit-hour ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "course"],
                condition=models.Q(source="course"),
                name="one_course_credit_per_cadre",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "year"], name="credit_cadre_year")]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.year} · {self.hours} ({self.source})"


class YearlyTarget(models.Model):
    """Credit hours a cadre category must earn in a year; a blank year applies to every year."""

    category = models.CharField(_("cadre category"), max_length=30, choices=CadreCategory.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    hours = models.DecimalField(_("credit hours"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("yearly credit-hour target")
        verbose_name_plural = _("yearly credit-hour targets")
        constraints = [
            models.UniqueConstraint(fields=["category", "year"], name="one_target_per_category_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.year or ''} {self.hours}"
