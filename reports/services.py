"""Writes of the reports app that are not summaries: issuing and revoking API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from cadres.roles import scope_for
from reports import audit
from reports.exceptions import ReportsError
from reports.models import ApiToken

API_TOKEN_USER_SEES_NOTHING = gettext_lazy(
    "%(username)s manages no part of the tree; a token for them could read nothing."
)


@transaction.atomic
def api_token_issue(*, user, name: str, by=None) -> tuple[ApiToken, str]:
    """A new token for `user` and its key. The key is returned once; only its hash is stored."""
    if scope_for(user).nothing:
        raise ReportsError(API_TOKEN_USER_SEES_NOTHING % {"username": user.get_username()})
    token, key = ApiToken.issue(user=user, name=name)
    audit.record(
        token, audit.API_TOKEN_ISSUE, user=by, name=token.name, prefix=token.prefix, for_user=user.get_username()
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by=None) -> bool:
    """Revoke `token`; False (and nothing logged) when it already was."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked:
        return False
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(token, audit.API_TOKEN_REVOKE, user=by, name=token.name, prefix=token.prefix)
    return True
