"""A second newcomer's walk in Debian's Chromium: a registrar's day, by keyboard, on a phone.

The site is the demo's (its users, documents and requests), as in test_newcomer.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine import Engine

from ..templates import Templates
from .conftest import demo_site, keyboard_window

PHONE = {"width": 390, "height": 844}
FOCUSED = (
    "() => document.activeElement && (document.activeElement.id || document.activeElement.tagName)"
)
#: the words of a field left blank, and of the request list's link, in either language
WORDS = {
    False: {"required": "此项必填。", "list": "申请列表", "paper": "登记纸质申请"},
    True: {
        "required": "This field is required.",
        "list": "Request list",
        "paper": "Enter a paper request",
    },
}


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, Engine]]:
    """Serve gongkai with the demo's users and data on a free local port."""
    yield from demo_site(tmp_path_factory.mktemp("newcomer2"), templates)


def _signed_in_by_keyboard(chromium: Any, server: str, username: str, english: bool) -> Any:
    """Open a phone-sized window and sign in typing, as one does with a keyboard alone."""
    return keyboard_window(chromium, server, PHONE, username, english)


def _tab_to(page: Any, words: str, most: int = 30) -> None:
    """Press Tab until the focused element reads ``words``."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.innerText.trim()") == words:
            return
    raise AssertionError(f"Tab never reached {words!r}")


@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
def test_a_registrar_enters_a_paper_request_by_keyboard_on_a_phone(
    chromium: Any, server: str, english: bool
) -> None:
    words = WORDS[english]
    page = _signed_in_by_keyboard(chromium, server, "wujiu", english)
    try:
        # The first Tab reaches the skip link, shown when focused; Enter moves to the content.
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        assert page.evaluate("() => document.activeElement.className") == "skip-link"
        assert skip.bounding_box()["y"] >= 0
        page.keyboard.press("Enter")
        assert page.evaluate(FOCUSED) == "main"
        # No documents of his own: the inbox leads to the requests instead.
        assert page.locator("header nav a[href='/mine'], main a[href='/mine']").count() == 0
        assert page.locator("main .page-head").get_by_role("link", name=words["list"]).count() == 1
        _tab_to(page, words["paper"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # Sent untouched: the keyboard lands on the first field, and every field left
        # blank, a choice still at its prompt or a day, says the same words.
        _tab_to(page, {False: "登记", True: "Register"}[english])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.evaluate(FOCUSED) == "f-applicant_type"
        for field in ("applicant_type", "applicant_name", "id_type", "received_on"):
            said = page.locator(f"#{field}-error").inner_text().strip()
            assert said == words["required"], (field, said)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        page.context.close()


def test_a_table_named_on_screen_shows_its_name_from_the_start_on_a_phone(
    chromium: Any, server: str
) -> None:
    # The appeals table's caption, centred over a table wider than the phone, began
    # half-way across and ran off its box: "Reconsideration and litig".
    page = _signed_in_by_keyboard(chromium, server, "qianyi", True)
    try:
        page.goto(f"{server}/report/appeals")
        box = page.locator("main .table-scroll").first.bounding_box()
        words = page.evaluate(
            """() => { const r = document.createRange();
                       r.selectNodeContents(document.querySelector('main .table-scroll caption'));
                       const b = r.getBoundingClientRect(); return [b.left, b.right]; }"""
        )
        assert words[0] - box["x"] < 20, (words, box)
        assert words[1] <= PHONE["width"], (words, box)
    finally:
        page.context.close()
