"""`gongkai serve --production`: real gunicorn workers, JSON logs, metrics, health, refusals."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from click.testing import CliRunner
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from engine.clock import ManualClock
from engine.store import schema
from webui import create_app, get_engine
from webui.cli import main
from webui.warm import warm_up

from .conftest import _app_engine, _demo
from .processes import (
    GONGKAI,
    HttpClient,
    answers,
    environment,
    free_port,
    json_lines,
    secret_key,
    stop,
    wait_until,
)
from .templates import Templates
from .web import Browser, task_link

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
METRICS_TOKEN = "scrape-" + "0123456789abcdef" * 2


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_production_server_serves_logs_and_measures(
    database_url: str, templates: Templates, tmp_path: Path
) -> None:
    templates.copy("demo", _demo, database_url).dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = environment(
        GONGKAI_DATABASE_URL=database_url,
        GONGKAI_SECRET_KEY=secret_key(),
        GONGKAI_INSTANCE_PATH=str(tmp_path / "instance"),
        GONGKAI_METRICS_TOKEN=METRICS_TOKEN,
    )
    command = [GONGKAI, "serve", "--production", "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as errors:
        server = subprocess.Popen(
            [*command, "--workers", "2", "--threads", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    made: list[str] = []  # the request ids of every request we sent
    try:
        wait_until(lambda: server.poll() is not None or answers(base), 60, "the server")
        assert server.poll() is None, log.read_text()
        browser = HttpClient(base)

        def get(path: str, **kwargs: object) -> tuple[int, dict[str, str], str]:
            status, headers, body = browser.request(path, **kwargs)  # type: ignore[arg-type]
            made.append(headers["X-Request-ID"])
            return status, headers, body

        status, _, body = get("/healthz")
        assert status == 200, body
        status, _, page = get("/login")
        assert status == 200
        token = CSRF.search(page).group(1)
        status, headers, _ = get(
            "/login", data={"csrf_token": token, "username": "zhangsan", "password": "wrong"}
        )
        assert status == 401
        status, headers, _ = get(
            "/login", data={"csrf_token": token, "username": "zhangsan", "password": "demo"}
        )
        assert (status, headers["Location"]) == (302, "/")
        # Workers share nothing but the database and the key: the session holds in any of them.
        for _ in range(4):
            status, _, page = get("/")
            assert status == 200 and "待办事项" in page
        status, headers, _ = get("/", headers={"X-Request-ID": "proxy-given-id-1"})
        assert headers["X-Request-ID"] == "proxy-given-id-1"

        status, headers, _ = get("/metrics")
        assert status == 401 and headers["WWW-Authenticate"] == "Bearer"
        samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

        def value(name: str, **labels: str) -> float:
            return samples[(name, tuple(sorted(labels.items())))]

        def scrape() -> None:
            status, _, text = get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
            assert status == 200
            samples.clear()
            samples.update(_samples(text))

        # A worker measures a request when the server closes its answer, a moment after the
        # client has read it: the other worker may not have measured the last page yet.
        inbox_pages = (
            "gongkai_http_request_duration_seconds_count",
            (("endpoint", "/"), ("method", "GET")),
        )
        scrape()
        for _ in range(50):
            if samples.get(inbox_pages) == 5:
                break
            time.sleep(0.2)
            scrape()

        requests_total = "gongkai_http_requests_total"
        # Counted across both workers: five inbox pages, two sign-in posts, one refused.
        assert value(requests_total, endpoint="/", method="GET", status="200") == 5
        assert value(requests_total, endpoint="/login", method="POST", status="302") == 1
        assert value(requests_total, endpoint="/login", method="POST", status="401") == 1
        latency = "gongkai_http_request_duration_seconds_count"
        assert value(latency, endpoint="/", method="GET") == 5
        calls_total = "gongkai_engine_calls_total"
        assert value(calls_total, call="users.authenticate", outcome="ok") == 1
        assert value(calls_total, call="users.authenticate", outcome="signin.failed") == 1
        reads = [
            v
            for (name, labels), v in samples.items()
            if name == calls_total and dict(labels)["call"].startswith("queries.")
        ]
        assert sum(reads) >= 5  # the inbox read on each page
        assert value("gongkai_tasks_open") > 0
        assert value("gongkai_tasks_overdue") >= 0
        assert value("gongkai_database_up") == 1
    finally:
        assert stop(server) == 0

    lines = json_lines(log)
    requests = [line for line in lines if line.get("event") == "request"]
    # One line per request, each with what it was, who asked and how it went (besides
    # ours, only the health checks that waited for the server to start).
    logged = [line["request_id"] for line in requests]
    assert sorted(i for i in logged if i in made) == sorted(made)
    assert {line["path"] for line in requests if line["request_id"] not in made} <= {"/healthz"}
    for line in requests:
        assert {"time", "level", "method", "path", "status", "duration_ms", "user"} <= set(line)
        assert line["remote_addr"] == "127.0.0.1"
    signed_in = [line for line in requests if line["path"] == "/" and line["status"] == 200]
    assert {line["user"] for line in signed_in} == {"zhangsan"}
    assert len({line["pid"] for line in lines if line.get("event") == "request"}) >= 1
    # Each worker compiled its templates and the deployed workflows before its first request.
    warmed = {
        line["pid"]: i for i, line in enumerate(lines) if line.get("event") == "worker_warmed"
    }
    assert len(warmed) == 2, [line for line in lines if "warm" in str(line)]
    for line in lines:
        if line.get("event") == "worker_warmed":
            assert line["templates"] >= 40 and line["definitions"] >= 1, line
    for i, line in enumerate(lines):
        if line.get("event") == "request":
            assert warmed[line["pid"]] < i, line
    calls = [line for line in lines if line.get("event") == "engine_call"]
    # Each worker's warm-up is its own call, before any request.
    assert sorted(c["outcome"] for c in calls if c["call"] == "warm_up") == ["ok", "ok"]
    calls = [c for c in calls if c["call"] != "warm_up"]
    sign_ins = [line for line in calls if line["call"] == "users.authenticate"]
    assert [(c["outcome"], c.get("error")) for c in sign_ins] == [
        ("error", "signin.failed"),
        ("ok", None),
    ]
    assert all(c["request_id"] in made for c in calls)
    # Nothing sent is logged: no password, no session, no token.
    text = log.read_text(encoding="utf-8")
    for secret in ('"demo"', "wrong", token, METRICS_TOKEN, env["GONGKAI_SECRET_KEY"]):
        assert secret not in text


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"GONGKAI_SECRET_KEY": None}, "GONGKAI_SECRET_KEY is not set"),
        ({"GONGKAI_SECRET_KEY": "short"}, "GONGKAI_SECRET_KEY is too weak"),
        ({"GONGKAI_DATABASE_URL": None}, "GONGKAI_DATABASE_URL is not set"),
        ({"GONGKAI_DATABASE_URL": "sqlite:///:memory:"}, "in-memory database"),
        ({"GONGKAI_DATABASE_URL": "EMPTY"}, "gongkai db upgrade"),
        ({"GONGKAI_DATABASE_URL": "DOWN"}, "does not answer"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(
    variables: dict[str, str | None], named: str, tmp_path: Path
) -> None:
    current = tmp_path / "current.sqlite3"
    from engine import Database

    database = Database.connect(f"sqlite:///{current}")
    schema.upgrade(database)
    database.dispose()
    env: dict[str, str | None] = {
        "GONGKAI_DATABASE_URL": f"sqlite:///{current}",
        "GONGKAI_SECRET_KEY": secret_key(),
        "GONGKAI_INSTANCE_PATH": str(tmp_path),
    }
    env.update(variables)
    if env["GONGKAI_DATABASE_URL"] == "EMPTY":
        env["GONGKAI_DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    if env["GONGKAI_DATABASE_URL"] == "DOWN":
        env["GONGKAI_DATABASE_URL"] = f"postgresql://gongkai:pw-{'x' * 8}@127.0.0.1:{free_port()}/g"
    result = CliRunner().invoke(main, ["serve", "--production"], env=env)
    assert result.exit_code == 1
    assert named in result.output
    assert "did not start" in result.output
    assert "pw-xxxxxxxx" not in result.output  # a password in the URL is never shown


class _Silent:
    """A TCP server that accepts connections and never says a word (a hung database)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.held:
            connection.close()


def test_health_answers_503_quickly_when_the_database_is_down(tmp_path: Path) -> None:
    silent = _Silent()
    try:
        for url in (
            f"postgresql://gongkai:hunter2-secret@127.0.0.1:{silent.port}/gongkai",
            f"postgresql://gongkai:hunter2-secret@127.0.0.1:{free_port()}/gongkai",
            f"sqlite:///{tmp_path / 'no such folder' / 'gongkai.sqlite3'}",
        ):
            app = create_app({"TESTING": True, "DATABASE_URL": url})
            started = time.monotonic()
            response = app.test_client().get("/healthz")
            took = time.monotonic() - started
            assert response.status_code == 503, url
            assert response.json["status"] == "unavailable"
            assert took < 6, f"{url}: {took:.1f} s"
            text = response.get_data(as_text=True)
            for sensitive in ("hunter2", "gongkai:", "127.0.0.1", "folder"):
                assert sensitive not in text
            app.extensions["gongkai.engine"].db.dispose()
    finally:
        silent.close()


def test_metrics_are_for_this_host_or_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GONGKAI_METRICS_TOKEN", raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}"})
    client = app.test_client()
    assert client.get("/metrics").status_code == 200
    away = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert away.status_code == 403
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"})
    assert proxied.status_code == 403
    monkeypatch.setenv("GONGKAI_METRICS_TOKEN", METRICS_TOKEN)
    assert client.get("/metrics").status_code == 401
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    wrong = {"Authorization": f"Bearer {METRICS_TOKEN}x"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    found = client.get("/metrics", headers=bearer, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert found.status_code == 200
    assert "gongkai_http_requests_total" in found.get_data(as_text=True)


def test_a_sign_in_hashes_outside_the_transaction_and_renews_old_hashes(
    tmp_path: Path,
) -> None:
    from engine import Database, Engine

    from .conftest import CHEAP_PASSWORDS

    url = f"sqlite:///{tmp_path / 'g.sqlite3'}"
    database = Database.connect(url)
    schema.upgrade(database)
    Engine(database, password_method=CHEAP_PASSWORDS).users.add("hana", ["handler"], None, "pw")
    # A costly hash (64 MiB scrypt): long enough to see whether a write waits for it.
    slow = Engine(database, password_method="scrypt:65536:8:1")
    assert slow.users.authenticate("hana", "pw", "10.0.0.1").username == "hana"
    with slow.store.read() as repo:
        stored = repo.connection.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("scrypt:65536:8:1$")  # made anew with the current parameters
    finished: dict[str, float] = {}

    def sign_in() -> None:
        slow.users.authenticate("hana", "pw", "10.0.0.1")
        finished["sign-in"] = time.monotonic()

    signing = threading.Thread(target=sign_in)
    signing.start()
    time.sleep(0.15)  # the sign-in is hashing now
    slow.users.add("kenji", ["handler"])  # a write transaction, SQLite's one writer
    finished["write"] = time.monotonic()
    signing.join()
    assert finished["write"] < finished["sign-in"], "a write waited for a password hash"
    database.dispose()


def test_a_warmed_up_worker_compiles_nothing_on_its_first_pages(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = warm_up(app)
    assert done["templates"] == len(app.jinja_env.list_templates(extensions=["html"])) > 40
    assert done["definitions"] >= 1
    compiled: list[str] = []
    loader = app.jinja_env.loader
    assert loader is not None
    load = loader.load

    def compiling(environment: Any, name: str, globals: Any = None) -> Any:
        compiled.append(name)
        return load(environment, name, globals)

    def compile_definition(*args: Any) -> None:
        compiled.append("a workflow definition")
        raise AssertionError("compiled on a page")

    monkeypatch.setattr(loader, "load", compiling)
    monkeypatch.setattr("engine.runtime.compile_definition", compile_definition)
    drafter = Browser(app.test_client()).login("zhangsan")
    for path in ("/", "/drafts/new", "/documents", "/?lang=en", "/public/request"):
        drafter.get(path)
    reviewer = Browser(app.test_client()).login("lisi")
    reviewer.get(task_link(reviewer.get("/")))
    assert compiled == []


def test_a_definition_that_no_longer_compiles_does_not_stop_a_worker_warming_up(
    app: Flask, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    engine = get_engine(app)
    element = Path(__file__).parent / "bpmn" / "elements" / "lane_less_user_task.bpmn"
    deployed = engine.deploy([element])
    # Files stored by an older gongkai whose checks this one has made stricter.
    with engine.db.transaction(write=True) as connection:
        connection.execute(
            sqlalchemy.text("UPDATE definitions SET files = :files WHERE id = :id"),
            {"files": '{"lane_less_user_task.bpmn": "<definitions"}', "id": deployed.definition_id},
        )
    # A worker starting now: a new engine over the same database, nothing compiled yet.
    worker = create_app({"TESTING": True, "ENGINE": _app_engine(engine.db, clock)})
    done = warm_up(worker)
    assert done["failed_definitions"] == [deployed.definition_id]
    assert done["definitions"] >= 1 and done["templates"] > 40
    assert f"[{deployed.definition_id}] do not compile" in caplog.text
    # The other processes serve their pages warm; this one says what is wrong where it is used.
    drafter = Browser(worker.test_client()).login("zhangsan")
    drafter.get("/drafts/new")
