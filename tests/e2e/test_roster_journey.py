"""A county officer imports a roster workbook in the admin and exports the roster back to Excel."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cadres.models import Cadre
from tests.cadres.files import HEADER, roster_row, xlsx_bytes
from tests.e2e import scenes
from tests.e2e.browser import log_in, screenshot
from tests.factories import make_officer

TEAM_PATH = "清河县/城关镇/东关村工作队"


@pytest.fixture
def county():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    make_officer(tree.county, username="county")
    return tree


def upload(page, base_url: str, content: bytes, *, name: str = "花名册.xlsx") -> None:
    page.goto(f"{base_url}/admin/roster-import/")
    page.locator("input[type=file]").set_input_files(
        {
            "name": name,
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": content,
        }
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传并导入").click()


class RosterTests:
    def test_an_imported_roster_comes_back_in_the_excel_export(self, live_server, new_context, county):
        rows = [
            roster_row(serial, 姓名=name, 单位=TEAM_PATH) for serial, name in ((11, "王芳"), (12, "赵强"), (13, "陈静"))
        ]
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county")

        upload(officer, live_server.url, xlsx_bytes(rows))
        expect(officer.get_by_text("导入完成：新增干部 3 人")).to_be_visible()
        screenshot(officer, "admin-roster-import", full_page=False)
        assert set(Cadre.objects.values_list("name", flat=True)) == {scenes.CADRE_NAME, "王芳", "赵强", "陈静"}

        officer.goto(f"{live_server.url}/admin/roster/")
        with officer.expect_download() as download:
            officer.get_by_role("link", name="导出 Excel").click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        exported = list(sheet.iter_rows(values_only=True))

        assert list(exported[0][: len(HEADER)]) == HEADER
        assert sorted(row[0] for row in exported[1:]) == sorted([scenes.CADRE_NAME, "王芳", "赵强", "陈静"])
        assert {row[5] for row in exported[1:]} == {TEAM_PATH}
        assert all("*" in row[3] for row in exported[1:])  # officers get masked ID numbers

    def test_a_file_with_a_bad_row_is_rejected_row_by_row_and_nothing_is_written(
        self, live_server, new_context, county
    ):
        rows = [roster_row(21, 单位=TEAM_PATH), roster_row(22, 单位=TEAM_PATH, 身份证号="110101198503070000")]
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county")

        upload(officer, live_server.url, xlsx_bytes(rows))

        problems = officer.locator("table.listing tbody tr")
        expect(problems).to_have_count(1)
        expect(problems.first).to_contain_text("身份证号")
        assert Cadre.objects.count() == 1
