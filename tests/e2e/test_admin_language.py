"""The admin pages officers and trainers use read in Chinese: no English left in our own words."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from playwright.sync_api import Page

from tests.e2e import scenes
from tests.e2e.browser import log_in
from tests.factories import make_admin, make_batch, make_course, make_programme, make_question, make_quiz

# The admin's own words around the data: headings, breadcrumbs, tabs, labels, help, buttons, table heads.
ADMIN_CHROME = ", ".join(
    [
        "main h1",
        "main h2",
        "main h3",
        ".w-breadcrumbs",
        "main [role=tab]",
        "main label",
        "main .help",
        "main .w-field__help",
        "main th",
        "main button",
        "main .button",
        "main p",
    ]
)
# Words that are Chinese users' own vocabulary too, and the English column names a question file
# may use (the import page lists them on purpose).
ALLOWED = {"Excel", "PDF", "QR", "URL", "UTF", "CSV", "csv", "xlsx", "ACD"} | {
    "type",
    "stem",
    "answer",
    "points",
    "explanation",
    "category",
    "difficulty",
}
ENGLISH = re.compile(r"[A-Za-z]{3,}")

PAGES = [
    "/admin/",
    "/admin/roster/",
    "/admin/roster-import/",
    "/admin/org-units/",
    "/admin/requirements/",
    "/admin/requirements/new/",
    "/admin/rotations_programme/",
    "/admin/rotations/batches/",
    "/admin/rotations_unavailability/",
    "/admin/training-reports/completion/",
    "/admin/training-reports/courses/",
    "/admin/training-reports/overdue/",
    "/admin/training-reports/ranking/",
    "/admin/training-reports/rotation/",
    "/admin/snippets/quizzes/quiz/",
    "/admin/snippets/quizzes/quiz/add/",
    "/admin/snippets/quizzes/question/add/",
    "/admin/snippets/quizzes/questionbank/add/",
    "/admin/quiz-results/",
    "/admin/question-files/",
    "/admin/records/claims/",
    "/admin/records/certificates/",
]


PEOPLE = {"admin"}  # the user menu shows the login name


def english_left(page: Page) -> list[str]:
    texts = page.locator(ADMIN_CHROME).all_inner_texts()
    return sorted(
        {
            text.strip()
            for text in texts
            if any(word not in ALLOWED for word in ENGLISH.findall(text)) and text not in PEOPLE
        }
    )


@pytest.fixture
def admin_world():
    tree = scenes.units()
    scenes.cadre_in(tree.team)
    course = make_course(title="防返贫动态监测")
    make_quiz(make_question(stem="<p>驻村第一书记任期一般为几年？</p>"), title="结业测验", course=course)
    programme = make_programme(tree.county, name="第一书记轮训")
    make_batch(programme, starts_on=date(2030, 4, 1))
    make_admin(username="admin")
    return programme


def test_the_admin_pages_show_no_english_in_a_chinese_browser(live_server, new_context, admin_world):
    page = new_context(viewport="desktop").new_page()
    log_in(page, live_server.url, "admin")

    leftovers = {}
    for path in [*PAGES, f"/admin/rotations/programmes/{admin_world.pk}/schedule/"]:
        if (status := page.goto(live_server.url + path).status) != 200:
            leftovers[path] = [f"HTTP {status}"]
        elif found := english_left(page):
            leftovers[path] = found

    assert leftovers == {}, json.dumps(leftovers, ensure_ascii=False, indent=1)
