"""Errors the engine raises; the web layer maps each to an HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base class of every error the engine reports to its callers."""


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a BPMN file: where it is and what it is."""

    file: str
    element_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: element '{self.element_id}'" if self.element_id else self.file
        return f"{where}: {self.message}"


class DeploymentError(EngineError):
    """The BPMN files were refused; nothing was deployed."""

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class FormValidationError(EngineError):
    """Submitted form data is invalid; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        fields = ", ".join(f"{k}: {' '.join(map(str, v))}" for k, v in sorted(errors.items()))
        super().__init__(f"invalid form data ({fields})")


class NotFoundError(EngineError):
    """The named instance, task, definition or user does not exist."""


class ConflictError(EngineError):
    """Someone else changed the instance first; reload and try again."""


class PermissionDeniedError(EngineError):
    """The user may not do this (wrong role or separation of duties)."""


class InvalidInputError(EngineError):
    """An argument other than form data is invalid (unknown role, bad name, ...)."""


class NotReviewedError(EngineError):
    """Nothing is disclosed without a completed review of exactly that content (先审查后公开)."""


class ScriptError(EngineError):
    """A BPMN script or condition failed or tried something not allowed; nothing was changed."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        self.element_id = element_id
        super().__init__(message)


class SignInFailedError(EngineError):
    """The user name or the password is wrong (the answer does not say which)."""


class SignInThrottledError(EngineError):
    """Too many failed sign-ins; ``retry_after`` says in how many seconds to try again."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"登录失败次数过多，请 {minutes} 分钟后再试 / Too many failed sign-ins; "
            f"try again in {minutes} minute{'s' if minutes > 1 else ''}."
        )
