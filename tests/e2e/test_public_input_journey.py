"""A visitor who types a malformed verification code or follows a broken link gets a page that
says so, in the site's style, never the server-error page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.browser import path_of, screenshot_at_both_sizes
from tests.factories import home_page


class PublicInputJourneyTests:
    def test_a_code_with_a_slash_is_not_found_with_a_message(self, live_server, phone):
        home_page()
        phone.goto(live_server.url + "/verify/")
        phone.get_by_placeholder("验证码").fill("../../etc")
        phone.get_by_role("button", name="验证").click()

        expect(phone.locator(".verify-result.unknown")).to_contain_text("没有与此验证码对应的证书")
        assert path_of(phone.url).startswith("/verify/?code=")
        screenshot_at_both_sizes(phone, "verify-malformed-code")

    def test_an_address_holding_a_nul_shows_the_bad_request_page_with_a_way_home(self, live_server, phone):
        home_page()
        response = phone.goto(live_server.url + "/search/?q=%00")

        assert response.status == 400
        expect(phone.get_by_role("heading", level=1)).to_have_text("请求有误")
        expect(phone.locator(".site-header")).to_be_visible()
        screenshot_at_both_sizes(phone, "bad-request")
        phone.get_by_role("link", name="返回首页").click()
        assert path_of(phone.url) == "/"
