"""Forms of the cadre's account pages: the password change and the activation page, with our
own labels and error messages (module constants, translated in locale/parts/accounts.json)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

PASSWORDS_DIFFER = gettext_noop("The two new passwords are not the same.")
OLD_PASSWORD_WRONG = gettext_noop("Your current password is not right. Please enter it again.")
FIELD_REQUIRED = gettext_noop("Please fill this in.")


def _required(field: forms.Field) -> forms.Field:
    field.error_messages["required"] = _(FIELD_REQUIRED)
    return field


class PolicyHelpMixin:
    @property
    def policy(self) -> list[str]:
        """The password policy, one line per rule of AUTH_PASSWORD_VALIDATORS."""
        return password_validators_help_texts()


class PasswordChangeForm(PolicyHelpMixin, auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": _(PASSWORDS_DIFFER),
        "password_incorrect": _(OLD_PASSWORD_WRONG),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = ""
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = ""
        for field in self.fields.values():
            _required(field)


class ActivationForm(PolicyHelpMixin, forms.Form):
    id_number = _required(
        forms.CharField(
            label=_("ID number"),
            max_length=18,
            widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
        )
    )
    code = _required(
        forms.CharField(
            label=_("Activation code"),
            max_length=20,
            help_text=_("The 8 characters printed on your activation slip."),
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
        )
    )
    new_password1 = _required(
        forms.CharField(
            label=_("New password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )
    )
    new_password2 = _required(
        forms.CharField(
            label=_("New password again"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _(PASSWORDS_DIFFER))
        return data


SLIP_FORMATS = (("xlsx", _("Excel (.xlsx)")), ("pdf", _("PDF for printing")))


class SlipFormatForm(forms.Form):
    file_format = forms.ChoiceField(label=_("File type"), choices=SLIP_FORMATS, initial="pdf", widget=forms.RadioSelect)


class ActivationSlipsForm(SlipFormatForm):
    """The unit's id is checked against the officer's subtree by the view (another subtree: 404)."""

    unit = forms.IntegerField(label=_("Unit (and below)"), widget=forms.Select)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [(u.pk, "\u2003" * (u.depth - 1) + u.name) for u in units]
        self.order_fields(["unit", "file_format"])
