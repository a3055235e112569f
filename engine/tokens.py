"""API tokens: how the government's other systems sign in, each as a user of its own.

A system is a user like a person (groups, department), so the same rules
decide what it may do and read; what it has instead of a password is one or
more tokens.  A token is 256 random bits, shown once when it is issued; only
its SHA-256 is kept.  A hash of that much randomness cannot be guessed, so a
fast hash and a lookup by it are enough (no scrypt: a token is checked on
every call).
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, ForeignKey, Index, String, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .access import is_id, roles_of
from .errors import InvalidInputError, NotFoundError, Problem
from .store.models import Base, User, table_of
from .text import text_problem

if TYPE_CHECKING:
    from .runtime import WorkflowEngine

#: what every token starts with, so that one found in a log or a file is recognised
PREFIX = "gk_"
#: random bytes of a token (256 bits)
TOKEN_BYTES = 32
#: a well-formed token: the prefix and 43 characters of URL-safe base64
TOKEN = re.compile(r"gk_[A-Za-z0-9_-]{43}\Z")
#: the longest name of a token
MAX_NAME = 64


class ApiToken(Base):
    """One API token of a user (a system): its hash, what it is for, and whether it is revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), ForeignKey("users.username"))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    #: SHA-256 of the token, hex: the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[str | None] = mapped_column(String(40))
    revoked_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_api_tokens_token_hash", "token_hash", unique=True),
        Index("ix_api_tokens_username", "username"),
    )


_TOKENS = table_of(ApiToken)
_USERS = table_of(User)
_ACTIVE_HOLDER = (
    select(_TOKENS.c.token_hash, _USERS.c.username)
    .select_from(_TOKENS.join(_USERS, _USERS.c.username == _TOKENS.c.username))
    .where(_USERS.c.active, _TOKENS.c.revoked_at.is_(None))
)
#: hashed when the token given is malformed, so that it costs the same as a real one
_STAND_IN = PREFIX + "A" * 43


@dataclass(frozen=True)
class TokenView:
    """An API token as an administrator sees it: never the token, nor its hash."""

    id: int
    username: str
    name: str
    created_at: str
    created_by: str | None
    revoked_at: str | None
    revoked_by: str | None


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the only time the token itself is shown."""

    view: TokenView
    token: str


def token_hash(token: str) -> str:
    """Return the hash a token is kept and looked up by."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def revoke_all_of(connection: Connection, username: str, now: str, revoked_by: str) -> int:
    """Revoke every token of a user in the caller's transaction; return how many."""
    return int(
        connection.execute(
            update(_TOKENS)
            .where(_TOKENS.c.username == username, _TOKENS.c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=revoked_by)
        ).rowcount
    )


def _view(row: Any) -> TokenView:
    return TokenView(
        row.id,
        row.username,
        row.name,
        row.created_at,
        row.created_by,
        row.revoked_at,
        row.revoked_by,
    )


class ApiTokens:
    """Issue, check, list and revoke the API tokens of an engine's users."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def issue(self, username: str, name: str, created_by: str | None = None) -> IssuedToken:
        """Make a new token for an active user; the token is in the answer and nowhere else."""
        name = " ".join((name or "").split())
        problem = text_problem(name)
        if not name:
            problem = Problem("form.empty")
        elif len(name) > MAX_NAME:
            problem = Problem("form.too_long", {"max": MAX_NAME})
        if problem is not None:
            raise InvalidInputError("token.bad_name", problem=problem)
        token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        now = self._engine.now()
        row = {
            "username": username,
            "name": name,
            "token_hash": token_hash(token),
            "created_at": now,
            "created_by": created_by,
            "revoked_at": None,
            "revoked_by": None,
        }
        with self._engine.store.write() as repo:
            roles_of(repo, username)
            token_id = repo.connection.execute(
                insert(_TOKENS).values(**row).returning(_TOKENS.c.id)
            ).scalar_one()
        view = TokenView(token_id, username, name, now, created_by, None, None)
        return IssuedToken(view, token)

    def authenticate(self, token: str) -> str | None:
        """Return the user a token belongs to, or None if it is unknown, revoked or his is gone.

        Every token, well-formed or not, costs one hash and one lookup by
        hash, and the stored hash is compared in constant time: the answer's
        timing tells nothing about how close a guess came.
        """
        given = token if isinstance(token, str) and TOKEN.match(token) else None
        digest = token_hash(given or _STAND_IN)
        with self._engine.store.read() as repo:
            found = repo.connection.execute(
                _ACTIVE_HOLDER.where(_TOKENS.c.token_hash == digest)
            ).first()
        if found is None or given is None:
            return None
        if not hmac.compare_digest(str(found.token_hash), digest):
            return None
        return str(found.username)

    def revoke(self, token_id: int, revoked_by: str | None = None) -> TokenView:
        """Revoke a token at once; revoking it again changes nothing."""
        now = self._engine.now()
        with self._engine.store.write() as repo:
            conn = repo.connection
            if is_id(token_id):
                conn.execute(
                    update(_TOKENS)
                    .where(_TOKENS.c.id == token_id, _TOKENS.c.revoked_at.is_(None))
                    .values(revoked_at=now, revoked_by=revoked_by)
                )
            row = (
                conn.execute(select(_TOKENS).where(_TOKENS.c.id == token_id)).first()
                if is_id(token_id)
                else None
            )
            if row is None:
                raise NotFoundError("token.not_found", token=token_id)
        return _view(row)

    def list(self, username: str | None = None) -> builtins.list[TokenView]:
        """Return the tokens (of one user, or of all), oldest first: never a token or its hash."""
        query = select(_TOKENS).order_by(_TOKENS.c.id)
        if username is not None:
            query = query.where(_TOKENS.c.username == username)
        with self._engine.store.read() as repo:
            return [_view(row) for row in repo.connection.execute(query)]
