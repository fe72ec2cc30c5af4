"""Rotation training in the admin: an officer runs the scheduler, a trainer takes attendance."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from rotations.models import Attendance, Seat
from rotations.services import scheduling
from tests.e2e import scenes
from tests.e2e.browser import log_in, screenshot
from tests.factories import CadreFactory, make_batch, make_officer, make_programme, make_trainer


@pytest.fixture
def programme():
    """清河县's rotation programme for a team of four, in two batches of five seats."""
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    CadreFactory.create_batch(3, unit=tree.team)
    make_officer(tree.county, username="county")
    programme = make_programme(tree.county, name="2030年第一书记轮训")
    make_batch(programme, starts_on=date(2030, 4, 1), capacity=5)
    make_batch(programme, starts_on=date(2030, 5, 6), capacity=5)
    return programme


class SchedulerTests:
    def test_an_officer_runs_the_scheduler_and_everyone_gets_a_seat(self, live_server, new_context, programme):
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county")

        officer.goto(f"{live_server.url}/admin/rotations/programmes/{programme.pk}/schedule/")
        with officer.expect_navigation():
            officer.get_by_role("button", name="全员排班").click()

        expect(officer.get_by_text("已安排全部 4 名干部。")).to_be_visible()
        screenshot(officer, "admin-scheduler", full_page=False)
        seats = Seat.objects.filter(programme=programme)
        assert seats.count() == 4
        # The team keeps at least two of its four at their posts: two go in each batch.
        assert sorted(seats.values_list("batch__number", flat=True)) == [1, 1, 2, 2]


class AttendanceTests:
    def test_a_trainer_marks_a_cadre_present(self, live_server, new_context, programme):
        scheduling.schedule_plan(programme=programme)
        batch = Seat.objects.get(cadre__name=scenes.CADRE_NAME).batch
        batch.trainers.add(make_trainer(username="trainer"))
        trainer = new_context(viewport="desktop").new_page()
        log_in(trainer, live_server.url, "trainer")

        trainer.goto(f"{live_server.url}/admin/rotations/batches/")
        trainer.get_by_role("link", name=str(batch)).click()
        form = trainer.locator("form", has=trainer.locator("input[name=action][value=mark]"))
        form.locator("select[name=cadre]").select_option(label=scenes.CADRE_NAME)
        form.locator("select[name=status]").select_option("present")
        with trainer.expect_navigation():
            form.get_by_role("button", name="保存").click()

        row = trainer.locator("table.listing tr", has_text=scenes.CADRE_NAME)
        expect(row).to_contain_text("出勤")
        screenshot(trainer, "admin-attendance", full_page=False)
        attendance = Attendance.objects.get(cadre__name=scenes.CADRE_NAME)
        assert attendance.status == "present"
        assert attendance.session == batch.sessions.first()  # the form offers the first session first
