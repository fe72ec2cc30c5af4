"""Project-wide middleware: a Content-Security-Policy header, a friendly 503 while the database
is unreachable, and the hold of a login that must change its password."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from cadres import activation
from cadres.activation import PASSWORD_CHANGE_REQUIRED

logger = logging.getLogger("jianbing.lms")

# Seconds a client (or the load balancer) should wait before asking again.
RETRY_AFTER_SECONDS = 15
DATABASE_UNAVAILABLE = gettext_noop("The service is briefly unavailable. Please try again in a moment.")


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY to responses that do not set their own (Wagtail's
    document view sends a stricter one)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a page that needs no database for everything else."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": gettext(DATABASE_UNAVAILABLE), "retry_after": RETRY_AFTER_SECONDS}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost or refused database connection in a view into a 503 the client can retry.

    Django closes a connection that raised once the request ends (CONN_HEALTH_CHECKS also tests
    a reused one before the next request), so the app recovers by itself once the database is
    back. Errors raised by other middleware reach lms.views.server_error, which does the same.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_database_unavailable", False) and response.status_code != 503:
            # Middleware further in (sessions saving, say) failed on the way out for the same
            # reason and turned our 503 into a 500: the cause is still the database.
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            request._database_unavailable = True
            return database_unavailable_response(request)
        return None


# What a login held at the password change page may still open: the change itself, leaving,
# switching language, the activation page, health checks and static files.
_ALWAYS_OPEN_NAMES = (
    "password_change",
    "password_change_done",
    "logout",
    "wagtailadmin_logout",
    "login",
    "account-activate",
    "healthz",
)
_ALWAYS_OPEN_PREFIXES = ("set_language",)  # /i18n/…


def wants_json(request: HttpRequest) -> bool:
    """API calls and scripts asking for JSON get JSON errors rather than a redirect to a page."""
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


class PasswordChangeRequiredMiddleware:
    """Holds a login whose account says it must change its password (cadres.Account) at the
    password change page, whichever route it logged in by: pages redirect there, API and JSON
    requests get a 403 JSON error. The account is read on every request (it comes joined to
    request.user, see cadres.backends), so the hold holds for sessions that began elsewhere."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = (
                *(reverse(name) for name in _ALWAYS_OPEN_NAMES),
                *(reverse(name).rsplit("/", 2)[0] + "/" for name in _ALWAYS_OPEN_PREFIXES),
                settings.STATIC_URL,
            )
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and activation.password_change_required(user=user)
            and not request.path.startswith(self.open_paths())
        ):
            if wants_json(request):
                return JsonResponse(
                    {
                        "error": gettext(PASSWORD_CHANGE_REQUIRED),
                        "code": "password_change_required",
                        "change_url": reverse("password_change"),
                    },
                    status=403,
                )
            return redirect("password_change")
        return self.get_response(request)
