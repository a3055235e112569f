"""Real pages in Debian's Chromium (Playwright): the oversight charts and the overdue catalogue.

The charts are built with the diagram viewer (``npm run build --prefix webui/diagram``);
without the build these tests skip locally and fail in CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from engine import Database, Engine
from engine.clock import ManualClock
from engine.store import schema
from webui import create_app

from .. import oversight_data as data
from ..conftest import CHEAP_PASSWORDS
from ..test_basic_catalogue import entry_form
from .conftest import PASSWORD, serving
from .test_diagrams import watch_console

BUILT = Path(__file__).resolve().parents[2] / "webui" / "static" / "diagram" / "charts.js"
QUARTER = "/office/oversight?kind=quarter&year=2026&quarter=3"


@pytest.fixture(scope="module")
def built_charts() -> Path:
    """The charts built into the static files; skip without them, unless CI requires them."""
    if not BUILT.is_file():
        how = "npm ci --prefix webui/diagram --ignore-scripts; npm run build --prefix webui/diagram"
        if os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail(f"{BUILT} is missing: build the charts first ({how})")
        pytest.skip(f"the charts are not built ({how})")
    return BUILT


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, built_charts: Path
) -> Iterator[tuple[str, Engine]]:
    """Serve the third quarter of 2026 on 2026-11-30, with an overdue catalogue entry."""
    folder = tmp_path_factory.mktemp("oversight")
    clock = ManualClock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    engine = Engine(
        Database.connect(f"sqlite:///{folder / 'gongkai.sqlite3'}"),
        clock,
        password_method=CHEAP_PASSWORDS,
    )
    schema.upgrade(engine.db)
    data.third_quarter(engine, clock, PASSWORD)
    data.at(clock, "2026-07-01 09:00")
    engine.basic_catalogue.create("wang", entry_form())
    data.at(clock, "2026-11-30 09:00")
    with serving(create_app({"ENGINE": engine, "SECRET_KEY": "browser-test"})) as url:
        yield url, engine
    engine.db.dispose()


def _charts_drawn(page: Any) -> None:
    page.wait_for_selector("#chart-rates[data-chart-ready]", timeout=15000)
    page.wait_for_selector("#chart-returns[data-chart-ready]", timeout=15000)


def test_the_oversight_page_draws_its_charts_beside_a_table(sign_in, server: str) -> None:
    page = sign_in("wang")
    problems = watch_console(page)
    page.goto(f"{server}{QUARTER}")
    _charts_drawn(page)
    for chart in ("#chart-rates", "#chart-returns"):
        canvas = page.locator(f"{chart} canvas")
        assert canvas.count() >= 1
        box = canvas.first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150
    # ECharts describes each chart to screen readers as well
    assert "综合处" in (
        page.locator("#chart-rates [aria-label]").last.get_attribute("aria-label") or ""
    )
    # the numbers are in the table too
    row = page.locator('#oversight-table tr[data-department="综合处"]')
    assert row.locator("th").inner_text() == "综合处"
    cells = row.locator("td").all_inner_texts()
    assert cells[:5] == ["3", "3", "2", "1", "1"] and "50.0%" in cells
    # keyboard: from the chart's note to the table, which scrolls with the arrow keys
    link = page.locator("#chart-rates").get_by_role("link", name="数据见下表")
    link.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#oversight-table")
    region = page.locator(".gk-table-scroll")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('gk-table-scroll')")
    # another period, chosen with the keyboard
    page.locator("#kind").focus()
    page.keyboard.press("ArrowUp")  # 季度 -> 年度
    page.locator("#year").fill("2026")
    page.locator("#year").press("Enter")
    page.wait_for_url(f"{server}/office/oversight?kind=year*")
    _charts_drawn(page)
    assert "2026年" in page.locator("h1").inner_text()
    assert not problems, problems


def test_the_overdue_catalogue_entries_are_a_link_away_and_marked(sign_in, server: str) -> None:
    page = sign_in("wang")
    problems = watch_console(page)
    page.goto(f"{server}{QUARTER}")
    row = page.locator('#oversight-table tr[data-department="综合处"]')
    link = row.get_by_role("link", name="查看逾期目录事项")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/office/catalogue?department={quote('综合处')}&status=overdue")
    overdue = page.locator("#catalogue-entries tbody tr.overdue")
    assert overdue.count() == 1
    assert "财政收支月报" in overdue.inner_text() and "已逾期" in overdue.inner_text()
    # the entry's page says so too, and lists its change log
    overdue.get_by_role("link", name="财政收支月报").click()
    page.locator("#entry-overdue").wait_for()
    assert "2026-07-10" in page.locator("#entry-overdue").inner_text()
    assert page.locator("#entry-changes tbody tr").count() == 1
    assert not problems, problems


def test_a_department_head_sees_his_department_charted(sign_in, server: str) -> None:
    page = sign_in("li")
    problems = watch_console(page)
    page.get_by_role("link", name="督查").click()
    page.goto(f"{server}{QUARTER}")
    _charts_drawn(page)
    assert page.locator("#oversight-table tbody tr").count() == 1
    assert page.locator("#oversight-scope").is_visible()
    assert not problems, problems
