"""Every way into an account × a login that must change its password first.

The list of entry points is read from the URL configuration (every view that is a Django
LoginView, which Wagtail's admin and front-end logins are too), so a new login route fails
`test_every_login_route_is_covered` until it has a row in LOGIN_ROUTES and passes the same
journey: log in, be held at the password change page everywhere, change it, go on. APIs with
their own token authentication (django-ninja) are listed the same way in TOKEN_APIS.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import views as auth_views
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cadres import activation
from cadres.models import Account
from lms.middleware import PASSWORD_CHANGE_REQUIRED
from tests.factories import CadreFactory, make_admin, make_course, unit_root

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # tests.factories.UserFactory
NEW_PASSWORD = "Xiangcun2030zx"


def _credentials(username: str) -> dict:
    return {"username": username, "password": PASSWORD}


# URL name -> how a browser posts the login form there.
LOGIN_ROUTES: dict[str, Callable[[str], dict]] = {
    "login": _credentials,  # /accounts/login/, the site's own
    "wagtailadmin_login": _credentials,  # /admin/login/
    "wagtailcore_login": _credentials,  # /_util/login/, Wagtail's front-end login for private pages
}


def _login_views(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _login_views(
                pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            if isinstance(view, type) and issubclass(view, auth_views.LoginView):
                yield namespace + (pattern.name or str(pattern.pattern))


def login_routes_in_urlconf() -> set[str]:
    return set(_login_views(get_resolver().url_patterns))


def _token_apis(patterns, namespace: str = ""):
    """Namespaces of django-ninja APIs: their own authentication, bearer tokens, no session login."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _token_apis(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith("ninja"):
            yield namespace


# The reports API (reports.api.TokenAuth), covered by the last test of this file.
TOKEN_APIS = {"reports-api"}


def test_every_token_api_is_covered():
    assert set(_token_apis(get_resolver().url_patterns)) == TOKEN_APIS


def test_every_login_route_is_covered():
    assert login_routes_in_urlconf() == set(LOGIN_ROUTES), (
        "A login route was added or removed: list it in LOGIN_ROUTES so the journeys below run through it."
    )


@pytest.fixture
def held_cadre(db):
    """A cadre whose administrator set their password: the account must change it."""
    cadre = CadreFactory(unit=unit_root())
    activation.password_change_require(user=cadre.user, by=make_admin())
    return cadre


@pytest.fixture
def lesson(db):
    return make_course(lessons=1).get_children().first()


def places(lesson) -> dict[str, str]:
    return {
        "my learning": reverse("my-learning"),
        "courses": lesson.get_parent().get_parent().url,
        "record": reverse("records:mine"),
        "my quizzes": reverse("quizzes:mine"),
    }


def heartbeat(client: Client, lesson):
    return client.post(reverse("lesson-heartbeat", args=[lesson.pk]), {"tab": "t1"}, content_type="application/json")


def log_in_at(client: Client, route: str, username: str):
    response = client.post(reverse(route), LOGIN_ROUTES[route](username))
    assert response.status_code == 302, f"{route} did not accept the login"
    assert "_auth_user_id" in client.session
    return response


@pytest.mark.parametrize("route", sorted(LOGIN_ROUTES))
class HeldLoginTests:
    def test_after_logging_in_there_every_page_leads_to_the_change_page(self, client, route, held_cadre, lesson):
        log_in_at(client, route, held_cadre.user.username)

        for name, url in places(lesson).items():
            response = client.get(url)
            assert (response.status_code, response.get("Location")) == (302, reverse("password_change")), name

    def test_after_logging_in_there_the_heartbeat_api_answers_403_json(self, client, route, held_cadre, lesson):
        log_in_at(client, route, held_cadre.user.username)

        response = heartbeat(client, lesson)

        assert response.status_code == 403
        assert response.json() == {
            "error": PASSWORD_CHANGE_REQUIRED,
            "code": "password_change_required",
            "change_url": reverse("password_change"),
        }

    def test_after_logging_in_there_the_change_page_and_logout_stay_open(self, client, route, held_cadre):
        log_in_at(client, route, held_cadre.user.username)

        assert client.get(reverse("password_change")).status_code == 200
        assert client.get(reverse("account-activate")).status_code == 200
        assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
        assert client.post(reverse("logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_after_changing_the_password_everything_opens(self, client, route, held_cadre, lesson):
        log_in_at(client, route, held_cadre.user.username)

        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        for name, url in places(lesson).items():
            assert client.get(url).status_code == 200, name
        assert heartbeat(client, lesson).status_code == 200
        assert not Account.objects.get(user=held_cadre.user).password_change_required


def test_a_hold_set_while_logged_in_applies_from_the_next_request(client, held_cadre):
    """The hold is the account's, not the session's: it reaches a session that began before it."""
    Account.objects.filter(user=held_cadre.user).update(password_change_required=False)
    client.post(reverse("login"), _credentials(held_cadre.user.username))
    assert client.get(reverse("my-learning")).status_code == 200

    Account.objects.filter(user=held_cadre.user).update(password_change_required=True)

    assert client.get(reverse("my-learning"))["Location"] == reverse("password_change")


def test_a_json_request_to_a_page_gets_json_too(client, held_cadre):
    client.post(reverse("login"), _credentials(held_cadre.user.username))

    response = client.get(reverse("my-learning"), headers={"accept": "application/json"})

    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_reading_the_hold_costs_no_query(client, django_assert_num_queries):
    """The account comes joined to request.user (cadres.backends)."""
    cadre = CadreFactory(unit=unit_root())
    client.force_login(cadre.user)
    Account.objects.create(user=cadre.user, password_change_required=True)

    # Session, then the user with their account; the redirect needs nothing else.
    with django_assert_num_queries(2):
        response = client.get(reverse("my-learning"))

    assert response["Location"] == reverse("password_change")


def test_the_reports_api_refuses_the_token_of_a_held_account_until_the_password_is_changed():
    """The one way in without a session: bearer tokens (reports.api.TokenAuth)."""
    from reports.services import api_token_issue
    from tests.factories import make_officer

    officer = make_officer(unit_root(code="C01", name="示范县"), username="county")
    _token, key = api_token_issue(user=officer, name="gov")

    def ask():
        return Client().get("/api/v1/units/C01/completion", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert ask().status_code == 200
    activation.password_change_require(user=officer, by=make_admin())
    refused = ask()
    activation.password_changed(user=officer)

    assert (refused.status_code, refused.json()) == (403, {"detail": PASSWORD_CHANGE_REQUIRED})
    assert ask().status_code == 200
