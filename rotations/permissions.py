"""Who may manage what: officers and administrators within their subtree, trainers their own batches."""

from __future__ import annotations

from wagtail.permission_policies.base import BasePermissionPolicy

from cadres.roles import scope_for
from rotations.models import Batch, Programme


class SubtreePermissionPolicy(BasePermissionPolicy):
    """Every action for users who manage part of the tree, on rows whose unit lies in that part.

    `path_lookup` is the query path from the model to the unit path it is scoped by.
    """

    def __init__(self, model, *, path_lookup: str):
        super().__init__(model)
        self.path_lookup = path_lookup

    def _instance_path(self, instance) -> str:
        value = instance
        for part in self.path_lookup.split("__"):
            value = getattr(value, part)
        return value

    def user_has_permission(self, user, action):
        return user.is_authenticated and user.is_active and not scope_for(user).nothing

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and scope_for(user).allows_path(self._instance_path(instance))

    def instances_user_has_permission_for(self, user, action):
        scope = scope_for(user)
        if scope.nothing:
            return self.model.objects.none()
        if scope.everything:
            return self.model.objects.all()
        return self.model.objects.filter(**{f"{self.path_lookup}__startswith": scope.path})

    def users_with_permission(self, action):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()


def can_manage_programme(user, programme: Programme) -> bool:
    return scope_for(user).allows_path(programme.unit.path)


def can_take_attendance(user, batch: Batch) -> bool:
    """Trainers of the batch, and officers whose subtree holds the programme."""
    if not user.is_authenticated:
        return False
    return can_manage_programme(user, batch.programme) or batch.trainers.filter(pk=user.pk).exists()
