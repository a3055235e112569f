"""Render task forms from the engine's marshmallow schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from marshmallow import fields
from werkzeug.datastructures import MultiDict

from engine.disclosure.privacy import KINDS
from engine.errors import Problem
from engine.forms import INITIAL, NEEDED_WHEN_SHOWN, SHOWN_WHEN, FormSchema

from .i18n import pick
from .messages import error_message


@dataclass
class FieldView:
    """One input of a task form as the template draws it."""

    name: str
    label: str
    widget: str
    required: bool
    value: Any
    choices: list[tuple[str, str]] = field(default_factory=list)
    placeholder: bool = False
    errors: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: (another field, its values): the page shows this field only for those (``SHOWN_WHEN``)
    shown_when: tuple[str, tuple[str, ...]] | None = None
    #: required whenever shown (``NEEDED_WHEN_SHOWN``): marked as a required field is
    needed: bool = False
    #: what to write there, under the box (the field's ``hint`` metadata)
    hint: str = ""


def _named_choices(problem: Problem, choices: list[tuple[str, str]]) -> str:
    """Say what a refused choice may be, by the labels the user sees, never by codes."""
    offered = [label for key, label in choices if key]
    if problem.code == "form.not_a_choice" and offered:
        return error_message(Problem("form.one_of", {"choices": offered}))
    return error_message(problem)


def build(
    schema: FormSchema,
    values: dict[str, Any],
    errors: dict[str, list[Problem]],
    case: dict[str, Any] | None = None,
    suggestions: dict[str, list[str]] | None = None,
) -> list[FieldView]:
    """Return the inputs of a form with their values and error messages.

    ``suggestions`` offer values for text fields (a browser's list under the box).
    """
    views = []
    for name, spec in schema.fields.items():
        meta = spec.metadata
        choices = [(key, pick(*labels)) for key, labels in (meta.get("choices") or {}).items()]
        if meta.get("blank"):
            choices.insert(0, ("", pick(*meta["blank"])))
        value = values.get(name)
        if value is None:
            value = _initial(spec)
        placeholder = False
        if spec.dump_only:
            # Shown as the case has it, never posted (the engine takes nothing for it).
            widget = "readonly"
            value = _shown(spec, value, choices)
        elif choices:
            widget = "select"
            value, placeholder = _selected(spec, value, [key for key, _ in choices])
        elif isinstance(spec, fields.Boolean):
            widget = "checkbox"
            value = _checked(value)
        else:
            widget = meta.get("widget", "text")
        views.append(
            FieldView(
                name=name,
                label=pick(meta.get("label"), meta.get("label_en")) or name,
                widget=widget,
                required=spec.required,
                value=value,
                choices=choices,
                placeholder=placeholder,
                errors=[_named_choices(m, choices) for m in errors.get(name, [])],
                extra=(
                    _findings(case or {})
                    if widget == "findings"
                    else {"suggestions": (suggestions or {}).get(name, [])}
                ),
                shown_when=meta.get(SHOWN_WHEN),
                needed=bool(meta.get(NEEDED_WHEN_SHOWN)),
                hint=pick(meta["hint"], meta.get("hint_en")) if meta.get("hint") else "",
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
                errors=[_named_choices(m, choices) for m in errors.get(name, [])],
                extra={"accept": ",".join(schema.FILE_TYPES.get(name, ()))},
            )
        )
    return views


def _selected(spec: fields.Field, value: Any, keys: list[str]) -> tuple[str, bool]:
    """Return the choice a select shows for ``value``, and whether it needs a placeholder.

    Only a choice that was sent (or the field's initial value when nothing was)
    is selected: anything else shows the blank, since a browser would select
    the first real option and a second submit would record it unasked.
    """
    shown = value if value in keys else ""
    return shown, shown == "" and "" not in keys


def _shown(spec: fields.Field, value: Any, choices: list[tuple[str, str]]) -> str:
    """Return a read-only field's value as its reader sees it: a choice by its label."""
    if value is None or value == "":
        return "—"
    if isinstance(spec, fields.Boolean):
        return _("是") if _checked(value) else _("否")
    return dict(choices).get(str(value), str(value))


def _initial(spec: fields.Field) -> Any:
    """Return what a field shows before anything is entered: its default, if it has one."""
    if INITIAL in spec.metadata:
        return spec.metadata[INITIAL]
    default = spec.load_default
    return default if isinstance(default, str | int | float | bool) else None


def _checked(value: Any) -> bool:
    """Tell whether a checkbox shows as ticked: only for what the engine reads as true."""
    return isinstance(value, bool | int | str) and value in fields.Boolean.truthy


def submitted(schema: FormSchema, posted: MultiDict[str, str]) -> dict[str, Any]:
    """Return the posted values of a form's fields.

    A browser leaves unchecked boxes out of the post; they are sent as false
    (or an empty list), since the engine keeps the current value of a field
    that is left out.
    """
    values: dict[str, Any] = {}
    for name, spec in schema.fields.items():
        if isinstance(spec, fields.List):
            values[name] = posted.getlist(name)
        elif name in posted:
            values[name] = posted[name]
        elif isinstance(spec, fields.Boolean):
            values[name] = False
    return values


def _findings(case: dict[str, Any]) -> dict[str, Any]:
    """Return the review text cut into plain and highlighted pieces, and the findings."""
    item = case.get("review_item") or {"text": "", "findings": []}
    text, findings = item["text"], item["findings"]
    segments: list[tuple[str, dict[str, Any] | None]] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f["start"]):
        segments.append((text[position : finding["start"]], None))
        segments.append((text[finding["start"] : finding["end"]], finding))
        position = finding["end"]
    segments.append((text[position:], None))
    labels = {kind: pick(*names) for kind, names in KINDS.items()}
    return {"segments": segments, "findings": findings, "labels": labels}
