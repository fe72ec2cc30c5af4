"""Credit-hour rules, outside-training claims, certificates and their bulk downloads."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from cadres.models import Cadre, CadreCategory, Rank
from courses.models import CreditEntry
from lms.private_files import private_storage


class Conversion(models.TextChoices):
    COURSE = "course", _("The hours the course states")
    MINUTES = "minutes", _("Course minutes divided by minutes per hour")
    BUCKETS = "buckets", _("Hours by course length (buckets)")


class CreditRule(ClusterableModel):
    """How credit hours count for a year and a cadre category and/or rank.

    The most specific rule wins: a year beats every year, and category and rank each beat blank.
    """

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, help_text=_("Blank: every year."))
    category = models.CharField(
        _("cadre category"), max_length=30, choices=CadreCategory.choices, blank=True, help_text=_("Blank: all.")
    )
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, blank=True, help_text=_("Blank: all."))
    target_hours = models.DecimalField(_("yearly target (hours)"), max_digits=6, decimal_places=1, default=50)
    target_days = models.PositiveSmallIntegerField(
        _("or days of central training"),
        null=True,
        blank=True,
        help_text=_("The target is also met by this many days of completed training batches. Blank: hours only."),
    )
    conversion = models.CharField(
        _("online study counts as"), max_length=10, choices=Conversion.choices, default=Conversion.COURSE
    )
    minutes_per_hour = models.PositiveSmallIntegerField(
        _("minutes per credit hour"), default=45, validators=[MinValueValidator(1)]
    )
    quiz_bonus_hours = models.DecimalField(
        _("extra hours for a passed final quiz"), max_digits=4, decimal_places=1, default=0
    )
    completion_share = models.PositiveSmallIntegerField(
        _("share of a course to credit it (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the course's lessons that must be done before its hours count."),
    )
    hours_per_training_day = models.DecimalField(
        _("hours per training day"),
        max_digits=4,
        decimal_places=1,
        default=8,
        help_text=_("Counts a completed batch whose programme states no hours."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("year"), FieldPanel("category"), FieldPanel("rank")], heading=_("Applies to")),
        FieldRowPanel([FieldPanel("target_hours"), FieldPanel("target_days")], heading=_("Yearly target")),
        MultiFieldPanel(
            [
                FieldPanel("conversion"),
                FieldPanel("minutes_per_hour"),
                InlinePanel("buckets", label=_("Bucket")),
                FieldPanel("quiz_bonus_hours"),
                FieldPanel("completion_share"),
            ],
            heading=_("Online courses"),
        ),
        FieldPanel("hours_per_training_day"),
        InlinePanel("caps", label=_("Cap")),
    ]

    class Meta:
        verbose_name = _("credit-hour rule")
        verbose_name_plural = _("credit-hour rules")
        ordering = ["-year", "category", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "rank"], condition=Q(year__isnull=False), name="one_rule_per_year_group"
            ),
            models.UniqueConstraint(
                fields=["category", "rank"], condition=Q(year__isnull=True), name="one_standing_rule_per_group"
            ),
            models.CheckConstraint(
                condition=Q(completion_share__gte=1, completion_share__lte=100), name="rule_share_is_a_percentage"
            ),
            models.CheckConstraint(condition=Q(minutes_per_hour__gte=1), name="rule_hour_has_minutes"),
        ]

    def __str__(self) -> str:
        return self.name


class ConversionBucket(models.Model):
    """A course at least `min_minutes` long is worth `hours` (the longest matching bucket wins)."""

    rule = ParentalKey(CreditRule, on_delete=models.CASCADE, related_name="buckets")
    min_minutes = models.PositiveSmallIntegerField(_("from minutes"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)

    panels = [FieldRowPanel([FieldPanel("min_minutes"), FieldPanel("hours")])]

    class Meta:
        ordering = ["-min_minutes"]
        constraints = [models.UniqueConstraint(fields=["rule", "min_minutes"], name="one_bucket_per_length")]

    def __str__(self) -> str:
        return f"≥ {self.min_minutes} min → {self.hours}"


class CapSource(models.TextChoices):
    ALL = "all", _("All sources")
    COURSE = "course", _("Courses")
    ELECTIVE = "elective", _("Elective courses")
    QUIZ = "quiz", _("Quizzes")
    BATCH = "batch", _("Training batches")
    OUTSIDE = "outside", _("Outside training")


class CapPeriod(models.TextChoices):
    YEAR = "year", _("per year")
    DAY = "day", _("per day")


class CreditCap(models.Model):
    rule = ParentalKey(CreditRule, on_delete=models.CASCADE, related_name="caps")
    source = models.CharField(_("source"), max_length=10, choices=CapSource.choices)
    period = models.CharField(_("period"), max_length=4, choices=CapPeriod.choices, default=CapPeriod.YEAR)
    hours = models.DecimalField(_("at most (hours)"), max_digits=6, decimal_places=1)

    panels = [FieldRowPanel([FieldPanel("source"), FieldPanel("period"), FieldPanel("hours")])]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "source", "period"], name="one_cap_per_source_period")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.get_period_display()} ≤ {self.hours}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class OutsideClaim(models.Model):
    """Training done elsewhere that a cadre asks to have credited, with proof; an officer decides."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="outside_claims", verbose_name=_("cadre"))
    title = models.CharField(_("training"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    hours = models.DecimalField(
        _("credit hours claimed"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    proof = models.FileField(_("certificate or proof"), upload_to="records/claims/%Y/%m/", storage=private_storage)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    credit_entry = models.OneToOneField(
        CreditEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="outside_claim"
    )

    class Meta:
        verbose_name = _("outside-training claim")
        verbose_name_plural = _("outside-training claims")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="claim_starts_before_it_ends"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="claim_has_hours"),
        ]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="claim_status_recent")]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.title}"


class CertificateKind(models.TextChoices):
    COURSE = "course", _("Course")
    PROGRAMME = "programme", _("Rotation training")


class Certificate(models.Model):
    """结业证书: what the PDF says, frozen when issued, and whether it still stands."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("cadre"))
    kind = models.CharField(_("kind"), max_length=10, choices=CertificateKind.choices)
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    programme = models.ForeignKey(
        "rotations.Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("completed"), max_length=200)
    hours = models.DecimalField(_("credit hours"), max_digits=6, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_at = models.DateTimeField(_("issued"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "course"], condition=Q(course__isnull=False), name="one_certificate_per_course"
            ),
            models.UniqueConstraint(
                fields=["cadre", "programme"],
                condition=Q(programme__isnull=False),
                name="one_certificate_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building certificates")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


class CertificateZip(models.Model):
    """One officer's request for every certificate of a batch as a zip file, with its progress."""

    batch = models.ForeignKey("rotations.Batch", on_delete=models.CASCADE, related_name="certificate_zips")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="records/zips/%Y/%m/", blank=True, storage=private_storage)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
