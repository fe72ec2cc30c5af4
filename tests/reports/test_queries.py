"""Every report makes the same number of queries for 10 cadres as for 200."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import Cadre, CadreCategory
from courses.models import CourseProgress, Requirement
from reports.models import ApiToken
from reports.summaries import summaries_rebuild
from rotations.models import Seat
from tests.factories import make_batch, make_course, make_officer, make_programme, unit_child, unit_root
from tests.reports.conftest import at

_serial = itertools.count(1)


def add_cadres(units, count: int, *, course, programme, batch) -> None:
    """Bulk rows (no signals), then one rebuild: a third completed, a third placed in the batch."""
    User = get_user_model()
    serials = [next(_serial) for _ in range(count)]
    users = User.objects.bulk_create([User(username=f"q{serial}") for serial in serials])
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                user=user,
                name=f"干部{serial}",
                gender="male",
                id_number=f"{serial:018d}",
                unit=units[serial % len(units)],
                category=CadreCategory.FIRST_SECRETARY if serial % 2 else CadreCategory.TOWNSHIP,
            )
            for serial, user in zip(serials, users, strict=True)
        ]
    )
    CourseProgress.objects.bulk_create(
        [
            CourseProgress(
                cadre=cadre, course=course, started_at=at(5, 1), last_studied_at=at(5, 1), completed_at=at(5, 2)
            )
            for cadre in cadres[::3]
        ]
    )
    Seat.objects.bulk_create([Seat(programme=programme, batch=batch, cadre=cadre) for cadre in cadres[1::3]])
    summaries_rebuild()


@pytest.fixture
def world(db):
    county = unit_root(code="Q01", name="测试县")
    towns = [unit_child(county, code=f"Q01-{i}", name=f"镇{i}") for i in range(2)]
    teams = [unit_child(town, code=f"{town.code}-{j}", level="village_team") for town in towns for j in range(2)]
    course = make_course(title="必修课", lessons=1)
    Requirement.objects.create(course=course, unit=county, year=2030, due_date=date(2030, 6, 1))
    programme = make_programme(county, starts_on=date(2030, 1, 1), ends_on=date(2030, 12, 31))
    batch = make_batch(programme, starts_on=date(2030, 3, 2), capacity=1000)
    officer = make_officer(county)
    _token, key = ApiToken.issue(user=officer, name="gov")
    grow = lambda count: add_cadres([*towns, *teams], count, course=course, programme=programme, batch=batch)  # noqa: E731
    grow(10)
    return {"county": county, "officer": officer, "key": key, "programme": programme, "course": course, "grow": grow}


def count_queries(client, url: str, **headers) -> int:
    client.get(url, **headers)  # warm per-process caches (content types, site settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


def urls(world) -> list[tuple[str, dict]]:
    first = Cadre.objects.filter(unit__path__startswith=world["county"].path).order_by("pk").first()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world['key']}"}
    return [
        (reverse("reports_dashboard") + "?year=2030", {}),
        (reverse("reports_dashboard") + f"?year=2030&course={world['course'].pk}", {}),
        (reverse("reports_dashboard") + f"?year=2030&programme={world['programme'].pk}&category=township", {}),
        (reverse("reports_courses") + "?year=2030", {}),
        (reverse("reports_overdue") + "?year=2030", {}),
        (reverse("reports_ranking") + "?year=2030&level=village_team", {}),
        (reverse("reports_programme") + f"?year=2030&programme={world['programme'].pk}", {}),
        (reverse("reports_cadre", args=[first.pk]) + "?year=2030", {}),
        ("/api/v1/units/Q01/completion?year=2030", auth),
        (f"/api/v1/cadres/{first.pk}/record?year=2030", auth),
    ]


def test_query_counts_do_not_grow_with_the_number_of_cadres(client, world):
    client.force_login(world["officer"])
    small = {url: count_queries(client, url, **headers) for url, headers in urls(world)}
    world["grow"](190)
    large = {url: count_queries(client, url, **headers) for url, headers in urls(world)}
    assert Cadre.objects.count() == 200
    assert large == small


def test_the_dashboard_is_a_fixed_handful_of_queries(world, django_assert_max_num_queries):
    from reports import selectors

    filters = selectors.Filters(year=2030, unit=world["county"])
    # children, targets, year rollups, due-date rollups, week rollups
    with django_assert_max_num_queries(5):
        selectors.dashboard(filters, today=date(2030, 6, 15) + timedelta(days=0))
