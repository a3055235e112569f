"""Sixteen processes fight over one task at the same moment, round after round.

Every claim, release, reassignment and completion must decide on the work item
as it is once the instance is locked: the audit history of each round must
replay over "who holds the task" without a single impossible step.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import time
from collections import Counter
from typing import Any

from engine import ConflictError, Database, Engine, PermissionDeniedError

from .conftest import CHEAP_PASSWORDS, WORKFLOWS

WORKERS = 16
ROUNDS = 200
ADMINS = ("admin0", "admin1")
#: users admins hand the task to; none of them acts, so no reassignment is a no-op.
TARGETS = ("target0", "target1")
DRAFTER = "drafter0"
EXPECTED = {ConflictError.__name__, PermissionDeniedError.__name__}
CLAIM_EVENTS = {"task_claimed": "claim", "task_released": "release", "task_reassigned": "reassign"}
WAIT = 60  # seconds any barrier or queue wait may take before the test gives up

# One planned operation: (op, user acting, user a reassignment hands the task to).
Op = tuple[str, str, str | None]


def head(worker: int) -> str:
    return f"head{worker:02d}"


def plan_rounds(seed: int = 7) -> tuple[list[bool], list[str | None], list[list[Op]]]:
    """Return per round: contention or not, the initial holder, and each worker's op."""
    rng = random.Random(seed)
    contention, holders, ops = [], [], []
    for round_ in range(ROUNDS):
        if round_ % 2 == 0:
            # Pure contention on an unclaimed task: exactly one may win.
            contention.append(True)
            holders.append(None)
            ops.append([(rng.choice(("claim", "complete")), head(w), None) for w in range(WORKERS)])
            continue
        # The task starts claimed by U0; roles rotate over the workers.
        offset = round_ % WORKERS
        slots = [(w - offset) % WORKERS for w in range(WORKERS)]
        holder = head(offset)
        row: list[Op] = []
        for w, slot in enumerate(slots):
            if slot == 0:
                row.append((rng.choice(("release", "complete")), head(w), None))
            elif slot in (1, 2):
                row.append(("reassign", ADMINS[slot - 1], TARGETS[slot - 1]))
            else:
                row.append((rng.choice(("claim", "complete")), head(w), None))
        assert row[offset][1] == holder
        contention.append(False)
        holders.append(holder)
        ops.append(row)
    return contention, holders, ops


def worker(
    url: str,
    index: int,
    tasks: list[str],
    ops: list[Op],
    warm_up_instance: int,
    barrier: Any,
    results: Any,
) -> None:
    """Build one engine, then run this worker's op of every round when all others do."""
    outcomes: list[str] = []
    engine = None
    try:
        engine = Engine(Database.connect(url))
        engine.queries.get_instance(warm_up_instance)  # connect and compile before the first round
        for task_id, (op, user, to_user) in zip(tasks, ops, strict=True):
            barrier.wait(WAIT)
            try:
                if op == "claim":
                    engine.claim(task_id, user)
                elif op == "release":
                    engine.release(task_id, user)
                elif op == "reassign":
                    engine.reassign(task_id, user, to_user)
                else:
                    engine.complete_task(task_id, user, {"decision": "approve"})
                outcomes.append("ok")
            except Exception as exc:
                outcomes.append(type(exc).__name__)
    except Exception as exc:
        barrier.abort()  # let the others stop at once instead of waiting out the timeout
        outcomes.append(f"worker died: {type(exc).__name__}: {exc}")
    finally:
        results.put((index, outcomes))
        if engine is not None:
            engine.db.dispose()


def set_up(engine: Engine, holders: list[str | None]) -> tuple[list[int], list[str], list[int]]:
    """Start one instance per round up to its review; return instances, tasks, events so far."""
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.users.add(DRAFTER, ["drafter"])
    for user in (*[head(w) for w in range(WORKERS)], *TARGETS):
        engine.users.add(user, ["dept_head"])
    for admin in ADMINS:
        engine.users.add(admin, ["admin"])
    instances, tasks, seen = [], [], []
    for holder in holders:
        started = engine.start("simple_approval", DRAFTER)
        (draft,) = started.ready_tasks
        drafted = engine.complete_task(draft.task_id, DRAFTER, {"title": "稿"})
        (review,) = drafted.ready_tasks
        if holder is not None:
            engine.claim(review.task_id, holder)
        instances.append(started.id)
        tasks.append(review.task_id)
        seen.append(len(engine.queries.history(started.id)))
    return instances, tasks, seen


def replay(
    events: list[Any], task_id: str, holder: str | None, reports: list[tuple[Op, str]]
) -> list[str]:
    """Return what is wrong with one round: its events over "who holds it", and the reports."""
    problems = []
    done = False
    happened: Counter[tuple[str, str, str | None]] = Counter()
    for e in events:
        if e.type == "instance_completed" and done:
            continue
        if done:
            problems.append(f"{e.type} by {e.actor} after the task was completed")
        if e.data.get("task_id") != task_id:
            problems.append(f"{e.type} of another task {e.data.get('task_id')}")
            continue
        if e.type in CLAIM_EVENTS:
            op = CLAIM_EVENTS[e.type]
            if op == "claim" and holder is not None:
                problems.append(f"claim by {e.actor} while {holder} held it")
            elif op == "release" and holder != e.actor:
                problems.append(f"release by {e.actor} while {holder} held it")
            elif e.data["from"] != holder:
                problems.append(f"{op} by {e.actor} from {e.data['from']}, but {holder} held it")
            elif e.data["to"] != {"claim": e.actor, "release": None}.get(op, e.data["to"]):
                problems.append(f"{op} by {e.actor} to {e.data['to']}")
            happened[op, e.actor, e.data["to"] if op == "reassign" else None] += 1
            holder = e.data["to"]
        elif e.type == "task_completed":
            if holder not in (None, e.actor):
                problems.append(f"completed by {e.actor} while {holder} held it")
            happened["complete", e.actor, None] += 1
            done = True
        else:
            problems.append(f"unexpected {e.type}")
    succeeded = Counter(op for op, outcome in reports if outcome == "ok")
    if happened != succeeded:
        problems.append(f"events {dict(happened)} != successes {dict(succeeded)}")
    return problems


def test_sixteen_processes_race_for_one_task(database_url: str, db: Database) -> None:
    contention, holders, ops = plan_rounds()
    instances, tasks, seen = set_up(Engine(db, password_method=CHEAP_PASSWORDS), holders)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["engine"])
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=worker,
            args=(
                database_url,
                w,
                tasks,
                [row[w] for row in ops],
                instances[0],
                barrier,
                results,
            ),
            daemon=True,
        )
        for w in range(WORKERS)
    ]
    outcomes: dict[int, list[str]] = {}
    started = time.monotonic()
    try:
        for process in processes:
            process.start()
        deadline = time.monotonic() + WAIT + ROUNDS
        while len(outcomes) < WORKERS:
            # Workers end within one barrier timeout of each other, even when one dies.
            left = deadline - time.monotonic()
            if outcomes:
                left = min(left, 2 * WAIT)
            try:
                index, got = results.get(timeout=max(0.1, left))
            except queue.Empty:
                break
            outcomes[index] = got
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(5)
        results.close()
    elapsed = time.monotonic() - started
    assert len(outcomes) == WORKERS, f"workers {sorted(set(range(WORKERS)) - set(outcomes))} hung"
    died = {w: o[-1] for w, o in outcomes.items() if o and o[-1].startswith("worker died")}
    assert not died, died
    assert all(len(o) == ROUNDS for o in outcomes.values())

    engine = Engine(db)
    failures = []
    for round_ in range(ROUNDS):
        reports = [(ops[round_][w], outcomes[w][round_]) for w in range(WORKERS)]
        problems = [
            f"{user} {op} raised {outcome}"
            for (op, user, _), outcome in reports
            if outcome != "ok" and outcome not in EXPECTED
        ]
        wins = sum(outcome == "ok" for _, outcome in reports)
        if contention[round_] and wins != 1:
            problems.append(f"{wins} winners on an unclaimed task")
        events = engine.queries.history(instances[round_])[seen[round_] :]
        problems += replay(events, tasks[round_], holders[round_], reports)
        if problems:
            failures.append(f"round {round_}: " + "; ".join(problems))
    summary = f"{len(failures)} of {ROUNDS} rounds wrong ({elapsed:.1f}s of racing)"
    assert not failures, summary + "\n" + "\n".join(failures[:10])
