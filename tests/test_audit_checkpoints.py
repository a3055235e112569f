"""Signed checkpoints: tampering by someone who can write to the database is caught."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, MetaData, delete, select, text, update

from engine import Engine, audit
from engine.checkpoints import (
    MISSING,
    REWRITTEN,
    ROLLED_BACK,
    CheckpointView,
    generate_key,
    load_private_key,
    merkle_root,
    verify_export,
)
from engine.clock import ManualClock
from engine.store.models import Event, ProcessInstance, table_of
from webui.cli import main

from .conftest import WORKFLOWS
from .helpers import beijing

pytestmark = pytest.mark.tampers

EVENTS = table_of(Event)
INSTANCES = table_of(ProcessInstance)


@pytest.fixture
def setup(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Engine, str]:
    """Deploy the simple approval, two users, and a signing key; return the public key."""
    monkeypatch.setenv("GONGKAI_CHECKPOINT_LOG", str(tmp_path / "checkpoints.jsonl"))
    monkeypatch.setenv("GONGKAI_CHECKPOINT_KEY", str(tmp_path / "key.pem"))
    public = generate_key(tmp_path / "key.pem")
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.users.add("alice", ["drafter"])
    engine.users.add("bob", ["dept_head"])
    return engine, public


def complete(engine: Engine, user: str, element: str, data: dict[str, object]) -> None:
    task = next(t for t in engine.queries.list_tasks(user) if t.element_id == element)
    engine.complete_task(task.task_id, user, data)


def approved(engine: Engine, title: str = "通知") -> int:
    """Run one instance to its end; return its id."""
    instance = engine.start("simple_approval", "alice")
    complete(engine, "alice", "draft", {"title": title})
    complete(engine, "bob", "review", {"decision": "approve"})
    return instance.id


def problems(engine: Engine, public: str, **options: object) -> list[tuple[object, ...]]:
    report = engine.checkpoints.verify(public, **options)  # type: ignore[arg-type]
    return [(p.instance_id, p.seq, p.kind) for p in report.problems]


def events_of(conn: Connection, instance_id: int) -> list[audit.EventRow]:
    columns = [EVENTS.c[n] for n in ("instance_id", "seq", "type", "actor", "at", "data")]
    columns += [EVENTS.c.prev_hash, EVENTS.c.hash]
    query = select(*columns).where(EVENTS.c.instance_id == instance_id).order_by(EVENTS.c.seq)
    return [audit.EventRow(*row) for row in conn.execute(query)]


def renumber(conn: Connection, instance_id: int, seq: int, new_seq: int) -> None:
    conn.execute(
        text("UPDATE events SET seq = :new WHERE instance_id = :id AND seq = :seq"),
        {"id": instance_id, "seq": seq, "new": new_seq},
    )


def rehash(conn: Connection, instance_id: int) -> None:
    """Rewrite an instance's chain consistently, as an administrator who knows the code would."""
    prev = audit.GENESIS_HASH
    rows = events_of(conn, instance_id)
    for row in rows:
        digest = audit.event_hash(instance_id, row.seq, row.type, row.actor, row.at, row.data, prev)
        conn.execute(
            update(EVENTS)
            .where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == row.seq)
            .values(prev_hash=prev, hash=digest)
        )
        prev = digest
    conn.execute(
        update(INSTANCES)
        .where(INSTANCES.c.id == instance_id)
        .values(last_event_hash=prev, event_count=len(rows))
    )


def test_a_clean_history_verifies(setup: tuple[Engine, str], tmp_path: Path) -> None:
    engine, public = setup
    ids = [approved(engine, f"第{n}号") for n in range(3)]
    first = engine.checkpoints.create()
    assert (first.seq, len(first.leaves)) == (1, 3)
    assert [leaf[0] for leaf in first.leaves] == ids
    # work goes on after the checkpoint: the chains grow past the signed heads
    engine.start("simple_approval", "alice")
    second = engine.checkpoints.create()
    assert (second.seq, second.prev_hash, len(second.leaves)) == (2, first.hash, 4)
    complete(engine, "alice", "draft", {"title": "后来"})

    report = engine.checkpoints.verify(public)
    assert (report.ok, report.instances, report.checkpoints) == (True, 4, 2), report.problems
    lines = (tmp_path / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    assert [CheckpointView.from_line(line) for line in lines] == [first, second]
    assert engine.checkpoints.verify(public, instance_id=ids[0]).instances == 1
    assert engine.checkpoints.verify(public, since="2100-01-01").instances == 0


def test_since_names_a_day_of_beijing(
    setup: tuple[Engine, str], clock: ManualClock, tmp_path: Path
) -> None:
    engine, public = setup
    clock.now = beijing("2026-11-30 23:30")
    approved(engine, "前一天")
    clock.now = beijing("2026-12-01 00:30")  # still 30 November in UTC
    late = approved(engine, "当天")
    report = engine.checkpoints.verify(public, since=date(2026, 12, 1))
    assert report.instances == 1
    export = list(engine.checkpoints.export(since=datetime(2026, 12, 1)))
    assert [json.loads(line)["id"] for line in export if '"kind":"instance"' in line] == [late]


def test_merkle_root_follows_rfc_6962() -> None:
    import hashlib

    def h(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    leaves = [(1, 2, "a"), (2, 3, "b"), (3, 4, "c")]
    hashed = [
        h(b"\x00" + json.dumps(list(leaf), separators=(",", ":")).encode()) for leaf in leaves
    ]
    expected = h(b"\x01" + h(b"\x01" + hashed[0] + hashed[1]) + hashed[2])
    assert merkle_root(leaves) == expected.hex()
    assert merkle_root([]) == h(b"").hex()


def test_an_edited_event_is_found(setup: tuple[Engine, str]) -> None:
    engine, public = setup
    instance_id = approved(engine)
    engine.checkpoints.create()
    with engine.db.write_engine.begin() as conn:
        conn.execute(
            update(EVENTS)
            .where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == 2)
            .values(data={"forged": True})
        )
    assert problems(engine, public) == [(instance_id, 2, "edited")]


def test_a_removed_event_is_found(setup: tuple[Engine, str]) -> None:
    engine, public = setup
    instance_id = approved(engine)
    engine.checkpoints.create()
    with engine.db.write_engine.begin() as conn:
        conn.execute(delete(EVENTS).where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == 2))
    assert problems(engine, public)[0] == (instance_id, 2, "removed")


def test_an_inserted_event_is_found(setup: tuple[Engine, str]) -> None:
    engine, public = setup
    instance_id = approved(engine)
    with engine.db.write_engine.begin() as conn:
        rows = events_of(conn, instance_id)
        for row in reversed(rows[2:]):  # make room for a new event 3
            renumber(conn, instance_id, row.seq, row.seq + 1)
        at, data = rows[1].at, {"note": "补记"}
        digest = audit.event_hash(instance_id, 3, "note", "mallory", at, data, rows[1].hash)
        conn.execute(
            EVENTS.insert().values(
                instance_id=instance_id,
                seq=3,
                type="note",
                actor="mallory",
                at=at,
                data=data,
                prev_hash=rows[1].hash,
                hash=digest,
            )
        )
    assert problems(engine, public) == [(instance_id, 3, "inserted")]


def test_two_swapped_events_are_found(setup: tuple[Engine, str]) -> None:
    engine, public = setup
    instance_id = approved(engine)
    with engine.db.write_engine.begin() as conn:
        renumber(conn, instance_id, 2, -2)
        renumber(conn, instance_id, 3, 2)
        renumber(conn, instance_id, -2, 3)
    assert problems(engine, public) == [(instance_id, 2, "reordered")]


def test_a_chain_rewritten_after_a_checkpoint_is_caught_by_the_checkpoint(
    setup: tuple[Engine, str],
) -> None:
    engine, public = setup
    kept, rewritten = approved(engine), approved(engine)
    engine.checkpoints.create()
    with engine.db.write_engine.begin() as conn:
        conn.execute(
            update(EVENTS)
            .where(EVENTS.c.instance_id == rewritten, EVENTS.c.seq == 2)
            .values(actor="mallory")
        )
        rehash(conn, rewritten)
    # the chain alone looks whole ...
    assert engine.queries.verify_chain(rewritten).ok
    # ... but not against the signed head
    assert problems(engine, public) == [(rewritten, 4, REWRITTEN)]
    assert problems(engine, public, instance_id=kept) == []


def test_an_instance_deleted_after_a_checkpoint_is_missing(setup: tuple[Engine, str]) -> None:
    engine, public = setup
    kept, deleted = approved(engine), approved(engine)
    engine.checkpoints.create()
    with engine.db.write_engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn)
        for table in reversed(tables.sorted_tables):
            if "instance_id" in table.c:
                conn.execute(delete(table).where(table.c.instance_id == deleted))
        conn.execute(delete(INSTANCES).where(INSTANCES.c.id == deleted))
    assert problems(engine, public) == [(deleted, None, MISSING)]
    assert problems(engine, public, instance_id=kept) == []


def test_a_rolled_back_database_and_a_forged_log_are_found(
    setup: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, public = setup
    approved(engine)
    engine.checkpoints.create()
    engine.checkpoints.create()
    with engine.db.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM checkpoints WHERE seq = 2"))
    assert problems(engine, public) == [(None, None, ROLLED_BACK)]

    log = tmp_path / "checkpoints.jsonl"
    first, second = log.read_text(encoding="utf-8").splitlines()
    forged = json.loads(first)
    forged["leaves"][0][1] = 99  # a head the key never signed
    log.write_text(json.dumps(forged) + "\n" + second + "\n", encoding="utf-8")
    kinds = [p[2] for p in problems(engine, public)]
    assert "log" in kinds

    other = tmp_path / "other.pem"
    generate_key(other)
    log.write_text(first + "\n" + second + "\n", encoding="utf-8")
    other_public = load_private_key(other).public_key()
    assert {p[2] for p in problems(engine, other_public)} >= {"log"}


def test_an_export_verifies_without_the_database(setup: tuple[Engine, str]) -> None:
    engine, public = setup
    first = approved(engine)
    approved(engine)
    engine.checkpoints.create()
    lines = list(engine.checkpoints.export([first]))
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds[:3] == ["public_key", "checkpoint", "instance"] and "event" in kinds
    report = verify_export(lines, public)
    assert (report.ok, report.instances) == (True, 1), report.problems
    assert verify_export(engine.checkpoints.export(since="2000-01-01"), public).instances == 2

    # an event edited in the export
    edited = [json.loads(line) for line in lines]
    event = next(r for r in edited if r["kind"] == "event" and r["seq"] == 2)
    event["actor"] = "mallory"
    refused = verify_export([json.dumps(r) for r in edited], public)
    assert ("edited", 2) in [(p.kind, p.seq) for p in refused.problems]

    # the export's chain rewritten consistently: only the signed head tells
    records = [json.loads(line) for line in lines]
    chain = [r for r in records if r["kind"] == "event"]
    prev = audit.GENESIS_HASH
    chain[1]["actor"] = "mallory"
    for r in chain:
        r["prev_hash"] = prev
        r["hash"] = prev = audit.event_hash(
            first, r["seq"], r["type"], r["actor"], r["at"], r["data"], prev
        )
    next(r for r in records if r["kind"] == "instance")["last_event_hash"] = prev
    rewritten = verify_export([json.dumps(r) for r in records], public)
    assert [(p.instance_id, p.kind) for p in rewritten.problems] == [(first, REWRITTEN)]

    # a forged key in the export does not help against the key the verifier knows
    stranger = Path(str(engine.checkpoints.log_path) + ".stranger.pem")
    generate_key(stranger)
    assert not verify_export(lines, load_private_key(stranger).public_key()).ok

    # a line nested deeper than Python's stack is one more unreadable line, not a crash
    deep = verify_export([*lines, "[" * 100_000 + "]" * 100_000], public)
    assert not deep.ok and any("unreadable" in str(p) for p in deep.problems)


def test_the_cli_verifies_and_exits_with_the_outcome(
    setup: tuple[Engine, str], database_url: str, tmp_path: Path
) -> None:
    engine, public = setup
    instance_id = approved(engine)
    runner = CliRunner()
    base = ["--database-url", database_url, "audit"]

    made = runner.invoke(main, [*base, "keygen", str(tmp_path / "new.pem")])
    assert made.exit_code == 0 and len(made.stdout.strip()) == 64
    assert (tmp_path / "new.pem").stat().st_mode & 0o777 == 0o600
    again = runner.invoke(main, [*base, "keygen", str(tmp_path / "new.pem")])
    assert again.exit_code == 1

    signed = runner.invoke(main, [*base, "checkpoint"])
    assert signed.exit_code == 0, signed.output
    assert signed.stdout.startswith("checkpoint 1: 1 instance(s)")

    ok = runner.invoke(main, [*base, "verify", "--public-key", public])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout == "verified 1 instances, 0 problems\n"
    exported = tmp_path / "export.jsonl"
    out = runner.invoke(
        main, [*base, "export", "--instance", str(instance_id), "--out", str(exported)]
    )
    assert out.exit_code == 0, out.output
    from_file = runner.invoke(main, [*base, "verify", "--file", str(exported)])
    assert from_file.stdout == "verified 1 instances, 0 problems\n", from_file.output

    with engine.db.write_engine.begin() as conn:
        conn.execute(
            text("UPDATE events SET actor = 'mallory' WHERE instance_id = :id AND seq = 2"),
            {"id": instance_id},
        )
    bad = runner.invoke(main, [*base, "verify", "--public-key", public])
    assert bad.exit_code == 1
    assert f"instance {instance_id} event 2: edited" in bad.stdout
    assert bad.stdout.endswith("verified 1 instances, 1 problems\n")


def test_the_cli_shows_progress_on_stderr_and_refuses_without_a_key(
    setup: tuple[Engine, str], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, _public = setup
    approved(engine)
    approved(engine)
    runner = CliRunner()
    base = ["--database-url", database_url, "audit"]
    assert runner.invoke(main, [*base, "checkpoint"]).exit_code == 0
    monkeypatch.setattr("webui.cli.PROGRESS_FROM", 1)
    shown = runner.invoke(main, [*base, "verify", "--since", "2000-01-01"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == "verified 2 instances, 0 problems\n"
    assert "verifying" in shown.stderr

    monkeypatch.delenv("GONGKAI_CHECKPOINT_KEY")
    refused = runner.invoke(main, [*base, "checkpoint"])
    assert refused.exit_code == 1 and "checkpoint.no_key" in refused.stderr
