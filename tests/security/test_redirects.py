"""Open redirects: every view that sends the browser where the request says (`next`, `return_to`,
`redirect_to`, the Referer) stays on the site whatever it is given.

The views are found, not listed: `readers()` walks the URL configuration and reads each view's
source for a redirect parameter, so a new reader without a driver in DRIVERS fails the first test.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from cadres.models import UnitLevel
from lms.redirects import safe_next_url
from postings.models import LeaveRequest, LeaveStatus
from tests.factories import CadreFactory, make_officer, make_posting, unit_child, unit_root

pytestmark = pytest.mark.django_db

PAYLOADS = (
    "//evil.example/",
    "///evil.example",
    "https://evil.example/",
    "\\\\evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    " //evil.example/",
)
READS_A_TARGET = re.compile(
    r"""["'](next|return_to|redirect_to)["']|HTTP_REFERER|safe_next_url|redirect_field_name"""
    r"""|get_valid_next_url_from_request|get_success_url_allowed_hosts"""
)
# Where the views that can read a redirect target live: ours, Django's, and Wagtail's account views
# (its other admin views validate `next` with get_valid_next_url_from_request, Wagtail's own check).
SCANNED_MODULES = re.compile(
    r"^(cadres|courses|quizzes|rotations|postings|reports|records|lms)\b|^django\.|^wagtail\.admin\.views\.account"
)
PASSWORD = "pass-word-123"


@dataclass(frozen=True)
class Driver:
    """How to reach one reader: who asks, with which method and data (`next` is added)."""

    user: str | None
    method: str = "post"
    data: Callable[[dict], dict] = lambda users: {}
    referer: bool = False
    args: Callable[[dict], list] = lambda users: []


DRIVERS: dict[str, Driver] = {
    "login": Driver(None, data=lambda users: {"username": users["cadre"].username, "password": PASSWORD}),
    "logout": Driver("cadre"),
    "set_language": Driver(None, data=lambda users: {"language": "en"}, referer=True),
    "reports_remind": Driver("officer"),
    # Deciding leave from the list's row returns to the list the row was on.
    "postings_leave:decide": Driver(
        "officer", data=lambda users: {"approve": "1", "note": ""}, args=lambda users: [users["leave"].pk]
    ),
    "wagtailadmin_login": Driver(
        None, data=lambda users: {"username": users["officer"].username, "password": PASSWORD}
    ),
    "wagtailadmin_logout": Driver("officer"),
    # Wagtail's front-end login, for pages restricted to logged-in users.
    "wagtailcore_login": Driver(None, data=lambda users: {"username": users["cadre"].username, "password": PASSWORD}),
}


def _walk(patterns, namespace: str = "") -> Iterator[tuple[str, Callable]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def _source(callback: Callable) -> str:
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    parts = []
    for owner in inspect.getmro(view) if inspect.isclass(view) else [view]:
        if owner is object or not SCANNED_MODULES.search(getattr(owner, "__module__", "") or ""):
            continue
        try:
            parts.append(inspect.getsource(owner))
        except (OSError, TypeError):
            continue
    return "\n".join(parts)


def readers() -> set[str]:
    """URL names of every view (ours, Django's, Wagtail's account views) that reads a redirect target."""
    found = set()
    for name, callback in _walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
        if SCANNED_MODULES.search(view.__module__ or "") and READS_A_TARGET.search(_source(callback)):
            found.add(name)
    return found


def stays_on_site(location: str) -> bool:
    return url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}) and not location.startswith(
        ("/\\", "\\")
    )


@pytest.fixture
def users():
    county = unit_root()
    officer = make_officer(county)
    officer.set_password(PASSWORD)
    officer.save()
    cadre = CadreFactory(unit=county)
    cadre.user.set_password(PASSWORD)
    cadre.user.save()
    today = timezone.localdate()
    team = unit_child(county, code="TEAM", name="驻村工作队", level=UnitLevel.VILLAGE_TEAM)
    leave = LeaveRequest.objects.create(
        posting=make_posting(team, starts_on=today - timedelta(days=200)),
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        days=2,
        reason="事假",
        approval_level="township",
        status=LeaveStatus.PENDING,
    )
    return {"officer": officer, "cadre": cadre.user, "leave": leave}


def test_every_view_that_reads_a_redirect_target_has_a_driver():
    missing = readers() - set(DRIVERS)

    assert not missing, f"Add these views to DRIVERS in {__file__} so their redirects are tried: {sorted(missing)}"


def test_every_driver_still_names_a_reader():
    assert set(DRIVERS) <= readers()


def test_only_the_helper_reads_a_redirect_target_from_the_request():
    root = Path(settings.BASE_DIR)
    reading = re.compile(
        r"""(GET|POST|META|headers)(\.get\(|\[)\s*["'](next|return_to|redirect_to|HTTP_REFERER|Referer)"""
    )
    offenders = [
        str(path.relative_to(root))
        for app in ("cadres", "courses", "quizzes", "rotations", "postings", "reports", "records", "lms")
        for path in (root / app).rglob("*.py")
        if reading.search(path.read_text(encoding="utf-8")) and path.relative_to(root) != Path("lms/redirects.py")
    ]

    assert offenders == [], "Read redirect targets with lms.redirects.safe_next_url"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_a_redirect_target_off_the_site_is_not_followed(name, payload, users):
    driver = DRIVERS[name]
    client = Client()
    if driver.user:
        client.force_login(users[driver.user])
    data = {**driver.data(users), "next": payload}
    extra = {"HTTP_REFERER": payload} if driver.referer else {}
    url = reverse(name, args=driver.args(users))

    response = getattr(client, driver.method)(f"{url}?next={payload}", data, **extra)

    assert response.status_code in (301, 302, 303), (name, response.status_code)
    assert stays_on_site(response["Location"]), (name, payload, response["Location"])


def test_the_remind_form_still_returns_to_the_page_it_was_sent_from(users):
    client = Client()
    client.force_login(users["officer"])

    response = client.post(reverse("reports_remind") + "?unit=C01", {"next": reverse("reports_dashboard")})

    assert response["Location"] == reverse("reports_dashboard") + "?unit=C01"


class SafeNextUrlTests:
    def test_a_path_on_the_site_is_kept(self):
        request = RequestFactory().post("/", {"next": "/record/?year=2026"})

        assert safe_next_url(request, "/") == "/record/?year=2026"

    def test_over_https_a_plain_http_url_of_the_site_falls_back(self):
        request = RequestFactory().get("/", {"next": "http://testserver/record/"}, secure=True)

        assert safe_next_url(request, "my-learning") == reverse("my-learning")

    def test_over_http_a_full_url_of_the_site_is_kept(self):
        request = RequestFactory().get("/", {"next": "http://testserver/record/"})

        assert safe_next_url(request, "/") == "http://testserver/record/"

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_each_payload_falls_back(self, payload):
        request = RequestFactory().post("/", {"next": payload})

        assert safe_next_url(request, "/fallback/") == "/fallback/"
