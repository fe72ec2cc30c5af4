"""Activation slips in the admin: issued per unit of the officer's subtree as .xlsx or PDF, one
cadre reissued, both audit-logged, nothing for another subtree, the page in Chinese."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from cadres import activation, audit, services
from cadres.exceptions import ActivationFailed
from cadres.models import Account, mask_id_number
from tests.factories import CadreFactory, make_officer, make_trainer, unit_child, unit_root, valid_id_number

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xiangcun2030zx"
ACTIVATION_URL = "http://testserver/accounts/activate/"
ZH = {"accept-language": "zh-hans"}


@pytest.fixture
def county(db):
    return unit_root(code="C01", name="示范县")


@pytest.fixture
def town(county):
    return unit_child(county, code="T01", name="城关镇")


@pytest.fixture
def other_town(county):
    return unit_child(county, code="T02", name="河西镇")


@pytest.fixture
def officer(town):
    return make_officer(town)


def imported(unit, serial: int, name: str):
    return services.cadre_create(name=name, id_number=valid_id_number(serial), unit=unit, category="first_secretary")


@pytest.fixture
def pending(town):
    team = unit_child(town, code="T01V1", name="东村工作队")
    return [imported(town, 701, "王伟"), imported(team, 702, "李娜"), imported(team, 703, "=HYPERLINK(1)")]


def issue(client, unit, file_format: str):
    return client.post(reverse("cadres_activation_slips"), {"unit": unit.pk, "file_format": file_format}, headers=ZH)


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


class SlipFileTests:
    def test_the_xlsx_lists_each_pending_cadre_with_a_working_code(self, client, officer, town, pending):
        activated = CadreFactory(unit=town, name="赵敏")  # chose a password long ago: no slip
        client.force_login(officer)

        response = issue(client, town, "xlsx")

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "attachment" in response["Content-Disposition"]
        header, *rows = sheet_rows(response.content)
        assert header == ("姓名", "单位", "登录名（本人身份证号）", "激活码", "有效期至", "激活网址")
        expires_on = (timezone.localtime() + timedelta(days=30)).date()
        by_name = {row[0]: row for row in rows}
        assert set(by_name) == {"王伟", "李娜", "'=HYPERLINK(1)"} and activated.name not in by_name
        assert by_name["李娜"][1:3] == ("示范县/城关镇/东村工作队", mask_id_number(pending[1].id_number))
        assert by_name["李娜"][4].date() == expires_on
        assert by_name["李娜"][5] == ACTIVATION_URL
        for cadre in pending:
            code = by_name[cadre.name if not cadre.name.startswith("=") else "'" + cadre.name][3]
            activation.account_activate(id_number=cadre.id_number, code=code, password=NEW_PASSWORD)

    def test_the_pdf_has_one_slip_per_cadre_with_everything_needed(self, client, officer, town, pending):
        client.force_login(officer)

        response = issue(client, town, "pdf")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        accounts = Account.objects.filter(user__cadre__in=pending)
        assert all(account.code_hash for account in accounts)
        for cadre in pending[:2]:
            assert cadre.name in text
            assert mask_id_number(cadre.id_number) in text
        assert text.count("尖兵 账号激活单") == 3
        assert ACTIVATION_URL in text
        assert "有效期至" in text and "激活码只能使用一次" in text

    def test_the_codes_on_the_pdf_work(self, client, officer, town, pending):
        client.force_login(officer)
        text = pdf_text(issue(client, town, "pdf").content).replace(" ", "").replace("\n", "")
        cadre = pending[0]
        # "激活码：ABCD EFGH" is printed in two groups of four.
        after = text.split(cadre.name, 1)[1]
        code = after.split("激活码：", 1)[1][:8]

        activation.account_activate(id_number=cadre.id_number, code=code, password=NEW_PASSWORD)

    def test_issuing_again_makes_the_earlier_slips_worthless(self, client, officer, town, pending):
        client.force_login(officer)
        first = {row[0]: row[3] for row in sheet_rows(issue(client, town, "xlsx").content)[1:]}
        second = {row[0]: row[3] for row in sheet_rows(issue(client, town, "xlsx").content)[1:]}

        with pytest.raises(ActivationFailed):
            activation.account_activate(id_number=pending[0].id_number, code=first["王伟"], password=NEW_PASSWORD)
        activation.account_activate(id_number=pending[0].id_number, code=second["王伟"], password=NEW_PASSWORD)

    def test_activated_cadres_get_no_new_slip(self, client, officer, town, pending):
        client.force_login(officer)
        code = activation.activation_code_reissue(cadre=pending[0], actor=officer, file_format="pdf").code
        activation.account_activate(id_number=pending[0].id_number, code=code, password=NEW_PASSWORD)

        names = [row[0] for row in sheet_rows(issue(client, town, "xlsx").content)[1:]]

        assert "王伟" not in names and "李娜" in names

    def test_issuing_is_logged_on_the_unit(self, client, officer, town, pending):
        client.force_login(officer)

        issue(client, town, "pdf")

        entry = ModelLogEntry.objects.get(action=audit.ACTIVATION_SLIPS_ISSUE)
        assert entry.object_id == str(town.pk)
        assert entry.user == officer
        assert entry.data == {"slips": 3, "format": "pdf"}

    def test_the_queries_do_not_grow_with_the_number_of_slips(self, client, officer, town):
        client.force_login(officer)
        few_unit = unit_child(town, code="T01V2", name="北村工作队")
        many_unit = unit_child(town, code="T01V3", name="南村工作队")
        for serial in range(710, 713):
            imported(few_unit, serial, f"少{serial}")
        for serial in range(720, 740):
            imported(many_unit, serial, f"多{serial}")

        with CaptureQueriesContext(connection) as few:
            assert issue(client, few_unit, "xlsx").status_code == 200
        with CaptureQueriesContext(connection) as many:
            assert issue(client, many_unit, "xlsx").status_code == 200

        assert len(few) == len(many)


class SlipScopeTests:
    def test_a_unit_of_another_subtree_is_a_404_and_issues_nothing(self, client, officer, other_town):
        theirs = imported(other_town, 705, "孙强")
        client.force_login(officer)

        response = issue(client, other_town, "xlsx")

        assert response.status_code == 404
        assert Account.objects.get(user=theirs.user).code_hash == ""
        assert not ModelLogEntry.objects.filter(action=audit.ACTIVATION_SLIPS_ISSUE).exists()

    def test_reissuing_for_a_cadre_of_another_subtree_is_a_404(self, client, officer, other_town):
        theirs = imported(other_town, 705, "孙强")
        client.force_login(officer)
        url = reverse("cadres_activation_reissue", args=[theirs.pk])

        assert client.get(url).status_code == 404
        assert client.post(url, {"file_format": "pdf"}).status_code == 404
        assert Account.objects.get(user=theirs.user).code_hash == ""

    def test_the_unit_list_offers_only_the_officers_subtree(self, client, officer, town, other_town):
        client.force_login(officer)

        form = client.get(reverse("cadres_activation_slips"), headers=ZH).context["form"]

        assert [pk for pk, _label in form.fields["unit"].widget.choices] == [town.pk]

    def test_trainers_cannot_issue_slips(self, client, town, pending):
        client.force_login(make_trainer())

        response = issue(client, town, "xlsx")

        # Wagtail answers a PermissionDenied in its admin with a redirect to the admin home.
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
        assert not Account.objects.exclude(code_hash="").exists()


class ReissueTests:
    def test_reissuing_downloads_one_slip_and_kills_the_old_code(self, client, officer, pending):
        cadre = pending[0]
        old = activation.activation_code_reissue(cadre=cadre, actor=officer, file_format="pdf").code
        client.force_login(officer)

        response = client.post(reverse("cadres_activation_reissue", args=[cadre.pk]), {"file_format": "xlsx"})

        header, row = sheet_rows(response.content)
        assert row[0] == cadre.name
        with pytest.raises(ActivationFailed):
            activation.account_activate(id_number=cadre.id_number, code=old, password=NEW_PASSWORD)
        activation.account_activate(id_number=cadre.id_number, code=row[3], password=NEW_PASSWORD)

    def test_reissuing_is_logged_on_the_cadre(self, client, officer, pending):
        client.force_login(officer)

        client.post(reverse("cadres_activation_reissue", args=[pending[1].pk]), {"file_format": "pdf"})

        entry = ModelLogEntry.objects.get(action=audit.ACTIVATION_CODE_REISSUE)
        assert (entry.object_id, entry.user, entry.data) == (str(pending[1].pk), officer, {"format": "pdf"})

    def test_an_activated_cadre_keeps_their_password_until_the_new_code_is_used(self, client, officer, town):
        cadre = CadreFactory(unit=town)
        client.force_login(officer)

        client.post(reverse("cadres_activation_reissue", args=[cadre.pk]), {"file_format": "pdf"})

        cadre.user.refresh_from_db()
        assert cadre.user.check_password("pass-word-123")


class SlipPageLanguageTests:
    def test_the_slips_page_is_in_chinese(self, client, officer):
        client.force_login(officer)

        page = client.get(reverse("cadres_activation_slips"), headers=ZH).content.decode()

        assert "生成激活单" in page and "30 天内有效" in page
        for english in ("Activation slips", "Generate activation slips", "Unit (and below)", "File type", "PDF for"):
            assert english not in page

    def test_the_reissue_page_is_in_chinese_with_dates_as_dates(self, client, officer, pending):
        cadre = pending[0]
        activation.activation_code_reissue(cadre=cadre, actor=officer, file_format="pdf")
        expires = timezone.localtime(Account.objects.get(user=cadre.user).code_expires_at).date()
        client.force_login(officer)

        page = client.get(reverse("cadres_activation_reissue", args=[cadre.pk]), headers=ZH).content.decode()

        assert "尚未激活" in page and "现有激活码有效期至" in page
        assert f"{expires.year}年{expires.month}月{expires.day}日" in page
        assert "Reissue" not in page and "Not activated" not in page
