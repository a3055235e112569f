"""Users: who they are, the groups they belong to, their department, and signing in."""

from __future__ import annotations

import builtins
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from .access import USERNAME, is_username, roles_of
from .errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    SignInFailedError,
    SignInThrottledError,
)
from .store.models import Department, SignInFailure, User, UserRole, table_of
from .store.repository import Repository
from .store.unit import Store
from .text import identifier, identifier_problem, text_problem
from .throttle import Throttle, throttle_key
from .views import UserView

#: how passwords are hashed: werkzeug's scrypt with N=2**14, r=8, p=1 (16 MiB of memory
#: and about 50 ms of one CPU per hash on a 2-vCPU server; werkzeug's default, N=2**15,
#: takes 120-300 ms, so that twenty people signing in at once on two CPUs wait seconds).
#: A hash keeps the parameters it was made with: older hashes still check, and are made
#: anew with these at their next sign-in.  Tests may choose a cheaper method.
PASSWORD_METHOD = "scrypt:16384:8:1"

_USERS = table_of(User)
_ROLES = table_of(UserRole)
_FAILURES = table_of(SignInFailure)
_USER = select(_USERS).where(_USERS.c.username == bindparam("username"))
_ROLES_OF = select(_ROLES.c.user_id, _ROLES.c.role)
_INSERT_USER = insert(_USERS).returning(_USERS.c.id)
_INSERT_ROLE = insert(_ROLES)
_ALL_USERS = select(_USERS).order_by(_USERS.c.username)
_DEPARTMENTS = table_of(Department)
_DEPARTMENT = select(_DEPARTMENTS).where(_DEPARTMENTS.c.name == bindparam("name"))
_ACTIVE_DEPARTMENTS = select(_DEPARTMENTS.c.name).where(_DEPARTMENTS.c.active)
_ALL_DEPARTMENTS = select(_DEPARTMENTS.c.name, _DEPARTMENTS.c.active)
# Once an admin has added or retired a department, the list is his: no more names join it
# on their own from the users' departments.
_LIST_IS_KEPT = (
    select(_DEPARTMENTS.c.id)
    .where(or_(_DEPARTMENTS.c.created_by.is_not(None), ~_DEPARTMENTS.c.active))
    .limit(1)
)
_MEMBERS = (
    select(_USERS.c.department, func.count())
    .where(_USERS.c.active, _USERS.c.department.is_not(None))
    .group_by(_USERS.c.department)
)


@dataclass(frozen=True)
class SignInPolicy:
    """How many failed sign-ins, per user name and per address, before a pause."""

    failures_per_user: int = 5
    failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def normalised_username(username: str) -> str:
    """Return a user name as typed, in its one canonical form (NFKC, no outer spaces)."""
    return unicodedata.normalize("NFKC", username or "").strip()


@dataclass(frozen=True)
class DepartmentView:
    """A department (处室) as the admin sees it: open or retired, and how many belong to it."""

    name: str
    active: bool
    members: int


def _problem(field: str, problem: Problem | None) -> None:
    if problem is not None:
        raise InvalidInputError("user.bad_field", field=field, problem=problem)


def department_name(name: str) -> str:
    """Return a department's name in its one canonical form, or raise ``InvalidInputError``."""
    name = identifier(name or "")
    problem = identifier_problem(name)
    if not name:
        problem = Problem("form.empty")
    elif len(name) > 64:
        problem = Problem("form.too_long", {"max": 64})
    if problem is not None:
        raise InvalidInputError("department.bad_name", name=name, problem=problem)
    return name


def _insert_new(connection: Connection, values: dict[str, Any]) -> bool:
    """Insert a department unless its name is taken; tell whether it was inserted."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_DEPARTMENTS)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(_DEPARTMENTS.c.id)
    )
    return connection.execute(statement).first() is not None


class UserDirectory:
    """The users of one engine: add them, find them, sign them in."""

    def __init__(
        self,
        store: Store,
        now: Callable[[], tuple[datetime, str]],
        knows_group: Callable[[str], bool],
        sign_in: SignInPolicy | None = None,
        password_method: str = PASSWORD_METHOD,
        *,
        admin_groups: Collection[str] = frozenset(),
    ) -> None:
        self._store = store
        self._admin_groups = frozenset(admin_groups)
        self._now = now
        self._knows_group = knows_group
        self.sign_in_policy = sign_in or SignInPolicy()
        self._password_method = password_method

    def hash_secret(self, secret: str) -> str:
        """Return the hash a secret is kept as (a password, a request's query code)."""
        return generate_password_hash(secret, self._password_method)

    def secret_matches(self, stored: str | None, secret: str) -> bool:
        """Tell whether ``secret`` matches a stored hash, with the same work when none is stored.

        Checking against a stand-in hash when there is nothing to check keeps
        the answer's timing from telling whether a user or a request exists.
        """
        return _password_matches(stored or self._stand_in_hash, secret) and bool(stored)

    def _outdated(self, stored: str | None) -> bool:
        """Tell whether a stored hash was made with other parameters than the current ones."""
        method = stored.split("$", 1)[0] if stored else ""
        return method != self._method_made

    @cached_property
    def _method_made(self) -> str:
        # What werkzeug writes for the configured method ("scrypt" means its defaults).
        return self._stand_in_hash.split("$", 1)[0]

    @cached_property
    def _stand_in_hash(self) -> str:
        # Checked against when the user does not exist, so that a wrong name
        # costs the same work as a wrong password and tells nothing.
        return generate_password_hash("no user has this password", self._password_method)

    def add(
        self,
        username: str,
        roles: Iterable[str],
        display_name: str | None = None,
        password: str | None = None,
        department: str | None = None,
        *,
        new_groups: bool = False,
    ) -> UserView:
        """Create a user with groups, or add groups to an existing one; set his department.

        A group the domain does not know is refused (a typing error, most
        likely) unless ``new_groups`` says it is meant: the group of a lane in
        a third-party process, say.

        The department must be one of the list (``departments``) once an
        admin keeps it (has added or retired one); until then, a department
        no one named before joins the list, so that it fills itself from
        the users.  A user keeping the department he has is not checked.
        """
        username = normalised_username(username)
        if not USERNAME.match(username):
            raise InvalidInputError("user.bad_name", name=username)
        if display_name:
            _problem("display_name", text_problem(display_name))
            if len(display_name) > 128:
                _problem("display_name", Problem("form.too_long", {"max": 128}))
        if department:
            department = identifier(department)
            _problem("department", identifier_problem(department))
            if len(department) > 64:
                _problem("department", Problem("form.too_long", {"max": 64}))
        wanted = list(dict.fromkeys(roles))
        unknown = [
            r for r in wanted if not is_username(r) or not (new_groups or self._knows_group(r))
        ]
        if unknown:
            raise InvalidInputError("user.unknown_groups", groups=unknown)
        _, now = self._now()
        changes: dict[str, Any] = {}
        if display_name:
            changes["display_name"] = display_name
        if password:
            changes["password_hash"] = self.hash_secret(password)
        if department:
            changes["department"] = department
        with self._store.write() as repo:
            conn = repo.connection
            row = conn.execute(_USER, {"username": username}).first()
            if department and (row is None or row.department != department):
                _check_department(conn, department, now)
            if row is None:
                user_id = conn.execute(
                    _INSERT_USER,
                    {
                        "username": username,
                        "display_name": username,
                        "password_hash": None,
                        "active": True,
                        "created_at": now,
                        **changes,
                    },
                ).scalar_one()
            else:
                user_id = row.id
                if changes:
                    conn.execute(update(_USERS).where(_USERS.c.id == user_id).values(**changes))
            held = set(
                conn.execute(select(_ROLES.c.role).where(_ROLES.c.user_id == user_id)).scalars()
            )
            new = [{"user_id": user_id, "role": r} for r in wanted if r not in held]
            if new:
                conn.execute(_INSERT_ROLE, new)
            return self._view(conn, username)

    def get(self, username: str) -> UserView:
        """Return an active user by name, or raise ``NotFoundError``."""
        with self._store.read() as repo:
            return self._view(repo.connection, username)

    def list(self) -> list[UserView]:
        """Return every user, by name."""
        with self._store.read() as repo:
            conn = repo.connection
            groups: dict[int, list[str]] = {}
            for user_id, role in conn.execute(_ROLES_OF):
                groups.setdefault(user_id, []).append(role)
            return [_user_view(row, groups.get(row.id, [])) for row in conn.execute(_ALL_USERS)]

    def with_role(self, role: str) -> builtins.list[UserView]:
        """Return the active users who belong to group ``role``."""
        return [u for u in self.list() if role in u.roles and u.active]

    def display_names(self, connection: Connection) -> dict[str, str]:
        """Return every user's display name by user name, in a caller's transaction."""
        return dict(connection.execute(select(_USERS.c.username, _USERS.c.display_name)).all())

    # -- departments (处室) ------------------------------------------------------------

    def departments(self) -> builtins.list[str]:
        """Return the names of the departments users may join, sorted."""
        with self._store.read() as repo:
            return sorted(repo.connection.execute(_ACTIVE_DEPARTMENTS).scalars())

    def department_list(self) -> builtins.list[DepartmentView]:
        """Return every department, open ones first, each with how many active users it has."""
        with self._store.read() as repo:
            conn = repo.connection
            members = {name: int(count) for name, count in conn.execute(_MEMBERS)}
            rows = conn.execute(_ALL_DEPARTMENTS).all()
        views = [DepartmentView(name, bool(active), members.get(name, 0)) for name, active in rows]
        return sorted(views, key=lambda d: (not d.active, d.name))

    def add_department(self, admin: str, name: str) -> str:
        """Add a department to the list, or open a retired one again (admins only)."""
        name = department_name(name)
        _, now = self._now()
        with self._store.write() as repo:
            self._check_admin(repo, admin)
            conn = repo.connection
            found = conn.execute(_DEPARTMENT, {"name": name}).first()
            if found is not None and found.active:
                raise InvalidInputError("department.exists", department=name)
            if found is not None:
                conn.execute(
                    update(_DEPARTMENTS).where(_DEPARTMENTS.c.id == found.id).values(active=True)
                )
            elif not _insert_new(
                conn, {"name": name, "active": True, "created_at": now, "created_by": admin}
            ):
                raise InvalidInputError("department.exists", department=name)
        return name

    def retire_department(self, admin: str, name: str) -> str:
        """Take a department off the list: no one joins it any more (admins only).

        Its members keep it, and the tasks meant for it stay theirs.
        """
        name = identifier(name or "")
        with self._store.write() as repo:
            self._check_admin(repo, admin)
            retired = repo.connection.execute(
                update(_DEPARTMENTS)
                .where(_DEPARTMENTS.c.name == name, _DEPARTMENTS.c.active)
                .values(active=False)
            )
            if retired.rowcount != 1:
                raise NotFoundError("department.not_found", department=name)
        return name

    def _check_admin(self, repo: Repository, username: str) -> None:
        if not roles_of(repo, username) & self._admin_groups:
            raise PermissionDeniedError("admin.only", user=username)

    def _view(self, connection: Connection, username: str) -> UserView:
        row = (
            connection.execute(_USER, {"username": username}).first()
            if (is_username(username))
            else None
        )
        if row is None or not row.active:
            raise NotFoundError("user.not_found", user=username)
        held = connection.execute(select(_ROLES.c.role).where(_ROLES.c.user_id == row.id))
        return _user_view(row, list(held.scalars()))

    def authenticate(self, username: str, password: str, address: str) -> UserView:
        """Return the user whose name and password these are; count and throttle failures.

        After too many failures for one user name, or from one address, within
        the policy's window, every attempt is refused until enough of them
        have left the window (``SignInThrottledError``), whether the password
        is right or not.  A wrong name and a wrong password take the same work
        and get the same answer (``SignInFailedError``).
        """
        policy = self.sign_in_policy
        moment, now = self._now()
        name = normalised_username(username)
        user_key = throttle_key("user", name.casefold())
        limits = {user_key: policy.failures_per_user}
        limits[throttle_key("address", address or "")] = policy.failures_per_address
        throttle = Throttle(_FAILURES, policy.window)
        # The password is checked outside any transaction: a hash takes tens of
        # milliseconds, and on SQLite a write transaction holds the one writer's lock, so
        # that every other sign-in (and every step) would wait for this one's hash.
        with self._store.read() as repo:
            conn = repo.connection
            retry = throttle.retry_after(conn, limits, moment, forget_old=False)
            # Anything but a well-formed name cannot be a user, nor go to the database.
            row = conn.execute(_USER, {"username": name}).first() if USERNAME.match(name) else None
        if retry:
            raise SignInThrottledError(retry)
        stored = row.password_hash if row is not None and row.active else None
        matches = row is not None and self.secret_matches(stored, password)
        renewed = self.hash_secret(password) if matches and self._outdated(stored) else None
        with self._store.write() as repo:
            conn = repo.connection
            # Failures counted by sign-ins that hashed meanwhile count against this one too.
            retry = throttle.retry_after(conn, limits, moment)
            if not retry:
                if matches:
                    throttle.forget(conn, user_key)
                    if renewed is not None and row is not None:
                        # Unless the password was changed meanwhile.
                        conn.execute(
                            update(_USERS)
                            .where(_USERS.c.id == row.id, _USERS.c.password_hash == stored)
                            .values(password_hash=renewed)
                        )
                else:
                    throttle.fail(conn, limits, now)
        if retry:
            raise SignInThrottledError(retry)
        if not matches or row is None:
            raise SignInFailedError()
        return self.get(row.username)


def _check_department(connection: Connection, name: str, now: str) -> None:
    """Let a user join ``name`` if it is on the list, or add it while no admin keeps the list."""
    found = connection.execute(_DEPARTMENT, {"name": name}).first()
    if found is not None and found.active:
        return
    if found is None and connection.execute(_LIST_IS_KEPT).first() is None:
        _insert_new(connection, {"name": name, "active": True, "created_at": now})
        return
    raise InvalidInputError("user.unknown_department", department=name)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError, UnicodeEncodeError):
        return False


def _user_view(row: Any, groups: Iterable[str]) -> UserView:
    return UserView(
        row.username, row.display_name, tuple(sorted(groups)), bool(row.active), row.department
    )
