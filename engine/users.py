"""User administration: users, their roles and passwords."""

from __future__ import annotations

import functools
import hashlib
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select

from . import roles
from .access import USERNAME, active_user
from .clock import iso
from .errors import InvalidInputError, SignInFailedError, SignInThrottledError
from .passwords import check_password, hash_password
from .presenters import user_view
from .store.models import SignInFailure, User, UserRole
from .text import identifier, identifier_problem, text_problem
from .views import UserView


@dataclass(frozen=True)
class SignInPolicy:
    """How many failed sign-ins, per user name and per address, before a pause."""

    failures_per_user: int = 5
    failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def normalised_username(username: str) -> str:
    """Return a user name as typed, in its one canonical form (NFKC, no outer spaces)."""
    return unicodedata.normalize("NFKC", username or "").strip()


@functools.cache
def _stand_in_hash() -> str:
    # Checked against when the user does not exist, so that a wrong name costs
    # the same work as a wrong password and tells nothing.
    return hash_password("no user has this password")


def _throttle_key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}:{digest}"


class UserAdmin:
    """The engine's user administration (mixed into ``Engine``)."""

    def add_user(
        self,
        username: str,
        roles_: Iterable[str],
        display_name: str | None = None,
        password: str | None = None,
        department: str | None = None,
    ) -> UserView:
        """Create a user with roles, or add roles to an existing one; set his department."""
        username = normalised_username(username)
        if not USERNAME.match(username):
            raise InvalidInputError(
                f"用户名无效 / Invalid user name '{username}': "
                "use 1-64 letters, digits, '_', '.', '-'"
            )
        if display_name and (
            problem := text_problem(display_name)
            or (None if len(display_name) <= 128 else "至多 128 字 / At most 128 characters.")
        ):
            raise InvalidInputError(f"显示名 / Display name: {problem}")
        if department:
            department = identifier(department)
            if problem := identifier_problem(department) or (
                None if len(department) <= 64 else "至多 64 字 / At most 64 characters."
            ):
                raise InvalidInputError(f"处室 / Department: {problem}")
        wanted = list(dict.fromkeys(roles_))
        unknown = [r for r in wanted if not roles.is_known_role(r)]
        if unknown:
            raise InvalidInputError(
                f"未知角色 / Unknown role(s) {', '.join(unknown)}; known: {', '.join(roles.ROLES)}"
            )
        _, now = self._now()
        with self._session(write=True) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(
                    username=username,
                    display_name=display_name or username,
                    password_hash=None,
                    active=True,
                    created_at=now,
                )
                session.add(user)
            elif display_name:
                user.display_name = display_name
            if password:
                user.password_hash = hash_password(password)
            if department:
                user.department = department
            held = {r.role for r in user.roles}
            user.roles.extend(UserRole(role=r) for r in wanted if r not in held)
            session.flush()
            return user_view(user)

    def get_user(self, username: str) -> UserView:
        """Return a user by name."""
        with self._session(write=False) as session:
            return user_view(active_user(session, username))

    def list_users(self) -> list[UserView]:
        """Return every user, by name."""
        with self._session(write=False) as session:
            return [user_view(u) for u in session.scalars(select(User).order_by(User.username))]

    def authenticate(self, username: str, password: str, address: str) -> UserView:
        """Return the user whose name and password these are; count and throttle failures.

        After too many failures for one user name, or from one address, within
        the policy's window, every attempt is refused until the window has
        passed (``SignInThrottledError``), whether the password is right or not.
        A wrong name and a wrong password take the same work and the same answer
        (``SignInFailedError``).
        """
        policy: SignInPolicy = self.sign_in_policy
        moment, now = self._now()
        since = iso(moment - policy.window)
        name = normalised_username(username)
        user_key = _throttle_key("user", name.casefold())
        limits = {user_key: policy.failures_per_user}
        limits[_throttle_key("address", address or "")] = policy.failures_per_address
        table = SignInFailure.__table__
        with self._repository(write=True) as repo:
            conn = repo.connection
            conn.execute(delete(table).where(table.c.key.in_(limits), table.c.at < since))
            failed: dict[str, list[str]] = {key: [] for key in limits}
            for key, at in conn.execute(
                select(table.c.key, table.c.at).where(table.c.key.in_(limits)).order_by(table.c.at)
            ):
                failed[key].append(at)
            # A key is free again once enough of its failures have left the window.
            free_at = [
                datetime.fromisoformat(ats[len(ats) - limits[key]]) + policy.window
                for key, ats in failed.items()
                if len(ats) >= limits[key]
            ]
            retry = math.ceil((max(free_at) - moment).total_seconds()) if free_at else 0
            if not retry:
                user = None
                if USERNAME.match(name):  # anything else cannot be a user, nor go to the database
                    user = conn.execute(
                        select(User.username, User.password_hash).where(
                            User.username == name, User.active.is_(True)
                        )
                    ).first()
                stored = user.password_hash if user is not None else None
                if check_password(stored or _stand_in_hash(), password) and stored:
                    conn.execute(delete(table).where(table.c.key == user_key))
                    signed_in = user.username
                else:
                    signed_in = None
                    conn.execute(insert(table), [{"key": k, "at": now} for k in limits])
        if retry:
            raise SignInThrottledError(retry)
        if signed_in is None:
            raise SignInFailedError("用户名或密码错误 / Wrong user name or password.")
        return self.get_user(signed_in)

    def users_with_role(self, role: str) -> list[UserView]:
        """Return the active users who hold ``role``."""
        return [u for u in self.list_users() if role in u.roles and u.active]
