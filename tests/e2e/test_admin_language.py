"""The admin that officers and trainers live in reads in Chinese: no English left in its words.

Every admin address each role can open is visited (tests/e2e/admin_urls.py finds them from
Wagtail's registries, so pages added later are covered too); every add form is also submitted
empty to see its errors. An address a role may not open must say so with a 403, and only where
Wagtail's permissions say it should.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.e2e import scenes
from tests.e2e.admin_urls import DOWNLOAD, admin_urls
from tests.e2e.browser import log_in, path_of, screenshot_at_both_sizes
from tests.factories import (
    make_batch,
    make_course,
    make_officer,
    make_programme,
    make_question,
    make_quiz,
    make_trainer,
)

# The admin's own words around the data: headings, breadcrumbs, tabs, labels, help, buttons,
# table heads and cells, pagination, messages and errors, side panels, placeholders.
ADMIN_CHROME = ", ".join(
    [
        "main h1",
        "main h2",
        "main h3",
        ".w-breadcrumbs",
        "main [role=tab]",
        "main label",
        "main legend",
        "main .help",
        "main .w-field__help",
        "main .w-field__errors",
        "main .error-message",
        "main th",
        "main td",
        "main button",
        "main .button",
        "main p",
        "main .w-pagination",
        "main .w-dropdown",
        ".messages",
        "[data-side-panel]",
        ".w-tabs__list",
    ]
)
# Words that are Chinese users' own vocabulary too, and the English column names a question file
# may use (the import page lists them on purpose).
ALLOWED = {"Excel", "PDF", "QR", "URL", "UTF", "CSV", "csv", "xlsx", "xls", "ACD", "Wagtail"} | {
    "type",
    "stem",
    "answer",
    "points",
    "explanation",
    "category",
    "difficulty",
}
ENGLISH = re.compile(r"[A-Za-z]{3,}")
CODE = re.compile(r"^[A-Z0-9]+$")  # unit codes (QHX01) and abbreviations
ROLES = {"trainer": "trainer", "county officer": "county", "township officer": "township"}
# Login names: the user menu, "edited by" and user pickers show them.
PEOPLE = {*ROLES.values(), "cadre"}


def english_left(page: Page) -> list[str]:
    texts = page.locator(ADMIN_CHROME).all_inner_texts()
    texts += page.locator("body").inner_text().split("\n")
    texts += page.eval_on_selector_all("main [placeholder]", "els => els.map(e => e.placeholder)")
    texts.append(page.title())
    return sorted(
        {
            text.strip()
            for text in texts
            if any(word not in ALLOWED | PEOPLE and not CODE.match(word) for word in ENGLISH.findall(text))
        }
    )


@pytest.fixture
def admin_world():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    scenes.demo_site(courses=1)
    course = make_course(title="防返贫动态监测")
    make_quiz(make_question(stem="<p>驻村第一书记任期一般为几年？</p>"), title="结业测验", course=course)
    programme = make_programme(tree.county, name="第一书记轮训")
    make_batch(programme, starts_on=date(2030, 4, 1))
    make_trainer(username="trainer")
    make_officer(tree.county, username="county")
    make_officer(tree.township, username="township")
    return programme


def edit_path(page: Page, name: str) -> tuple[str, str] | None:
    """The first edit link on an index page, and its object's key."""
    probe = reverse(name, args=["7777777"]) if name else ""
    pattern = re.compile("^" + re.escape(probe).replace("7777777", "([^/]+)") + "$")
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if match := pattern.match(href.split("?")[0]):
            return match.group(0), match.group(1)
    return None


def shape(path: str) -> str:
    """An address with its object keys blanked: one page of each kind is enough."""
    return re.sub(r"/\d+/", "/#/", path)


def admin_links(page: Page) -> list[str]:
    """The admin pages the current page links to; downloads, logging out and bulk actions (which
    need the rows ticked first) left aside."""
    hrefs = page.eval_on_selector_all("main a[href^='/admin/']", "links => links.map(a => a.getAttribute('href'))")
    return [
        href.split("?")[0].split("#")[0]
        for href in hrefs
        if not DOWNLOAD.search(href.split("?")[0]) and "/logout/" not in href and "/admin/bulk/" not in href
    ]


def submit_empty(page: Page) -> None:
    form = page.locator("main form[method=post], main form[method=POST]").first
    for field in form.locator("input[type=text]:visible, textarea:visible").all():
        if field.is_editable():
            field.fill("")
    button = form.locator("button[type=submit]:visible, input[type=submit]:visible").first
    with page.expect_navigation():
        button.click()


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_a_role_can_open_shows_no_english(live_server, new_context, admin_world, role):
    username = ROLES[role]
    user = get_user_model().objects.get(username=username)
    page = new_context(viewport="desktop").new_page()
    log_in(page, live_server.url, username)

    leftovers, wrongly_denied, broken, visited = {}, [], {}, []

    def visit(path: str, *, allowed: bool = True) -> bool:
        visited.append(path)
        try:
            status = page.goto(live_server.url + path).status
        except PlaywrightError:  # an empty error response (e.g. 405 for a POST-only action) is no page
            status = page.request.get(live_server.url + path, max_redirects=0).status
        # Wagtail answers some refusals by sending the user to the dashboard with a message, and
        # the reports answer 404 to a user who manages no subtree (reports/views.py).
        denied = status in (403, 404) or (path_of(page.url) == "/admin/" and path != "/admin/")
        if denied:
            if allowed:
                wrongly_denied.append(path)
            return False
        if status == 405:  # an action that only accepts POST
            return False
        if status != 200:
            broken[path] = status
            return False
        if found := english_left(page):
            leftovers[path] = found
        return True

    enumerated = admin_urls(user)
    shapes = {shape(url.path) for url in enumerated}
    linked: list[str] = []  # pages reached by a link from an enumerated page (a programme's schedule …)
    for url in enumerated:
        if not visit(url.path, allowed=url.allowed):
            continue
        for link in admin_links(page):
            if shape(link) not in shapes:
                shapes.add(shape(link))
                linked.append(link)
        if url.form:
            submit_empty(page)
            if found := english_left(page):
                leftovers[url.path + " (submitted empty)"] = found
        if url.edit_name and (found := edit_path(page, url.edit_name)):
            edit, key = found
            visit(edit)
            if url.history_name:
                visit(reverse(url.history_name, args=[key]))
    for link in linked:
        visit(link)

    if username == "county":  # yes/no columns, pagination and the menu, at both sizes
        page.goto(live_server.url + "/admin/roster/")
        screenshot_at_both_sizes(page, "admin-roster")
    assert leftovers == {}, json.dumps(leftovers, ensure_ascii=False, indent=1)
    assert broken == {}, broken
    assert wrongly_denied == [], wrongly_denied
    assert len(visited) > 10


def test_the_admin_login_page_is_in_chinese(live_server, new_context):
    page = new_context(viewport="desktop").new_page()
    page.goto(live_server.url + "/admin/login/")
    assert page.title() == "登录 - 尖兵管理后台"
    assert page.locator("main h1").inner_text() == "登录尖兵管理后台"
    assert english_left(page) == []
    screenshot_at_both_sizes(page, "admin-login")
