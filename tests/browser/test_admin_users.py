"""Real pages in Debian's Chromium: the admin creates a user by keyboard, then deactivates him."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from engine import Engine

from .conftest import PASSWORD, answering, asked_by_now

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

    asked = answering(admin, [False, True])
    admin.get_by_role("button", name="停用账号").focus()
    admin.keyboard.press("Enter")  # asked first: dismissed, nothing happens
    assert len(asked_by_now(admin, asked, 1)) == 1 and "刘新" in asked[0] and "吊销" in asked[0]
    assert admin.get_by_role("button", name="停用账号").count() == 1
    admin.get_by_role("button", name="停用账号").focus()
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    assert "已停用用户“刘新”" in admin.locator(".flash").inner_text()
    assert admin.locator("h1 .badge").inner_text() == "账号已停用"
    assert "停用" in admin.locator("#user-history-title + .table-scroll > table").inner_text()

    user.reload()  # his open session stops working
    assert "/login" in user.url
    user.locator("#username").fill("liu.xin")
    user.locator("#password").fill(PASSWORD)
    with user.expect_navigation():
        user.keyboard.press("Enter")
    assert "/login" in user.url
    assert user.locator("#login-error").inner_text() == "用户名或密码错误。"


def test_refused_groups_take_the_keyboard_to_the_boxes_with_the_reason(
    sign_in: Callable[[str], Any], server: str
) -> None:
    admin = sign_in("qian")
    admin.goto(f"{server}/admin/users/qian")
    admin.locator("input[name=groups][value=admin]").focus()
    admin.keyboard.press("Space")  # his own admin group, which he may not give up
    admin.keyboard.press("Tab")
    assert admin.evaluate("document.activeElement.textContent") == "保存"
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    focused = admin.evaluate(
        """() => { const e = document.activeElement;
          const why = document.getElementById(e.getAttribute('aria-describedby') || '');
          return [e.name, e.value, e.getAttribute('aria-invalid'), why && why.textContent]; }"""
    )
    reason = "不能取消自己的“管理员”角色：请另一位管理员操作。"
    assert focused == ["groups", "drafter", "true", reason]
    assert not admin.locator("input[value=admin]").is_checked()  # what he chose stays


ONE_LINE = """(cells) => cells.filter((cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
  return lines.size > 1;
}).map((cell) => cell.textContent.trim())"""


def test_the_users_pages_fit_a_phone_and_speak_english_throughout(
    sign_in: Callable[[str], Any], server: str, site: tuple[str, Engine], department: str
) -> None:
    admin = sign_in("qian")
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.goto(f"{server}/admin/users")
    # No heading, name, department or status broken letter by letter.
    cells = "table.users th, table.users td:not(.roles)"
    assert admin.locator(cells).evaluate_all(ONE_LINE) == []
    # The rest of the row is reached by scrolling the table, not the whole page.
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390

    admin.set_viewport_size({"width": 1280, "height": 800})
    admin.get_by_role("button", name="English").click()
    admin.wait_for_load_state("load")
    data = {u.display_name for u in site[1].users.list()} | {department}
    for path in ("/admin/users", "/admin/users/new", "/admin/users/zhang"):
        admin.goto(f"{server}{path}")
        text = admin.locator("main").inner_text()
        for known in sorted(data, key=len, reverse=True):
            text = text.replace(known, "")
        assert not re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", text), path
