"""A newcomer's walk through the demo in Debian's Chromium: on a phone and a desk, in two languages.

The site here is the demo's (its users, documents and requests), so that every list has rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from engine import Engine
from webui import create_app
from webui.demo import seed

from ..templates import Templates
from .conftest import deployed_engine, keyboard_window, serving

#: the tracking number and query code of the demo's replied request, as the seed tells them
REPLIED: list[str] = []
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
HAN = re.compile(r"[\u4e00-\u9fff]")
#: the lists of each kind of user, the widest tables the site has
LISTS = {
    "zhangsan": ["/", "/mine", "/documents"],
    "wujiu": ["/", "/requests"],
    "qianyi": ["/audit/instances", "/report/annual", "/report/appeals", "/office/catalogue"],
    "admin": ["/admin/tasks", "/admin/departments", "/admin/users"],
}


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, Engine]]:
    """Serve gongkai with the demo's users and data on a free local port."""
    engine = deployed_engine(tmp_path_factory.mktemp("newcomer"), templates)
    said = " ".join(seed(engine))
    found = re.search(r"tracking number (\w+), query code (\w+)", said)
    if found:
        REPLIED.extend(found.groups())
    with serving(create_app({"ENGINE": engine, "SECRET_KEY": "browser-test"})) as url:
        yield url, engine
    engine.db.dispose()


@pytest.fixture
def window(chromium: Any, server: str) -> Iterator[Any]:
    """Open windows signed in as a demo user (or nobody), in Chinese or in English."""
    contexts = []

    def open_as(username: str | None, english: bool = False, viewport: dict = DESK) -> Any:
        page = keyboard_window(chromium, server, viewport, username, english)
        contexts.append(page.context)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
def test_every_list_fits_a_phone_and_its_wide_tables_scroll_by_keyboard(
    window: Any, server: str, english: bool
) -> None:
    for username, paths in LISTS.items():
        page = window(username, english, PHONE)
        for path in paths:
            page.goto(f"{server}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} is {width}px wide on a phone"
            # A table wider than the phone scrolls in its own box, which the keyboard
            # reaches and a screen reader names.
            boxes = page.locator("main .table-scroll").all()
            for box in boxes:
                wide = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
                if wide:
                    assert box.get_attribute("tabindex") == "0", path
                    assert box.get_attribute("role") == "region", path
                    assert (box.get_attribute("aria-label") or "").strip(), path
        if username == "admin":
            page.goto(f"{server}/admin/tasks")
            box = page.locator("main .table-scroll").first
            box.focus()
            before = box.evaluate("b => b.scrollLeft")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                f"b => b.scrollLeft > {before}", arg=box.element_handle(), timeout=2000
            )


def test_a_wide_table_on_a_desk_takes_no_tab_stop(window: Any, server: str) -> None:
    page = window("zhangsan")
    page.goto(f"{server}/mine")
    box = page.locator("main .table-scroll").first
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    assert box.get_attribute("tabindex") is None


def test_the_drafters_lists_speak_one_language(window: Any, server: str) -> None:
    page = window("zhangsan", english=True)
    # A task with no due date says so in words, as My documents does.
    due = page.locator("main table tbody tr").first.locator("td").nth(3).inner_text()
    assert due.strip() == "No time limit"
    page.goto(f"{server}/mine")
    steps = page.locator("main table tbody tr td:nth-child(3)").all_inner_texts()
    assert any("(" in s for s in steps)
    assert not any(mark in s for s in steps for mark in "（）；")


def test_the_annual_report_numbers_its_rows_in_the_readers_language(
    window: Any, server: str
) -> None:
    page = window("qianyi", english=True)
    page.goto(f"{server}/report/annual")
    rows = page.locator("table.report").first.locator("tbody th").all_inner_texts()
    assert rows[0].startswith("1. New requests")
    assert any(r.strip().startswith("(1) Disclosed") for r in rows)
    assert not [r for r in rows if HAN.search(r)]
    # The year is chosen in a labelled filter, the downloads and print beside the heading.
    page.get_by_label("Year").fill("2025")
    with page.expect_navigation():
        page.get_by_label("Year").press("Enter")
    assert "year=2025" in page.url
    head = page.locator(".page-head")
    assert head.get_by_role("button", name="Print").is_visible()
    assert head.get_by_role("link", name="Download XLSX").is_visible()
    page.goto(f"{server}/report/annual")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_citizen_who_has_read_the_status_has_a_way_on(window: Any, server: str) -> None:
    if not REPLIED:
        pytest.skip("the demo tells no replied request")
    number, code = REPLIED
    page = window(None)
    page.goto(f"{server}/public/status")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    with page.expect_navigation():
        page.get_by_label("查询码").press("Enter")
    assert page.locator("dt:has-text('办理状态') + dd").inner_text() == "已答复"
    # Not a dead end: another request can be looked up, or a new one filed.
    with page.expect_navigation():
        page.get_by_role("link", name="查询其他申请").click()
    assert page.get_by_label("受理编号").input_value() == ""
    page.go_back()
    # Going back returns before a busy machine has shown the page again: wait for the link.
    page.get_by_role("link", name="提交新的申请").wait_for(timeout=10_000)
    assert page.get_by_role("link", name="提交新的申请").count() == 1


def test_a_request_opened_from_the_list_leads_back_to_it(window: Any, server: str) -> None:
    page = window("wujiu")
    page.goto(f"{server}/requests")
    page.locator("main table tbody a").first.click()
    page.wait_for_load_state()
    head = page.locator(".page-head")
    assert head.locator("h1").count() == 1
    with page.expect_navigation():
        head.get_by_role("link", name="返回申请列表").click()
    assert page.url == f"{server}/requests"


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_a_filter_checkbox_sits_beside_its_words(window: Any, server: str, viewport: dict) -> None:
    page = window("qianyi", viewport=viewport)
    page.goto(f"{server}/audit/instances")
    label = page.locator("form.filters label.check")
    box = label.locator("input[type=checkbox]").bounding_box()
    whole = label.bounding_box()
    assert box and whole
    # a box of its own size, on the line of its words, not a wide one centred above them
    assert box["width"] < 30, box
    middle = box["y"] + box["height"] / 2
    assert abs(middle - (whole["y"] + whole["height"] / 2)) < 4, (box, whole)
    label.click()
    assert label.locator("input").is_checked()
