from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cadres.models import CadreCategory, OrgUnit
from cadres.roles import scope_for
from courses.models import CoursePage, Requirement

DUE_DATE_OUTSIDE_YEAR = _("The due date must fall within the year %(year)s.")


class RequirementForm(WagtailAdminModelForm):
    """An officer assigns a course to a unit of their own subtree; the unit list shows nothing else."""

    categories = forms.MultipleChoiceField(
        label=_("cadre categories"),
        choices=CadreCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to require the course of every category."),
    )

    class Meta:
        model = Requirement
        fields = ["course", "unit", "categories", "year", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(self.for_user) if self.for_user else None
        units = OrgUnit.objects.order_by("path")
        if scope is None or scope.nothing:
            units = units.none()
        elif not scope.everything:
            units = units.filter(path__startswith=scope.path)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: f"{'　' * (unit.depth - 1)}{unit.name}"
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")

    def clean(self):
        cleaned = super().clean()
        year, due_date = cleaned.get("year"), cleaned.get("due_date")
        if year and due_date and due_date.year != year:
            self.add_error("due_date", DUE_DATE_OUTSIDE_YEAR % {"year": year})
        return cleaned
