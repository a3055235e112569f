"""Sixteen browsers complete the same task over HTTP at once: one wins, fifteen get 409.

A real server (gunicorn, four worker processes) on a real database; sixteen
department heads, each signed in in his own browser (cookies, CSRF token,
the form's version), open the same department review, wait for each other
and press 提交 together.  Every round exactly one is taken to his inbox, the
others get 409 with the page that says the task was dealt with, and the
history holds exactly one completion, by the winner.  bench/race_bench.py
runs the same rounds 200 times.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from engine import Database, Engine

from .conftest import CHEAP_PASSWORDS, WORKFLOWS

BENCH = Path(__file__).resolve().parent.parent / "bench"
ROUNDS = 8


@pytest.fixture(scope="module")
def race_bench() -> Iterator[ModuleType]:
    """The race driver of bench/race_bench.py (with its browser and server helpers)."""
    added = str(BENCH) not in sys.path
    if added:
        sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("race_bench")
    finally:
        if added:
            sys.path.remove(str(BENCH))


def test_one_of_sixteen_browsers_wins_each_round_the_others_get_409(
    db: Database, tmp_path: Path, race_bench: ModuleType
) -> None:
    engine = Engine(db, password_method=CHEAP_PASSWORDS)
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    setup = race_bench.prepare(engine, ROUNDS)
    loadkit = sys.modules["loadkit"]
    port = loadkit.free_port()
    command, _ = loadkit.serve_command(port, 4, production=False)
    env = loadkit.server_environment(db.url, tmp_path / "instance")
    server = loadkit.WebServer(command, env, port, tmp_path / "web.log")
    server.start(4)
    try:
        report = race_bench.run_races("127.0.0.1", port, setup, engine)
    finally:
        server.stop()
    assert report.wrong == [], report.lines()
    assert report.one_winner == ROUNDS
    assert report.losers_409 == ROUNDS * (race_bench.RACERS - 1)
    assert report.statuses == {"302": ROUNDS, "409": ROUNDS * (race_bench.RACERS - 1)}
    for instance_id, _ in setup.tasks:
        assert engine.queries.verify_chain(instance_id).ok
        assert not engine.replayer.replay_stored(instance_id).problems
