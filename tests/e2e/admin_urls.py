"""Every admin address a user can open, found from Wagtail's registries rather than listed by hand.

Menu items (and their submenus), each registered model viewset's index/add/edit/history, the
parameterless URLs apps register with `register_admin_urls` (report views and the like), the
page explorer, and the edit form of one page and the add form of every page type. A page another
helper registers tomorrow is covered without touching this file.

Each address says whether the user should get in: Wagtail's own permission checks (the
viewset's permission policy, the page permission tester) are the oracle; an address in the
user's menu must always open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page, get_page_models

DOWNLOAD = re.compile(r"\.(xlsx|csv|pdf|zip)$|/(export|download|template)/?$")


@dataclass(frozen=True)
class AdminUrl:
    path: str
    allowed: bool  # whether the user's permissions let them in; False means a 403 is the right answer
    form: bool = False  # an add form: submitted empty too, to see its errors
    # An index whose edit links lead to the edit and history addresses of an object the user may see.
    edit_name: str = ""
    history_name: str = ""


def menu_urls(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    found: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, SubmenuMenuItem):
                walk(item.menu.menu_items_for_request(request))
            elif item.url.startswith("/admin/"):
                found.append(item.url.split("?")[0])

    walk(admin_menu.menu_items_for_request(request))
    return found


def _model_viewsets() -> list[ModelViewSet]:
    return [vs for vs in viewsets.viewsets if isinstance(vs, ModelViewSet) and not isinstance(vs, ChooserViewSet)]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def viewset_urls(user) -> list[AdminUrl]:
    urls = []
    for viewset in _model_viewsets():
        policy = viewset.permission_policy
        index = _url(viewset.get_url_name("index"))
        if index is None:
            continue
        can_see = policy.user_has_any_permission(user, ["view", "add", "change", "delete"])
        has_history = "history" in [pattern.name for pattern in viewset.get_urlpatterns() if hasattr(pattern, "name")]
        urls.append(
            AdminUrl(
                index,
                can_see,
                edit_name=viewset.get_url_name("edit") if can_see else "",
                history_name=viewset.get_url_name("history") if can_see and has_history else "",
            )
        )
        add = _url(viewset.get_url_name("add"))
        if add is not None:
            urls.append(AdminUrl(add, policy.user_has_permission(user, "add"), form=True))
    return urls


def _parameterless(patterns, prefix: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names += _parameterless(
                pattern.url_patterns, prefix + (pattern.namespace + ":" if pattern.namespace else "")
            )
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
            if "<" not in str(pattern.pattern) and "(" not in str(pattern.pattern):
                names.append(prefix + pattern.name)
    return names


def hook_urls() -> list[str]:
    """Our apps' own admin URLs without parameters (reports, import pages, settings pages)."""
    paths = []
    for register in hooks.get_hooks("register_admin_urls"):
        if register.__module__.split(".")[0] not in {
            "cadres",
            "courses",
            "quizzes",
            "rotations",
            "postings",
            "records",
            "reports",
            "lms",
        }:
            continue
        for name in _parameterless(register()):
            # Downloads (an Excel template, an export) are files, not pages.
            if (path := _url(name)) is not None and not DOWNLOAD.search(path):
                paths.append(path)
    return paths


def page_urls(user) -> list[AdminUrl]:
    """The explorer at each page with children, one edit form per page type, every type's add form."""
    urls = []
    seen_types = set()
    explorable = False
    for page in Page.objects.filter(depth__gt=1).specific().order_by("path"):
        tester = page.permissions_for_user(user)
        explorable = explorable or tester.can_edit() or tester.can_add_subpage()
        if page.numchild:
            urls.append(AdminUrl(f"/admin/pages/{page.pk}/", tester.can_edit() or tester.can_add_subpage()))
        if type(page) not in seen_types:
            seen_types.add(type(page))
            urls.append(AdminUrl(f"/admin/pages/{page.pk}/edit/", tester.can_edit()))
            urls.append(AdminUrl(f"/admin/pages/{page.pk}/history/", tester.can_edit()))
    urls.append(AdminUrl("/admin/pages/", explorable))
    for model in get_page_models():
        if model is Page:
            continue
        parent = next(
            (
                p
                for p in Page.objects.filter(depth__gt=1).specific()
                if model in p.specific_class.allowed_subpage_models()
            ),
            None,
        )
        if parent is None or not model.can_create_at(parent):
            continue
        content_type = ContentType.objects.get_for_model(model)
        allowed = parent.permissions_for_user(user).can_add_subpage()
        urls.append(
            AdminUrl(f"/admin/pages/add/{content_type.app_label}/{content_type.model}/{parent.pk}/", allowed, form=True)
        )
    return urls


def admin_urls(user) -> list[AdminUrl]:
    """Every address above, once each; menu and hook addresses are expected to open when in the menu."""
    menu = set(menu_urls(user))
    found: dict[str, AdminUrl] = {}
    for url in [*viewset_urls(user), *page_urls(user)]:
        found.setdefault(url.path, url)
    for path in [*menu, *hook_urls()]:
        found.setdefault(path, AdminUrl(path, path in menu))
    for path in menu:  # whatever the menu offers must open
        found[path] = AdminUrl(path, True, found[path].form, found[path].edit_name, found[path].history_name)
    return sorted(found.values(), key=lambda url: url.path)
