"""Benchmark: verifying finished document approvals against running them.

Creates N published documents through the whole document approval (draft,
department head, office, signing leader, confidentiality review, publisher)
on a fresh SQLite database, timing every engine call; signs a checkpoint;
then verifies every instance as ``gongkai audit verify`` does: each chain,
each head against the signed checkpoint, and each history re-executed on its
deployed BPMN and compared with its events and stored state.  The last line
reads

    audit_bench: verify_per_s=V replay_vs_live=X

V = instances verified per second; X = the time to verify one instance / the
time its live execution took, both measured in this run (target X <= 0.5).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine import Database, Engine
from engine.checkpoints import generate_key
from engine.clock import ManualClock
from engine.store import schema
from webui.demo import DEMO_DEPARTMENTS, DEMO_USERS

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
BODY = "各区市人民政府，市政府各部门：\n现就做好政务公开工作有关事项通知如下。"
REVIEW = {"decision": "approve", "attribute": "proactive", "comment": "同意。"}


def steps(n: int) -> list[tuple[str, dict]]:
    """Return who completes which step of the n-th document, with what."""
    draft = {
        "title": f"关于做好政务公开工作的通知（第{n}号）",
        "doc_type": "general",
        "body": BODY,
        "attribute": "proactive",
        "attribute_reason": "",
    }
    return [
        ("zhangsan", draft),
        ("lisi", REVIEW),
        ("wangwu", {**REVIEW, "number_prefix": "威政办发"}),
        ("zhaoliu", {**REVIEW, "comment": "同意印发。"}),
        ("sunqi", {"review_conclusion": "disclose"}),
        ("zhouba", {"channel": "website", "url": "https://www.weihai.gov.cn/"}),
    ]


def new_engine(folder: str, clock: ManualClock) -> Engine:
    """Return an engine on a fresh SQLite file with the demo's people and every workflow."""
    db = Database.connect(f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(db)
    engine = Engine(db, clock, password_method="pbkdf2:sha256:1")
    for username, (name, roles) in DEMO_USERS.items():
        engine.users.add(username, roles, name, department=DEMO_DEPARTMENTS.get(username))
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    return engine


def new_engine_on(folder: str, clock: ManualClock) -> Engine:
    """Return a second engine on the same database, with nothing of the first's in memory."""
    return Engine(Database.connect(f"sqlite:///{folder}/bench.sqlite3"), clock)


def run_live(engine: Engine, clock: ManualClock, count: int) -> float:
    """Run ``count`` documents to publication; return the seconds the engine calls took."""
    spent = 0.0
    for n in range(1, count + 1):
        started = time.perf_counter()
        instance = engine.start("document_approval", "zhangsan")
        spent += time.perf_counter() - started
        for user, data in steps(n):
            clock.now += timedelta(minutes=7)
            task = instance.ready_tasks[0]
            started = time.perf_counter()
            instance = engine.complete_task(task.task_id, user, data)
            spent += time.perf_counter() - started
        assert instance.status == "completed", instance.status
    return spent


def main() -> None:
    """Run the benchmark and print its last line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="300 instances")
    args = parser.parse_args()
    count = 300 if args.quick else args.instances
    with tempfile.TemporaryDirectory() as folder:
        os.environ["GONGKAI_CHECKPOINT_LOG"] = f"{folder}/checkpoints.jsonl"
        public_key = generate_key(f"{folder}/key.pem")
        clock = ManualClock(datetime(2026, 11, 30, 1, tzinfo=UTC))
        engine = new_engine(folder, clock)
        live = run_live(engine, clock, count)
        engine.checkpoints.create(f"{folder}/key.pem")
        # A fresh engine: verification compiles the BPMN from the database, as an
        # auditor's would, and nothing is cached from the live run.
        auditor = new_engine_on(folder, clock)
        started = time.perf_counter()
        report = auditor.checkpoints.verify(public_key)
        verify = time.perf_counter() - started
        engine.db.dispose()
        auditor.db.dispose()
    instances = report.instances
    assert report.ok, [str(p) for p in report.problems[:5]]
    print(
        f"live: {count} documents, {live:.2f} s of engine calls, {live / count * 1e3:.1f} ms each"
    )
    print(f"verify: {instances} instances, {verify:.2f} s, {verify / instances * 1e3:.1f} ms each")
    ratio = (verify / instances) / (live / count)
    print(f"audit_bench: verify_per_s={instances / verify:.1f} replay_vs_live={ratio:.3f}")


if __name__ == "__main__":
    main()
