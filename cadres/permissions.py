"""Wagtail permission policies that add the subtree rule to Django's model permissions.

Registered for OrgUnit and Cadre in wagtail_hooks, so every generic admin view, menu item
and button asks "may this user do this, to this unit's people?" and not only "to cadres?".
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.base import BasePermissionPolicy

from cadres.roles import Scope, is_administrator, scope_for


def cached_scope(user) -> Scope:
    """scope_for(user), remembered on the user object for the rest of the request."""
    scope = getattr(user, "_jianbing_scope", None)
    if scope is None:
        scope = scope_for(user)
        user._jianbing_scope = scope
    return scope


def cached_is_administrator(user) -> bool:
    value = getattr(user, "_jianbing_is_administrator", None)
    if value is None:
        value = is_administrator(user)
        user._jianbing_is_administrator = value
    return value


FULL_ID_NUMBER_PERMISSION = "cadres.view_full_id_number"


def can_see_full_id_numbers(user) -> bool:
    """Administrators, and officers an administrator granted "Can see full ID numbers" to
    (in the user or group editor); never someone who manages no part of the tree."""
    if not user.is_authenticated or not user.is_active:
        return False
    if cached_is_administrator(user):
        return True
    return not cached_scope(user).nothing and user.has_perm(FULL_ID_NUMBER_PERMISSION)


def scope_filter(queryset: QuerySet, scope: Scope, path_field: str) -> QuerySet:
    if scope.nothing:
        return queryset.none()
    if scope.everything:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": scope.path})


class SubtreePermissionPolicy(ModelPermissionPolicy):
    """Model permissions, limited to the user's subtree; administrators may do everything.

    `path_field` is the lookup from the model to a tree path ("path" or "unit__path").
    """

    def __init__(self, model: type[Model], *, path_field: str, path_of) -> None:
        super().__init__(model)
        self.path_field = path_field
        self.path_of = path_of

    def user_has_permission(self, user, action: str) -> bool:
        if not user.is_active:
            return False
        if cached_is_administrator(user):
            return True
        if cached_scope(user).nothing:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action: str, instance) -> bool:
        return self.user_has_permission(user, action) and cached_scope(user).allows_path(self.path_of(instance))

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_permission_for(self, user, action: str) -> QuerySet:
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return scope_filter(self.model._default_manager.all(), cached_scope(user), self.path_field)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return scope_filter(self.model._default_manager.all(), cached_scope(user), self.path_field)


class AdministratorsOnlyPolicy(BasePermissionPolicy):
    """Data kept for the whole province (credit rules, the holiday calendar): only administrators
    see or change it."""

    def user_has_permission(self, user, action):
        return user.is_authenticated and user.is_active and cached_is_administrator(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        if self.user_has_permission(user, action):
            return self.model.objects.all()
        return self.model.objects.none()

    def users_with_permission(self, action):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_superuser=True)
