"""Benchmark: inboxes, a task page and tick at N open document approvals.

Builds N open instances of the document approval on a fresh SQLite database
(and on PostgreSQL when one answers).  The department 处室0000 has a drafter,
d0, with 100 real drafts of his own (about 100 tasks), and a head, h0, with
100 real documents waiting for him (处室审核 is for the heads of the drafter's
department); the office (wangwu) reviews every department's documents, so its
inbox holds about a sixth of all instances.  The other instances are copies
of real ones (drafts, documents at the head, at the office, sent back to
their drafter) spread over one department per hundred instances, each with
its own drafter and head.  It keeps a copy of the database at N/10, grows it
to N, and measures on both, as medians:

- inbox: d0's inbox page over HTTP (the Flask app, rendered),
- task page: one of d0's task pages over HTTP,
- tick: ``engine.tick()`` with nothing due,
- office_inbox: the office's inbox page (printed, and counted in the growth).

The two databases take turns, call by call, for ROUNDS rounds of at least
ROUND_SECONDS each, so that other work on the host weighs on both sizes
alike: on a shared machine the ratio of two medians of 25 idle ticks, one
database measured after the other, ranged from 0.3 to 3 whatever N was.  It
prints the query plans used at N, and ends with exactly

    scale_bench: inbox_ms=I task_page_ms=T tick_ms=K growth=G

where I, T and K are medians at N on SQLite and G is the largest ratio of
any of those times at N to the same time at N/10 (on either database).
Targets: I <= 20, T <= 20, K <= 5, G <= 1.5.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event, insert, make_url, select, text

from engine import Database, Engine
from engine.clock import ManualClock
from engine.store import schema
from engine.store.models import Event, Participant, ProcessInstance, WorkItem, WorkItemUser
from engine.views import InstanceView
from webui import create_app

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
PASSWORD = "scale-bench"
PER_HEAD = 100
#: rounds in which each call runs on each database in turn
ROUNDS = 25
#: how long each call runs, at least once, on each database in a round
ROUND_SECONDS = 0.02
BODY = "各区市人民政府，市政府各部门：\n现就做好政务公开工作有关事项通知如下。"
REVIEW = {"decision": "approve", "attribute": "proactive", "comment": "同意。"}
SEND_BACK = {"decision": "send_back", "comment": "请补充依据。"}
#: what the copies are: (template, share of the copies)
MIX = (("at_head", 0.5), ("draft", 0.2), ("at_office", 0.15), ("sent_back", 0.15))


def draft(n: int) -> dict[str, Any]:
    """Return the draft of the n-th document."""
    return {
        "title": f"关于做好政务公开工作的通知（第{n}号）",
        "doc_type": "general",
        "body": BODY,
        "attribute": "proactive",
        "attribute_reason": "",
    }


def department(k: int) -> str:
    """Return the name of the k-th department."""
    return f"处室{k:04d}"


class Dataset:
    """One database being filled with open document approvals."""

    def __init__(self, url: str, clock: ManualClock, like: Dataset | None = None) -> None:
        """Set up a fresh database at ``url``, or open one copied from ``like``."""
        self.clock = clock
        self.db = Database.connect(url)
        self.engine = Engine(self.db, clock, password_method="pbkdf2:sha256:1")
        self.departments = 0
        self.templates: dict[str, int] = {}
        self.head_tasks: list[str] = []
        self.drafter_tasks: list[str] = []
        if like is not None:
            self.departments = like.departments
            self.templates = dict(like.templates)
            self.head_tasks = list(like.head_tasks)
            self.drafter_tasks = list(like.drafter_tasks)
            return
        schema.upgrade(self.db)
        self.engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
        for username, roles in (("wangwu", ("office",)), ("zhaoliu", ("leader",))):
            self.engine.users.add(username, roles, username, password=PASSWORD)

    def copy(self, url: str) -> Dataset:
        """Copy the database as it is now to ``url``, which must not exist yet; open the copy."""
        if self.db.is_sqlite:
            raw = self.db.read_engine.raw_connection()
            target = sqlite3.connect(str(make_url(url).database))
            try:
                raw.driver_connection.backup(target)
            finally:
                target.close()
                raw.close()
        else:
            # PostgreSQL copies a database only while no one is connected to it.
            self.db.dispose()
            with psycopg.connect(ADMIN, autocommit=True) as connection:
                connection.execute(
                    f"CREATE DATABASE {make_url(url).database} "
                    f"TEMPLATE {make_url(self.db.url).database}"
                )
        return Dataset(url, ManualClock(self.clock.now), like=self)

    def add_department(self) -> int:
        """Add a department with its drafter d<k> and head h<k>; return k."""
        k = self.departments
        name = department(k)
        password = PASSWORD if k == 0 else None
        self.engine.users.add(
            f"d{k}", ("drafter",), f"起草人{k}", password=password, department=name
        )
        self.engine.users.add(
            f"h{k}", ("dept_head",), f"处长{k}", password=password, department=name
        )
        self.departments += 1
        return k

    def submit(self, k: int, n: int) -> InstanceView:
        """Submit a document in department k; return its instance."""
        self.clock.now += timedelta(seconds=7)
        instance = self.engine.start("document_approval", f"d{k}")
        task = instance.ready_tasks[0]
        instance = self.engine.complete_task(task.task_id, f"d{k}", draft(n))
        return instance

    def real(self) -> None:
        """Give h0 his hundred real tasks; make one real instance of each template."""
        self.add_department()
        for n in range(PER_HEAD):
            instance = self.submit(0, n)
            self.head_tasks.append(instance.ready_tasks[0].task_id)
            self.clock.now += timedelta(seconds=7)
            instance = self.engine.start("document_approval", "d0")
            self.drafter_tasks.append(instance.ready_tasks[0].task_id)
        k = self.add_department()
        at_head = self.submit(k, 1)
        self.templates["at_head"] = at_head.id
        self.templates["draft"] = self.engine.start("document_approval", f"d{k}").id
        at_office = self.submit(k, 2)
        task = at_office.ready_tasks[0]
        self.engine.complete_task(task.task_id, f"h{k}", REVIEW)
        self.templates["at_office"] = at_office.id
        sent_back = self.submit(k, 3)
        self.engine.complete_task(sent_back.ready_tasks[0].task_id, f"h{k}", SEND_BACK)
        self.templates["sent_back"] = sent_back.id

    def instances(self) -> int:
        """Return how many open instances there are."""
        with self.db.transaction(write=False) as connection:
            query = select(ProcessInstance.id).where(ProcessInstance.status == "running")
            found = connection.execute(select(text("count(*)")).select_from(query.subquery()))
            return int(found.scalar_one())

    def grow_to(self, total: int) -> None:
        """Copy the templates into new departments until ``total`` instances are open."""
        rows = self._template_rows()
        missing = total - self.instances()
        plan = [name for name, share in MIX for _ in range(round(share * 100))]
        batch: list[tuple[str, int]] = []
        while missing > 0:
            k = self.add_department()
            for i in range(min(PER_HEAD, missing)):
                batch.append((plan[i % len(plan)], k))
            missing -= min(PER_HEAD, missing)
            if len(batch) >= 5000 or missing <= 0:
                self._copy(rows, batch)
                batch = []
        schema.optimize(self.db)

    def _template_rows(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        tables = {
            "instance": (ProcessInstance, ProcessInstance.id),
            "items": (WorkItem, WorkItem.instance_id),
            "events": (Event, Event.instance_id),
            "participants": (Participant, Participant.instance_id),
        }
        found: dict[str, dict[str, list[dict[str, Any]]]] = {}
        with self.db.transaction(write=False) as connection:
            for name, instance_id in self.templates.items():
                found[name] = {
                    key: [
                        dict(r._mapping)
                        for r in connection.execute(select(model).where(column == instance_id))
                    ]
                    for key, (model, column) in tables.items()
                }
                for row in found[name]["items"]:
                    users = connection.execute(
                        select(WorkItemUser).where(WorkItemUser.task_id == row["task_id"])
                    )
                    row["_users"] = [dict(u._mapping) for u in users]
        return found

    def _copy(self, rows: dict[str, Any], batch: list[tuple[str, int]]) -> None:
        one = department(1)
        instances, items, users, events, participants = [], [], [], [], []
        with self.db.transaction(write=True) as connection:
            next_id = int(
                connection.execute(text("SELECT max(id) FROM process_instances")).scalar()
            )
            next_event = int(connection.execute(text("SELECT max(id) FROM events")).scalar())
            for name, k in batch:
                names = {"d1": f"d{k}", "h1": f"h{k}"}

                def rename(user: Any, names: dict[str, str] = names) -> Any:
                    return names.get(user, user)

                template = rows[name]
                next_id += 1
                instance = dict(template["instance"][0].items())
                instance["id"] = next_id
                instance["started_by"] = names.get(instance["started_by"], instance["started_by"])
                instance["actors"] = {
                    e: [names.get(a, a) for a in who] for e, who in instance["actors"].items()
                }
                instances.append(instance)
                for item in template["items"]:
                    task_id = str(uuid.uuid4())
                    copy = {key: v for key, v in item.items() if key != "_users"}
                    copy.update(
                        task_id=task_id,
                        instance_id=next_id,
                        department=department(k) if item["department"] == one else None,
                        excluded_users=[names.get(u, u) for u in item["excluded_users"]],
                        allowed_users=(
                            [names.get(u, u) for u in item["allowed_users"]]
                            if item["allowed_users"] is not None
                            else None
                        ),
                    )
                    items.append(copy)
                    users += [
                        {
                            **u,
                            "task_id": task_id,
                            "username": names.get(u["username"], u["username"]),
                        }
                        for u in item["_users"]
                    ]
                for e in template["events"]:
                    next_event += 1
                    events.append(
                        {
                            **e,
                            "id": next_event,
                            "instance_id": next_id,
                            "actor": names.get(e["actor"], e["actor"]),
                        }
                    )
                participants += [
                    {"instance_id": next_id, "username": names.get(p["username"], p["username"])}
                    for p in template["participants"]
                ]
            for model, values in (
                (ProcessInstance, instances),
                (WorkItem, items),
                (WorkItemUser, users),
                (Event, events),
                (Participant, participants),
            ):
                if values:
                    connection.execute(insert(model), values)


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Collect the SELECT statements run on ``db`` meanwhile."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engines = {id(e): e for e in (db.read_engine, db.write_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def plans(db: Database, seen: list[tuple[str, Any]]) -> list[str]:
    """Return the database's plan of each statement."""
    shown = []
    raw = db.read_engine.raw_connection()
    try:
        cursor = raw.cursor()
        sqlite = db.is_sqlite
        for statement, parameters in seen:
            cursor.execute(
                ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters
            )
            lines = [" ".join(str(c) for c in (r[-1:] if sqlite else r)) for r in cursor.fetchall()]
            shown.append(" ".join(statement.split())[:160] + "\n      " + "\n      ".join(lines))
    finally:
        raw.close()
    return shown


def interleaved_medians(
    calls: dict[int, dict[str, Callable[[], Any]]],
) -> dict[int, dict[str, float]]:
    """Return the median time in ms of each call at each size, the sizes taking turns.

    After one warm-up call each, every round runs each call on one database
    and then on the other (which goes first alternates), at least once and
    for at least ROUND_SECONDS: every median is of at least ROUNDS calls.
    """
    sizes = sorted(calls)
    times: dict[int, dict[str, list[float]]] = {s: {n: [] for n in calls[s]} for s in sizes}
    for size in sizes:
        for call in calls[size].values():
            call()
    for round_ in range(ROUNDS):
        for name in calls[sizes[0]]:
            for size in sizes if round_ % 2 == 0 else sizes[::-1]:
                call, seen = calls[size][name], times[size][name]
                began = ended = time.perf_counter()
                while ended - began < ROUND_SECONDS or not seen:
                    started = time.perf_counter()
                    call()
                    ended = time.perf_counter()
                    seen.append((ended - started) * 1e3)
    return {s: {n: statistics.median(t) for n, t in times[s].items()} for s in sizes}


def signed_in(app: Any, username: str) -> Any:
    """Return a test client signed in as ``username``."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def bench_calls(data: Dataset) -> dict[str, Callable[[], Any]]:
    """Return the calls measured: d0's and the office's inboxes, d0's task pages and tick."""
    app = create_app({"TESTING": True, "ENGINE": data.engine, "WTF_CSRF_ENABLED": False})
    drafter, office = signed_in(app, "d0"), signed_in(app, "wangwu")
    tasks = itertools.cycle(data.drafter_tasks)

    def inbox(client: Any) -> None:
        page = client.get("/")
        assert page.status_code == 200 and page.data.count(b'href="/tasks/') >= 50, page.status_code

    def task_page() -> None:
        response = drafter.get(f"/tasks/{next(tasks)}")
        assert response.status_code == 200, response.status_code

    def tick() -> None:
        result = data.engine.tick()
        assert result.instances == 0, result

    return {
        "inbox": lambda: inbox(drafter),
        "task_page": task_page,
        "tick": tick,
        "office_inbox": lambda: inbox(office),
    }


def report(data: Dataset, calls: dict[str, Callable[[], Any]], show_plans: bool) -> None:
    """Print how many tasks the inboxes hold, and the plans of the calls if asked."""
    counts = {u: data.engine.queries.inbox(u, limit=1) for u in ("d0", "h0", "wangwu")}
    print(
        "  tasks in the inboxes: "
        + ", ".join(f"{u} {'over ' if p.total_capped else ''}{p.total}" for u, p in counts.items())
    )
    if show_plans:
        for name, call in calls.items():
            with statements(data.db) as seen:
                call()
            print(f"  plans of {name}:")
            for plan in plans(data.db, seen):
                print("    " + plan)


def run(
    url: str, copy_url: str, total: int, label: str, show_plans: bool
) -> dict[int, dict[str, float]]:
    """Build at total/10, copy that to ``copy_url``, grow to total and measure both."""
    clock = ManualClock(datetime(2026, 11, 30, 1, tzinfo=UTC))
    data = Dataset(url, clock)
    data.real()
    datasets: dict[int, Dataset] = {}
    built: dict[int, float] = {}
    for size in (total // 10, total):
        started = time.perf_counter()
        data.grow_to(size)
        built[size] = time.perf_counter() - started
        datasets[size] = data if size == total else data.copy(copy_url)
    calls = {size: bench_calls(d) for size, d in datasets.items()}
    results = interleaved_medians(calls)
    for size, d in datasets.items():
        report(d, calls[size], show_plans and size == total)
        shown = " ".join(f"{k}={v:.2f}ms" for k, v in results[size].items())
        print(f"{label} n={size}: {shown} (built in {built[size]:.0f} s)", flush=True)
        d.db.dispose()
    return results


def growth(results: dict[int, dict[str, float]]) -> float:
    """Return the largest ratio of a time at the larger size to the same at the smaller."""
    small, large = sorted(results)
    return max(results[large][k] / results[small][k] for k in results[large])


def postgres_databases() -> tuple[str, str] | None:
    """Create a fresh PostgreSQL database for the bench and clear the name of its copy.

    Return the URLs of both, or None if no PostgreSQL answers.
    """
    name, copy = "gongkai_scale_bench", "gongkai_scale_bench_small"
    try:
        with psycopg.connect(ADMIN, autocommit=True, connect_timeout=3) as connection:
            for old in (name, copy):
                connection.execute(f"DROP DATABASE IF EXISTS {old} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        return None
    return POSTGRES.format(name=name), POSTGRES.format(name=copy)


def main() -> None:
    """Run the benchmark and print its last line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 instances")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    total = 10_000 if args.quick else args.instances
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite = run(
            f"sqlite:///{folder}/scale.sqlite3",
            f"sqlite:///{folder}/scale-small.sqlite3",
            total,
            "sqlite",
            True,
        )
        ratios.append(growth(sqlite))
    urls = None if args.no_postgres else postgres_databases()
    if urls is not None:
        ratios.append(growth(run(*urls, total, "postgres", True)))
    else:
        print("postgres: not measured (none answers on 127.0.0.1:5432)")
    at_n = sqlite[total]
    print(
        f"scale_bench: inbox_ms={at_n['inbox']:.2f} task_page_ms={at_n['task_page']:.2f} "
        f"tick_ms={at_n['tick']:.2f} growth={max(ratios):.2f}"
    )


if __name__ == "__main__":
    os.environ.setdefault("GONGKAI_LOG_FORMAT", "plain")
    main()
