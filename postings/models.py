from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, OrgUnit
from postings import rules


class InductionRoute(models.TextChoices):
    COURSE = "course", _("The induction course")
    BATCH = "batch", _("A place in the next induction batch")


class PostingRuleSet(models.Model):
    """The editable numbers for a unit's subtree; the nearest rule set above a team applies,
    and where there is none the defaults of `postings.rules` do."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="posting_rules", verbose_name=_("unit"))
    term_months = models.PositiveSmallIntegerField(
        _("minimum term (months)"), default=rules.DEFAULT_TERM_MONTHS, validators=[MinValueValidator(1)]
    )
    min_team_size = models.PositiveSmallIntegerField(
        _("minimum team size"), default=rules.DEFAULT_MIN_TEAM_SIZE, validators=[MinValueValidator(1)]
    )
    days_per_month = models.PositiveSmallIntegerField(
        _("days present per month"), default=rules.DEFAULT_DAYS_PER_MONTH, validators=[MaxValueValidator(31)]
    )
    days_per_year = models.PositiveSmallIntegerField(
        _("days present per year"), default=rules.DEFAULT_DAYS_PER_YEAR, validators=[MaxValueValidator(366)]
    )
    township_leave_days = models.PositiveSmallIntegerField(
        _("leave days the township may approve"),
        default=rules.DEFAULT_TOWNSHIP_LEAVE_DAYS,
        help_text=_("Longer leave is decided by the county organisation department."),
    )
    induction_course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("induction course"),
        help_text=_("Required of every newly posted cadre. Blank: no automatic induction."),
    )
    induction_days = models.PositiveSmallIntegerField(
        _("days to complete induction"), default=rules.DEFAULT_INDUCTION_DAYS, validators=[MinValueValidator(1)]
    )
    induction_route = models.CharField(
        _("induction by"),
        max_length=10,
        choices=InductionRoute.choices,
        default=InductionRoute.COURSE,
        help_text=_(
            "A place in the next induction batch: the earliest batch of a programme marked as induction that "
            "ends within the days to complete induction and has room; where none has, the induction course "
            "is required instead."
        ),
    )
    flag_not_excellent = models.PositiveSmallIntegerField(
        _("absences: cannot be rated excellent"), default=rules.DEFAULT_FLAG_THRESHOLDS[0]
    )
    flag_basically_competent = models.PositiveSmallIntegerField(
        _("absences: basically competent"), default=rules.DEFAULT_FLAG_THRESHOLDS[1]
    )
    flag_incompetent = models.PositiveSmallIntegerField(
        _("absences: incompetent"), default=rules.DEFAULT_FLAG_THRESHOLDS[2]
    )

    class Meta:
        verbose_name = _("village posting rules")
        verbose_name_plural = _("village posting rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(flag_not_excellent__gte=1)
                & Q(flag_basically_competent__gte=F("flag_not_excellent"))
                & Q(flag_incompetent__gte=F("flag_basically_competent")),
                name="posting_rules_flag_thresholds_ascending",
            ),
            models.CheckConstraint(condition=Q(days_per_month__lte=31), name="posting_rules_month_fits"),
            models.CheckConstraint(condition=Q(days_per_year__lte=366), name="posting_rules_year_fits"),
        ]

    def __str__(self) -> str:
        return str(self.unit)

    def as_rules(self) -> rules.Rules:
        return rules.Rules(
            term_months=self.term_months,
            min_team_size=self.min_team_size,
            days_per_month=self.days_per_month,
            days_per_year=self.days_per_year,
            township_leave_days=self.township_leave_days,
            induction_days=self.induction_days,
            flag_thresholds=(self.flag_not_excellent, self.flag_basically_competent, self.flag_incompetent),
        )


class PostingRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    TEAM_LEADER = "team_leader", _("Team leader")
    MEMBER = "member", _("Team member")


class InductionNote(models.TextChoices):
    """Why a newly posted cadre did not get the induction batch place their rules ask for."""

    COURSE_INSTEAD = (
        "course_instead",
        _("No induction batch has room before the induction deadline; the induction course is required instead."),
    )
    UNPLACED = (
        "unplaced",
        _(
            "No induction batch has room before the induction deadline and no induction course is set: "
            "place the cadre in a batch by hand."
        ),
    )


class EndReason(models.TextChoices):
    TERM_OVER = "term_over", _("Term over")
    REPLACED = "replaced", _("Replaced by a successor")
    RECALLED = "recalled", _("Recalled")
    PROMOTED = "promoted", _("Promoted")
    OTHER = "other", _("Other")


class Posting(models.Model):
    """A cadre posted to a village work team. Open (no `ended_on`) until the end is recorded."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="postings", verbose_name=_("cadre"))
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="postings", verbose_name=_("work team"))
    role = models.CharField(_("role"), max_length=20, choices=PostingRole.choices)
    sending_unit = models.CharField(_("sending unit"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    planned_end_on = models.DateField(_("planned end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason it ended"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("note"), max_length=200, blank=True)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("replaces"),
    )
    induction_requirement = models.ForeignKey(
        "courses.Requirement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    induction_due_on = models.DateField(_("induction due"), null=True, blank=True)
    induction_seat = models.ForeignKey(
        "rotations.Seat", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    induction_note = models.CharField(_("induction"), max_length=20, choices=InductionNote.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village posting")
        verbose_name_plural = _("village postings")
        ordering = ["team__path", "-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end_on__gt=F("starts_on")), name="posting_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("starts_on")),
                name="posting_actual_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="posting_end_reason_iff_ended",
            ),
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(ended_on__isnull=True),
                name="one_open_posting_per_cadre",
                violation_error_message=_("This cadre already holds an open posting; end it first."),
            ),
        ]
        indexes = [
            models.Index(fields=["team", "ended_on"], name="posting_team_open"),
            models.Index(fields=["planned_end_on"], name="posting_planned_end"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.team}"

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def last_day(self):
        """The day presence is counted until: the actual end, else the planned one."""
        return self.ended_on or self.planned_end_on


class CheckIn(models.Model):
    """A cadre was in the village on `day`. Location only with the cadre's explicit consent."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="check_ins")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="check_ins")
    day = models.DateField(_("day"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    location_consent = models.BooleanField(_("location shared with consent"), default=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "day"],
                name="one_check_in_per_cadre_per_day",
                violation_error_message=_("Already checked in on this day."),
            ),
            models.CheckConstraint(
                condition=Q(location_consent=True) | Q(latitude__isnull=True, longitude__isnull=True),
                name="location_only_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["posting", "day"], name="check_in_posting_day")]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.day}"


class ApprovalLevel(models.TextChoices):
    TOWNSHIP = rules.ApprovalLevel.TOWNSHIP.value, _("Township")
    COUNTY = rules.ApprovalLevel.COUNTY.value, _("County organisation department")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LeaveRequest(models.Model):
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="leave_requests")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=200)
    approval_level = models.CharField(_("decided by"), max_length=20, choices=ApprovalLevel.choices)
    status = models.CharField(_("status"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="leave_ends_on_or_after_start"),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="leave_decided_unless_pending",
            ),
        ]
        indexes = [models.Index(fields=["posting", "status"], name="leave_posting_status")]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.starts_on}–{self.ends_on}"


class Inspection(models.Model):
    """A supervision visit (督查) to a work team."""

    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("work team"))
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.team} {self.inspected_on}"


class Absence(models.Model):
    """A posted cadre found absent without approved leave on an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="absences")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="absences")
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unexcused absence")
        verbose_name_plural = _("unexcused absences")
        constraints = [
            # Two inspections on one day find one absence, not two.
            models.UniqueConstraint(fields=["posting", "day"], name="one_absence_per_posting_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.posting} {self.day}"


class FlagLevel(models.TextChoices):
    NOT_EXCELLENT = rules.FlagLevel.NOT_EXCELLENT.value, _("Cannot be rated excellent")
    BASICALLY_COMPETENT = rules.FlagLevel.BASICALLY_COMPETENT.value, _("Basically competent at best")
    INCOMPETENT = rules.FlagLevel.INCOMPETENT.value, _("Incompetent")


class Flag(models.Model):
    """The consequence a cadre's unexcused absences carry for the year's rating; escalates in place."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="posting_flags", verbose_name=_("cadre"))
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="flags", verbose_name=_("posting"))
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("consequence"), max_length=30, choices=FlagLevel.choices)
    absences = models.PositiveSmallIntegerField(_("unexcused absences"))
    raised_on = models.DateField(_("raised on"))
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="one_flag_per_cadre_per_year")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}: {self.get_level_display()}"


class FollowUpKind(models.TextChoices):
    REMINDER_TALK = "reminder_talk", _("Reminder talk")
    RECALL = "recall", _("Recall")
    OTHER = "other", _("Other")


class FollowUp(models.Model):
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("follow-up"), max_length=20, choices=FollowUpKind.choices)
    done_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.flag} · {self.get_kind_display()}"
