"""The completion report's people: at a village team (or any unit on request) one row per cadre,
scoped, exported to Excel, in the same number of queries for 5 cadres as for 50."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from courses.models import Requirement
from reports.people import PEOPLE_HEADER
from tests.factories import make_batch, make_course, make_officer, make_programme, unit_child, unit_root
from tests.reports.test_queries import add_cadres

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(db):
    county = unit_root(code="P01", name="测试县")
    town = unit_child(county, code="P01-1", name="甲镇")
    other_town = unit_child(county, code="P01-2", name="乙镇")
    team = unit_child(town, code="P01-1-1", name="甲村工作队", level="village_team")
    other_team = unit_child(other_town, code="P01-2-1", name="乙村工作队", level="village_team")
    course = make_course(title="必修课", lessons=1)
    Requirement.objects.create(course=course, unit=county, year=2030, due_date=date(2030, 6, 1))
    programme = make_programme(county, starts_on=date(2030, 1, 1), ends_on=date(2030, 12, 31))
    batch = make_batch(programme, starts_on=date(2030, 3, 2), capacity=1000)

    def grow(units, count):
        add_cadres(units, count, course=course, programme=programme, batch=batch)

    grow([team], 5)
    grow([other_team], 3)
    return {"county": county, "town": town, "team": team, "other_team": other_team, "grow": grow}


def dashboard(unit, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": 2030, "unit": unit.code, **params}.items())
    return f"{reverse('reports_dashboard')}?{query}"


class PeopleAtALeafTests:
    def test_drilling_down_to_a_village_team_lists_its_people(self, client, drill):
        client.force_login(make_officer(drill["town"]))
        response = client.get(dashboard(drill["team"]))
        page = response.context["people_page"]
        assert page.paginator.count == 5
        names = [person.name for person in page.people]
        assert names == sorted(names) and all(name.startswith("干部") for name in names)
        body = response.content.decode()
        assert body.count("data-person") == 5
        assert "data-people" in body

    def test_a_unit_with_units_below_it_offers_the_people_without_listing_them(self, client, drill):
        client.force_login(make_officer(drill["county"]))
        response = client.get(dashboard(drill["town"]))
        assert response.context["people_page"] is None
        assert "data-show-people" in response.content.decode()

    def test_the_people_of_any_unit_on_request_are_those_of_its_whole_subtree(self, client, drill):
        client.force_login(make_officer(drill["county"]))
        response = client.get(dashboard(drill["county"], people=1))
        assert response.context["people_page"].paginator.count == 8

    def test_an_officer_never_sees_people_of_another_subtree(self, client, drill):
        client.force_login(make_officer(drill["town"]))
        assert client.get(dashboard(drill["other_team"])).status_code == 404
        response = client.get(dashboard(drill["town"], people=1))
        units = {person.summary.unit_id for person in response.context["people_page"].people}
        assert units == {drill["team"].pk}

    def test_overdue_and_rotation_are_shown_per_person(self, client, drill):
        client.force_login(make_officer(drill["town"]))
        people = client.get(dashboard(drill["team"])).context["people_page"].people
        # add_cadres completes every third cadre's course and seats every third from the second.
        assert {p.overdue for p in people} == {True, False}
        assert {p.rotation for p in people} >= {"placed", "not_placed"}


class PeopleExportTests:
    def test_the_people_export_to_excel_with_the_same_rows(self, client, drill):
        client.force_login(make_officer(drill["town"]))
        response = client.get(dashboard(drill["team"], people=1, export="xlsx"))
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header_at = next(i for i, r in enumerate(rows) if r[: len(PEOPLE_HEADER)] == PEOPLE_HEADER)
        people = [r for r in rows[header_at + 1 :] if r[0]]
        assert len(people) == 5
        assert {r[1] for r in people} == {"甲村工作队"}


def test_the_people_list_makes_as_many_queries_for_50_cadres_as_for_5(client, drill):
    client.force_login(make_officer(drill["town"]))
    url = dashboard(drill["team"])
    counts = []
    for total in (5, 50):
        drill["grow"]([drill["team"]], total - client.get(url).context["people_page"].paginator.count)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.context["people_page"].paginator.count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
