"""Who may do what in the admin: officers and administrators within their subtree, per model."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy

from postings.scoping import user_is_admin, user_scope
from postings.selectors import in_scope


class SubtreePermissionPolicy(BasePermissionPolicy):
    """`actions` for users who manage part of the tree, on rows whose unit path lies in that part;
    `admin_actions` for administrators only. `path_lookup` leads from the model to that path."""

    def __init__(self, model, *, path_lookup: str, actions=("view",), admin_actions=()):
        super().__init__(model)
        self.path_lookup = path_lookup
        self.actions = frozenset(actions)
        self.admin_actions = frozenset(admin_actions)

    def _instance_path(self, instance) -> str:
        value = instance
        for part in self.path_lookup.split("__"):
            value = getattr(value, part)
        return value

    def user_has_permission(self, user, action):
        if not (user.is_authenticated and user.is_active):
            return False
        if action in self.admin_actions:
            return user_is_admin(user)
        return action in self.actions and not user_scope(user).nothing

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and user_scope(user).allows_path(self._instance_path(instance))

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return in_scope(self.model.objects.all(), scope=user_scope(user), path_lookup=self.path_lookup)

    def users_with_permission(self, action):
        return get_user_model().objects.none()
