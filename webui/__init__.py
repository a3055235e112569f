"""gongkai's web UI: a thin Flask layer over ``engine.Engine``.

Blueprints parse input, call one engine method and map engine errors to
HTTP statuses; they never touch SpiffWorkflow or the database directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import Database, Engine
from engine.attachments import DEFAULT_MAX_BYTES
from engine.disclosure.requests.handling import PROACTIVE_AFTER
from engine.sandbox import DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT
from engine.store.database import instance_path

from . import i18n, security

_Number = TypeVar("_Number", int, float)


def setting(
    name: str, default: _Number, kind: Callable[[str], _Number], minimum: float = 1
) -> _Number:
    """Return the number in environment variable ``name`` (at least ``minimum``), or ``default``."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum:g}, not {raw!r}")
    return value


def trusted_hosts() -> list[str] | None:
    """Return the host names of ``GONGKAI_TRUSTED_HOSTS`` (comma-separated), or None for any."""
    names = [name.strip() for name in os.environ.get("GONGKAI_TRUSTED_HOSTS", "").split(",")]
    return [name for name in names if name] or None


def engine_from_environment(
    database_url: str | None = None, max_attachment_bytes: int | None = None
) -> Engine:
    """Build the engine the way ``GONGKAI_*`` variables configure it."""
    attachment_limit = setting("GONGKAI_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES, int)
    return Engine(
        Database.connect(database_url),
        max_attachment_bytes=max_attachment_bytes or attachment_limit,
        script_time_limit=setting("GONGKAI_SCRIPT_TIME_LIMIT", DEFAULT_TIME_LIMIT, float),
        script_memory_limit_mb=setting("GONGKAI_SCRIPT_MEMORY_MB", DEFAULT_MEMORY_LIMIT_MB, int),
        proactive_after=setting("GONGKAI_PROACTIVE_AFTER", PROACTIVE_AFTER, int),
    )


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; configuration comes from ``GONGKAI_*`` variables.

    Outside tests and the demo, gongkai signs sessions only with a strong key:
    ``GONGKAI_SECRET_KEY``, or one it makes in the instance folder on first start.
    """
    app = Flask(__name__, instance_path=str(instance_path()), instance_relative_config=True)
    secure_cookies = os.environ.get("GONGKAI_SECURE_COOKIES", "") not in ("", "0")
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("GONGKAI_DATABASE_URL"),
        MAX_ATTACHMENT_BYTES=setting("GONGKAI_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES, int),
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        # The text a form may hold in memory (a field of a form with files, the whole of one
        # without) and its number of fields: the longest field, 50,000 Chinese characters,
        # is 150 KB as a browser sends it; more is refused (413) before it is parsed.
        MAX_FORM_MEMORY_SIZE=2**19,
        MAX_FORM_PARTS=1000,
        SESSION_HOURS=setting("GONGKAI_SESSION_HOURS", 12.0, float, minimum=0.01),
        # The host names this site answers to; a request naming another is refused (400),
        # so that no link or letter gongkai writes can point to an address an attacker chose.
        TRUSTED_HOSTS=trusted_hosts(),
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        if os.environ.get("GONGKAI_SECRET_KEY") is None and (
            app.config.get("TESTING") or app.config.get("DEMO")
        ):
            app.config["SECRET_KEY"] = security.throwaway_key()
        else:
            key, note = security.secret_key(app.instance_path)
            app.config["SECRET_KEY"] = key
            if note:
                app.logger.warning("gongkai: %s", note)
    # Flask defines MAX_CONTENT_LENGTH (as None), so it must be set, not defaulted.
    # The attachment limit is checked on the form with a clear message; the
    # request limit, with room for the other fields, stops a huge body unread.
    if not app.config.get("MAX_CONTENT_LENGTH"):
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_ATTACHMENT_BYTES"] * 2 + 2**20
    if proxies := setting("GONGKAI_TRUSTED_PROXIES", 0, int, minimum=0):
        # Behind a reverse proxy the client's address (for sign-in throttling) and
        # scheme come from its X-Forwarded-* headers, trusted that many hops deep.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies
        )
    engine = app.config.get("ENGINE") or engine_from_environment(
        app.config["DATABASE_URL"], app.config["MAX_ATTACHMENT_BYTES"]
    )
    app.extensions["gongkai.engine"] = engine

    from . import (
        admin,
        api,
        audit,
        auth,
        diagrams,
        documents,
        drafts,
        errors,
        health,
        observability,
        office,
        public,
        report,
        requests,
        tasks,
    )
    from .converters import CONVERTERS

    app.url_map.converters.update(CONVERTERS)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    for blueprint in (
        health.bp,
        auth.bp,
        tasks.bp,
        documents.bp,
        public.bp,
        requests.bp,
        admin.bp,
        report.bp,
        audit.bp,
        diagrams.bp,
        drafts.bp,
        office.bp,
    ):
        app.register_blueprint(blueprint)
    api.init_app(app)
    observability.init_app(app)
    return app


def get_engine(app: Flask) -> Engine:
    """Return the engine the application was built with."""
    return app.extensions["gongkai.engine"]
