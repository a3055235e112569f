"""gongkai's web UI: a thin Flask layer over ``engine.Engine``.

Blueprints parse input, call one engine method and map engine errors to
HTTP statuses; they never touch SpiffWorkflow or the database directly.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from engine import Database, Engine
from engine.attachments import DEFAULT_MAX_BYTES

from . import i18n


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; configuration comes from ``GONGKAI_*`` variables."""
    app = Flask(__name__, instance_relative_config=True)
    max_attachment = int(os.environ.get("GONGKAI_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("GONGKAI_SECRET_KEY", "dev"),
        DATABASE_URL=os.environ.get("GONGKAI_DATABASE_URL"),
        MAX_ATTACHMENT_BYTES=max_attachment,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config:
        app.config.update(test_config)
    # Refuse oversized uploads by our own check (a clear message on the form),
    # not by Werkzeug's bare 413: let the request body through with headroom.
    app.config.setdefault("MAX_CONTENT_LENGTH", app.config["MAX_ATTACHMENT_BYTES"] * 2 + 2**20)
    engine = app.config.get("ENGINE") or Engine(
        Database.connect(app.config["DATABASE_URL"]),
        max_attachment_bytes=app.config["MAX_ATTACHMENT_BYTES"],
    )
    app.extensions["gongkai.engine"] = engine

    from . import admin, auth, documents, errors, health, public, tasks

    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    for blueprint in (health.bp, auth.bp, tasks.bp, documents.bp, public.bp, admin.bp):
        app.register_blueprint(blueprint)
    return app


def get_engine(app: Flask) -> Engine:
    """Return the engine the application was built with."""
    return app.extensions["gongkai.engine"]
