"""Warm a web worker up before it takes its first request."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask_babel import get_translations

from . import get_engine
from .i18n import LANGUAGES


def warm_up(app: Flask) -> dict[str, Any]:
    """Compile every template, the newest definitions and each catalogue; return counts.

    Each is otherwise compiled by the first request that needs it, tens of
    milliseconds late, in every worker at once when a crowd arrives or when a
    worker is replaced.  gunicorn calls this before the worker accepts.
    """
    started = time.perf_counter()
    templates = 0
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "xml", "svg")):
        app.jinja_env.get_template(name)
        templates += 1
    definitions, failed = get_engine(app).warm_up()
    if failed:
        app.logger.warning(
            "gongkai: deployed definitions %s do not compile; their pages will say so", failed
        )
    for language in LANGUAGES:
        with app.test_request_context(f"/?lang={language}"):
            get_translations()
    return {
        "templates": templates,
        "definitions": definitions,
        "failed_definitions": failed,
        "seconds": round(time.perf_counter() - started, 3),
    }
