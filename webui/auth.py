"""Sign-in with hashed passwords, sessions and the language switch."""

from __future__ import annotations

import re
import time
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
from flask_login import (
    LoginManager,
    current_user,
    login_required,
    login_url,
    login_user,
    logout_user,
)
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from engine import NotFoundError, SignInFailedError, SignInThrottledError, UnavailableError
from engine.disclosure.roles import ADMINS, DOCUMENT_WORKERS, TASKLESS
from engine.views import UserView

from .i18n import LANGUAGES
from .messages import error_message, left_blank

bp = Blueprint("auth", __name__)

#: the session key of when its user signed in (seconds since the epoch)
SIGNED_IN_AT = "signed_in_at"
#: the session key of the mark of the password it was signed in with (see
#: ``UserDirectory.get_with_stamp``): a password set anew ends every older session
PASSWORD_STAMP = "password_stamp"
#: how long a sign-in lasts unless ``GONGKAI_SESSION_HOURS`` says otherwise
DEFAULT_SESSION_HOURS = 12.0


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

    @property
    def home(self) -> str:
        """Return the page the user starts from: his inbox, unless his groups get no tasks.

        An auditor starts from the instances he verifies, an administrator
        with no other group from the task management page: an inbox that is
        always empty tells a newcomer nothing.
        """
        if not self.gets_tasks:
            return url_for("admin.tasks" if set(self.view.roles) <= ADMINS else "audit.instances")
        return url_for("tasks.inbox")

    @property
    def gets_tasks(self) -> bool:
        """Tell whether any of the user's groups is given tasks (so an inbox is his to use)."""
        held = set(self.view.roles)
        return not (held and held <= TASKLESS)

    @property
    def works_on_documents(self) -> bool:
        """Tell whether the document approval gives any of the user's groups work (我的公文)."""
        return not DOCUMENT_WORKERS.isdisjoint(self.view.roles)


def init_app(app: Flask) -> None:
    """Set up sessions (Flask-Login) and CSRF protection on every form."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = None

    @manager.user_loader
    def _load(username: str) -> WebUser | None:
        if not _session_current():
            return None  # signed in too long ago, or never through the sign-in form
        try:
            user, stamp = current_app.extensions["gongkai.engine"].users.get_with_stamp(username)
        except NotFoundError:
            return None
        if session.get(PASSWORD_STAMP) != stamp:
            return None  # the password was set anew since this session began
        return WebUser(user)

    @manager.unauthorized_handler
    def _unauthorized() -> Response:
        if request.method == "POST":
            return session_ended()
        return redirect(login_url("auth.login", next_url=request.url))

    CSRFProtect(app)


def _session_current() -> bool:
    """Tell whether the session's sign-in is recent enough to be honoured.

    A session cookie is signed, not stored: one copied (or kept after signing
    out) would otherwise open the account for ever.  Each sign-in lasts
    ``SESSION_HOURS`` (``GONGKAI_SESSION_HOURS``, 12 by default).
    """
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, int | float) or isinstance(started, bool):
        return False
    hours = float(current_app.config.get("SESSION_HOURS") or DEFAULT_SESSION_HOURS)
    return 0 <= time.time() - started < hours * 3600


def _fresh_session() -> None:
    """Start a new session that keeps only the chosen language.

    Nothing set before signing in (a CSRF token an attacker planted, with the
    cookie, in the victim's browser) survives it, nor anything after signing out.
    """
    chosen = session.get("lang")
    session.clear()
    if chosen in LANGUAGES:
        session["lang"] = chosen


#: the code of every view Flask-Login's ``login_required`` wraps
_SIGNED_IN_ONLY = login_required(lambda: None).__code__


def _needs_sign_in(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    while view is not None:
        if getattr(view, "__code__", None) is _SIGNED_IN_ONLY:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def resume_after_sign_in() -> Response | None:
    """Answer a form sent after the session ended, or None if this was not that.

    With the session cookie gone (expired, cleared, or the browser restarted) the
    CSRF token went with it, so the form is refused before the page could ask for
    a sign-in.  A form of the signed-in pages sent by no signed-in user is taken
    to be that: the user is sent to sign in and then back to the form's page,
    where the page puts back what he typed (static/keep.js).
    """
    if request.method != "POST" or not _needs_sign_in(request.endpoint):
        return None
    try:
        if current_user.is_authenticated:
            return None  # a token from another session: refused as before
    except UnavailableError:
        return None
    return session_ended()


def session_ended() -> Response:
    """Send the user whose session ended while he filled a form to sign in, then back to it."""
    if request.endpoint == "auth.logout":
        return redirect(url_for("auth.login"))  # already signed out: nothing to say
    flash(_("您的登录已失效（超时或已退出），请重新登录。"), "warning")
    return redirect(url_for("auth.login", next=_form_page()))


def _form_page() -> str | None:
    """Return the local address of the page whose form was sent: its action's, or the referrer."""
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return request.full_path.rstrip("?")
    try:
        referrer = urlsplit(request.referrer or "")
    except ValueError:
        return None
    if referrer.netloc != request.host or not referrer.path:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


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
    return current_user.home if current_user.is_authenticated else url_for("tasks.inbox")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; sign in with user name and password."""
    if current_user.is_authenticated:
        return redirect(current_user.home)
    error, status, headers = None, 200, {}
    username = request.form.get("username", "").strip()
    blank = left_blank(request.form, ("username", "password")) if request.method == "POST" else {}
    if blank:
        # said beside each empty box; not a failed sign-in (nothing is counted against anyone)
        error, status = _("请更正下列标出的问题后再提交。"), 400
    elif request.method == "POST":
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
            _fresh_session()
            login_user(WebUser(user))
            session[SIGNED_IN_AT] = int(time.time())
            session[PASSWORD_STAMP] = engine.users.get_with_stamp(user.username)[1]
            return redirect(_safe_next(request.args.get("next")))
    page = render_template("login.html", error=error, username=username, errors=blank)
    return page, status, headers


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out: this session ends, and so does any copy of its cookie."""
    current_app.extensions["gongkai.engine"].users.sign_out(current_user.username)
    logout_user()
    _fresh_session()
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
