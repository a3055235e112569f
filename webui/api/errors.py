"""Errors of the JSON API: a code, what it says, and the HTTP status the web pages give it.

Engine errors map to statuses through ``webui.errors.STATUS`` and to words
through ``webui.messages``, as on the pages; only the form of the answer
differs.  The words are Chinese, or English when the caller asks for it with
``?lang=en`` or ``Accept-Language: en``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Response, jsonify, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from engine import DeploymentError, EngineError, FormValidationError, Problem

from ..errors import STATUS
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..messages import describe, error_message

#: what an HTTP error of the API is called, by status
HTTP_CODES = {
    400: "request.invalid",
    401: "auth.token_required",
    403: "read.refused",
    404: "api.not_found",
    405: "api.method_not_allowed",
    409: "instance.changed",
    413: "request.too_large",
    415: "request.not_json",
    422: "request.invalid",
}
#: the realm a refused token is asked for again in
REALM = 'Bearer realm="gongkai"'
#: marshmallow's words for the problems it finds itself, as the engine's problem codes
_MARSHMALLOW = {
    "Missing data for required field.": "form.required",
    "Unknown field.": "form.unknown_field",
    "Field may not be null.": "form.required",
}


def language() -> str:
    """Return the language of the caller's answers: ?lang=, else Accept-Language, else Chinese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


@contextmanager
def in_callers_language() -> Iterator[None]:
    """Say what follows in the caller's language."""
    with force_locale(language()):
        yield


def problem_view(problem: Problem) -> dict[str, str]:
    """Return a field's problem as the API gives it."""
    return {"code": problem.code, "message": error_message(problem)}


def _plain(value: Any) -> Any:
    """Return an error's parameter as JSON: a problem as its words, anything odd as text."""
    if isinstance(value, Problem):
        return error_message(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def json_error(
    status: int,
    code: str,
    params: Mapping[str, Any] | None = None,
    problems: Mapping[str, list[Problem]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Return the JSON answer of an error."""
    with in_callers_language():
        body: dict[str, Any] = {"code": code, "message": describe(code, params)}
        if params:
            body["params"] = {name: _plain(value) for name, value in params.items()}
        if problems:
            body["fields"] = {
                name: [problem_view(p) for p in found] for name, found in problems.items()
            }
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = REALM
    return response


def engine_error(exc: EngineError) -> Response:
    """Return the JSON answer of an engine error, with the status the pages give it."""
    if isinstance(exc, FormValidationError):
        return json_error(422, exc.code, None, exc.errors)
    if isinstance(exc, DeploymentError):
        return json_error(400, exc.code, exc.params)
    # Any other refusal the pages do not know is the caller's input, not the server.
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return json_error(status, exc.code, exc.params)


def http_error(exc: HTTPException) -> Response:
    """Return the JSON answer of an HTTP error (routing, parsing, size, validation)."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    code = data.get("code") or HTTP_CODES.get(status, "api.error")
    problems = _problems(data.get("messages")) if "messages" in data else None
    if status == 413:
        return json_error(status, code, {"limit": request.max_content_length or 0})
    if status == 405:
        allowed = getattr(exc, "valid_methods", None) or []
        return json_error(status, code, {"methods": sorted(allowed)}, None, _allow(allowed))
    return json_error(status, code, None, problems, data.get("headers"))


def _allow(methods: list[str]) -> dict[str, str]:
    return {"Allow": ", ".join(sorted(methods))} if methods else {}


def _problems(messages: Any) -> dict[str, list[Problem]]:
    """Return webargs' messages ({location: {field: [words]}}) as problems by dotted field."""
    found: dict[str, list[Problem]] = {}

    def walk(path: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{path}.{key}" if path else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            found[path or "_schema"] = [_problem(v) for v in value]
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{path}.{index}", inner)
        else:
            found[path or "_schema"] = [_problem(str(value))]

    for location, fields in (messages or {}).items():
        # The location (json, query) is said by the status; the fields are what matter.
        walk("" if location in ("json", "query", "view_args") else str(location), fields)
    return found


def _problem(words: str) -> Problem:
    if isinstance(words, Problem):
        return words
    return Problem(_MARSHMALLOW.get(words, "form.invalid_value"), {"detail": words})
