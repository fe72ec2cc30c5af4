"""Audit trail of reports API tokens, written to Wagtail's ModelLogEntry like cadres/audit.py:
administrators read it in 报告 › 站点历史. The key itself is never logged, only its prefix.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

API_TOKEN_ISSUE = "reports.api_token.issue"
API_TOKEN_REVOKE = "reports.api_token.revoke"

ACTIONS = {
    API_TOKEN_ISSUE: (_("Issue an API token"), _("API token issued")),
    API_TOKEN_REVOKE: (_("Revoke an API token"), _("API token revoked")),
}


def register_actions(actions) -> None:
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def record(instance, action: str, *, user=None, **data) -> None:
    """Log `action` on `instance`; `data` must be JSON-serialisable."""
    log(instance=instance, action=action, user=user, data=data)
