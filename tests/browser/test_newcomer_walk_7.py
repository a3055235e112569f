"""A seventh newcomer's walk in Debian's Chromium: where the keyboard lands on a new draft.

The site is the demo's (its users, documents and requests), as in test_newcomer_walk_3.py.
"""

from __future__ import annotations

from typing import Any

from .conftest import keyboard_window
from .test_newcomer_walk_3 import site  # noqa: F401  (the demo's site, served for this module)

DESK = {"width": 1366, "height": 768}
#: the id of the focused element once the page has settled (autofocus runs after load)
FOCUSED = "document.activeElement ? document.activeElement.id : ''"


def test_a_new_draft_starts_in_its_title_and_an_error_page_in_its_first_error(
    chromium: Any, server: str
) -> None:
    # 起草新公文 opened with the keyboard at the page's top: the drafter had to Tab through
    # the menu before he could type the title he came to write.
    page = keyboard_window(chromium, server, DESK, "zhangsan", english=False)
    try:
        page.goto(f"{server}/drafts/new")
        page.wait_for_function(f"{FOCUSED} === 'f-title'")
        page.keyboard.type("关于做好冬季安全生产工作的通知")
        assert page.input_value("#f-title") == "关于做好冬季安全生产工作的通知"
        # Submitted without a type or a body: the page comes back with the keyboard on the
        # first field in error, not taken back to the title.
        with page.expect_navigation():
            page.get_by_role("button", name="提交", exact=True).click()
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # autofocus, had the page one, would have run by now
        first_error = page.evaluate("document.querySelector(\"main [aria-invalid='true']\").id")
        assert first_error == "f-doc_type"
        assert page.evaluate(FOCUSED) == first_error
    finally:
        page.context.close()
