"""Authentication backends that load a session's user together with their Account row.

The password-change hold (lms.middleware.AccountStateMiddleware) reads the account on every
authenticated request; joining it to the one query that loads request.user keeps that free.
"""

from __future__ import annotations

from axes.backends import AxesBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class _AccountJoined:
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("account").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ThrottledBackend(_AccountJoined, AxesBackend):
    """django-axes' backend (refuses a locked-out login before the password is checked)."""


class PasswordBackend(_AccountJoined, ModelBackend):
    """Django's username and password backend."""
