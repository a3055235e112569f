"""The JSON API for the government's other systems, under ``/api/v1``.

Each system is a user with tokens (``gongkai tokens add``); it calls with
``Authorization: Bearer <token>`` and gets JSON, errors included.  The
marshmallow schemas are published as OpenAPI 3 at ``/api/v1/openapi.json``
and read as a page at ``/api/v1/docs``.  No session cookie, no CSRF token:
a token is not sent by a browser on its own, so no other site can forge a call.
"""

from __future__ import annotations

from flask import Flask

from . import docs, views


def init_app(app: Flask) -> None:
    """Serve the API, its OpenAPI document and its reference page."""
    app.register_blueprint(views.bp)
    # Calls carry a token in a header, which no other site can make a browser send.
    app.extensions["csrf"].exempt(views.bp)
    app.register_blueprint(docs.bp)
