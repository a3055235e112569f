"""The secret key that signs sessions, and the HTTP headers every response carries."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response, request, session

#: shortest secret key accepted, in characters.
MIN_KEY_LENGTH = 32
#: fewest different characters a secret key must have (a 32-digit hex token has 16).
MIN_KEY_DISTINCT = 10
KEY_FILE = "secret_key"
_HOW_TO = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"

#: Content-Security-Policy: only our own files, no inline script, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: the policy of a file someone uploaded (an attachment, a scan, a BPMN file), should a
#: browser ever show it rather than save it: no script, no form, nothing it may load.
UPLOADED_FILE_POLICY = "default-src 'none'; sandbox"
#: the parts a task's form may have (other forms: ``MAX_FORM_PARTS``, 1,000): a review's
#: findings, each a part, are at most half its text, 50,000 characters (a name is two),
#: and a few fields beside them; parsing 30,000 parts takes under a second
TASK_FORM_PARTS = 30_000
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    # No other site may embed our answers (an attachment, a JSON answer) as its own resource.
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
#: sent when the site is served over HTTPS only (``GONGKAI_SECURE_COOKIES``)
STRICT_TRANSPORT = "max-age=31536000"


class SecretKeyError(RuntimeError):
    """gongkai will not start with a missing or weak secret key."""


def key_problem(key: str) -> str | None:
    """Return why ``key`` is too weak to sign sessions, or None."""
    if len(key) < MIN_KEY_LENGTH:
        return f"it has {len(key)} characters; at least {MIN_KEY_LENGTH} are needed"
    if len(set(key)) < MIN_KEY_DISTINCT:
        return f"it uses only {len(set(key))} different characters"
    return None


def secret_key(instance_path: str | Path) -> tuple[str, str | None]:
    """Return the secret key to sign sessions with, and a note to show when one was made.

    ``GONGKAI_SECRET_KEY`` wins if set, and must be strong.  Otherwise the
    key is read from the instance folder, or made there on first start, in a
    file only its owner may read.
    """
    configured = os.environ.get("GONGKAI_SECRET_KEY")
    if configured is not None:
        if problem := key_problem(configured):
            raise SecretKeyError(
                f"GONGKAI_SECRET_KEY is too weak: {problem}. Make one with: {_HOW_TO}"
            )
        return configured, None
    path = Path(instance_path) / KEY_FILE
    if path.exists():
        return _read_key(path), None
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    try:
        # Linking fails if another worker made the key first: then everyone uses that one.
        os.link(staged, path)
        note = (
            f"generated a new secret key in {path} (readable by its owner only); "
            "set GONGKAI_SECRET_KEY to use your own, the same on every host"
        )
    except FileExistsError:
        note = None
    finally:
        staged.unlink()
    return _read_key(path), note


def _read_key(path: Path) -> str:
    if path.stat().st_mode & 0o077:
        raise SecretKeyError(f"{path} may be read by others than its owner; run: chmod 600 {path}")
    key = path.read_text(encoding="utf-8").strip()
    if problem := key_problem(key):
        raise SecretKeyError(f"the secret key in {path} is too weak: {problem}")
    return key


def throwaway_key() -> str:
    """Return a random key that lives as long as the process (demo and tests)."""
    return secrets.token_urlsafe(48)


#: the type of a form sent without files
PLAIN_FORM = "application/x-www-form-urlencoded"


def init_app(app: Flask) -> None:
    """Refuse a Host that is no host, a query string that is not UTF-8, a plain form over its limit.

    The security headers go on every response.
    """

    @app.before_request
    def _host_is_a_host() -> Response | None:
        # With any host trusted (no GONGKAI_TRUSTED_HOSTS) the page's own address, which a
        # sign-in's way back and every link gongkai writes are made of, is read from the Host
        # header: one that no host can have ("xn--") made that a server error.
        try:
            request.url  # noqa: B018 - reading it is the check
        except ValueError:
            return Response("400: the Host header names no host\n", 400, mimetype="text/plain")
        return None

    @app.before_request
    def _query_is_text() -> Response | None:
        try:
            request.query_string.decode("utf-8")
        except UnicodeDecodeError:
            # Plain text: every page reads the query string (the language, the address).
            return Response("400: the query string is not UTF-8\n", 400, mimetype="text/plain")
        return None

    @app.before_request
    def _limit_plain_form() -> None:
        # werkzeug holds a form without files to the request's limit only, which leaves
        # room for attachments (tens of MB); it is parsed whole, and 40 MB of "a=1&" takes
        # seconds and gigabytes.  Its text is held to a form's memory limit instead.
        if request.mimetype == PLAIN_FORM and (most := request.max_form_memory_size):
            request.max_content_length = min(request.max_content_length or most, most)

    @app.before_request
    def _room_for_findings() -> None:
        # A confidentiality review sends each finding it confirms as one part of its form:
        # the review of a list of a few hundred people (each a name, an ID and a mobile)
        # was refused as too large (413) and could not be sent at all.  Only to one signed
        # in: a stranger's form is parsed, to find its CSRF token, within the usual limit.
        if request.endpoint == "tasks.task" and request.method == "POST" and "_user_id" in session:
            request.max_form_parts = TASK_FORM_PARTS

    headers = dict(HEADERS)
    if app.config.get("SESSION_COOKIE_SECURE"):
        # Cookies for HTTPS only: browsers then never try the site over plain HTTP.
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        personal = "_user_id" in session or request.method not in ("GET", "HEAD")
        if request.endpoint != "static" and personal:
            # A signed-in page may show what only its reader may see: a shared office
            # computer must not keep it on disk, nor show it by Back after signing out.
            # So may the answer to anyone's form: a citizen's status found by his query
            # code (with the code in it), his request form shown again with his ID number.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
