"""The four roles, as Django groups, and the unit subtree each user may see.

Group names are what administrators see in the Wagtail user editor, so they are Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CADRE_GROUP = "学员"
TRAINER_GROUP = "教员"
OFFICER_GROUP = "组织部门"
ADMINISTRATOR_GROUP = "系统管理员"

# (app_label, codename) pairs granted to each group on top of page permissions.
_GROUP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    CADRE_GROUP: [],
    TRAINER_GROUP: [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("courses", "add_coursecategory"),
        ("courses", "change_coursecategory"),
        ("courses", "view_coursecategory"),
    ],
    OFFICER_GROUP: [
        ("wagtailadmin", "access_admin"),
        ("cadres", "view_cadre"),
        ("cadres", "add_cadre"),
        ("cadres", "change_cadre"),
        ("cadres", "view_orgunit"),
        ("cadres", "add_orgunit"),
        ("cadres", "change_orgunit"),
        ("courses", "view_requirement"),
        ("courses", "add_requirement"),
        ("courses", "change_requirement"),
        ("courses", "delete_requirement"),
    ],
    ADMINISTRATOR_GROUP: [("wagtailadmin", "access_admin")],
}

# Page permissions trainers hold on the site's home page and everything below it. No
# publish_page: Wagtail lets anyone who may publish skip the review workflow, and every
# course must pass review (draft → review → publish) before cadres see it.
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]


def ensure_role_groups() -> dict[str, Group]:
    """Create the role groups and their model permissions; safe to call repeatedly."""
    groups = {}
    for name, perms in _GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if perms:
            query = Q()
            for app_label, codename in perms:
                query |= Q(content_type__app_label=app_label, codename=codename)
            group.permissions.add(*Permission.objects.filter(query))
        groups[name] = group
    return groups


def ensure_role_groups_after_migrate(**kwargs) -> None:
    # Permissions are created by their own post_migrate handler; only run once they exist.
    if Permission.objects.filter(codename="access_admin").exists():
        ensure_role_groups()


@dataclass(frozen=True)
class Scope:
    """What part of the tree a user may see. `path` is None for 'everything'."""

    path: str | None
    everything: bool = False
    nothing: bool = False

    def allows_path(self, path: str) -> bool:
        if self.nothing:
            return False
        return self.everything or path.startswith(self.path or "")


EVERYTHING = Scope(path=None, everything=True)
NOTHING = Scope(path=None, nothing=True)


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.groups.filter(name=ADMINISTRATOR_GROUP).exists()))


def scope_for(user) -> Scope:
    """The subtree an officer (or administrator) manages; cadres and trainers manage none."""
    if not user.is_authenticated:
        return NOTHING
    if is_administrator(user):
        return EVERYTHING
    officer = getattr(user, "officer", None)
    if officer is not None:
        return Scope(path=officer.unit.path)
    return NOTHING
