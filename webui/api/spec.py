"""The API's OpenAPI 3 document, made by flask-smorest from the marshmallow schemas."""

from __future__ import annotations

import functools
from typing import Any

from flask import Flask
from flask_smorest import Api

from engine.access import MAX_ID

from ..converters import CONVERTERS, IdConverter, TaskIdConverter
from . import views
from .schemas import ErrorSchema

#: the version of the API (its path says the major one)
VERSION = "1.0"
#: how a system proves who it is
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token made with: gongkai tokens add USER --name NAME",
}


class GongkaiApi(Api):
    """flask-smorest's API, leaving the web pages' error handling as it is."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        # flask-smorest would answer every HTTP error of the site in JSON; the API's
        # blueprint answers its own errors (views.py), the pages keep their own.
        return None


@functools.cache
def openapi() -> dict[str, Any]:
    """Return the OpenAPI document of the API (built once per process: it is the code's)."""
    # flask-smorest documents a blueprint as it registers it on an application; the
    # document depends on the code alone, so one is built here on an application of its
    # own instead of on each application serving the API.
    host = Flask(__name__)
    host.config.update(OPENAPI_URL_PREFIX=None)
    host.url_map.converters.update(CONVERTERS)
    spec: dict[str, Any] = {
        "title": "gongkai API",
        "version": VERSION,
        "openapi_version": "3.0.3",
        "info": {
            "description": (
                "Start cases, work on tasks, read documents, requests and histories, "
                "deliver messages: as a system with its own token, under the same roles "
                "and need-to-know rules as people. Reference: /api/v1/docs"
            ),
            "x-zh": (
                "发起流程、办理任务、查阅公文、申请和历史、发送消息：各系统以自己的令牌调用，"
                "与人员适用相同的角色和知悉范围规则。参考文档：/api/v1/docs"
            ),
        },
        "security": [{"bearerAuth": []}],
    }
    api = GongkaiApi(host, spec_kwargs=spec)
    api.spec.components.security_scheme("bearerAuth", SECURITY_SCHEME)
    row_id = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    api.register_converter(IdConverter, lambda _: row_id)
    api.register_converter(
        TaskIdConverter,
        lambda _: {"type": "string", "format": "uuid", "pattern": f"^{TaskIdConverter.regex}$"},
    )
    api.register_blueprint(views.bp)
    document: dict[str, Any] = api.spec.to_dict()
    return document
