"""Organisation officers in the admin: assign a required course to their subtree, and see nothing beyond it."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Requirement
from tests.e2e import scenes
from tests.e2e.browser import log_in, path_of, screenshot
from tests.factories import make_course, make_officer


@pytest.fixture
def county():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    make_officer(tree.county, username="county")
    make_officer(tree.township, username="township")
    return tree


class RequiredCourseTests:
    def test_a_county_officer_assigns_a_course_and_the_cadre_sees_it_required(self, live_server, new_context, county):
        make_course(title="乡村振兴促进法解读")
        year = timezone.localdate().year
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county")
        assert path_of(officer.url) == "/admin/"

        officer.get_by_role("link", name="必修课程", exact=True).click()
        officer.get_by_role("link", name="添加").first.click()
        officer.get_by_label("课程").select_option(label="乡村振兴促进法解读")
        officer.get_by_label("单位").select_option(label="　城关镇")
        officer.get_by_label("年度").fill(str(year))
        officer.get_by_label("截止日期").fill(f"{year}-12-31")
        with officer.expect_navigation():
            officer.locator("footer button[type=submit]").first.click()

        expect(officer.get_by_role("link", name="乡村振兴促进法解读")).to_be_visible()
        expect(officer.get_by_role("cell", name=f"{year}年12月31日")).to_be_visible()
        screenshot(officer, "admin-required-courses", full_page=False)
        assert Requirement.objects.get().unit == county.township

        cadre = new_context().new_page()
        log_in(cadre, live_server.url, "cadre")
        expect(cadre.locator(".task", has_text="乡村振兴促进法解读")).to_be_visible()

    def test_a_due_date_outside_the_year_is_refused_and_the_form_keeps_what_was_typed(
        self, live_server, new_context, county
    ):
        make_course(title="乡村振兴促进法解读")
        year = timezone.localdate().year
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "county", next_url="/admin/requirements/new/")

        officer.get_by_label("课程").select_option(label="乡村振兴促进法解读")
        officer.get_by_label("单位").select_option(label="　城关镇")
        officer.get_by_label("年度").fill(str(year))
        officer.get_by_label("截止日期").fill(f"{year + 1}-01-31")
        officer.locator("footer button[type=submit]").first.click()

        expect(officer.locator(".error-message")).to_contain_text(f"截止日期必须在 {year} 年内")
        expect(officer.get_by_label("截止日期")).to_have_value(f"{year + 1}-01-31")
        expect(officer.get_by_label("单位")).to_have_value(str(county.township.pk))
        assert not Requirement.objects.exists()


class TownshipScopeTests:
    def test_a_township_officer_cannot_reach_another_townships_assignment(self, live_server, new_context, county):
        course = make_course(title="防返贫动态监测")
        year = timezone.localdate().year
        own = Requirement.objects.create(course=course, unit=county.township, year=year, due_date=date(year, 12, 31))
        other = Requirement.objects.create(
            course=course, unit=county.other_township, year=year, due_date=date(year, 12, 31)
        )
        officer = new_context(viewport="desktop").new_page()
        log_in(officer, live_server.url, "township", next_url="/admin/requirements/")

        rows = officer.locator("table.listing tbody tr")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("城关镇")
        expect(officer.get_by_text("河口乡")).to_have_count(0)

        assert officer.goto(f"{live_server.url}/admin/requirements/edit/{own.pk}/").status == 200
        assert officer.goto(f"{live_server.url}/admin/requirements/edit/{other.pk}/").status == 404
        assert officer.goto(f"{live_server.url}/admin/requirements/delete/{other.pk}/").status == 404

        officer.goto(f"{live_server.url}/admin/requirements/new/")
        units = officer.get_by_label("单位").locator("option").all_inner_texts()
        assert [unit.strip() for unit in units if unit.strip() and "---" not in unit] == ["城关镇", "东关村工作队"]
