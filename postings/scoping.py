"""The user's scope and administrator status, worked out once per user object.

Listings ask the permission policy about every row; without the cache each question would cost
a query for the user's groups, and a list's query count would grow with its length.
"""

from __future__ import annotations

from cadres.roles import Scope, is_administrator, scope_for


def user_scope(user) -> Scope:
    scope = getattr(user, "_postings_scope", None)
    if scope is None:
        scope = scope_for(user)
        if user.is_authenticated:
            user._postings_scope = scope
    return scope


def user_is_admin(user) -> bool:
    admin = getattr(user, "_postings_is_admin", None)
    if admin is None:
        admin = is_administrator(user)
        if user.is_authenticated:
            user._postings_is_admin = admin
    return admin
