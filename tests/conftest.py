"""Fixtures over real databases (SQLite file, PostgreSQL server) and shared steps."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import CodeType

import jinja2
import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from pytest_bdd import given, parsers, then, when

from engine import Database, Engine, FormValidationError
from engine.clock import ManualClock
from webui import create_app
from webui.demo import seed

from .helpers import (
    AUDITOR,
    Story,
    approve_until,
    beijing,
    catalogue_entry,
    document_of,
)
from .templates import Templates

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"
TEST_BPMN = Path(__file__).resolve().parent / "bpmn"
#: tests hash passwords cheaply: the product's scrypt costs a tenth of a second a user
CHEAP_PASSWORDS = "pbkdf2:sha256:1"
#: when every test's clock starts: a Monday morning in Beijing.
MONDAY_MORNING = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "GONGKAI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class CompiledTemplates(jinja2.BytecodeCache):
    """Keep each page template's compiled code for every app the tests create.

    Flask compiles a template once per app, and most tests make an app of their
    own: compiling the pages again cost a tenth of a second of a typical web test.
    A template whose source changed is compiled anew (the bucket checks its checksum).
    """

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        kept = self.code.get((_compiling(bucket.environment), bucket.key))
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self.code[(_compiling(bucket.environment), bucket.key)] = (bucket.checksum, bucket.code)


def _compiling(environment: jinja2.Environment) -> str:
    """Return what of an environment's settings its compiled templates depend on."""
    escape = environment.autoescape
    return repr(
        (
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            sorted(environment.extensions),
            environment.optimized,
            environment.is_async,
            getattr(environment, "newstyle_gettext", None),
            getattr(escape, "__qualname__", escape),
        )
    )


# Every app the tests make (create_app, here or in a test) shares the compiled pages.
Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": CompiledTemplates()}


def _postgres_or_skip() -> None:
    try:
        _admin().connect().close()
    except sqlalchemy.exc.OperationalError as exc:
        if os.environ.get("GONGKAI_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}: {exc.orig}")


@functools.cache
def _admin(transactions: bool = False) -> sqlalchemy.Engine:
    """Return this process's engine on the PostgreSQL server for creating and dropping schemas."""
    if transactions:
        return sqlalchemy.create_engine(POSTGRES_URL, pool_pre_ping=True)
    return sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@contextmanager
def fresh_database_url(
    kind: str, directory: Path, recycle: Callable[[str], bool] | None = None
) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file or a fresh PostgreSQL schema.

    Afterwards the schema is dropped, unless ``recycle`` keeps it (see ``Templates``).
    """
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'gongkai.sqlite3'}"
        return
    _postgres_or_skip()
    name = f"t_{uuid.uuid4().hex[:16]}"
    with _admin().connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    finally:
        if recycle is None or not recycle(name):
            with _admin().connect() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')


#: the databases every database test runs on.
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file or a fresh PostgreSQL schema."""
    with fresh_database_url(request.param, tmp_path, templates.recycle) as url:
        yield url


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing at a Monday morning in Beijing, moved by the tests."""
    return ManualClock(MONDAY_MORNING)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Databases built once per session (migrated; with the demo), copied for each test."""
    kept = Templates(
        tmp_path_factory.mktemp("templates"),
        lambda: fresh_database_url("postgres", Path(".")),
        lambda: _admin(transactions=True),
    )
    yield kept
    kept.close()


@pytest.fixture
def db(database_url: str, templates: Templates) -> Iterator[Database]:
    """The test database, at the newest schema."""
    database = templates.copy("migrated", lambda _: None, database_url)
    yield database
    database.dispose()


#: a user who may read every instance, as the tests' checks do (read-only: an auditor).


@pytest.fixture
def engine(db: Database, clock: ManualClock, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The gongkai engine on the test database with the manual clock, and an auditor.

    When the test is done, every history it made must replay (engine/replay.py).
    """
    engine = Engine(db, clock, password_method=CHEAP_PASSWORDS)
    engine.users.add(AUDITOR, ["auditor"])
    yield engine
    _replay_everything(engine, request)


def _replay_everything(engine: Engine, request: pytest.FixtureRequest) -> None:
    """Check that every history the test made re-executes to its events and state."""
    if request.node.get_closest_marker("tampers"):
        return
    with engine.store.read() as repo:
        ids = list(repo.connection.execute(sqlalchemy.text("SELECT id FROM process_instances")))
    problems = [
        str(problem)
        for (instance_id,) in ids
        for problem in engine.replayer.replay_stored(instance_id).problems
    ]
    assert not problems, f"histories that do not replay: {problems}"


def _app_engine(db: Database, clock: ManualClock) -> Engine:
    return Engine(db, clock, max_attachment_bytes=4096, password_method=CHEAP_PASSWORDS)


def _demo(db: Database) -> None:
    """Deploy the bundled workflows and seed the demo, with a second department head."""
    engine = _app_engine(db, ManualClock(MONDAY_MORNING))
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    seed(engine)
    engine.users.add("lisi2", ["dept_head"], "李四二", "demo")


@pytest.fixture
def app(database_url: str, clock: ManualClock, templates: Templates) -> Iterator[Flask]:
    """The web application over the demo data (and a second department head, lisi2)."""
    engine = _app_engine(templates.copy("demo", _demo, database_url), clock)
    app = create_app({"TESTING": True, "ENGINE": engine, "MAX_ATTACHMENT_BYTES": 4096})
    yield app
    engine.db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the web application."""
    return app.test_client()


@given(parsers.parse("the users"), target_fixture="users")
def given_users(engine: Engine, datatable: list[list[str]]) -> dict[str, list[str]]:
    header, *rows = datatable
    users = {}
    for row in rows:
        record = dict(zip(header, row, strict=True))
        roles = [r.strip() for r in record["roles"].split(",")]
        engine.users.add(record["name"], roles, department=record.get("department") or None)
        users[record["name"]] = roles
    return users


@given("the simple approval workflow is deployed", target_fixture="first_version")
def given_simple_approval(engine: Engine) -> int:
    return engine.deploy([WORKFLOWS / "simple_approval.bpmn"]).definition_id


# -- steps the feature modules share ----------------------------------------------------


@pytest.fixture
def story() -> Story:
    """What a scenario's steps hand each other."""
    return Story()


@given(parsers.parse("it is {moment} Beijing time"))
@when(parsers.parse("it is {moment} Beijing time"))
def it_is(clock: ManualClock, moment: str) -> None:
    clock.now = beijing(moment)


@given(parsers.parse("the clock reaches {moment} Beijing time and the timers run"))
@when(parsers.parse("the clock reaches {moment} Beijing time and the timers run"))
def timers_run(engine: Engine, clock: ManualClock, moment: str) -> None:
    clock.now = beijing(moment)
    result = engine.tick()
    assert not result.failures, result.failures


@given("the document has been issued")
@when("the document is approved and signed off")
def issued(engine: Engine, story: Story) -> None:
    approve_until(engine, story.instance_id)
    document_of(engine, story.instance_id)


@then(parsers.parse('the catalogue shows the document as "{status:w}"'))
def catalogue_status(engine: Engine, story: Story, status: str) -> None:
    assert document_of(engine, story.instance_id).status == status


@then("the document is not in the public list")
def not_public(engine: Engine, story: Story) -> None:
    assert story.instance_id not in [d.instance_id for d in engine.catalogue.public_documents()]
    entry = catalogue_entry(engine, story.instance_id)
    assert entry is None or entry.disclosed_text is None


@then(parsers.parse('the form is refused naming "{fields}"'))
def refused_naming(story: Story, fields: str) -> None:
    assert isinstance(story.error, FormValidationError), f"not refused: {story.error!r}"
    assert sorted(story.error.errors) == sorted(f.strip() for f in fields.split(","))


@then("the instance version and history are unchanged")
def unchanged(engine: Engine, story: Story) -> None:
    assert story.error is not None, "the attempt was not refused"
    assert engine.queries.get_instance(story.instance_id).version == story.version_before
    assert len(engine.queries.history(story.instance_id)) == story.history_before
    entry = catalogue_entry(engine, story.instance_id)
    assert (entry.status if entry else None) == story.status_before


@then("the event chain verifies")
def chain_verifies(engine: Engine, story: Story) -> None:
    report = engine.queries.verify_chain(story.instance_id)
    assert report.ok, report.problem
