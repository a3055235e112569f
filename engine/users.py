"""Users: who they are, the groups they belong to, their department, and signing in."""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from marshmallow import ValidationError, fields, missing, validate
from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, text, update
from werkzeug.security import check_password_hash, generate_password_hash

from .access import USERNAME, is_group_name, is_username, roles_of
from .errors import (
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    SignInFailedError,
    SignInThrottledError,
)
from .forms import REQUIRED, TOO_LONG, FormRegistry, FormSchema, IdentifierString, non_blank
from .store.models import (
    Department,
    SignInFailure,
    User,
    UserChange,
    UserRole,
    WorkItem,
    insert_unless_taken,
    table_of,
)
from .store.repository import Repository
from .store.unit import Store
from .text import identifier, identifier_problem, text_problem
from .throttle import Throttle, address_key, client_network, throttle_key
from .tokens import revoke_all_of
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
_CHANGES = table_of(UserChange)
_WORK_ITEMS = table_of(WorkItem)
_GROUPS_OF = select(_ROLES.c.role).where(_ROLES.c.user_id == bindparam("user_id"))
_CLAIMED = (
    select(func.count())
    .select_from(_WORK_ITEMS)
    .where(_WORK_ITEMS.c.claimed_by == bindparam("username"))
)
_USER = select(_USERS).where(_USERS.c.username == bindparam("username"))
_ROLES_OF = select(_ROLES.c.user_id, _ROLES.c.role)
#: a user whose name is the one given but for capitals (names are ASCII: lower() is exact)
_SAME_BUT_CASE = (
    select(_USERS.c.username)
    .where(func.lower(_USERS.c.username) == func.lower(bindparam("username")))
    .limit(1)
)
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


#: what a password must be: as long as this at least, and no longer than this
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
#: the most characters of a display name (the column holds as many)
DISPLAY_NAME_MAX = 128
#: the most users (or changes) one page lists
MAX_PAGE = 200
#: what the change log records an admin's operation as
CREATED, UPDATED, DEACTIVATED, REACTIVATED, PASSWORD_SET = (
    "create",
    "update",
    "deactivate",
    "reactivate",
    "password",
)
#: the key of PostgreSQL's advisory lock that serializes the admins' changes to users, so
#: that two admins taking each other's admin group at once cannot leave none
_USER_ADMIN_LOCK = 0x75736572


def password_problem(password: str, username: str = "") -> Problem | None:
    """Return what makes ``password`` unfit, or None: its length, or being the user name."""
    if not password:
        return Problem("form.required")
    if len(password) < PASSWORD_MIN_LENGTH:
        return Problem("password.too_short", {"min": PASSWORD_MIN_LENGTH})
    if len(password) > PASSWORD_MAX_LENGTH:
        return Problem("password.too_long", {"max": PASSWORD_MAX_LENGTH})
    if not password.strip():
        return Problem("password.blank")
    if username and password.casefold() == username.casefold():
        return Problem("password.is_username")
    return None


class UserForm(FormSchema):
    """What an admin sets of a user: display name, department (处室) and groups."""

    display_name = non_blank("显示名", "Display name", DISPLAY_NAME_MAX)
    department = IdentifierString(
        load_default="",
        validate=validate.Length(max=64, error=TOO_LONG),
        metadata={"label": "处室", "label_en": "Department"},
    )
    groups = fields.List(
        fields.String(),
        load_default=list,
        metadata={"label": "角色", "label_en": "Roles"},
    )


class NewUserForm(UserForm):
    """A new user as the admin fills him in: his name and first password as well."""

    username = IdentifierString(
        required=True,
        error_messages=REQUIRED,
        metadata={"label": "用户名", "label_en": "User name"},
    )
    password = fields.String(
        required=True,
        error_messages=REQUIRED,
        metadata={"label": "初始密码", "label_en": "Initial password", "widget": "password"},
    )


_NEW_USER, _USER_FORM = "admin_new_user", "admin_user"
_USER_FORMS: dict[str, FormSchema] = {_NEW_USER: NewUserForm(), _USER_FORM: UserForm()}
_VALIDATOR = FormRegistry({})


@dataclass(frozen=True)
class UserFilter:
    """Which users a list shows: a name's part, a group, a department, active or not."""

    text: str = ""
    group: str = ""
    department: str = ""
    #: True: active only; False: deactivated only; None: both
    active: bool | None = None


@dataclass(frozen=True)
class UserPage:
    """A page of users by user name; ``next_after`` asks for the next page."""

    items: tuple[UserView, ...]
    next_after: str | None


@dataclass(frozen=True)
class UserChangeView:
    """One change an admin made to a user: ``detail`` maps each field to (old, new)."""

    id: int
    at: str
    admin: str
    username: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChangePage:
    """A page of a user's changes, newest first; ``next_before`` asks for older ones."""

    items: tuple[UserChangeView, ...]
    next_before: int | None


@dataclass(frozen=True)
class SignInPolicy:
    """How many failed sign-ins before a pause: per name from one address, per address, per name.

    A name's own limit counts failures from every address and is set well
    above the per-address limits, so that one stranger's wrong guesses do not
    lock the name's owner out at his own desk, while guesses spread over
    many addresses still stop.
    """

    failures_per_user_and_address: int = 5
    failures_per_address: int = 20
    failures_per_user: int = 30
    window: timedelta = timedelta(minutes=15)


def _name_in_other_case(conn: Connection, username: str) -> str | None:
    """Return the name of a user whose name is ``username`` but for capitals, if any."""
    found: str | None = conn.execute(_SAME_BUT_CASE, {"username": username}).scalar()
    return found


def normalised_username(username: str) -> str:
    """Return a user name as typed, in its one canonical form (NFKC, no outer spaces)."""
    return unicodedata.normalize("NFKC", username or "").strip()


@dataclass(frozen=True)
class DepartmentView:
    """A department (处室) as the admin sees it: open or retired, and how many belong to it."""

    name: str
    active: bool
    members: int


@dataclass(frozen=True)
class DepartmentAdded:
    """A department the admin put on the list: a new one, or a retired one open again."""

    name: str
    #: it was on the list before, retired (撤销), and is restored (恢复)
    restored: bool = False


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
    return insert_unless_taken(connection, _DEPARTMENTS, values, _DEPARTMENTS.c.id) is not None


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

    def warm_up(self) -> str:
        """Make the stand-in hash now (no first sign-in pays for two); return its method."""
        return self._method_made

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
        recorded_as: str | None = None,
    ) -> UserView:
        """Create a user with groups, or add groups to an existing one; set his department.

        ``recorded_as`` names who did it in the users' change log (the command
        line gives ``cli:`` and the system user); set-up code leaves it out.

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
            if len(display_name) > DISPLAY_NAME_MAX:
                _problem("display_name", Problem("form.too_long", {"max": DISPLAY_NAME_MAX}))
        if department:
            department = identifier(department)
            _problem("department", identifier_problem(department))
            if len(department) > 64:
                _problem("department", Problem("form.too_long", {"max": 64}))
        wanted = list(dict.fromkeys(roles))
        unknown = [
            r for r in wanted if not is_group_name(r) or not (new_groups or self._knows_group(r))
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
            if row is None and (other := _name_in_other_case(conn, username)):
                raise InvalidInputError("user.exists_in_other_case", name=username, other=other)
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
            if recorded_as is not None:
                _record_added(conn, now, recorded_as, username, row, changes, sorted(held), new)
            return self._view(conn, username)

    def get(self, username: str) -> UserView:
        """Return an active user by name, or raise ``NotFoundError``."""
        with self._store.read() as repo:
            return self._view(repo.connection, username)

    def get_with_stamp(self, username: str) -> tuple[UserView, str]:
        """Return an active user and a mark of his password, or raise ``NotFoundError``.

        The mark changes whenever the password is set anew or the user signs
        out, and tells nothing of the password: a session keeps the mark it
        began with, and ends when they differ.
        """
        with self._store.read() as repo:
            view, row = self._view_and_row(repo.connection, username)
        stored = (row.password_hash or "").encode()
        if row.signed_out:
            # (Before anyone signed out the mark was the password's alone: kept so.)
            stored += b":signed-out:%d" % row.signed_out
        return view, hashlib.sha256(b"gongkai-session:" + stored).hexdigest()[:32]

    def sign_out(self, username: str) -> None:
        """End every session of a user, this one and any copy of its cookie."""
        with self._store.write() as repo:
            repo.connection.execute(
                update(_USERS)
                .where(_USERS.c.username == username)
                .values(signed_out=_USERS.c.signed_out + 1)
            )

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

    def add_department(self, admin: str, name: str) -> DepartmentAdded:
        """Add a department to the list, or open a retired one again (admins only).

        The result says which it was: the admin is told that a department was
        restored (恢复), with its members, not that a new one was added.
        """
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
        return DepartmentAdded(name, restored=found is not None)

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

    # -- the admin's page of users ----------------------------------------------------
    #
    # Each operation is one transaction that checks the acting user is an admin, and
    # records what it changed in ``user_changes`` (old and new; never a password).

    def create_user(self, admin: str, values: Mapping[str, Any]) -> UserView:
        """Create a user from the admin's form (admins only).

        Every field's problem is reported at once as ``FormValidationError``: a
        bad or taken user name, an unknown group or department, a password that
        breaks the rules.
        """
        errors: dict[str, builtins.list[Problem]] = {}
        clean = _validated(_NEW_USER, values, errors)
        username = normalised_username(str(clean.get("username") or ""))
        if "username" not in errors and not username:
            errors["username"] = [Problem("form.empty")]
        elif "username" not in errors and not USERNAME.match(username):
            errors["username"] = [Problem("user.bad_name", {"name": username})]
        if "password" not in errors:
            problem = password_problem(str(clean.get("password") or ""), username)
            if problem is not None:
                errors["password"] = [problem]
        groups = self._groups_problem(clean, errors)
        # Hashed before the transaction: a hash takes a tenth of a second, and the
        # transaction holds SQLite's one writer.
        password_hash = self.hash_secret(str(clean["password"])) if not errors else ""
        _, now = self._now()
        with self._store.write() as repo:
            conn = self._admin_transaction(repo, admin)
            if username and conn.execute(_USER, {"username": username}).first() is not None:
                errors["username"] = [Problem("user.exists", {"name": username})]
            elif username and (other := _name_in_other_case(conn, username)):
                # LISI beside lisi: two accounts people cannot tell apart in any list
                errors["username"] = [
                    Problem("user.exists_in_other_case", {"name": username, "other": other})
                ]
            department = self._department_problem(conn, clean, None, errors)
            if errors:
                raise FormValidationError(errors)
            user_id = conn.execute(
                _INSERT_USER,
                {
                    "username": username,
                    "display_name": clean["display_name"],
                    "password_hash": password_hash,
                    "active": True,
                    "department": department,
                    "created_at": now,
                },
            ).scalar_one()
            if groups:
                conn.execute(_INSERT_ROLE, [{"user_id": user_id, "role": g} for g in groups])
            detail = {
                "display_name": [None, clean["display_name"]],
                "department": [None, department],
                "groups": [[], groups],
            }
            _record(conn, now, admin, username, CREATED, detail)
            return self._view(conn, username)

    def update_user(self, admin: str, username: str, values: Mapping[str, Any]) -> UserView:
        """Set a user's display name, department and groups (the full set) (admins only).

        An admin may not take his own admin group, nor the last active admin's,
        nor give himself a group he lacks.  A user keeps a retired department he is
        in; a new one must be open.
        """
        errors: dict[str, builtins.list[Problem]] = {}
        clean = _validated(_USER_FORM, values, errors)
        groups = self._groups_problem(clean, errors)
        _, now = self._now()
        with self._store.write() as repo:
            conn = self._admin_transaction(repo, admin)
            row = self._any_user(conn, username)
            department = self._department_problem(conn, clean, row.department, errors)
            if errors:
                raise FormValidationError(errors)
            held = sorted(conn.execute(_GROUPS_OF, {"user_id": row.id}).scalars())
            removed = set(held) - set(groups)
            if removed & self._admin_groups:
                if username == admin:
                    raise InvalidInputError("user.own_admin_group", user=admin)
                if row.active and not set(groups) & self._admin_groups:
                    self._check_not_last_admin(conn, row.id)
            if username == admin and set(groups) - set(held):
                # Who keeps the accounts does not give himself the work he oversees
                # (a leader's signature, a reviewer's approval): another admin must.
                raise InvalidInputError(
                    "user.own_groups", user=admin, groups=sorted(set(groups) - set(held))
                )
            detail: dict[str, Any] = {}
            changes: dict[str, Any] = {}
            if clean["display_name"] != row.display_name:
                detail["display_name"] = [row.display_name, clean["display_name"]]
                changes["display_name"] = clean["display_name"]
            if department != row.department:
                detail["department"] = [row.department, department]
                changes["department"] = department
            if changes:
                conn.execute(update(_USERS).where(_USERS.c.id == row.id).values(**changes))
            if set(groups) != set(held):
                detail["groups"] = [held, sorted(groups)]
                if removed:
                    conn.execute(
                        delete(_ROLES).where(
                            _ROLES.c.user_id == row.id, _ROLES.c.role.in_(sorted(removed))
                        )
                    )
                added = [g for g in groups if g not in held]
                if added:
                    conn.execute(_INSERT_ROLE, [{"user_id": row.id, "role": g} for g in added])
            if detail:
                _record(conn, now, admin, row.username, UPDATED, detail)
            return self._any_view(conn, row.username)

    def deactivate(self, admin: str, username: str) -> int:
        """Deactivate a user: he cannot sign in, his session stops (admins only).

        Return how many open tasks he has claimed, for the admin to reassign.
        An admin may not deactivate himself, nor the last active admin.
        """
        _, now = self._now()
        with self._store.write() as repo:
            conn = self._admin_transaction(repo, admin)
            row = self._any_user(conn, username)
            if row.username == admin:
                raise InvalidInputError("user.deactivate_self", user=admin)
            if row.active:
                held = set(conn.execute(_GROUPS_OF, {"user_id": row.id}).scalars())
                if held & self._admin_groups:
                    self._check_not_last_admin(conn, row.id)
                # His sessions and tokens end for good: reactivating him must not revive a
                # cookie or token taken while his account was misused.
                conn.execute(
                    update(_USERS)
                    .where(_USERS.c.id == row.id)
                    .values(active=False, signed_out=_USERS.c.signed_out + 1)
                )
                revoked = revoke_all_of(conn, row.username, now, admin)
                change: dict[str, Any] = {"active": [True, False]}
                if revoked:
                    change["tokens_revoked"] = [0, revoked]
                _record(conn, now, admin, row.username, DEACTIVATED, change)
            return int(conn.execute(_CLAIMED, {"username": row.username}).scalar_one())

    def reactivate(self, admin: str, username: str) -> UserView:
        """Let a deactivated user sign in again (admins only)."""
        _, now = self._now()
        with self._store.write() as repo:
            conn = self._admin_transaction(repo, admin)
            row = self._any_user(conn, username)
            if not row.active:
                conn.execute(update(_USERS).where(_USERS.c.id == row.id).values(active=True))
                _record(conn, now, admin, row.username, REACTIVATED, {"active": [False, True]})
            return self._any_view(conn, row.username)

    def set_password(self, admin: str, username: str, password: str) -> None:
        """Give a user a new password, by the password rules (admins only).

        The change log says that it was set, never what it is.
        """
        problem = password_problem(password or "", normalised_username(username))
        if problem is not None:
            raise FormValidationError({"password": [problem]})
        password_hash = self.hash_secret(password)
        _, now = self._now()
        with self._store.write() as repo:
            conn = self._admin_transaction(repo, admin)
            row = self._any_user(conn, username)
            conn.execute(
                update(_USERS).where(_USERS.c.id == row.id).values(password_hash=password_hash)
            )
            _record(conn, now, admin, row.username, PASSWORD_SET, {})

    def user(self, admin: str, username: str) -> UserView:
        """Return a user, active or not, as the admin sees him (admins only)."""
        with self._store.read() as repo:
            self._check_admin(repo, admin)
            row = self._any_user(repo.connection, username)
            return self._any_view(repo.connection, row.username)

    def claimed_tasks(self, admin: str, username: str) -> int:
        """Return how many open tasks a user has claimed (admins only)."""
        with self._store.read() as repo:
            self._check_admin(repo, admin)
            return int(repo.connection.execute(_CLAIMED, {"username": username}).scalar_one())

    def find(
        self,
        admin: str,
        chosen: UserFilter | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> UserPage:
        """Return a page of users by name, filtered in the database (admins only).

        Pages are keyset pages on the user name: each is read from its
        index, so a page costs the same however many users there are.
        """
        chosen = chosen or UserFilter()
        limit = max(1, min(limit, MAX_PAGE))
        query = select(_USERS).order_by(_USERS.c.username).limit(limit + 1)
        part = (chosen.text or "").strip()
        if part:
            query = query.where(
                or_(
                    _USERS.c.username.icontains(part, autoescape=True),
                    _USERS.c.display_name.icontains(part, autoescape=True),
                )
            )
        if chosen.group:
            member = select(_ROLES.c.user_id).where(
                _ROLES.c.user_id == _USERS.c.id, _ROLES.c.role == chosen.group
            )
            query = query.where(member.exists())
        if chosen.department:
            query = query.where(_USERS.c.department == chosen.department)
        if chosen.active is not None:
            query = query.where(_USERS.c.active.is_(chosen.active))
        if after:
            query = query.where(_USERS.c.username > after)
        with self._store.read() as repo:
            self._check_admin(repo, admin)
            conn = repo.connection
            rows = conn.execute(query).all()
            shown = rows[:limit]
            groups: dict[int, builtins.list[str]] = {}
            if shown:
                held = select(_ROLES.c.user_id, _ROLES.c.role).where(
                    _ROLES.c.user_id.in_([r.id for r in shown])
                )
                for user_id, role in conn.execute(held):
                    groups.setdefault(user_id, []).append(role)
        items = tuple(_user_view(r, groups.get(r.id, [])) for r in shown)
        return UserPage(items, items[-1].username if len(rows) > limit else None)

    def changes(
        self, admin: str, username: str, before: int | None = None, limit: int = 20
    ) -> ChangePage:
        """Return a page of the changes admins made to a user, newest first (admins only)."""
        limit = max(1, min(limit, MAX_PAGE))
        query = (
            select(_CHANGES)
            .where(_CHANGES.c.username == username)
            .order_by(_CHANGES.c.id.desc())
            .limit(limit + 1)
        )
        if before is not None:
            query = query.where(_CHANGES.c.id < before)
        with self._store.read() as repo:
            self._check_admin(repo, admin)
            rows = repo.connection.execute(query).all()
        items = tuple(
            UserChangeView(r.id, r.at, r.admin, r.username, r.action, json.loads(r.detail))
            for r in rows[:limit]
        )
        return ChangePage(items, items[-1].id if len(rows) > limit else None)

    def _admin_transaction(self, repo: Repository, admin: str) -> Connection:
        """Serialize the admins' changes to users, then check ``admin`` is one."""
        conn = repo.connection
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _USER_ADMIN_LOCK})
        self._check_admin(repo, admin)
        return conn

    def _check_not_last_admin(self, conn: Connection, user_id: int) -> None:
        """Refuse to leave no active admin when this user stops being one."""
        others = (
            select(_USERS.c.id)
            .join(_ROLES, _ROLES.c.user_id == _USERS.c.id)
            .where(
                _USERS.c.active,
                _USERS.c.id != user_id,
                _ROLES.c.role.in_(sorted(self._admin_groups)),
            )
            .limit(1)
        )
        if conn.execute(others).first() is None:
            raise InvalidInputError("user.last_admin", groups=sorted(self._admin_groups))

    def _groups_problem(
        self, clean: Mapping[str, Any], errors: dict[str, builtins.list[Problem]]
    ) -> builtins.list[str]:
        """Return the chosen groups, or note the ones the domain does not know."""
        if "groups" in errors:
            return []
        wanted = list(dict.fromkeys(str(g) for g in clean.get("groups") or []))
        unknown = [g for g in wanted if not is_group_name(g) or not self._knows_group(g)]
        if unknown:
            errors["groups"] = [Problem("user.unknown_groups", {"groups": unknown})]
        return wanted

    @staticmethod
    def _department_problem(
        conn: Connection,
        clean: Mapping[str, Any],
        current: str | None,
        errors: dict[str, builtins.list[Problem]],
    ) -> str | None:
        """Return the chosen department (None for none), or note that it is not open."""
        if "department" in errors:
            return current
        department = str(clean.get("department") or "") or None
        if department is None or department == current:
            return department
        found = conn.execute(_DEPARTMENT, {"name": department}).first()
        if found is None or not found.active:
            errors["department"] = [Problem("user.unknown_department", {"department": department})]
        return department

    @staticmethod
    def _any_user(conn: Connection, username: str) -> Any:
        """Return a user's row, active or not, or raise ``NotFoundError``."""
        name = normalised_username(username)
        row = conn.execute(_USER, {"username": name}).first() if is_username(name) else None
        if row is None:
            raise NotFoundError("user.not_found", user=username)
        return row

    @staticmethod
    def _any_view(conn: Connection, username: str) -> UserView:
        row = conn.execute(_USER, {"username": username}).one()
        return _user_view(row, conn.execute(_GROUPS_OF, {"user_id": row.id}).scalars())

    def _check_admin(self, repo: Repository, username: str) -> None:
        if not roles_of(repo, username) & self._admin_groups:
            raise PermissionDeniedError("admin.only", user=username)

    def _view(self, connection: Connection, username: str) -> UserView:
        return self._view_and_row(connection, username)[0]

    def _view_and_row(self, connection: Connection, username: str) -> tuple[UserView, Any]:
        row = (
            connection.execute(_USER, {"username": username}).first()
            if (is_username(username))
            else None
        )
        if row is None or not row.active:
            raise NotFoundError("user.not_found", user=username)
        held = connection.execute(select(_ROLES.c.role).where(_ROLES.c.user_id == row.id))
        return _user_view(row, list(held.scalars())), row

    def authenticate(self, username: str, password: str, address: str) -> UserView:
        """Return the user whose name and password these are; count and throttle failures.

        After too many failures for one user name from one address, from one
        address, or for one name from anywhere (see ``SignInPolicy``), within
        the policy's window, every such attempt is refused until enough of them
        have left the window (``SignInThrottledError``), whether the password
        is right or not.  A wrong name and a wrong password take the same work
        and get the same answer (``SignInFailedError``).
        """
        policy = self.sign_in_policy
        moment, now = self._now()
        name = normalised_username(username)
        user_key = throttle_key("user", name.casefold())
        network = client_network(address or "")
        pair_key = throttle_key("user-address", f"{name.casefold()}\n{network}")
        limits = {
            pair_key: policy.failures_per_user_and_address,
            address_key("address", address or ""): policy.failures_per_address,
            user_key: policy.failures_per_user,
        }
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
        # Hashed whoever is named: skipping it for a name nobody has would tell who exists.
        matches = self.secret_matches(stored, password)
        renewed = self.hash_secret(password) if matches and self._outdated(stored) else None
        with self._store.write() as repo:
            conn = repo.connection
            # Failures counted by sign-ins that hashed meanwhile count against this one too.
            retry = throttle.retry_after(conn, limits, moment)
            if not retry:
                if matches:
                    throttle.forget(conn, pair_key)
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


def _validated(
    form: str, values: Mapping[str, Any], errors: dict[str, list[Problem]]
) -> dict[str, Any]:
    """Return a form's values as its schema reads them; note each field's problems."""
    try:
        return _VALIDATOR.validate(form, dict(values), extra=_USER_FORMS)
    except FormValidationError as exc:
        errors.update(exc.errors)
    schema = _USER_FORMS[form]
    clean: dict[str, Any] = {}
    for name, spec in schema.fields.items():
        if name in errors:
            continue
        with contextlib.suppress(ValidationError):
            clean[name] = spec.deserialize(values.get(name, missing), name, values)
    return clean


def _record_added(
    conn: Connection,
    now: str,
    by: str,
    username: str,
    row: Any,
    changes: dict[str, Any],
    held: builtins.list[str],
    new: builtins.list[dict[str, Any]],
) -> None:
    """Record what ``UserDirectory.add`` changed, as the admin's page records its changes."""
    detail: dict[str, Any] = {
        field: [None if row is None else getattr(row, field), changes[field]]
        for field in ("display_name", "department")
        if field in changes and (row is None or getattr(row, field) != changes[field])
    }
    if new:
        detail["groups"] = [held, sorted([*held, *(n["role"] for n in new)])]
    if row is None or detail:
        _record(conn, now, by, username, CREATED if row is None else UPDATED, detail)
    if "password_hash" in changes:
        _record(conn, now, by, username, PASSWORD_SET, {})


def _record(
    conn: Connection, now: str, admin: str, username: str, action: str, detail: dict[str, Any]
) -> None:
    """Record one admin's change to a user (field -> [old, new]; never a password)."""
    conn.execute(
        insert(_CHANGES).values(
            at=now,
            admin=admin,
            username=username,
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
        )
    )
