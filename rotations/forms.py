from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cadres.choosers import CadreChooser, UnitChooser
from cadres.models import CadreCategory
from cadres.roles import NOTHING, TRAINER_GROUP, scope_for
from cadres.widgets import FilterableCheckboxSelectMultiple, ShareField
from rotations import selectors
from rotations.models import AttendanceStatus, Batch, Programme, Unavailability

UNIT_OUTSIDE_SCOPE = _("Choose units inside your own part of the organisation.")
POPULATION_OUTSIDE_PROGRAMME = _("Population units must lie within the organising unit's subtree.")
BATCH_OUTSIDE_PROGRAMME = _("The batch must fall within the programme's dates.")
UNKNOWN_ID_NUMBERS = _("No active cadre in your part of the organisation has these ID numbers: %(numbers)s")


def _id_numbers(text: str) -> list[str]:
    return [line.strip().upper() for line in text.replace(",", "\n").splitlines() if line.strip()]


class ProgrammeForm(WagtailAdminModelForm):
    """A programme, with its population units and include/exclude lists limited to the user's subtree."""

    categories = forms.MultipleChoiceField(
        label=_("Cadre categories"),
        choices=CadreCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every category."),
    )
    include_id_numbers = forms.CharField(
        label=_("Also include (ID numbers, one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exclude_id_numbers = forms.CharField(
        label=_("Leave out (ID numbers, one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    max_leave_share = ShareField(
        label=_("Leave allowed"),
        initial="1/7",
        help_text=_(
            "The largest share of a batch's hours a cadre may spend on approved leave and still complete it: "
            "a fraction such as 1/7 or a percentage such as 15%."
        ),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "organiser",
            "unit",
            "population_units",
            "categories",
            "starts_on",
            "ends_on",
            "credit_hours",
            "newly_posted_days",
            "absences_fail_at",
            "is_induction",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope_for(self.for_user) if self.for_user else NOTHING
        units = selectors.units_in_scope(scope=self.scope).order_by("path")
        # Widgets first: a model choice field hands its choices to the widget it has when the
        # queryset is set.
        self.fields["unit"].widget = UnitChooser()
        self.fields["population_units"].widget = FilterableCheckboxSelectMultiple()
        self.fields["unit"].queryset = units
        self.fields["population_units"].queryset = units
        self.fields["population_units"].label_from_instance = lambda unit: f"{'　' * (unit.depth - 1)}{unit.name}"
        self.order_fields([*self._meta.fields[: self._meta.fields.index("absences_fail_at")], "max_leave_share"])
        if self.instance.pk or not self.is_bound:
            self.initial["max_leave_share"] = (
                self.instance.max_leave_numerator,
                self.instance.max_leave_denominator,
            )
        if self.instance.pk:
            self.fields["include_id_numbers"].initial = "\n".join(
                self.instance.include_cadres.values_list("id_number", flat=True)
            )
            self.fields["exclude_id_numbers"].initial = "\n".join(
                self.instance.exclude_cadres.values_list("id_number", flat=True)
            )

    def _cadres(self, field: str):
        numbers = _id_numbers(self.cleaned_data.get(field, ""))
        cadres = list(selectors.cadres_in_scope(scope=self.scope).filter(id_number__in=numbers))
        missing = sorted(set(numbers) - {c.id_number for c in cadres})
        if missing:
            raise forms.ValidationError(UNKNOWN_ID_NUMBERS, params={"numbers": ", ".join(missing)})
        return cadres

    def clean_include_id_numbers(self):
        return self._cadres("include_id_numbers")

    def clean_exclude_id_numbers(self):
        return self._cadres("exclude_id_numbers")

    def clean(self):
        data = super().clean()
        if data.get("max_leave_share"):
            self.instance.max_leave_numerator, self.instance.max_leave_denominator = data["max_leave_share"]
        unit = data.get("unit")
        if unit and any(not unit.contains(u) for u in data.get("population_units", [])):
            self.add_error("population_units", POPULATION_OUTSIDE_PROGRAMME)
        return data

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.include_cadres.set(self.cleaned_data["include_id_numbers"])
        self.instance.exclude_cadres.set(self.cleaned_data["exclude_id_numbers"])


class UnavailabilityForm(WagtailAdminModelForm):
    class Meta:
        model = Unavailability
        fields = ["cadre", "starts_on", "ends_on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(self.for_user) if self.for_user else NOTHING
        self.fields["cadre"].queryset = selectors.cadres_in_scope(scope=scope)
        self.fields["cadre"].widget = CadreChooser()


class BatchForm(WagtailAdminModelForm):
    """A batch made by hand, in a programme of the user's subtree, run by trainers."""

    class Meta:
        model = Batch
        fields = ["programme", "number", "starts_on", "ends_on", "venue", "capacity", "trainers", "what_to_bring"]
        labels = {"programme": _("rotation programme")}  # the model field has no verbose name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(self.for_user) if self.for_user else NOTHING
        self.fields["programme"].queryset = selectors.programmes_in_scope(scope=scope)
        self.fields["trainers"].widget = FilterableCheckboxSelectMultiple()
        self.fields["trainers"].queryset = (
            get_user_model().objects.filter(groups__name=TRAINER_GROUP, is_active=True).order_by("username")
        )
        self.fields["trainers"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def clean(self):
        data = super().clean()
        programme, starts, ends = data.get("programme"), data.get("starts_on"), data.get("ends_on")
        if programme and starts and ends and (starts < programme.starts_on or ends > programme.ends_on):
            raise forms.ValidationError(BATCH_OUTSIDE_PROGRAMME)
        return data


class GenerateBatchesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of batches"), min_value=1, max_value=200, initial=6)
    days = forms.IntegerField(label=_("Days per batch"), min_value=1, max_value=60, initial=5)
    every_days = forms.IntegerField(label=_("A new batch every (days)"), min_value=1, max_value=365, initial=14)
    capacity = forms.IntegerField(label=_("Seats per batch"), min_value=1, max_value=10_000, initial=60)
    # A date input only takes ISO dates: the Chinese locale's 2030/03/02 would leave it empty.
    first_starts_on = forms.DateField(
        label=_("First batch starts on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    skip_weekends = forms.BooleanField(
        label=_("Train on working days only"),
        required=False,
        help_text=_(
            "Batches then avoid weekends too, except make-up working days. Public holidays are always avoided."
        ),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    what_to_bring = forms.CharField(label=_("What to bring"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_from(cls, suggestion) -> dict:
        """The form's starting values from `rotations.batch_plan.Suggestion` (the programme's own defaults)."""
        initial = {
            "days": suggestion.days,
            "every_days": suggestion.every_days,
            "capacity": suggestion.capacity,
            "first_starts_on": suggestion.first_starts_on,
        }
        if suggestion.count:
            initial["count"] = suggestion.count
        return initial


class SeatAssignForm(forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    batch = forms.IntegerField(label=_("Batch"))


class AttendanceForm(forms.Form):
    session = forms.IntegerField()
    cadre = forms.IntegerField()
    status = forms.ChoiceField(choices=AttendanceStatus.choices)


class SessionRollForm(forms.Form):
    """A whole session's attendance in one submit: one labelled status per seated cadre.

    A cadre already marked starts at their mark (a check-in, approved leave); everyone else at present.
    """

    def __init__(self, *args, session, seats, marks, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.cadre_ids = []
        for seat in seats:
            mark = marks.get((session.pk, seat.cadre_id))
            self.fields[f"status-{seat.cadre_id}"] = forms.ChoiceField(
                label=seat.cadre.name,
                choices=AttendanceStatus.choices,
                initial=mark.status if mark else AttendanceStatus.PRESENT,
            )
            self.cadre_ids.append(seat.cadre_id)

    def rows(self):
        """(seat's cadre id, bound field) in seat order, for the template."""
        return [(cadre_id, self[f"status-{cadre_id}"]) for cadre_id in self.cadre_ids]

    def statuses(self) -> dict[int, str]:
        return {cadre_id: self.cleaned_data[f"status-{cadre_id}"] for cadre_id in self.cadre_ids}


class LeaveRequestForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=32)


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
