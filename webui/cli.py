"""The ``gongkai`` command line: database, deployment, users, server and timers."""

from __future__ import annotations

import json
import sys
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
            name, roles, display_name, password, department, new_groups=new_group
        )
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"{user.username}: {', '.join(user.roles)}")


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


@main.command()
@click.option(
    "--loop",
    "interval",
    type=float,
    default=None,
    help="Keep ticking every INTERVAL seconds instead of once.",
)
@pass_context
def tick(ctx: _Context, interval: float | None) -> None:
    """Fire the timers that are due (reminders, deadlines, escalations)."""
    while True:
        result = ctx.engine.tick()
        click.echo(f"tick: {result.instances} instance(s), {result.timers_fired} timer(s) fired")
        for failure in result.failures:
            click.echo(f"错误 / Error: {failure}", err=True)
        if interval is None:
            return
        time.sleep(interval)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed one demo user per role and a few instances.")
@pass_context
def serve(ctx: _Context, host: str, port: int, demo: bool) -> None:
    """Run the development server, after bringing the schema and bundled workflows up to date."""
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
    result = ctx.engine.deploy(_bpmn_paths([str(BUNDLED_WORKFLOWS)]), "gongkai serve")
    click.echo(f"workflows: definition {result.definition_id} ({', '.join(result.process_ids)})")
    if demo:
        for line in seed(ctx.engine):
            click.echo(f"demo: {line}")
    app.run(host=host, port=port, debug=False, request_handler=_RequestHandler)


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
