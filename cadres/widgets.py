"""Form pieces shared by the admin forms of several apps: a checkbox list with a filter box (for
the lists of tens to a few hundred, like a county's townships or the trainers), and a share
written the way officers say it ("1/7", "15%")."""

from __future__ import annotations

from fractions import Fraction

from django import forms
from django.utils.translation import gettext_lazy as _

SHARE_INVALID = _("Write the share as a fraction such as 1/7 or a percentage such as 15%, between 0 and 100%.")
SHARE_MAX_DENOMINATOR = 1000


class FilterableCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes in a scrolling box, with a filter field above them (no Ctrl-click, no giant select)."""

    template_name = "cadres/widgets/filterable_checkboxes.html"

    class Media:
        js = ["cadres/filterable_checkboxes.js"]


class ShareField(forms.CharField):
    """A share between 0 and 1, entered as "1/7", "15%" or "0.15"; cleans to (numerator, denominator)."""

    default_error_messages = {"invalid": SHARE_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, tuple):
            return f"{value[0]}/{value[1]}"
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace(" ", "").replace("％", "%").replace("／", "/")
        if not text:
            return None
        try:
            if text.endswith("%"):
                share = Fraction(text[:-1]) / 100
            elif "/" in text:
                numerator, denominator = text.split("/")
                share = Fraction(int(numerator), int(denominator))
            else:
                share = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        share = share.limit_denominator(SHARE_MAX_DENOMINATOR)
        if not 0 <= share <= 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return (share.numerator, share.denominator)
