"""A sixth newcomer's walk in Debian's Chromium: the auditor replays a history by keyboard.

The site is the demo's (its users, documents and requests), as in test_newcomer_walk_3.py.
"""

from __future__ import annotations

from typing import Any

from .conftest import keyboard_window
from .test_newcomer_walk_3 import site  # noqa: F401  (the demo's site, served for this module)

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}
#: the cells matching a selector that start with a day (2026-12-01), each with how many lines
#: its first piece (the day) takes
DAYS_AND_LINES = """(selector) => [...document.querySelectorAll(selector)]
  .filter(d => /^\\d{4}-\\d\\d-\\d\\d/.test(d.innerText.trim()))
  .map(d => { const r = document.createRange(); r.selectNodeContents(d.firstChild);
    const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
    return [d.innerText.trim(), tops.size]; })"""


def test_the_replays_step_buttons_are_in_sight_above_the_drawing(
    chromium: Any, server: str
) -> None:
    # The drawing takes the window's height, and 首步 … 末步 came after it: on an office screen
    # the auditor saw the first step drawn and no way on to the next without scrolling.
    page = keyboard_window(chromium, server, DESK, "qianyi", english=False)
    try:
        page.goto(f"{server}/audit/instances/1/steps")
        page.wait_for_selector("[data-diagram-canvas] svg")
        following = page.get_by_role("button", name="下一步")
        box = following.bounding_box()
        canvas = page.locator("[data-diagram-canvas]").bounding_box()
        assert box is not None and canvas is not None
        assert box["y"] + box["height"] <= DESK["height"]
        assert box["y"] + box["height"] <= canvas["y"]
        # The drawing keeps most of the window, as before.
        assert canvas["height"] >= 500
        # From the page's top by Tab alone: past the zoom buttons to 下一步, which moves on.
        indicator = page.locator("[data-step-indicator]")
        assert indicator.inner_text().startswith("第 1 / ")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "下一步":
                break
        page.keyboard.press("Enter")
        assert indicator.inner_text().startswith("第 2 / ")
        # The step's record follows the drawing, shown once the buttons are.
        title = page.locator("[data-step-title]")
        assert title.is_visible() and title.inner_text().startswith("2. ")
    finally:
        page.context.close()


def test_a_facts_long_english_name_leaves_its_value_room_on_a_phone(
    chromium: Any, server: str
) -> None:
    # "File number (tracking number)" took its whole width beside the value, and on a phone in
    # English the request's dates broke as 2026-12- / 01, its codes a few letters a line.
    page = keyboard_window(chromium, server, PHONE, "wujiu", english=True)
    try:
        page.goto(f"{server}/requests")
        page.locator("main table a[href^='/requests/']").first.click()
        page.wait_for_selector("main dl.facts")
        dates = page.evaluate(DAYS_AND_LINES, "main dl.facts dd")
        assert dates and all(lines == 1 for _, lines in dates), dates
        names = page.locator("main dl.facts").first.locator("dt")
        widths = names.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
        card = page.locator("main dl.facts").first.bounding_box()
        assert card is not None and max(widths) <= card["width"] / 2 + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        page.context.close()


def test_the_calendars_example_stays_inside_its_card_on_a_phone(chromium: Any, server: str) -> None:
    # The English example lines ("… Spring Festival make-up workday") ran past the card, and the
    # admin's whole page scrolled sideways on a phone.
    page = keyboard_window(chromium, server, PHONE, "admin", english=True)
    try:
        page.goto(f"{server}/admin/calendar")
        example = page.locator("main pre").first
        assert "workday" in example.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        card = example.locator("xpath=ancestor::*[contains(@class,'card')][1]").bounding_box()
        box = example.bounding_box()
        assert card is not None and box is not None
        assert box["x"] + box["width"] <= card["x"] + card["width"]
    finally:
        page.context.close()


def test_the_catalogues_due_days_keep_whole_on_a_phone(chromium: Any, server: str) -> None:
    # 应公开日期 broke as 2028-03- / 31 in its narrow column, as the request list's dates do not.
    page = keyboard_window(chromium, server, PHONE, "wangwu", english=True)
    try:
        page.goto(f"{server}/office/catalogue")
        dates = page.evaluate(DAYS_AND_LINES, "#catalogue-entries td")
        assert dates and all(lines == 1 for _, lines in dates), dates
    finally:
        page.context.close()
