from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from lms.private_files import private_storage


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE_TEAM = "village_team", _("Village work team")


class OrgUnit(MP_Node):
    """A node of the organisation tree. `path` (materialised) is what every scope filters on."""

    code = models.CharField(_("unit code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    min_on_duty = models.PositiveSmallIntegerField(
        _("minimum on duty"),
        null=True,
        blank=True,
        help_text=_(
            "How many people must stay at their post while others are away training. "
            "Blank: at least one person and at least a third of the unit."
        ),
    )

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def contains(self, other: "OrgUnit") -> bool:
        """True when `other` is this unit or lies below it."""
        return other.path.startswith(self.path)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CadreCategory(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    TEAM_LEADER = "team_leader", _("Work-team leader")
    TEAM_MEMBER = "team_member", _("Work-team member")
    TOWNSHIP = "township", _("Township cadre")
    VILLAGE = "village", _("Village cadre")
    COUNTY_DEPARTMENT = "county_department", _("County department cadre")


class Rank(models.TextChoices):
    COUNTY_CHIEF = "county_chief", _("County/division head")
    COUNTY_DEPUTY = "county_deputy", _("County/division deputy")
    SECTION_CHIEF = "section_chief", _("Township/section head")
    SECTION_DEPUTY = "section_deputy", _("Township/section deputy")
    CLERK = "clerk", _("Clerk")
    STAFF = "staff", _("Staff")
    NONE = "none", _("Other / not ranked")


class Cadre(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cadre", verbose_name=_("login")
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("unit"))
    category = models.CharField(_("category"), max_length=30, choices=CadreCategory.choices)
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, default=Rank.NONE)
    sending_unit = models.CharField(_("sending unit"), max_length=100, blank=True)
    posted_on = models.DateField(_("date posted"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["unit__path", "name"]
        indexes = [models.Index(fields=["unit", "category"], name="cadre_unit_category")]
        # Granted by an administrator to the few officers who keep ID numbers (e.g. to merge
        # with the provincial cadre system); administrators have it implicitly. Holders may
        # export the roster with full ID numbers, and every such export is audit-logged.
        permissions = [("view_full_id_number", _("Can see full ID numbers"))]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


def mask_id_number(id_number: str) -> str:
    """Keep the region prefix and the last four characters: 1101**********1234."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


class Officer(models.Model):
    """An organisation-department account bound to one unit: it sees that subtree only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer", verbose_name=_("login")
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="officers", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("organisation officer")
        verbose_name_plural = _("organisation officers")

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Saving")
    SUCCEEDED = "succeeded", _("Imported")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One roster upload and its outcome. The file is deleted once the import has run."""

    file = models.FileField(_("file"), upload_to="roster-imports/%Y/%m/", blank=True, storage=private_storage)
    filename = models.CharField(_("file name"), max_length=255)
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("unit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("cadres added"), default=0)
    updated_count = models.PositiveIntegerField(_("cadres updated"), default=0)
    units_created = models.PositiveIntegerField(_("units added"), default=0)
    postings_created = models.PositiveIntegerField(_("cadres posted to work teams"), default=0)
    # Rows imported but not fully acted on (e.g. a team member not posted), as `errors` holds them.
    notes = models.JSONField(_("notes"), default=list, blank=True)
    # [{"row": int | None, "column": str, "template": str, "params": {...}}], see cadres.roster.RowError
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class Account(models.Model):
    """The security state of one login, kept on the account rather than in a session so every
    login route and every later request sees it.

    A cadre imported from the roster has an unusable password and `activated_at` empty until
    they activate with the one-time code of their activation slip. The code is stored only as
    a keyed hash (see cadres.activation). `password_change_required` holds a login at the
    password change page whatever route it logged in by; only a successful change clears it.
    A login without a row has nothing pending.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account",
        verbose_name=_("login"),
    )
    password_change_required = models.BooleanField(_("must change password"), default=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    code_hash = models.CharField(_("activation code (hashed)"), max_length=128, blank=True)
    code_issued_at = models.DateTimeField(_("activation code issued at"), null=True, blank=True)
    code_expires_at = models.DateTimeField(_("activation code expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("login account")
        verbose_name_plural = _("login accounts")
        constraints = [
            models.CheckConstraint(
                name="account_code_has_expiry",
                condition=models.Q(code_hash="") | models.Q(code_expires_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)
