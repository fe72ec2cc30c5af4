"""A cadre's first login, at phone and desktop width: activating with the code from the slip an
officer generated, and replacing a password an administrator set. Chinese labels, the password
policy on the page, Chinese errors, no sideways scrolling."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cadres import activation, services
from tests.e2e import scenes
from tests.e2e.browser import PASSWORD, log_in, screenshot, scroll_width
from tests.factories import make_admin, make_course, make_officer, valid_id_number

NEW_PASSWORD = "Xiangcun2030zx"


@pytest.fixture
def tree():
    tree = scenes.units()
    make_officer(tree.township, username="township")
    make_course(lessons=1)
    return tree


def fill_activation(page, id_number: str, code: str, password: str, again: str | None = None) -> None:
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("激活码").fill(code)
    page.get_by_label("新密码", exact=True).fill(password)
    page.get_by_label("再次输入新密码").fill(again or password)
    page.get_by_role("button", name="激活", exact=True).click()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_cadre_activates_with_the_code_from_the_slip(live_server, new_context, tree, viewport):
    cadre = services.cadre_create(
        name="王芳", id_number=valid_id_number(41), unit=tree.team, category="first_secretary"
    )
    officer = new_context(viewport="desktop").new_page()
    log_in(officer, live_server.url, "township")
    officer.goto(f"{live_server.url}/admin/roster-activation/")
    officer.get_by_label("单位（含下级）").select_option(label="\u2003东关村工作队")
    officer.get_by_label("Excel 表格（.xlsx）").check()
    screenshot(officer, "admin-activation-slips", full_page=False)
    with officer.expect_download() as download:
        officer.get_by_role("button", name="生成激活单").click()
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
    code = rows[1][3]
    assert rows[1][0] == "王芳"
    officer.goto(f"{live_server.url}/admin/roster-activation/{cadre.pk}/")
    expect(officer.get_by_text("现有激活码有效期至")).to_be_visible()
    screenshot(officer, "admin-activation-reissue", full_page=False)

    page = new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/accounts/activate/")
    expect(page.get_by_role("heading", name="激活账号")).to_be_visible()
    expect(page.get_by_text("你的密码必须包含至少 10 个字符。")).to_be_visible()
    assert scroll_width(page) <= page.viewport_size["width"]

    fill_activation(page, cadre.id_number, "AAAA2222", NEW_PASSWORD)
    expect(page.get_by_role("alert").filter(has_text="身份证号或激活码不正确")).to_be_visible()
    fill_activation(page, cadre.id_number, code.lower(), "abcdefghijk")
    expect(page.get_by_role("alert").filter(has_text="密码必须同时包含字母和数字。")).to_be_visible()
    screenshot(page, f"account-activate-errors-{viewport}")
    assert scroll_width(page) <= page.viewport_size["width"]

    fill_activation(page, cadre.id_number, code, NEW_PASSWORD)
    expect(page.get_by_text("账号已激活。请用身份证号和新密码登录。")).to_be_visible()
    log_in(page, live_server.url, cadre.id_number, password=NEW_PASSWORD)
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", name="我的学习")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_cadre_replaces_the_password_an_administrator_set(live_server, new_context, tree, viewport):
    cadre = scenes.cadre_in(tree.team)
    activation.password_change_require(user=cadre.user, by=make_admin())
    page = new_context(viewport=viewport).new_page()

    log_in(page, live_server.url, "cadre")
    page.goto(f"{live_server.url}/me/")

    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("继续使用前，请把别人为您设置的密码改成只有您自己知道的密码。")).to_be_visible()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("alert").filter(has_text="两次输入的新密码不一致。")).to_be_visible()
    screenshot(page, f"password-change-errors-{viewport}")
    assert scroll_width(page) <= page.viewport_size["width"]

    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", name="我的学习")).to_be_visible()
