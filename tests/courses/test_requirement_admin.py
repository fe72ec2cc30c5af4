"""Officers assign required courses to their own subtree, and nothing else, in the Wagtail admin."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.forms import DUE_DATE_OUTSIDE_YEAR
from courses.models import Requirement
from tests.factories import CadreFactory, make_admin, make_course, make_officer, make_trainer, unit_child, unit_root

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1  # a due date that has not passed, whenever the suite runs


@pytest.fixture
def tree():
    county = unit_root(code="C01", name="清河县")
    east = unit_child(county, code="C01T1", name="东镇")
    west = unit_child(county, code="C01T2", name="西镇")
    course = make_course(title="必修一")
    return {
        "county": county,
        "east": east,
        "west": west,
        "course": course,
        "east_requirement": Requirement.objects.create(course=course, unit=east, year=2026, due_date=date(2026, 6, 30)),
        "west_requirement": Requirement.objects.create(course=course, unit=west, year=2026, due_date=date(2026, 6, 30)),
    }


def _user(role, tree):
    if role == "cadre":
        return CadreFactory(unit=tree["east"]).user
    if role == "trainer":
        return make_trainer()
    if role == "county_officer":
        return make_officer(tree["county"])
    if role == "east_officer":
        return make_officer(tree["east"])
    return make_admin()


def _url(page, tree):
    if page == "index":
        return reverse("requirements:index")
    if page == "add":
        return reverse("requirements:add")
    which = "east_requirement" if page.endswith("own") else "west_requirement"
    action = "edit" if page.startswith("edit") else "delete"
    return reverse(f"requirements:{action}", args=[tree[which].pk])


# (role, page) → outcome. "own" is the east township's requirement, "other" the west one's.
# "login": no admin access at all (cadres); "denied": Wagtail's permission-denied redirect to
# the dashboard; 404: the object is outside the user's subtree, so it does not exist for them.
MATRIX = {
    "cadre": {"index": "login", "add": "login", "edit_own": "login", "edit_other": "login", "delete_other": "login"},
    "trainer": {"index": "denied", "add": "denied", "edit_own": "denied", "edit_other": "denied", "delete_other": 404},
    "east_officer": {"index": 200, "add": 200, "edit_own": 200, "edit_other": 404, "delete_other": 404},
    "county_officer": {"index": 200, "add": 200, "edit_own": 200, "edit_other": 200, "delete_other": 200},
    "admin": {"index": 200, "add": 200, "edit_own": 200, "edit_other": 200, "delete_other": 200},
}


@pytest.mark.parametrize(
    ("role", "page", "outcome"),
    [(role, page, outcome) for role, pages in MATRIX.items() for page, outcome in pages.items()],
)
def test_permission_matrix(client, tree, role, page, outcome):
    client.force_login(_user(role, tree))
    response = client.get(_url(page, tree))
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    elif outcome == "denied":
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == outcome


def test_officer_list_shows_only_their_subtree(client, tree):
    client.force_login(make_officer(tree["east"]))
    shown = list(client.get(reverse("requirements:index")).context["object_list"])
    assert shown == [tree["east_requirement"]]


def test_officer_cannot_post_to_another_subtree(client, tree):
    client.force_login(make_officer(tree["east"]))
    response = client.post(reverse("requirements:delete", args=[tree["west_requirement"].pk]))
    assert response.status_code == 404
    assert Requirement.objects.filter(pk=tree["west_requirement"].pk).exists()


def test_unit_choices_are_limited_to_the_subtree(client, tree):
    client.force_login(make_officer(tree["east"]))
    form = client.get(reverse("requirements:add")).context["form"]
    assert list(form.fields["unit"].queryset) == [tree["east"]]


def test_officer_assigns_a_course_to_their_unit(client, tree):
    officer = make_officer(tree["east"])
    client.force_login(officer)
    other_course = make_course(title="必修二")
    response = client.post(
        reverse("requirements:add"),
        {
            "course": other_course.pk,
            "unit": tree["east"].pk,
            "categories": ["first_secretary", "team_member"],
            "year": NEXT_YEAR,
            "due_date": f"{NEXT_YEAR}-09-30",
        },
    )
    assert response.status_code == 302
    created = Requirement.objects.get(course=other_course)
    assert created.unit == tree["east"]
    assert created.categories == ["first_secretary", "team_member"]
    assert created.created_by == officer


def test_a_unit_outside_the_subtree_is_refused(client, tree):
    client.force_login(make_officer(tree["east"]))
    response = client.post(
        reverse("requirements:add"),
        {"course": make_course(title="必修三").pk, "unit": tree["west"].pk, "year": 2026, "due_date": "2026-09-30"},
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Requirement.objects.filter(course__title="必修三").exists()


def test_due_date_must_fall_in_the_year(client, tree):
    client.force_login(make_officer(tree["east"]))
    response = client.post(
        reverse("requirements:add"),
        {"course": make_course(title="必修四").pk, "unit": tree["east"].pk, "year": 2026, "due_date": "2027-01-31"},
    )
    assert response.context["form"].errors["due_date"] == [DUE_DATE_OUTSIDE_YEAR % {"year": 2026}]


def test_list_query_count_is_constant(client, tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_officer(tree["county"]))
    counts = []
    for size in (5, 50):
        for number in range(Requirement.objects.count(), size):
            course = make_course(title=f"批量{number}", lessons=0)
            Requirement.objects.create(course=course, unit=tree["east"], year=2026, due_date=date(2026, 12, 1))
        client.get(reverse("requirements:index"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("requirements:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
