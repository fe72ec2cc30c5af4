"""Where links that leave the site start: certificate QR codes, printed verification addresses.

A configured address (WAGTAILADMIN_BASE_URL in the environment, kept in settings.SITE_BASE_URL)
always wins. Without one, the address the user reached us at: the current request's, or for
background work the one passed on from the request that started it. With neither, the default
Wagtail Site when it has been given a real hostname, and last where `make run` serves
(settings.WAGTAILADMIN_BASE_URL, built from JIANBING_HOST and JIANBING_PORT).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# The hostname Wagtail's first migration and the demo loader give the default Site: a
# placeholder that says nothing about where the site is really served.
PLACEHOLDER_SITES = {("localhost", 80)}


def base_url(*, request: HttpRequest | None = None, passed: str = "") -> str:
    """Scheme, host and port without a trailing slash, e.g. "http://127.0.0.1:8080"."""
    if settings.SITE_BASE_URL:
        return settings.SITE_BASE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    if passed:
        return passed.rstrip("/")
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) not in PLACEHOLDER_SITES:
        return site.root_url.rstrip("/")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
