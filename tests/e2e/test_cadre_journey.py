"""A cadre on a phone: log in, find the required course, study its lesson to completion, see the hours."""

from __future__ import annotations

from playwright.sync_api import Page, Response, expect

from courses.models import CreditEntry, LessonProgress
from courses.study_time import HEARTBEAT_INTERVAL
from tests.e2e import scenes
from tests.e2e.browser import hold_page_clock, log_in, path_of, screenshot


def is_heartbeat(response: Response) -> bool:
    return "/heartbeat" in response.url and response.request.method == "POST"


def study(page: Page, server_clock, *, max_beats: int = 20) -> list[dict]:
    """Let the lesson page's own script send its heartbeats until the server says the lesson is done.

    Browser and server clocks move forward together by one heartbeat interval per step, so the
    page's timer fires and the server sees that much time pass; the mouse moves each step, as
    a reader's would, so the script counts the cadre as active.
    """
    interval = int(page.locator("[data-heartbeat-interval]").get_attribute("data-heartbeat-interval"))
    replies = []
    for step in range(max_beats):
        server_clock.advance(interval)
        page.mouse.move(20 + step, 300)
        with page.expect_response(is_heartbeat) as beat:
            page.clock.run_for(interval * 1000)
        replies.append(beat.value.json())
        if replies[-1]["lesson_complete"]:
            return replies
    raise AssertionError(f"lesson not complete after {max_beats} heartbeats: {replies[-1]}")


class CadreStudyTests:
    def test_a_cadre_studies_a_required_lesson_to_completion_and_earns_the_credit_hours(
        self, live_server, phone, server_clock
    ):
        scene = scenes.cadre_with_a_short_required_course(credit_hours=2)
        hold_page_clock(phone)

        log_in(phone, live_server.url, "cadre")
        assert path_of(phone.url) == "/me/"
        required = phone.locator(".task", has_text="防返贫动态监测")
        expect(required).to_be_visible()
        expect(phone.locator(".hours .big-number")).to_contain_text("0")

        required.get_by_role("link").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("防返贫动态监测")
        with phone.expect_response(is_heartbeat) as first_beat:
            phone.get_by_role("link", name="开始学习").click()
        assert first_beat.value.json()["outcome"] == "started"
        expect(phone.locator("[data-study-label]")).to_have_text("已学 0 / 1 分钟")

        replies = study(phone, server_clock)

        assert [reply["outcome"] for reply in replies] == ["credited"] * len(replies)
        assert replies[-1]["credited_seconds"] >= 60
        expect(phone.locator("[data-study-label]")).to_have_text("本课时已完成")
        screenshot(phone, "lesson-complete")
        progress = LessonProgress.objects.get(cadre=scene.cadre, lesson=scene.lesson)
        assert progress.completed_at is not None
        assert CreditEntry.objects.get(cadre=scene.cadre).hours == 2

        phone.get_by_role("link", name="我的学习").click()
        expect(required.locator(".badge")).to_have_text("已完成")
        expect(phone.locator(".hours .big-number")).to_contain_text("2")

    def test_a_lesson_left_idle_stops_sending_heartbeats(self, live_server, phone, server_clock):
        """No mouse, keys or scrolling for a minute: the page stops reporting study time."""
        scene = scenes.cadre_with_a_short_required_course()
        hold_page_clock(phone)
        log_in(phone, live_server.url, "cadre")
        beats: list[Response] = []
        phone.on("response", lambda response: beats.append(response) if is_heartbeat(response) else None)
        with phone.expect_response(is_heartbeat):
            phone.goto(live_server.url + scene.lesson.url)

        for _ in range(6):
            server_clock.advance(HEARTBEAT_INTERVAL)
            phone.clock.run_for(HEARTBEAT_INTERVAL * 1000)
            phone.wait_for_timeout(100)

        # Beats at load and at 15, 30 and 45 s; from 60 s on the reader counts as away.
        assert len(beats) == 4
        assert LessonProgress.objects.get(cadre=scene.cadre, lesson=scene.lesson).completed_at is None
