"""Input no page can use is refused once, here, with a 400 page instead of a crash further on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# PostgreSQL cannot hold a NUL in a text value, so `?q=%00` reached the search query and failed
# there (500). Form fields refuse NULs themselves (ProhibitNullCharactersValidator); paths and
# query strings are read without forms, so they are checked before any view runs.
NUL_IN_ADDRESS = _("The address contains a character that cannot be used. Check the link and try again.")


class RejectNulCharactersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return render(request, "400.html", {"message": NUL_IN_ADDRESS}, status=400)
        return self.get_response(request)
