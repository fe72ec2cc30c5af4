"""Forms: the question editor's answer-key check and the trainer's essay grading form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes import grading

ESSAY_SCORE_TOO_HIGH = gettext_noop("The score cannot be more than the question's {points} points.")


class QuestionAdminForm(WagtailAdminModelForm):
    """Checks the answer key against the options typed in the same form (they are inline)."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        points = cleaned.get("points")
        if not kind or points is None:
            return cleaned
        options = [
            form.cleaned_data
            for form in self.formsets["options"].forms
            if form.is_valid() and form.cleaned_data.get("text") and not form.cleaned_data.get("DELETE")
        ]
        accepted = [line for line in (cleaned.get("accepted_answers") or "").splitlines() if line.strip()]
        problems = grading.key_problems(
            kind=grading.QuestionType(kind),
            points=points,
            options=len(options),
            correct=sum(1 for option in options if option.get("is_correct")),
            true_false=cleaned.get("true_false_answer"),
            accepted=len(accepted),
        )
        for problem in problems:
            self.add_error(None, gettext(problem))
        return cleaned


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), min_value=Decimal(0), max_digits=5, decimal_places=1)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score > self.points:
            raise forms.ValidationError(gettext(ESSAY_SCORE_TOO_HIGH).format(points=self.points))
        return score


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=_("Question file (.xlsx)"))


class QuestionBankForm(WagtailAdminModelForm):
    """The owner is picked with the trainers' chooser (searchable), not a select of every login."""

    def __init__(self, *args, **kwargs):
        # Imported here: this module loads with the models, before the admin's widgets may.
        from cadres.choosers import StaffChooser, staff_for_chooser

        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            field = self.fields["owner"]
            owners = staff_for_chooser(self.for_user) if self.for_user else field.queryset.none()
            if self.instance.owner_id:
                # A current owner who has since left the trainers stays valid, so saving never fails.
                owners = field.queryset.filter(pk=self.instance.owner_id) | owners
            field.queryset = owners
            field.widget = StaffChooser()
