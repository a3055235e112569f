"""Forms from JSON Schema: the form of a user task that SpiffWorkflow's form extension describes.

A user task of SpiffWorkflow's tools names its form with the extension
property ``formJsonSchemaFilename``; the JSON file is deployed beside the
BPMN.  Its ``properties`` become the form's fields (text, whole and decimal
numbers, yes/no, a choice of ``enum`` values, a list of choices), ``required``
says which must be given, ``title`` labels them.
"""

from __future__ import annotations

import json
from typing import Any

from marshmallow import ValidationError, fields, validate

from .errors import Problem
from .forms import (
    INITIAL,
    REQUIRED,
    TOO_LONG,
    ErrorMessages,
    FormSchema,
    TrimmedString,
    WholeNumber,
    chosen,
)
from .text import text_problem

#: the extension property that names a user task's JSON Schema file
FORM_FILE_PROPERTY = "formJsonSchemaFilename"
#: the prefix of the form name a JSON Schema form is known by
PREFIX = "json:"
#: the most fields a form may have: every page of its task shows them all, and a
#: form of 20,000 took seconds to deploy and made each page of its task megabytes
MOST_FIELDS = 200
#: the most choices a form's fields may offer in all (a choice of China's 2,800
#: counties fits): each is an option written into every page of the task
MOST_CHOICES = 5_000
#: names of the task page's own controls, which a form field may not take: a field
#: named ``csrf_token`` was read as the page's CSRF token (its own value was lost)
TAKEN_NAMES = frozenset({"csrf_token"})


class JsonSchemaError(ValueError):
    """A JSON Schema that gongkai cannot make a form of; the message says why.

    ``code`` and ``params`` say it in the words of ``webui/messages.py`` where
    there are any (``definition.form_schema`` passes the English on).
    """

    def __init__(
        self,
        message: str,
        code: str = "definition.form_schema",
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.params = params if params is not None else {"detail": message}


def load_schema(text: str) -> dict[str, Any]:
    """Parse a JSON Schema document, refusing what is not an object schema."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise JsonSchemaError(f"not JSON: {exc}") from None
    except RecursionError:
        raise JsonSchemaError("not JSON gongkai can read: nested too deeply") from None
    if not isinstance(document, dict) or not isinstance(document.get("properties", {}), dict):
        raise JsonSchemaError("not an object schema with 'properties'")
    if unfit := unfit_text(document):
        raise JsonSchemaError(unfit)
    return document


def unfit_text(document: dict[str, Any]) -> str | None:
    """Say which text of a JSON form no page can show (a lone surrogate, a NUL), or None.

    JSON spells any character with an escape (a lone surrogate too), and each name,
    title and choice is written into a task's page and its data: one that no
    encoding can write made every page of the task a server error.
    """
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item)  # the names too
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and (problem := text_problem(item, multiline=True)):
            return f"{item[:60]!r} holds {problem.params['char']}, which a form cannot show"
    return None


def form_from_schema(document: dict[str, Any]) -> FormSchema:
    """Return a form schema with a field for every property of the JSON Schema."""
    named = document.get("required") or []
    if not isinstance(named, list) or not all(isinstance(n, str) for n in named):
        raise JsonSchemaError(f"'required' must be a list of property names, not {named!r:.60}")
    required = set(named)
    properties = document.get("properties") or {}
    check_size(len(properties), sum(map(_choices, properties.values())))
    made: dict[str, fields.Field[Any]] = {}
    for name, spec in properties.items():
        if not isinstance(name, str) or name.startswith("_") or not isinstance(spec, dict):
            raise JsonSchemaError(f"property {name!r} cannot be a form field")
        if name in TAKEN_NAMES:
            raise JsonSchemaError(
                f"the field {name!r} takes the name of the task page's own control: "
                "name it otherwise",
                code="definition.form_name_taken",
                params={"field": name},
            )
        made[name] = _field(spec, name in required)
        _check_default(name, spec, made[name])
    form = FormSchema.from_dict(made, name="JsonSchemaForm")()
    assert isinstance(form, FormSchema)
    return form


def check_size(count: int, choices: int) -> None:
    """Refuse a form of more than ``MOST_FIELDS`` fields or ``MOST_CHOICES`` choices in all."""
    if count > MOST_FIELDS:
        raise JsonSchemaError(
            f"the form has {count:,} fields: at most {MOST_FIELDS} may be shown on a page",
            code="definition.form_too_many_fields",
            params={"count": count, "most": MOST_FIELDS},
        )
    if choices > MOST_CHOICES:
        raise JsonSchemaError(
            f"the form's fields offer {choices:,} choices in all: at most {MOST_CHOICES:,}",
            code="definition.form_too_many_choices",
            params={"count": choices, "most": MOST_CHOICES},
        )


def _check_default(name: str, spec: dict[str, Any], field: fields.Field[Any]) -> None:
    """Refuse a default its own field refuses: it is what a task left empty records.

    An integer field defaulting to ``"abc"`` was deployed, and completing its task
    without it was a server error (the default could not be written as a number).
    """
    default = spec.get("default")
    if default is None or spec.get("readOnly") is True:
        return
    try:
        field.deserialize(default)
    except ValidationError:
        raise JsonSchemaError(
            f"the default {default!r:.60} of property {name!r} is not a value the field takes"
        ) from None


def _choices(spec: Any) -> int:
    """Return how many choices a property offers: its own ``enum``, or its items'."""
    if not isinstance(spec, dict):
        return 0
    items = spec.get("items")
    lists = (spec.get("enum"), items.get("enum") if isinstance(items, dict) else None)
    return sum(len(listed) for listed in lists if isinstance(listed, list))


def _field(spec: dict[str, Any], required: bool) -> fields.Field[Any]:
    label = str(spec.get("title") or "")
    metadata: dict[str, Any] = {"label": label, "label_en": label}
    given: dict[str, Any] = (
        {"required": True} if required else {"load_default": spec.get("default")}
    )
    if spec.get("readOnly") is True:
        # Shown with the case's value and never taken from what is posted.
        given = {"dump_only": True}
    if required and spec.get("default") is not None:
        # A required field may not be left empty, yet starts with its default filled in.
        metadata[INITIAL] = spec["default"]
    messages: ErrorMessages = {**REQUIRED, "invalid": Problem("form.invalid_value")}
    kind = spec.get("type")
    if "enum" in spec and isinstance(spec["enum"], list):
        choices = {str(v): (str(v), str(v)) for v in spec["enum"]}
        metadata["choices"] = choices
        return fields.String(
            **given,
            error_messages=messages,
            validate=chosen(list(choices)),
            metadata=metadata,
        )
    if kind == "integer":
        return WholeNumber(**given, strict=False, error_messages=messages, metadata=metadata)
    if kind == "number":
        return fields.Float(**given, allow_nan=False, error_messages=messages, metadata=metadata)
    if kind == "boolean":
        return fields.Boolean(
            **given, error_messages=messages, metadata={**metadata, "widget": "checkbox"}
        )
    if kind == "array" and isinstance(spec.get("items"), dict) and "enum" in spec["items"]:
        allowed = [str(v) for v in spec["items"]["enum"]]
        return fields.List(
            fields.String(validate=validate.OneOf(allowed, error=Problem("form.not_a_choice"))),
            **given,
            error_messages=messages,
            metadata=metadata,
        )
    if kind in (None, "string"):
        length = spec.get("maxLength")
        limit = length if isinstance(length, int) and 0 < length <= 50_000 else 50_000
        widget = "textarea" if limit > 200 else "text"
        return TrimmedString(
            **given,
            error_messages=messages,
            validate=validate.Length(max=limit, error=TOO_LONG),
            metadata={**metadata, "widget": widget},
        )
    raise JsonSchemaError(f"the type {kind!r} cannot be a form field")
