"""Benchmark: engine task completions against raw SpiffWorkflow, and cost growth with history.

Runs the simple approval process (a draft sent back N times, then approved)
twice: on raw SpiffWorkflow in memory, and through the engine with SQLite
persistence and the audit log.  The last line reads

    engine_bench: ratio=R growth=G

R = engine completions per second / raw completions per second (target >= 0.5);
G = median cost of one engine completion on an instance already sent back 100
times / median cost on a fresh instance (target <= 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import Database, Engine
from engine.clock import ManualClock
from engine.definitions import DeployRules, compile_definition, read_files
from engine.store import schema

BPMN = Path(__file__).resolve().parent.parent / "workflows" / "simple_approval.bpmn"
DRAFT = {"title": "关于做好政务公开工作的通知", "body": "正文"}
SEND_BACK = {"decision": "send_back", "comment": "请补充公开属性"}
APPROVE = {"decision": "approve", "comment": "同意"}


def script(send_backs: int) -> list[dict]:
    """Return the form data of every completion: draft/review pairs, the last approved."""
    steps = []
    for _ in range(send_backs):
        steps += [DRAFT, SEND_BACK]
    return [*steps, DRAFT, APPROVE]


def run_raw(send_backs: int, rules: DeployRules) -> tuple[int, float]:
    """Drive the process on raw SpiffWorkflow in memory; return completions and seconds."""
    compiled = compile_definition(read_files([BPMN]), rules)
    spec, subprocess_specs = compiled.spec("simple_approval")
    workflow = BpmnWorkflow(spec, subprocess_specs)  # SpiffWorkflow's own script engine
    workflow.do_engine_steps()
    steps = script(send_backs)
    started = time.perf_counter()
    for data in steps:
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
    elapsed = time.perf_counter() - started
    assert workflow.is_completed()
    return len(steps), elapsed


def new_engine(folder: str) -> Engine:
    """Return an engine on a fresh SQLite file with the users and the workflow deployed."""
    db = Database.connect(f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(db)
    engine = Engine(db, ManualClock(datetime(2026, 11, 30, 1, tzinfo=UTC)))
    engine.users.add("drafter", ["drafter"])
    engine.users.add("reviewer", ["dept_head"])
    engine.deploy([BPMN])
    return engine


def complete_next(engine: Engine, task_id: str, data: dict) -> tuple[str | None, float]:
    """Complete one task through the engine; return the next ready task and the seconds taken."""
    actor = "drafter" if "title" in data else "reviewer"
    started = time.perf_counter()
    instance = engine.complete_task(task_id, actor, data)
    elapsed = time.perf_counter() - started
    return (instance.ready_tasks[0].task_id if instance.ready_tasks else None), elapsed


def run_engine(engine: Engine, send_backs: int) -> tuple[int, float]:
    """Drive the process through the engine; return completions and seconds."""
    steps = script(send_backs)
    started = time.perf_counter()
    task_id = engine.start("simple_approval", "drafter").ready_tasks[0].task_id
    for data in steps:
        task_id, _ = complete_next(engine, task_id, data)
    elapsed = time.perf_counter() - started
    assert task_id is None
    return len(steps), elapsed


def growth(engine: Engine, samples: int) -> tuple[float, float]:
    """Return the median completion cost on fresh instances and after 100 send-backs."""
    fresh = []
    for _ in range(samples):
        task_id = engine.start("simple_approval", "drafter").ready_tasks[0].task_id
        task_id, cost = complete_next(engine, task_id, DRAFT)
        fresh.append(cost)
        fresh.append(complete_next(engine, task_id, SEND_BACK)[1])
    task_id = engine.start("simple_approval", "drafter").ready_tasks[0].task_id
    for data in script(100)[:-2]:
        task_id, _ = complete_next(engine, task_id, data)
    late = []
    for _ in range(samples):
        task_id, cost = complete_next(engine, task_id, DRAFT)
        late.append(cost)
        task_id, cost = complete_next(engine, task_id, SEND_BACK)
        late.append(cost)
    return statistics.median(fresh), statistics.median(late)


def main() -> None:
    """Run the benchmark and print its figures, the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples, under 30 seconds")
    parser.add_argument("--send-backs", type=int, default=None, help="send-backs per run")
    args = parser.parse_args()
    send_backs = 100 if args.send_backs is None else args.send_backs
    samples = 20 if args.quick else 100

    # Best of three runs each, interleaved, so that a busy moment on the
    # machine does not decide the ratio.
    raw_runs, engine_runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        engine = new_engine(folder)
        run_engine(engine, 5)  # warm up: parse caches, connection pool
        for _ in range(3):
            raw_runs.append(run_raw(send_backs, engine.deploy_rules()))
            engine_runs.append(run_engine(engine, send_backs))
        fresh, late = growth(engine, samples)
        engine.db.dispose()
    raw_n, raw_s = min(raw_runs, key=lambda r: r[1])
    eng_n, eng_s = min(engine_runs, key=lambda r: r[1])

    raw_rate, eng_rate = raw_n / raw_s, eng_n / eng_s
    print(f"send-backs per run: {send_backs}")
    print(f"raw SpiffWorkflow:  {raw_n} completions in {raw_s:.3f} s = {raw_rate:.0f}/s")
    print(f"engine (SQLite):    {eng_n} completions in {eng_s:.3f} s = {eng_rate:.0f}/s")
    print(
        f"engine median cost: fresh {fresh * 1e3:.3f} ms, after 100 send-backs {late * 1e3:.3f} ms"
    )
    print(f"engine_bench: ratio={eng_rate / raw_rate:.2f} growth={late / fresh:.2f}")


if __name__ == "__main__":
    main()
