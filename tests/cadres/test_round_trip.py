"""Export → edit → import, the round trip docs/roster.md promises: with masked ID numbers (every
officer) and with full ones (those allowed to see them)."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from cadres import audit, idcard, roster, services
from cadres.exceptions import RosterRejected
from cadres.models import Cadre, mask_id_number
from cadres.permissions import can_see_full_id_numbers
from cadres.roles import Scope
from tests.cadres.files import roster_row, xlsx_bytes
from tests.factories import CadreFactory, make_admin, make_officer, make_trainer, unit_child, unit_root, valid_id_number

pytestmark = pytest.mark.django_db

FIELDS = ["name", "gender", "birth_date", "id_number", "phone", "unit_id", "category", "rank", "sending_unit"]
FIELDS += ["posted_on", "active", "user_id"]


def snapshot() -> dict:
    return {c["pk"]: c for c in Cadre.objects.values("pk", *FIELDS)}


def edit_phone(content: bytes, name: str, phone: str) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == name:
            row[4].value = phone
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def county():
    county = unit_root(code="C01", name="示范县")
    township = unit_child(county, code="T01", name="城关镇")
    CadreFactory(
        unit=township, name="张伟", phone="+8613900000001", sending_unit="县农业局", posted_on=date(2024, 3, 1)
    )
    CadreFactory(unit=township, name="李娜", phone="13900000002", rank="clerk")
    CadreFactory(unit=unit_child(county, code="T02", name="南镇"), name="王芳", active=False)
    for cadre in Cadre.objects.all():  # the factory's gender need not agree with its ID number
        facts = idcard.parse(cadre.id_number)
        Cadre.objects.filter(pk=cadre.pk).update(gender=facts.gender, birth_date=facts.birth_date)
    return county


class MaskedRoundTripTests:
    def test_an_officer_edits_a_phone_in_the_masked_export_and_only_that_changes(self, county):
        before = snapshot()
        zhang = Cadre.objects.get(name="张伟")
        content = edit_phone(services.roster_export(scope=Scope(path=county.path)), "李娜", "13800000000")

        result = services.roster_import(file=content, filename="export.xlsx", root_unit=county)

        after = snapshot()
        li = Cadre.objects.get(name="李娜")
        assert (result.created, result.updated, result.units_created) == (0, 3, 0)
        assert after[li.pk]["phone"] == "13800000000"
        before[li.pk]["phone"] = "13800000000"
        assert after == before
        assert Cadre.objects.get(pk=zhang.pk).phone == "+8613900000001"

    def test_a_masked_row_matching_no_cadre_is_rejected_and_nothing_is_written(self, county):
        masked = mask_id_number(valid_id_number(900))
        rows = [roster_row(1), roster_row(2, 姓名="陌生人", 身份证号=masked)]

        with pytest.raises(RosterRejected) as caught:
            services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        assert [e.message for e in caught.value.errors] == [
            services.ROW_MASKED_NO_MATCH.format(name="陌生人", masked=masked)
        ]
        assert Cadre.objects.count() == 3

    def test_a_masked_row_matching_two_namesakes_is_rejected(self, county):
        zhang = Cadre.objects.get(name="张伟")
        masked = zhang.masked_id_number
        # Another 张伟 whose ID number masks the same way: another birth date, same last four.
        twin_id = next(
            number
            for day in range(365)
            for number in [valid_id_number(int(zhang.id_number[14:17]), born=date(1990, 1, 1) + timedelta(days=day))]
            if mask_id_number(number) == masked
        )
        CadreFactory(unit=zhang.unit, name="张伟", id_number=twin_id)
        rows = [roster_row(5, 姓名="张伟", 身份证号=masked, 性别=None, 出生日期=None, 单位="示范县/城关镇")]

        with pytest.raises(RosterRejected) as caught:
            services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        assert [e.message for e in caught.value.errors] == [
            services.ROW_MASKED_AMBIGUOUS.format(count=2, name="张伟", masked=masked)
        ]

    def test_a_masked_row_never_matches_a_cadre_outside_the_importing_unit(self, county):
        neighbour = CadreFactory(unit=unit_root(code="C02", name="邻县"), name="赵强")
        rows = [roster_row(1, 姓名="赵强", 身份证号=neighbour.masked_id_number, 单位="示范县/城关镇")]

        with pytest.raises(RosterRejected) as caught:
            services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        assert [e.template for e in caught.value.errors] == [services.ROW_MASKED_NO_MATCH]

    def test_a_masked_row_and_a_full_row_of_the_same_cadre_are_rejected(self, county):
        li = Cadre.objects.get(name="李娜")
        rows = [
            roster_row(
                1, 姓名="李娜", 身份证号=li.id_number, 性别=None, 出生日期=None, 单位="示范县/城关镇", 类别="乡镇干部"
            ),
            roster_row(
                2,
                姓名="李娜",
                身份证号=li.masked_id_number,
                性别=None,
                出生日期=None,
                单位="示范县/城关镇",
                类别="乡镇干部",
            ),
        ]

        with pytest.raises(RosterRejected) as caught:
            services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        assert [e.message for e in caught.value.errors] == [services.ROW_SAME_CADRE_TWICE.format(first_row=2)]

    def test_the_same_masked_id_and_name_twice_in_a_file_is_reported(self):
        masked = mask_id_number(valid_id_number(1))
        parsed = roster.read_roster(
            xlsx_bytes([roster_row(1, 身份证号=masked), roster_row(2, 身份证号=masked, 姓名="干部1")]), "r.xlsx"
        )

        assert [e.message for e in parsed.errors] == [roster.ROW_DUPLICATE_MASKED.format(first_row=2)]

    def test_the_apostrophe_the_export_adds_before_a_formula_is_dropped_on_import(self):
        parsed = roster.read_roster(xlsx_bytes([roster_row(1, 手机号="'+8613900000001", 派出单位="'=县局")]), "r.xlsx")

        assert (parsed.rows[0].phone, parsed.rows[0].sending_unit) == ("+8613900000001", "=县局")


class FullRoundTripTests:
    def test_a_full_export_edited_and_imported_changes_only_the_edit(self, county):
        before = snapshot()
        content = edit_phone(
            services.roster_export(scope=Scope(path=county.path), unmasked=True), "王芳", "13700000000"
        )

        result = services.roster_import(file=content, filename="export.xlsx", root_unit=county)

        wang = Cadre.objects.get(name="王芳")
        before[wang.pk]["phone"] = "13700000000"
        assert (result.created, result.updated) == (0, 3)
        assert snapshot() == before


class FullIdPermissionTests:
    def test_an_officer_sees_full_ids_only_once_granted_the_permission(self, county):
        officer = make_officer(county)
        assert not can_see_full_id_numbers(officer)

        officer.user_permissions.add(Permission.objects.get(codename="view_full_id_number"))
        officer = type(officer).objects.get(pk=officer.pk)

        assert can_see_full_id_numbers(officer)

    def test_a_trainer_with_the_permission_but_no_unit_still_cannot(self, county):
        trainer = make_trainer()
        trainer.user_permissions.add(Permission.objects.get(codename="view_full_id_number"))

        assert not can_see_full_id_numbers(type(trainer).objects.get(pk=trainer.pk))

    def test_an_officer_without_the_permission_is_refused_the_full_export(self, client, county):
        client.force_login(make_officer(county))

        response = client.get(reverse("cadres_roster_export_full"))

        assert response.status_code in (302, 403)
        assert not ModelLogEntry.objects.filter(action=audit.ROSTER_EXPORT).exists()

    def test_a_granted_officer_gets_full_ids_and_the_export_is_logged_unmasked(self, client, county):
        officer = make_officer(county)
        officer.user_permissions.add(Permission.objects.get(codename="view_full_id_number"))
        client.force_login(officer)

        response = client.get(reverse("cadres_roster_export_full"))

        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
        assert sorted(row[3] for row in rows) == sorted(Cadre.objects.values_list("id_number", flat=True))
        entry = ModelLogEntry.objects.get(action=audit.ROSTER_EXPORT)
        assert (entry.user, entry.data) == (officer, {"scope": county.path, "rows": 3, "unmasked": True})

    def test_the_roster_list_offers_the_full_export_only_to_those_allowed(self, client, county):
        officer = make_officer(county)
        client.force_login(officer)
        full_url = reverse("cadres_roster_export_full")

        assert full_url not in client.get(reverse("roster:index")).content.decode()

        client.force_login(make_admin())
        assert full_url in client.get(reverse("roster:index")).content.decode()
