"""Marshmallow schemas of user-task forms, named from the BPMN.

A user task names its form with the extension property ``form``; deployment
refuses a name that is not registered here.  Field ``metadata`` carries the
label the web UI shows (``label`` in Chinese, ``label_en`` in English).
"""

from __future__ import annotations

import functools
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .errors import FormValidationError

_REQUIRED = {"required": "此项必填 / This field is required."}


class FormSchema(Schema):
    """Base of all task forms: unknown fields are dropped, text is trimmed."""

    class Meta:  # noqa: D106
        unknown = EXCLUDE


class TrimmedString(fields.String):
    """A string field that strips surrounding whitespace before validating."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


def non_blank(label: str, label_en: str, max_length: int, **kwargs: Any) -> TrimmedString:
    """Return a required text field that refuses empty or whitespace-only input."""
    return TrimmedString(
        required=True,
        validate=validate.Length(
            min=1, max=max_length, error="长度须在 1 到 {max} 之间 / Length must be 1 to {max}."
        ),
        error_messages=_REQUIRED,
        metadata={"label": label, "label_en": label_en, **kwargs},
    )


class SimpleDraftForm(FormSchema):
    """Draft of the simple approval process: a title and a text."""

    title = non_blank("标题", "Title", 200)
    body = TrimmedString(
        load_default="",
        validate=validate.Length(max=20000),
        metadata={"label": "正文", "label_en": "Body", "widget": "textarea"},
    )


class ReviewDecisionForm(FormSchema):
    """A reviewer's decision: approve, or send back with a comment."""

    decision = fields.String(
        required=True,
        error_messages=_REQUIRED,
        validate=validate.OneOf(
            ["approve", "send_back"],
            error="须为 approve 或 send_back / Must be approve or send_back.",
        ),
        metadata={
            "label": "审核意见",
            "label_en": "Decision",
            "choices": {"approve": ("同意", "Approve"), "send_back": ("退回", "Send back")},
        },
    )
    comment = TrimmedString(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"label": "意见说明", "label_en": "Comment", "widget": "textarea"},
    )


FORMS: dict[str, type[FormSchema]] = {
    "simple_draft": SimpleDraftForm,
    "review_decision": ReviewDecisionForm,
}


def is_known_form(name: str) -> bool:
    """Tell whether a form schema of this name is registered."""
    return name in FORMS


@functools.cache
def form_schema(name: str) -> FormSchema:
    """Return the (shared, stateless) instance of the form schema registered under ``name``."""
    return FORMS[name]()


def validate_form(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate ``raw`` against form ``name`` and return JSON-ready task data.

    Raises ``FormValidationError`` naming every invalid field.
    """
    schema = form_schema(name)
    if not isinstance(raw, dict):
        raise FormValidationError({"_schema": ["表单数据须为对象 / Form data must be an object."]})
    try:
        loaded = schema.load(raw)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        raise FormValidationError(
            {
                field: msgs if isinstance(msgs, list) else [str(msgs)]
                for field, msgs in messages.items()
            }
        ) from None
    # Dumping back gives JSON primitives (ISO dates), so task data and the
    # audit log hold exactly what scripts see and what a replay feeds in.
    return schema.dump(loaded)
