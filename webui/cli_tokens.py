"""``gongkai tokens``: the API tokens of the government's other systems.

A system is a user (``gongkai users add erp --role registrar``); its token is
shown once, when it is made, and kept only as a hash.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from engine import EngineError

from .messages import error_message


def _fail(exc: EngineError) -> None:
    click.echo(f"错误 / Error: {error_message(exc)} [{exc}]", err=True)
    sys.exit(1)


@click.group()
def tokens() -> None:
    """Make, list and revoke the API tokens of systems (users) calling /api/v1."""


@tokens.command("add")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for, e.g. 'ERP, 2026'.")
@click.option("--by", "created_by", default=None, help="Who makes it (recorded).")
@click.pass_obj
def tokens_add(ctx: Any, username: str, name: str, created_by: str | None) -> None:
    """Make a token for USERNAME and print it: it is shown this once only."""
    try:
        issued = ctx.engine.tokens.issue(username, name, created_by)
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"token {issued.view.id} for {issued.view.username} ({issued.view.name}):")
    click.echo(issued.token)
    click.echo("Keep it secret; gongkai keeps only its hash and cannot show it again.", err=True)


@tokens.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
@click.pass_obj
def tokens_list(ctx: Any, username: str | None) -> None:
    """List the tokens (never the tokens themselves): id, user, name, made, revoked."""
    for view in ctx.engine.tokens.list(username):
        state = f"revoked {view.revoked_at}" if view.revoked_at else "active"
        click.echo(f"{view.id}\t{view.username}\t{view.name}\t{view.created_at}\t{state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@click.option("--by", "revoked_by", default=None, help="Who revokes it (recorded).")
@click.pass_obj
def tokens_revoke(ctx: Any, token_id: int, revoked_by: str | None) -> None:
    """Revoke token TOKEN_ID at once: every call with it is refused from now on."""
    try:
        view = ctx.engine.tokens.revoke(token_id, revoked_by)
    except EngineError as exc:
        _fail(exc)
        return
    click.echo(f"token {view.id} of {view.username} revoked at {view.revoked_at}")
