"""A cadre types a wrong check-in code: the site's own page says why in Chinese and lets them try again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rotations.models import Attendance
from tests.e2e import scenes
from tests.e2e.browser import axe_violations, log_in, screenshot, scroll_width


@pytest.fixture
def cadre():
    return scenes.cadre_in(scenes.units().team)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_wrong_code_is_explained_on_a_styled_page_with_a_retry(live_server, new_context, cadre, viewport):
    page = new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, "cadre", next_url="/rotations/checkin/?code=WRONG1")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="签到").click()

    refused = page.get_by_role("alert")
    expect(refused.get_by_role("heading")).to_have_text("签到未成功")
    expect(refused).to_contain_text("该签到码无效。")
    expect(refused).to_contain_text("请核对签到码后重试")
    # Styled: the site's header is there and the refusal has its red rule, not a bare bullet list.
    expect(page.locator("header.site-header")).to_be_visible()
    assert refused.evaluate("el => getComputedStyle(el).borderLeftStyle") == "solid"
    expect(page.get_by_label("签到码")).to_have_value("WRONG1")
    screenshot(page, "checkin-wrong-code")
    assert scroll_width(page) <= page.viewport_size["width"]
    assert axe_violations(page) == []

    page.get_by_label("签到码").fill("WRONG2")
    with page.expect_navigation():
        page.get_by_role("button", name="重新签到").click()
    expect(page.get_by_role("alert")).to_contain_text("该签到码无效。")
    expect(page.get_by_label("签到码")).to_have_value("WRONG2")
    assert not Attendance.objects.exists()
