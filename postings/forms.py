from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cadres.choosers import CadreChooser, UnitChooser
from cadres.models import Cadre, OrgUnit, UnitLevel
from postings.models import EndReason, FollowUpKind, InductionRoute, Inspection, Posting, PostingRole, PostingRuleSet
from postings.scoping import user_scope
from postings.selectors import in_scope, open_postings_of_team

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
        widgets = {
            "starts_on": DATE_INPUT,
            "planned_end_on": DATE_INPUT,
            "cadre": CadreChooser(),
            "team": UnitChooser(level=UnitLevel.VILLAGE_TEAM),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_end_on"].required = False
        self.fields["planned_end_on"].help_text = _("Blank: the minimum term of the team's rules.")
        teams = OrgUnit.objects.filter(level=UnitLevel.VILLAGE_TEAM).order_by("path")
        self.fields["team"].queryset = self.scoped(teams, "path")
        self.fields["cadre"].queryset = self.scoped(Cadre.objects.select_related("unit").order_by("name"), "unit__path")


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
    cadre = forms.ModelChoiceField(label=_("Successor"), queryset=Cadre.objects.none(), widget=CadreChooser())
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


class TeamMembersWidget(forms.CheckboxSelectMultiple):
    """The chosen team's members as checkboxes; the page's script refills them when the team changes."""

    template_name = "postings/widgets/team_members.html"

    class Media:
        js = ["postings/team_members.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["members_url"] = reverse("postings_team_members", args=[0]).replace("/0/", "/{team}/")
        return context


class InspectionForm(ScopedFormMixin, WagtailAdminModelForm):
    absent = forms.ModelMultipleChoiceField(
        label=_("Found absent without leave"),
        queryset=Posting.objects.none(),
        required=False,
        widget=TeamMembersWidget,
        help_text=_("Only those without approved leave that day. Each absence counts towards a flag."),
    )

    class Meta:
        model = Inspection
        fields = ["team", "inspected_on", "inspectors", "findings"]
        widgets = {"inspected_on": DATE_INPUT, "team": UnitChooser(level=UnitLevel.VILLAGE_TEAM)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        teams = OrgUnit.objects.filter(level=UnitLevel.VILLAGE_TEAM).order_by("path")
        self.fields["team"].queryset = self.scoped(teams, "path")
        # Only the chosen team's people: a county has hundreds of teams and thousands of members.
        team_id = self.data.get(self.add_prefix("team")) if self.is_bound else self.initial.get("team")
        postings = open_postings_of_team(team_id=team_id, scope=user_scope(self.for_user))
        self.fields["absent"].queryset = postings
        self.fields["absent"].label_from_instance = lambda p: p.cadre.name


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
        self.fields["unit"].widget = UnitChooser()
