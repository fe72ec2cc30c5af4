"""Admin forms. Every unit choice is limited to the user's subtree, so a forged POST cannot
move a cadre or a unit out of it; the raw ID number is only ever editable by administrators."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cadres import idcard
from cadres.choosers import UnitChooser
from cadres.models import Cadre, OrgUnit
from cadres.permissions import cached_is_administrator, cached_scope
from cadres.selectors import unit_list_in_scope

ID_NUMBER_INVALID = _("Enter a valid 18-character ID number (check the last character).")
ID_NUMBER_TAKEN = _("A cadre with this ID number is already on the roster.")
UNIT_PARENT_REQUIRED = _("Choose the unit this one belongs to.")
FILE_TOO_LARGE = _("The file is larger than %(limit)s MB.")
FILE_WRONG_TYPE = _("Only .xlsx workbooks and .csv files can be imported.")
FILE_DISGUISED = _("The file's content does not match its name: save it again from Excel as .xlsx or .csv.")

# What the first bytes of a roster must look like: .xlsx is a zip archive; a .csv is text.
_XLSX_MAGIC = b"PK\x03\x04"
_NOT_TEXT_MAGIC = (_XLSX_MAGIC, b"\xd0\xcf\x11\xe0", b"%PDF", b"MZ", b"\x7fELF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + f"{obj.name} ({obj.code})"


class CadreForm(WagtailAdminModelForm):
    id_number_masked = forms.CharField(label=_("ID number"), required=False, disabled=True)

    class Meta:
        model = Cadre
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "unit",
            "category",
            "rank",
            "sending_unit",
            "posted_on",
            "active",
        ]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"unit": UnitChooser()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["unit"].queryset = unit_list_in_scope(scope=cached_scope(user))
        self.fields["gender"].required = False
        self.fields["gender"].help_text = _("Leave blank to take it from the ID number.")
        self.fields["birth_date"].help_text = _("Leave blank to take it from the ID number.")
        if self.instance.pk and not cached_is_administrator(user):
            # Officers see the masked number and can never read or change the real one here.
            del self.fields["id_number"]
            self.fields["id_number_masked"].initial = self.instance.masked_id_number
        else:
            del self.fields["id_number_masked"]

    def clean_id_number(self) -> str:
        try:
            number = idcard.parse(self.cleaned_data["id_number"]).number
        except idcard.InvalidIdNumber:
            raise forms.ValidationError(ID_NUMBER_INVALID) from None
        if Cadre.objects.filter(id_number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(ID_NUMBER_TAKEN)
        return number


class OrgUnitForm(WagtailAdminModelForm):
    parent = UnitChoiceField(
        queryset=OrgUnit.objects.none(), label=_("Belongs to"), required=False, widget=UnitChooser()
    )

    class Meta:
        model = OrgUnit
        fields = ["name", "code", "level", "min_on_duty"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        if self.instance.pk:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = unit_list_in_scope(scope=cached_scope(user))
            # Only administrators may start a new tree.
            self.fields["parent"].required = not cached_is_administrator(user)
            self.fields["parent"].error_messages["required"] = UNIT_PARENT_REQUIRED
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Leave blank to number it after the unit it belongs to.")
            self.fields["level"].required = False
            self.fields["level"].help_text = _("Leave blank to guess it from the name (县, 镇, 村, 工作队 …).")
        self.order_fields(["parent", "name", "code", "level", "min_on_duty"])

    def _post_clean(self) -> None:
        # Tree fields (path, depth) are set by the service; don't let model validation see a
        # half-built node, but keep the unique-code check.
        if self.instance.pk:
            super()._post_clean()
            return
        code = self.cleaned_data.get("code")
        if code and OrgUnit.objects.filter(code=code).exists():
            self.add_error("code", _("A unit with this code already exists."))


class RosterUploadForm(forms.Form):
    unit = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        label=_("Import below"),
        help_text=_("Unit paths in the file must start at this unit or one above it."),
        widget=UnitChooser(),
    )
    file = forms.FileField(label=_("Roster file (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scope = cached_scope(user)
        units = unit_list_in_scope(scope=scope)
        self.fields["unit"].queryset = units
        officer = getattr(user, "officer", None)
        if officer is not None:
            self.fields["unit"].initial = officer.unit_id
        elif scope.everything:
            self.fields["unit"].initial = units.filter(depth=1).values_list("pk", flat=True).first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ROSTER_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(FILE_TOO_LARGE, params={"limit": limit // (1024 * 1024)})
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(FILE_WRONG_TYPE)
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        if name.endswith(".xlsx") and not head.startswith(_XLSX_MAGIC):
            raise forms.ValidationError(FILE_DISGUISED)
        if name.endswith(".csv") and (head.startswith(_NOT_TEXT_MAGIC) or b"\x00" in head):
            raise forms.ValidationError(FILE_DISGUISED)
        return upload
