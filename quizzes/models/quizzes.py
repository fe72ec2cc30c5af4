from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.models import Orderable

from quizzes import grading
from quizzes.review import Policy, What, When

QUIZ_CLOSES_BEFORE_IT_OPENS = gettext_noop("The quiz must open before it closes.")


class GradingMethod(models.TextChoices):
    HIGHEST = grading.GradingMethod.HIGHEST.value, _("Highest attempt")
    LAST = grading.GradingMethod.LAST.value, _("Last attempt")


class DisplayMode(models.TextChoices):
    ONE_PAGE = "one_page", _("All questions on one page")
    ONE_BY_ONE = "one_by_one", _("One question at a time")


REVIEW_WHEN_LABELS = {
    When.DURING: _("During the attempt"),
    When.IMMEDIATELY: _("Immediately after the attempt"),
    When.LATER: _("Later, while the quiz is still open"),
    When.AFTER_CLOSE: _("After the quiz is closed"),
}
REVIEW_WHAT_LABELS = {
    What.SCORE: _("Score"),
    What.CORRECTNESS: _("Whether correct"),
    What.RIGHT_ANSWER: _("Right answer"),
    What.EXPLANATION: _("Explanation"),
}
# Defaults: score and correctness straight away, everything once the quiz has closed.
REVIEW_DEFAULTS = {
    (When.IMMEDIATELY, What.SCORE),
    (When.IMMEDIATELY, What.CORRECTNESS),
    (When.LATER, What.SCORE),
    (When.LATER, What.CORRECTNESS),
    (When.AFTER_CLOSE, What.SCORE),
    (When.AFTER_CLOSE, What.CORRECTNESS),
    (When.AFTER_CLOSE, What.RIGHT_ANSWER),
    (When.AFTER_CLOSE, What.EXPLANATION),
}


def _review_field(when: When, what: What) -> models.BooleanField:
    return models.BooleanField(REVIEW_WHAT_LABELS[what], default=(when, what) in REVIEW_DEFAULTS)


def review_field_name(when: When, what: What) -> str:
    return f"review_{when.value}_{what.value}"


class Quiz(ClusterableModel):
    """A course's final test or a stand-alone exam, with its rules and where its questions come from."""

    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="final_quizzes",
        verbose_name=_("final test of course"),
        help_text=_(
            "Leave blank for a stand-alone exam. A course with a final test is complete only once it is passed."
        ),
    )
    is_published = models.BooleanField(
        pgettext_lazy("state", "published"), default=False, help_text=_("Cadres can see and take it.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Blank: no time limit.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), null=True, blank=True, default=1, help_text=_("Blank: unlimited.")
    )
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    display_mode = models.CharField(
        _("display"), max_length=20, choices=DisplayMode.choices, default=DisplayMode.ONE_BY_ONE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The review options table: may the cadre see <what> <when>? One column per cell.
    review_during_score = _review_field(When.DURING, What.SCORE)
    review_during_correctness = _review_field(When.DURING, What.CORRECTNESS)
    review_during_right_answer = _review_field(When.DURING, What.RIGHT_ANSWER)
    review_during_explanation = _review_field(When.DURING, What.EXPLANATION)
    review_immediately_score = _review_field(When.IMMEDIATELY, What.SCORE)
    review_immediately_correctness = _review_field(When.IMMEDIATELY, What.CORRECTNESS)
    review_immediately_right_answer = _review_field(When.IMMEDIATELY, What.RIGHT_ANSWER)
    review_immediately_explanation = _review_field(When.IMMEDIATELY, What.EXPLANATION)
    review_later_score = _review_field(When.LATER, What.SCORE)
    review_later_correctness = _review_field(When.LATER, What.CORRECTNESS)
    review_later_right_answer = _review_field(When.LATER, What.RIGHT_ANSWER)
    review_later_explanation = _review_field(When.LATER, What.EXPLANATION)
    review_after_close_score = _review_field(When.AFTER_CLOSE, What.SCORE)
    review_after_close_correctness = _review_field(When.AFTER_CLOSE, What.CORRECTNESS)
    review_after_close_right_answer = _review_field(When.AFTER_CLOSE, What.RIGHT_ANSWER)
    review_after_close_explanation = _review_field(When.AFTER_CLOSE, What.EXPLANATION)

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("instructions"),
                    FieldPanel("course"),
                    FieldPanel("is_published"),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("max_attempts")]),
                    FieldRowPanel([FieldPanel("pass_percent"), FieldPanel("grading_method")]),
                    FieldRowPanel(
                        [FieldPanel("shuffle_questions"), FieldPanel("shuffle_options"), FieldPanel("display_mode")]
                    ),
                ],
                heading=_("Settings"),
            ),
            ObjectList(
                [
                    InlinePanel("fixed_questions", label=_("Fixed question")),
                    InlinePanel("draws", label=_("Random draw")),
                ],
                heading=_("Questions"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [FieldRowPanel([FieldPanel(review_field_name(when, what)) for what in What])],
                        heading=REVIEW_WHEN_LABELS[when],
                    )
                    for when in When
                ],
                heading=_("Review options"),
            ),
        ]
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes and exams")
        constraints = [
            models.UniqueConstraint(fields=["course"], name="one_final_quiz_per_course"),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="quiz_opens_before_it_closes",
            ),
            models.CheckConstraint(condition=models.Q(pass_percent__lte=100), name="quiz_pass_mark_is_a_percentage"),
            models.CheckConstraint(
                condition=models.Q(max_attempts__isnull=True) | models.Q(max_attempts__gte=1),
                name="quiz_allows_at_least_one_attempt",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _(QUIZ_CLOSES_BEFORE_IT_OPENS)})

    @property
    def is_final_test(self) -> bool:
        return self.course_id is not None

    def review_policy(self) -> Policy:
        return frozenset((when, what) for when in When for what in What if getattr(self, review_field_name(when, what)))


class QuizQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="one_fixed_question_per_quiz")]


class QuizDraw(Orderable):
    """Draw `count` questions at random, per attempt, from one category of a bank."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    category = models.ForeignKey(
        "quizzes.QuestionCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("question", "category"),
    )
    count = models.PositiveSmallIntegerField(_("number of questions"), default=5)

    panels = [FieldRowPanel([FieldPanel("category"), FieldPanel("count")])]

    class Meta(Orderable.Meta):
        verbose_name = _("random draw")
        constraints = [models.CheckConstraint(condition=models.Q(count__gte=1), name="draw_takes_at_least_one")]
