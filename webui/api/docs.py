"""The API's reference page: the OpenAPI document as plain HTML, in the reader's language.

Drawn on the server from the published document, so that it needs no script,
nothing from elsewhere, and reads with the keyboard or a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from ..i18n import pick
from .spec import openapi
from .views import ERROR_NAMES

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

_METHODS = ("get", "post", "put", "patch", "delete")
#: what the success answers are called
_SUCCESS = {
    "200": ("成功", "OK"),
    "201": ("已创建", "Created"),
    "default": ("其他错误", "Any other error"),
}


@dataclass
class Row:
    """One parameter or property: its name, kind, whether it must be there, what it is."""

    name: str
    kind: str
    required: bool
    description: str
    link: str | None = None
    place: str = ""


@dataclass
class Operation:
    """One endpoint as the page shows it."""

    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Row] = field(default_factory=list)
    body: Row | None = None
    responses: list[Row] = field(default_factory=list)


@dataclass
class Model:
    """One schema of the document with its properties."""

    name: str
    description: str
    properties: list[Row]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _kind(schema: dict[str, Any]) -> tuple[str, str | None]:
    """Return how a JSON schema reads (``array of Task``), and the schema it names, if any."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return name, name
    kind = str(schema.get("type", "any"))
    link = None
    if kind == "array":
        inner, link = _kind(schema.get("items") or {})
        kind = f"array of {inner}"
    elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        inner, link = _kind(schema["additionalProperties"])
        kind = f"object of {inner}" if inner != "any" else "object"
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if "enum" in schema:
        kind += ": " + " | ".join(str(v) for v in schema["enum"] if v is not None)
    if schema.get("nullable"):
        kind += " | null"
    return kind, link


def _described(item: dict[str, Any]) -> str:
    return pick(item.get("x-zh"), item.get("description"))


def _operations(spec: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            summary = pick(operation.get("x-summary-zh"), operation.get("summary"))
            shown = Operation(
                anchor=f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                method=method.upper(),
                path=path,
                summary=summary,
                description=pick(None, operation.get("description")),
            )
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                kind, link = _kind(parameter.get("schema") or {})
                shown.parameters.append(
                    Row(
                        parameter["name"],
                        kind,
                        bool(parameter.get("required")),
                        pick(
                            (parameter.get("schema") or {}).get("x-zh"),
                            parameter.get("description"),
                        ),
                        link,
                        parameter.get("in", ""),
                    )
                )
            body = operation.get("requestBody")
            if body:
                schema = body.get("content", {}).get("application/json", {}).get("schema", {})
                kind, link = _kind(schema)
                shown.body = Row("application/json", kind, bool(body.get("required")), "", link)
            answers = operation.get("responses", {})
            for status, answer in sorted(answers.items(), key=lambda a: (a[0] == "default", a[0])):
                if "$ref" in answer:
                    answer = spec["components"]["responses"][_ref_name(answer["$ref"])]
                schema = (answer.get("content") or {}).get("application/json", {}).get("schema")
                kind, link = _kind(schema) if schema else ("", None)
                shown.responses.append(Row(status, kind, False, _answer(status, answer), link))
            found.append(shown)
    return found


def _answer(status: str, answer: dict[str, Any]) -> str:
    if status in _SUCCESS:
        return pick(*_SUCCESS[status])
    if status.isdigit() and int(status) in ERROR_NAMES:
        en, zh = ERROR_NAMES[int(status)]
        return pick(zh, en)
    return str(answer.get("description", ""))


def _models(spec: dict[str, Any]) -> list[Model]:
    models = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        rows = []
        for prop, value in schema.get("properties", {}).items():
            kind, link = _kind(value)
            rows.append(Row(prop, kind, prop in required, _described(value), link))
        models.append(Model(name, str(schema.get("description", "")), rows))
    return models


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """Send the API's OpenAPI 3 document."""
    return jsonify(openapi())


@bp.get("/docs")
def reference() -> ResponseReturnValue:
    """Show the API's reference, drawn from its OpenAPI document."""
    spec = openapi()
    info = spec.get("info", {})
    return render_template(
        "api_docs.html",
        title=info.get("title", ""),
        version=info.get("version", ""),
        introduction=_described(info),
        operations=_operations(spec),
        models=_models(spec),
    )
