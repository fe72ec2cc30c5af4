"""Error pages in the site's style with a way back, and empty states that say what to do next."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import scenes
from tests.e2e.browser import log_in, path_of, screenshot
from tests.factories import home_page, make_course, make_trainer


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.e2e.urls"


class ErrorPageTests:
    def test_an_unknown_address_shows_the_sites_404_with_a_way_home(self, live_server, phone):
        home_page()
        response = phone.goto(live_server.url + "/no-such-page/")

        assert response.status == 404
        expect(phone.get_by_role("heading", level=1)).to_have_text("页面不存在")
        expect(phone.locator(".site-header")).to_be_visible()
        screenshot(phone, "not-found")
        phone.get_by_role("link", name="返回首页").click()
        assert path_of(phone.url) == "/"

    def test_a_forbidden_page_shows_the_sites_403_with_a_way_home(self, live_server, phone, failing_urls):
        home_page()
        response = phone.goto(live_server.url + "/e2e/forbidden/")

        assert response.status == 403
        expect(phone.get_by_role("heading", level=1)).to_have_text("您无权访问此页面")
        expect(phone.locator(".site-header")).to_be_visible()
        phone.get_by_role("link", name="返回首页").click()
        assert path_of(phone.url) == "/"

    def test_a_server_error_shows_the_sites_500_with_a_way_home(self, live_server, phone, failing_urls):
        home_page()
        response = phone.goto(live_server.url + "/e2e/broken/")

        assert response.status == 500
        expect(phone.get_by_role("heading", level=1)).to_have_text("出错了")
        screenshot(phone, "server-error")
        phone.get_by_role("link", name="返回首页").click()
        assert path_of(phone.url) == "/"

    def test_the_500_page_follows_the_chosen_language(self, live_server, new_context, failing_urls):
        home_page()
        page = new_context(locale="en-US").new_page()
        page.goto(live_server.url + "/e2e/broken/")

        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong")


class EmptyStateTests:
    def test_a_new_cadre_with_nothing_assigned_is_pointed_to_the_catalogue(self, live_server, phone):
        tree = scenes.units()
        scenes.cadre_in(tree.team)
        make_course(title="电商助农实务")
        log_in(phone, live_server.url, "cadre")

        expect(phone.locator(".hours .big-number")).to_contain_text("0")
        expect(phone.locator(".empty").first).to_contain_text("本年度暂未给您安排必修课程")
        screenshot(phone, "my-learning-empty")
        phone.get_by_role("link", name="浏览课程目录").click()
        expect(phone.get_by_role("link", name="电商助农实务")).to_be_visible()

    def test_a_staff_account_opening_my_learning_is_sent_to_the_admin(self, live_server, phone):
        home_page()
        make_trainer()
        log_in(phone, live_server.url, "trainer", next_url="/me/")

        expect(phone.get_by_role("heading", level=1)).to_have_text("该账号不在干部花名册中")
        phone.get_by_role("link", name="进入管理后台").click()
        assert path_of(phone.url) == "/admin/"

    def test_a_search_with_no_hits_suggests_what_to_try(self, live_server, phone):
        make_course(title="乡村振兴战略")
        phone.goto(live_server.url + "/search/?q=不存在的词")

        expect(phone.locator(".empty")).to_contain_text("没有找到")

    def test_a_wrong_password_keeps_the_user_name(self, live_server, phone):
        home_page()
        log_in(phone, live_server.url, "someone", password="wrong")

        expect(phone.locator(".error")).to_be_visible()
        expect(phone.get_by_label("用户名或身份证号")).to_have_value("someone")
