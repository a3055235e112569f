"""A fourth newcomer's walk in Debian's Chromium, by keyboard on a desk.

The site is the demo's (its users, documents and requests), as in test_newcomer_walk_3.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import keyboard_window
from .test_newcomer_walk_3 import site  # noqa: F401  (the demo's site, served for this module)

DESK = {"width": 1366, "height": 768}
#: the focused element's outline, as the reader sees it
RING = "() => getComputedStyle(document.activeElement).outlineStyle"


@pytest.mark.parametrize(
    ("username", "path", "box"),
    [("wujiu", "/requests/new", "f-received_on"), ("qianyi", "/audit/instances", "from")],
)
def test_a_date_box_reached_by_tab_shows_where_the_keyboard_is(
    chromium: Any, server: str, username: str, path: str, box: str
) -> None:
    # Every other box keeps the yellow ring; a date box is several stops (year, month, day, its
    # calendar) and Chromium's :focus-visible let go of it inside: no ring to be seen.
    page = keyboard_window(chromium, server, DESK, username, english=False)
    page.goto(f"{server}{path}")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == box:
            break
    else:
        pytest.fail(f"Tab never reached #{box}")
    rings = []
    while page.evaluate("document.activeElement.id") == box:
        rings.append(page.evaluate(RING))
        page.keyboard.press("Tab")
    assert len(rings) >= 3 and set(rings) == {"solid"}, rings
    page.context.close()


#: the headings of a page's lists of four characters or fewer (one word, as 承办处室) that run
#: onto more than one line; a longer one may wrap between its words
BROKEN_HEADINGS = """() => [...document.querySelectorAll('table.list thead th')].flatMap(th => {
  if (th.innerText.trim().length > 4) return [];
  const range = document.createRange(); range.selectNodeContents(th);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size > 1 ? [th.innerText] : [];
})"""


#: the widest column heading of a page's lists, in characters of its font
WIDEST_HEADING = """() => Math.max(
  ...[...document.querySelectorAll('table.list thead th[scope=col]')].map(th =>
    th.getBoundingClientRect().width / parseFloat(getComputedStyle(th).fontSize)))"""


@pytest.mark.parametrize("width", [1366, 1024])
def test_a_list_heading_keeps_its_words_whole_on_a_desk(
    chromium: Any, server: str, width: int
) -> None:
    # The office's request list broke 承办处室 into 承办处 / 室 to give its text more room.
    page = keyboard_window(chromium, server, {"width": width, "height": 768}, "wangwu", False)
    page.goto(f"{server}/requests")
    assert page.evaluate(BROKEN_HEADINGS) == []
    # A long heading still wraps: the oversight table's two dozen columns stay narrow.
    page.goto(f"{server}/office/oversight")
    assert page.evaluate(WIDEST_HEADING) < 9
    page.context.close()


def test_a_finding_unticked_stops_looking_hidden_in_the_text(chromium: Any, server: str) -> None:
    # The reviewer unticked the e-mail address (kept as written) and it stayed highlighted
    # in the text, as every finding to hide is.
    page = keyboard_window(chromium, server, DESK, "sunqi", english=False)
    page.get_by_role("link", name="保密审查").first.click()
    page.wait_for_selector("fieldset.findings")
    boxes = page.locator("fieldset.findings input[type='checkbox']")
    box = boxes.last
    mark = page.locator(f"#finding-{box.get_attribute('value')}")
    lit = "m => getComputedStyle(m).backgroundColor"
    highlighted = mark.evaluate(lit)
    box.focus()
    page.keyboard.press("Space")
    assert not box.is_checked()
    assert mark.evaluate(lit) == "rgba(0, 0, 0, 0)"
    page.keyboard.press("Space")
    assert box.is_checked() and mark.evaluate(lit) == highlighted
    page.context.close()


#: how far each long value of a facts list sits below its name, in pixels
VALUE_DROPS = """() => {
  const textTop = e => { const r = document.createRange(); r.selectNodeContents(e);
                         return r.getClientRects()[0].top; };
  return [...document.querySelectorAll('dl.facts dd.body-text')].map(dd =>
    textTop(dd) - textTop(dd.previousElementSibling));
}"""


def test_a_long_value_sits_level_with_its_name(chromium: Any, server: str) -> None:
    # 需要补正的内容 (and 延期理由, 调查情况) came in the text block's style, ruled and padded
    # above, a line below the name it belongs to.
    page = keyboard_window(chromium, server, DESK, "wujiu", english=False)
    page.get_by_role("link", name="等待补正").first.click()
    page.wait_for_selector("dl.facts dd.body-text")
    drops = page.evaluate(VALUE_DROPS)
    assert drops and all(abs(d) < 2 for d in drops), drops
    page.context.close()
