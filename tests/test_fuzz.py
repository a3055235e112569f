"""Hostile input on every form and route gives an answer, never a server error (500).

Hypothesis sends control characters (NUL among them), bidirectional and
zero-width characters, look-alikes that NFKC folds, very long strings, huge
and negative numbers, empty values, repeated and missing keys, unexpected
fields, odd path segments, Host and Cookie headers and raw bytes to the web
UI over the demo data, on SQLite and PostgreSQL.  The app runs with
``TESTING``, so any exception in a view escapes to the test client instead
of becoming a 500 page: every example must end in one of the answers the
route may give, and a refused post must change nothing.  A task post refused
with the workflow's error page (a step failed on what the form accepted, the
database refusing it, say) counts as a server error too.

Task forms are fuzzed from a valid post, with fields kept, dropped, repeated
or replaced by hostile or odd-but-acceptable values (text at its length
limit, look-alikes, personal data in unusual digits), so that what a form
accepts is carried on: the next step works on it and every page that shows
it is read back.

What the transport carries: the test client, like a browser, sends text as
UTF-8, so a lone surrogate never reaches a view (percent-encoded invalid
UTF-8 in a form arrives as the literal ``%ED%A0%80``, and a raw non-UTF-8
byte makes the whole form empty).  Raw bytes in a query string do reach the
app (the development server and other WSGI servers pass them on as
Latin-1), so they are sent too.

Each test builds the app once and runs all its examples against it;
``derandomize`` makes every run send the same inputs.  The last test sends
the smallest inputs these tests found a server error with.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from marshmallow import fields as ma_fields
from marshmallow import validate
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from engine import Engine
from engine.access import MAX_ID
from engine.disclosure.forms import FORMS
from engine.disclosure.models import CalendarDay
from engine.disclosure.privacy import id_check_char
from engine.forms import IdentifierString, TrimmedString
from engine.text import BIDI_CONTROLS, text_problem
from engine.users import normalised_username
from webui import get_engine
from webui.demo import DEMO_PASSWORD, DEMO_USERS

from .web import CSRF

#: the same examples on every run; no shrinking, since the examples change the database and
#: a replay is not quite the same example (every assertion names the input it sent instead).
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

USERS = sorted([*DEMO_USERS, "lisi2"])
#: the demo user who works on the tasks of each role.
WORKER = {
    "drafter": "zhangsan",
    "dept_head": "lisi",
    "office": "wangwu",
    "leader": "zhaoliu",
    "secrecy_reviewer": "sunqi",
    "publisher": "zhouba",
}
#: reads every instance and document, changes nothing.
READER = "qianyi"

# -- strategies ---------------------------------------------------------------------------


def mostly(usual: st.SearchStrategy, unusual: st.SearchStrategy, odds: int = 3) -> Any:
    """Draw from ``usual`` ``odds`` times as often as from ``unusual``.

    (``one_of`` gives each branch the same chance, however often it is listed.)
    """
    return st.integers(0, odds).flatmap(lambda n: unusual if n == 0 else usual)


#: what the hardening is about: C0 and C1 controls, bidirectional controls, zero-width and
#: odd spaces, non-characters, compatibility forms NFKC folds, combining marks, markup.
ODD_CHARACTERS = sorted(
    {chr(c) for c in range(0x20)}
    | {"\x7f", "\x85", "\x9b", "\xa0", "\xad"}
    | BIDI_CONTROLS
    | {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2028", "\u2029", "\u3000"}
    | {"\u180e", "\ufffe", "\uffff", "\ufffd", "\U0010ffff", "\U000e0001", "\U0001f600"}
    | {"ｌ", "ﬁ", "Å", "\u0301", "\u0307", "ß", "İ", "１", "٣", "㍿", "\ue000"}
    | {"'", '"', "<", ">", "&", "%", "\\", "/", "#", "?", "=", ";"}
)
ODD_PIECES = ["..", "{{ 7*7 }}", "%s", "${x}", "--", "%00", "\r\n", "&#0;", "<script>", "NULL"]
#: any character the transport carries (UTF-8 has no lone surrogates), odd ones often.
CHARACTERS = st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD_CHARACTERS))
TEXT = st.lists(mostly(CHARACTERS, st.sampled_from(ODD_PIECES)), max_size=20).map("".join)
#: very long text, past every length limit a field has (the longest is 50000).
LONG_TEXT = st.builds(
    lambda unit, count: (unit * count)[:count],
    st.text(CHARACTERS, min_size=1, max_size=3),
    st.sampled_from([33, 65, 201, 501, 2001, 20001, 50001]),
)
NUMBERS = st.one_of(
    st.integers(-(2**80), 2**80).map(str),
    st.sampled_from(
        [
            *("0", "-0", "-1", str(MAX_ID), str(MAX_ID + 1), str(2**63), "1e309", "nan"),
            *("inf", "0x10", " 7 ", "٣", "１２", "+1", "1_000", "1.5", "9" * 400, "9" * 5000),
        ]
    ),
)
VALUES = mostly(st.one_of(TEXT, NUMBERS, st.just("")), LONG_TEXT)


def _acceptable(char: str) -> bool:
    return text_problem(char, multiline=True) is None


#: characters a text field accepts, odd ones often: what gets stored and shown again.
ACCEPTED_CHARACTERS = st.one_of(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs"),
        exclude_characters=[*BIDI_CONTROLS, "\ufffe", "\uffff"],
    ),
    st.sampled_from([c for c in ODD_CHARACTERS if _acceptable(c)]),
)
#: personal data as a drafter might write it, in ASCII, full-width or Arabic-Indic digits.
_RESIDENT = "37100219850312003" + id_check_char("37100219850312003")
_DIGITS = ["0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩"]  # ASCII, full width, Arabic-Indic
PERSONAL = st.builds(
    lambda label, number, digits: label + number.translate(str.maketrans("0123456789", digits)),
    st.sampled_from(["身份证号", "电话", "手机：", "护照", "卡号", "账号", "Tel ", "编号", ""]),
    st.sampled_from(
        [
            *(_RESIDENT, "139 1234 5678", "+86-139-1234-5678", "0631-5288123", "E12345678"),
            *("6222021234567890128", "4111 1111 1111 1111", "371002850312003", "鲁K·D12345"),
            *("wangxm@example.com", "13812345678元"),
        ]
    ),
    st.sampled_from(_DIGITS),
)
ACCEPTED_TEXT = st.lists(mostly(ACCEPTED_CHARACTERS, PERSONAL), max_size=12).map("".join)

#: names a form might be sent besides its own fields: other forms' fields, case data.
FIELD_NAMES = sorted(
    {name for form in FORMS for name in FORMS[form]().fields}
    | {"attachment", "review_item", "review_record", "return_reasons", "actors", "_schema"}
    | {"task_id", "instance_id", "issued", "__class__", "__proto__", ""}
)
EXTRA_FIELDS = st.lists(
    st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), TEXT), VALUES), max_size=4
)


def pick(draw: st.DrawFn, items: list[str], fallback: str = "") -> str:
    """Draw one of ``items``, the same way however many there are.

    Lists read from the database change as the examples change it; drawing an
    index of fixed range keeps each example's draws the same when replayed.
    """
    index = draw(st.integers(0, 2**16))
    return items[index % len(items)] if items else fallback


@st.composite
def segments(draw: st.DrawFn) -> str:
    """Return a path segment: a number, a task id or odd text, quoted or not."""
    raw = draw(
        st.one_of(
            NUMBERS,
            st.integers(-5, 12).map(str),
            st.uuids().map(str),
            st.uuids().map(lambda u: str(u).upper()),
            st.uuids().map(lambda u: u.hex),
            TEXT,
            st.sampled_from(["", ".", "..", "%00", "%ff", "%ED%A0%80", "%2e%2e", "a%2Fb", "%"]),
        )
    )
    return quote(raw, safe=draw(st.sampled_from(["", "%", "%/", "%/?#;=&"])))


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    """Return a WSGI QUERY_STRING: parameters (?lang=...), percent escapes or raw bytes."""
    kind = draw(st.sampled_from(["none", "params", "params", "escapes", "raw"]))
    if kind == "params":
        keys = st.one_of(st.just("lang"), st.just("next"), TEXT)
        values = st.one_of(st.sampled_from(["en", "zh", "EN", ""]), VALUES)
        return urlencode(draw(st.lists(st.tuples(keys, values), max_size=3)))
    if kind == "escapes":  # percent-encoded bytes, valid UTF-8 or not
        return "lang=" + "".join(f"%{b:02X}" for b in draw(st.binary(max_size=6)))
    if kind == "raw":  # bytes as they came, the way a WSGI server passes them on
        return "lang=" + draw(st.binary(max_size=16)).decode("latin-1")
    return ""


#: the next page after switching the language or signing in: local paths, URLs, odd text.
NEXT_PAGES = st.sampled_from(["text", "path", "authority", "known"]).flatmap(
    lambda kind: {
        "text": TEXT,
        "path": st.builds(lambda rest: "/" + rest, TEXT),
        "authority": st.builds(
            lambda rest: "//" + rest, st.text(st.sampled_from("[]:@/\\.a1%?#"), max_size=8)
        ),
        "known": st.sampled_from(
            [
                *("/", "//evil.example", "///evil.example", "/\\evil.example", "/\t/a"),
                *("https://evil.example/", "//[::1]/", "//user@evil.example", "/%0d%0a"),
                *("/\r\nSet-Cookie: a=1", "javascript:alert(1)", "/?next=//evil.example"),
            ]
        ),
    }[kind]
)
#: WSGI header values are Latin-1 text.
LATIN_1 = st.text(st.characters(max_codepoint=0xFF), max_size=80)
#: Host headers: odd, too long a DNS label (over 63), empty labels.  Not "xn--" labels that
#: are not Punycode: the test client itself fails on those before the app sees them.
HOSTS = st.one_of(
    st.sampled_from(["evil.example", "a..b", ".", "[::1", "a b", "x:99999999", "ä.example"]),
    st.builds(
        lambda n, rest: "a" * n + rest, st.integers(1, 80), st.sampled_from(["", ".cn", ":80"])
    ),
    LATIN_1.filter(lambda host: "xn--" not in host.lower()),
)
COOKIES = st.builds(
    lambda name, value: f"{name}={value}",
    st.sampled_from(["session", "remember_token", "lang", ""]),
    LATIN_1,
)
ADDRESSES = st.one_of(
    st.ip_addresses().map(str), st.sampled_from(["", "unknown", "::1", "127.0.0.1"])
)


@st.composite
def usernames(draw: st.DrawFn, real: list[str] = USERS) -> str:
    """Return a user name: a real one, one disguised (case, width, spaces, NUL), or junk."""
    name = pick(draw, real, "admin")
    full_width = name.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    disguised = [name.upper(), f" {name}\t", name + "\x00", name + "\u200b", full_width]
    return draw(mostly(st.just(name), st.one_of(st.sampled_from(disguised), TEXT, LONG_TEXT), 2))


# -- the site: signed-in users and an open task of every form ----------------------------


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Return the CSRF token of the client's session, as the page at ``path`` holds it."""
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client: FlaskClient, username: str) -> str:
    """Sign ``client`` in as ``username``; return the CSRF token of its session."""
    data = {"csrf_token": csrf_token(client), "username": username, "password": DEMO_PASSWORD}
    assert client.post("/login", data=data).status_code == 302
    return csrf_token(client, "/documents")  # every signed-in user may read it


def allowed(response: TestResponse, statuses: set[int], what: object = "") -> None:
    """Assert the answer is one the route may give (a 5xx never is)."""
    status = response.status_code
    tail = response.get_data()[-300:].decode("utf-8", "replace")
    assert status < 500, (status, what, tail)
    assert status in statuses, (status, what, tail)


def refused_on_the_form(response: TestResponse, what: object = "") -> None:
    """Assert a refused task post shows the form with field errors.

    A 422 error page instead means the workflow failed on input the form had
    accepted (a script or the database refused it): a server error in disguise.
    """
    html = response.get_data(as_text=True)
    alert = re.findall(r'<p role="alert">(.*?)</p>', html, re.S)
    assert 'name="_version"' in html, ("the workflow failed on accepted input", alert, what)


_RESIDENT_BODY = f"当事人王小明（身份证号{_RESIDENT}，联系电话13912345678）占用道路。"
_DRAFT = {
    "title": "关于道路占用的处理结果公示",
    "doc_type": "general",
    "body": _RESIDENT_BODY,
    "attribute": "proactive",
}
_PLAIN_DRAFT = {**_DRAFT, "body": "现就有关事项通知如下。"}
_POLICY_DRAFT = {
    **_PLAIN_DRAFT,
    "doc_type": "policy",
    "attribute_reason": "涉及公众利益。",
    "interpretation_plan": "随文件同步发布图文解读。",
}
_REVIEW = {"decision": "approve", "attribute": "proactive", "comment": "同意。"}
_ISSUE = [
    ("lisi", _REVIEW),
    ("wangwu", {**_REVIEW, "number_prefix": "威政办发"}),
    ("zhaoliu", _REVIEW),
]
_DISCLOSE = ("sunqi", {"review_conclusion": "disclose"})

#: form -> (process, the steps that lead to a task of it)
ROUTES: dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]] = {
    "document_draft": ("document_approval", []),
    "document_review": ("document_approval", [("zhangsan", _DRAFT)]),
    "office_review": ("document_approval", [("zhangsan", _DRAFT), _ISSUE[0]]),
    "document_sign_off": ("document_approval", [("zhangsan", _DRAFT), *_ISSUE[:2]]),
    "confidentiality_review": ("document_approval", [("zhangsan", _DRAFT), *_ISSUE]),
    "referral_answer": (
        "document_approval",
        [
            ("zhangsan", _DRAFT),
            *_ISSUE,
            ("sunqi", {"review_conclusion": "refer", "review_basis": "难以确定。"}),
        ],
    ),
    "publish_document": ("document_approval", [("zhangsan", _PLAIN_DRAFT), *_ISSUE, _DISCLOSE]),
    "publish_interpretation": (
        "document_approval",
        [("zhangsan", _POLICY_DRAFT), *_ISSUE, _DISCLOSE, ("zhouba", {"channel": "website"})],
    ),
    "simple_draft": ("simple_approval", []),
    "review_decision": ("simple_approval", [("zhangsan", {"title": "请假"})]),
}


class Site:
    """The demo site: a signed-in client per user, and an open task of every form."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.engine: Engine = get_engine(app)
        self._clients: dict[str, tuple[FlaskClient, str]] = {}
        self.tasks: dict[str, tuple[str, str]] = {}  # form -> (user, task id)
        self.refill()

    def client(self, user: str | None) -> tuple[FlaskClient, str]:
        """Return a client signed in as ``user`` (a new anonymous one for None), its token."""
        if user is None:
            client = self.app.test_client()
            return client, csrf_token(client)
        if user not in self._clients:
            client = self.app.test_client()
            self._clients[user] = (client, sign_in(client, user))
        return self._clients[user]

    def forget(self, user: str | None) -> None:
        """Drop the client of ``user`` (after it signed out)."""
        self._clients.pop(user or "", None)

    def refill(self) -> None:
        """Pick the newest open task of every form, or open one where there is none.

        The newest is the one the last completed post led to, so that what a form
        accepted is worked on in the next step.
        """
        newest: dict[str, tuple[int, str, str]] = {}
        for user in WORKER.values():
            for task in self.engine.queries.list_tasks(user):
                if (task.instance_id, task.task_id) > newest.get(task.form, (0, ""))[:2]:
                    newest[task.form] = (task.instance_id, task.task_id, user)
        self.tasks = {form: (user, task_id) for form, (_, task_id, user) in newest.items()}
        for form in FORMS:
            if form not in self.tasks:
                self.tasks[form] = self.open(form)

    def open(self, form: str) -> tuple[str, str]:
        """Start an instance and take it to a task of ``form``; return its user and id."""
        process, steps = ROUTES[form]
        instance = self.engine.start(process, "zhangsan")
        for actor, data in steps:
            instance = self.engine.complete_task(instance.ready_tasks[0].task_id, actor, data)
        task = instance.ready_tasks[0]
        assert task.form == form, (form, task.form)
        return WORKER[task.role], task.task_id

    def version(self, form: str) -> int:
        """Return the version of the instance the open task of ``form`` is in."""
        user, task_id = self.tasks[form]
        return self.engine.queries.task_form(task_id, user).task.instance_version

    def show(self, instance_id: int, lang: str) -> None:
        """Read back every page that shows what an instance holds: all must answer 200."""
        instance = self.engine.queries.get_instance(instance_id)
        reader, _ = self.client(READER)
        pages = [f"/instances/{instance_id}/sheet", "/documents", "/public/"]
        if issued := instance.data.get("issued"):
            pages.append(f"/documents/{issued['document_id']}")
        if attachment := instance.data.get("attachment"):
            pages.append(f"/attachments/{attachment['id']}")
        for path in pages:
            response = reader.get(path, query_string={"lang": lang})
            allowed(response, {200}, path)
        for task in instance.ready_tasks:
            worker, _ = self.client(WORKER[task.role])
            for path in ("/", f"/tasks/{task.task_id}"):
                allowed(worker.get(path, query_string={"lang": lang}), {200}, path)
        if issued:  # published or not yet
            public = self.app.test_client().get(f"/public/{issued['document_id']}")
            allowed(public, {200, 404})


@pytest.fixture
def site(app: Flask) -> Site:
    return Site(app)


# -- 1. task forms ------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


#: the smallest file that passes for a DOCX.
DOCX = _docx()


def baseline(form: str, case: dict[str, Any]) -> dict[str, list[str]]:
    """Return a post that completes a task of ``form`` in the demo's case."""
    findings = [f["id"] for f in (case.get("review_item") or {}).get("findings") or []]
    redacted = {"confirmed_findings": findings}
    posts: dict[str, dict[str, Any]] = {
        "document_draft": {**_DRAFT, "government_draft": "y"},
        "document_review": _REVIEW,
        "office_review": {**_REVIEW, "number_prefix": "威政办发"},
        "document_sign_off": _REVIEW,
        "confidentiality_review": {
            "review_conclusion": "disclose_redacted" if findings else "disclose",
            **redacted,
        },
        "referral_answer": {
            "referral_reference": "保密函〔2026〕1号",
            "referral_conclusion": "disclose_redacted" if findings else "disclose",
            **redacted,
        },
        "publish_document": {"publish_action": "publish", "channel": "website"},
        "publish_interpretation": {"interpretation_title": "解读", "interpretation_url": ""},
        "simple_draft": {"title": "请假", "body": "家中有事。"},
        "review_decision": {"decision": "approve"},
    }
    return {k: v if isinstance(v, list) else [v] for k, v in posts[form].items()}


def max_length(spec: ma_fields.Field) -> int | None:
    """Return the longest text a field takes, if it says."""
    limits = [v.max for v in spec.validators if isinstance(v, validate.Length) and v.max]
    return min(limits, default=None)


@st.composite
def acceptable_values(draw: st.DrawFn, spec: ma_fields.Field, case: dict[str, Any]) -> str:
    """Return a value a field may well accept, odd in content or at its length limit."""
    meta = spec.metadata
    if choices := meta.get("choices"):
        return draw(st.sampled_from([*choices, "", *(f" {c}" for c in choices)]))
    if isinstance(spec, ma_fields.Boolean):
        return draw(st.sampled_from(["y", "on", "true", "1", "0", "false", "off", "", "TRUE"]))
    if isinstance(spec, ma_fields.List):
        findings = (case.get("review_item") or {}).get("findings") or []
        return pick(draw, [f["id"] for f in findings] + ["", "f-1"])
    if meta.get("widget") == "url":  # the database keeps 500 characters of a web address
        length = draw(st.sampled_from([0, 30, 499, 500, 501, 2000]))
        return ("https://www.example.gov.cn/" + "a" * length)[: max(length, 12)]
    if meta.get("widget") == "findings" or not isinstance(spec, TrimmedString | IdentifierString):
        return draw(TEXT)
    text = draw(ACCEPTED_TEXT)
    item_text = (case.get("review_item") or {}).get("text") or ""
    limit = max_length(spec)
    how = draw(st.sampled_from(["as drawn", "at the limit", "a passage"]))
    if limit and how == "at the limit":  # below, at and past it
        text = ((text or "字") * limit)[: limit + draw(st.sampled_from([-1, 0, 1]))]
    elif how == "a passage":  # of the reviewed text, which hand marks must quote
        start, length = draw(st.integers(0, 2**16)), draw(st.integers(1, 12))
        start %= max(len(item_text), 1)
        text = item_text[start : start + length] or text
    if meta.get("widget") != "textarea":
        text = text.replace("\n", " ").replace("\t", " ")
    return text


@st.composite
def posts(draw: st.DrawFn, form: str, case: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return the fields of a post to a task of ``form``: a valid post, mutated."""
    valid = baseline(form, case)
    items: list[tuple[str, Any]] = []
    for name, spec in FORMS[form]().fields.items():
        how = draw(
            st.sampled_from(["keep", "keep", "keep", "drop", "hostile", "odd", "odd", "more"])
        )
        kept = valid.get(name, [])
        if how == "keep":
            values = kept
        elif how == "drop":
            values = []
        elif how == "hostile":
            values = draw(st.lists(VALUES, min_size=1, max_size=2))
        elif how == "odd":
            values = [draw(acceptable_values(spec, case))]
        else:  # repeated: the valid value and more
            values = kept + draw(st.lists(acceptable_values(spec, case), min_size=1, max_size=2))
        items += [(name, v) for v in values]
    items += draw(EXTRA_FIELDS)
    for name in FORMS[form]().FILE_FIELDS:
        if draw(st.booleans()):
            content = draw(
                st.one_of(
                    st.binary(max_size=32),
                    st.binary(max_size=32).map(lambda b: b"%PDF-1.7\n" + b),
                    st.just(b"PK\x03\x04" + b"\x00" * 26),
                    st.just(DOCX),
                    st.just(b"%PDF-" + b"x" * 5000),  # over the test app's 4096-byte limit
                )
            )
            stem = draw(st.one_of(TEXT, ACCEPTED_TEXT, st.just("../../etc/passwd")))
            extension = draw(st.sampled_from(["pdf", "PDF", "docx", "ofd", "exe", ""]))
            items.append((name, (io.BytesIO(content), f"{stem}.{extension}")))
    return items


@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_task_forms_answer_hostile_posts_without_a_server_error(site: Site, data: Any) -> None:
    for form in sorted(FORMS):
        user, task_id = site.tasks[form]
        view = site.engine.queries.task_form(task_id, user)
        current = view.task.instance_version
        fields = data.draw(posts(form, view.data), label=f"{form} fields")
        version = data.draw(
            mostly(
                st.just(str(current)),
                st.one_of(st.none(), st.just(str(current - 1)), NUMBERS, TEXT),
                odds=2,
            ),
            label=f"{form} version",
        )
        client, token = site.client(user)
        sent = MultiDict([("csrf_token", token), *fields])
        if version is not None:
            sent.add("version", version)
        response = client.post(f"/tasks/{task_id}", data=sent)
        lang = data.draw(st.sampled_from(["zh", "en"]), label=f"{form} language")
        allowed(response, {302, 409, 413, 422}, (form, fields, version))
        event(f"{form}: {response.status_code}")
        if response.status_code == 422:
            refused_on_the_form(response, (form, fields))
        if response.status_code == 302:  # accepted: read back what it stored, work on
            site.show(view.task.instance_id, lang)
            site.refill()
        else:  # refused: the task is still open and its instance unchanged
            assert site.version(form) == current


def test_a_post_larger_than_the_limit_is_413_and_changes_nothing(site: Site) -> None:
    user, task_id = site.tasks["document_draft"]
    client, token = site.client(user)
    before = site.version("document_draft")
    body = "a" * site.app.config["MAX_CONTENT_LENGTH"]
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": token, "body": body})
    assert response.status_code == 413
    assert site.version("document_draft") == before


# -- 2. the other forms -------------------------------------------------------------------


@settings(FUZZ, max_examples=60)
@given(
    username=usernames(),
    password=mostly(st.just(DEMO_PASSWORD), st.one_of(TEXT, LONG_TEXT), odds=2),
    address=ADDRESSES,
    next_page=mostly(NEXT_PAGES, st.none()),
)
def test_sign_in_answers_hostile_input_without_a_server_error(
    app: Flask, username: str, password: str, address: str, next_page: str | None
) -> None:
    client = app.test_client()
    token = csrf_token(client)
    path = "/login" if next_page is None else "/login?" + urlencode({"next": next_page})
    response = client.post(
        path,
        data={"csrf_token": token, "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    allowed(response, {302, 400, 401, 413, 429}, (username, password, next_page))
    event(f"sign-in: {response.status_code}")
    if response.status_code == 400:  # a box left blank is said beside it, before any attempt
        assert not username.strip() or not password.strip()
    if response.status_code == 302:
        assert password == DEMO_PASSWORD and normalised_username(username) in USERS
    else:  # refused: still signed out
        assert client.get("/").headers["Location"].startswith("/login")


@settings(FUZZ, max_examples=100)
@given(
    lang=mostly(
        st.sampled_from(["zh", "en"]), st.one_of(st.sampled_from(["EN", " en", "fr"]), TEXT)
    ),
    next_page=NEXT_PAGES,
)
def test_the_language_switch_answers_hostile_input_without_a_server_error(
    app: Flask, lang: str, next_page: str
) -> None:
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/language", data={"csrf_token": token, "lang": lang, "next": next_page})
    allowed(response, {302, 400, 413}, (lang, next_page))
    event(f"language: {response.status_code}")
    with client.session_transaction() as session:
        assert session.get("lang") == (lang if response.status_code == 302 else None)


@st.composite
def schedules(draw: st.DrawFn) -> str:
    """Return a holiday schedule: mostly well-formed lines with odd dates and notes, or junk."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.one_of(TEXT, LONG_TEXT))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        edges = st.sampled_from([date.min, date.max, date(9999, 12, 30), date(2027, 1, 1)])
        first = draw(mostly(st.dates(date(1999, 1, 1), date(2100, 12, 31)), edges, odds=1))
        span = draw(st.integers(-3, 40))
        last = date.fromordinal(min(max(first.toordinal() + span, 1), date.max.toordinal()))
        day, days = first.isoformat(), f"{first.isoformat()}..{last.isoformat()}"
        malformed = [f"{first.year}-02-30", f"{first.year}-1-1", f"{day}..", "１" + day[1:]]
        when = draw(mostly(st.sampled_from([day, days]), st.sampled_from(malformed)))
        kind = draw(mostly(st.sampled_from(["holiday", "workday"]), TEXT))
        note = draw(mostly(st.one_of(st.just(""), ACCEPTED_TEXT), st.one_of(TEXT, LONG_TEXT)))
        comment = draw(st.sampled_from(["", " # 注释", "#", " #"]))
        separator = draw(st.sampled_from([" ", "\t", "\u3000", "  "]))
        lines.append(f"{when}{separator}{kind}{separator}{note}{comment}")
    return draw(st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b"])).join(lines)


def calendar_rows(engine: Engine) -> list[tuple]:
    with engine.db.transaction(write=False) as conn:
        return [tuple(row) for row in conn.execute(select(CalendarDay.__table__))]


@settings(FUZZ, max_examples=80)
@given(schedule=schedules())
def test_the_holiday_schedule_answers_hostile_input_without_a_server_error(
    site: Site, schedule: str
) -> None:
    client, token = site.client("admin")
    before = calendar_rows(site.engine)
    response = client.post("/admin/calendar", data={"csrf_token": token, "schedule": schedule})
    allowed(response, {302, 400, 413}, schedule)
    event(f"schedule: {response.status_code}")
    if response.status_code == 400:
        assert calendar_rows(site.engine) == before
    else:
        allowed(client.get("/admin/calendar"), {200})


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_claims_and_reassignment_answer_hostile_input_without_a_server_error(
    site: Site, data: Any
) -> None:
    open_tasks = {
        t.task_id: t for t in site.engine.queries.all_open_tasks("admin", limit=200).items
    }
    real_task = data.draw(st.sampled_from([True, True, False]), label="an open task")
    task_id = pick(data.draw, sorted(open_tasks))
    segment = data.draw(segments(), label="or this path segment")
    task_id = task_id if real_task else segment
    task = open_tasks.get(task_id)
    holders = sorted(u.username for u in site.engine.users.with_role(task.role)) if task else []
    action = data.draw(st.sampled_from(["claim", "release", "reassign"]), label="action")
    holder = data.draw(st.booleans(), label="a holder of the role")
    user = pick(data.draw, holders if holder and holders else USERS)
    user = "admin" if action == "reassign" else user
    to_user = data.draw(st.one_of(usernames(holders or USERS), st.none()), label="to_user")
    fields = MultiDict(data.draw(EXTRA_FIELDS, label="extra fields"))
    if to_user is not None:
        fields.add("to_user", to_user)
    client, token = site.client(user)
    fields.add("csrf_token", token)
    before = site.engine.queries.get_task(task_id) if task else None
    prefix = "/admin" if action == "reassign" else ""
    response = client.post(f"{prefix}/tasks/{task_id}/{action}", data=fields)
    allowed(response, {302, 400, 403, 404, 409, 413, 422}, (action, task_id, user, to_user))
    if response.status_code == 422:  # no one chosen: said beside the choice on the list
        assert action == "reassign"
    event(f"{action}: {response.status_code}")
    if before is not None and response.status_code != 302:
        assert site.engine.queries.get_task(task_id) == before
    elif before is not None:
        allowed(client.get(response.headers["Location"]), {200, 403})


# -- 3. every route, any method, any path, query and body --------------------------------

_PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>")


def fill(rule: str, draw: st.DrawFn, site: Site) -> str:
    """Return ``rule`` with each <parameter> replaced by a real value or an odd segment."""
    real = {
        "id": [str(n) for n in range(1, 7)],
        "task": sorted(task_id for _, task_id in site.tasks.values()),
        "path": ["style.css", "page.js", "favicon.svg", "../secret_key", "."],
    }

    def one(match: re.Match) -> str:
        known = real.get(match.group(1) or "", [])
        real_value = draw(st.sampled_from([True, True, False]))
        value, segment = pick(draw, known), draw(segments())
        return value if real_value and known else segment

    return _PARAMETER.sub(one, rule)


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_every_route_answers_odd_requests_without_a_server_error(site: Site, data: Any) -> None:
    rules = sorted(r.rule for r in site.app.url_map.iter_rules())
    rule = data.draw(st.sampled_from(rules), label="rule")
    path = fill(rule, data.draw, site)
    method = data.draw(
        st.sampled_from(["GET", "GET", "GET", "HEAD", "OPTIONS", "PUT", "DELETE"]), label="method"
    )
    user = data.draw(st.one_of(st.none(), st.sampled_from(USERS)), label="user")
    environ = {"QUERY_STRING": data.draw(query_strings(), label="query")}
    if (host := data.draw(mostly(st.none(), HOSTS), label="Host")) is not None:
        environ["HTTP_HOST"] = host
    if (cookie := data.draw(mostly(st.none(), COOKIES), label="Cookie")) is not None:
        environ["HTTP_COOKIE"] = cookie
    client, _ = site.client(user)
    response = client.open(path, method=method, environ_overrides=environ)
    allowed(response, {200, 302, 308, 400, 401, 403, 404, 405, 409}, (method, path, environ, user))
    event(f"{rule}: {response.status_code}")


@st.composite
def bodies(draw: st.DrawFn, token: str) -> dict[str, Any]:
    """Return the body of a post: junk fields, or raw bytes under some content type."""
    kind = draw(st.sampled_from(["fields", "fields", "urlencoded", "multipart", "other"]))
    csrf = draw(st.sampled_from([token, token, "", token[:-1] + "x"]))
    if kind == "fields":
        return {"data": MultiDict([("csrf_token", csrf), *draw(EXTRA_FIELDS)])}
    raw = draw(
        st.one_of(
            st.binary(max_size=64),
            st.sampled_from([b"a=%ED%A0%80", b"a=%ff&a=\xff", b"%", b"a=%zz&&=&", b"\x00=\x00"]),
        )
    )
    if kind == "urlencoded":
        body = b"csrf_token=" + csrf.encode() + b"&" + raw
        return {"data": body, "content_type": "application/x-www-form-urlencoded"}
    if kind == "multipart":
        boundary = draw(st.sampled_from(["x", "", '"', "a" * 200]))
        part = f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        body = part.encode() + csrf.encode() + b"\r\n" + raw + f"--{boundary}--\r\n".encode()
        return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
    content_type = draw(st.sampled_from(["application/json", "text/plain", "", "x/y; a=\x00"]))
    return {"data": raw, "content_type": content_type}


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_every_post_answers_junk_and_raw_bodies_without_a_server_error(
    site: Site, data: Any
) -> None:
    rules = sorted(r.rule for r in site.app.url_map.iter_rules() if "POST" in r.methods)
    rule = data.draw(st.sampled_from(rules), label="rule")
    path = fill(rule, data.draw, site)
    user = data.draw(st.one_of(st.none(), st.sampled_from(USERS)), label="user")
    client, token = site.client(user)
    body = data.draw(bodies(token), label="body")
    response = client.post(path, **body)
    allowed(response, {200, 302, 400, 401, 403, 404, 409, 413, 422, 429}, (path, body, user))
    event(f"{rule}: {response.status_code}")
    if rule == "/logout" and response.status_code == 302:
        site.forget(user)
    if response.status_code == 302 and rule == "/tasks/<task:task_id>":
        site.refill()


# -- 4. inputs that gave server errors ----------------------------------------------------

LONG_URL = "https://www.example.gov.cn/" + "a" * 600

#: the smallest inputs the tests above found a server error with: (route, field, values).
#: - raw bytes in the query string: a WSGI server passes them on as Latin-1, and
#:   request.args decodes them as UTF-8, strictly (i18n.select_locale reads ?lang=);
#: - a Host that is no DNS name: routing answers 400, and the error page calls url_for()
#:   with no URL adapter;
#: - next pages: urlsplit() cannot split "//[", and a line break cannot go into Location;
#: - schedules: no day comes after 9999-12-31 to count to;
#: - web addresses: the form takes any length, the column 500 characters; PostgreSQL
#:   refuses more inside the step that records it (SQLite keeps it), so the post fails
#:   as a workflow error instead of on the form.
SERVER_ERRORS = [
    ("GET /login", "QUERY_STRING", ["lang=\xff", "next=%2F&\xc3("]),
    ("GET /public/", "QUERY_STRING", ["lang=\xe4"]),
    ("GET /login", "HTTP_HOST", ["a" * 64, "a..b", "."]),
    ("POST /language", "next", ["//[", "//[::1", "//a]", "/\r\nSet-Cookie: a=1", "/\n"]),
    ("POST /login", "next", ["//[", "/\r\nSet-Cookie: a=1"]),
    ("POST /admin/calendar", "schedule", ["9999-12-31 holiday", "9999-12-20..9999-12-31 workday"]),
    ("POST /tasks/<publish_document>", "url", [LONG_URL]),
    ("POST /tasks/<publish_interpretation>", "interpretation_url", [LONG_URL]),
]


def send_case(site: Site, route: str, field: str, value: str) -> TestResponse:
    """Send one input of SERVER_ERRORS the way its test found it."""
    path = route.split(" ")[1]
    if field in ("QUERY_STRING", "HTTP_HOST"):
        return site.app.test_client().get(path, environ_overrides={field: value})
    if path == "/login":
        client, token = site.client(None)
        data = {"csrf_token": token, "username": "lisi", "password": DEMO_PASSWORD}
        return client.post("/login?" + urlencode({field: value}), data=data)
    if path == "/language":
        client, token = site.client(None)
        return client.post(path, data={"csrf_token": token, "lang": "en", field: value})
    if path == "/admin/calendar":
        client, token = site.client("admin")
        return client.post(path, data={"csrf_token": token, field: value})
    form = path.strip("/").split("/")[1].strip("<>")
    user, task_id = site.tasks[form]
    client, token = site.client(user)
    data = {"csrf_token": token, "channel": "website", "interpretation_title": "解读", field: value}
    response = client.post(f"/tasks/{task_id}", data=data)
    if response.status_code == 422:
        refused_on_the_form(response, value)
    return response


def test_inputs_that_gave_server_errors_get_an_answer(site: Site) -> None:
    failures = []
    for route, field, values in SERVER_ERRORS:
        for value in values:
            try:
                response = send_case(site, route, field, value)
                allowed(response, {200, 302, 400, 422}, value)
            except Exception as exc:  # every input is tried, then all are reported
                shown = value if len(value) < 40 else f"{value[:30]}…({len(value)} characters)"
                failures.append(f"{route} {field}={shown!r}: {type(exc).__name__}: {exc}"[:400])
    assert not failures, "\n".join(failures)
