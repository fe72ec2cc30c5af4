"""axe-core finds no serious or critical accessibility problem on the pages cadres use."""

from __future__ import annotations

import pytest

from tests.e2e import scenes
from tests.e2e.browser import axe_violations, log_in


@pytest.mark.parametrize("name", scenes.CADRE_PAGES)
def test_cadre_page_has_no_serious_accessibility_violations(live_server, phone, name):
    scene = scenes.cadre_with_demo_courses()
    if scenes.CADRE_PAGES[name]:
        log_in(phone, live_server.url, "cadre")
    phone.goto(live_server.url + scenes.cadre_page_path(scene, name))

    assert axe_violations(phone) == []


def test_the_english_my_learning_page_has_no_serious_accessibility_violations(live_server, new_context):
    scenes.cadre_with_demo_courses()
    page = new_context(locale="en-US").new_page()
    log_in(page, live_server.url, "cadre")

    assert axe_violations(page) == []
