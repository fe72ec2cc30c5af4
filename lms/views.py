import sys

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from wagtail.admin.auth import require_admin_access

from cadres import activation
from cadres.account_forms import PasswordChangeForm
from cadres.roles import is_administrator, scope_for
from lms.middleware import database_unavailable_response


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
    """Django's login. Whether the account must change its password first is the account's
    business (lms.middleware.PasswordChangeRequiredMiddleware), whichever login view was used."""

    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """The site's own password change page (Chinese labels, the policy spelled out); a
    successful change lifts the hold of an account that had to change its password."""

    form_class = PasswordChangeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = activation.password_change_required(user=self.request.user)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        activation.password_changed(user=form.user)
        return response


def administrators_only(view):
    """Wrap an admin view so only administrators reach it: Wagtail's admin login for anonymous
    users, the 403 page for everyone else."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_admin_access(wrapped)
