"""Messages from a user (another system, through the API): only to the cases he took part in.

The core's ``send_message`` and ``deliver`` trust their caller (the command
line, a domain's desk).  A message from a user reaches an instance only if
he started it or completed one of its tasks: reading a case is not enough
to move it on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .access import is_id, roles_of
from .errors import ConflictError, EngineError, PermissionDeniedError
from .forms import check_event_name
from .steps import MESSAGE
from .views import InstanceView

if TYPE_CHECKING:
    from .runtime import WorkflowEngine
    from .store.repository import InstanceRow, Repository


def deliver_from(
    engine: WorkflowEngine,
    instance_id: int,
    name: str,
    payload: dict[str, Any] | None,
    sender: str,
) -> InstanceView:
    """Deliver a message to one instance the sender took part in.

    Anyone else is refused as a reader would be, without learning whether
    the instance exists; an instance that does not wait for the message
    raises ``ConflictError``.
    """
    _check_not_desk(engine, name)
    with engine.store.read() as repo:
        held = roles_of(repo, sender)
        known = is_id(instance_id) and repo.instance(instance_id) is not None
        if not known or not repo.is_participant(instance_id, sender):
            raise engine.read_policy.refused(held, not known)

    def check(repo: Repository, instance: InstanceRow) -> None:
        # Checked again with the instance locked: what was found above still holds.
        if not repo.is_participant(instance.id, sender):
            raise engine.read_policy.refused(roles_of(repo, sender), False)

    return engine.deliver(instance_id, name, payload, sender, check)


@dataclass(frozen=True)
class Broadcast:
    """The instances a message reached, and each that could not take it with the error why."""

    reached: tuple[int, ...]
    failed: tuple[tuple[int, EngineError], ...] = ()


def broadcast_from(
    engine: WorkflowEngine, name: str, payload: dict[str, Any] | None, sender: str
) -> Broadcast:
    """Deliver a message to every instance waiting for it that the sender took part in.

    Each instance takes it in a transaction of its own, as its BPMN
    correlates it; one that fails to (a script of its fails) is left as it
    was and named with its error, and the others take it all the same.
    """
    _check_not_desk(engine, name)
    check_event_name(name)
    with engine.store.read() as repo:
        roles_of(repo, sender)
        waiting = [i for i in repo.waiting_for(MESSAGE, name) if repo.is_participant(i, sender)]
    reached = []
    failed: list[tuple[int, EngineError]] = []
    for instance_id in waiting:
        try:
            engine.deliver(instance_id, name, payload, sender)
        except ConflictError as exc:
            # Finished meanwhile, or its correlation does not match: not for this one.
            if exc.code not in ("instance.not_waiting", "instance.finished"):
                failed.append((instance_id, exc))
            continue
        except EngineError as exc:
            failed.append((instance_id, exc))
            continue
        reached.append(instance_id)
    return Broadcast(tuple(reached), tuple(failed))


def _check_not_desk(engine: WorkflowEngine, name: str) -> None:
    """Refuse a message only the domain's own entry points send (see ``Domain``)."""
    if name in engine.domain.desk_messages:
        raise PermissionDeniedError("message.desk_only", name=name)
