"""Account activation and the forced password change: the writes and the checks.

An imported cadre gets an unusable password and a pending `Account`. An officer issues
activation slips for a unit (cadres.slips renders them): each issue draws a fresh random code
per cadre, so an earlier slip stops working. The code is 8 characters from an alphabet without
look-alikes, valid for settings.ACTIVATION_CODE_DAYS, used once. It is stored as an HMAC keyed
with SECRET_KEY (a fast keyed hash: a slow password hash would make a 500-slip issue take
minutes, and without the key a copy of the database does not let anyone test guesses).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_noop

from cadres import audit
from cadres.exceptions import ActivationFailed
from cadres.models import Account, Cadre, OrgUnit, mask_id_number
from cadres.selectors import cadre_list_pending_activation, unit_names_by_path, unit_path_text

User = get_user_model()

# One message for every way an activation can fail, so a guesser learns nothing about which
# part (ID number, code, expiry, earlier use) was wrong.
ACTIVATION_INVALID = gettext_noop(
    "The ID number or activation code is not right, or the code has expired or was already used. "
    "Check your activation slip, or ask your organisation department for a new one."
)
PASSWORD_CHANGE_REQUIRED = gettext_noop("Please choose a new password before you continue.")
ACTIVATION_THROTTLED = gettext_noop("Too many wrong attempts. Please wait a while and try again.")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
_HMAC_SALT = "jianbing.cadres.activation"


@dataclass(frozen=True)
class Slip:
    """One cadre's activation slip, as printed: the code exists nowhere else once this is gone."""

    name: str
    unit: str
    login: str
    code: str
    expires_at: datetime


def code_generate() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a cadre types: any case, spaces or dashes between groups."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(*, user_id: int, code: str) -> str:
    # The login's id is part of the message, so one code hash says nothing about another login's.
    return "hmac-sha256$" + salted_hmac(_HMAC_SALT, f"{user_id}:{code}", algorithm="sha256").hexdigest()


def code_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "ACTIVATION_CODE_DAYS", 30))


# --- the state of an account -------------------------------------------------------------------


def _account_of(user) -> Account | None:
    # lms.backends loads request.user with its account joined, so this costs no query there.
    try:
        return user.account
    except Account.DoesNotExist:
        return None


def password_change_required(*, user) -> bool:
    """True while `user` must choose a new password before doing anything else."""
    if not getattr(user, "is_authenticated", False):
        return False
    account = _account_of(user)
    return bool(account and account.password_change_required)


def password_change_require(*, user, by) -> None:
    """Hold `user` at the password change page from their next request on (an administrator set
    them a password they did not choose)."""
    Account.objects.update_or_create(
        user=user,
        defaults={"password_change_required": True},
        create_defaults={"password_change_required": True, "activated_at": timezone.now()},
    )
    audit.record(user, audit.PASSWORD_CHANGE_REQUIRED, user=by)


def password_changed(*, user) -> None:
    """The user has chosen a password of their own: lift the hold."""
    updated = Account.objects.filter(user_id=user.pk, password_change_required=True).update(
        password_change_required=False
    )
    if updated:
        audit.record(user, audit.INITIAL_PASSWORD_CHANGED, user=user)


def pending_accounts_create(*, user_ids: list[int]) -> None:
    """New roster logins: nothing to log in with until activated."""
    Account.objects.bulk_create([Account(user_id=pk) for pk in user_ids], batch_size=500)


# --- issuing codes -------------------------------------------------------------------------------


def _slip(cadre: Cadre, code: str, expires_at: datetime, unit_text: str) -> Slip:
    return Slip(
        name=cadre.name,
        unit=unit_text,
        login=mask_id_number(cadre.user.username),
        code=code,
        expires_at=expires_at,
    )


@transaction.atomic
def activation_slips_issue(*, unit: OrgUnit, actor, file_format: str) -> list[Slip]:
    """Fresh codes for every not-yet-activated cadre below `unit`; earlier codes stop working.

    The caller has checked that `unit` lies in `actor`'s subtree. Logged on the unit.
    """
    cadres = list(cadre_list_pending_activation(unit=unit))
    now = timezone.now()
    expires_at = now + code_lifetime()
    names = unit_names_by_path(units=list({c.unit_id: c.unit for c in cadres}.values()))
    accounts, slips = [], []
    for cadre in cadres:
        code = code_generate()
        accounts.append(
            Account(
                user_id=cadre.user_id,
                code_hash=code_hash(user_id=cadre.user_id, code=code),
                code_issued_at=now,
                code_expires_at=expires_at,
            )
        )
        slips.append(_slip(cadre, code, expires_at, unit_path_text(cadre.unit.path, names)))
    Account.objects.bulk_update(accounts, ["code_hash", "code_issued_at", "code_expires_at"], batch_size=500)
    audit.record(unit, audit.ACTIVATION_SLIPS_ISSUE, user=actor, slips=len(slips), format=file_format)
    return slips


@transaction.atomic
def activation_code_reissue(*, cadre: Cadre, actor, file_format: str) -> Slip:
    """A new code for one cadre (a lost slip, or a forgotten password); the old code stops working.

    An activated cadre keeps their password until they use the new code to set another.
    """
    now = timezone.now()
    expires_at = now + code_lifetime()
    code = code_generate()
    Account.objects.update_or_create(
        user_id=cadre.user_id,
        defaults={
            "code_hash": code_hash(user_id=cadre.user_id, code=code),
            "code_issued_at": now,
            "code_expires_at": expires_at,
        },
    )
    audit.record(cadre, audit.ACTIVATION_CODE_REISSUE, user=actor, format=file_format)
    names = unit_names_by_path(units=[cadre.unit])
    return _slip(cadre, code, expires_at, unit_path_text(cadre.unit.path, names))


# --- activating ----------------------------------------------------------------------------------


def activation_check(*, id_number: str, code: str):
    """The login that `id_number` + `code` open, or ActivationFailed(ACTIVATION_INVALID)."""
    number = id_number.strip().upper()
    code = normalise_code(code)
    account = (
        Account.objects.select_related("user")
        .filter(user__username=number, user__is_active=True)
        .exclude(code_hash="")
        .first()
    )
    if (
        account is None
        or len(code) != CODE_LENGTH
        or account.code_expires_at is None
        or account.code_expires_at <= timezone.now()
        or not constant_time_compare(account.code_hash, code_hash(user_id=account.user_id, code=code))
    ):
        raise ActivationFailed(ACTIVATION_INVALID)
    return account.user


@transaction.atomic
def account_activate(*, id_number: str, code: str, password: str):
    """Set the cadre's own password with a valid code, which is then spent. Raises
    ActivationFailed for a bad code and ValidationError for a password the policy refuses."""
    user = activation_check(id_number=id_number, code=code)
    account = Account.objects.select_for_update().get(user_id=user.pk)
    if account.code_hash != code_hash(user_id=user.pk, code=normalise_code(code)):
        raise ActivationFailed(ACTIVATION_INVALID)  # spent by a concurrent request
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    account.code_hash = ""
    account.code_expires_at = None
    account.password_change_required = False
    account.activated_at = account.activated_at or timezone.now()
    account.save()
    audit.record(user, audit.ACCOUNT_ACTIVATE, user=user)
    return user
