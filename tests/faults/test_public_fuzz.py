"""Hypothesis throws arbitrary query strings and path segments at every page an anonymous visitor
can reach: each answers below 500 (a page, a 404 with a message, a redirect), never a crash.

The pages are found, not listed: every URL pattern the authorisation matrix lets anonymous
visitors open, plus every live Wagtail page of a site with a home, a course index and a course.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lms.bad_input import NUL_IN_ADDRESS
from records.models import Certificate
from tests.factories import make_course
from tests.security.test_authorisation_matrix import LOGIN, all_patterns, entry_for

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
NASTY = [
    "a/b",
    "../../etc",
    "\x00",
    "..",
    "%",
    "%2F",
    "\\",
    "<script>",
    "' OR 1=1 --",
    "null",
    "-1",
    "9" * 30,
    "名",
    " ",
]
text = st.one_of(st.sampled_from(NASTY), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
KEYS = ["code", "q", "next", "page", "year", "unit", "p", "id", "lang", "export"]
queries = st.dictionaries(st.one_of(st.sampled_from(KEYS), text), text, max_size=4)
segments = st.lists(text, min_size=1, max_size=3)


def public_patterns() -> list:
    """URL patterns an anonymous visitor is let into (anything but a login redirect)."""
    found = []
    for pattern in all_patterns():
        entry = entry_for(pattern)
        if entry is not None and entry.own.get("anon") not in (None, LOGIN) and entry.method == "get":
            found.append(pattern)
    return found


PUBLIC = public_patterns()


def fill(route: str, values: list[str]) -> str:
    """The route with each converter replaced by the next fuzzed value (URL-quoted)."""
    values = iter(values * 3)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", lambda match: quote(next(values, "x"), safe=""), route)


def ask(client: Client, url: str, query: dict) -> int:
    separator = "&" if "?" in url else "?"
    return client.get(f"{url}{separator}{urlencode(query)}" if query else url).status_code


def test_the_public_pages_found_include_the_ones_that_matter():
    keys = {pattern.key for pattern in PUBLIC}

    assert {"records:verify-lookup", "records:verify", "search", "login", "wagtail_serve"} <= keys


@pytest.mark.parametrize("pattern", PUBLIC, ids=lambda pattern: pattern.key)
@FUZZ
@given(values=segments, query=queries)
@example(values=["a/b"], query={"code": "a/b"})
@example(values=["../../etc"], query={"code": "../../etc"})
@example(values=["\x00"], query={"q": "\x00", "code": "\x00", "next": "\x00"})
def test_a_public_url_never_answers_500(pattern, values, query):
    client = Client(raise_request_exception=False)

    assert ask(client, fill(pattern.route, values), query) < 500


@pytest.fixture
def site_pages():
    course = make_course()
    return [page.url for page in course.get_ancestors(inclusive=True).live().specific() if page.url] + [
        lesson.url for lesson in course.get_children().live()
    ]


@FUZZ
@given(extra=st.lists(text, max_size=2), query=queries, which=st.integers(min_value=0))
def test_a_wagtail_page_never_answers_500(site_pages, extra, query, which):
    client = Client(raise_request_exception=False)
    url = site_pages[which % len(site_pages)] + "".join(quote(part, safe="") + "/" for part in extra)

    assert ask(client, url, query) < 500


@pytest.mark.parametrize("code", ["a/b", "../../etc", "a b", "<x>", "x" * 41, "名字"])
def test_a_code_that_is_no_code_is_not_found_with_a_message(client, code):
    response = client.get("/verify/", {"code": code})

    assert response.status_code == 404
    assert "No certificate has this verification code." in response.content.decode()


def test_a_well_formed_code_still_goes_to_its_verification_page(client):
    response = client.get("/verify/", {"code": " Ab_9-xY "})

    assert (response.status_code, response["Location"]) == (302, "/verify/Ab_9-xY/")
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    "url", ["/search/?q=%00", "/verify/?code=%00", "/verify/%00/", "/?%00=1", "/accounts/login/?next=%00"]
)
def test_a_nul_anywhere_in_the_address_is_a_400_page_with_a_message(client, url):
    # PostgreSQL cannot hold a NUL: `/search/?q=%00` was a 500 there.
    response = client.get(url)

    assert response.status_code == 400
    assert str(NUL_IN_ADDRESS) in response.content.decode()
