"""Phone first: every cadre page fits 360 px, has thumb-sized targets and stays light; screenshots of each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Response

from tests.e2e import scenes
from tests.e2e.browser import PHONE, log_in, screenshot, scroll_width, small_tap_targets

LESSON_BUDGET_BYTES = 200 * 1024
# What a lesson costs before its media: the page, its styles and its scripts.
PAGE_RESOURCE_TYPES = {"document", "stylesheet", "script"}


@pytest.fixture
def scene():
    return scenes.cadre_with_demo_courses()


def open_as_cadre(page, live_server, scene, name: str) -> Response | None:
    if scenes.CADRE_PAGES[name]:
        log_in(page, live_server.url, "cadre")
    return page.goto(live_server.url + scenes.cadre_page_path(scene, name))


@pytest.mark.parametrize("name", scenes.CADRE_PAGES)
class CadrePageLayoutTests:
    def test_fits_a_360_px_phone_with_thumb_sized_navigation_and_actions(self, live_server, phone, scene, name):
        open_as_cadre(phone, live_server, scene, name)
        screenshot(phone, name)

        assert scroll_width(phone) <= PHONE["width"]
        assert small_tap_targets(phone) == []

    def test_is_laid_out_for_a_desktop_too(self, live_server, desktop, scene, name):
        open_as_cadre(desktop, live_server, scene, name)
        screenshot(desktop, name)

        assert scroll_width(desktop) <= desktop.viewport_size["width"]


def test_a_lesson_page_weighs_under_200_kb_before_media(live_server, phone, scene):
    log_in(phone, live_server.url, "cadre")
    loaded: list[Response] = []
    phone.on("response", lambda response: loaded.append(response))
    phone.goto(live_server.url + scene.lesson.url)
    phone.wait_for_load_state("networkidle")

    page_bytes = {
        response.url: len(response.body())
        for response in loaded
        if response.request.resource_type in PAGE_RESOURCE_TYPES and response.ok
    }
    assert sum(page_bytes.values()) < LESSON_BUDGET_BYTES, page_bytes
