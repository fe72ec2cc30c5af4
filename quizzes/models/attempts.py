from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from quizzes import grading


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    TIMED_OUT = "timed_out", _("Closed when time ran out")


class Attempt(models.Model):
    """One try at a quiz. The paper (questions and option order) is fixed when it starts."""

    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("cadre"))
    number = models.PositiveSmallIntegerField(_("attempt number"))
    seed = models.PositiveIntegerField(help_text="Seeds the draw and the shuffles, so the paper can be rebuilt.")
    paper = models.JSONField(default=list, help_text='[{"q": question id, "o": [option ids in shown order]}]')
    status = models.CharField(
        _("status"), max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    pending_grading = models.BooleanField(_("essays to grade"), default=False)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "cadre", "number"], name="one_attempt_number_per_cadre_quiz"),
            models.UniqueConstraint(
                fields=["quiz", "cadre"],
                condition=models.Q(status="in_progress"),
                name="one_open_attempt_per_cadre_quiz",
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="attempt_numbers_start_at_one"),
        ]
        indexes = [
            models.Index(fields=["quiz", "status"], name="attempt_quiz_status"),
            models.Index(fields=["cadre", "-started_at"], name="attempt_cadre_recent"),
            models.Index(fields=["status", "deadline"], name="attempt_status_deadline"),
        ]
        permissions = [
            ("view_quiz_results", "Can see quiz results"),
            ("grade_essays", "Can grade essay answers"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.cadre} · #{self.number}"

    @property
    def is_finished(self) -> bool:
        return self.status != AttemptStatus.IN_PROGRESS

    @property
    def question_ids(self) -> list[int]:
        return [slot["q"] for slot in self.paper]

    def option_order(self, question_id: int) -> list[int]:
        return next((slot["o"] for slot in self.paper if slot["q"] == question_id), [])

    @property
    def seconds_taken(self) -> int | None:
        if not self.finished_at:
            return None
        return int((self.finished_at - self.started_at).total_seconds())


class Answer(models.Model):
    """A cadre's answer to one question of an attempt, saved as they go and marked at the end."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    revision = models.BigIntegerField(
        default=0, help_text="The client's counter: an older autosave arriving late never overwrites a newer one."
    )
    saved_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when feedback was shown during the attempt; the answer is then final."
    )
    outcome = models.CharField(max_length=20, blank=True, choices=[(o.value, o.value) for o in grading.Outcome])
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_attempt_question"),
        ]
        indexes = [models.Index(fields=["outcome"], name="answer_outcome")]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.question_id}"
