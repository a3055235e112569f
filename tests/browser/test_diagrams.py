"""Real pages in Debian's Chromium (Playwright): bpmn-js draws every workflow and the position.

The viewer is built by ``npm ci --prefix webui/diagram --ignore-scripts`` and
``npm run build --prefix webui/diagram`` (the README's test command does it);
without the build these tests skip locally and fail in CI.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import render_template_string, url_for

from engine import Database, Engine
from engine.store import schema
from engine.views import InstanceFilter
from webui import create_app
from webui.demo import seed

from ..conftest import CHEAP_PASSWORDS, WORKFLOWS
from .conftest import PASSWORD, USERS, serving

BUILT = Path(__file__).resolve().parents[2] / "webui" / "static" / "diagram" / "diagram.js"
BPMN_FILES = sorted(WORKFLOWS.glob("*.bpmn"))
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
FILE_PAGE = """{% extends "base.html" %}
{% block title %}{{ process_id }}{% endblock %}
{% block content %}
{% from "_diagram.html" import diagram %}
<h1>{{ process_id }}</h1>
{{ diagram(url, process_id, [], []) }}
{% endblock %}"""


@pytest.fixture(scope="module")
def built_viewer() -> Path:
    """The viewer built into the static files; skip without it, unless CI requires it."""
    if not BUILT.is_file():
        how = "npm ci --prefix webui/diagram --ignore-scripts; npm run build --prefix webui/diagram"
        if os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail(f"{BUILT} is missing: build the diagram viewer first ({how})")
        pytest.skip(f"the diagram viewer is not built ({how})")
    return BUILT


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, built_viewer: Path
) -> Iterator[tuple[str, Engine]]:
    """Serve gongkai with the demo data and two test-only pages that draw diagrams."""
    folder = tmp_path_factory.mktemp("diagrams")
    engine = Engine(
        Database.connect(f"sqlite:///{folder / 'gongkai.sqlite3'}"),
        password_method=CHEAP_PASSWORDS,
    )
    schema.upgrade(engine.db)
    definition_id = engine.deploy(BPMN_FILES).definition_id
    seed(engine)
    for username, (display_name, role) in USERS.items():
        engine.users.add(username, [role], display_name, PASSWORD)
    engine.users.add("qian", ["auditor"], "钱一", PASSWORD)
    app = create_app({"ENGINE": engine, "SECRET_KEY": "browser-test"})

    def bpmn_url(process_id: str) -> str:
        return url_for("diagrams.bpmn", definition_id=definition_id, process_id=process_id)

    def file_page(process_id: str) -> str:
        return render_template_string(FILE_PAGE, url=bpmn_url(process_id), process_id=process_id)

    # A test page only: it draws any deployed process, which no page of gongkai's does.
    app.add_url_rule("/test/diagram/<process_id>", "test_file_page", file_page)
    with serving(app) as url:
        yield url, engine
    engine.db.dispose()


def watch_console(page: Any) -> list[str]:
    """Collect the console errors and uncaught exceptions of a page."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def wait_drawn(page: Any) -> None:
    page.wait_for_selector("[data-bpmn-diagram][data-diagram-state=ready]", timeout=15000)


def reviewers_document(sign_in: Any, server: str, english: bool = False) -> tuple[Any, list[str]]:
    """Open, as the confidentiality reviewer, the document waiting for him; wait for its diagram.

    Returns the page and the console errors it collects.
    """
    page = sign_in("sun")
    problems = watch_console(page)
    page.goto(f"{server}/documents")
    if english:
        page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="关于对违规占用道路行为的处理结果公示").click()
    wait_drawn(page)
    return page, problems


def executable_process(path: Path) -> str:
    root = ET.parse(path).getroot()
    processes = root.findall(f"{BPMN}process")
    chosen = [p for p in processes if p.get("isExecutable") == "true"] or processes
    return chosen[0].get("id")


@pytest.mark.parametrize("path", BPMN_FILES, ids=[p.name for p in BPMN_FILES])
def test_every_workflow_is_drawn(sign_in, server: str, path: Path) -> None:
    page = sign_in("qian")
    problems = watch_console(page)
    process_id = executable_process(path)
    page.goto(f"{server}/test/diagram/{process_id}")
    wait_drawn(page)
    shapes = page.locator(".gk-diagram .djs-element.djs-shape")
    assert shapes.count() > 3
    for task in ET.parse(path).getroot().iter(f"{BPMN}userTask"):
        assert page.locator(f'.djs-element[data-element-id="{task.get("id")}"]').count() == 1
    assert page.locator("[data-diagram-note]").is_hidden()
    assert not problems, problems


def test_the_document_page_marks_where_the_document_waits(sign_in, server: str) -> None:
    page, problems = reviewers_document(sign_in, server)
    page.get_by_role("heading", name="办理进度").wait_for()
    waiting = page.locator(".djs-element.gk-waiting")
    assert waiting.count() == 1
    assert waiting.get_attribute("data-element-id") == "secrecy_review"
    done = page.locator(".djs-element.gk-done")
    done_ids = {done.nth(i).get_attribute("data-element-id") for i in range(done.count())}
    assert {"draft", "dept_review", "office_review", "sign_off"} <= done_ids
    # The marker shows: the waiting shape is outlined in amber, thicker than the rest.
    stroke = page.locator(".gk-waiting .djs-visual > rect").first.evaluate(
        "e => getComputedStyle(e).strokeWidth"
    )
    assert stroke == "4px"
    assert not problems, problems


def test_the_auditor_steps_through_a_replayed_history_with_keys_buttons_and_the_address(
    sign_in, server: str, site: tuple[str, Engine]
) -> None:
    engine = site[1]
    published = _a_published_document(engine)
    steps = len(engine.queries.replay(published.id, "qian").report.steps)
    events = published.event_count
    page = sign_in("qian")
    problems = watch_console(page)
    page.goto(f"{server}/audit/instances/{published.id}/steps")
    wait_drawn(page)
    component = page.locator("[data-bpmn-diagram]")
    indicator = page.locator("[data-step-indicator]")

    def waiting() -> list[str]:
        marked = page.locator(".djs-element.gk-waiting")
        return [marked.nth(i).get_attribute("data-element-id") for i in range(marked.count())]

    assert indicator.inner_text() == f"第 1 / {steps} 步（共 {events} 个事件）"
    assert waiting() == ["draft"]
    assert page.get_by_role("button", name="上一步").is_disabled()
    assert page.locator("[data-step-title]").inner_text().startswith("1. 发起")

    component.focus()
    page.keyboard.press("ArrowRight")
    assert indicator.inner_text() == f"第 2 / {steps} 步（共 {events} 个事件）"
    # the head's review, and the drafter's 撤回 that waits on it until the head starts
    assert waiting() == ["dept_review", "withdrawn"]
    assert page.locator('.djs-element.gk-done[data-element-id="draft"]').count() == 1
    assert page.url.endswith("#step-2")
    assert page.locator("[data-step-actor]").inner_text() == "张三"
    assert "关于印发2026年政务公开工作要点的通知" in page.locator("[data-step-data]").inner_text()

    page.get_by_role("button", name="末步").click()
    assert indicator.inner_text() == f"第 {steps} / {steps} 步（共 {events} 个事件）"
    assert waiting() == []
    assert page.locator('.djs-element.gk-done[data-element-id="publish"]').count() == 1
    assert page.get_by_role("button", name="下一步").is_disabled()

    page.get_by_role("button", name="上一步").click()
    assert indicator.inner_text() == f"第 {steps - 1} / {steps} 步（共 {events} 个事件）"
    page.keyboard.press("Home")  # the focus is on the button, inside the component
    assert indicator.inner_text() == f"第 1 / {steps} 步（共 {events} 个事件）"
    page.keyboard.press("End")
    assert indicator.inner_text() == f"第 {steps} / {steps} 步（共 {events} 个事件）"

    fresh = page.context.new_page()
    fresh.goto(f"{server}/audit/instances/{published.id}/steps#step-2")
    wait_drawn(fresh)
    assert (
        fresh.locator("[data-step-indicator]").inner_text()
        == f"第 2 / {steps} 步（共 {events} 个事件）"
    )
    assert fresh.locator('.djs-element.gk-waiting[data-element-id="dept_review"]').count() == 1
    fresh.close()
    assert not problems, problems


def _replayed(sign_in, server: str, engine: Engine, size: dict | None = None) -> tuple:
    """Open a published document's replay as the auditor: the page, the instance, the console."""
    published = _a_published_document(engine)
    page = sign_in("qian")
    problems = watch_console(page)
    if size:
        page.set_viewport_size(size)
    page.goto(f"{server}/audit/instances/{published.id}/steps")
    wait_drawn(page)
    return page, published, problems


def test_the_replayed_diagram_is_one_tab_stop_with_its_watermark_kept(
    sign_in, server: str, site: tuple[str, Engine]
) -> None:
    page, _, problems = _replayed(sign_in, server, site[1])
    component = page.locator("[data-bpmn-diagram]")
    component.focus()
    # From the component to its buttons: zoom, then the first usable step button (首步 and
    # 上一步 are disabled on the first step); neither the drawing nor the bpmn.io link takes
    # a Tab stop.
    focused = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent"))
    assert focused == ["放大", "缩小", "适合窗口", "下一步"]
    # The zoom buttons work from the keyboard: a large process drawn to fit can be read.
    zoom = "document.querySelector('[data-bpmn-diagram]').gongkaiViewer.get('canvas').zoom()"
    page.get_by_role("button", name="适合窗口").click()  # a wide process starts readable, not whole
    fitted = page.evaluate(zoom)
    page.get_by_role("button", name="放大").focus()
    page.keyboard.press("Enter")
    assert page.evaluate(zoom) > fitted * 1.2
    page.get_by_role("button", name="适合窗口").focus()
    page.keyboard.press("Enter")
    assert abs(page.evaluate(zoom) - fitted) < 0.01
    component.focus()
    stops = page.evaluate(
        """() => [...document.querySelectorAll('[data-diagram-canvas] *')]
            .filter((e) => e.tabIndex >= 0).map((e) => e.outerHTML.slice(0, 60))"""
    )
    assert stops == []
    # The watermark the bpmn-js licence requires stays, visible; the credits are on the page.
    assert page.locator("[data-diagram-canvas] a.bjs-powered-by").is_visible()
    credits = page.get_by_role("link", name="开源软件许可")
    assert credits.get_attribute("href") == "/static/diagram/LICENSES.txt"
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-bpmn-diagram')")
    assert not problems, problems


def _a_published_document(engine: Engine) -> Any:
    """Return a completed document approval, as the auditor's list gives it."""
    return engine.queries.browse_instances(
        "qian", InstanceFilter(process_id="document_approval", status="completed")
    ).items[0]


def test_an_english_page_draws_the_process_with_its_english_names(sign_in, server: str) -> None:
    page, problems = reviewers_document(sign_in, server, english=True)
    review = page.locator('.djs-element[data-element-id="dept_review"] text')
    assert "Department" in review.text_content()
    assert "处室审核" not in page.locator(".gk-diagram-canvas").text_content()
    assert not problems, problems


def test_the_replayed_diagram_takes_the_windows_width_at_1366_by_768(
    sign_in, server: str, site: tuple[str, Engine]
) -> None:
    # In the 72rem text column the document's eleven-step process was fitted to about half its
    # size: its task names were too small to read on an office screen.
    engine = site[1]
    page, published, problems = _replayed(sign_in, server, engine, {"width": 1366, "height": 768})
    canvas = page.locator("[data-diagram-canvas]").bounding_box()
    assert canvas is not None and canvas["width"] >= 1250 and canvas["height"] >= 500
    # the task names are drawn readable, at least 0.8 of bpmn-js's 12px (half, fitted whole
    # into the text column), and where the case is stays in sight as the steps go by
    label = page.locator('.djs-element[data-element-id="dept_review"] text').first.bounding_box()
    assert label is not None and label["height"] >= 0.8 * 12

    def in_sight(element_id: str) -> bool:
        canvas = page.locator("[data-diagram-canvas]").bounding_box()
        shape = page.locator(f'.djs-element[data-element-id="{element_id}"]').first.bounding_box()
        return shape is not None and all(
            canvas[a] <= shape[a] and shape[a] + shape[s] <= canvas[a] + canvas[s]
            for a, s in (("x", "width"), ("y", "height"))
        )

    page.locator("[data-bpmn-diagram]").focus()
    for _ in range(steps := len(engine.queries.replay(published.id, "qian").report.steps)):
        waiting = page.locator(".djs-element.gk-waiting")
        for i in range(waiting.count()):
            element_id = waiting.nth(i).get_attribute("data-element-id") or ""
            assert in_sight(element_id)
        page.keyboard.press("ArrowRight")
    assert steps > 3
    # 适合窗口 still shows the whole process
    page.get_by_role("button", name="适合窗口").click()
    assert in_sight("publish") and in_sight("draft")
    assert not problems, problems
    # the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
