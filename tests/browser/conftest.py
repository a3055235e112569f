"""Browser fixtures: gongkai served on a local port, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from engine import Database, Engine
from webui import create_app
from webui.demo import DEMO_PASSWORD, seed

from ..conftest import CHEAP_PASSWORDS, WORKFLOWS
from ..templates import Templates

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "secret-pass"
USERS = {
    "zhang": ("张三", "drafter"),
    "li": ("李四", "dept_head"),
    "wang": ("王五", "office"),
    "zhao": ("赵六", "leader"),
    "sun": ("孙七", "secrecy_reviewer"),
    "zhou": ("周八", "publisher"),
    "qian": ("钱一", "admin"),
}
#: the review chain up to sign-off: (user, task name, extra fields by label)
#: who reviews, the step's name, what its decision is called, and what else he fills in
REVIEW_CHAIN = [
    ("li", "处室审核", "审核意见", {}),
    ("wang", "办公室审核（公开属性）", "审核意见", {"文号前缀": "威政办发"}),
    ("zhao", "签发", "签发意见", {}),
]


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, Engine]]:
    """Serve gongkai on a free local port over a fresh SQLite database; yield URL and engine."""
    engine = deployed_engine(tmp_path_factory.mktemp("browser"), templates)
    for username, (display_name, role) in USERS.items():
        engine.users.add(username, [role], display_name, PASSWORD)
    with serving(create_app({"ENGINE": engine, "SECRET_KEY": "browser-test"})) as url:
        yield url, engine
    engine.db.dispose()


def demo_site(folder: Path, templates: Templates) -> Iterator[tuple[str, Engine]]:
    """Serve gongkai with the demo's users and data over a new SQLite file in ``folder``."""
    engine = deployed_engine(folder, templates)
    seed(engine)
    with serving(create_app({"ENGINE": engine, "SECRET_KEY": "browser-test"})) as url:
        yield url, engine
    engine.db.dispose()


def keyboard_window(
    chromium: Any, server: str, viewport: dict, username: str | None, english: bool
) -> Any:
    """Open a window of that size, signed in by typing as ``username`` (a demo user) if named."""
    page = chromium.new_context(locale="zh-CN", viewport=viewport).new_page()
    if username:
        page.goto(f"{server}/login")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.goto(f"{server}/public/")
    if english:
        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
    return page


def deployed_engine(folder: Path, templates: Templates) -> Engine:
    """Return an engine on a new SQLite file in ``folder`` with the bundled workflows deployed."""
    url = f"sqlite:///{folder / 'gongkai.sqlite3'}"
    return Engine(templates.copy("deployed", _deploy, url), password_method=CHEAP_PASSWORDS)


def _deploy(db: Database) -> None:
    """Deploy the bundled workflows (a template: migrated once a session, then copied)."""
    Engine(db, password_method=CHEAP_PASSWORDS).deploy(sorted(WORKFLOWS.glob("*.bpmn")))


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; yield its address."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()


@pytest.fixture(scope="module")
def server(site: tuple[str, Engine]) -> str:
    """The address gongkai is served at."""
    return site[0]


# One browser for the whole session: starting Playwright's driver and Chromium costs
# over a second of CPU, and each test's windows open in contexts of their own.
@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Launch Debian's Chromium; skip without it, unless CI requires it."""
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
def sign_in(chromium: Any, server: str) -> Iterator[Callable[[str], Any]]:
    """Open a fresh browser window signed in as a user, typing like a person with a keyboard."""
    contexts = []

    def open_as(username: str) -> Any:
        context = chromium.new_context(locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/login")
        # The user name field takes the focus on arrival (autofocus): type straight away.
        page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/login" not in url)  # the user's home page
        return page

    yield open_as
    for context in contexts:
        context.close()


def answering(page: Any, answers: list[bool]) -> list[str]:
    """Answer the page's confirmations in turn (accept or dismiss); return what they asked.

    One asked beyond the answers is dismissed.
    """
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        accepting = len(asked) <= len(answers) and answers[len(asked) - 1]
        dialog.accept() if accepting else dialog.dismiss()

    page.on("dialog", answer)
    return asked


def asked_by_now(page: Any, asked: list[str], count: int) -> list[str]:
    """Return the confirmations asked once there are `count` of them (waiting up to 5 s).

    A click that opens a confirmation returns before the dialog event reaches its
    handler when the machine is busy, so a dismissed one is waited for, not assumed.
    """
    deadline = time.monotonic() + 5
    while len(asked) < count and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    return asked


def open_first_task(page: Any, name: str) -> None:
    """Open the first task of that name from the inbox (its link reads "name：subject")."""
    page.get_by_role("link", name=re.compile(rf"^{re.escape(name)}\s*：")).first.click()
    page.wait_for_selector("form[enctype]")


def submit(page: Any) -> None:
    """Submit the task form and wait for the inbox."""
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("h1:has-text('待办事项')")


def submit_draft(page: Any) -> None:
    """Submit a draft and wait for the drafter's documents, where it now shows."""
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("h1:has-text('我的公文')")


def approve_up_to_issue(
    sign_in: Callable[[str], Any], check: Callable[[Any], None] | None = None
) -> None:
    """Approve the newest draft as department head, office and leader, through the pages."""
    for username, task_name, decision, extra in REVIEW_CHAIN:
        page = sign_in(username)
        open_first_task(page, task_name)
        if check is not None:
            check(page)
        page.get_by_label(decision).select_option("approve")
        for label, value in extra.items():
            page.get_by_label(label).fill(value)
        submit(page)
