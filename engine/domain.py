"""What a domain plugs into the core engine when the engine is built.

The core is a general BPMN engine: it knows lanes, groups, forms, service
tasks and scripts, but no document, review or disclosure rule.  A domain
hands it one ``Domain``: the form schemas its user tasks name, the service
tasks its processes call, the helpers its scripts may use, the groups its
lanes name, and who of them reads every instance.  Nothing in the core
imports a domain; an engine with ``Domain()`` runs any BPMN process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection

if TYPE_CHECKING:
    from .errors import Problem
    from .forms import FormSchema
    from .store.repository import InstanceRow


@dataclass(frozen=True)
class ServiceContext:
    """What a service task may use: the step's transaction, instance, time and actor."""

    connection: Connection
    instance: InstanceRow
    moment: datetime
    now: str
    actor: str | None
    #: append an event of the domain's own to the instance's history: (type, data)
    record: Callable[[str, dict[str, Any]], None]
    #: start another process in the same transaction, once this step is saved: (id, data)
    start: Callable[[str, dict[str, Any]], None]


#: a service task: (context, task data, evaluated parameters) -> result merged into the data
Service = Callable[[ServiceContext, dict[str, Any], dict[str, Any]], dict[str, Any]]
#: a check of a completed form beyond its fields: (the step's transaction, its moment, the
#: checked data) -> the problems by field (none: it passes)
FormCheck = Callable[[Connection, datetime, dict[str, Any]], "dict[str, list[Problem]]"]


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


class Group(NamedTuple):
    """A group of people a lane may name, with its name in Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True)
class Domain:
    """One registration: everything a domain gives the core engine.

    ``groups`` are the lane ids the domain knows (its roles); with none, any
    identifier names a group.  ``read_all_groups`` read every instance;
    ``head_groups`` read what anyone of their own department starts;
    ``admin_groups`` oversee and reassign every task.
    """

    name: str = "core"
    forms: Mapping[str, type[FormSchema]] = field(default_factory=_frozen)
    services: Mapping[str, Service] = field(default_factory=_frozen)
    script_helpers: Mapping[str, Callable[..., Any]] = field(default_factory=_frozen)
    groups: Mapping[str, Group] = field(default_factory=_frozen)
    read_all_groups: frozenset[str] = frozenset()
    head_groups: frozenset[str] = frozenset()
    admin_groups: frozenset[str] = frozenset({"admin"})
    #: processes only the domain's own entry points start, under their own rules (a
    #: request by its desk): a user who starts one directly is refused
    desk_processes: frozenset[str] = frozenset()
    #: messages only the domain's own entry points send, after their own checks (a
    #: withdrawal): a user's message of that name is refused
    desk_messages: frozenset[str] = frozenset()
    #: by process: the form whose fields name the data its instances start with, so that
    #: the readers of its histories see labels and choice names, not keys and codes
    start_forms: Mapping[str, str] = field(default_factory=_frozen)
    #: by form: what its completed data is checked against in the step's transaction
    #: before anything changes (a document number the catalogue must hold)
    form_checks: Mapping[str, FormCheck] = field(default_factory=_frozen)

    def knows_group(self, group: str) -> bool:
        """Tell whether ``group`` is one of the domain's groups (any, if it declares none)."""
        return not self.groups or group in self.groups
