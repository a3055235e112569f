"""The audit log: an append-only, hash-chained list of events per instance.

Each event's hash covers the instance id, its sequence number, type, actor,
time, data and the previous event's hash, so that altering, removing or
inserting an event breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .store import jsontext
from .store.repository import EventRow, InstanceRow

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Return the one JSON text of ``value`` that the hash is computed over."""
    return jsontext.canonical(value)


def event_hash(
    instance_id: int, seq: int, type_: str, actor: str | None, at: str, data: Any, prev_hash: str
) -> str:
    """Return the SHA-256 hash of one event chained to ``prev_hash``."""
    body = jsontext.canonical_bytes(
        {
            "instance": instance_id,
            "seq": seq,
            "type": type_,
            "actor": actor,
            "at": at,
            "data": data,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body).hexdigest()


def chain_event(
    instance: InstanceRow, type_: str, actor: str | None, at: str, data: dict[str, Any]
) -> EventRow:
    """Return the next event of ``instance``'s chain and move the chain head to it."""
    seq = instance.event_count + 1
    digest = event_hash(instance.id, seq, type_, actor, at, data, instance.last_event_hash)
    event = EventRow(instance.id, seq, type_, actor, at, data, instance.last_event_hash, digest)
    instance.event_count = seq
    instance.last_event_hash = digest
    return event


#: the kinds of damage a chain check names
EDITED, REMOVED, INSERTED, REORDERED = "edited", "removed", "inserted", "reordered"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking an instance's event chain.

    ``kind`` says what was done where it can be told: ``edited``, ``removed``,
    ``inserted`` or ``reordered`` (None when the chain is whole).
    """

    instance_id: int
    events: int
    ok: bool
    problem: str | None = None
    first_bad_seq: int | None = None
    kind: str | None = None


def verify_chain(instance: InstanceRow, events: Sequence[EventRow]) -> ChainReport:
    """Check that ``events`` form an unbroken chain ending at the instance's head."""
    return verify_events(instance.id, instance.event_count, instance.last_event_hash, events)


def _own_hash(instance_id: int, event: EventRow) -> str:
    return event_hash(
        instance_id, event.seq, event.type, event.actor, event.at, event.data, event.prev_hash
    )


def _broken_link(instance_id: int, events: Sequence[EventRow], index: int) -> tuple[str, int, str]:
    """Tell why event ``index`` does not follow the one before: (problem, seq, kind)."""
    event = events[index]
    later = {e.hash for e in events[index + 1 :]}
    if event.prev_hash in later:
        return f"event {event.seq} was moved out of its order", event.seq, REORDERED
    if index >= 2 and event.prev_hash == events[index - 2].hash:
        before = events[index - 1].seq
        return f"event {before} was inserted into the chain", before, INSERTED
    if index >= 1 and _own_hash(instance_id, event) == event.hash:
        # The event is as it was written: the one before it was rewritten and rehashed.
        before = events[index - 1].seq
        return (
            f"event {before} was altered after it was written (its hash recomputed); "
            f"event {event.seq} does not follow event {before}",
            before,
            EDITED,
        )
    return f"event {event.seq} does not follow event {event.seq - 1}", event.seq, EDITED


def verify_events(
    instance_id: int, event_count: int, last_event_hash: str, events: Sequence[EventRow]
) -> ChainReport:
    """Check that ``events`` form an unbroken chain ending at the head (count, last hash)."""
    prev = GENESIS_HASH
    for index, event in enumerate(events):
        expected_seq = index + 1
        if event.seq != expected_seq:
            return ChainReport(
                instance_id,
                len(events),
                False,
                f"event {expected_seq} is missing (found {event.seq})",
                expected_seq,
                REMOVED,
            )
        if event.prev_hash != prev:
            problem, seq, kind = _broken_link(instance_id, events, index)
            return ChainReport(instance_id, len(events), False, problem, seq, kind)
        digest = event_hash(
            instance_id, event.seq, event.type, event.actor, event.at, event.data, prev
        )
        if digest != event.hash:
            return ChainReport(
                instance_id,
                len(events),
                False,
                f"event {event.seq} was altered after it was written",
                event.seq,
                EDITED,
            )
        prev = digest
    if len(events) > event_count:
        return ChainReport(
            instance_id,
            len(events),
            False,
            f"event {event_count + 1} was inserted after the chain's head",
            event_count + 1,
            INSERTED,
        )
    if len(events) != event_count or prev != last_event_hash:
        return ChainReport(
            instance_id,
            len(events),
            False,
            "the last events of the chain are missing",
            len(events) + 1,
            REMOVED if len(events) < event_count else EDITED,
        )
    return ChainReport(instance_id, len(events), True)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: the instance and event it concerns (if any), its kind and why."""

    instance_id: int | None
    seq: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        where = f"instance {self.instance_id}" if self.instance_id is not None else "checkpoints"
        if self.seq is not None:
            where += f" event {self.seq}"
        return f"{where}: {self.kind}: {self.detail}"
