"""Who sees what: role × page, export and API × own or other subtree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import ApiToken

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (role) -> (own unit code, own cadre, other unit code, other cadre); the cadre attributes name Tree fields.
SUBTREES = {
    "county": ("C01", "a3", "C02", "x1"),
    "township": ("T01", "a1", "T02", "b1"),
    "admin": ("C01", "a1", "C02", "x1"),
    "trainer": ("C01", "a1", "C02", "x1"),
    "cadre": ("C01", "a1", "C02", "x1"),
}
PAGE_STATUS = {
    # role: (own, other); a cadre has no admin access, so Wagtail sends them to its login page
    "county": (200, 404),
    "township": (200, 404),
    "admin": (200, 200),
    "trainer": (404, 404),
    "cadre": (302, 302),
}
API_STATUS = {
    "county": (200, 404),
    "township": (200, 404),
    "admin": (200, 200),
    "trainer": (403, 403),
    "cadre": (403, 403),
}
PAGES = ["dashboard", "courses", "overdue", "ranking", "programme", "cadre"]


def page_url(tree, page: str, unit_code: str, cadre_attr: str) -> str:
    if page == "cadre":
        return reverse("reports_cadre", args=[getattr(tree, cadre_attr).pk])
    name = {
        "dashboard": "reports_dashboard",
        "courses": "reports_courses",
        "overdue": "reports_overdue",
        "ranking": "reports_ranking",
        "programme": "reports_programme",
    }[page]
    extra = f"&programme={tree.programme.pk}" if page == "programme" else ""
    return f"{reverse(name)}?unit={unit_code}{extra}"


def targets(role: str, side: str):
    own_unit, own_cadre, other_unit, other_cadre = SUBTREES[role]
    return (own_unit, own_cadre) if side == "own" else (other_unit, other_cadre)


@pytest.mark.parametrize("role", list(PAGE_STATUS))
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("page", PAGES)
def test_report_pages(client, tree, role, side, page):
    client.force_login(tree.users[role])
    unit, cadre = targets(role, side)
    response = client.get(page_url(tree, page, unit, cadre))
    assert response.status_code == PAGE_STATUS[role][side == "other"]


@pytest.mark.parametrize("role", list(PAGE_STATUS))
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("page", PAGES)
def test_report_exports(client, tree, role, side, page):
    client.force_login(tree.users[role])
    unit, cadre = targets(role, side)
    url = page_url(tree, page, unit, cadre)
    response = client.get(url + ("&" if "?" in url else "?") + "export=xlsx")
    expected = PAGE_STATUS[role][side == "other"]
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == XLSX


@pytest.mark.parametrize("role", list(API_STATUS))
@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("endpoint", ["units", "cadres"])
def test_api(client, tree, role, side, endpoint):
    _token, key = ApiToken.issue(user=tree.users[role], name=role)
    unit, cadre = targets(role, side)
    url = (
        f"/api/v1/units/{unit}/completion"
        if endpoint == "units"
        else f"/api/v1/cadres/{getattr(tree, cadre).pk}/record"
    )
    response = client.get(url, {"year": 2030}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == API_STATUS[role][side == "other"]


def test_api_without_a_valid_token_is_unauthorised(client, tree):
    assert client.get("/api/v1/units/C01/completion").status_code == 401
    assert client.get("/api/v1/units/C01/completion", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_a_revoked_token_is_refused(client, tree):
    token, key = ApiToken.issue(user=tree.users["county"], name="gov")
    token.revoked = True
    token.save()
    assert client.get("/api/v1/units/C01/completion", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_the_township_officer_never_sees_the_other_township(client, tree):
    client.force_login(tree.users["township"])
    for page in PAGES:
        body = client.get(page_url(tree, page, "T01", "a1")).content.decode()
        assert "乙一" not in body and "南镇" not in body and "邻县" not in body


def test_the_county_dashboard_drills_down_to_its_townships(client, tree):
    client.force_login(tree.users["county"])
    body = client.get(reverse("reports_dashboard")).content.decode()
    assert "城关镇" in body and "南镇" in body and "邻县" not in body
    assert "unit=T01" in body


def test_the_reports_menu_is_shown_to_officers_only(client, tree):
    client.force_login(tree.users["county"])
    assert reverse("reports_dashboard") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(tree.users["trainer"])
    assert reverse("reports_dashboard") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_api_is_described_by_an_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/units/{code}/completion", "/api/v1/cadres/{cadre_id}/record"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_api_unit_completion_matches_the_dashboard(client, tree):
    _token, key = ApiToken.issue(user=tree.users["county"], name="gov")
    data = client.get("/api/v1/units/C01/completion?year=2030", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["total"]["required"] == 6 and data["total"]["completed"] == 3
    assert [child["unit"]["code"] for child in data["children"]] == ["T01", "T02"]
    assert data["children"][0]["completion_rate"] == 60.0
