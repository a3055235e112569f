"""Task forms: marshmallow schemas named from the BPMN, and the fields they are made of.

A user task names its form with the extension property ``form``; the domain
registers the schemas (see ``engine.domain``), and deployment refuses a name
that is not registered.  A task that names no form gets the generic
confirmation form.  Field ``metadata`` carries the label the web UI shows
(``label`` in Chinese, ``label_en`` in English).
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from marshmallow import (
    EXCLUDE,
    INCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    missing,
    validate,
    validates_schema,
)
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.error_store import ErrorStore
from marshmallow.types import UnknownOption
from marshmallow.utils import set_value

from .errors import FormValidationError, InvalidInputError, Problem
from .text import has_visible, identifier, identifier_problem, text_problem

#: marshmallow's type of a field's messages
ErrorMessages = dict[str, str | list[Any] | dict[Any, Any]]
#: what a required field says when it is left out
REQUIRED: ErrorMessages = {"required": Problem("form.required")}
TOO_LONG = Problem("form.too_long")


#: the metadata key of a field's initial value, what a form shows before anything is
#: entered (marshmallow's own defaults are only for fields that may be left out)
INITIAL = "default"
#: the metadata key of a field that matters only for some values of another field:
#: (that field's name, those values).  A page may hide it otherwise; the form's own
#: checks decide what is needed, whatever a page shows.
SHOWN_WHEN = "shown_when"
#: the metadata key of such a field that the form's checks require whenever it is shown
#: (a reply's type once 拟定答复 is chosen): a page marks it required as it shows it
NEEDED_WHEN_SHOWN = "needed_when_shown"


class FormSchema(Schema):
    """Base of all task forms: unknown fields are dropped, text is trimmed.

    ``FILE_FIELDS`` names the file uploads a form takes (field -> labels);
    the engine checks and stores them beside the validated data.
    """

    FILE_FIELDS: dict[str, tuple[str, str]] = {}  # noqa: RUF012
    #: the file name endings a file field takes, when not the attachments' (PDF, DOCX, OFD)
    FILE_TYPES: dict[str, tuple[str, ...]] = {}  # noqa: RUF012

    class Meta:  # noqa: D106
        unknown = EXCLUDE

    def _deserialize(
        self,
        data: Any,
        *,
        error_store: ErrorStore,
        many: bool = False,
        partial: Any = None,
        unknown: UnknownOption = RAISE,
        index: int | None = None,
    ) -> Any:
        """Load each field of one mapping, storing its errors, as marshmallow's loop does.

        Every task's form load is this case (one mapping, nothing partial,
        unknown fields dropped); marshmallow's own loop then spends as long on
        a closure and a generator test per field as the fields take.  Any other
        case is marshmallow's.
        """
        if (
            many
            or partial is not None
            or unknown != EXCLUDE
            or self.dict_class is not dict
            or not isinstance(data, Mapping)
        ):
            return super()._deserialize(
                data,
                error_store=error_store,
                many=many,
                partial=partial,
                unknown=unknown,
                index=index,
            )
        index = index if self.opts.index_errors else None
        loaded: dict[str, Any] = {}
        for attr_name, field in self.load_fields.items():
            name = field.data_key if field.data_key is not None else attr_name
            try:
                value = field.deserialize(data.get(name, missing), name, data)
            except ValidationError as error:
                error_store.store_error(  # type: ignore[no-untyped-call]
                    error.messages, name, index=index
                )
                value = error.valid_data or missing
            if value is not missing:
                set_value(loaded, field.attribute or attr_name, value)
        return loaded

    def check_against_case(
        self, data: dict[str, Any], case: dict[str, Any]
    ) -> dict[str, list[Problem]]:
        """Return errors that only the case's own data can reveal (none by default)."""
        return {}

    def dumped(self, loaded: dict[str, Any]) -> dict[str, Any]:
        """Return ``dict(self.dump(loaded))``: what a load gave, as JSON primitives.

        A form of text fields only (as most are) dumps a text or None as it
        is, so that where ``loaded`` holds nothing else the dump is a copy of
        it, made here without marshmallow's walk of its fields.
        """
        names = self._text_fields
        if names is not None:
            copied = {name: loaded[name] for name in names if name in loaded}
            if all(value is None or type(value) is str for value in copied.values()):
                return copied
        return dict(self.dump(loaded))

    @functools.cached_property
    def _text_fields(self) -> tuple[str, ...] | None:
        """Return the fields ``dump`` writes, when each writes a text or None as it is; else None.

        So when marshmallow's own dump is in play: no dump hooks, a plain dict,
        and each field a ``String`` that reads its value from the key of its
        own name (none that a dict has as an attribute, which ``dump`` would
        read when the key is missing) and writes it under that name.
        """
        kind = type(self)
        if (
            kind.dump is not Schema.dump
            or kind._serialize is not Schema._serialize
            or kind.get_attribute is not Schema.get_attribute
            or self._hooks[PRE_DUMP]
            or self._hooks[POST_DUMP]
            or self.many
            or self.dict_class is not dict
        ):
            return None
        for name, field in self.dump_fields.items():
            own = type(field)
            if not (
                isinstance(field, fields.String)
                and own.serialize is fields.Field.serialize
                and own.get_value is fields.Field.get_value
                and own._serialize is fields.String._serialize
                and field._CHECK_ATTRIBUTE
                and field.attribute is None
                and field.data_key is None
                and field.dump_default is missing
                and "." not in name
                and not hasattr(dict, name)
            ):
                return None
        return tuple(self.dump_fields)

    def filled_in(self, data: dict[str, Any]) -> dict[str, Any]:
        """Return ``data`` with the initial value of each field it leaves out that has one."""
        initial = {
            name: spec.metadata[INITIAL]
            for name, spec in self.fields.items()
            if INITIAL in spec.metadata and name not in data
        }
        return {**initial, **data}


class TrimmedString(fields.String):
    """A string field that strips surrounding whitespace and refuses control characters."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if problem := text_problem(text, multiline=self.metadata.get("widget") == "textarea"):
            raise ValidationError(problem)
        return text


class WholeNumber(fields.Integer):
    """A whole number, written as one (``3``, ``"3"``, ``3.0``): ``1.5`` is refused, not cut to 1.

    marshmallow's non-strict integer truncates a fractional number silently, so an
    API call asking for 1.5 days would be recorded as 1.
    """

    def _validated(self, value: Any) -> int:
        if (isinstance(value, float) and not value.is_integer()) or (
            isinstance(value, Decimal)
            and (not value.is_finite() or value != value.to_integral_value())
        ):
            raise self.make_error("invalid")
        return super()._validated(value)


class IdentifierString(fields.String):
    """A string that identifies something (a number prefix): NFKC, nothing invisible."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = identifier(super()._deserialize(value, attr, data, **kwargs))
        if problem := identifier_problem(text):
            raise ValidationError(problem)
        return text


def _something_visible(text: str) -> None:
    """Refuse a text that is not empty but shows nothing (zero-width spaces, fillers)."""
    if text and not has_visible(text):
        raise ValidationError(Problem("form.nothing_visible"))


def non_blank(label: str, label_en: str, max_length: int, **metadata: Any) -> TrimmedString:
    """Return a required text field that refuses empty, blank or invisible-only input."""
    return TrimmedString(
        required=True,
        validate=[
            validate.Length(min=1, error=Problem("form.empty")),
            _something_visible,
            validate.Length(max=max_length, error=TOO_LONG),
            *(
                []
                if metadata.get("widget") == "textarea"
                else [validate.Regexp(r"^[^\r\n]*$", error=Problem("form.one_line"))]
            ),
        ],
        error_messages=REQUIRED,
        metadata={"label": label, "label_en": label_en, **metadata},
    )


#: the blank choice that asks for one (请选择) rather than naming "none": a prompt, not a value
PROMPT = ("请选择", "Please choose")


def choice(
    label: str,
    label_en: str,
    choices: Mapping[str, tuple[str, ...]],
    *,
    required: bool = True,
    blank: tuple[str, str] | None = None,
    **metadata: Any,
) -> fields.String:
    """Return a field that takes one of ``choices`` (or '' when ``blank`` labels "none")."""
    allowed = list(choices) if blank is None else ["", *choices]
    extra: dict[str, Any] = {"required": True} if required else {"load_default": ""}
    return fields.String(
        **extra,
        error_messages=REQUIRED,
        validate=chosen(allowed),
        metadata={
            "label": label,
            "label_en": label_en,
            "choices": {k: v[:2] for k, v in choices.items()},
            "blank": blank,
            **metadata,
        },
    )


def chosen(allowed: list[str]) -> Callable[[str], None]:
    """Return a check that a choice is one of ``allowed``.

    The prompt (请选择) left as it was is a field left blank, and says so as a
    blank text field does; only a value that is no choice is told to pick one.
    """
    one_of = validate.OneOf(allowed, error=Problem("form.not_a_choice"))

    def check(value: str) -> None:
        if value == "" and "" not in allowed:
            raise ValidationError(Problem("form.required"))
        one_of(value)

    return check


def optional_text(label: str, label_en: str, max_length: int, **metadata: Any) -> TrimmedString:
    """Return an optional text field ('' when left empty)."""
    return TrimmedString(
        load_default="",
        validate=validate.Length(max=max_length, error=TOO_LONG),
        metadata={"label": label, "label_en": label_en, **metadata},
    )


def optional_url(label: str, label_en: str) -> TrimmedString:
    """Return an optional web address field."""
    return TrimmedString(
        load_default="",
        validate=[
            validate.Regexp(r"^(https?://\S+)?$", error=Problem("form.web_address")),
            validate.Length(max=500, error=TOO_LONG),
        ],
        metadata={"label": label, "label_en": label_en, "widget": "url"},
    )


def _problems(messages: Any) -> list[Problem]:
    """Return marshmallow's messages of one field as problems.

    Our validators raise problems; marshmallow's own type checks ("Not a valid
    string.") and a list field's per-item messages say only that the value is
    not of the kind the field takes.
    """
    listed = messages if isinstance(messages, list) else [messages]
    return [m if isinstance(m, Problem) else Problem("form.invalid_value") for m in listed] or [
        Problem("form.invalid_value")
    ]


def check_event_name(name: str) -> None:
    """Raise ``FormValidationError`` for a message or signal name no BPMN file can give.

    A name is looked up in the database and written into the history: one holding a lone
    surrogate (which JSON may carry as an escape) failed there, a server error.
    """
    if problem := text_problem(name, multiline=True):
        raise FormValidationError({"name": [problem]})


#: the deepest nesting of data a generic form takes (lists and objects)
MAX_DATA_DEPTH = 8
#: the most values (items, keys and scalars together) of data a generic form takes
MAX_DATA_ITEMS = 2000


def data_problem(value: Any) -> Problem | None:
    """Return what makes ``value`` unfit as task data, or None.

    Task data is JSON: text (no control characters), numbers, yes/no, null,
    lists and objects with names for keys, nested a few levels at most.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_DATA_ITEMS or depth > MAX_DATA_DEPTH:
            return Problem("form.data_too_large")
        if isinstance(item, str):
            if len(item) > 50_000:
                return Problem("form.too_long", {"max": 50_000})
            if problem := text_problem(item, multiline=True):
                return problem
        elif isinstance(item, bool | int | None):
            continue
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return Problem("form.invalid_value")
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            for key, v in item.items():
                if not isinstance(key, str) or not is_data_name(key):
                    return Problem("form.bad_field_name")
                stack.append((v, depth + 1))
        else:
            return Problem("form.invalid_value")
    return None


def is_data_name(name: str) -> bool:
    """Tell whether ``name`` may name a data field: an identifier not beginning with '_'."""
    return name.isidentifier() and not name.startswith("_") and len(name) <= 64


class ConfirmForm(FormSchema):
    """The form of a task that names none: a confirmation, with an optional comment.

    Data fields the caller adds (through the engine's API) are kept as task
    data, so that a process whose later steps read them runs on: a general
    engine does not know a third party's fields, but each must be plain data.
    """

    class Meta:  # noqa: D106
        unknown = INCLUDE

    comment = optional_text("说明", "Comment", 2000, widget="textarea", opinion=True)

    @validates_schema
    def _added_fields_are_data(self, data: dict[str, Any], **_: Any) -> None:
        problems = {}
        for name, value in data.items():
            if name in self.fields:
                continue
            if not is_data_name(name):
                problems[name] = [Problem("form.bad_field_name")]
            elif problem := data_problem(value):
                problems[name] = [problem]
        added = {name: value for name, value in data.items() if name not in self.fields}
        if not problems and (whole := data_problem(added)):
            # Each field within bounds, yet too many of them: the bound is the whole's.
            problems["_schema"] = [whole]
        if problems:
            raise ValidationError(problems)


#: the form every task without a form of its own gets
CONFIRM = "confirm"


class FormRegistry:
    """The form schemas an engine knows by name: a domain's, and the generic ones."""

    def __init__(self, forms: Mapping[str, type[FormSchema]]) -> None:
        self._schemas: dict[str, FormSchema] = {CONFIRM: ConfirmForm()}
        self._schemas.update((name, form()) for name, form in forms.items())
        self._opinions = {
            name: frozenset(n for n, f in schema.fields.items() if f.metadata.get("opinion"))
            for name, schema in self._schemas.items()
        }

    def __contains__(self, name: object) -> bool:
        return name in self._schemas

    def names(self) -> list[str]:
        """Return the names of every form, sorted."""
        return sorted(self._schemas)

    def schema(self, name: str, extra: Mapping[str, FormSchema] | None = None) -> FormSchema:
        """Return the (shared, stateless) schema of form ``name``.

        ``extra`` are the forms a deployed definition brings (JSON Schema forms).
        """
        if extra and name in extra:
            return extra[name]
        return self._schemas[name]

    def opinion_fields(self, name: str) -> frozenset[str]:
        """Return the fields of form ``name`` that hold its actor's own opinion.

        An opinion (a decision, a comment) belongs to one task: it is neither
        prefilled from nor kept from the case data, nor counted as a change to
        the case; every other field is the case's, shared along the way.
        """
        return self._opinions.get(name, frozenset())

    def validate_given(
        self, name: str, raw: dict[str, Any], extra: Mapping[str, FormSchema] | None = None
    ) -> dict[str, Any]:
        """Validate the fields of form ``name`` that ``raw`` fills in, for a saved draft.

        What each given field takes is checked; what the form needs as a whole
        (required fields, fields that go together) is left for submitting it.
        An empty value is kept empty; names the form lacks are left out.
        """
        schema = self.schema(name, extra)
        if not isinstance(raw, dict):
            raise FormValidationError({"_schema": [Problem("form.not_an_object")]})
        errors: dict[str, list[Problem]] = {}
        clean: dict[str, Any] = {}
        for key, value in raw.items():
            field = schema.fields.get(key)
            if field is None or field.dump_only or key in schema.FILE_FIELDS:
                continue
            if value is None or value == "" or value == []:
                clean[key] = value
                continue
            try:
                loaded = field.deserialize(value, key, raw)
            except ValidationError as exc:
                errors[key] = _problems(exc.messages)
                continue
            clean[key] = field.serialize(key, {key: loaded})
        if errors:
            raise FormValidationError(errors)
        return clean

    def validate(
        self,
        name: str,
        raw: dict[str, Any],
        case: dict[str, Any] | None = None,
        extra: Mapping[str, FormSchema] | None = None,
    ) -> dict[str, Any]:
        """Validate ``raw`` against form ``name`` (and the ``case`` data) into JSON-ready data.

        Raises ``FormValidationError`` naming every invalid field.
        """
        schema = self.schema(name, extra)
        if not isinstance(raw, dict):
            raise FormValidationError({"_schema": [Problem("form.not_an_object")]})
        errors: dict[str, list[Problem]] = {}
        try:
            loaded = schema.load(raw)
        except ValidationError as exc:
            loaded = exc.valid_data if isinstance(exc.valid_data, dict) else {}
            normalized: dict[str, Any] = exc.normalized_messages()  # type: ignore[no-untyped-call]
            for field, messages in normalized.items():
                errors[field] = _problems(messages)
        for field, msgs in schema.check_against_case(loaded, case or {}).items():
            errors.setdefault(field, []).extend(msgs)
        if errors:
            raise FormValidationError(errors)
        # Dumping back gives JSON primitives (ISO dates), so task data and the
        # audit log hold exactly what scripts see and what a replay feeds in.
        clean = schema.dumped(loaded)
        for key, spec in schema.fields.items():
            when = spec.metadata.get(SHOWN_WHEN)
            if when is not None and clean.get(when[0]) not in when[1]:
                # Not asked for the choice made: its default would read in the history
                # as an answer (an extension of 20 days on a fee notice).
                clean.pop(key, None)
        # A generic form keeps the data fields it was given beside its own.
        clean.update((k, v) for k, v in loaded.items() if k not in schema.fields)
        return clean


#: a form's one-time key, as ``new_submission`` makes it (and no other text goes to an index)
_SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}\Z")


def new_submission() -> str:
    """Return a fresh one-time key for a form that records something: sent twice, one record."""
    return secrets.token_urlsafe(24)


def check_submission(submission: str | None) -> None:
    """Raise ``InvalidInputError`` unless ``submission`` is None or shaped as new ones are."""
    if submission is not None and not _SUBMISSION.match(submission):
        raise InvalidInputError("form.bad_submission")
