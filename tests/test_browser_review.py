"""Real pages in Debian's Chromium (Playwright): the confidentiality review de-identifies."""

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

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    """Return an 18-character resident ID with its GB 11643 check character."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


RESIDENT_ID = resident_id("37100219850612301")
MOBILE = "13806311234"
EMAIL = "wangxf@example.com"
NAME = "王晓锋"  # hidden by hand: the finder does not look for names
TITLE = "关于表彰2026年度见义勇为先进个人的通报"
BODY = (
    "各区市人民政府，市政府各部门：\n"
    f"{NAME}同志在抢险救灾中表现突出，现予通报表彰。\n"
    f"{NAME}，男，公民身份号码{RESIDENT_ID}，联系电话{MOBILE}，电子邮箱{EMAIL}。\n"
    "特此通报。"
)
MASKED = {
    RESIDENT_ID: RESIDENT_ID[:4] + "*" * 10 + RESIDENT_ID[-4:],
    MOBILE: "138****1234",
    EMAIL: "w*****@example.com",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve gongkai on a free local port over a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("browser_review")
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


def test_the_reviewer_de_identifies_what_the_public_page_shows(sign_in, server: str) -> None:
    drafter = sign_in("zhang")
    drafter.get_by_role("button", name="起草新公文").click()
    drafter.get_by_label("标题").fill(TITLE)
    drafter.get_by_label("文件类型").select_option("general")
    drafter.get_by_label("正文").fill(BODY)
    drafter.get_by_label("公开属性", exact=True).select_option("proactive")
    submit(drafter)

    reviews = [
        ("li", "处室审核", {}),
        ("wang", "办公室审核（公开属性）", {"文号前缀": "威政办发"}),
        ("zhao", "签发", {}),
    ]
    for username, task_name, extra in reviews:
        page = sign_in(username)
        open_first_task(page, task_name)
        page.get_by_label("审核意见").select_option("approve")
        for label, value in extra.items():
            page.get_by_label(label).fill(value)
        submit(page)

    reviewer = sign_in("sun")
    open_first_task(reviewer, "保密审查")
    review_text = reviewer.get_by_role("group", name="待审查的原文")
    assert RESIDENT_ID in review_text.inner_text()
    marks = reviewer.locator(".review-text mark")
    assert sorted(marks.all_inner_texts()) == sorted(MASKED)
    findings = reviewer.get_by_role("checkbox")
    assert findings.count() == 3
    for original, masked in MASKED.items():
        finding = reviewer.get_by_role("checkbox", name=masked)
        assert original in finding.locator("xpath=..").inner_text()
        assert finding.is_checked()  # every finding is confirmed unless unticked
    reviewer.get_by_label("另行遮盖的内容（每行一处）").fill(NAME)
    reviewer.get_by_label("审查结论").select_option(label="去标识化后公开")
    submit(reviewer)

    publisher = sign_in("zhou")
    open_first_task(publisher, "发布")
    publisher.get_by_label("发布渠道").select_option("website")
    publisher.get_by_label("网址").fill("https://www.weihai.gov.cn/gk/2")
    submit(publisher)

    public = publisher.context.browser.new_page()
    public.goto(f"{server}/public/")
    public.get_by_role("link", name=TITLE).click()
    public.wait_for_url(f"{server}/public/*")
    text = public.locator(".body-text").inner_text()
    for original, masked in MASKED.items():
        assert masked in text
        assert original not in text
    assert NAME not in public.content()
    assert "*" * len(NAME) + "同志在抢险救灾中" in text
    assert text.rstrip().endswith("（此件公开发布）")
    public.close()
