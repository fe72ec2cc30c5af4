"""Audit trail for the roster and for logins, written to Wagtail's ModelLogEntry (see
postings/audit.py for why Wagtail's log): administrators read it in 报告 › 站点历史.

What is logged here: roster imports (on the unit imported below), roster exports and role
changes (on the login concerned), forced password changes required and done, activation slips
issued (on the unit), single activation codes reissued (on the cadre), accounts activated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

ROSTER_IMPORT = "cadres.roster.import"
ROSTER_EXPORT = "cadres.roster.export"
ROLE_CHANGE = "cadres.role.change"
INITIAL_PASSWORD_CHANGED = "cadres.password.initial_changed"
PASSWORD_CHANGE_REQUIRED = "cadres.password.change_required"
ACTIVATION_SLIPS_ISSUE = "cadres.activation.slips_issue"
ACTIVATION_CODE_REISSUE = "cadres.activation.code_reissue"
ACCOUNT_ACTIVATE = "cadres.activation.activate"

ACTIONS = {
    ROSTER_IMPORT: (_("Import a roster"), _("Roster imported")),
    ROSTER_EXPORT: (_("Export a roster"), _("Roster exported")),
    ROLE_CHANGE: (_("Change roles"), _("Roles changed")),
    INITIAL_PASSWORD_CHANGED: (_("Replace the initial password"), _("Initial password replaced")),
    PASSWORD_CHANGE_REQUIRED: (_("Require a password change"), _("Password change required")),
    ACTIVATION_SLIPS_ISSUE: (_("Issue activation slips"), _("Activation slips issued")),
    ACTIVATION_CODE_REISSUE: (_("Reissue an activation code"), _("Activation code reissued")),
    ACCOUNT_ACTIVATE: (_("Activate an account"), _("Account activated")),
}


def register_actions(actions) -> None:
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def record(instance, action: str, *, user=None, **data) -> None:
    """Log `action` on `instance`; `data` must be JSON-serialisable."""
    log(instance=instance, action=action, user=user, data=data)


def roles_of(user) -> dict:
    """What a login may do, in the shape a role-change entry stores before and after."""
    return {"superuser": bool(user.is_superuser), "groups": sorted(user.groups.values_list("name", flat=True))}
