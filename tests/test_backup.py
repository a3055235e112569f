"""`gongkai backup` and `gongkai restore`: a consistent copy of a busy database, checked back in."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy
from click.testing import CliRunner, Result

from engine import Database, Engine
from webui.cli import main

from .conftest import CHEAP_PASSWORDS, TEST_BPMN
from .processes import GONGKAI, environment, wait_until
from .templates import Templates

#: a process that has the database open as gongkai does (WAL mode) and keeps it open
HOLD = (
    "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
    "c.execute('PRAGMA journal_mode=WAL'); c.execute('SELECT count(*) FROM events').fetchall(); "
    "print('holding', flush=True); time.sleep(60)"
)
BACKED_UP = re.compile(r"(\d+) instance\(s\), (\d+) event\(s\)")


def _gongkai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GONGKAI, *args], env=environment(), capture_output=True, text=True, timeout=120
    )


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _count(engine: Engine, table: str) -> int:
    with engine.store.read() as repo:
        return repo.connection.execute(sqlalchemy.text(f"SELECT count(*) FROM {table}")).scalar()


def _hashes(engine: Engine) -> dict[tuple[int, int], str]:
    with engine.store.read() as repo:
        rows = repo.connection.execute(sqlalchemy.text("SELECT instance_id, seq, hash FROM events"))
        return {(i, s): h for i, s, h in rows}


@pytest.mark.tampers
def test_backup_of_a_busy_database_restores_and_verifies(
    templates: Templates, tmp_path: Path
) -> None:
    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    engine = Engine(
        templates.copy("migrated", lambda _: None, live), password_method=CHEAP_PASSWORDS
    )
    engine.users.add("hana", ["handler"])
    engine.deploy([TEST_BPMN / "timed_handling.bpmn"])
    written: list[int] = []
    done = threading.Event()

    def write() -> None:
        while not done.wait(0.1):
            written.append(engine.start("timed_handling", "hana").id)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until(lambda: len(written) >= 5, 30, "the first instances")
        before = len(written)
        backup = tmp_path / "backups" / "gongkai.sqlite3"
        backup.parent.mkdir()
        made = _gongkai("--database-url", live, "backup", str(backup))
        during = len(written)
    finally:
        done.set()
        writer.join()
    assert made.returncode == 0, made.stderr
    assert during > before, "nothing was written while the backup ran"
    instances, events = map(int, BACKED_UP.search(made.stdout).groups())
    assert before <= instances <= len(written)
    # A backup never overwrites, not even another backup.
    again = _cli("--database-url", live, "backup", str(backup))
    assert again.exit_code == 1 and "never overwrites" in again.output

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = _cli("--database-url", restored_url, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert f"{instances} instance(s), every chain verified" in restored.output
    copy = Engine(Database.connect(restored_url), password_method=CHEAP_PASSWORDS)
    try:
        assert (_count(copy, "process_instances"), _count(copy, "events")) == (instances, events)
        # The copy is the live database as it was at one moment: what it holds is unchanged since.
        copied, now = _hashes(copy), _hashes(engine)
        assert all(now[key] == digest for key, digest in copied.items())
        with copy.store.read() as repo:
            ids = list(repo.connection.execute(sqlalchemy.text("SELECT id FROM process_instances")))
        definitions: dict = {}  # each deployed definition compiled once for all replays
        for (instance_id,) in ids:
            assert copy.queries.verify_chain(instance_id).ok
            assert not copy.replayer.replay_stored(instance_id, definitions=definitions).problems
    finally:
        copy.db.dispose()
        engine.db.dispose()

    # A database another process has open is not replaced under it.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "restored.sqlite3")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        busy = _cli("--database-url", restored_url, "restore", str(backup))
        assert busy.exit_code == 1 and "in use" in busy.output
    finally:
        holder.kill()
        holder.wait()

    # A backup whose history was altered is refused, and nothing is put in place.
    altered = tmp_path / "altered.sqlite3"
    shutil.copyfile(backup, altered)
    with sqlite3.connect(altered) as connection:
        connection.execute("UPDATE events SET actor = 'mallory' WHERE seq = 1 AND instance_id = 1")
    target = tmp_path / "never.sqlite3"
    refused = _cli("--database-url", f"sqlite:///{target}", "restore", str(altered))
    assert refused.exit_code == 1
    assert "instance 1: event 1 was altered" in refused.output
    assert "nothing was replaced" in refused.output
    assert not target.exists()
    # Restoring over a database that nobody uses keeps the old one beside it.
    over = _cli("--database-url", restored_url, "restore", str(backup))
    assert over.exit_code == 0, over.output
    assert list(tmp_path.glob("restored.sqlite3.replaced-*"))


def test_postgresql_is_backed_up_with_pg_dump() -> None:
    url = "postgresql+psycopg://owner:s3cret-pw@db.example.gov.cn/gongkai"
    result = CliRunner().invoke(main, ["--database-url", url, "backup", "gongkai.dump"])
    assert result.exit_code == 1
    assert (
        "pg_dump --format=custom --file=gongkai.dump postgresql://owner@db.example.gov.cn/gongkai"
        in result.output
    )
    restore = CliRunner().invoke(main, ["--database-url", url, "restore", __file__])
    assert restore.exit_code == 1 and "pg_restore --exit-on-error" in restore.output
    assert "s3cret" not in result.output + restore.output
