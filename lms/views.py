from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from cadres.roles import scope_for


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
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)
