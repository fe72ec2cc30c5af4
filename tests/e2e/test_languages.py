"""Simplified Chinese by default, English from the footer switch or the browser's language, never a mix."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e import scenes
from tests.e2e.browser import HAN, LATIN_WORD, chrome_text, log_in, path_of
from tests.factories import make_course

# Language names are written in their own language in the switch, whatever the page's language.
LANGUAGE_NAMES = {"简体中文", "English"}


def due_at_year_end():
    """A cadre with one required course due on 31 December of this year."""
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    course = make_course(title="乡村振兴促进法", is_required=True, credit_hours=3)
    year = timezone.localdate().year
    scenes.require(course, tree.county, due=date(year, 12, 31))
    return year


class LanguageTests:
    def test_a_chinese_browser_gets_chinese_pages_with_chinese_dates(self, live_server, phone):
        year = due_at_year_end()
        log_in(phone, live_server.url, "cadre")

        expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(phone.get_by_role("heading", level=1)).to_have_text("我的学习")
        expect(phone.locator(".task .meta")).to_contain_text(f"{year}年12月31日 截止")
        leftovers = [text for text in chrome_text(phone) if LATIN_WORD.search(text) and text not in LANGUAGE_NAMES]
        assert leftovers == []

    def test_an_english_browser_gets_english_pages_with_english_dates(self, live_server, new_context):
        year = due_at_year_end()
        page = new_context(locale="en-US").new_page()
        log_in(page, live_server.url, "cadre")

        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
        expect(page.locator(".task .meta")).to_contain_text(f"Due 12/31/{year}")
        leftovers = [text for text in chrome_text(page) if HAN.search(text) and text not in LANGUAGE_NAMES]
        assert leftovers == []

    def test_the_footer_switch_changes_the_language_and_it_stays_changed(self, live_server, phone):
        due_at_year_end()
        log_in(phone, live_server.url, "cadre")

        phone.get_by_label("语言").select_option("en")
        with phone.expect_navigation():
            phone.get_by_role("button", name="切换").click()

        assert path_of(phone.url) == "/me/"
        expect(phone.get_by_role("heading", level=1)).to_have_text("My learning")
        phone.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
        expect(phone.locator("html")).to_have_attribute("lang", "en")
        expect(phone.get_by_role("button", name="Filter")).to_be_visible()

        phone.get_by_label("Language").select_option("zh-hans")
        with phone.expect_navigation():
            phone.get_by_role("button", name="Switch").click()
        expect(phone.get_by_role("button", name="筛选")).to_be_visible()

    def test_the_catalogue_reads_in_one_language(self, live_server, new_context):
        scenes.demo_site()
        page = new_context(locale="en-US").new_page()
        page.goto(live_server.url + "/courses/")

        expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
        leftovers = [text for text in chrome_text(page) if HAN.search(text) and text not in LANGUAGE_NAMES]
        assert leftovers == []
