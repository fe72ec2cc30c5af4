"""Who may open which roster page in the Wagtail admin: role × page × own/other subtree."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre, ImportJob, ImportStatus, OrgUnit
from tests.cadres.files import roster_row, xlsx_bytes
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

OK = 200
# Wagtail turns PermissionDenied into a redirect to the admin home with an error message;
# users without admin access at all are sent to the admin login.
NO_ADMIN = "login"
DENIED = "denied"
MISSING = 404

ROLES = ["cadre", "trainer", "county", "township", "admin"]


def url_for(world, page: str) -> str:
    return {
        "roster list": reverse("roster:index"),
        "roster add": reverse("roster:add"),
        "own cadre edit": reverse("roster:edit", args=[world.own_cadre.pk]),
        "county cadre edit": reverse("roster:edit", args=[world.south_cadre.pk]),
        "other county cadre edit": reverse("roster:edit", args=[world.other_cadre.pk]),
        "other county cadre history": reverse("roster:history", args=[world.other_cadre.pk]),
        "other county cadre usage": reverse("roster:usage", args=[world.other_cadre.pk]),
        "own cadre delete": reverse("roster:delete", args=[world.own_cadre.pk]),
        "other county cadre delete": reverse("roster:delete", args=[world.other_cadre.pk]),
        "unit list": reverse("org-units:index"),
        "own unit edit": reverse("org-units:edit", args=[world.team.pk]),
        "county unit edit": reverse("org-units:edit", args=[world.south.pk]),
        "other county unit edit": reverse("org-units:edit", args=[world.other_county.pk]),
        "import page": reverse("cadres_roster_import"),
        "template": reverse("cadres_roster_template"),
        "export": reverse("cadres_roster_export"),
    }[page]


EXPECTED = {
    #                            cadre     trainer  county   township  admin
    "roster list": (NO_ADMIN, DENIED, OK, OK, OK),
    "roster add": (NO_ADMIN, DENIED, OK, OK, OK),
    "own cadre edit": (NO_ADMIN, DENIED, OK, OK, OK),
    "county cadre edit": (NO_ADMIN, DENIED, OK, MISSING, OK),
    "other county cadre edit": (NO_ADMIN, DENIED, MISSING, MISSING, OK),
    # These views load the object before checking permissions, so the scope answers first.
    "other county cadre history": (NO_ADMIN, MISSING, MISSING, MISSING, OK),
    "other county cadre usage": (NO_ADMIN, MISSING, MISSING, MISSING, OK),
    "own cadre delete": (NO_ADMIN, MISSING, DENIED, DENIED, OK),
    "other county cadre delete": (NO_ADMIN, MISSING, MISSING, MISSING, OK),
    "unit list": (NO_ADMIN, DENIED, OK, OK, OK),
    "own unit edit": (NO_ADMIN, DENIED, OK, OK, OK),
    "county unit edit": (NO_ADMIN, DENIED, OK, MISSING, OK),
    "other county unit edit": (NO_ADMIN, DENIED, MISSING, MISSING, OK),
    "import page": (NO_ADMIN, DENIED, OK, OK, OK),
    "template": (NO_ADMIN, DENIED, OK, OK, OK),
    "export": (NO_ADMIN, DENIED, OK, OK, OK),
}
MATRIX = [(role, page, expected[i]) for page, expected in EXPECTED.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("role", "page", "expected"), MATRIX)
def test_permission_matrix(client, world, role, page, expected):
    client.force_login(world.users[role])

    response = client.get(url_for(world, page))

    if expected == NO_ADMIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    elif expected == DENIED:
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "shown"),
    [("trainer", False), ("county", True), ("township", True), ("admin", True), ("group-admin", True)],
)
def test_roster_menu_items_are_shown_to_officers_and_administrators_only(client, world, role, shown):
    client.force_login(world.users[role])

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert (reverse("roster:index") in html) is shown
    assert (reverse("org-units:index") in html) is shown


class RosterListTests:
    def test_a_township_officer_sees_only_their_subtree(self, client, world):
        client.force_login(world.users["township"])

        response = client.get(reverse("roster:index"))

        assert [c.pk for c in response.context["object_list"]] == [world.own_cadre.pk]

    def test_officers_see_masked_id_numbers_and_administrators_full_ones(self, client, world):
        client.force_login(world.users["county"])
        html = client.get(reverse("roster:index")).content.decode()
        assert world.own_cadre.masked_id_number in html
        assert world.own_cadre.id_number not in html

        client.force_login(world.users["admin"])
        assert world.own_cadre.id_number in client.get(reverse("roster:index")).content.decode()

    def test_the_generic_export_parameter_does_not_leak_raw_id_numbers(self, client, world):
        client.force_login(world.users["county"])

        response = client.get(reverse("roster:index") + "?export=csv")

        assert world.own_cadre.id_number not in response.content.decode()

    def test_filters_by_unit_subtree_and_category(self, client, world):
        client.force_login(world.users["county"])

        response = client.get(reverse("roster:index"), {"unit": world.township.pk})

        assert [c.pk for c in response.context["object_list"]] == [world.own_cadre.pk]

    def test_a_unit_filter_outside_the_subtree_is_ignored_not_obeyed(self, client, world):
        client.force_login(world.users["township"])

        response = client.get(reverse("roster:index"), {"unit": world.other_county.pk})

        assert world.other_cadre not in response.context["object_list"]

    def test_search_by_name(self, client, world):
        client.force_login(world.users["county"])

        response = client.get(reverse("roster:index"), {"q": world.south_cadre.name})

        assert [c.pk for c in response.context["object_list"]] == [world.south_cadre.pk]

    def test_the_query_count_is_the_same_for_5_and_50_cadres(self, client, world):
        client.force_login(world.users["county"])
        client.get(reverse("roster:index"))  # warm per-process caches (content types, site, menus)

        counts = []
        for total in (5, 50):
            CadreFactory.create_batch(total - Cadre.objects.filter(unit=world.team).count(), unit=world.team)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("roster:index"))
            assert response.status_code == 200
            assert Cadre.objects.filter(unit=world.team).count() == total
            counts.append(len(queries))

        assert counts[0] == counts[1]


class CadreEditTests:
    def form_data(self, cadre: Cadre, **overrides) -> dict:
        data = {
            "name": cadre.name,
            "gender": cadre.gender,
            "birth_date": cadre.birth_date.isoformat(),
            "phone": cadre.phone,
            "unit": cadre.unit_id,
            "category": cadre.category,
            "rank": cadre.rank,
            "sending_unit": "",
            "posted_on": "",
            "active": "on",
        }
        data.update(overrides)
        return data

    def test_the_officer_edit_form_never_contains_the_raw_id_number(self, client, world):
        client.force_login(world.users["township"])

        response = client.get(reverse("roster:edit", args=[world.own_cadre.pk]))

        html = response.content.decode()
        assert world.own_cadre.id_number not in html
        assert world.own_cadre.masked_id_number in html
        assert "id_number" not in response.context["form"].fields

    def test_an_officer_cannot_change_the_id_number_by_posting_it(self, client, world):
        client.force_login(world.users["township"])
        original = world.own_cadre.id_number

        client.post(
            reverse("roster:edit", args=[world.own_cadre.pk]),
            self.form_data(world.own_cadre, name="新名字", id_number="11010519491231002X"),
        )

        world.own_cadre.refresh_from_db()
        assert (world.own_cadre.name, world.own_cadre.id_number) == ("新名字", original)

    def test_an_officer_cannot_move_a_cadre_out_of_the_subtree(self, client, world):
        client.force_login(world.users["township"])

        response = client.post(
            reverse("roster:edit", args=[world.own_cadre.pk]), self.form_data(world.own_cadre, unit=world.south.pk)
        )

        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
        world.own_cadre.refresh_from_db()
        assert world.own_cadre.unit == world.team

    def test_an_officer_cannot_post_to_another_subtrees_cadre(self, client, world):
        client.force_login(world.users["township"])

        response = client.post(
            reverse("roster:edit", args=[world.south_cadre.pk]), self.form_data(world.south_cadre, name="改名")
        )

        assert response.status_code == 404
        world.south_cadre.refresh_from_db()
        assert world.south_cadre.name != "改名"

    def test_an_officer_adds_a_cadre_with_a_login(self, client, world):
        client.force_login(world.users["township"])
        data = self.form_data(world.own_cadre, name="新干部", id_number="11010519491231002x", gender="", birth_date="")

        response = client.post(reverse("roster:add"), data)

        assert response.status_code == 302
        cadre = Cadre.objects.get(name="新干部")
        assert (cadre.id_number, cadre.gender, cadre.user.username) == (
            "11010519491231002X",
            "female",
            "11010519491231002X",
        )

    def test_a_bad_id_number_is_refused_in_the_add_form(self, client, world):
        client.force_login(world.users["township"])

        response = client.post(
            reverse("roster:add"),
            self.form_data(world.own_cadre, id_number="110105194912310021"),
            headers={"accept-language": "en"},
        )

        assert response.context["form"].errors["id_number"] == [
            "Enter a valid 18-character ID number (check the last character)."
        ]


class UnitAdminTests:
    def test_an_officer_adds_a_unit_below_their_own(self, client, world):
        client.force_login(world.users["township"])

        response = client.post(
            reverse("org-units:add"),
            {"parent": world.township.pk, "name": "西村工作队", "code": "", "level": "", "min_on_duty": ""},
        )

        assert response.status_code == 302
        unit = OrgUnit.objects.get(name="西村工作队")
        assert (unit.code, unit.level) == ("T01-01", "village_team")
        assert world.township.contains(unit)

    def test_an_officer_cannot_add_a_unit_outside_or_a_new_root(self, client, world):
        client.force_login(world.users["township"])

        for parent in [world.south.pk, ""]:
            response = client.post(reverse("org-units:add"), {"parent": parent, "name": "X", "code": "", "level": ""})
            assert "parent" in response.context["form"].errors
        assert not OrgUnit.objects.filter(name="X").exists()

    def test_the_unit_list_is_limited_to_the_subtree(self, client, world):
        client.force_login(world.users["township"])

        response = client.get(reverse("org-units:index"))

        assert {u.pk for u in response.context["object_list"]} == {world.township.pk, world.team.pk}


class ImportPageTests:
    def test_an_upload_runs_the_import_and_shows_the_result(self, client, world, django_capture_on_commit_callbacks):
        client.force_login(world.users["township"])
        upload = SimpleUploadedFile("花名册.xlsx", xlsx_bytes([roster_row(1, 单位="城关镇/西村工作队")]))

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cadres_roster_import"), {"unit": world.township.pk, "file": upload})

        job = ImportJob.objects.get()
        assert response["Location"] == reverse("cadres_import_job", args=[job.pk])
        assert job.status == ImportStatus.SUCCEEDED
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert page.context["succeeded"]
        status = client.get(reverse("cadres_import_job_status", args=[job.pk])).json()
        assert (status["finished"], status["percent"], status["processed_rows"]) == (True, 100, 1)

    def test_a_rejected_upload_lists_the_row_errors(self, client, world, django_capture_on_commit_callbacks):
        client.force_login(world.users["township"])
        upload = SimpleUploadedFile("r.xlsx", xlsx_bytes([roster_row(1, 类别="书记员")]))

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cadres_roster_import"), {"unit": world.township.pk, "file": upload})

        page = client.get(response["Location"])
        assert [(e["row"], e["column"]) for e in page.context["errors"]] == [(2, "类别")]

    def test_an_officer_cannot_import_below_another_subtree(self, client, world):
        client.force_login(world.users["township"])
        upload = SimpleUploadedFile("r.xlsx", xlsx_bytes([roster_row(1)]))

        response = client.post(reverse("cadres_roster_import"), {"unit": world.south.pk, "file": upload})

        assert "unit" in response.context["form"].errors
        assert not ImportJob.objects.exists()

    def test_another_subtrees_import_job_is_not_found(self, client, world, django_capture_on_commit_callbacks):
        client.force_login(world.users["county"])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("cadres_roster_import"),
                {"unit": world.south.pk, "file": SimpleUploadedFile("r.xlsx", xlsx_bytes([roster_row(1)]))},
            )
        job = ImportJob.objects.get()

        client.force_login(world.users["township"])

        assert client.get(reverse("cadres_import_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("cadres_import_job_status", args=[job.pk])).status_code == 404


class ExportViewTests:
    def test_the_export_is_a_dated_xlsx_masked_for_officers(self, client, world):
        client.force_login(world.users["county"])

        response = client.get(reverse("cadres_roster_export"))

        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
        assert sorted(row[3] for row in rows) == sorted(
            [world.own_cadre.masked_id_number, world.south_cadre.masked_id_number]
        )

    def test_the_administrator_full_export_has_full_id_numbers(self, client, world):
        client.force_login(world.users["admin"])

        response = client.get(reverse("cadres_roster_export_full"))

        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
        assert world.other_cadre.id_number in [row[3] for row in rows]

    def test_the_plain_export_is_masked_for_administrators_too(self, client, world):
        client.force_login(world.users["admin"])

        response = client.get(reverse("cadres_roster_export"))

        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
        assert world.other_cadre.masked_id_number in [row[3] for row in rows]
        assert world.other_cadre.id_number not in [row[3] for row in rows]
