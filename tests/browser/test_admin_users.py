"""Real pages in Debian's Chromium: the admin creates a user by keyboard, then deactivates him."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engine import Engine

from .conftest import PASSWORD

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"


@pytest.fixture(scope="module")
def department(site: tuple[str, Engine]) -> str:
    """An open department to choose from."""
    site[1].users.add_department("qian", "综合处")
    return "综合处"


def _tab_to(page: Any, element_id: str, most: int = 30) -> None:
    for _ in range(most):
        if page.evaluate(FOCUSED_ID) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_admin_creates_a_user_by_keyboard_who_signs_in_until_deactivated(
    sign_in: Callable[[str], Any], server: str, site: tuple[str, Engine], department: str
) -> None:
    admin = sign_in("qian")
    admin.goto(f"{server}/admin/users")
    admin.get_by_role("link", name="新建用户").focus()
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    assert admin.url == f"{server}/admin/users/new"
    admin.locator("#f-username").focus()
    admin.keyboard.type("liu.xin")
    admin.keyboard.press("Tab")
    admin.keyboard.type("刘新")
    admin.keyboard.press("Tab")
    assert admin.evaluate(FOCUSED_ID) == "f-department"
    admin.keyboard.press("ArrowDown")  # from （无） to the first open department
    assert admin.locator("#f-department").input_value() == department
    admin.keyboard.press("Tab")
    assert admin.evaluate("document.activeElement.value") == "drafter"  # 起草人, first
    admin.keyboard.press("Space")
    _tab_to(admin, "f-password")
    admin.keyboard.type(PASSWORD)
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    assert admin.url == f"{server}/admin/users/liu.xin"
    assert admin.locator(".flash").inner_text() == "已创建用户“刘新”。"
    created = site[1].users.get("liu.xin")
    assert (created.display_name, created.department, created.roles) == (
        "刘新",
        department,
        ("drafter",),
    )

    user = sign_in("liu.xin")  # his first password works
    assert user.locator(".session .who").inner_text() == "刘新"

    admin.get_by_role("button", name="停用").focus()
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    assert "已停用用户“刘新”" in admin.locator(".flash").inner_text()
    assert admin.locator("h1 .badge").inner_text() == "已停用"
    assert "停用" in admin.locator("#user-history-title + table").inner_text()

    user.reload()  # his open session stops working
    assert "/login" in user.url
    user.locator("#username").fill("liu.xin")
    user.locator("#password").fill(PASSWORD)
    with user.expect_navigation():
        user.keyboard.press("Enter")
    assert "/login" in user.url
    assert user.locator("#login-error").inner_text() == "用户名或密码错误。"
