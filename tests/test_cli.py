"""The ``gongkai`` command line, run in-process against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import Database, Engine
from engine.clock import ManualClock
from engine.store import schema
from webui.cli import main

from .conftest import TEST_BPMN, WORKFLOWS


@pytest.fixture
def runner(database_url: str) -> CliRunner:
    return CliRunner(env={"GONGKAI_DATABASE_URL": database_url})


def test_init_db_then_upgrade_is_idempotent(runner: CliRunner) -> None:
    first = runner.invoke(main, ["init-db"])
    assert first.exit_code == 0, first.output
    assert f"revision {schema.head_revision()}" in first.output
    again = runner.invoke(main, ["db", "upgrade"])
    assert again.exit_code == 0 and f"revision {schema.head_revision()}" in again.output


def test_deploy_reports_versions_and_refuses_bad_files(runner: CliRunner, tmp_path) -> None:
    runner.invoke(main, ["init-db"])
    result = runner.invoke(main, ["deploy", str(WORKFLOWS)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("deployed: definition 1")
    assert "simple_approval" in result.output
    again = runner.invoke(main, ["deploy", str(WORKFLOWS)])
    assert again.output.startswith("already deployed: definition 1")

    bad = tmp_path / "broken.bpmn"
    text = (WORKFLOWS / "simple_approval.bpmn").read_text(encoding="utf-8")
    bad.write_text(text.replace('value="review_decision"', 'value="opinion"'), encoding="utf-8")
    refused = runner.invoke(main, ["deploy", str(bad)])
    assert refused.exit_code == 1
    assert "broken.bpmn: element 'review': unknown form schema 'opinion'" in refused.output


def test_users_add_checks_roles(runner: CliRunner) -> None:
    runner.invoke(main, ["init-db"])
    ok = runner.invoke(
        main,
        ["users", "add", "wang", "--role", "drafter", "--role", "office", "--display-name", "王五"],
    )
    assert ok.exit_code == 0 and ok.output.strip() == "wang: drafter, office"
    bad = runner.invoke(main, ["users", "add", "zhao", "--role", "boss"])
    assert bad.exit_code == 1 and "boss" in bad.output
    listed = runner.invoke(main, ["users", "list"])
    assert listed.output.splitlines() == ["wang\t王五\tdrafter, office"]


def test_users_add_is_in_the_users_change_log(runner: CliRunner, database_url: str) -> None:
    runner.invoke(main, ["init-db"])
    runner.invoke(main, ["users", "add", "root_admin", "--role", "admin"])
    runner.invoke(main, ["users", "add", "wang", "--role", "drafter", "--display-name", "王五"])
    again = ["users", "add", "wang", "--role", "office", "--password", "a-new-password"]
    assert runner.invoke(main, again).exit_code == 0
    engine = Engine(Database.connect(database_url), ManualClock(datetime.now(UTC)))
    changes = engine.users.changes("root_admin", "wang").items
    engine.db.dispose()
    assert [(c.action, c.detail) for c in reversed(changes)] == [
        ("create", {"display_name": [None, "王五"], "groups": [[], ["drafter"]]}),
        ("update", {"groups": [["drafter"], ["drafter", "office"]]}),
        ("password", {}),
    ]
    assert all(c.admin.startswith("cli:") for c in changes)


def test_tick_fires_due_timers(runner: CliRunner, database_url: str) -> None:
    runner.invoke(main, ["init-db"])
    # Start an instance whose timer fell due a day ago; the CLI's tick uses the real clock.
    clock = ManualClock(datetime.now(UTC) - timedelta(days=2))
    engine = Engine(Database.connect(database_url), clock)
    engine.users.add("hana", ["handler"])
    engine.deploy([TEST_BPMN / "timed_handling.bpmn"])
    engine.start("timed_handling", "hana")

    result = runner.invoke(main, ["tick"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "tick: 1 instance(s), 1 timer(s) fired"
    assert [t.element_id for t in engine.queries.list_tasks("hana")] == ["handle"]
    engine.db.dispose()


def _clerks_engine(runner: CliRunner, database_url: str, bpmn: Path) -> Engine:
    """Return an engine on the command line's new database, with clara a clerk and one file."""
    runner.invoke(main, ["init-db"])
    engine = Engine(Database.connect(database_url), ManualClock(datetime.now(UTC)))
    engine.users.add("clara", ["clerk"], new_groups=True)
    engine.deploy([bpmn])
    return engine


def test_send_names_the_instances_that_failed_and_exits_1(
    runner: CliRunner, database_url: str
) -> None:
    engine = _clerks_engine(
        runner, database_url, TEST_BPMN / "elements" / "signal_then_script.bpmn"
    )
    good, broken = (engine.start("signal_then_script", "clara", {"parts": n}).id for n in (4, 0))

    result = runner.invoke(main, ["send", "signal", "office_closed"])
    assert result.exit_code == 1
    assert f"signal office_closed: 1 instance(s) reached ({good})" in result.output
    assert f"Error: instance {broken}: " in result.output
    assert runner.invoke(main, ["send", "signal", "no_one_waits"]).exit_code == 0
    engine.db.dispose()


def test_calendar_load_makes_a_new_year_computable(
    runner: CliRunner, database_url: str, tmp_path
) -> None:
    from datetime import date

    runner.invoke(main, ["init-db"])
    schedule = tmp_path / "2099.txt"
    schedule.write_text(
        "2099-01-01..2099-01-03 holiday 元旦\n2099-01-04 workday 调休\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["calendar", "load", str(schedule)])
    assert result.exit_code == 0 and result.output.strip() == "loaded 4 day(s)"
    engine = Engine(Database.connect(database_url))
    assert engine.calendar.is_working_day(date(2099, 1, 4)) is True  # a Sunday worked
    assert engine.calendar.is_working_day(date(2099, 1, 2)) is False
    engine.db.dispose()

    schedule.write_text("2099-13-01 holiday 错\n", encoding="utf-8")
    bad = runner.invoke(main, ["calendar", "load", str(schedule)])
    assert bad.exit_code == 1 and "1" in bad.output


def test_send_trigger_moves_an_instance_on_at_a_receive_task_naming_no_message(
    runner: CliRunner, database_url: str
) -> None:
    engine = _clerks_engine(
        runner, database_url, TEST_BPMN / "third_party" / "activiti_receive_wait.bpmn"
    )
    waiting = engine.start("activiti_receive_wait", "clara").id

    result = runner.invoke(main, ["send", "trigger", str(waiting), "theEnd"])
    assert result.exit_code == 1 and "trigger:theEnd" in result.output  # nothing waits there
    result = runner.invoke(
        main, ["send", "trigger", str(waiting), "waitForFee", "--payload", '{"paid": true}']
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"instance {waiting}: moved on at waitForFee"
    (answer,) = engine.queries.get_instance(waiting).ready_tasks
    assert answer.element_id == "sendAnswer"
    engine.db.dispose()


def test_send_refuses_a_payload_nested_too_deeply_saying_so(runner: CliRunner) -> None:
    runner.invoke(main, ["init-db"])
    deep = "[" * 100_000 + "]" * 100_000
    result = runner.invoke(main, ["send", "message", "anything", "--payload", deep])
    assert result.exit_code == 2 and "nested too deeply" in result.output
