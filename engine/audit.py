"""The audit log: an append-only, hash-chained list of events per instance.

Each event's hash covers the instance id, its sequence number, type, actor,
time, data and the previous event's hash, so that altering, removing or
inserting an event breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .store.repository import EventRow, InstanceRow

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Return the one JSON text of ``value`` that the hash is computed over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(
    instance_id: int, seq: int, type_: str, actor: str | None, at: str, data: Any, prev_hash: str
) -> str:
    """Return the SHA-256 hash of one event chained to ``prev_hash``."""
    body = canonical_json(
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
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


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


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking an instance's event chain."""

    instance_id: int
    events: int
    ok: bool
    problem: str | None = None
    first_bad_seq: int | None = None


def verify_chain(instance: InstanceRow, events: Sequence[EventRow]) -> ChainReport:
    """Check that ``events`` form an unbroken chain ending at the instance's head."""
    prev = GENESIS_HASH
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainReport(
                instance.id,
                len(events),
                False,
                f"event {expected_seq} is missing (found {event.seq})",
                expected_seq,
            )
        if event.prev_hash != prev:
            return ChainReport(
                instance.id,
                len(events),
                False,
                f"event {event.seq} does not follow event {event.seq - 1}",
                event.seq,
            )
        digest = event_hash(
            instance.id, event.seq, event.type, event.actor, event.at, event.data, prev
        )
        if digest != event.hash:
            return ChainReport(
                instance.id,
                len(events),
                False,
                f"event {event.seq} was altered after it was written",
                event.seq,
            )
        prev = digest
    if len(events) != instance.event_count or prev != instance.last_event_hash:
        return ChainReport(
            instance.id,
            len(events),
            False,
            "the last events of the chain are missing",
            len(events) + 1,
        )
    return ChainReport(instance.id, len(events), True)
