"""Issue 14, tried as an officer would: the roster's export → edit → import round trip, a team
member imported from the roster checking in at /village/, and a cadre picked by search in a chooser.
Each journey runs at phone (360 px) and desktop (1366 px) width."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from cadres.models import Cadre
from postings.models import Absence, CheckIn, Posting
from tests.cadres.files import roster_row, xlsx_bytes
from tests.e2e import scenes
from tests.e2e.browser import PASSWORD, log_in, screenshot, scroll_width
from tests.factories import make_officer, make_posting, make_work_team, unit_root

TEAM_PATH = "清河县/城关镇/东关村工作队"
VIEWPORTS = ["phone", "desktop"]
FIELDS = ["name", "gender", "birth_date", "id_number", "phone", "unit_id", "category", "rank", "sending_unit"]


@pytest.fixture
def county():
    tree = scenes.units()
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


def roster_snapshot() -> dict:
    return {c["pk"]: c for c in Cadre.objects.values("pk", *FIELDS)}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_officer_exports_edits_one_phone_and_imports_the_file_back(live_server, new_context, county, viewport):
    rows = [roster_row(n, 姓名=name, 单位=TEAM_PATH) for n, name in ((31, "王芳"), (32, "赵强"))]
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "county")
    upload(officer, live_server.url, xlsx_bytes(rows))
    expect(officer.get_by_text("导入完成：新增干部 2 人")).to_be_visible()
    before = roster_snapshot()

    officer.goto(f"{live_server.url}/admin/roster/")
    with officer.expect_download() as download:
        officer.get_by_role("link", name="导出 Excel", exact=True).click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = workbook.active
    assert all("*" in str(row[3].value) for row in sheet.iter_rows(min_row=2))  # masked for officers
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "赵强":
            row[4].value = "13612345678"
    edited = io.BytesIO()
    workbook.save(edited)

    upload(officer, live_server.url, edited.getvalue(), name="花名册-改.xlsx")

    expect(officer.get_by_text("导入完成：新增干部 0 人，更新 2 人")).to_be_visible()
    expect(officer.locator(".import-bar--succeeded")).to_be_visible()
    zhao = Cadre.objects.get(name="赵强")
    before[zhao.pk]["phone"] = "13612345678"
    assert roster_snapshot() == before


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_refused_import_is_shown_in_red_with_its_row_messages(live_server, new_context, county, viewport):
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "county")
    upload(officer, live_server.url, xlsx_bytes([roster_row(41, 单位=TEAM_PATH, 类别="书记员")]))

    expect(officer.locator("table.listing tbody tr")).to_have_count(1)
    expect(officer.locator(".import-bar--refused")).to_be_visible()
    assert officer.locator(".import-bar--succeeded").count() == 0
    fill = officer.locator(".import-bar__fill")
    colour = fill.evaluate("element => getComputedStyle(element).backgroundColor")
    red, green, _blue = (int(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
    assert red > green  # red, never the green of a finished import
    screenshot(officer, "roster-import-refused", full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_import_page_button_is_clickable_and_the_page_fits(live_server, new_context, county, viewport):
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "county")
    officer.goto(f"{live_server.url}/admin/roster-import/")

    button = officer.get_by_role("button", name="上传并导入")
    icon = button.locator("svg").bounding_box()
    box = button.bounding_box()
    assert icon["width"] <= 24 and icon["height"] <= 24  # the icon is sized, not covering the page
    assert box["height"] <= 60
    # What is at the button's centre is the button itself, not an icon laid over it.
    hit = officer.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent.trim()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert "上传并导入" in hit
    assert scroll_width(officer) <= officer.viewport_size["width"]
    screenshot(officer, "roster-import", full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_team_member_imported_from_the_roster_checks_in_at_the_village_page(
    live_server, new_context, county, viewport
):
    posted = (timezone.localdate() - timedelta(days=10)).isoformat()
    officer = new_context(viewport="desktop").new_page()
    log_in(officer, live_server.url, "county")

    upload(
        officer,
        live_server.url,
        xlsx_bytes([roster_row(51, 姓名="孙丽", 单位=TEAM_PATH, 类别="工作队员", 驻村日期=posted)]),
    )

    expect(officer.get_by_text("派驻工作队 1 人")).to_be_visible()
    cadre = Cadre.objects.get(name="孙丽")
    assert Posting.objects.filter(cadre=cadre, team=county.team, ended_on__isnull=True).count() == 1
    # Activation with the slip's code belongs to the first-login journey; start after it.
    cadre.user.set_password(PASSWORD)
    cadre.user.save()

    member = new_context(viewport=viewport).new_page()
    log_in(member, live_server.url, cadre.user.username, next_url="/village/")
    member.goto(f"{live_server.url}/village/")
    with member.expect_navigation():
        member.get_by_role("button", name="签到", exact=True).click()

    expect(member.get_by_text("今日签到成功。")).to_be_visible()
    assert CheckIn.objects.filter(cadre=cadre).count() == 1


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_officer_picks_a_cadre_by_searching_in_the_chooser(live_server, new_context, county, viewport):
    for n in range(30):
        scenes.cadre_in(county.township, username=f"c{n}", name=f"干部{n:02d}")
    scenes.cadre_in(county.township, username="target", name="周小川")
    scenes.cadre_in(unit_root(code="OTH", name="邻县"), username="stranger", name="周小川")
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "county")
    officer.goto(f"{live_server.url}/admin/postings/new/")

    officer.get_by_role("button", name="选择干部").click()
    modal = officer.locator(".modal-dialog")
    expect(modal).to_be_visible()
    modal.get_by_placeholder("姓名、单位或身份证号后四位").fill("周小")
    choices = modal.locator("[data-chooser-modal-choice]")
    expect(choices).to_have_count(1)  # the namesake of another county is not offered
    screenshot(officer, "cadre-chooser", full_page=False)
    choices.first.click()

    expect(officer.locator("[data-chooser-title]").first).to_have_text("周小川（城关镇）")
    chosen = Cadre.objects.get(name="周小川", unit=county.township)
    assert officer.locator("input[name=cadre]").input_value() == str(chosen.pk)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_inspection_form_lists_the_chosen_teams_members_only(live_server, new_context, county, viewport):
    start = timezone.localdate() - timedelta(days=30)
    other_team = make_work_team(county.other_township, code="QHX0201", name="西岭村工作队")
    ours = [
        make_posting(
            county.team, starts_on=start, cadre=scenes.cadre_in(county.team, username=f"m{n}", name=f"东关队员{n}")
        )
        for n in range(2)
    ]
    make_posting(other_team, starts_on=start, cadre=scenes.cadre_in(other_team, username="w0", name="西岭队员"))
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "county")
    officer.goto(f"{live_server.url}/admin/postings_inspections/new/")
    expect(officer.get_by_text("请先选择工作队，此处将列出其队员。")).to_be_visible()

    officer.get_by_role("button", name="选择单位").click()
    modal = officer.locator(".modal-dialog")
    modal.get_by_placeholder("单位名称或编码").fill("东关")
    modal.locator("[data-chooser-modal-choice]", has_text="东关村工作队").click()

    members = officer.locator("[data-team-members] input[type=checkbox]")
    expect(members).to_have_count(2)
    expect(officer.locator("[data-team-members]")).not_to_contain_text("西岭队员")
    officer.get_by_label("东关队员1").check()
    officer.get_by_label("督查人员").fill("县委组织部督查组")
    officer.get_by_label("督查日期").fill(timezone.localdate().isoformat())
    with officer.expect_navigation():
        officer.locator("form button[type=submit]").last.click()

    assert list(Absence.objects.values_list("posting", flat=True)) == [ours[1].pk]
