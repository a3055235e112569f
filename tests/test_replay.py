"""Replay: every instance's history re-executes to the events and state recorded."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.gongkai import Engine
from engine.views import InstanceFilter

from .web import Browser


def engine_of(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def test_every_demo_instance_replays_to_its_history(app: Flask) -> None:
    engine = engine_of(app)
    with engine.store.read() as repo:
        ids = [
            row.id
            for row in repo.connection.execute(
                __import__("sqlalchemy").text("select id from process_instances order by id")
            )
        ]
    for instance_id in ids:
        report = engine.replayer.replay_stored(instance_id)
        assert report.ok, (instance_id, [str(p) for p in report.problems])


def _published(engine: Engine) -> int:
    found = engine.queries.browse_instances(
        "qianyi", InstanceFilter(process_id="document_approval", status="completed"), None
    )
    return found.items[0].id


def test_replay_runs_no_service_again(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_of(app)

    def refuse(*_: object) -> dict[str, object]:
        raise AssertionError("a replay ran a service task")

    services = engine._script_engine.services
    monkeypatch.setattr(engine._script_engine, "services", dict.fromkeys(services, refuse))
    report = engine.replayer.replay_stored(_published(engine), steps=True)
    assert report.ok, [str(p) for p in report.problems]
    operations = [s.kind for s in report.steps]
    assert "task_completed" in operations


def test_the_auditor_steps_through_the_replay_on_the_diagram(client: FlaskClient) -> None:
    browser = Browser(client)
    browser.login("qianyi")
    instance_id = _published(engine_of(client.application))
    html = browser.get(f"/audit/instances/{instance_id}/steps")
    found = re.search(r"data-steps='([^']*)'", html)
    assert found, html[-2000:]
    steps = json.loads(unescape(found.group(1)))
    history = engine_of(client.application).queries.history(instance_id)
    assert steps[0]["seq_from"] == 1 and steps[-1]["seq_to"] == len(history)
    assert steps[0]["actor_name"] == "张三" and steps[0]["waiting"] == ["draft"]
    assert steps[-1]["waiting"] == [] and "publish" in steps[-1]["completed"]
    review = next(s for s in steps if "保密审查" in s["title"])
    # by the form's labels and choice names, as the timeline reads them
    assert review["data"]["审查结论"] == "同意公开" and "review_conclusion" not in review["data"]
    assert "diagrams/" in html and "逐步重放" in html


def test_only_those_who_read_everything_step_through(client: FlaskClient) -> None:
    browser = Browser(client)
    browser.login("zhangsan")
    instance_id = _published(engine_of(client.application))
    assert client.get(f"/audit/instances/{instance_id}/steps").status_code == 403
