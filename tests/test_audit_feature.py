"""Steps of features/audit.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import MetaData, delete, text, update

from engine import Engine, audit
from engine.checkpoints import VerifyReport, generate_key, verify_export

from .helpers import Story as BaseStory
from .test_audit_checkpoints import (
    EVENTS,
    INSTANCES,
    approved,
    complete,
    events_of,
    rehash,
    renumber,
)

# naming ``engine`` puts its database parameter in each scenario: SQLite and PostgreSQL.
pytestmark = pytest.mark.usefixtures("engine")

scenarios("audit.feature")


@dataclass
class Story(BaseStory):
    """What the scenario's steps hand each other: the export and the last report."""

    export: list[str] = field(default_factory=list)
    report: VerifyReport | None = None


@pytest.fixture
def story() -> Story:
    return Story()


# -- given ------------------------------------------------------------------------


@given("the agency keeps its signing key apart from the database", target_fixture="public_key")
def signing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GONGKAI_CHECKPOINT_LOG", str(tmp_path / "checkpoints.jsonl"))
    monkeypatch.setenv("GONGKAI_CHECKPOINT_KEY", str(tmp_path / "key.pem"))
    return generate_key(tmp_path / "key.pem")


@given(parsers.parse('alice and bob have completed the approvals "{first}" and "{second}"'))
def completed_approvals(engine: Engine, story: Story, first: str, second: str) -> None:
    for title in (first, second):
        story.by_title[title] = approved(engine, title)


@given("the agency has signed a checkpoint")
def signed_checkpoint(engine: Engine) -> None:
    engine.checkpoints.create()


@given("the agency has signed two checkpoints")
def signed_two_checkpoints(engine: Engine) -> None:
    assert [engine.checkpoints.create().seq for _ in range(2)] == [1, 2]


# -- when: honest work ------------------------------------------------------------


@when(parsers.parse('alice starts the approval "{title}" and the agency signs another checkpoint'))
def start_and_sign(engine: Engine, story: Story, title: str) -> None:
    story.by_title[title] = engine.start("simple_approval", "alice").id
    engine.checkpoints.create()


@when(parsers.parse('alice submits her draft of "{title}"'))
def submit_draft(engine: Engine, title: str) -> None:
    complete(engine, "alice", "draft", {"title": title})


@when(parsers.parse('the agency exports the history of "{title}"'))
def export_history(engine: Engine, story: Story, title: str) -> None:
    story.export = list(engine.checkpoints.export([story.by_title[title]]))


# -- when: tampering with the database --------------------------------------------


@when(parsers.parse('someone edits the data of event {seq:d} of "{title}" in the database'))
def edit_event(engine: Engine, story: Story, seq: int, title: str) -> None:
    with engine.db.write_engine.begin() as conn:
        conn.execute(
            update(EVENTS)
            .where(EVENTS.c.instance_id == story.by_title[title], EVENTS.c.seq == seq)
            .values(data={"forged": True})
        )


@when(parsers.parse('someone removes event {seq:d} of "{title}" from the database'))
def remove_event(engine: Engine, story: Story, seq: int, title: str) -> None:
    with engine.db.write_engine.begin() as conn:
        conn.execute(
            delete(EVENTS).where(EVENTS.c.instance_id == story.by_title[title], EVENTS.c.seq == seq)
        )


@when(
    parsers.parse('someone inserts a note by {actor} as event {seq:d} of "{title}" in the database')
)
def insert_event(engine: Engine, story: Story, actor: str, seq: int, title: str) -> None:
    instance_id = story.by_title[title]
    with engine.db.write_engine.begin() as conn:
        rows = events_of(conn, instance_id)
        for row in reversed(rows[seq - 1 :]):  # make room for the new event
            renumber(conn, instance_id, row.seq, row.seq + 1)
        before = rows[seq - 2]
        data = {"note": "补记"}
        digest = audit.event_hash(instance_id, seq, "note", actor, before.at, data, before.hash)
        conn.execute(
            EVENTS.insert().values(
                instance_id=instance_id,
                seq=seq,
                type="note",
                actor=actor,
                at=before.at,
                data=data,
                prev_hash=before.hash,
                hash=digest,
            )
        )


@when(parsers.parse('someone swaps events {first:d} and {second:d} of "{title}" in the database'))
def swap_events(engine: Engine, story: Story, first: int, second: int, title: str) -> None:
    instance_id = story.by_title[title]
    with engine.db.write_engine.begin() as conn:
        renumber(conn, instance_id, first, -first)
        renumber(conn, instance_id, second, first)
        renumber(conn, instance_id, -first, second)


@when(
    parsers.parse(
        'someone makes {actor} the actor of event {seq:d} of "{title}" '
        "and recomputes its whole chain"
    )
)
def rewrite_chain(engine: Engine, story: Story, actor: str, seq: int, title: str) -> None:
    instance_id = story.by_title[title]
    with engine.db.write_engine.begin() as conn:
        conn.execute(
            update(EVENTS)
            .where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == seq)
            .values(actor=actor)
        )
        rehash(conn, instance_id)


@when(
    parsers.parse('someone deletes the instance "{title}" and everything of it from the database')
)
def delete_instance(engine: Engine, story: Story, title: str) -> None:
    instance_id = story.by_title[title]
    with engine.db.write_engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn)
        for table in reversed(tables.sorted_tables):
            if "instance_id" in table.c:
                conn.execute(delete(table).where(table.c.instance_id == instance_id))
        conn.execute(delete(INSTANCES).where(INSTANCES.c.id == instance_id))


@when("someone rolls the database back to before the second checkpoint")
def roll_back(engine: Engine) -> None:
    with engine.db.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM checkpoints WHERE seq = 2"))


@when(parsers.parse("someone makes {actor} the actor of event {seq:d} in the export"))
def edit_export(story: Story, actor: str, seq: int) -> None:
    records = [json.loads(line) for line in story.export]
    event = next(r for r in records if r["kind"] == "event" and r["seq"] == seq)
    event["actor"] = actor
    story.export = [json.dumps(r, ensure_ascii=False) for r in records]


# -- when: the auditor ------------------------------------------------------------


@when("the auditor verifies the histories")
def verify_histories(engine: Engine, story: Story, public_key: str) -> None:
    story.report = engine.checkpoints.verify(public_key)


@when("the auditor verifies the export with the agency's public key, without the database")
def verify_the_export(story: Story, public_key: str) -> None:
    # only the exported lines and the public key: no engine, no database
    story.report = verify_export(story.export, public_key)


# -- then -------------------------------------------------------------------------


@then(parsers.re(r"the verification reports 0 problems in (?P<count>\d+) histor(y|ies)"))
def no_problems(story: Story, count: str) -> None:
    assert story.report is not None
    assert story.report.problems == []
    assert story.report.instances == int(count)


@then("the verification reports")
def reports(story: Story, datatable: list[list[str]]) -> None:
    assert story.report is not None
    titles = {instance_id: title for title, instance_id in story.by_title.items()}
    found = [
        [
            titles.get(p.instance_id, str(p.instance_id)) if p.instance_id is not None else "",
            str(p.seq) if p.seq is not None else "",
            p.kind,
        ]
        for p in story.report.problems
    ]
    header, *rows = datatable
    assert header == ["instance", "event", "kind"]
    assert found == rows, [str(p) for p in story.report.problems]


@then(parsers.parse('the history of "{title}" alone looks whole'))
def chain_alone_whole(engine: Engine, story: Story, title: str) -> None:
    assert engine.queries.verify_chain(story.by_title[title]).ok
