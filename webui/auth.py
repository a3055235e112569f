"""Sign-in with hashed passwords, sessions and the language switch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from engine import NotFoundError, SignInFailedError, SignInThrottledError
from engine.views import UserView

from .i18n import LANGUAGES
from .messages import error_message

bp = Blueprint("auth", __name__)


@dataclass
class WebUser:
    """The signed-in user as Flask-Login sees him."""

    view: UserView
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        """Return the session key of the user: his user name."""
        return self.view.username

    @property
    def username(self) -> str:
        """Return the user name."""
        return self.view.username

    @property
    def display_name(self) -> str:
        """Return the name shown in the UI."""
        return self.view.display_name

    @property
    def roles(self) -> tuple[str, ...]:
        """Return the roles the user holds."""
        return self.view.roles

    def has_role(self, role: str) -> bool:
        """Tell whether the user holds ``role``."""
        return role in self.view.roles


def init_app(app: Flask) -> None:
    """Set up sessions (Flask-Login) and CSRF protection on every form."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = None

    @manager.user_loader
    def _load(username: str) -> WebUser | None:
        try:
            return WebUser(current_app.extensions["gongkai.engine"].users.get(username))
        except NotFoundError:
            return None

    CSRFProtect(app)


#: a local path: no scheme or host (an open redirect), no backslash, space or control character.
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*\Z")


def _safe_next(target: str | None) -> str:
    # Only local paths: an absolute URL would let a link send users elsewhere after sign-in.
    if target and _LOCAL_PATH.match(target):
        try:
            if not urlsplit(target).netloc:
                return target
        except ValueError:
            pass
    return url_for("tasks.inbox")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; sign in with user name and password."""
    if current_user.is_authenticated:
        return redirect(url_for("tasks.inbox"))
    error, status, headers = None, 200, {}
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        engine = current_app.extensions["gongkai.engine"]
        password = request.form.get("password", "")
        try:
            user = engine.users.authenticate(username, password, request.remote_addr or "")
        except SignInThrottledError as exc:
            error = error_message(exc)
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        except SignInFailedError as exc:
            error, status = error_message(exc), 401
        else:
            login_user(WebUser(user))
            return redirect(_safe_next(request.args.get("next")))
    page = render_template("login.html", error=error, username=username)
    return page, status, headers


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out."""
    logout_user()
    flash(_("您已退出。"))
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Switch the interface language for this session."""
    chosen = request.form.get("lang", "")
    if chosen not in LANGUAGES:
        abort(400)
    session["lang"] = chosen
    return redirect(_safe_next(request.form.get("next")))
