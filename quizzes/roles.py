"""Quiz permissions for the role groups, granted from here so the cadres app needs no change."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from cadres.roles import (
    ADMINISTRATOR_GROUP,
    EVERYTHING,
    NOTHING,
    OFFICER_GROUP,
    TRAINER_GROUP,
    Scope,
    ensure_role_groups,
    scope_for,
)

_AUTHORING = [
    f"{action}_{model}"
    for model in ("questionbank", "questioncategory", "question", "quiz")
    for action in ("add", "change", "view", "delete")
]
QUIZ_GROUP_PERMISSIONS: dict[str, list[str]] = {
    TRAINER_GROUP: [*_AUTHORING, "view_quiz_results", "grade_essays"],
    OFFICER_GROUP: ["view_quiz_results"],
    ADMINISTRATOR_GROUP: [*_AUTHORING, "view_quiz_results", "grade_essays"],
}


def grant_quiz_permissions() -> None:
    """Add the quiz permissions to the role groups that exist; safe to call repeatedly."""
    for group in Group.objects.filter(name__in=QUIZ_GROUP_PERMISSIONS):
        codenames = QUIZ_GROUP_PERMISSIONS[group.name]
        group.permissions.add(*Permission.objects.filter(Q(content_type__app_label="quizzes"), codename__in=codenames))


def grant_quiz_permissions_after_migrate(**kwargs) -> None:
    # Runs for every app; only the last runs find every permission in place.
    have_admin = Permission.objects.filter(codename="access_admin").exists()
    if have_admin and Permission.objects.filter(content_type__app_label="quizzes").exists():
        ensure_role_groups()
        grant_quiz_permissions()


def results_scope(user) -> Scope:
    """Whose results a user may see: trainers and administrators everyone, officers their subtree."""
    if not user.is_authenticated or not user.has_perm("quizzes.view_quiz_results"):
        return NOTHING
    scope = scope_for(user)
    if scope.nothing:
        return EVERYTHING  # a trainer: they run the quizzes for every unit
    return scope


def can_grade_essays(user) -> bool:
    return user.is_authenticated and user.has_perm("quizzes.grade_essays")
