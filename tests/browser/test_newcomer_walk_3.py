"""A third newcomer's walk in Debian's Chromium: a citizen, a registrar, a handler on a phone.

The site is the demo's (its users, documents and requests), as in test_newcomer_walk_2.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine import Engine

from ..templates import Templates
from .conftest import demo_site, keyboard_window

PHONE = {"width": 375, "height": 740}
#: where a card's content ends: its right edge less its padding
INNER_RIGHT = "c => c.getBoundingClientRect().right - parseFloat(getComputedStyle(c).paddingRight)"


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, Engine]]:
    """Serve gongkai with the demo's users and data on a free local port."""
    yield from demo_site(tmp_path_factory.mktemp("newcomer3"), templates)


def _window(chromium: Any, server: str, viewport: dict, username: str | None = None) -> Any:
    """Open a window of that size in English, signed in as ``username`` when one is named."""
    return keyboard_window(chromium, server, viewport, username, english=True)


def test_a_reply_deadline_and_its_count_stay_inside_their_card(chromium: Any, server: str) -> None:
    # "20 working days left" would not wrap: beside the facts' long names on a phone it
    # ran past its card, and a longer count ("40 working days left (provisional count)")
    # widened the whole page.
    page = _window(chromium, server, PHONE, "zhengshi")
    try:
        page.goto(f"{server}/requests")
        for href in page.locator("main a[href^='/requests/']").evaluate_all(
            "els => [...new Set(els.map(e => e.getAttribute('href')))]"
        ):
            page.goto(f"{server}{href}")
            for count in page.locator("main dl.facts .countdown").all():
                card = count.locator("xpath=ancestor::*[contains(@class,'card')][1]")
                inner = card.evaluate(INNER_RIGHT)
                box = count.bounding_box()
                assert box["x"] + box["width"] <= inner + 1, (href, count.inner_text(), inner)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        page.context.close()


def test_the_file_chooser_is_a_button_big_enough_to_tap(chromium: Any, server: str) -> None:
    # The scan of one's identity document: the browser's own chooser was 21 px high.
    page = _window(chromium, server, PHONE)
    try:
        page.goto(f"{server}/public/request")
        chooser = page.locator("main input[type=file]")
        assert chooser.count() == 1
        box = chooser.bounding_box()
        assert box["height"] >= 32, box
        assert box["x"] + box["width"] <= PHONE["width"]
    finally:
        page.context.close()


def test_after_an_action_the_keyboard_starts_at_what_became_of_it(
    chromium: Any, server: str
) -> None:
    # The registrar accepts a request; the inbox says "Submitted: ... Next: Handle." and the
    # keyboard was back at the top of the page, the message unread by a screen reader.
    page = _window(chromium, server, PHONE, "wujiu")
    try:
        page.locator("main a[href^='/tasks/']", has_text="Intake check").first.click()
        page.wait_for_selector("#f-intake_decision")
        page.focus("#f-intake_decision")
        page.keyboard.press("ArrowDown")  # accept and assign to a department
        page.focus("#f-department")
        page.keyboard.type("综合处")
        page.locator("main button[type=submit]").first.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_function(
            "document.activeElement && document.activeElement.classList.contains('flash')"
        )
        said = page.evaluate("document.activeElement.innerText")
        assert said.startswith("Submitted:") and "Next:" in said, said
        # the next Tab goes on into the page, past the message
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('main')")
    finally:
        page.context.close()


def test_signing_in_keeps_the_focus_in_the_user_name_box_under_a_message(
    chromium: Any, server: str
) -> None:
    # Signing out says so on the sign-in page; the name box still takes the keyboard.
    page = _window(chromium, server, PHONE, "wujiu")
    try:
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out").click()
        assert page.locator("main .flash").count() == 1
        page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
    finally:
        page.context.close()


def test_a_receipt_shows_its_codes_whole_on_a_phone(chromium: Any, server: str) -> None:
    # Beside "Tracking number" the twelve letters broke into "GKDSR78FWVW" and "W":
    # a code copied by eye from a receipt must read in one piece.
    page = _window(chromium, server, PHONE)
    try:
        page.goto(f"{server}/public/request")
        page.select_option("#f-applicant_type", index=1)
        page.fill("#f-applicant_name", "王小明")
        page.select_option("#f-id_type", index=1)
        page.fill("#f-id_number", "110101199003074514")
        page.fill("#f-phone", "13912345678")
        page.fill("#f-address", "威海市环翠区新威路1号")
        page.fill("#f-description", "2025年道路维修经费")
        for choice in page.locator("main select").all():
            if choice.is_visible() and not choice.input_value():
                choice.select_option(index=1)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        codes = page.locator("main code.big")
        assert codes.count() == 2, page.locator("main .error").all_inner_texts()
        for code in codes.all():
            lines = code.evaluate("c => c.getClientRects().length")
            box = code.bounding_box()
            assert lines == 1, (code.inner_text(), lines)
            assert box["x"] + box["width"] <= PHONE["width"], (code.inner_text(), box)
    finally:
        page.context.close()


def test_the_diagram_zoom_buttons_read_on_one_line_on_a_phone(chromium: Any, server: str) -> None:
    # "Zoom in" / "Zoom out" / "Fit to window" were squeezed into two lines each.
    page = _window(chromium, server, PHONE, "zhengshi")
    try:
        page.goto(f"{server}/requests")
        page.locator("main a[href^='/requests/']").first.click()
        page.wait_for_selector("[data-diagram-zoom]:not([hidden])")
        buttons = page.locator("[data-diagram-zoom] button")
        assert buttons.count() == 3
        for button in buttons.all():
            height = button.evaluate("b => b.getBoundingClientRect().height")
            line = button.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
            box = button.bounding_box()
            assert height < 2 * line, (button.inner_text(), height, line)
            assert box["x"] + box["width"] <= PHONE["width"], (button.inner_text(), box)
    finally:
        page.context.close()
