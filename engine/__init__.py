"""gongkai's workflow engine: BPMN deployment, execution, persistence and audit.

Nothing here imports Flask; the web UI and the CLI call ``Engine``.
"""

from .errors import (
    ConflictError,
    DefinitionProblem,
    DeploymentError,
    EngineError,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    NotReviewedError,
    PermissionDeniedError,
    ScriptError,
    SignInFailedError,
    SignInThrottledError,
)
from .runtime import Engine
from .store.database import Database

__all__ = [
    "ConflictError",
    "Database",
    "DefinitionProblem",
    "DeploymentError",
    "Engine",
    "EngineError",
    "FormValidationError",
    "InvalidInputError",
    "NotFoundError",
    "NotReviewedError",
    "PermissionDeniedError",
    "ScriptError",
    "SignInFailedError",
    "SignInThrottledError",
]
