"""Steps of features/audit.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import MetaData, delete, select, text, update

from engine import Engine, audit
from engine.checkpoints import VerifyReport, generate_key, verify_export
from engine.replay import ReplayReport
from engine.store.models import Definition, WorkItem, table_of
from webui.demo import seed

from .conftest import WORKFLOWS
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
pytestmark = [pytest.mark.usefixtures("engine"), pytest.mark.tampers]

scenarios("audit.feature")


@dataclass
class Story(BaseStory):
    """What the scenario's steps hand each other: the export, the last report, a replay."""

    export: list[str] = field(default_factory=list)
    report: VerifyReport | None = None
    replay: ReplayReport | None = None
    rows_before: dict[str, list[tuple[object, ...]]] = field(default_factory=dict)


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


@given("the agency's demo cases")
def demo_cases(engine: Engine) -> None:
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    seed(engine)


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


@when(
    parsers.parse(
        'someone turns {actor}\'s approval of "{title}" into a send-back '
        "and recomputes its whole chain"
    )
)
def forge_decision(engine: Engine, story: Story, actor: str, title: str) -> None:
    instance_id = story.by_title[title]
    with engine.db.write_engine.begin() as conn:
        event = next(e for e in events_of(conn, instance_id) if e.actor == actor)
        data = {**event.data, "data": {**event.data["data"], "decision": "send_back"}}
        conn.execute(
            update(EVENTS)
            .where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == event.seq)
            .values(data=data)
        )
        rehash(conn, instance_id)


@when(parsers.parse('someone changes the title in the stored state of "{title}"'))
def edit_state(engine: Engine, story: Story, title: str) -> None:
    instance_id = story.by_title[title]
    with engine.db.write_engine.begin() as conn:
        state = conn.execute(select(INSTANCES.c.state).where(INSTANCES.c.id == instance_id))
        text_ = state.scalar_one()
        assert json.dumps(title)[1:-1] in text_ or title in text_
        forged = text_.replace(title, title + "（改）").replace(
            json.dumps(title)[1:-1], json.dumps(title + "（改）")[1:-1]
        )
        conn.execute(update(INSTANCES).where(INSTANCES.c.id == instance_id).values(state=forged))


@when(parsers.parse('someone lets {user} review her own draft of "{title}" in the database'))
def lift_exclusion(engine: Engine, story: Story, user: str, title: str) -> None:
    items = table_of(WorkItem)
    with engine.db.write_engine.begin() as conn:
        changed = conn.execute(
            update(items)
            .where(items.c.instance_id == story.by_title[title])
            .values(excluded_users=[], claimed_by=user)
        )
        assert changed.rowcount == 1


@when("someone renames a task in the deployed simple approval")
def edit_bpmn(engine: Engine) -> None:
    definitions = table_of(Definition)
    with engine.db.write_engine.begin() as conn:
        row = conn.execute(select(definitions.c.id, definitions.c.files)).one()
        files = {
            name: text_.replace('name="审核"', 'name="审阅"') for name, text_ in row.files.items()
        }
        assert files != row.files
        conn.execute(update(definitions).where(definitions.c.id == row.id).values(files=files))


@when(parsers.parse("the auditor replays the {case}"))
def replay_case(engine: Engine, story: Story, case: str) -> None:
    wanted = {
        "published document": ("document_approval", "completed", None),
        "document waiting for the publisher": ("document_approval", "running", "publish"),
        "replied request": ("disclosure_request", "completed", None),
    }[case]
    story.instance_id = _demo_instance(engine, *wanted)
    story.rows_before = _all_rows(engine)
    story.replay = engine.replayer.replay_stored(story.instance_id, steps=True)


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


@then("the replay gives every recorded event in order and ends in the stored state")
def replay_whole(engine: Engine, story: Story) -> None:
    replay = story.replay
    assert replay is not None
    assert replay.ok, [str(p) for p in replay.problems]
    assert replay.events == len(engine.queries.history(story.instance_id)) > 2
    seqs = [(s.seq_from, s.seq_to) for s in replay.steps]
    assert seqs[0][0] == 1 and seqs[-1][1] == replay.events
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(seqs)), seqs


@then(parsers.parse("the replay passed through {elements}"))
def replay_passed(story: Story, elements: str) -> None:
    assert story.replay is not None
    done = set(story.replay.steps[-1].completed)
    assert {e.strip() for e in elements.split(",")} <= done, sorted(done)


@then("replaying wrote nothing to the database")
def replay_wrote_nothing(engine: Engine, story: Story) -> None:
    assert _all_rows(engine) == story.rows_before


@then(parsers.parse('the history of "{title}" alone looks whole'))
def chain_alone_whole(engine: Engine, story: Story, title: str) -> None:
    assert engine.queries.verify_chain(story.by_title[title]).ok


def _demo_instance(engine: Engine, process: str, status: str, waiting_at: str | None) -> int:
    items = table_of(WorkItem)
    with engine.db.write_engine.connect() as conn:
        query = select(INSTANCES.c.id).where(
            INSTANCES.c.process_id == process, INSTANCES.c.status == status
        )
        if waiting_at is not None:
            query = query.where(
                INSTANCES.c.id.in_(
                    select(items.c.instance_id).where(items.c.element_id == waiting_at)
                )
            )
        return int(conn.execute(query.order_by(INSTANCES.c.id)).scalars().first())


def _all_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of every table, to show that nothing was written."""
    tables = MetaData()
    with engine.db.write_engine.connect() as conn:
        tables.reflect(conn)
        return {
            name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for name, table in tables.tables.items()
        }
