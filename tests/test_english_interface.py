"""A reader who switches to English meets Chinese only in what people typed.

Two checks: a static one over the templates and the web code (every Chinese
interface string goes through gettext or ``pick``), and a walk through the demo
as each demo user in English that reports Chinese left in the page's chrome.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import uuid
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import pytest
import sqlalchemy
from babel.messages.pofile import read_po
from flask import Flask

from webui.demo import DEMO_USERS

from .test_request_pages import request_form
from .web import Browser

ROOT = Path(__file__).resolve().parent.parent
#: Chinese characters, and the full-width and CJK punctuation that Chinese text uses
CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
#: the calls that translate their strings
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "_l", "lazy_gettext"}

#: template strings that are not interface text: (template, literal), each with its reason
TEMPLATE_ALLOWED = {
    # The annual report's numbering (一、（一）) turned into 1. (1) for English: what is
    # looked for in the form's own numbers, never shown.
    **{("report_annual.html", f"'{zh}'"): "replaced" for zh in "一二三四五六七八九、（）"},
}
#: whole Python modules whose Chinese is not web interface text, each with its reason
MODULES_ALLOWED = {
    # The demo's documents, requests, people and catalogue: data people would have typed.
    "webui/demo.py",
    # The command line writes "错误 / Error" in both languages at once, and prints the
    # annual report's statutory Chinese table (gongkai report); no web page shows it.
    "webui/cli.py",
    "webui/cli_tokens.py",
}
#: Python literals that are not interface text: (module, literal), each with its reason
PYTHON_ALLOWED = {
    # The language switch names Chinese in Chinese (中文), as switches do (marked lang).
    ("webui/i18n.py", "中文"),
    # The reply letter's file name: the letter is the Chinese official document itself.
    ("webui/requests.py", "答复书"),
}
#: English translations that keep Chinese on purpose: msgid -> why
TRANSLATIONS_ALLOWED = {
    # The prefix is typed in Chinese whatever the interface: its example is that Chinese.
    "文号前缀只写发文机关代字（如“威政办发”），不含年份、括号、序号或“号”字。": "example",
}


def template_findings(path: Path) -> list[str]:
    """Return the Chinese of a template outside gettext and pick's Chinese argument."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    calls: list[list] = []  # the open brackets: [the name called, or None; the argument's index]
    previous: tuple[str, str] = ("", "")
    translating = False  # inside {% trans %}
    found = []
    for lineno, kind, value in env.lex(path.read_text(encoding="utf-8")):
        if kind == "whitespace":
            continue
        if kind == "name" and previous[0] == "block_begin" and value in ("trans", "endtrans"):
            translating = value == "trans"
        if kind == "operator" and value in "([{":
            called = previous[1] if value == "(" and previous[0] == "name" else None
            calls.append([called, 0])
        elif kind == "operator" and value in ")]}" and calls:
            calls.pop()
        elif kind == "operator" and value == "," and calls:
            calls[-1][1] += 1
        # Comments are tokens of their own (comment), never data or strings.
        if kind in ("data", "string") and CHINESE.search(value) and not translating:
            translated = any(
                name in GETTEXT or (name == "pick" and argument == 0) for name, argument in calls
            )
            if not translated and (path.name, value) not in TEMPLATE_ALLOWED:
                found.append(f"{path.name}:{lineno}: {value.strip()[:60]!r}")
        previous = (kind, value)
    return found


def _called(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    return function.attr if isinstance(function, ast.Attribute) else None


def _plain(node: ast.AST) -> bool:
    """Tell whether a node is a string literal without Chinese (the English of a pair)."""
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and not CHINESE.search(node.value)
    )


def _translated(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Tell whether a Chinese literal is translated, or the Chinese of a bilingual pair."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Call) and child in parent.args:
            name = _called(parent)
            if name in GETTEXT or (name == "pick" and parent.args.index(child) == 0):
                return True
            # The API's descriptions: _text("English", "中文"); _zh("中文") beside the docstring.
            if name == "_zh" or any(_plain(a) for a in parent.args if a is not child):
                return True
        # ("中文", "English") and "、" if chinese else ", ": both languages side by side
        if isinstance(parent, ast.Tuple) and any(_plain(e) for e in parent.elts):
            return True
        if isinstance(parent, ast.IfExp) and _plain(
            parent.orelse if child is parent.body else parent.body
        ):
            return True
        # the OpenAPI document's Chinese beside its English: {"x-zh": "中文"}
        if isinstance(parent, ast.Dict) and child in parent.values:
            key = parent.keys[parent.values.index(child)]
            if isinstance(key, ast.Constant) and str(key.value).endswith("-zh"):
                return True
        if isinstance(parent, ast.stmt):
            return False
        child, parent = parent, parents.get(parent)
    return False


def python_findings(path: Path) -> list[str]:
    """Return the Chinese literals of a module that reach a reader untranslated."""
    relative = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = {
        node.body[0].value
        for node in ast.walk(tree)
        if isinstance(node, documented)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"{relative}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CHINESE.search(node.value)
        and node not in docstrings
        and (relative, node.value) not in PYTHON_ALLOWED
        and not _translated(node, parents)
    ]


def test_templates_show_chinese_only_through_gettext() -> None:
    templates = sorted((ROOT / "webui" / "templates").glob("*.html"))
    assert len(templates) > 40  # the templates are where they were
    found = [line for path in templates for line in template_findings(path)]
    assert not found, "Chinese interface text outside _() or pick():\n" + "\n".join(found)


def test_web_code_shows_chinese_only_through_gettext() -> None:
    modules = [
        path
        for path in sorted((ROOT / "webui").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in MODULES_ALLOWED
    ]
    found = [line for path in modules for line in python_findings(path)]
    assert not found, "Chinese literals outside _() or pick():\n" + "\n".join(found)


def test_english_translations_say_it_in_english() -> None:
    with (ROOT / "webui" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    found = [
        f"{message.id!r} -> {message.string!r}"
        for message in catalogue
        if message.id
        and message.id not in TRANSLATIONS_ALLOWED
        and CHINESE.search(str(message.string))
    ]
    assert not found, "English translations with Chinese in them:\n" + "\n".join(found)


def test_the_static_checks_find_what_they_look_for(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "{# 注释 #}<h1>{{ _('标题') }}</h1><p>未翻译</p>{{ pick('：', ': ') }}{{ x or '（无）' }}",
        encoding="utf-8",
    )
    found = [f.split(": ", 1)[1] for f in template_findings(page)]
    assert found == ["'</h1><p>未翻译</p>'", "\"'（无）'\""]
    code = ROOT / "webui" / "_probe.py"
    code.write_text(
        '"""说明。"""\nflash(_("好"))\nflash("坏")\nPAIR = ("甲", "A")\nX = "、".join(y)\n',
        encoding="utf-8",
    )
    try:
        assert [f.split(": ", 1)[1] for f in python_findings(code)] == ["'坏'", "'、'"]
    finally:
        code.unlink()


# -- the walk through the demo in English ------------------------------------------------

#: links the walk does not follow: files, what changes state, what is not a page
_SKIPPED = re.compile(
    r"^/(static|logout|attachments|api/v1/openapi|metrics|healthz|diagrams)"
    r"|\.(pdf|csv|xlsx|json|bpmn)$|/id-scan$"
)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr", "param"}
#: attributes a reader sees or hears
_SHOWN = ("title", "aria-label", "placeholder", "alt", "label", "data-label-position")


class Chrome(HTMLParser):
    """Collect a page's visible texts and links, leaving out what is marked as Chinese."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self.open: list[tuple[str, bool]] = []  # the open elements: (tag, marked Chinese)
        self.hidden = 0  # inside <script> or <style>

    def _chinese(self) -> bool:
        return any(marked for _, marked in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        marked = a.get("lang", "").startswith("zh")
        if not (marked or self._chinese()):
            self.texts += [a[name] for name in _SHOWN if a.get(name)]
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.texts.append(a["value"])
        if tag in ("script", "style"):
            self.hidden += 1
        if tag not in _VOID:
            self.open.append((tag, marked))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and not self.hidden and not self._chinese():
            self.texts.append(data.strip())


def typed_texts(app: Flask) -> list[str]:
    """Return the Chinese texts stored as data (what people typed), longest first.

    Every table's text, JSON taken apart, except the deployed workflows: their names
    have English labels, and a page that shows the Chinese one instead is a finding.
    """
    engine = app.extensions["gongkai.engine"]
    found: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            if CHINESE.search(value):
                found.add(value)
                with contextlib.suppress(ValueError):  # JSON: the values people typed
                    collect(json.loads(value))
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    with engine.db.read_engine.connect() as conn:
        metadata = sqlalchemy.MetaData()
        metadata.reflect(conn)
        for table in metadata.sorted_tables:
            if table.name in ("definitions", "deployed_processes", "alembic_version"):
                continue
            for row in conn.execute(table.select()):
                for value in row:
                    collect(value)
    # One-character data (a 、) would hide chrome of its own kind; data that short is none.
    return sorted((t for t in found if len(t) > 1), key=len, reverse=True)


def leftovers(html: str, typed: list[str], blob: str) -> list[str]:
    """Return the page's texts that keep Chinese once the data in them is taken out."""
    page = Chrome()
    page.feed(html)
    found = []
    for text in page.texts:
        if not CHINESE.search(text) or text in blob:  # the whole text is (part of) data
            continue
        rest = text
        for data in typed:
            if data in rest:
                rest = rest.replace(data, " ")
        if CHINESE.search(rest):
            found.append(text)
    return found


def _followed(link: str) -> str | None:
    """Return the page a link leads to, as the walk visits it, or None when not followed."""
    parts = urlsplit(link)
    if _SKIPPED.search(parts.path) or parts.path.startswith("//"):
        return None
    # A task needs its case; lists' filters and pages show the same chrome as their first.
    return f"{parts.path}?{parts.query}" if parts.path.startswith("/tasks/") else parts.path


def walk(browser: Browser, start: list[str], depth: int = 3) -> dict[str, str]:
    """Return the pages reached from ``start`` within ``depth`` clicks, by path."""
    pages: dict[str, str] = {}
    queue = deque((path, 0) for path in start)
    while queue:
        path, level = queue.popleft()
        if path in pages:
            continue
        response = browser.client.get(path)
        if not response.content_type.startswith("text/html"):
            continue
        pages[path] = html = response.get_data(as_text=True)
        if level < depth:
            page = Chrome()
            page.feed(html)
            queue.extend((p, level + 1) for link in page.links if (p := _followed(link)))
    return pages


def english_browser(app: Flask, user: str | None) -> Browser:
    """Return a browser signed in as ``user`` (or anonymous) that switched to English."""
    browser = Browser(app.test_client())
    if user:
        browser.login(user)
    else:
        browser.get("/login")
    browser.post("/language", {"lang": "en", "next": "/"})
    return browser


def public_asking(browser: Browser) -> dict[str, str]:
    """Return the pages of asking in public: refused, its receipt, its status, a wrong code."""
    pages = {"public request refused": browser.post("/public/request", {}, status=422)}
    browser.get("/public/request")
    browser.post("/public/request", request_form(), status=303)
    pages["public receipt"] = receipt = browser.get("/public/request/receipt")
    number, code = re.findall(r'<code class="big">(\w+)</code>', receipt)
    asked = {"tracking_number": number, "query_code": code}
    pages["public status found"] = browser.post("/public/status", asked, status=200)
    wrong = {**asked, "query_code": "WRONGWRONG"}
    pages["public status wrong"] = browser.post("/public/status", wrong, status=404)
    return pages


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_demo_user_meets_no_chinese_chrome_in_english(app: Flask) -> None:
    pages: dict[str, str] = {}
    for user in [*DEMO_USERS, None]:
        browser = english_browser(app, user)
        who = user or "anonymous"
        # The navigation's pages, the public ones, the API's reference, and two errors:
        # a page that is not there, and a task that is not (or no longer) there.
        start = ["/", "/public/", "/public/request", "/public/status", "/api/v1/docs"]
        start += ["/no-such-page", f"/tasks/{uuid.UUID(int=1)}?case=1"]
        for path, html in walk(browser, start).items():
            pages[f"{who} {path}"] = html
        # A page the user may not see: the refusal's chrome.
        refused = browser.client.get("/admin/users" if user != "admin" else "/audit/instances")
        pages[f"{who} refused"] = refused.get_data(as_text=True)
    pages.update(public_asking(english_browser(app, None)))
    # A form refused with the engine's words: an empty draft, a new user's bad password.
    drafter = english_browser(app, "zhangsan")
    drafter.get("/drafts/new")
    pages["zhangsan empty draft"] = drafter.post("/drafts/new", {"action": "save"}, status=422)
    admin = english_browser(app, "admin")
    admin.get("/admin/users/new")
    refused_user = {"username": "zhangsan", "password": "short"}
    pages["admin refused user"] = admin.post("/admin/users/new", refused_user, status=422)
    # Every kind of page was reached: tasks, documents, requests, sheets, audit, admin.
    reached = " ".join(pages)
    for kind in ("/tasks/", "/documents/", "/requests/", "/sheet", "/audit/", "/admin/"):
        assert kind in reached, f"the walk reached no {kind} page"
    assert "/letter" in reached and "/report/annual" in reached and "/public/" in reached
    typed = typed_texts(app)  # after the walk: it asked for information too
    blob = "\x00".join(typed)
    found = {
        f"{name}: {text[:80]}"
        for name, html in pages.items()
        for text in leftovers(html, typed, blob)
    }
    assert not found, f"Chinese in the English chrome ({len(found)}):\n" + "\n".join(sorted(found))
