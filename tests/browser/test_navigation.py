"""Real pages in Debian's Chromium: the sections keep to one line; the admin's menu by keyboard."""

from __future__ import annotations

from typing import Any

FOCUSED_TEXT = "() => document.activeElement && document.activeElement.textContent.trim()"


def _sections_on_one_line(page: Any) -> None:
    """The sections are one line beneath the brand, and nothing runs off the page."""
    height = page.locator("header.topbar nav").evaluate("e => e.getBoundingClientRect().height")
    assert height < 45, f"the sections wrap: {height}px high"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the page is {width}px wide in a 1280px window"


def test_the_admin_opens_his_menu_by_keyboard_and_the_sections_keep_to_one_line(
    sign_in: Any, server: str
) -> None:
    page = sign_in("qian")
    page.set_viewport_size({"width": 1280, "height": 800})
    _sections_on_one_line(page)
    page.locator("details.menu > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("details.menu").evaluate("d => d.open")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_TEXT) == "任务管理"
    page.keyboard.press("Escape")
    assert not page.locator("details.menu").evaluate("d => d.open")
    assert page.evaluate(FOCUSED_TEXT) == "系统管理"
    # Tabbing past its last entry, or a click elsewhere, closes it too.
    page.keyboard.press("Enter")
    for _ in range(6):
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_TEXT) == "用户管理"
    page.keyboard.press("Tab")
    assert not page.locator("details.menu").evaluate("d => d.open")
    page.locator("details.menu > summary").click()
    assert page.locator("details.menu").evaluate("d => d.open")
    page.locator("main h1").click()
    assert not page.locator("details.menu").evaluate("d => d.open")
    page.locator("details.menu > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{server}/admin/calendar"
    # The menu names the section one is in, and English fits on the bar too.
    assert page.locator("details.menu[data-current]").count() == 1
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("details.menu > summary").inner_text() == "Administration"
    _sections_on_one_line(page)


def test_a_clerk_has_no_admin_menu_and_no_citizen_links(sign_in: Any) -> None:
    page = sign_in("zhang")
    assert page.locator("details.menu").count() == 0
    assert page.get_by_role("link", name="申请公开").count() == 0
    assert page.get_by_role("link", name="公开信息").count() == 1
