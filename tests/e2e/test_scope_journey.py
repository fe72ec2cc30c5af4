"""Officers see their own subtree only: no link leads out, no typed address gets in; an empty one says what to do."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import scenes
from tests.e2e.browser import log_in, path_of, screenshot
from tests.factories import CadreFactory, make_batch, make_officer, make_programme, unit_child


@pytest.fixture
def county():
    """Both townships of 清河县 have cadres and a programme; the county has one of its own."""
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    other_cadre = CadreFactory(unit=tree.other_township, name="陈静")
    own_programme = make_programme(tree.township, name="城关镇村干部轮训")
    other_programme = make_programme(tree.other_township, name="河口乡村干部轮训")
    county_programme = make_programme(tree.county, name="全县第一书记轮训")
    other_batch = make_batch(other_programme, starts_on=date(2030, 4, 1))
    make_officer(tree.township, username="township")
    return {
        "tree": tree,
        "other_cadre": other_cadre,
        "own_programme": own_programme,
        "other_programme": other_programme,
        "county_programme": county_programme,
        "other_batch": other_batch,
    }


def links_on(page: Page) -> set[str]:
    return {path_of(href) for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")}


def status_of(page: Page, url: str) -> int:
    return page.goto(url).status


class TownshipOfficerScopeTests:
    def test_the_township_officer_cannot_reach_the_other_township_from_any_page(self, live_server, new_context, county):
        tree, other_cadre = county["tree"], county["other_cadre"]
        other, other_programme = county["other_programme"], county["county_programme"]
        outside = {
            f"/admin/roster/edit/{other_cadre.pk}/",
            f"/admin/roster/history/{other_cadre.pk}/",
            f"/admin/roster/delete/{other_cadre.pk}/",
            f"/admin/org-units/edit/{tree.other_township.pk}/",
            f"/admin/org-units/edit/{tree.county.pk}/",
            f"/admin/org-units/history/{tree.other_township.pk}/",
            f"/admin/rotations_programme/edit/{other.pk}/",
            f"/admin/rotations_programme/edit/{other_programme.pk}/",
            f"/admin/rotations/programmes/{other.pk}/schedule/",
            f"/admin/rotations/programmes/{other_programme.pk}/schedule/",
            f"/admin/rotations/batches/{county['other_batch'].pk}/attendance/",
            f"/admin/rotations_batch/edit/{county['other_batch'].pk}/",
            f"/admin/training-reports/completion/?unit={tree.other_township.code}",
            f"/admin/training-reports/completion/?unit={tree.county.code}",
            f"/admin/training-reports/overdue/?unit={tree.other_township.code}",
            f"/admin/training-reports/cadres/{other_cadre.pk}/",
        }
        page = new_context(viewport="desktop").new_page()
        log_in(page, live_server.url, "township")

        seen: set[str] = set()
        for listing, own_text in (
            ("/admin/roster/", scenes.CADRE_NAME),
            ("/admin/org-units/", "东关村工作队"),
            ("/admin/rotations_programme/", "城关镇村干部轮训"),
            ("/admin/training-reports/completion/", "东关村工作队"),
            ("/admin/training-reports/overdue/", ""),
        ):
            assert status_of(page, live_server.url + listing) == 200, listing
            main = page.locator("main")
            if own_text:
                expect(main).to_contain_text(own_text)
            # The county's own programme may be named (it trains this township's people too), never opened.
            for name in ("河口乡", "陈静", "河口乡村干部轮训"):
                expect(main.get_by_text(name)).to_have_count(0)
            seen |= links_on(page)
        screenshot(page, "township-reports")

        assert seen & outside == set()
        for url in sorted(outside):
            assert status_of(page, live_server.url + url) in (403, 404), url


class EmptySubtreeTests:
    def test_an_officer_whose_units_have_no_cadres_is_told_to_import_the_roster(self, live_server, new_context):
        tree = scenes.units()
        scenes.cadre_in(tree.team)
        make_officer(unit_child(tree.county, code="QHX03", name="新建乡"), username="newtown")
        page = new_context(viewport="desktop").new_page()
        log_in(page, live_server.url, "newtown")

        page.goto(f"{live_server.url}/admin/training-reports/completion/")
        empty = page.locator("main .report-empty")
        expect(empty).to_contain_text("您管辖的单位还没有干部")
        screenshot(page, "reports-empty")
        with page.expect_navigation():
            empty.get_by_role("link", name="导入花名册").click()
        assert path_of(page.url) == "/admin/roster-import/"

        page.goto(f"{live_server.url}/admin/roster/")
        expect(page.locator("main")).to_contain_text("暂无干部")
        expect(page.locator("main")).not_to_contain_text("Why not")
