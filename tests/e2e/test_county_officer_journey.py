"""A county officer plans rotation training (batches, scheduler) and follows up completion (reports, reminders)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from cadres.models import Cadre
from courses.models import LessonProgress
from courses.services import course_progress_refresh
from reports.models import Notification
from reports.summaries import summaries_rebuild
from rotations.models import Batch, Seat
from tests.e2e import scenes
from tests.e2e.browser import log_in, path_of, screenshot_at_both_sizes
from tests.factories import CadreFactory, UserFactory, make_course, make_officer, make_programme

# Who is where: 城关镇 has its work team's three cadres (李明 among them), 河口乡 two.
TOWNSHIP_CADRES = ["王芳", "赵强"]
OTHER_TOWNSHIP_CADRES = ["陈静", "刘洋"]


@pytest.fixture
def county():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    for name in TOWNSHIP_CADRES:
        CadreFactory(unit=tree.team, name=name, user=UserFactory(username=name, email=f"{name}@example.cn"))
    for name in OTHER_TOWNSHIP_CADRES:
        CadreFactory(unit=tree.other_township, name=name, user=UserFactory(username=name, email=f"{name}@example.cn"))
    make_officer(tree.county, username="county")
    return tree


@pytest.fixture
def programme(county):
    """This year's rotation training for the whole county, with no batches yet."""
    return make_programme(
        county.county, name="2030年乡村振兴轮训", starts_on=date(2030, 3, 1), ends_on=date(2030, 12, 31)
    )


@pytest.fixture
def overdue_course(county):
    """A course the county required by ten days ago; only 李明 completed it, in time."""
    course = make_course(title="防返贫动态监测", lessons=1, minutes=1, credit_hours=2)
    scenes.require(course, county.county, due=timezone.localdate() - timedelta(days=10))
    cadre = Cadre.objects.get(name=scenes.CADRE_NAME)
    finished = timezone.now() - timedelta(days=20)
    LessonProgress.objects.create(cadre=cadre, lesson=course.get_children().specific().first(), completed_at=finished)
    course_progress_refresh(cadre=cadre, course=course, now=finished)
    summaries_rebuild()
    return course


class SchedulingTests:
    def test_the_officer_generates_batches_and_the_scheduler_places_everyone(
        self, live_server, new_context, county, programme
    ):
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county")
        officer.goto(f"{live_server.url}/admin/rotations_programme/")
        officer.get_by_role("row", name=re.compile(programme.name)).get_by_role("link", name="安排").click()

        form = officer.locator("form", has=officer.get_by_role("button", name="创建期次"))
        form.get_by_label("期次数量").fill("2")
        form.get_by_label("每期天数").fill("3")
        form.get_by_label("每隔多少天开一期").fill("14")
        form.get_by_label("每期名额").fill("5")
        form.get_by_label("第一期开班日期").fill("2030-04-01")
        form.get_by_label("地点").fill("县委党校")
        with officer.expect_navigation():
            form.get_by_role("button", name="创建期次").click()
        expect(officer.get_by_text("已创建 2 个期次。")).to_be_visible()
        assert list(Batch.objects.order_by("number").values_list("starts_on", flat=True)) == [
            date(2030, 4, 1),
            date(2030, 4, 15),
        ]

        officer.get_by_role("button", name="全员排班").click()
        # However the run is carried out (at once, or in the background with a progress bar),
        # its result appears on the page.
        expect(officer.locator("main")).to_contain_text(re.compile(r"已安排\s*5\s*/\s*5"), timeout=60_000)
        screenshot_at_both_sizes(officer, "scheduler-result", full_page=False)
        seats = Seat.objects.filter(programme=programme)
        assert seats.count() == 5
        # The work team keeps at least one of its three at post: they never all go in one batch.
        team_batches = seats.filter(cadre__unit=county.team)
        assert len(set(team_batches.values_list("batch__number", flat=True))) == 2


class ReportsTests:
    def test_the_officer_drills_down_to_a_township_exports_it_and_reminds_the_overdue(
        self, live_server, new_context, overdue_course, county, mailoutbox
    ):
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county")
        officer.goto(f"{live_server.url}/admin/training-reports/completion/")

        expect(officer.get_by_role("heading", level=1)).to_contain_text("完成情况")
        rows = officer.locator("table.report-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text="河口乡")).to_contain_text("0/2")
        expect(officer.locator("table.report-table tfoot")).to_contain_text("5")
        screenshot_at_both_sizes(officer, "reports-dashboard")

        rows.get_by_role("link", name="城关镇").click()
        expect(officer.locator(".report-trail")).to_contain_text("清河县 › 城关镇")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("东关村工作队")
        expect(rows.first).to_contain_text("1/3")
        assert "unit=QHX01" in officer.url

        with officer.expect_download() as download:
            officer.get_by_role("link", name="导出 Excel").click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        exported = [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]
        header = next(index for index, row in enumerate(exported) if row[:2] == ("单位", "干部数"))
        body = {row[0]: row for row in exported[header + 1 :]}
        assert set(body) == {"东关村工作队", "合计"}
        assert body["东关村工作队"][1:4] == (3, 3, 1)  # cadres, required, completed
        assert body["合计"][6] == 2  # cadres overdue

        earlier = list(Notification.objects.values_list("pk", flat=True))  # e.g. 李明's certificate notice
        with officer.expect_navigation():
            officer.get_by_role("link", name="提醒当前范围内所有逾期人员").click()
        # A confirmation first: how many would be reminded, nothing sent yet.
        expect(officer.get_by_text("将通过站内通知和邮件提醒 2 名逾期干部。")).to_be_visible()
        assert not Notification.objects.exclude(pk__in=earlier).exists()
        with officer.expect_navigation():
            officer.get_by_role("button", name="提醒 2 名干部").click()
        expect(officer.get_by_text("已向 2 名干部发送提醒")).to_be_visible()
        reminded = set(Notification.objects.exclude(pk__in=earlier).values_list("user__username", flat=True))
        assert reminded == set(TOWNSHIP_CADRES)
        assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
            f"{name}@example.cn" for name in TOWNSHIP_CADRES
        )
        assert all("防返贫动态监测" in mail.body for mail in mailoutbox)
        assert path_of(officer.url).startswith("/admin/training-reports/")
