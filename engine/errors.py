"""Errors the engine raises: a code and its parameters, which the web layer translates.

The engine speaks no language of its own.  Each error names what happened
with a dotted ``code`` (``task.claimed``) and the facts as ``params``
(``user="lisi"``); the web UI turns them into Chinese or English, the
command line into Chinese.  ``str()`` of an error is the code and its
parameters, for logs and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _describe(code: str, params: Mapping[str, Any]) -> str:
    if not params:
        return code
    return f"{code} ({', '.join(f'{k}={v!r}' for k, v in params.items())})"


class Problem(str):
    """One thing wrong with one input: a code and its parameters.

    A problem is a ``str`` (its code) so that marshmallow, which lists and
    formats string messages, carries it like its own.  Marshmallow fills the
    placeholders of a validator's message by calling ``format``; a problem
    takes the bounds (``min``, ``max``) as parameters instead.
    """

    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, params: Mapping[str, Any] | None = None) -> Problem:
        """Make the problem ``code`` with ``params``."""
        problem = super().__new__(cls, code)
        problem.code = code
        problem.params = dict(params or {})
        return problem

    def format(self, *args: Any, **values: Any) -> Problem:
        """Return this problem with marshmallow's bounds (``min``, ``max``) as parameters."""
        added = {k: v for k, v in values.items() if k in ("min", "max", "equal") and v is not None}
        return Problem(self.code, {**self.params, **added})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Problem):
            return (self.code, dict(self.params)) == (other.code, dict(other.params))
        return str.__eq__(self, other)

    def __hash__(self) -> int:
        return str.__hash__(self)

    def __str__(self) -> str:
        return _describe(self.code, self.params)

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, {dict(self.params)!r})"


class EngineError(Exception):
    """Base class of every error the engine reports to its callers."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(_describe(code, params))


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a BPMN file: where it is and what it is (in English, for deployers)."""

    file: str
    element_id: str | None
    message: str
    #: what is wrong as a code and its facts, for the web layer to say in the reader's language
    #: (the English ``message`` stays for the command line and logs)
    code: str = "definition.detail"
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    #: the element's kind (its BPMN or DMN tag, ``userTask``) and name, where the file gives them
    element_kind: str | None = field(default=None, compare=False)
    element_name: str | None = field(default=None, compare=False)
    #: its names in other languages (``name:en`` properties), as (language, name) pairs
    element_labels: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = f"{self.file}: element '{self.element_id}'" if self.element_id else self.file
        return f"{where}: {self.message}"


class DeploymentError(EngineError):
    """The BPMN files were refused; nothing was deployed."""

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = problems
        super().__init__("definition.refused", problems="; ".join(str(p) for p in problems))

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


class FormValidationError(EngineError):
    """Submitted form data is invalid; ``errors`` maps each field to its problems."""

    def __init__(self, errors: Mapping[str, list[Problem]]) -> None:
        self.errors = dict(errors)
        super().__init__("form.invalid", fields=sorted(self.errors))

    def __str__(self) -> str:
        listed = "; ".join(
            f"{name}: {', '.join(map(str, found))}" for name, found in sorted(self.errors.items())
        )
        return f"form.invalid ({listed})"


class NotFoundError(EngineError):
    """The named instance, task, definition, document or user does not exist."""


class ConflictError(EngineError):
    """Someone else changed the instance first; reload and try again."""


class UnavailableError(EngineError):
    """The database cannot be reached just now (restarting, out of reach); try again soon."""


class PermissionDeniedError(EngineError):
    """The user may not do or read this (wrong group, separation of duties, need to know)."""


class InvalidInputError(EngineError):
    """An argument other than form data is invalid (unknown role, bad name, ...)."""


class NotReviewedError(EngineError):
    """Nothing is disclosed without a completed review of exactly that content (先审查后公开)."""


class ScriptError(EngineError):
    """A BPMN script, condition or step failed; nothing was changed.

    ``params`` name the ``element`` (its id) and its ``name``, and say what
    went wrong in ``detail`` (Python's words).
    """

    @property
    def element_id(self) -> str | None:
        """Return the id of the BPMN element that failed."""
        element = self.params.get("element")
        return str(element) if element is not None else None


class SignInFailedError(EngineError):
    """The user name or the password is wrong (the answer does not say which)."""

    def __init__(self) -> None:
        super().__init__("signin.failed")


class SignInThrottledError(EngineError):
    """Too many failed sign-ins; ``retry_after`` says in how many seconds to try again."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            "signin.throttled", seconds=retry_after, minutes=max(1, -(-retry_after // 60))
        )
