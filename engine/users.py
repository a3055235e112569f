"""User administration: users, their roles and passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select

from . import roles
from .access import active_user
from .errors import InvalidInputError
from .passwords import hash_password
from .presenters import user_view
from .store.models import User, UserRole
from .views import UserView

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class UserAdmin:
    """The engine's user administration (mixed into ``Engine``)."""

    def add_user(
        self,
        username: str,
        roles_: Iterable[str],
        display_name: str | None = None,
        password: str | None = None,
    ) -> UserView:
        """Create a user with roles, or add the roles to an existing one."""
        if not USERNAME.match(username or ""):
            raise InvalidInputError(
                f"用户名无效 / Invalid user name '{username}': "
                "use 1-64 letters, digits, '_', '.', '-'"
            )
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

    def password_hash(self, username: str) -> str | None:
        """Return the stored password hash of a user (for sign-in)."""
        with self._session(write=False) as session:
            return active_user(session, username).password_hash

    def users_with_role(self, role: str) -> list[UserView]:
        """Return the active users who hold ``role``."""
        return [u for u in self.list_users() if role in u.roles and u.active]
