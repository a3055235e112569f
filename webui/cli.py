"""The ``gongkai`` command line: database, deployment, users, server and timers."""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from werkzeug.serving import WSGIRequestHandler

from engine import DeploymentError, Engine, EngineError
from engine.store import schema

from .cli_tokens import tokens
from .messages import error_message

#: the BPMN files shipped with gongkai (a source checkout installed with ``pip install -e``).
BUNDLED_WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"


def _engine(url: str | None) -> Engine:
    from . import engine_from_environment

    return engine_from_environment(url)


class _RequestHandler(WSGIRequestHandler):
    """The development server's handler, without naming its software and version."""

    def version_string(self) -> str:
        """Return what the Server header says: the product, no version."""
        return "gongkai"


#: the files a deployment takes from a folder: processes, decision tables, form schemas
DEPLOYED_SUFFIXES = (".bpmn", ".dmn", ".json")


def _bpmn_paths(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in DEPLOYED_SUFFIXES))
        else:
            found.append(path)
    return found


class _Context:
    def __init__(self, url: str | None) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _engine(self.url)
        return self._engine


pass_context = click.make_pass_decorator(_Context)


@click.group()
@click.option(
    "--database-url",
    envvar="GONGKAI_DATABASE_URL",
    default=None,
    help="SQLAlchemy URL; default: SQLite file instance/gongkai.sqlite3.",
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Gongkai (公开): BPMN workflows for government information disclosure."""
    ctx.obj = _Context(database_url)


def _fail(exc: EngineError) -> None:
    # A deployment's problems are for whoever wrote the files: say them as they are.
    said = str(exc) if isinstance(exc, DeploymentError) else f"{error_message(exc)} [{exc}]"
    click.echo(f"错误 / Error: {said}", err=True)
    sys.exit(1)


@main.command("init-db")
@pass_context
def init_db(ctx: _Context) -> None:
    """Create the database schema, or upgrade it to the newest revision."""
    schema.upgrade(ctx.engine.db)
    click.echo(f"database at revision {schema.current_revision(ctx.engine.db)}")


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: _Context) -> None:
    """Upgrade the database schema to the newest revision."""
    schema.upgrade(ctx.engine.db)
    click.echo(f"database at revision {schema.current_revision(ctx.engine.db)}")


@db.command("grant")
@click.argument("role")
@pass_context
def db_grant(ctx: _Context, role: str) -> None:
    """Give the PostgreSQL role the web workers run as what they need, and no more."""
    try:
        statements = schema.grant_app_role(ctx.engine.db, role)
    except ValueError as exc:
        click.echo(f"错误 / Error: {exc}", err=True)
        sys.exit(1)
    for statement in statements:
        click.echo(f"{statement};")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--by", "deployed_by", default=None, help="Who deploys (recorded).")
@click.option(
    "--strict-groups",
    is_flag=True,
    help="Refuse lanes that name none of gongkai's roles (e.g. a typing error in a lane id).",
)
@pass_context
def deploy(
    ctx: _Context, paths: tuple[str, ...], deployed_by: str | None, strict_groups: bool
) -> None:
    """Validate and deploy BPMN files (or folders of them) as one definition version."""
    try:
        result = ctx.engine.deploy(_bpmn_paths(paths), deployed_by, strict_groups=strict_groups)
    except EngineError as exc:
        _fail(exc)
        return
    verb = "deployed" if result.created else "already deployed"
    click.echo(
        f"{verb}: definition {result.definition_id} ({result.content_hash[:12]}) "
        f"processes {', '.join(result.process_ids)}"
    )


@main.group()
def users() -> None:
    """Manage users and their roles."""


@users.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="Role id; repeat for several.")
@click.option("--display-name", default=None, help="Name shown in the UI, e.g. 张三.")
@click.option("--password", default=None, help="Sign-in password (omit for none).")
@click.option("--department", default=None, help="The department (处室) the user works in.")
@click.option(
    "--new-group", is_flag=True, help="Accept a group gongkai does not know (a third-party lane)."
)
@pass_context
def users_add(
    ctx: _Context,
    name: str,
    roles: tuple[str, ...],
    display_name: str | None,
    password: str | None,
    department: str | None,
    new_group: bool,
) -> None:
    """Add a user with roles, or add roles to an existing user."""
    try:
        user = ctx.engine.users.add(
            name,
            roles,
            display_name,
            password,
            department,
            new_groups=new_group,
            recorded_as=f"cli:{_system_user()}",
        )
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"{user.username}: {', '.join(user.roles)}")


def _system_user() -> str:
    """Return who runs the command on the server, for the users' change log."""
    try:
        return getpass.getuser()[:60]
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return str(os.getuid())


@users.command("list")
@pass_context
def users_list(ctx: _Context) -> None:
    """List users and their roles."""
    for user in ctx.engine.users.list():
        click.echo(f"{user.username}\t{user.display_name}\t{', '.join(user.roles)}")


@main.group()
def send() -> None:
    """Deliver a message or a signal to the instances waiting for it."""


def _payload(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}") from None
    except RecursionError:
        raise click.BadParameter("not JSON gongkai can read: nested too deeply") from None
    if not isinstance(value, dict):
        raise click.BadParameter("the payload must be a JSON object")
    return value


def _sent(kind: str, name: str, payload: str | None, by: str | None, ctx: _Context) -> None:
    data = _payload(payload)
    deliver = ctx.engine.send_message if kind == "message" else ctx.engine.send_signal
    try:
        result = deliver(name, data, by)
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(
        f"{kind} {name}: {len(result.reached)} instance(s) reached"
        + (f" ({', '.join(map(str, result.reached))})" if result.reached else "")
        + (f", started {', '.join(map(str, result.started))}" if result.started else "")
    )
    for failure in result.failures:
        click.echo(f"错误 / Error: {failure}", err=True)
    if result.failures:
        # The others took it; these still wait, and sending again reaches only them.
        raise SystemExit(1)


@send.command("message")
@click.argument("name")
@click.option("--payload", default=None, help="The message's data as JSON, e.g. '{\"paid\": 100}'.")
@click.option("--by", default=None, help="The user who sends it (recorded).")
@pass_context
def send_message(ctx: _Context, name: str, payload: str | None, by: str | None) -> None:
    """Send message NAME; processes started by it start, waiting instances take it."""
    _sent("message", name, payload, by, ctx)


@send.command("signal")
@click.argument("name")
@click.option("--payload", default=None, help="The signal's data as JSON.")
@click.option("--by", default=None, help="The user who sends it (recorded).")
@pass_context
def send_signal(ctx: _Context, name: str, payload: str | None, by: str | None) -> None:
    """Broadcast signal NAME to every instance waiting for it."""
    _sent("signal", name, payload, by, ctx)


@send.command("trigger")
@click.argument("instance", type=int)
@click.argument("element")
@click.option("--payload", default=None, help="Variables to set, as JSON.")
@click.option("--by", default=None, help="The user who triggers it (recorded).")
@pass_context
def send_trigger(
    ctx: _Context, instance: int, element: str, payload: str | None, by: str | None
) -> None:
    """Move INSTANCE on at receive task ELEMENT, one naming no message (Camunda's trigger)."""
    try:
        ctx.engine.trigger(instance, element, _payload(payload), by)
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"instance {instance}: moved on at {element}")


#: the longest a tick worker waits before trying a database that failed again, in seconds
TICK_BACKOFF_MAX = 30.0


@main.command()
@click.option(
    "--loop",
    "interval",
    type=click.FloatRange(min=0.01),
    default=None,
    help="Keep ticking every INTERVAL seconds instead of once (a tick worker).",
)
@click.option(
    "--metrics-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="With --loop: serve this worker's Prometheus metrics on this port (/metrics).",
)
@click.option(
    "--metrics-host",
    default="127.0.0.1",
    show_default=True,
    help="The address the metrics are served on.",
)
@pass_context
def tick(
    ctx: _Context, interval: float | None, metrics_port: int | None, metrics_host: str
) -> None:
    """Fire the timers that are due (reminders, deadlines, escalations).

    Several tick workers may run side by side, on several hosts: each due
    instance is locked while its timers fire (PostgreSQL: SELECT ... FOR
    UPDATE SKIP LOCKED; SQLite: one writer at a time), so each timer fires
    once.  A worker outlives a lost database: it logs, waits longer each time
    and tries again.  SIGTERM or SIGINT stops it after the tick under way.
    """
    if interval is None:
        try:
            result = ctx.engine.tick()
        except EngineError as exc:
            _fail(exc)
            return
        except Exception as exc:
            click.echo(f"错误 / Error: the tick failed: {_short(exc)}", err=True)
            sys.exit(1)
        _echo_tick(result)
        return
    _tick_loop(ctx, interval, metrics_port, metrics_host)


def _short(exc: BaseException) -> str:
    """Return the first line of an error, without passwords or statement parameters."""
    from .observability import redact

    first = (str(exc).strip().splitlines() or [""])[0]
    return redact(f"{type(exc).__name__}: {first}"[:500])


def _echo_tick(result: Any) -> None:
    click.echo(f"tick: {result.instances} instance(s), {result.timers_fired} timer(s) fired")
    for failure in result.failures:
        click.echo(f"错误 / Error: {failure}", err=True)


#: how often a tick worker refreshes the query planner's statistics, in seconds
OPTIMIZE_EVERY = 3600.0


def _tick_loop(ctx: _Context, interval: float, metrics_port: int | None, metrics_host: str) -> None:
    """Tick every ``interval`` seconds until told to stop; never die of a database error."""
    from . import observability

    # A tick worker's metrics are its own (served on --metrics-port), not a web server's files.
    os.environ.pop(observability.MULTIPROC_VARIABLE, None)
    observability.configure_logging(root=True)
    log = logging.getLogger("gongkai.tick")
    engine = observability.instrument(ctx.engine)
    if metrics_port is not None:
        observability.serve_metrics(metrics_port, metrics_host)
    stop = threading.Event()

    def _stop(signum: int, _frame: Any) -> None:
        log.info("tick: stopping", extra={"fields": {"event": "tick_stopping", "signal": signum}})
        stop.set()
        # A second signal stops the worker at once.
        signal.signal(signum, signal.SIG_DFL)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info(
        "tick: started",
        extra={"fields": {"event": "tick_started", "interval_s": interval, "pid": os.getpid()}},
    )
    failed = 0
    next_optimize = time.monotonic() + OPTIMIZE_EVERY
    while not stop.is_set():
        try:
            result = engine.tick()
        except Exception as exc:
            failed += 1
            delay = min(TICK_BACKOFF_MAX, max(interval, 1.0) * 2 ** min(failed - 1, 8))
            delay *= random.uniform(0.8, 1.0)  # workers that failed together do not retry together
            observability.metrics().tick_errors.inc()
            fields = {
                "event": "tick_error",
                "error": type(exc).__name__,
                "detail": _short(exc),
                "attempt": failed,
                "retry_in_s": round(delay, 2),
            }
            log.error("tick failed", extra={"fields": fields})
            # Connections the failure left broken are not handed out again.
            with contextlib.suppress(Exception):
                engine.db.dispose()
            stop.wait(delay)
            continue
        if failed:
            fields = {"event": "tick_recovered", "after_attempts": failed}
            log.info("tick: the database answers again", extra={"fields": fields})
            failed = 0
        if result.instances or result.failures:
            click.echo(
                f"tick: {result.instances} instance(s), {result.timers_fired} timer(s) fired"
            )
        for failure in result.failures:
            # "instance N: code (params)": the code only, the parameters may hold case data.
            fields = {"event": "tick_failure", "detail": failure.split(" (", 1)[0]}
            log.warning("tick: an instance failed", extra={"fields": fields})
        if time.monotonic() >= next_optimize:
            # The planner's statistics follow the tables' growth (schema.optimize: bounded).
            next_optimize = time.monotonic() + OPTIMIZE_EVERY
            try:
                schema.optimize(engine.db)
            except Exception as exc:
                fields = {"event": "optimize_error", "error": type(exc).__name__}
                log.warning("tick: refreshing statistics failed", extra={"fields": fields})
        stop.wait(interval)
    log.info("tick: stopped", extra={"fields": {"event": "tick_stopped"}})


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed one demo user per role and a few instances.")
@click.option(
    "--production",
    is_flag=True,
    help="Run gunicorn with several workers instead of the development server.",
)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    help="With --production: address to listen on, HOST:PORT or unix:PATH (repeatable); "
    "default --host:--port.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="With --production: worker processes (default: twice the CPUs, plus one).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="With --production: threads per worker (default 4).",
)
@pass_context
def serve(
    ctx: _Context,
    host: str,
    port: int,
    demo: bool,
    production: bool,
    binds: tuple[str, ...],
    workers: int | None,
    threads: int | None,
) -> None:
    """Run the development server, after bringing the schema and bundled workflows up to date.

    With --production, run gunicorn instead: stateless workers against the
    database GONGKAI_DATABASE_URL names, at the newest schema (run
    ``gongkai db upgrade`` first), signing sessions with GONGKAI_SECRET_KEY.
    """
    if production:
        if demo:
            click.echo("错误 / Error: --demo is for trying gongkai, not for production", err=True)
            sys.exit(1)
        _serve_production(ctx, list(binds) or [f"{host}:{port}"], workers, threads)
        return
    from . import create_app
    from .demo import seed
    from .security import SecretKeyError

    if demo:
        click.echo(
            "demo: sessions are signed with a throw-away secret key, made anew at every "
            "start (set GONGKAI_SECRET_KEY for a real one)"
        )
    try:
        app = create_app({"DATABASE_URL": ctx.url, "ENGINE": ctx.engine, "DEMO": demo})
    except (SecretKeyError, ValueError) as exc:
        click.echo(f"错误 / Error: {exc}", err=True)
        sys.exit(1)
    schema.upgrade(ctx.engine.db)
    from .admin import BUNDLED_DEPLOYER

    result = ctx.engine.deploy(_bpmn_paths([str(BUNDLED_WORKFLOWS)]), BUNDLED_DEPLOYER)
    click.echo(f"workflows: definition {result.definition_id} ({', '.join(result.process_ids)})")
    if demo:
        for line in seed(ctx.engine):
            click.echo(f"demo: {line}")
    app.run(host=host, port=port, debug=False, request_handler=_RequestHandler)


def _shown_url(url: str) -> str:
    """Return a database URL fit to print: without its password."""
    from .observability import redact

    return redact(url)


def _production_problems(url: str | None) -> list[str]:
    """Return what keeps gongkai from serving in production: settings first, then the database."""
    from engine import Database
    from engine.store.probe import DatabaseProbe

    from .security import _HOW_TO, key_problem

    problems = []
    key = os.environ.get("GONGKAI_SECRET_KEY")
    if not key:
        problems.append(
            "GONGKAI_SECRET_KEY is not set: every worker, on every host, must sign sessions "
            f"with the same key. Make one with: {_HOW_TO}"
        )
    elif problem := key_problem(key):
        problems.append(f"GONGKAI_SECRET_KEY is too weak: {problem}. Make one with: {_HOW_TO}")
    if not url:
        problems.append(
            "GONGKAI_DATABASE_URL is not set: name the database every worker shares, "
            "e.g. postgresql://gongkai_app@db.example.gov.cn/gongkai"
        )
        return problems
    if url.startswith("sqlite") and (":memory:" in url or "///" not in url):
        problems.append(
            "GONGKAI_DATABASE_URL names an in-memory database, which no two workers share"
        )
        return problems
    database = Database.connect(url)
    try:
        found = DatabaseProbe(database).check()
    finally:
        database.dispose()
    head = schema.head_revision()
    if not found.reachable:
        problems.append(f"the database at {_shown_url(url)} does not answer")
    elif found.revision is None:
        problems.append(
            f"the database at {_shown_url(url)} has no gongkai schema: run `gongkai db upgrade` "
            "(as the role that owns the tables), then `gongkai deploy workflows/`"
        )
    elif found.revision != head:
        problems.append(
            f"the database is at schema revision {found.revision}, this gongkai needs {head}: "
            "run `gongkai db upgrade` (as the role that owns the tables)"
        )
    return problems


def _serve_production(
    ctx: _Context, binds: list[str], workers: int | None, threads: int | None
) -> None:
    """Check the settings and the database, then run gunicorn in this process."""
    from gunicorn.app.base import BaseApplication

    from . import gunicorn_conf

    problems = _production_problems(ctx.url)
    if problems:
        for problem in problems:
            click.echo(f"错误 / Error: {problem}", err=True)
        click.echo("gongkai serve --production did not start.", err=True)
        sys.exit(1)
    # The workers build their application from the environment, after the fork.
    os.environ["GONGKAI_DATABASE_URL"] = str(ctx.url)
    settings = gunicorn_conf.settings(binds, workers, threads)

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            from . import create_app

            return create_app()

    click.echo(
        f"gongkai: serving on {', '.join(binds)} with {settings['workers']} worker(s) × "
        f"{settings['threads']} thread(s); database {_shown_url(str(ctx.url))}"
    )
    _Server().run()


@main.command()
@click.argument("target", type=click.Path(path_type=Path))
@pass_context
def backup(ctx: _Context, target: Path) -> None:
    """Back up the SQLite database to TARGET (a new file, or a folder) while gongkai runs.

    SQLite's online backup API copies the database as it is at one moment,
    however busy it is.  PostgreSQL is backed up with pg_dump: this command
    prints the command to use.
    """
    from engine.store.backup import BackupError, backup_sqlite, pg_dump_command, sqlite_path
    from engine.store.database import default_database_url

    url = ctx.url or default_database_url()
    source = sqlite_path(url)
    if source is None:
        _not_sqlite(url, "back up", [pg_dump_command(url, str(target))])
        return
    try:
        made = backup_sqlite(source, target)
    except BackupError as exc:
        click.echo(f"错误 / Error: {exc}", err=True)
        sys.exit(1)
    click.echo(
        f"backed up {source} to {made.path}: schema {made.revision}, "
        f"{made.instances} instance(s), {made.events} event(s)"
    )


def _not_sqlite(url: str, verb: str, commands: list[str]) -> None:
    if not url.startswith(("postgresql", "postgres")):
        click.echo(f"错误 / Error: gongkai can {verb} a SQLite file only", err=True)
        sys.exit(1)
    click.echo(
        f"错误 / Error: the database is PostgreSQL, which gongkai does not {verb} itself: "
        "use PostgreSQL's own tools, as the role that owns the tables, e.g.:",
        err=True,
    )
    for command in commands:
        click.echo(f"  {command}", err=True)
    sys.exit(1)


@main.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def restore(ctx: _Context, backup_file: Path) -> None:
    """Put a SQLite backup in place of the database, once its schema and histories check out.

    Stop every web and tick worker using the database first: the restore
    refuses a database that is open.  The database it replaces is kept beside
    it (NAME.replaced-TIME).  An older schema is upgraded on the way; every
    instance's hash chain must be whole, or nothing is replaced.
    """
    from engine import Database
    from engine.store.backup import (
        BackupError,
        pg_restore_command,
        put_in_place,
        sqlite_path,
        staged_restore,
        verify_chains,
    )
    from engine.store.database import default_database_url

    url = ctx.url or default_database_url()
    target = sqlite_path(url)
    if target is None:
        _not_sqlite(
            url,
            "restore",
            [
                "createdb --owner=OWNER NEWDB",
                pg_restore_command(url.rsplit("/", 1)[0] + "/NEWDB", str(backup_file)),
                "GONGKAI_DATABASE_URL=.../NEWDB gongkai db upgrade && gongkai audit verify",
            ],
        )
        return
    head = schema.head_revision()
    try:
        with staged_restore(backup_file, target) as staged:
            database = Database.connect(f"sqlite:///{staged}")
            try:
                revision = schema.current_revision(database)
                if revision != head:
                    if not _known_revision(revision):
                        raise BackupError(
                            f"the backup is at schema revision {revision}, which this gongkai "
                            "does not know: restore it with the gongkai that made it"
                        )
                    schema.upgrade(database)
                    click.echo(f"upgraded the backup's schema from {revision} to {head}")
                instances, problems = verify_chains(database)
            finally:
                database.dispose()
            if problems:
                for problem in problems[:20]:
                    click.echo(f"  {problem}", err=True)
                raise BackupError(
                    f"{len(problems)} of {instances} histories in the backup do not verify; "
                    "nothing was replaced"
                )
            aside = put_in_place(staged, target)
    except BackupError as exc:
        click.echo(f"错误 / Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"restored {backup_file} to {target}: {instances} instance(s), every chain verified")
    if aside is not None:
        click.echo(f"the database it replaced is kept at {aside}")


def _known_revision(revision: str | None) -> bool:
    """Tell whether ``revision`` is one of this gongkai's migrations."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return False
    try:
        return ScriptDirectory(str(schema.MIGRATIONS)).get_revision(revision) is not None
    except CommandError:
        return False


@main.group()
def calendar() -> None:
    """Official working-day calendar (节假日安排)."""


@calendar.command("load")
@click.argument("schedule", type=click.File("r", encoding="utf-8"))
@click.option("--by", "loaded_by", default=None, help="Who loads it (recorded).")
@pass_context
def calendar_load(ctx: _Context, schedule: Any, loaded_by: str | None) -> None:
    """Load the State Council's holiday schedule from a file (or - for standard input)."""
    try:
        count = ctx.engine.calendar.load(schedule.read(), loaded_by)
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"loaded {count} day(s)")


@main.group()
def report() -> None:
    """Report on a year of disclosure work (政府信息公开工作年度报告)."""


@report.command("annual")
@click.option("--year", type=int, required=True, help="The calendar year reported on.")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write the table as an XLSX workbook to this file.",
)
@pass_context
def report_annual(ctx: _Context, year: int, xlsx_path: Path | None) -> None:
    """Print the year's table of requests (收到和处理政府信息公开申请情况)."""
    from engine.disclosure.report import balance_note, tabulate_requests, to_xlsx

    try:
        table = tabulate_requests(ctx.engine, year)
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"{year}年 收到和处理政府信息公开申请情况")
    click.echo("\t".join(["", *(c.zh for c in table.columns)]))
    for row in table.rows:
        label = "  " * row.level + row.number + row.zh
        click.echo("\t".join([label, *(str(n) for n in row.counts or ())]))
    click.echo(balance_note(table))
    if xlsx_path is not None:
        xlsx_path.write_bytes(to_xlsx(table))
        click.echo(f"written: {xlsx_path}")


@main.group()
def audit() -> None:
    """Signed checkpoints of the audit log: keys, checkpoints, verification, exports."""


@audit.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def audit_keygen(path: str) -> None:
    """Write a new checkpoint signing key to PATH (mode 0600) and print its public key."""
    from engine.checkpoints import generate_key

    try:
        public = generate_key(path)
    except FileExistsError:
        click.echo(f"错误 / Error: {path} exists; a key is never overwritten", err=True)
        sys.exit(1)
    click.echo(public)


@audit.command("checkpoint")
@pass_context
def audit_checkpoint(ctx: _Context) -> None:
    """Sign a checkpoint of every chain's head with the key GONGKAI_CHECKPOINT_KEY names."""
    try:
        made = ctx.engine.checkpoints.create()
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"checkpoint {made.seq}: {len(made.leaves)} instance(s), root {made.root}")


def _public_key(given: str | None) -> str:
    from engine.checkpoints import configured_public_key

    found = given or configured_public_key()
    if found:
        return found
    click.echo(
        "错误 / Error: name the public key with --public-key or GONGKAI_CHECKPOINT_PUBLIC_KEY",
        err=True,
    )
    sys.exit(1)


#: how many instances make a verification long enough for a progress bar
PROGRESS_FROM = 200
_DATES = click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"])


@audit.command("verify")
@click.option("--instance", "instance_id", type=int, default=None, help="Only this instance.")
@click.option(
    "--since", type=_DATES, default=None, help="Only instances started since (Beijing time)."
)
@click.option(
    "--file",
    "export",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Verify an export instead of the database.",
)
@click.option("--public-key", default=None, help="The public key: 64 hex digits or a file.")
@pass_context
def audit_verify(
    ctx: _Context,
    instance_id: int | None,
    since: Any,
    export: Any,
    public_key: str | None,
) -> None:
    """Verify the event chains against the signed checkpoint log (or an export)."""
    from engine.checkpoints import verify_export

    key = _public_key(public_key)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= PROGRESS_FROM:
            bar = click.progressbar(length=total, label="verifying", file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(1)

    try:
        if export is not None:
            report = verify_export(export, key)
        else:
            report = ctx.engine.checkpoints.verify(key, instance_id, since, progress)
    except EngineError as exc:
        _fail(exc)
        return
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for problem in report.problems:
        click.echo(str(problem))
    if report.problems:
        click.echo(f"verified {report.instances} instances, {len(report.problems)} problems")
        sys.exit(1)
    click.echo(f"verified {report.instances} instances, 0 problems")


@audit.command("export")
@click.option("--instance", "instance_ids", type=int, multiple=True, help="Repeat for several.")
@click.option("--since", type=_DATES, default=None, help="Instances started since (Beijing time).")
@click.option("--out", type=click.File("w", encoding="utf-8"), required=True)
@pass_context
def audit_export(ctx: _Context, instance_ids: tuple[int, ...], since: Any, out: Any) -> None:
    """Write instances, their events and the newest checkpoint as JSON Lines."""
    lines = 0
    for line in ctx.engine.checkpoints.export(instance_ids or None, since):
        out.write(line + "\n")
        lines += 1
    click.echo(f"exported {lines} line(s)")


main.add_command(tokens)
