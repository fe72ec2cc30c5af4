"""An officer plans a programme that has no batches yet, and drills the completion report down to a
village work team to see its people, at phone and desktop width."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from reports.summaries import summaries_rebuild
from rotations.models import Batch, Seat
from tests.e2e import scenes
from tests.e2e.browser import DESKTOP, PHONE, log_in, screenshot, screenshot_at_both_sizes, scroll_width
from tests.factories import CadreFactory, make_officer, make_programme

TEAM_CADRES = ["王芳", "赵强", "孙丽", "周杰"]
NO_BATCHES = "该计划还没有期次，请先生成或添加期次"


@pytest.fixture
def county():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    for name in TEAM_CADRES:
        CadreFactory(unit=tree.team, name=name)
    for index in range(3):
        CadreFactory(unit=tree.other_township, name=f"河口{index}")
    make_officer(tree.county, username="county")
    return tree


def test_the_scheduler_says_plainly_there_are_no_batches_and_its_defaults_place_everyone(
    live_server, new_context, county
):
    programme = make_programme(
        county.county, name="2030年春季驻村干部轮训", starts_on=date(2030, 3, 2), ends_on=date(2030, 4, 30)
    )
    officer = new_context(viewport="desktop").new_page()
    log_in(officer, live_server.url, "county")
    officer.goto(f"{live_server.url}/admin/rotations/programmes/{programme.pk}/schedule/")

    expect(officer).to_have_title(re.compile(programme.name))
    expect(officer.locator("[data-programme-name]")).to_have_text(programme.name)
    warning = officer.locator(".help-warning", has_text=NO_BATCHES)
    expect(warning).to_be_visible()
    actions = officer.locator("[data-no-batches-actions]")
    expect(actions.get_by_role("link", name="生成期次")).to_be_visible()
    expect(actions.get_by_role("link", name="手工新增期次")).to_be_visible()
    expect(officer.locator("main")).not_to_contain_text("已满")
    expect(officer.get_by_role("button", name="全员排班")).to_have_count(0)
    for viewport in (PHONE, DESKTOP):
        officer.set_viewport_size(viewport)
        assert scroll_width(officer) <= viewport["width"], viewport
    screenshot_at_both_sizes(officer, "scheduler-no-batches")

    # The generator's defaults come from the programme: accepted as they are, they seat everyone.
    expect(officer.locator("[data-generator-defaults]")).to_contain_text("8 名干部")
    with officer.expect_navigation():
        officer.get_by_role("button", name="创建期次").click()
    expect(officer.get_by_text(re.compile(r"已创建 \d+ 个期次。"))).to_be_visible()
    batches = list(Batch.objects.filter(programme=programme))
    assert batches and all(programme.starts_on <= b.starts_on and b.ends_on <= programme.ends_on for b in batches)
    assert sum(b.capacity for b in batches) >= 8
    expect(officer.locator(".help-warning", has_text=NO_BATCHES)).to_have_count(0)

    officer.get_by_role("button", name="全员排班").click()
    expect(officer.locator("main")).to_contain_text(re.compile(r"已安排全部\s*8\s*名干部"), timeout=60_000)
    assert Seat.objects.filter(programme=programme).count() == 8


def test_drilling_down_to_a_village_team_shows_its_people(live_server, new_context, county):
    summaries_rebuild()
    officer = new_context(viewport="desktop").new_page()
    log_in(officer, live_server.url, "county")
    officer.goto(f"{live_server.url}/admin/training-reports/completion/")
    # The county table has 13 columns: at 1366 px it stays inside the admin's content, and scrolls in its box.
    assert scroll_width(officer) <= DESKTOP["width"]
    officer.locator("table.report-table").first.get_by_role("link", name="城关镇").click()
    officer.locator("table.report-table").first.get_by_role("link", name="东关村工作队").click()

    people = officer.locator("[data-people]")
    expect(people).to_be_visible()
    expect(people.locator("[data-person]")).to_have_count(len(TEAM_CADRES) + 1)
    for name in [scenes.CADRE_NAME, *TEAM_CADRES]:
        expect(people).to_contain_text(name)
    expect(people).not_to_contain_text("河口0")
    expect(people.get_by_role("link", name="导出人员明细（Excel）")).to_be_visible()
    for viewport in (PHONE, DESKTOP):
        officer.set_viewport_size(viewport)
        assert scroll_width(officer) <= viewport["width"], viewport
        # The admin scrolls its content in a box of its own: bring the tables into view to look at them.
        officer.locator("table.report-table").first.scroll_into_view_if_needed()
        screenshot(officer, "reports-village-team-table", full_page=False)
        people.scroll_into_view_if_needed()
        screenshot(officer, "reports-village-team-people", full_page=False)

    with officer.expect_download() as download:
        people.get_by_role("link", name="导出人员明细（Excel）").click()
    assert download.value.suggested_filename.startswith("人员明细-")
