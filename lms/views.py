import sys

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from wagtail.admin.auth import require_admin_access

from cadres import services as cadre_services
from cadres.roles import is_administrator, scope_for
from lms.middleware import PASSWORD_CHANGE_REQUIRED, PASSWORD_CHANGE_SESSION_KEY, database_unavailable_response


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 once the database answers, 503 while it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home_redirect(request: HttpRequest) -> HttpResponse:
    """After login: cadres go to their learning, staff to the admin."""
    if hasattr(request.user, "cadre") and not request.user.has_perm("wagtailadmin.access_admin"):
        return redirect("my-learning")
    if request.user.has_perm("wagtailadmin.access_admin") or not scope_for(request.user).nothing:
        return redirect("wagtailadmin_home")
    return redirect("/")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database outage raised outside a view (in session or auth middleware) ends up here.
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return database_unavailable_response(request)
        error = error.__cause__ or error.__context__
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


class LoginView(auth_views.LoginView):
    """Django's login; an account that still has its initial password must change it first."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if cadre_services.password_change_required(user=form.get_user()):
            self.request.session[PASSWORD_CHANGE_SESSION_KEY] = True
            messages.warning(self.request, gettext(PASSWORD_CHANGE_REQUIRED))
            return redirect("password_change")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the first change also lifts the initial-password block."""

    def form_valid(self, form):
        response = super().form_valid(form)
        cadre_services.initial_password_clear(user=form.user)
        self.request.session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
        return response


def administrators_only(view):
    """Wrap an admin view so only administrators reach it: Wagtail's admin login for anonymous
    users, the 403 page for everyone else."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_admin_access(wrapped)
