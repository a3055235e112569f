"""gongkai's web UI: a thin Flask layer over ``engine.Engine``."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from engine import Database, Engine


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; configuration comes from ``GONGKAI_*`` variables."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("GONGKAI_SECRET_KEY", "dev"),
        DATABASE_URL=os.environ.get("GONGKAI_DATABASE_URL"),
    )
    if test_config:
        app.config.update(test_config)
    engine = Engine(Database.connect(app.config["DATABASE_URL"]))
    app.extensions["gongkai.engine"] = engine

    from . import health

    app.register_blueprint(health.bp)
    return app


def get_engine(app: Flask) -> Engine:
    """Return the engine the application was built with."""
    return app.extensions["gongkai.engine"]
