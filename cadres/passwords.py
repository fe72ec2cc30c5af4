"""Password rules on top of Django's: a password must mix letters and digits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

PASSWORD_NEEDS_LETTERS_AND_DIGITS = gettext_noop("Your password must contain both letters and digits.")


class LettersAndDigitsValidator:
    """Rejects passwords made only of letters or only of digits (such as an ID-number tail)."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_(PASSWORD_NEEDS_LETTERS_AND_DIGITS), code="password_letters_and_digits")

    def get_help_text(self) -> str:
        return _(PASSWORD_NEEDS_LETTERS_AND_DIGITS)
