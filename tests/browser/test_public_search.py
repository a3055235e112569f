"""Real pages in Debian's Chromium (Playwright): a citizen searches the public list on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine import Engine

from ..search_data import add_document

#: a phone's viewport (an iPhone 12-14: 390 CSS pixels wide) and a desk's
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
POLICY = "威海市住房公积金提取管理办法"
INTERPRETATION = "《威海市住房公积金提取管理办法》政策解读"


@pytest.fixture(scope="module")
def documents(site: tuple[str, Engine]) -> dict[str, int]:
    """Publish a policy with its interpretation, a withheld document and many others."""
    server, engine = site
    db = engine.db
    found = {"interpretation": add_document(db, INTERPRETATION, "一、为什么出台这个办法？" * 3)}
    found["policy"] = add_document(
        db,
        POLICY,
        "第一条 为了规范住房公积金提取，根据有关规定，制定本办法。"
        "第二条 职工提取住房公积金，应当向管理中心提出申请。",
        doc_type="policy",
        interpretation_title=INTERPRETATION,
        interpretation_url=f"{server}/public/{found['interpretation']}",
    )
    found["withheld"] = add_document(
        db, "住房公积金内部审计报告", "住房公积金提取审计。", attribute="withheld"
    )
    found["personal"] = add_document(
        db,
        "关于住房公积金提取公示的通知",
        "提取人王小明，手机13912345678。",
        disclosed_text="提取人王某某，手机139****5678。",
    )
    for n in range(25):
        add_document(db, f"关于第{n + 1}批住房公积金缴存单位的公告", "名单见附件。", year=2025)
    return found


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    """Open a window as wide as a phone, for a citizen who is not signed in."""
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def no_sideways_scroll(page: Any) -> None:
    """Check that nothing on the page is wider than the window."""
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"the page is {wide[0]} pixels wide in a {wide[1]} window"


def test_a_citizen_searches_the_public_list_on_a_phone(
    phone: Any, server: str, documents: dict[str, int]
) -> None:
    page = phone
    page.goto(f"{server}/public/")
    no_sideways_scroll(page)
    box = page.get_by_label("关键词")
    bounds = box.bounding_box()
    assert bounds is not None and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= 390
    assert bounds["height"] >= 30, "the search box is too small to tap"
    # the newest first, twenty a page, and the next page a link
    assert page.locator("a.result-title").count() == 20
    assert page.get_by_role("link", name="下一页").is_visible()

    # words of the text, typed and sent with Enter
    box.fill("提取住房公积金")
    box.press("Enter")
    page.wait_for_url("**/public/?q=*")
    results = page.locator("a.result-title").all_inner_texts()
    assert results == [POLICY]
    assert page.locator(".excerpt mark").first.inner_text() == "提取住房公积金"
    assert "政策解读" in page.locator(".public-results").inner_text()
    no_sideways_scroll(page)

    # the withheld one is never found, nor the name taken out of the published text
    for words in ("内部审计", "王小明", "13912345678"):
        box = page.get_by_label("关键词")
        box.fill(words)
        box.press("Enter")
        page.wait_for_selector("p.empty")
        assert page.locator("a.result-title").count() == 0, words
    box = page.get_by_label("关键词")
    box.fill("提取人")
    box.press("Enter")
    page.wait_for_selector("a.result-title")
    listed = page.locator(".public-results").inner_text()
    assert "王某某" in listed and "王小明" not in listed

    # filtered by category and year with the keyboard
    page.get_by_label("关键词").fill("住房公积金")
    page.get_by_label("类别").select_option(label="政策性文件")
    page.get_by_label("年份").fill("2026")
    page.get_by_label("年份").press("Enter")
    page.wait_for_url("**type=policy*")
    assert page.locator("a.result-title").all_inner_texts() == [POLICY]
    page.get_by_label("类别").select_option(label="全部")
    page.get_by_label("年份").fill("2025")
    page.get_by_label("年份").press("Enter")
    page.wait_for_url("**year=2025*")
    assert page.locator("a.result-title").count() == 20
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**before=*")
    assert page.locator("a.result-title").count() == 5
    assert page.get_by_label("年份").input_value() == "2025"

    # a year that is not one: said beside the field, the page still works
    page.get_by_label("年份").fill("去年")
    page.get_by_label("年份").press("Enter")
    page.wait_for_selector("#s-year-error")
    assert "须为整数" in page.locator("#s-year-error").inner_text()
    assert page.get_by_label("年份").get_attribute("aria-invalid") == "true"
    no_sideways_scroll(page)

    # the policy's page: its text, its interpretation under it on a phone, and back again
    page.goto(f"{server}/public/?q=提取管理办法")
    page.locator("a.result-title", has_text=POLICY).filter(has_not_text="解读").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == POLICY
    aside = page.locator("aside.interpretation")
    assert "为什么出台这个办法" in aside.inner_text()
    article = page.locator("article.public-text").bounding_box()
    beside = aside.bounding_box()
    assert article is not None and beside is not None
    assert beside["y"] >= article["y"] + article["height"], "on a phone they stack"
    no_sideways_scroll(page)
    aside.get_by_role("link", name=INTERPRETATION, exact=True).click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == INTERPRETATION
    page.get_by_role("link", name=POLICY, exact=True).click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == POLICY


def test_on_a_desk_the_policy_and_its_interpretation_stand_side_by_side(
    chromium: Any, server: str, documents: dict[str, int]
) -> None:
    context = chromium.new_context(locale="zh-CN", viewport=DESK)
    try:
        page = context.new_page()
        page.goto(f"{server}/public/{documents['policy']}")
        article = page.locator("article.public-text").bounding_box()
        aside = page.locator("aside.interpretation").bounding_box()
        assert article is not None and aside is not None
        assert aside["x"] >= article["x"] + article["width"], "side by side on a wide screen"
        assert abs(aside["y"] - article["y"]) < 2
        # the search box is reached from the skip link with the keyboard
        page.goto(f"{server}/public/")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "s-q":
                break
        assert page.evaluate("document.activeElement.id") == "s-q"
        page.keyboard.type("公积金提取")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=*")
        assert POLICY in page.locator("a.result-title").all_inner_texts()
    finally:
        context.close()
