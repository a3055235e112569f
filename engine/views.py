"""Plain read-only views the engine hands to its callers (no ORM objects leak out)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DeploymentResult:
    """What a deploy call did."""

    definition_id: int
    content_hash: str
    process_ids: tuple[str, ...]
    created: bool


@dataclass(frozen=True)
class DefinitionVersion:
    """One deployed version of a set of BPMN files: when, by whom, and its processes."""

    id: int
    deployed_at: str
    deployed_by: str | None
    #: (process id, name, file)
    processes: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class DefinitionPage:
    """A page of deployed versions, newest first; ``next_before`` pages on, if more."""

    items: tuple[DefinitionVersion, ...]
    next_before: int | None
    #: the deployers' display names, by user name
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UserView:
    """A user and the roles he holds."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    department: str | None = None


@dataclass(frozen=True)
class TaskView:
    """A ready user task as an inbox shows it."""

    task_id: str
    instance_id: int
    process_id: str
    element_id: str
    name: str
    role: str
    form: str
    claimed_by: str | None
    created_at: str
    due_at: str | None
    instance_version: int
    overdue: bool = False
    reminded_at: str | None = None
    subject: str | None = None
    labels: dict[str, str] | None = None
    due_provisional: bool = False
    #: how the task came back: "automatic" (退文) or "sent_back" (退回), if it did
    returned: str | None = None
    #: every group a member of which may take it, ``role`` first (several only where the
    #: BPMN names several: ``camunda:candidateGroups``)
    groups: tuple[str, ...] = ()
    #: the users who may take it besides its groups' members (``camunda:candidateUsers``)
    users: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskPage:
    """A page of tasks; ``next_after`` asks for the next page, ``total`` counts up to a cap.

    ``total_capped`` says there are at least ``total`` (counting stops there).
    """

    items: tuple[TaskView, ...]
    next_after: str | None
    total: int
    total_capped: bool = False


@dataclass(frozen=True)
class InstanceView:
    """A process instance: status, version, data and what it waits for."""

    id: int
    process_id: str
    definition_id: int
    content_hash: str
    status: str
    version: int
    started_by: str | None
    started_at: str
    updated_at: str
    completed_at: str | None
    data: dict[str, Any]
    ready_tasks: tuple[TaskView, ...] = field(default=())


@dataclass(frozen=True)
class EventView:
    """One event of an instance's history."""

    seq: int
    type: str
    actor: str | None
    at: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class TickResult:
    """What one ``tick`` did: instances looked at and timers fired."""

    instances: int
    timers_fired: int
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeliveryResult:
    """What a message or signal reached: the instances it started and those it moved on.

    ``failures`` names each instance that could not take it (a script of its
    failed, say): it was left as it was, waiting, and the others took it.
    """

    started: tuple[int, ...]
    reached: tuple[int, ...]
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskFormView:
    """What a task page needs: the task, its form (schema and values) and the case data."""

    task: TaskView
    values: dict[str, Any]
    data: dict[str, Any]
    last_return: EventView | None
    form: Any = None
    #: the task is where the case is drafted: it may be saved without submitting
    drafting: bool = False
    #: the case was never submitted and this user started it: he may delete it
    deletable: bool = False
    #: someone else may take the task too: claiming it keeps it for this user
    shared: bool = True
    #: display names of the people the page names (who claimed it, who sent it back)
    names: dict[str, str] = field(default_factory=dict)
    #: the newest tasks completed and sent back on the instance, oldest first (a few)
    recent: tuple[EventView, ...] = ()
    #: what the BPMN tells whoever does the task, filled in from its data (``instructions``)
    instructions: str | None = None
    #: how many lines the instance's whole approval sheet has (``recent`` is its newest),
    #: counted up to a bound
    done_count: int = 0
    #: whether the sheet has more lines than ``done_count`` (the bound was reached)
    done_more: bool = False
    #: the task's headers as its BPMN gives them, (key, text) in order (Camunda 8's
    #: ``zeebe:taskHeaders``), for whoever does it to see
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DraftFormView:
    """The form a new case is drafted in, before it exists: its task's name and schema."""

    process_id: str
    name: str
    labels: dict[str, str] | None
    form_name: str
    form: Any
    values: dict[str, Any]


@dataclass(frozen=True)
class AttachmentView:
    """A stored attachment, ready to be sent to a browser."""

    id: int
    instance_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes


@dataclass(frozen=True)
class InstanceFilter:
    """What an auditor narrows the instances to; every field is optional."""

    process_id: str | None = None
    status: str | None = None
    #: started on or after / on or before these China days (YYYY-MM-DD)
    started_from: str | None = None
    started_to: str | None = None
    #: someone who started it or completed one of its tasks
    actor: str | None = None
    #: only instances with a task past its due time
    overdue: bool = False


@dataclass(frozen=True)
class InstanceRowView:
    """One instance in a list: what it is and where it stands, without its state."""

    id: int
    process_id: str
    status: str
    subject: str | None
    started_by: str | None
    started_at: str
    updated_at: str
    completed_at: str | None
    event_count: int


@dataclass(frozen=True)
class InstancePage:
    """A page of instances, newest first; ``next_before`` asks for the next page."""

    items: tuple[InstanceRowView, ...]
    next_before: int | None
    names: dict[str, str]


@dataclass(frozen=True)
class TimelinePage:
    """A bounded page of an instance's history; ``next_seq`` asks for the rest."""

    instance: InstanceRowView
    events: tuple[EventView, ...]
    next_seq: int | None
    names: dict[str, str]


@dataclass(frozen=True)
class TaskOutcome:
    """What became of a task no longer open, told to a reader of its instance.

    ``completed`` is the event that completed it, if the history holds one
    (a task withdrawn or cancelled with its instance has none).
    """

    instance_id: int
    completed: EventView | None
    names: dict[str, str]


def acts(events: Iterable[tuple[str, str | None]]) -> int:
    """Count what was done as the approval sheet lists it, from each done event's type and actor.

    A person's 退回 is his task completed and then the work sent back: one act, one line.
    """
    count = 0
    before: tuple[str, str | None] | None = None
    for kind, actor in events:
        if not (kind == "sent_back" and before == ("task_completed", actor) and actor):
            count += 1
        before = (kind, actor)
    return count
