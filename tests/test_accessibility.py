"""Every page is usable with a keyboard and a screen reader: labelled controls, landmarks."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask

from engine import Database, Engine
from engine.store import schema
from webui import create_app
from webui.cli import BUNDLED_WORKFLOWS
from webui.demo import seed

from .conftest import CHEAP_PASSWORDS
from .test_webui import Browser, task_link


class PageAudit(HTMLParser):
    """Collect what a keyboard or screen-reader user depends on."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.h1 = 0
        self.skip_link = False
        self.main = False
        self.positive_tabindex: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append({**a, "_tag": tag, "_wrapped": str(self.label_depth > 0)})
        if tag == "h1":
            self.h1 += 1
        if tag == "a" and a.get("href") == "#main":
            self.skip_link = True
        if tag == "main" and a.get("id") == "main":
            self.main = True
        if a.get("tabindex", "0").lstrip("-").isdigit() and int(a.get("tabindex", "0")) > 0:
            self.positive_tabindex.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"{c['_tag']} name={c.get('name')}"
            for c in self.controls
            if c["_wrapped"] != "True"
            and c.get("id") not in self.label_for
            and not c.get("aria-label")
        ]


def audit(html: str) -> PageAudit:
    page = PageAudit()
    page.feed(html)
    return page


@pytest.fixture
def app(tmp_path, clock) -> Flask:
    engine = Engine(
        Database.connect(f"sqlite:///{tmp_path / 'a11y.sqlite3'}"),
        clock,
        password_method=CHEAP_PASSWORDS,
    )
    schema.upgrade(engine.db)
    engine.deploy(sorted(BUNDLED_WORKFLOWS.glob("*.bpmn")))
    seed(engine)
    yield create_app({"TESTING": True, "ENGINE": engine})
    engine.db.dispose()


def pages(app: Flask) -> dict[str, str]:
    """Return the HTML of every kind of page, in Chinese and in English."""
    found: dict[str, str] = {}
    anonymous = Browser(app.test_client())
    found["login"] = anonymous.get("/login")
    found["public list"] = anonymous.get("/public/")
    found["public document"] = anonymous.get(
        re.search(r'href="(/public/\d+)"', found["public list"]).group(1)
    )
    found["public request"] = anonymous.get("/public/request")
    found["public status"] = anonymous.get("/public/status")
    for user in ("zhangsan", "lisi", "sunqi", "zhouba", "wujiu", "zhengshi", "wangwu"):
        browser = Browser(app.test_client()).login(user)
        found[f"inbox of {user}"] = inbox = browser.get("/")
        found[f"task of {user}"] = browser.get(task_link(inbox))
    auditor = Browser(app.test_client()).login("qianyi")
    found["catalogue"] = catalogue = auditor.get("/documents")
    found["sheet"] = auditor.get(re.search(r'href="(/instances/\d+/sheet)"', catalogue).group(1))
    found["document"] = auditor.get(re.search(r'href="(/documents/\d+)"', catalogue).group(1))
    registrar = Browser(app.test_client()).login("wujiu")
    found["request entry"] = registrar.get("/requests/new")
    found["request list"] = registrar.get("/requests")
    request_page = re.search(r'href="(/requests/\d+)"', found["task of wujiu"])
    if request_page:
        found["request"] = registrar.get(request_page.group(1))
    admin = Browser(app.test_client()).login("admin")
    found["admin tasks"] = admin.get("/admin/tasks")
    found["admin calendar"] = admin.get("/admin/calendar")
    found["admin users"] = admin.get("/admin/users")
    found["admin new user"] = admin.get("/admin/users/new")
    found["admin new user refused"] = admin.post(
        "/admin/users/new", {"username": "zhangsan", "password": "short"}, status=422
    )
    found["admin user"] = admin.get("/admin/users/zhangsan")
    found["admin user refused"] = admin.post(
        "/admin/users/admin", {"display_name": "", "groups": ["auditor"]}, status=422
    )
    admin.post("/language", {"lang": "en", "next": "/"})
    found["admin tasks (English)"] = admin.get("/admin/tasks")
    found["admin users (English)"] = admin.get("/admin/users")
    found["admin user (English)"] = admin.get("/admin/users/zhangsan")
    return found


def test_every_page_has_labelled_controls_and_landmarks(app: Flask) -> None:
    problems = []
    found = pages(app)
    # The audit must have something to look at: the forms of every kind of page.
    assert sum(len(audit(html).controls) for html in found.values()) >= 30
    for name, html in found.items():
        page = audit(html)
        if page.unlabelled():
            problems.append(f"{name}: controls without a label: {page.unlabelled()}")
        if page.lang not in ("zh-CN", "en"):
            problems.append(f"{name}: html lang is {page.lang!r}")
        if page.h1 != 1:
            problems.append(f"{name}: {page.h1} h1 headings")
        if not (page.skip_link and page.main):
            problems.append(f"{name}: no skip link to the main content")
        if page.positive_tabindex:
            problems.append(f"{name}: positive tabindex breaks the tab order")
    assert not problems, "\n".join(problems)


#: an input the browser would check itself, in its own language, unless the form says novalidate
_CHECKED_BY_BROWSER = re.compile(
    r"<(?:input|select|textarea)\b[^>]*?(?:\brequired\b|\b(?:min|max|maxlength|pattern)=|"
    r"\btype=\"(?:number|date|email|url)\")",
    re.S,
)
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)


def forms_the_browser_would_check(text: str) -> list[str]:
    """Return the opening tags of a template's forms that leave checking to the browser."""
    left = []
    for form in _FORM.finditer(text):
        opening = form.group(0)[: form.group(0).index(">") + 1]
        body = form.group(0)
        # render_field writes required (and typed inputs): its form must say novalidate too.
        if "novalidate" not in opening and (
            _CHECKED_BY_BROWSER.search(body) or "render_field(" in body
        ):
            left.append(opening)
    return left


def test_every_form_with_checked_inputs_leaves_the_messages_to_the_server() -> None:
    # The browser's bubble is in the browser's language, vanishes, and is not read by every
    # screen reader: the server says what is missing, beside the field, in the page's language.
    templates = Path(__file__).resolve().parent.parent / "webui" / "templates"
    left = {
        path.name: tags
        for path in sorted(templates.glob("*.html"))
        if (tags := forms_the_browser_would_check(path.read_text(encoding="utf-8")))
    }
    assert not left, left


def test_a_form_without_novalidate_is_found() -> None:
    assert forms_the_browser_would_check('<form method="get"><input type="date" name="d"></form>')
    assert forms_the_browser_would_check('<form method="post">{{ render_field(f) }}</form>')
    assert not forms_the_browser_would_check(
        '<form method="post" novalidate><input name="n" required></form>'
    )
    assert not forms_the_browser_would_check('<form method="post"><input name="n"></form>')
