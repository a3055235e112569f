"""Render task forms from the engine's marshmallow schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import fields

from engine.forms import form_schema

from .i18n import pick, split_message


@dataclass
class FieldView:
    """One input of a task form as the template draws it."""

    name: str
    label: str
    widget: str
    required: bool
    value: Any
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def build(form: str, values: dict[str, Any], errors: dict[str, list[str]]) -> list[FieldView]:
    """Return the inputs of ``form`` with their values and error messages."""
    schema = form_schema(form)
    views = []
    for name, spec in schema.fields.items():
        meta = spec.metadata
        choices = [(key, pick(*labels)) for key, labels in (meta.get("choices") or {}).items()]
        if meta.get("blank"):
            choices.insert(0, ("", pick(*meta["blank"])))
        if choices:
            widget = "select"
        elif isinstance(spec, fields.Boolean):
            widget = "checkbox"
        else:
            widget = meta.get("widget", "text")
        views.append(
            FieldView(
                name=name,
                label=pick(meta.get("label"), meta.get("label_en")) or name,
                widget=widget,
                required=spec.required,
                value=values.get(name),
                choices=choices,
                errors=[split_message(m) for m in errors.get(name, [])],
            )
        )
    for name, labels in schema.FILE_FIELDS.items():
        views.append(
            FieldView(
                name=name,
                label=pick(*labels),
                widget="file",
                required=False,
                value=values.get(name),
                errors=[split_message(m) for m in errors.get(name, [])],
            )
        )
    return views


def submitted(form: str, posted: dict[str, str]) -> dict[str, Any]:
    """Return the posted values of ``form``'s fields.

    A browser leaves an unchecked box out of the post; it is sent as false,
    since the engine keeps the current value of a field that is left out.
    """
    schema = form_schema(form)
    values: dict[str, Any] = {name: posted[name] for name in schema.fields if name in posted}
    for name, spec in schema.fields.items():
        if isinstance(spec, fields.Boolean) and name not in posted:
            values[name] = False
    return values
