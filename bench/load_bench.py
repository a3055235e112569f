"""Benchmark: fifty clerks approve documents over HTTP while workers die and PostgreSQL restarts.

Starts gongkai on a fresh PostgreSQL database (``gongkai_load``) with 4 web
workers (``gongkai serve --production`` where it exists, else gunicorn) and 2
``gongkai tick --loop`` workers.  Fifty clerks in five departments sign in
and work as a browser does, over loopback HTTP (cookies, the CSRF token and
version of each form, redirects), thinking 1-3 s before each page.  Drafters
write documents in the web form and submit them (a fixed number in all);
department heads, the office, signing leaders, confidentiality reviewers
and publishers take tasks from their inboxes and complete them (a tenth of
department reviews send the draft back, and its drafter submits it again).
Citizens ask for information on the public page (each from an address of
his own, as behind a trusted proxy); registrars accept the requests for a
department, its handlers reply, the office signs the reply; at the end each
citizen reads his request's status with his tracking number and query code.

Meanwhile, at random points of the run, a web worker is SIGKILLed three
times (the master starts a new one), a tick worker three times (the bench
starts it again), and the PostgreSQL server is restarted once.  A request
those faults cut (no answer, or a 5xx while they last) is retried by its
clerk and counted apart; a submission cut after it went in is found on
我的公文, or answered 409, and counted apart too.  A tick worker that ends by
itself is started again and counted as an error.

Then sixteen department heads complete the same task at once, round after
round (race_bench.py): one must win, the others get 409.

Finally every instance's history is checked: its hash chain, its replay on
the deployed BPMN, that it ran to its end, and that every step a clerk saw
succeed is in it, exactly once.  The last line reads

    load_bench: p95_ms=P errors=E lost=L

P = 95th percentile of all the clerks' and citizens' answered requests, E =
failed requests no fault explains, unexpected answers, tick workers that
died, histories that are broken or unfinished and races with a wrong
outcome, L = completed steps (the clerk saw them succeed) missing from the
histories.  Targets: P <= 150, E = 0, L = 0.  ``--quick``: 8 documents, 4
requests and 10 race rounds, about a minute and a half at most.  The report
says how busy the machine was with other work: every latency depends on it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import race_bench
import sqlalchemy
from loadkit import (
    WORKFLOWS,
    Faults,
    PostgresCpu,
    TickWorkers,
    WebServer,
    checkpoint,
    cpu_busy_seconds,
    drop_postgres_database,
    free_port,
    fresh_postgres_database,
    own_cpu_seconds,
    percentile,
    postgres_answers,
    postgres_restart_command,
    serve_command,
    server_environment,
    server_errors,
)
from pagecost import TASK_LINK, page_costs
from webclient import Browser, CutError, Form, Response, forms_of

from engine import Database, Engine
from engine.disclosure.privacy import id_check_char
from engine.store import schema
from webui.demo import DEMO_AGENCY

DEPARTMENTS = ("综合处", "法规处", "财务处", "人事处", "信息处")
PASSWORD = race_bench.PASSWORD
#: the share of the clerks in each role (the rest are drafters)
SHARES = {
    "dept_head": 0.16,
    "office": 0.1,
    "leader": 0.08,
    "secrecy_reviewer": 0.08,
    "publisher": 0.08,
    "registrar": 0.06,
    "handler": 0.12,
}
#: roles whose members belong to a department (handlers take only their department's requests)
IN_DEPARTMENTS = {"dept_head", "handler"}
#: the steps of one document that is not sent back, and of one request (its submission too)
STEPS_PER_DOCUMENT = 6
STEPS_PER_REQUEST = 4
#: how the handlers answer (replies that need no confidentiality review of a disclosed text)
REPLIES = {
    "withhold.state_secret": "您申请的信息属于国家秘密，依法不予公开。",
    "withhold.internal_affairs": "您申请的信息属于内部事务信息，依法不予公开。",
}
SEND_BACK = 0.1
SHEET_LINK = re.compile(r'href="/instances/(\d+)/sheet"')
H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
ALERT = re.compile(r'<p role="alert">(.*?)</p>', re.S)
RECEIPT = re.compile(r'<code class="big">([^<]+)</code>')
STATUS = re.compile(r"办理状态</dt>\s*<dd><strong>([^<]*)</strong>")
#: how long a clerk retries one cut request before he gives up (an error)
RETRY_FOR = 40.0
BODY = (
    "各处室：\n为进一步做好政务公开工作，现就有关事项通知如下。\n"
    "一、落实公开属性源头认定机制。\n二、严格执行先审查后公开制度。"
)


class Stopped(Exception):
    """The run is over: the clerk goes home."""


class GaveUp(Exception):
    """A request kept failing for longer than a clerk waits."""


@dataclass(frozen=True)
class Person:
    """One clerk: user name, role and department."""

    username: str
    role: str
    department: str | None


def staff(clerks: int) -> list[Person]:
    """Return the clerks: every role, heads and drafters in every department."""
    people: list[Person] = []
    for role, share in SHARES.items():
        count = max(len(DEPARTMENTS) if role in IN_DEPARTMENTS else 1, round(clerks * share))
        for n in range(count):
            department = DEPARTMENTS[n % len(DEPARTMENTS)] if role in IN_DEPARTMENTS else None
            people.append(Person(f"{role}{n + 1:02d}", role, department))
    for n in range(max(len(DEPARTMENTS), clerks - len(people))):
        people.append(Person(f"drafter{n + 1:02d}", "drafter", DEPARTMENTS[n % len(DEPARTMENTS)]))
    return people


@dataclass
class Step:
    """A step a clerk saw succeed: who, which task (or which new draft), of which instance."""

    user: str
    element: str
    task_id: str | None
    instance_id: int | None
    title: str | None = None


@dataclass
class Failure:
    """A request that got no answer, or a 5xx: when, and the fault that explains it, if any."""

    kind: str
    start: float
    end: float
    what: str
    fault: str | None


@dataclass
class Run:
    """What the clerks did and saw, shared between their threads."""

    faults: Faults
    expected_steps: int
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    #: every answered request: when it began (time.time()), kind, ms, status, path
    samples: list[tuple[float, str, float, int, str]] = field(default_factory=list)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[Failure] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    #: submissions cut after they may have committed: (user, task id or title, how it ended)
    uncertain: list[tuple[str, str, str]] = field(default_factory=list)
    #: a colleague was first: 409 on submit, or the task was gone when opened
    conflicts: Counter[str] = field(default_factory=Counter)
    retried: Counter[str] = field(default_factory=Counter)
    #: the receipts the citizens were given: (citizen, address, tracking number, query code)
    receipts: list[tuple[str, str, str, str]] = field(default_factory=list)
    drafted: int = 0
    drafters_done: int = 0

    def answered(self, kind: str, response: Response, path: str = "") -> None:
        with self.lock:
            self.samples.append(
                (time.time() - response.ms / 1000, kind, response.ms, response.status, path)
            )
            self.ms[kind].append(response.ms)
            self.statuses[kind][response.status] += 1

    def failed(self, kind: str, start: float, end: float, what: str) -> str | None:
        fault = self.faults.explains(start, end)
        with self.lock:
            self.failures.append(Failure(kind, start, end, what, fault))
        return fault

    def step(self, step: Step) -> None:
        with self.lock:
            self.steps.append(step)

    def count(self, counter: Counter[str], key: str) -> None:
        with self.lock:
            counter[key] += 1

    def progress(self) -> float:
        with self.lock:
            return len(self.steps) / max(1, self.expected_steps)


def _text(pattern: re.Pattern[str], html: str) -> str:
    found = pattern.search(html)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


def main_form(html: str) -> Form | None:
    """Return the page's form that carries a task's or draft's fields."""
    for form in forms_of(html):
        if form.enctype.startswith("multipart"):
            return form
    return None


class Clerk(threading.Thread):
    """One clerk at his browser, working through his inbox (or drafting) until the run ends."""

    def __init__(self, person: Person, run: Run, port: int, documents: int, seed: int) -> None:
        super().__init__(name=person.username, daemon=True)
        self.person = person
        self.run_ = run
        self.documents = documents
        self.rng = random.Random(seed)
        self.browser = Browser("127.0.0.1", port)
        self.inbox = Response(0, {}, "", 0.0)

    # -- the browser, with a clerk's patience ------------------------------------------

    def think(self, low: float = 1.0, high: float = 3.0) -> None:
        if self.run_.stop.wait(self.rng.uniform(low, high)):
            raise Stopped

    def call(self, kind: str, send: Callable[[], Response], path: str = "") -> Response:
        """Send a request; retry it while it is cut or answered 5xx, as a person presses reload."""
        began = time.time()
        attempt = 0
        while True:
            start = time.time()
            try:
                response = send()
            except CutError as exc:
                what = f"cut: {exc}"
            else:
                if response.status < 500:
                    self.run_.answered(kind, response, path)
                    if attempt:
                        self.run_.count(self.run_.retried, kind)
                    return response
                what = f"{response.status} {_text(H1, response.text)}"
            self.run_.failed(kind, start, time.time(), what)
            attempt += 1
            if time.time() - began > RETRY_FOR:
                raise GaveUp(f"{kind}: {what}")
            if self.run_.stop.wait(min(0.25 * 2**attempt, 3.0)):
                raise Stopped

    def get(self, kind: str, path: str) -> Response:
        return self.call(kind, lambda: self.browser.get(path), path)

    def unexpected(self, what: str, response: Response) -> None:
        detail = f"{_text(H1, response.text)} {_text(ALERT, response.text)}".strip()
        with self.run_.lock:
            self.run_.unexpected.append(
                f"{self.person.username}: {what}: {response.status} {detail[:120]}"
            )

    # -- the day's work -----------------------------------------------------------------

    def run(self) -> None:
        try:
            self.day()
        except Stopped:
            pass
        except GaveUp as exc:
            with self.run_.lock:
                self.run_.unexpected.append(f"{self.person.username}: gave up: {exc}")
        except Exception as exc:  # a bug in the bench must not pass unnoticed
            with self.run_.lock:
                self.run_.unexpected.append(
                    f"{self.person.username}: crashed: {type(exc).__name__}: {exc}"
                )

    def day(self) -> None:
        """Sign in, draft (a drafter) and work through the inbox."""
        self.think(0.0, 4.0)  # clerks arrive over a few seconds, not all at once
        self.sign_in()
        if self.person.role == "drafter":
            self.draft_all()
        self.work_inbox()

    def sign_in(self) -> None:
        while True:
            page = self.get("login_page", "/login")
            form = next((f for f in forms_of(page.text) if "password" in f.names()), None)
            if form is None:
                self.unexpected("sign-in page without its form", page)
                raise Stopped
            self.think()
            filled = form.filled({"username": self.person.username, "password": PASSWORD})
            sent = self.call("sign_in", lambda f=filled: self.browser.submit(f, "/login"), "/login")
            if sent.status == 302:
                self.inbox = self.get("inbox", sent.location or "/")
                return
            self.unexpected("sign-in", sent)
            self.think()

    def draft_all(self) -> None:
        for n in range(self.documents):
            self.think()
            page = self.get("draft_page", "/drafts/new")
            form = main_form(page.text)
            if page.status != 200 or form is None:
                self.unexpected("new draft page", page)
                continue
            self.think()  # writing
            title = (
                f"关于{self.person.department}政务公开事项的通知（{self.person.username}-{n + 1}）"
            )
            filled = form.filled(
                {
                    "title": title,
                    "doc_type": "general",
                    "urgency": "ordinary",
                    "main_recipients": "各处室",
                    "body": BODY,
                    "attribute": "proactive",
                    "attribute_reason": "涉及公众切身利益，应主动公开。",
                },
                ("action", "submit"),
            )
            self.submit_draft(filled, title)
            self.inbox = self.get("inbox", "/")
            self.handle_inbox(once=True)
        with self.run_.lock:
            self.run_.drafters_done += 1

    def submit_draft(self, filled: Form, title: str) -> None:
        """Submit a new draft; after a cut, look on 我的公文 before submitting it again."""
        began = time.time()
        while True:
            start = time.time()
            try:
                sent = self.browser.submit(filled, "/drafts/new")
            except CutError as exc:
                sent = None
                what = f"cut: {exc}"
            else:
                if sent.status < 500:
                    self.run_.answered("draft_submit", sent, "/drafts/new")
                    break
                what = f"{sent.status} {_text(H1, sent.text)}"
            self.run_.failed("draft_submit", start, time.time(), what)
            if time.time() - began > RETRY_FOR:
                raise GaveUp(f"draft_submit: {what}")
            if self.run_.stop.wait(1.0):
                raise Stopped
            mine = self.get("mine", "/mine")
            if title in mine.text:
                # It went in before the answer was cut: submitting again would make a twin.
                with self.run_.lock:
                    self.run_.uncertain.append((self.person.username, title, "found on /mine"))
                    self.run_.drafted += 1
                self.run_.count(self.run_.retried, "draft_submit")
                return
            self.run_.count(self.run_.retried, "draft_submit")
        if sent.status == 302:
            self.run_.step(Step(self.person.username, "draft", None, None, title))
            with self.run_.lock:
                self.run_.drafted += 1
            self.get("mine", sent.location or "/mine")
        else:
            self.unexpected("draft submission", sent)

    def work_inbox(self) -> None:
        while True:
            self.handle_inbox(once=False)

    def handle_inbox(self, once: bool) -> None:
        """Take one task from the inbox (the page in ``self.inbox``) and complete it."""
        links = TASK_LINK.findall(self.inbox.text)
        self.think()
        if not links:
            if not once:
                self.inbox = self.get("inbox", "/")
            return
        path = self.rng.choice(links)
        page = self.get("task_page", path)
        if page.status in (403, 404, 409):
            self.run_.count(self.run_.conflicts, f"task gone when opened ({page.status})")
            self.inbox = self.get("inbox", "/")
            return
        form = main_form(page.text)
        if page.status != 200 or form is None:
            self.unexpected(f"task page {path}", page)
            self.inbox = self.get("inbox", "/")
            return
        found = SHEET_LINK.search(page.text)
        instance_id = int(found.group(1)) if found else None
        values, element = self.fill(form, instance_id)
        self.think()  # reading, writing the opinion
        filled = form.filled(values, ("_action", "submit"))
        self.complete(path, filled, element, instance_id)

    def fill(self, form: Form, instance_id: int | None) -> tuple[dict[str, str], str]:
        """Return what this clerk types into a task's form, and which step it is."""
        names = form.names()
        if "title" in names:
            return {}, "draft"  # a draft sent back: submitted again as it is
        if "intake_decision" in names:
            department = self.rng.choice(DEPARTMENTS)
            return {"intake_decision": "accept", "department": department}, "check_request"
        if "reply_type" in names:
            reply_type = self.rng.choice(sorted(REPLIES))
            values = {
                "action": "reply",
                "reply_type": reply_type,
                "reply_text": REPLIES[reply_type],
            }
            return values, "handle"
        if "review_conclusion" in names:
            return {"review_conclusion": "disclose"}, "confidentiality_review_task"
        if "publish_action" in names:
            url = f"https://www.example.gov.cn/zwgk/{instance_id}"
            return {"publish_action": "publish", "channel": "website", "url": url}, "publish"
        if "attribute" not in names:
            return {"decision": "approve", "comment": "同意答复。"}, "sign_reply"
        if "number_prefix" in names:
            return {"decision": "approve", "comment": "同意。"}, "office_review"
        if self.person.role == "dept_head" and self.rng.random() < SEND_BACK:
            return {"decision": "send_back", "comment": "请补充政策依据。"}, "dept_review"
        element = "dept_review" if self.person.role == "dept_head" else "sign_off"
        return {"decision": "approve", "comment": "同意。"}, element

    def complete(self, path: str, filled: Form, element: str, instance_id: int | None) -> None:
        task_id = path.split("?", 1)[0].rsplit("/", 1)[1]
        began = time.time()
        cut = False
        while True:
            start = time.time()
            try:
                sent = self.browser.submit(filled, path)
            except CutError as exc:
                sent, what = None, f"cut: {exc}"
            else:
                if sent.status < 500:
                    self.run_.answered("task_submit", sent, path)
                    break
                what = f"{sent.status} {_text(H1, sent.text)}"
            self.run_.failed("task_submit", start, time.time(), what)
            cut = True
            if time.time() - began > RETRY_FOR:
                raise GaveUp(f"task_submit: {what}")
            if self.run_.stop.wait(1.0):
                raise Stopped
            self.run_.count(self.run_.retried, "task_submit")
        if sent.status == 302:
            self.run_.step(Step(self.person.username, element, task_id, instance_id))
            self.inbox = self.get("inbox", sent.location or "/")
            return
        if sent.status == 409 and cut:
            # The cut attempt may have gone in: the history will tell (it is not a lost step).
            with self.run_.lock:
                self.run_.uncertain.append((self.person.username, task_id, "409 after a cut"))
        elif sent.status == 409:
            self.run_.count(self.run_.conflicts, f"409 on submit: {_text(ALERT, sent.text)}")
        else:
            self.unexpected(f"submit {element}", sent)
        self.inbox = self.get("inbox", "/")


class Citizen(Clerk):
    """Someone asking for government information on the public page, without signing in."""

    def __init__(self, n: int, run: Run, port: int, start_within: float, seed: int) -> None:
        super().__init__(Person(f"citizen{n + 1:03d}", "citizen", None), run, port, 0, seed)
        # Behind the (trusted) proxy every citizen comes from an address of his own.
        self.address = f"198.51.{n // 250}.{n % 250 + 1}"
        self.browser.headers["X-Forwarded-For"] = self.address
        self.n = n
        self.start_within = start_within

    def day(self) -> None:
        """Come to the public page some moment in the run and ask."""
        if not self.run_.stop.wait(self.rng.uniform(0.0, self.start_within)):
            self.ask()

    def ask(self) -> None:
        page = self.get("public_request_page", "/public/request")
        form = main_form(page.text)
        if page.status != 200 or form is None:
            self.unexpected("public request page", page)
            return
        self.think(2.0, 4.0)  # filling in a long form
        first17 = f"37100219800101{self.n % 1000:03d}"
        filled = form.filled(
            {
                "applicant_type": "natural_person",
                "applicant_name": f"申请人{self.n + 1}",
                "id_type": "resident_id",
                "id_number": first17 + id_check_char(first17),
                "phone": f"139{self.n:08d}",
                "address": "威海市环翠区新威路1号",
                "email": f"applicant{self.n + 1}@example.com",
                "description": f"2026年城区道路改造计划（第{self.n + 1}份申请）",
                "purpose": "了解本社区道路改造安排",
                "preferred_form": "email",
                "delivery": "email",
            }
        )
        sent = self.call(
            "public_request", lambda: self.browser.submit(filled, "/public/request"), "/public"
        )
        if sent.status == 303 and sent.location:
            # Filing answers with a redirect to a receipt shown once (POST/redirect/GET).
            sent = self.get("public_receipt", sent.location)
        codes = RECEIPT.findall(sent.text)
        if sent.status != 200 or len(codes) < 2:
            self.unexpected("public request", sent)
            return
        with self.run_.lock:
            self.run_.receipts.append((self.person.username, self.address, codes[0], codes[1]))
        self.run_.step(Step(self.person.username, "request", None, None, codes[0]))

    def check_status(self, number: str, code: str) -> str | None:
        """Look the request up on the status page; return its status, None if not found."""
        page = self.get("public_status", "/public/status")
        form = next((f for f in forms_of(page.text) if "query_code" in f.names()), None)
        if form is None:
            self.unexpected("status page without its form", page)
            return None
        filled = form.filled({"tracking_number": number, "query_code": code})
        found = self.call(
            "public_status", lambda: self.browser.submit(filled, "/public/status"), "/public"
        )
        status = STATUS.search(found.text)
        return status.group(1).strip() if found.status == 200 and status else None


# -- faults ---------------------------------------------------------------------------


class Chaos(threading.Thread):
    """Inject the faults at random points of the run's progress."""

    def __init__(
        self,
        run: Run,
        server: WebServer,
        ticks: TickWorkers,
        restart: list[str] | None,
        database_url: str,
        workers: int,
        rng: random.Random,
        log: list[str],
    ) -> None:
        super().__init__(name="chaos", daemon=True)
        self.run_ = run
        self.server = server
        self.ticks = ticks
        self.restart = restart
        self.database_url = database_url
        self.workers = workers
        self.rng = rng
        self.log = log
        kinds = ["web_kill"] * 3 + ["tick_kill"] * 3
        if restart is not None:
            kinds.append("postgres_restart")
        points = sorted(rng.uniform(0.05, 0.8) for _ in kinds)
        rng.shuffle(kinds)
        self.plan = list(zip(points, kinds, strict=True))
        self.problems: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        last = 0.0
        for point, kind in self.plan:
            while self.run_.progress() < point or time.time() - last < 2.0:
                if self.halt.wait(0.1):
                    return
            # a random moment, not the instant a step finished
            if self.halt.wait(self.rng.uniform(0.0, 1.0)):
                return
            try:
                getattr(self, kind)()
            except Exception as exc:
                self.problems.append(f"{kind} failed: {type(exc).__name__}: {exc}")
            last = time.time()

    def _note(self, text: str) -> None:
        self.log.append(
            f"fault at {time.strftime('%H:%M:%S')} ({self.run_.progress():.0%}): {text}"
        )

    def web_kill(self) -> None:
        faults = self.run_.faults
        faults.begin("web_kill")
        pid = self.server.kill_worker(self.rng)
        faults.end("web_kill", f"pid {pid}")
        respawned = self.server.wait_for_workers(self.workers, pid)
        self._note(
            f"SIGKILL web worker {pid}; {self.workers} workers again after {respawned:.2f} s"
        )

    def tick_kill(self) -> None:
        faults = self.run_.faults
        faults.begin("tick_kill")
        slot, pid = self.ticks.kill_one(self.rng)
        faults.end("tick_kill", f"pid {pid}")
        time.sleep(self.rng.uniform(0.2, 1.0))
        self.ticks.restart(slot)
        self._note(f"SIGKILL tick worker {pid}; started it again")

    def postgres_restart(self) -> None:
        assert self.restart is not None
        faults = self.run_.faults
        checkpoint(self.database_url)  # keeps the restart (others' tests use the server) short
        if self.halt.is_set():
            return  # the run ended meanwhile: a restart now would test nothing
        faults.begin("postgres_restart")
        started = time.perf_counter()
        done = subprocess.run(
            self.restart, capture_output=True, text=True, check=False, timeout=120
        )
        while not postgres_answers(self.database_url) and time.perf_counter() - started < 60:
            time.sleep(0.1)
        took = time.perf_counter() - started
        faults.end("postgres_restart", f"{took:.2f} s")
        if done.returncode != 0:
            self.problems.append(f"restart exited {done.returncode}: {done.stderr.strip()[-300:]}")
        self._note(
            f"PostgreSQL restarted ({' '.join(self.restart)}): answering again in {took:.2f} s"
        )


# -- the check of every history ----------------------------------------------------------


@dataclass
class Check:
    """What the histories say about the steps the clerks saw succeed."""

    instances: int = 0
    completed: int = 0
    chains_ok: int = 0
    replays_ok: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    #: instances whose chain or replay fails, and those that did not run to their end
    broken: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    uncertain_in: int = 0
    uncertain_not_in: int = 0
    twins: list[str] = field(default_factory=list)
    processes: Counter[str] = field(default_factory=Counter)
    per_instance: list[str] = field(default_factory=list)


def check_histories(
    engine: Engine, run: Run, exclude: set[int], statuses: dict[str, str | None]
) -> Check:
    """Check every instance's chain, replay and end, and find each step the clerks saw."""
    check = Check()
    completions: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    drafts: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    with engine.db.read_engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text("SELECT id, status FROM process_instances ORDER BY id")
        ).all()
    for instance_id, status in rows:
        if instance_id in exclude:
            continue
        check.instances += 1
        history = engine.queries.history(instance_id)
        chain = engine.queries.verify_chain(instance_id)
        replay = engine.replayer.replay_stored(instance_id)
        check.chains_ok += bool(chain.ok)
        check.replays_ok += not replay.problems
        check.completed += status == "completed"
        counts = Counter(e.type for e in history)
        started = next((e for e in history if e.type == "instance_started"), None)
        check.processes[str(started.data.get("process_id")) if started else "?"] += 1
        title = ""
        for event in history:
            if event.type != "task_completed":
                continue
            task_id = event.data.get("task_id")
            completions[task_id].append((instance_id, event.actor))
            if event.data.get("element_id") == "draft":
                data = event.data.get("data") or {}
                title = data.get("title", "") if isinstance(data, dict) else ""
                drafts[title].append((instance_id, event.actor))
        whole = chain.ok and not replay.problems
        verdict = (
            "ok" if whole and status == "completed" else "BROKEN" if not whole else "UNFINISHED"
        )
        check.per_instance.append(
            f"#{instance_id} {status} events={len(history)} completed_tasks="
            f"{counts['task_completed']} chain={'ok' if chain.ok else 'BROKEN'} "
            f"replay={'ok' if not replay.problems else replay.problems[:2]} {verdict} {title}"
        )
        if not whole:
            check.broken.append(check.per_instance[-1])
        elif status != "completed":
            check.unfinished.append(check.per_instance[-1])
    for task_id, found in completions.items():
        if len(found) > 1:
            check.doubled.append(f"task {task_id} completed {len(found)} times: {found}")
    for step in run.steps:
        if step.element == "request":
            # The applicant's request has no actor in its history; its status page tells.
            if statuses.get(step.title or "") is None:
                check.lost.append(f"{step.user}'s request {step.title} not on the status page")
        elif step.task_id is not None:
            found = [actor for _, actor in completions.get(step.task_id, [])]
            if step.user not in found:
                check.lost.append(
                    f"{step.user} {step.element} task {step.task_id} (#{step.instance_id})"
                )
        else:
            found = [actor for _, actor in drafts.get(step.title or "", [])]
            if step.user not in found:
                check.lost.append(f"{step.user} draft {step.title!r}")
    for user, what, _how in run.uncertain:
        hit = (
            user in [a for _, a in completions.get(what, [])]
            if "-" in what and len(what) == 36
            else user in [a for _, a in drafts.get(what, [])]
        )
        if hit:
            check.uncertain_in += 1
        else:
            check.uncertain_not_in += 1
    for title, found in drafts.items():
        if len({i for i, _ in found}) > 1:
            check.twins.append(f"{title}: instances {sorted({i for i, _ in found})}")
    return check


# -- the run ------------------------------------------------------------------------------


def add_users(engine: Engine, people: list[Person], racers: bool) -> list[str]:
    """Add the clerks (and the racers); return the racers' names.

    Every clerk has the same password, so one is hashed the product's way and
    its hash given to all (a sign-in verifies exactly what it would verify
    otherwise; making seventy scrypt hashes would only slow the setup down).
    """
    first, *others = people
    engine.users.add(first.username, [first.role], first.username, PASSWORD, first.department)
    engine.users.add("load_admin", ["admin"], "管理员")
    for person in others:
        engine.users.add(person.username, [person.role], person.username, None, person.department)
    names = race_bench.add_racers(engine, password=None) if racers else []
    with engine.db.write_engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE "
                "username = :first) WHERE username <> :first"
            ),
            {"first": first.username},
        )
    return names


def running_instances(db: Database) -> set[int]:
    """Return the ids of the instances still running."""
    with db.read_engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text("SELECT id FROM process_instances WHERE status = 'running'")
        ).all()
    return {int(i) for (i,) in rows}


def report_timeline(run: Run, start: float, step: float = 10.0) -> list[str]:
    """Return p50/p95 and counts per window of the run, and the slowest requests."""
    lines = []
    windows: dict[int, list[float]] = defaultdict(list)
    for began, _, ms, _, _ in run.samples:
        windows[int((began - start) // step)].append(ms)
    for n in sorted(windows):
        values = windows[n]
        lines.append(
            f"timeline {n * step:>5.0f}-{(n + 1) * step:<4.0f}s n={len(values):>4} "
            f"p50={percentile(values, 50):>6.0f} p95={percentile(values, 95):>6.0f} ms"
        )
    for began, kind, ms, status, path in sorted(run.samples, key=lambda s: -s[2])[:8]:
        lines.append(f"slowest: {ms:>6.0f} ms at {began - start:>5.1f} s {kind} {status} {path}")
    for fault in run.faults.done:
        lines.append(f"fault {fault.kind} at {fault.start - start:.1f}-{fault.end - start:.1f} s")
    return lines


def report_latencies(run: Run) -> list[str]:
    lines = []
    everything = [ms for values in run.ms.values() for ms in values]
    for kind in sorted(run.ms):
        values = run.ms[kind]
        lines.append(
            f"latency {kind:<13} n={len(values):>5} p50={percentile(values, 50):>6.0f} "
            f"p95={percentile(values, 95):>6.0f} p99={percentile(values, 99):>6.0f} "
            f"max={max(values):>6.0f} ms  statuses {dict(sorted(run.statuses[kind].items()))}"
        )
    lines.append(
        f"latency {'ALL':<13} n={len(everything):>5} p50={percentile(everything, 50):>6.0f} "
        f"p95={percentile(everything, 95):>6.0f} p99={percentile(everything, 99):>6.0f} "
        f"max={max(everything, default=0):>6.0f} ms"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="8 documents, 4 requests, 10 races (about a minute)"
    )
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument(
        "--documents", type=int, default=None, help="in all, shared by the drafters (default 64)"
    )
    parser.add_argument("--requests", type=int, default=None, help="citizens' (default 24)")
    parser.add_argument("--race-rounds", type=int, default=None, help="default 200")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--tick-workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/gongkai_load",
        help="the PostgreSQL database to create anew (dropped first if it exists)",
    )
    parser.add_argument("--no-faults", action="store_true", help="run without kills or restart")
    parser.add_argument("--timeout", type=float, default=None, help="seconds the clerks may take")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    parser.add_argument("--verbose", action="store_true", help="print every instance's check")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the run, time and profile each page kind alone (bench/pagecost.py)",
    )
    args = parser.parse_args()
    documents = args.documents if args.documents is not None else (8 if args.quick else 64)
    race_rounds = args.race_rounds if args.race_rounds is not None else (10 if args.quick else 200)
    requests = args.requests if args.requests is not None else (4 if args.quick else 24)
    timeout = args.timeout or (70.0 if args.quick else 900.0)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    url = args.database_url
    began = time.perf_counter()
    busy_before, own_before = cpu_busy_seconds(), own_cpu_seconds()
    load_average = os.getloadavg()
    out: list[str] = [f"seed {seed}"]

    restart, restart_how = postgres_restart_command(url)
    if args.no_faults:
        restart, restart_how = None, "not asked (--no-faults)"
    fresh_postgres_database(url)
    folder = Path(tempfile.mkdtemp(prefix="load_bench_"))
    db = Database.connect(url)
    schema.upgrade(db)
    engine = Engine(db)
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")), "load_bench")
    people = staff(args.clerks)
    env = server_environment(url, folder / "instance")
    # As behind a reverse proxy: each citizen's address counts against his own limits.
    env["GONGKAI_TRUSTED_PROXIES"] = "1"
    port = free_port()
    command, serving = serve_command(port, args.web_workers)
    server = WebServer(command, env, port, folder / "web.log")
    ticks = TickWorkers(env, folder)
    # The people are added while the server starts; the race's documents only after the
    # clerks are done, or their department heads, who may take any department review,
    # would take them.
    with ThreadPoolExecutor(1) as pool:
        users_added = pool.submit(add_users, engine, people, bool(race_rounds))
        agency = pool.submit(engine.agency.save, "load_admin", DEMO_AGENCY)  # for reply letters
        up = server.start(args.web_workers)
        racer_names = users_added.result()
        agency.result()
    race_ids: set[int] = set()
    ticks.start(args.tick_workers)
    roles = Counter(p.role for p in people)
    drafters = roles["drafter"]
    out.append(
        f"setup: database {url.rsplit('/', 1)[1]}, {len(people)} clerks {dict(roles)} in "
        f"{len(DEPARTMENTS)} departments and {len(racer_names)} racers; {serving}, "
        f"{args.web_workers} web workers up in {up:.1f} s; {args.tick_workers} tick workers; "
        f"ready after {time.perf_counter() - began:.1f} s"
    )
    out.append(f"faults: PostgreSQL restart: {restart_how}")

    faults = Faults()
    run = Run(faults, documents * STEPS_PER_DOCUMENT + requests * STEPS_PER_REQUEST)
    writers = [p for p in people if p.role == "drafter"]
    share = {
        p.username: documents // drafters + (n < documents % drafters)
        for n, p in enumerate(writers)
    }
    clerks = [Clerk(p, run, port, share.get(p.username, 0), rng.randrange(1 << 30)) for p in people]
    arrivals = 10.0 if args.quick else 60.0
    citizens = [Citizen(n, run, port, arrivals, rng.randrange(1 << 30)) for n in range(requests)]
    chaos = None
    if not args.no_faults:
        chaos = Chaos(run, server, ticks, restart, url, args.web_workers, rng, out)
    postgres_cpu = PostgresCpu(url)
    load_started = time.perf_counter()
    load_wall_start = time.time()
    races = None
    try:
        for clerk in clerks + citizens:
            clerk.start()
        if chaos:
            chaos.start()
        finished = False
        while time.perf_counter() - load_started < timeout:
            time.sleep(0.5)
            postgres_cpu.sample()
            for slot, code in ticks.supervise():
                out.append(f"tick worker {slot} ended by itself (exit {code}); started it again")
            if run.drafters_done < drafters or any(c.is_alive() for c in citizens):
                continue
            try:
                running = running_instances(db) - race_ids
            except sqlalchemy.exc.OperationalError:
                continue  # PostgreSQL is restarting
            if not running and run.drafted >= documents:
                finished = True
                break
        if chaos:
            chaos.halt.set()
            chaos.join(130)  # the faults end, then the citizens look their requests up
        statuses: dict[str, str | None] = {}
        for citizen in citizens:
            for user, _, number, code in run.receipts:
                if user == citizen.person.username:
                    try:
                        statuses[number] = citizen.check_status(number, code)
                    except (Stopped, GaveUp) as exc:
                        run.unexpected.append(f"{user}: status page: {exc}")
        run.stop.set()
        for clerk in clerks + citizens:
            clerk.join(RETRY_FOR + 5)
        load_seconds = time.perf_counter() - load_started
        out.append(
            f"clerks: {'all documents and requests done' if finished else 'TIMED OUT'}"
            f" after {load_seconds:.1f} s; {run.drafted} documents drafted, {len(run.receipts)} "
            f"requests made, {len(run.steps)} steps seen to succeed; the applicants' status "
            f"pages say {dict(Counter(statuses.values()))}"
        )
        if not finished:
            run.unexpected.append(f"the clerks did not finish in {timeout:.0f} s")
        if args.profile:
            # Before the races: the clerks' inboxes are empty, only its own documents pass.
            profile_started = time.perf_counter()
            costs = page_costs(url, PASSWORD)
            out.extend(costs)
            out.append(f"page costs measured in {time.perf_counter() - profile_started:.1f} s")
        # The race phase: on the same server, after the faults.
        if race_rounds:
            race_setup_started = time.perf_counter()
            setup = race_bench.prepare(engine, race_rounds, users=racer_names)
            race_ids = {i for i, _ in setup.tasks}
            out.append(
                f"races: {race_rounds} documents at the department review in "
                f"{time.perf_counter() - race_setup_started:.1f} s"
            )
            races = race_bench.run_races("127.0.0.1", port, setup, engine, out)
            postgres_cpu.sample()
    finally:
        teardown_started = time.perf_counter()
        postgres_cpu.close()
        run.stop.set()
        if chaos:
            chaos.halt.set()
        ticks.supervise()
        ticks.stop()
        server.stop()
    stopped = time.perf_counter() - teardown_started
    out.append(f"stopped the server and tick workers in {stopped:.1f} s")
    # What else ran on the machine matters to every latency measured here.
    elapsed = time.perf_counter() - began
    busy, own = cpu_busy_seconds() - busy_before, own_cpu_seconds() - own_before
    cores = os.cpu_count() or 1
    out.append(
        f"cpu: {cores} cores busy {busy:.0f} of {cores * elapsed:.0f} core-s "
        f"({busy / (cores * elapsed):.0%}); this bench, its web and tick workers used "
        f"{own:.0f}, PostgreSQL's sessions on {url.rsplit('/', 1)[1]} about "
        f"{postgres_cpu.seconds():.0f}, everything else (other people's work on this machine) "
        f"{busy - own - postgres_cpu.seconds():.0f}; load average at the start "
        f"{load_average[0]:.1f}"
    )
    check_started = time.perf_counter()
    check = check_histories(engine, run, race_ids, statuses)
    engine.db.dispose()
    if not args.keep:
        drop_postgres_database(url)

    # -- the report --------------------------------------------------------------------------
    total_requests = sum(len(v) for v in run.ms.values())
    out.append(
        f"requests: {total_requests} answered, {len(run.failures)} failed "
        f"(cut or 5xx), retried {dict(run.retried)}"
    )
    out.extend(report_latencies(run))
    out.extend(report_timeline(run, load_wall_start))
    explained = Counter(f.fault for f in run.failures if f.fault)
    unexplained = [f for f in run.failures if not f.fault]
    out.append(f"failures explained by faults (retried): {dict(explained)}")
    for failure in run.failures[:15]:
        at = failure.start - load_wall_start
        out.append(
            f"  failure {failure.kind} at {at:.1f} s ({failure.end - failure.start:.2f} s): "
            f"{failure.what[:100]} -> {failure.fault or 'NO FAULT EXPLAINS IT'}"
        )
    out.append(
        f"faults done: web worker kills {faults.count('web_kill')}/3, tick worker kills "
        f"{faults.count('tick_kill')}/3, PostgreSQL restarts {faults.count('postgres_restart')}"
        f"/{1 if restart else 0}; tick workers that ended by themselves: {ticks.died or 'none'}"
    )
    if chaos:
        out.extend(f"  fault problem: {p}" for p in chaos.problems)
    out.append(f"conflicts (a colleague was first; expected): {dict(run.conflicts)}")
    out.append(
        f"cut submissions: {len(run.uncertain)} ({check.uncertain_in} in the history, "
        f"{check.uncertain_not_in} not: the clerk never saw them succeed)"
    )
    out.extend(server_errors(folder / "web.log", faults))
    if args.keep:
        out.append(f"logs kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    out.append(
        f"histories: {check.instances} instances, {check.completed} completed, chains ok "
        f"{check.chains_ok}, replays ok {check.replays_ok}; {len(run.steps)} steps seen, "
        f"{len(check.lost)} missing, {len(check.doubled)} tasks completed twice, "
        f"{len(check.twins)} drafts submitted twice; instances by process "
        f"{dict(check.processes)} for {len(run.receipts)} receipts given (more: a cut "
        f"request sent again); checked in "
        f"{time.perf_counter() - check_started:.1f} s"
    )
    for line in check.per_instance if args.verbose else (check.broken + check.unfinished)[:20]:
        out.append(f"  instance {line}")
    for line in check.lost[:20] + check.doubled[:10] + check.twins[:10]:
        out.append(f"  {line}")
    for line in run.unexpected[:20]:
        out.append(f"  unexpected: {line}")
    if races:
        out.append(races.last_line())
    out.append(f"total time {time.perf_counter() - began:.1f} s")
    for line in out:
        print(line)
    everything = [ms for values in run.ms.values() for ms in values]
    errors = (
        len(unexplained)
        + len(ticks.died)
        + len(run.unexpected)
        + len(check.broken)
        # Instances left unfinished by a run that timed out count once, as the timeout.
        + (len(check.unfinished) if finished else 0)
        + len(check.doubled)
        + (len(races.wrong) if races else 0)
    )
    lost = len(check.lost)
    print(f"load_bench: p95_ms={percentile(everything, 95):.0f} errors={errors} lost={lost}")
    sys.exit(0)


if __name__ == "__main__":
    main()
