from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from lms.sanitise import sanitise_rich_text
from quizzes import grading
from quizzes.forms import QuestionAdminForm, QuestionBankForm

CATEGORY_OF_ANOTHER_BANK = gettext_noop("The category belongs to another question bank.")
STEM_FEATURES = ["bold", "italic", "ol", "ul", "image", "link"]


class QuestionType(models.TextChoices):
    SINGLE = grading.QuestionType.SINGLE.value, _("Single choice")
    MULTIPLE = grading.QuestionType.MULTIPLE.value, _("Multiple choice")
    TRUE_FALSE = grading.QuestionType.TRUE_FALSE.value, _("True or false")
    FILL_IN = grading.QuestionType.FILL_IN.value, _("Fill in the blank")
    ESSAY = grading.QuestionType.ESSAY.value, _("Short essay")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionBank(models.Model):
    """A trainer's collection of questions (题库) that quizzes pick from."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="question_banks",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("owner")]
    base_form_class = QuestionBankForm

    class Meta:
        ordering = ["name"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")

    def __str__(self) -> str:
        return self.name


class QuestionCategory(models.Model):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="categories", verbose_name=_("question bank")
    )
    name = models.CharField(_("name"), max_length=100)

    panels = [FieldPanel("bank"), FieldPanel("name")]

    class Meta:
        ordering = ["bank__name", "name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="one_category_name_per_bank")]

    def __str__(self) -> str:
        return f"{self.bank.name} · {self.name}"


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(ClusterableModel):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, related_name="questions", verbose_name=_("question bank")
    )
    category = models.ForeignKey(
        QuestionCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        verbose_name=pgettext_lazy("question", "category"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=QuestionType.choices, default=QuestionType.SINGLE)
    stem = RichTextField(_("question"), features=STEM_FEATURES)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, default=1)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    partial_credit = models.BooleanField(
        _("partial credit"),
        default=False,
        help_text=_("Multiple choice only: choosing some right options and no wrong one earns a share of the points."),
    )
    true_false_answer = models.BooleanField(_("true/false answer"), null=True, blank=True)
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_(
            "Fill in the blank only: one accepted answer per line. Full-width/half-width characters, "
            "spaces and case are ignored when comparing."
        ),
    )
    explanation = models.TextField(_("explanation"), blank=True, help_text=_("Shown when the review options allow."))
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = QuestionAdminForm
    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("points"), FieldPanel("difficulty")]),
        FieldPanel("stem"),
        MultiFieldPanel(
            [InlinePanel("options", label=_("Option")), FieldPanel("partial_credit")],
            heading=_("Single and multiple choice"),
        ),
        FieldPanel("true_false_answer"),
        FieldPanel("accepted_answers"),
        FieldPanel("explanation"),
        FieldPanel("tags"),
    ]

    class Meta:
        ordering = ["bank", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.CheckConstraint(condition=models.Q(points__gt=0), name="question_points_positive")]
        indexes = [models.Index(fields=["bank", "category"], name="question_bank_category")]

    def __str__(self) -> str:
        from django.utils.html import strip_tags
        from django.utils.text import Truncator

        return Truncator(strip_tags(self.stem)).chars(60)

    def clean(self):
        super().clean()
        self.stem = sanitise_rich_text(self.stem)
        if self.category_id and self.bank_id and self.category.bank_id != self.bank_id:
            raise ValidationError({"category": _(CATEGORY_OF_ANOTHER_BANK)})
        if self.kind != QuestionType.TRUE_FALSE:
            self.true_false_answer = None

    def accepted_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def answer_key(self, options=None) -> grading.AnswerKey:
        """The grading key; pass `options` when they are already loaded."""
        options = self.options.all() if options is None else options
        return grading.AnswerKey(
            kind=grading.QuestionType(self.kind),
            points=self.points,
            correct_options=frozenset(o.pk for o in options if o.is_correct),
            partial_credit=self.partial_credit,
            true_false=self.true_false_answer,
            accepted=tuple(self.accepted_list()),
        )


class Option(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct")])]

    class Meta(Orderable.Meta):
        verbose_name = _("option")

    def __str__(self) -> str:
        return self.text
