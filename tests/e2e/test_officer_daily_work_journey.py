"""An organisation officer's day in the admin (issue 14): the admin home lists what waits, leave is
approved right from the list, and a required course with a past due date is refused while the form
shows how many cadres the assignment binds. Each journey at phone and desktop width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Requirement
from postings.models import LeaveRequest, LeaveStatus
from reports.models import Notification
from tests.e2e import scenes
from tests.e2e.browser import log_in, path_of, screenshot
from tests.factories import CadreFactory, make_course, make_officer, make_posting, make_work_team

VIEWPORTS = ["phone", "desktop"]


@pytest.fixture
def county():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    make_officer(tree.county, username="county")
    make_officer(tree.township, username="township")
    return tree


@pytest.fixture
def leave(county):
    """王强, posted to 东关村, asks for two days off next week."""
    today = timezone.localdate()
    team = make_work_team(county.township, code="QHX0102", name="西关村工作队")
    cadre = CadreFactory(unit=team, name="王强")
    posting = make_posting(team, cadre=cadre, starts_on=today - timedelta(days=200))
    return LeaveRequest.objects.create(
        posting=posting,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        days=2,
        reason="家中老人住院",
        approval_level="township",
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_officer_home_lists_what_waits_with_links(live_server, new_context, county, leave, viewport):
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "township")
    assert path_of(officer.url) == "/admin/"

    todos = officer.locator(".officer-home")
    expect(todos.get_by_role("heading", name="待办事项")).to_be_visible()
    waiting = todos.locator("[data-todo=leave]")
    expect(waiting).to_contain_text("待审批的驻村请假")
    expect(waiting.locator(".officer-home__count")).to_have_text("1")
    expect(todos.locator("[data-todo=claims]")).to_contain_text("没有待审核的学时申请。")
    expect(todos).to_contain_text("辖区干部")
    screenshot(officer, "admin-home", full_page=False)

    waiting.get_by_role("link").click()
    officer.wait_for_url("**/admin/postings_leave/")
    expect(officer.get_by_role("link", name="王强")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_leave_is_approved_from_the_list(live_server, new_context, county, leave, viewport):
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "township", next_url="/admin/postings_leave/")

    row = officer.locator("tr", has_text="王强")
    expect(row).to_contain_text("家中老人住院")
    starts = leave.starts_on
    expect(row).to_contain_text(f"{starts.year}年{starts.month}月{starts.day}日")
    expect(row).not_to_contain_text("之前")
    screenshot(officer, "leave-list", full_page=False)

    with officer.expect_navigation():
        row.get_by_role("button", name="批准 王强 的请假", exact=True).click()

    assert path_of(officer.url) == "/admin/postings_leave/"
    expect(officer.get_by_text("已批准请假。")).to_be_visible()
    expect(officer.locator("tr", has_text="王强")).to_have_count(0)  # the list shows what still waits
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_past_due_date_is_refused_and_the_form_says_how_many_cadres(live_server, new_context, county, viewport):
    make_course(title="乡村振兴促进法解读")
    for number in range(2):
        scenes.cadre_in(county.team, username=f"team-{number}", name=f"队员{number}")
    today = timezone.localdate()
    past = today - timedelta(days=1)
    officer = new_context(viewport=viewport).new_page()
    log_in(officer, live_server.url, "county", next_url="/admin/requirements/new/")

    officer.get_by_label("课程").select_option(label="乡村振兴促进法解读")
    officer.get_by_label("单位").select_option(label="　城关镇")
    expect(officer.locator("#requirement-affected")).to_have_text("本次指派涉及 3 名干部。")
    officer.get_by_label("年度").fill(str(past.year))
    officer.get_by_label("截止日期").fill(past.isoformat())
    officer.locator("footer button[type=submit]").first.click()

    expect(officer.locator(".error-message")).to_contain_text(f"截止日期 {past.isoformat()} 已过")
    expect(officer.locator("#requirement-affected")).to_have_text("本次指派涉及 3 名干部。")
    screenshot(officer, "required-course-past-date", full_page=False)
    assert not Requirement.objects.exists()

    due = today + timedelta(days=30)
    officer.get_by_label("年度").fill(str(due.year))
    officer.get_by_label("截止日期").fill(due.isoformat())
    with officer.expect_navigation():
        officer.locator("footer button[type=submit]").first.click()
    expect(officer.get_by_text("已指派给 3 名干部")).to_be_visible()
    assert Notification.objects.count() == 3
