"""The one place a redirect target taken from the request is checked.

Every view that sends the browser to a URL the request names (`next`, `return_to`,
`redirect_to`, the Referer) asks `safe_next_url`; anything that would leave the site
(`//evil.example/`, `///evil.example`, `\\\\evil.example`, `https://evil.example/`,
`javascript:`) falls back to a URL of the view's choosing. tests/security/test_redirects.py
finds every reader and tries each payload on it.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_redirect(request: HttpRequest, url: str | None) -> bool:
    """Whether `url` stays on this site (over HTTPS when the request came over HTTPS)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next_url(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The `field` of the POST (else the query string) if it stays on this site; else `fallback`
    (a URL, path or URL name)."""
    candidate = request.POST.get(field) or request.GET.get(field)
    return candidate if is_safe_redirect(request, candidate) else resolve_url(fallback)
