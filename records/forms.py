from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from records.models import OutsideClaim
from records.selectors import VERIFICATION_CODE

PROOF_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
PROOF_MAX_BYTES = 10 * 1024 * 1024
PROOF_BAD_FILE = _("Upload the certificate as a PDF, JPG or PNG file of at most 10 MB.")


class ClaimForm(forms.ModelForm):
    class Meta:
        model = OutsideClaim
        fields = ["title", "organiser", "starts_on", "ends_on", "hours", "proof"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        if not proof.name.lower().endswith(PROOF_EXTENSIONS) or proof.size > PROOF_MAX_BYTES:
            raise forms.ValidationError(PROOF_BAD_FILE)
        return proof


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    # A code is what `secrets.token_urlsafe` writes; anything else names no certificate.
    code = forms.CharField(label=_("Verification code"), max_length=40, validators=[RegexValidator(VERIFICATION_CODE)])
