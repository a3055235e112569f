"""Benchmark: the engine against raw SpiffWorkflow, and step costs over a long history.

In one run, on the same short process of three user tasks and no send-backs
(``bench/three_tasks.bpmn``), it measures completions per second of

- raw SpiffWorkflow in memory (one workflow object, nothing saved);
- raw SpiffWorkflow with its standard JSON serializer round trip after every
  step (what a program must do to survive a restart with SpiffWorkflow alone);
- the engine on SQLite (a transaction per step: state, work items, audit events).

Then, on the simple approval, the cost of one ``complete_task`` and of one task
page (the HTTP page a reviewer opens) on a fresh instance and on an instance
sent back 1,000 times.  The last line reads

    engine_bench: ratio_mem=A ratio_json=B growth=G

A = engine / raw in memory (target >= 0.25); B = engine / raw with its JSON
round trip (target >= 1.0); G = the larger of the two cost ratios after 1,000
send-backs / fresh (target <= 1.2).  Each rate is the best of several rounds,
the three kinds taking turns, so that a busy moment of a shared machine does not
decide a ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine import Database, Engine
from engine.clock import ManualClock
from engine.definitions import DeployRules, compile_definition, read_files
from engine.store import schema
from webui import create_app

HERE = Path(__file__).resolve().parent
THREE_TASKS = HERE / "three_tasks.bpmn"
SIMPLE = HERE.parent / "workflows" / "simple_approval.bpmn"
DRAFT = {"title": "关于做好政务公开工作的通知", "body": "正文"}
APPROVE = {"decision": "approve", "comment": "同意"}
SEND_BACK = {"decision": "send_back", "comment": "请补充公开属性"}
#: who completes each of the three tasks, with what
THREE_STEPS = [("drafter", DRAFT), ("reviewer", APPROVE), ("leader", APPROVE)]
PASSWORD = "bench-password"


def raw_round(rules: DeployRules, instances: int, round_trip: bool) -> tuple[int, float]:
    """Run ``instances`` of the three tasks on raw SpiffWorkflow; return completions, seconds."""
    compiled = compile_definition(read_files([THREE_TASKS]), rules)
    spec, subprocess_specs = compiled.spec("three_tasks")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    started = time.perf_counter()
    for _ in range(instances):
        workflow = BpmnWorkflow(spec, subprocess_specs)  # SpiffWorkflow's own script engine
        workflow.do_engine_steps()
        for _, data in THREE_STEPS:
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            if round_trip:
                workflow = serializer.deserialize_json(serializer.serialize_json(workflow))
        assert workflow.is_completed()
    return instances * len(THREE_STEPS), time.perf_counter() - started


def engine_round(engine: Engine, instances: int) -> tuple[int, float]:
    """Run ``instances`` of the three tasks through the engine; return completions, seconds."""
    started = time.perf_counter()
    for _ in range(instances):
        instance = engine.start("three_tasks", "drafter")
        for user, data in THREE_STEPS:
            instance = engine.complete_task(instance.ready_tasks[0].task_id, user, data)
        assert instance.status == "completed"
    return instances * len(THREE_STEPS), time.perf_counter() - started


def new_engine(folder: str) -> Engine:
    """Return an engine on a fresh SQLite file with its users and both processes deployed."""
    db = Database.connect(f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(db)
    engine = Engine(db, ManualClock(datetime(2026, 11, 30, 1, tzinfo=UTC)))
    engine.users.add("drafter", ["drafter"], "起草人", PASSWORD)
    engine.users.add("reviewer", ["dept_head"], "审核人", PASSWORD)
    engine.users.add("leader", ["leader"], "签发人", PASSWORD)
    engine.deploy([THREE_TASKS])
    engine.deploy([SIMPLE])
    return engine


def timed(action: Callable[[], object]) -> float:
    """Return the seconds ``action`` took."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class Reviewer:
    """A signed-in reviewer opening task pages over HTTP (Flask's test client)."""

    def __init__(self, engine: Engine) -> None:
        app = create_app({"ENGINE": engine, "SECRET_KEY": "engine-bench"})
        self.client = app.test_client()
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        answer = self.client.post(
            "/login",
            data={"csrf_token": token.group(1), "username": "reviewer", "password": PASSWORD},
        )
        assert answer.status_code == 302, answer.status_code

    def open(self, task_id: str) -> None:
        """Open a task page, as a reviewer's click does."""
        answer = self.client.get(f"/tasks/{task_id}")
        assert answer.status_code == 200, answer.status_code


def growth(engine: Engine, samples: int, send_backs: int) -> tuple[float, float, float, float]:
    """Return median costs of a completion and of a task page: fresh, then after send-backs.

    The fresh and the long instance take turns, sample by sample, so that a busy
    moment of a shared machine weighs on both alike instead of on one of them.
    """
    reviewer = Reviewer(engine)

    def step(task_id: str, user: str, data: dict) -> str:
        return engine.complete_task(task_id, user, data).ready_tasks[0].task_id

    def at_review() -> str:
        return step(
            engine.start("simple_approval", "drafter").ready_tasks[0].task_id, "drafter", DRAFT
        )

    def measure(task_id: str, completes: list[float], pages: list[float]) -> str:
        """Open the task page, send the draft back, and return the resubmitted review."""
        pages.append(timed(lambda: reviewer.open(task_id)))
        started = time.perf_counter()
        sent_back = step(task_id, "reviewer", SEND_BACK)
        completes.append(time.perf_counter() - started)
        return step(sent_back, "drafter", DRAFT)

    long = at_review()
    for _ in range(send_backs):
        long = step(step(long, "reviewer", SEND_BACK), "drafter", DRAFT)
    fresh_completes: list[float] = []
    fresh_pages: list[float] = []
    late_completes: list[float] = []
    late_pages: list[float] = []
    for _ in range(samples):
        measure(at_review(), fresh_completes, fresh_pages)  # its first review: fresh
        long = measure(long, late_completes, late_pages)
    return (
        statistics.median(fresh_completes),
        statistics.median(late_completes),
        statistics.median(fresh_pages),
        statistics.median(late_pages),
    )


def main() -> None:
    """Run the benchmark and print its figures, the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and send-backs")
    parser.add_argument("--send-backs", type=int, default=None, help="send-backs (1000)")
    args = parser.parse_args()
    send_backs = args.send_backs if args.send_backs is not None else (100 if args.quick else 1000)
    instances, rounds, samples = (20, 3, 15) if args.quick else (100, 5, 40)

    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        engine = new_engine(folder)
        rules = engine.deploy_rules()
        engine_round(engine, 5)  # warm up: parse caches, connection pool, script workers
        raw_round(rules, 5, True)
        for _ in range(rounds):
            for kind, run in (
                ("mem", lambda: raw_round(rules, instances, False)),
                ("json", lambda: raw_round(rules, instances, True)),
                ("engine", lambda: engine_round(engine, instances)),
            ):
                count, seconds = run()
                best[kind] = max(best.get(kind, 0.0), count / seconds)
        fresh_step, late_step, fresh_page, late_page = growth(engine, samples, send_backs)
        engine.db.dispose()

    print(f"three user tasks, {instances} instances a round, best of {rounds} rounds:")
    print(f"  raw SpiffWorkflow in memory:          {best['mem']:8.0f} completions/s")
    print(f"  raw SpiffWorkflow + JSON round trip:  {best['json']:8.0f} completions/s")
    print(f"  engine (SQLite, durable):             {best['engine']:8.0f} completions/s")
    print(
        f"complete_task: {fresh_step * 1e3:.2f} ms fresh, "
        f"{late_step * 1e3:.2f} ms after {send_backs} send-backs"
    )
    print(
        f"task page:     {fresh_page * 1e3:.2f} ms fresh, "
        f"{late_page * 1e3:.2f} ms after {send_backs} send-backs"
    )
    grown = max(late_step / fresh_step, late_page / fresh_page)
    print(
        f"engine_bench: ratio_mem={best['engine'] / best['mem']:.2f} "
        f"ratio_json={best['engine'] / best['json']:.2f} growth={grown:.2f}"
    )


if __name__ == "__main__":
    main()
