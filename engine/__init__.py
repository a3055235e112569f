"""gongkai's workflow engine: BPMN deployment, execution, persistence and audit.

``engine`` minus ``engine.disclosure`` is a general BPMN engine
(``WorkflowEngine``); the disclosure domain plugs into it, and ``Engine`` is
the two together.  Nothing here imports Flask; the web UI and the CLI call
``Engine``.

The names below are imported when first asked for, so that importing one
module of the engine (a script worker imports ``engine.sandbox``) does not
import all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .exports import lazy_names

if TYPE_CHECKING:
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
        UnavailableError,
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
    "UnavailableError",
    "WorkflowEngine",
]

_WHERE = {
    "ConflictError": ".errors",
    "Database": ".store.database",
    "DefinitionProblem": ".errors",
    "DeploymentError": ".errors",
    "Domain": ".domain",
    "Engine": ".gongkai",
    "EngineError": ".errors",
    "FormValidationError": ".errors",
    "InvalidInputError": ".errors",
    "NotFoundError": ".errors",
    "NotReviewedError": ".errors",
    "PermissionDeniedError": ".errors",
    "Problem": ".errors",
    "ScriptError": ".errors",
    "SignInFailedError": ".errors",
    "SignInThrottledError": ".errors",
    "UnavailableError": ".errors",
    "WorkflowEngine": ".runtime",
}


__getattr__ = lazy_names(__name__, _WHERE)
