"""What each page costs the server alone: the web app in-process, one request at a time.

``load_bench.py --profile`` runs it on the bench's database after the run:
one clerk of each role signs in and takes a few documents through the whole
document approval, every request timed; the median and worst of each page
kind, the first (cold) request of each, and where the time of the costliest
kinds goes (cProfile, gongkai's own functions).  What the load run measures
beyond these costs is waiting: for a worker, for the CPU, for a lock.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from engine import Database, Engine
from webui import create_app

#: a task's link in an inbox, as a browser follows it (``?case=`` names its instance)
TASK_LINK = re.compile(r'href="(/tasks/[0-9a-f-]{36}(?:\?case=\d+)?)"')


class Timer:
    """Time and, where asked, profile the requests of each page kind."""

    def __init__(self, profiled: set[str]) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.profiled = profiled
        self.profiles: dict[str, cProfile.Profile] = {}

    def __call__(self, kind: str, send: Callable[[], Any]) -> Any:
        profile = None
        if kind in self.profiled and self.ms[kind]:  # the first (cold) one is not profiled
            profile = self.profiles.setdefault(kind, cProfile.Profile())
            profile.enable()
        started = time.perf_counter()
        try:
            response = send()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            if profile is not None:
                profile.disable()
        if response.status_code >= 400:
            raise SystemExit(f"{kind}: {response.status_code}")
        self.ms[kind].append(elapsed)
        return response


def _signed_in(app: Any, timer: Timer, username: str, password: str) -> FlaskClient:
    client = app.test_client()
    timer(
        "sign_in", lambda: client.post("/login", data={"username": username, "password": password})
    )
    return client


def _work(client: FlaskClient, timer: Timer, kind: str, values: dict[str, str]) -> int:
    """Complete every task in the inbox with ``values``; return how many."""
    done = 0
    while True:
        inbox = timer("inbox", lambda: client.get("/"))
        links = TASK_LINK.findall(inbox.get_data(as_text=True))
        if not links:
            return done
        page = timer("task_page", lambda path=links[0]: client.get(path))
        version = re.search(r'name="_version" value="(\d+)"', page.get_data(as_text=True))
        data = {"_version": version.group(1) if version else "", **values, "_action": "submit"}
        timer(f"submit {kind}", lambda path=links[0], d=data: client.post(path, data=d))
        done += 1


def page_costs(url: str, password: str, documents: int = 8, profiled: int = 3) -> list[str]:
    """Walk ``documents`` documents through the approval alone; return the report's lines."""
    engine = Engine(Database.connect(url))
    app = create_app({"TESTING": True, "ENGINE": engine, "WTF_CSRF_ENABLED": False})
    kinds_to_profile = {
        "inbox",
        "task_page",
        "draft_page",
        "submit draft",
        "submit dept_review",
        "submit office_review",
        "submit sign_off",
        "submit confidentiality_review",
        "submit publish",
    }
    timer = Timer(kinds_to_profile)
    drafter = _signed_in(app, timer, "drafter01", password)
    for n in range(documents):
        timer("draft_page", lambda: drafter.get("/drafts/new"))
        draft = {
            "title": f"关于单人计时的通知（{n + 1}）",
            "doc_type": "general",
            "body": "各处室：\n现就有关事项通知如下。",
            "attribute": "proactive",
            "attribute_reason": "涉及公众切身利益，应主动公开。",
            "action": "submit",
        }
        timer("submit draft", lambda d=draft: drafter.post("/drafts/new", data=d))
        timer("mine", lambda: drafter.get("/mine"))
    steps = [
        ("dept_head01", "dept_review", {"decision": "approve", "comment": "同意。"}),
        ("office01", "office_review", {"decision": "approve", "comment": "同意。"}),
        ("leader01", "sign_off", {"decision": "approve", "comment": "同意印发。"}),
        ("secrecy_reviewer01", "confidentiality_review", {"review_conclusion": "disclose"}),
        (
            "publisher01",
            "publish",
            {"publish_action": "publish", "channel": "website", "url": "https://example.gov.cn/"},
        ),
    ]
    for username, kind, values in steps:
        client = _signed_in(app, timer, username, password)
        office = {"number_prefix": "威政办发"} if kind == "office_review" else {}
        timer.ms.setdefault(f"submit {kind}", [])
        _work(client, timer, kind, {**values, **office})
    engine.db.dispose()
    lines = []
    for kind, values in sorted(timer.ms.items(), key=lambda kv: -statistics.median(kv[1] or [0])):
        if not values:
            continue
        warm = values[1:] or values
        lines.append(
            f"page cost {kind:<30} n={len(values):>3} first={values[0]:>6.0f} "
            f"median={statistics.median(warm):>5.0f} max={max(warm):>5.0f} ms"
        )
    costly = sorted(
        (k for k in timer.profiles if timer.ms[k]),
        key=lambda k: -statistics.median(timer.ms[k][1:] or timer.ms[k]),
    )
    for kind in costly[:profiled]:
        lines.extend(_where(kind, timer.profiles[kind], len(timer.ms[kind]) - 1))
    return lines


def _where(kind: str, profile: cProfile.Profile, calls: int) -> list[str]:
    """Return gongkai's functions that took most of a page kind's time, per request."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    rows = []
    entries = stats.stats.items()  # type: ignore[attr-defined]
    for (filename, line, name), (_, _, _, cumulative, _) in entries:
        if "/engine/" in filename or "/webui/" in filename or "sqlalchemy/engine/base" in filename:
            short = filename.split("/engine/")[-1] if "/engine/" in filename else filename
            short = short.split("/webui/")[-1] if "/webui/" in filename else short
            rows.append((cumulative, f"{short}:{line}({name})"))
    rows.sort(reverse=True)
    lines = [f"profile {kind} (per request, cumulative):"]
    for cumulative, where in rows[:12]:
        lines.append(f"    {cumulative / max(1, calls) * 1000:7.1f} ms  {where}")
    return lines
