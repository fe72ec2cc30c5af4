"""The filter bar every report shares: unit (by code, within the user's subtree), year, category,
rank, course and programme. It turns a query string into `selectors.Filters` or a 404."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import CadreCategory, OrgUnit, Rank, UnitLevel
from cadres.roles import ADMINISTRATOR_GROUP, Scope
from courses.models import CoursePage, Requirement
from reports import selectors


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    years = set(Requirement.objects.values_list("year", flat=True).distinct()) | {this_year, this_year - 1}
    return [(year, year) for year in sorted(years, reverse=True)]


class ReportFilterForm(forms.Form):
    unit = forms.CharField(required=False, widget=forms.HiddenInput)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    category = forms.ChoiceField(label=_("Category"), required=False)
    rank = forms.ChoiceField(label=_("Rank"), required=False)
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none(), required=False)
    programme = forms.ModelChoiceField(label=_("Rotation programme"), queryset=None, required=False)

    def __init__(self, data, *, scope: Scope, with_course: bool = True, with_programme: bool = True):
        data = data.copy()
        data.setdefault("year", str(timezone.localdate().year))
        super().__init__(data)
        self.scope = scope
        self.fields["year"].choices = year_choices()
        self.fields["category"].choices = [("", _("All categories")), *CadreCategory.choices]
        self.fields["rank"].choices = [("", _("All ranks")), *Rank.choices]
        if with_course:
            self.fields["course"].queryset = (
                CoursePage.objects.filter(requirements__isnull=False).distinct().order_by("title")
            )
        else:
            del self.fields["course"]
        if with_programme:
            self.fields["programme"].queryset = selectors.programmes_visible(scope=scope)
        else:
            del self.fields["programme"]

    def clean_unit(self) -> OrgUnit | None:
        code = self.cleaned_data.get("unit") or ""
        if not code:
            return None
        unit = selectors.unit_in_scope(scope=self.scope, code=code)
        if unit is None:
            raise Http404
        return unit

    def to_filters(self) -> selectors.Filters:
        """The validated filters; a unit outside the scope is a 404, other bad values fall back to defaults."""
        self.is_valid()
        data = self.cleaned_data
        unit = data.get("unit")
        if unit is None and not self.scope.everything:
            unit = OrgUnit.objects.get(path=self.scope.path)
        return selectors.Filters(
            year=data.get("year") or timezone.localdate().year,
            unit=unit,
            category=data.get("category") or "",
            rank=data.get("rank") or "",
            course=data.get("course"),
            programme=data.get("programme"),
        )


class RankingForm(forms.Form):
    level = forms.ChoiceField(label=_("Rank units of level"), choices=UnitLevel.choices, required=False)


class TokenUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        officer = getattr(obj, "officer", None)
        if obj.is_superuser or officer is None:
            return _("%(username)s (all units)") % {"username": obj.get_username()}
        return f"{obj.get_username()} ({officer.unit.name})"


class ApiTokenForm(forms.Form):
    """Who a new reports API token reads as, and which system will use it."""

    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("Which system will use it, e.g. 省干部管理系统.")
    )
    user = TokenUserField(
        label=_("Reads as"),
        queryset=None,
        help_text=_("The token sees exactly what this officer or administrator sees."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        admins = Group.objects.filter(name=ADMINISTRATOR_GROUP)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True) | Q(groups__in=admins) | Q(officer__isnull=False),
            )
            .distinct()
            .select_related("officer__unit")
            .order_by("username")
        )
