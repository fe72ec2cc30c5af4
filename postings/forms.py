from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cadres.models import Cadre, OrgUnit, UnitLevel
from postings.models import EndReason, FollowUpKind, InductionRoute, Inspection, Posting, PostingRole, PostingRuleSet
from postings.scoping import user_scope
from postings.selectors import in_scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class CheckInForm(forms.Form):
    """Location fields are filled by the page only after the consent box is ticked; the service
    drops them again unless consent came with them."""

    consent = forms.BooleanField(label=_("Share my location with this check-in"), required=False)
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class LeaveRequestForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=200)


def _label_unit(unit: OrgUnit) -> str:
    return f"{'　' * (unit.depth - 1)}{unit.name}"


class ScopedFormMixin:
    """Choices of units, teams and cadres are cut to the user's subtree."""

    def scoped(self, queryset, path_lookup):
        return in_scope(queryset, scope=user_scope(self.for_user), path_lookup=path_lookup)


class PostingForm(ScopedFormMixin, WagtailAdminModelForm):
    induction_route = forms.ChoiceField(
        label=_("Induction by"),
        choices=[("", _("As the team's rules say")), *InductionRoute.choices],
        required=False,
    )

    class Meta:
        model = Posting
        fields = ["cadre", "team", "role", "sending_unit", "starts_on", "planned_end_on"]
        widgets = {"starts_on": DATE_INPUT, "planned_end_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_end_on"].required = False
        self.fields["planned_end_on"].help_text = _("Blank: the minimum term of the team's rules.")
        teams = OrgUnit.objects.filter(level=UnitLevel.VILLAGE_TEAM).order_by("path")
        self.fields["team"].queryset = self.scoped(teams, "path")
        self.fields["team"].label_from_instance = _label_unit
        self.fields["cadre"].queryset = self.scoped(Cadre.objects.select_related("unit").order_by("name"), "unit__path")
        self.fields["cadre"].label_from_instance = lambda cadre: f"{cadre.name}（{cadre.unit.name}）"


class PostingEditForm(WagtailAdminModelForm):
    class Meta:
        model = Posting
        fields = ["role", "sending_unit", "planned_end_on"]
        widgets = {"planned_end_on": DATE_INPUT}


class PostingEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("Reason it ended"), choices=EndReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SuccessorForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("Successor"), queryset=Cadre.objects.none())
    sending_unit = forms.CharField(label=_("Sending unit"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=PostingRole.choices)
    starts_on = forms.DateField(label=_("Successor arrives on"), widget=DATE_INPUT)
    handover_until = forms.DateField(
        label=_("Handover until"), widget=DATE_INPUT, help_text=_("The outgoing cadre's last day in the village.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cadres = Cadre.objects.select_related("unit").order_by("name")
        self.fields["cadre"].queryset = in_scope(cadres, scope=user_scope(user), path_lookup="unit__path")
        self.fields["cadre"].label_from_instance = lambda cadre: f"{cadre.name}（{cadre.unit.name}）"


class InspectionForm(ScopedFormMixin, WagtailAdminModelForm):
    absent = forms.ModelMultipleChoiceField(
        label=_("Found absent without leave"),
        queryset=Posting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only those without approved leave that day. Each absence counts towards a flag."),
    )

    class Meta:
        model = Inspection
        fields = ["team", "inspected_on", "inspectors", "findings"]
        widgets = {"inspected_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        teams = OrgUnit.objects.filter(level=UnitLevel.VILLAGE_TEAM).order_by("path")
        self.fields["team"].queryset = self.scoped(teams, "path")
        self.fields["team"].label_from_instance = _label_unit
        postings = Posting.objects.filter(ended_on__isnull=True).select_related("cadre", "team")
        self.fields["absent"].queryset = self.scoped(postings, "team__path").order_by("team__path", "cadre__name")
        self.fields["absent"].label_from_instance = lambda p: f"{p.cadre.name}（{p.team.name}）"


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Follow-up"), choices=FollowUpKind.choices)
    done_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)


class LeaveDecisionForm(forms.Form):
    note = forms.CharField(label=_("Decision note"), max_length=200, required=False)


class PostingRuleSetForm(ScopedFormMixin, WagtailAdminModelForm):
    class Meta:
        model = PostingRuleSet
        fields = [
            "unit",
            "term_months",
            "min_team_size",
            "days_per_month",
            "days_per_year",
            "township_leave_days",
            "induction_course",
            "induction_days",
            "induction_route",
            "flag_not_excellent",
            "flag_basically_competent",
            "flag_incompetent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.scoped(OrgUnit.objects.order_by("path"), "path")
        self.fields["unit"].label_from_instance = _label_unit
