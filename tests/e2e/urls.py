"""The site's URLs plus two that fail on purpose, so the browser can see the 403 and 500 pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from lms.urls import handler403, handler404, handler500
from lms.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a deliberate failure for the 500 page test")


urlpatterns = [
    path("e2e/forbidden/", forbidden),
    path("e2e/broken/", broken),
    *site_urlpatterns,
]
