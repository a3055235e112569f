"""gongkai's workflow engine: BPMN deployment, execution, persistence and audit.

``engine`` minus ``engine.disclosure`` is a general BPMN engine
(``WorkflowEngine``); the disclosure domain plugs into it, and ``Engine`` is
the two together.  Nothing here imports Flask; the web UI and the CLI call
``Engine``.
"""

from .domain import Domain
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
    Problem,
    ScriptError,
    SignInFailedError,
    SignInThrottledError,
)
from .gongkai import Engine
from .runtime import WorkflowEngine
from .store.database import Database

__all__ = [
    "ConflictError",
    "Database",
    "DefinitionProblem",
    "DeploymentError",
    "Domain",
    "Engine",
    "EngineError",
    "FormValidationError",
    "InvalidInputError",
    "NotFoundError",
    "NotReviewedError",
    "PermissionDeniedError",
    "Problem",
    "ScriptError",
    "SignInFailedError",
    "SignInThrottledError",
    "WorkflowEngine",
]
