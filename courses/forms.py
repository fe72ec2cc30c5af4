from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cadres.models import CadreCategory, OrgUnit
from cadres.roles import scope_for
from courses.models import CoursePage, Requirement

DUE_DATE_OUTSIDE_YEAR = _("The due date must fall within the year %(year)s.")
REQUIREMENT_EXISTS = _("%(course)s is already required of %(unit)s in %(year)s: edit that assignment instead.")
DUE_DATE_IN_PAST = _(
    "The due date %(date)s has already passed: every cadre would be overdue at once. Choose today or a later date."
)


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
        course, unit = cleaned.get("course"), cleaned.get("unit")
        if course and unit and year:
            same = Requirement.objects.filter(course=course, unit=unit, year=year, cadre__isnull=True)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(None, REQUIREMENT_EXISTS % {"course": course.title, "unit": unit.name, "year": year})
        # A date that has passed is refused when it is set, not when an old assignment is edited.
        setting_date = self.instance._state.adding or "due_date" in self.changed_data
        if due_date and setting_date and due_date < timezone.localdate():
            self.add_error("due_date", DUE_DATE_IN_PAST % {"date": due_date.isoformat()})
        return cleaned
