"""Real pages in Debian's Chromium (Playwright): a document from draft to publication."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine import Database, Engine
from engine.store import schema
from webui import create_app

from .conftest import WORKFLOWS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
USERS = {
    "zhang": ("张三", "drafter"),
    "li": ("李四", "dept_head"),
    "wang": ("王五", "office"),
    "zhao": ("赵六", "leader"),
    "sun": ("孙七", "secrecy_reviewer"),
    "zhou": ("周八", "publisher"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve gongkai on a free local port over a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("browser")
    engine = Engine(Database.connect(f"sqlite:///{folder / 'gongkai.sqlite3'}"))
    schema.upgrade(engine.db)
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    for username, (display_name, role) in USERS.items():
        engine.add_user(username, [role], display_name, "secret-pass")
    app = create_app({"ENGINE": engine, "SECRET_KEY": "browser-test"})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    engine.db.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; CI installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sign_in(chromium, server: str):
    """Open a fresh browser window signed in as a user, typing like a person with a keyboard."""
    contexts = []

    def open_as(username: str):
        context = chromium.new_context(locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/login")
        # The user name field takes the focus on arrival (autofocus): type straight away.
        page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        page.keyboard.type("secret-pass")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def open_first_task(page, name: str) -> None:
    page.get_by_role("link", name=name).first.click()
    page.wait_for_selector("form[enctype]")


def submit(page) -> None:
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("h1:has-text('待办事项')")


def test_a_document_goes_from_draft_to_publication(sign_in, server: str, tmp_path) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("button", name="起草新公文").click()
    drafter.get_by_label("标题").fill("关于公布2026年重点领域信息公开目录的通知")
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill("各区市人民政府，市政府各部门：\n现将目录印发给你们。")
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    pdf = tmp_path / "目录.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    drafter.get_by_label("附件（PDF、DOCX 或 OFD）").set_input_files(str(pdf))
    submit(drafter)
    assert "目前没有待办事项" in drafter.content()

    reviews = [
        ("li", "处室审核", {}),
        ("wang", "办公室审核（公开属性）", {"文号前缀": "威政办发"}),
        ("zhao", "签发", {}),
    ]
    for username, task_name, extra in reviews:
        page = sign_in(username)
        open_first_task(page, task_name)
        assert "关于公布2026年重点领域信息公开目录的通知" in page.content()
        assert page.get_by_role("link", name="目录.pdf").count() == 1
        page.get_by_label("审核意见").select_option("approve")
        for label, value in extra.items():
            page.get_by_label(label).fill(value)
        submit(page)

    reviewer = sign_in("sun")
    open_first_task(reviewer, "保密审查")
    reviewer.get_by_label("审查结论").select_option("disclose")
    submit(reviewer)

    publisher = sign_in("zhou")
    assert publisher.locator("td", has_text="2026").count() >= 1  # due date shown
    open_first_task(publisher, "发布")
    assert "威政办发〔" in publisher.content()
    publisher.get_by_label("发布渠道").select_option("website")
    publisher.get_by_label("网址").fill("https://www.weihai.gov.cn/gk/1")
    submit(publisher)

    public = publisher.context.browser.new_page()
    public.goto(f"{server}/public/")
    public.get_by_role("link", name="关于公布2026年重点领域信息公开目录的通知").click()
    text = public.locator(".body-text").inner_text()
    assert text.rstrip().endswith("（此件公开发布）")
    assert "威政办发〔" in public.content()
    public.close()

    publisher.goto(f"{server}/documents")
    publisher.get_by_role("link", name="查看").first.click()
    sheet = publisher.content()
    for name in ("张三", "李四", "王五", "赵六", "孙七", "周八", "主动公开"):
        assert name in sheet


def test_a_draft_without_attribute_is_returned(sign_in) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("button", name="起草新公文").click()
    drafter.get_by_label("标题").fill("关于调整工作领导小组的通知")
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill("正文。")
    submit(drafter)
    open_first_task(drafter, "起草")
    notice = drafter.get_by_role("alert")
    assert "退文" in notice.inner_text()
    assert "未标明公开属性" in notice.inner_text()
    assert drafter.get_by_label("标题").input_value() == "关于调整工作领导小组的通知"

    reviewer = sign_in("li")
    assert reviewer.get_by_role("link", name="处室审核").count() == 0
