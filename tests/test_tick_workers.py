"""Tick workers side by side: every due timer fires exactly once, whatever happens to them."""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy

from engine import Engine
from engine.clock import ManualClock

from .conftest import CHEAP_PASSWORDS, TEST_BPMN
from .processes import GONGKAI, environment, json_lines, stop, wait_until
from .templates import Templates

WORKERS = 3
#: instances whose timer is due before the workers start, and after they have started
BEFORE, AFTER = 16, 40
FIRED = re.compile(r"tick: (\d+) instance\(s\), (\d+) timer\(s\) fired")


def _start(engine: Engine, count: int) -> list[int]:
    return [engine.start("timed_handling", "hana").id for _ in range(count)]


def _fired(engine: Engine, instance_id: int) -> int:
    return sum(
        1
        for e in engine.queries.history(instance_id)
        if e.type == "timer_fired" and e.data["element_id"] == "wait_a_day"
    )


def _cut_connections(url: str, application: str) -> int:
    """Terminate every PostgreSQL connection of the workers (as a server restart would)."""
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            cut = connection.execute(
                sqlalchemy.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": application},
            )
            return len(cut.all())
    finally:
        admin.dispose()


def test_tick_workers_fire_every_timer_exactly_once(
    database_url: str, templates: Templates, tmp_path: Path
) -> None:
    db = templates.copy("migrated", lambda _: None, database_url)
    # The instances start two days ago: their one-day timer is due by the workers' clock.
    engine = Engine(
        db, ManualClock(datetime.now(UTC) - timedelta(days=2)), password_method=CHEAP_PASSWORDS
    )
    engine.users.add("hana", ["handler"])
    engine.deploy([TEST_BPMN / "timed_handling.bpmn"])
    started = _start(engine, BEFORE)
    application = f"gongkai-tick-{uuid.uuid4().hex[:8]}"
    env = environment(GONGKAI_LOG_FORMAT="json", PGAPPNAME=application)
    workers = []
    for number in range(WORKERS):
        out, err = tmp_path / f"tick{number}.out", tmp_path / f"tick{number}.log"
        with out.open("w") as stdout, err.open("w") as stderr:
            command = [GONGKAI, "--database-url", database_url, "tick", "--loop", "0.05"]
            workers.append(subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr))
    try:
        logs = [tmp_path / f"tick{n}.log" for n in range(WORKERS)]
        wait_until(
            lambda: all("tick_started" in log.read_text() for log in logs), 60, "the workers"
        )
        for _ in range(AFTER // 8):
            started += _start(engine, 8)
            # Batches land at different moments of the workers' cycles (a busy machine
            # may otherwise let the one worker that is awake take every batch).
            time.sleep(0.15)
        if not db.is_sqlite:
            # Lost connections (as in a database restart), idle or in the middle of firing a
            # timer, are survived: the workers go on, and a timer cut short fires later.
            cut = 0
            for _ in range(8):
                started += _start(engine, 1)
                cut += _cut_connections(database_url, application)
            assert cut >= WORKERS
        wait_until(
            lambda: all(_fired(engine, i) for i in started), 60, "every timer to fire", step=0.3
        )
        time.sleep(0.3)  # a worker that fired a timer twice would do it by now
        assert all(w.poll() is None for w in workers), "a tick worker died"
    finally:
        codes = [stop(w) for w in workers]
    assert codes == [0] * WORKERS  # SIGTERM stops a worker cleanly

    assert {i: _fired(engine, i) for i in started} == {i: 1 for i in started}
    per_worker = [
        sum(int(m.group(2)) for m in FIRED.finditer((tmp_path / f"tick{n}.out").read_text()))
        for n in range(WORKERS)
    ]
    # Each timer was counted by the one worker that fired it (but a tick cut short by a lost
    # connection reports nothing of the timers it fired before); several workers fired some.
    if db.is_sqlite:
        assert sum(per_worker) == len(started), per_worker
    else:
        assert len(started) - 8 <= sum(per_worker) <= len(started), per_worker
    assert sum(1 for n in per_worker if n) >= 2, per_worker
    for number in range(WORKERS):
        lines = json_lines(tmp_path / f"tick{number}.log")
        assert lines[-1]["event"] == "tick_stopped"
        ticks = [line for line in lines if line.get("call") == "tick" and "timers_fired" in line]
        assert sum(line["timers_fired"] for line in ticks) == per_worker[number]
    for instance_id in started:
        assert engine.queries.verify_chain(instance_id).ok
        assert not engine.replayer.replay_stored(instance_id).problems
    engine.db.dispose()


def test_a_tick_worker_outlives_a_database_that_is_gone(tmp_path: Path) -> None:
    """A database that cannot be opened is logged and retried, and SIGTERM still stops it."""
    gone = f"sqlite:///{tmp_path / 'no folder' / 'gongkai.sqlite3'}"
    log = tmp_path / "tick.log"
    with log.open("w") as stderr:
        worker = subprocess.Popen(
            [GONGKAI, "--database-url", gone, "tick", "--loop", "0.05"],
            env=environment(GONGKAI_LOG_FORMAT="json"),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_until(lambda: log.read_text().count("tick_error") >= 2, 30, "two failed ticks")
        assert worker.poll() is None
    finally:
        assert stop(worker) == 0
    errors = [line for line in json_lines(log) if line.get("event") == "tick_error"]
    assert errors[1]["retry_in_s"] > errors[0]["retry_in_s"] * 1.2  # it backs off
    assert errors[0]["error"] == "UnavailableError"
