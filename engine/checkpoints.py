"""Signed checkpoints of every event chain's head, and their verification.

The hash chain of an instance shows that its events were not changed one by
one, but whoever may write to the database can rewrite a whole chain
consistently.  A checkpoint signs, with an Ed25519 key kept out of the
database, the heads of all chains (instance id, event count, last event hash,
ordered by id) as an RFC 6962 Merkle root, chained to the checkpoint before
it.  Each checkpoint goes to the ``checkpoints`` table and, as one JSON line,
to an append-only file; verification trusts the file (its signatures checked
with the public key), never the database's copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, select

from . import audit
from .audit import Problem
from .clock import iso, local_iso
from .errors import EngineError
from .store.database import instance_path
from .store.models import Checkpoint, Event, ProcessInstance, table_of
from .store.repository import EventRow

if TYPE_CHECKING:
    from .runtime import WorkflowEngine

#: the environment variables naming the private key file and the log file
KEY_VARIABLE = "GONGKAI_CHECKPOINT_KEY"
LOG_VARIABLE = "GONGKAI_CHECKPOINT_LOG"
PUBLIC_KEY_VARIABLE = "GONGKAI_CHECKPOINT_PUBLIC_KEY"
LOG_FILE = "checkpoints.jsonl"
GENESIS = audit.GENESIS_HASH

#: the kinds of problem a verification reports, besides the chain's own (audit.EDITED, …)
REWRITTEN = "rewritten"
MISSING = "missing"
LOG = "log"
ROLLED_BACK = "rolled_back"
UNCOVERED = "uncovered"

_CHECKPOINTS = table_of(Checkpoint)
_INSTANCES = table_of(ProcessInstance)
_EVENTS = table_of(Event)

Leaf = tuple[int, int, str]
Progress = Callable[[int, int], None]


# -- keys ---------------------------------------------------------------------------------


def generate_key(path: str | Path) -> str:
    """Write a new private key (PEM, mode 0600) to ``path``; return its public key in hex."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    return public_hex(key.public_key())


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """Read a private key file: PEM, or a 32-byte seed in hex."""
    raw = Path(path).read_bytes()
    if raw.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(raw, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise EngineError("checkpoint.bad_key", path=str(path))
        return key
    try:
        seed = bytes.fromhex(raw.decode("ascii").strip())
        return Ed25519PrivateKey.from_private_bytes(seed)
    except ValueError:
        raise EngineError("checkpoint.bad_key", path=str(path)) from None


def load_public_key(text: str) -> Ed25519PublicKey:
    """Read a public key: 64 hex digits, or a file holding them, a PEM key or a private key."""
    candidate = text.strip()
    if len(candidate) != 64 or not _is_hex(candidate):
        path = Path(candidate)
        if not path.is_file():
            raise EngineError("checkpoint.bad_key", path=candidate)
        raw = path.read_bytes()
        if b"PRIVATE KEY" in raw:
            return load_private_key(path).public_key()
        if raw.lstrip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(raw)
            if not isinstance(key, Ed25519PublicKey):
                raise EngineError("checkpoint.bad_key", path=candidate)
            return key
        candidate = raw.decode("ascii", "replace").strip()
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(candidate))
    except ValueError:
        raise EngineError("checkpoint.bad_key", path=text) from None


def public_hex(key: Ed25519PublicKey) -> str:
    """Return a public key as 64 hex digits."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def configured_public_key() -> str | None:
    """Return the public key checkpoints are verified with, as configured, or None.

    ``GONGKAI_CHECKPOINT_PUBLIC_KEY`` names it; else it is derived from the
    signing key of ``GONGKAI_CHECKPOINT_KEY``.
    """
    if os.environ.get(PUBLIC_KEY_VARIABLE):
        return os.environ[PUBLIC_KEY_VARIABLE]
    if os.environ.get(KEY_VARIABLE):
        return public_hex(load_private_key(os.environ[KEY_VARIABLE]).public_key())
    return None


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


# -- the Merkle tree ----------------------------------------------------------------------


def leaf_hash(leaf: Leaf) -> bytes:
    """Return the RFC 6962 hash of one head: H(0x00 || canonical leaf)."""
    body = audit.canonical_json(list(leaf)).encode("utf-8")
    return hashlib.sha256(b"\x00" + body).digest()


def merkle_root(leaves: Sequence[Leaf]) -> str:
    """Return the RFC 6962 Merkle tree hash of the heads, in hex."""
    return _tree([leaf_hash(leaf) for leaf in leaves]).hex()


def _tree(hashes: list[bytes]) -> bytes:
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)  # the largest power of 2 below n
    return hashlib.sha256(b"\x01" + _tree(hashes[:split]) + _tree(hashes[split:])).digest()


# -- checkpoints --------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointView:
    """One signed checkpoint: what it covers, its hash and its signature."""

    seq: int
    at: str
    prev_hash: str
    root: str
    leaves: tuple[Leaf, ...]
    hash: str
    signature: str
    public_key: str

    def statement(self) -> bytes:
        """Return the bytes that are signed and hashed."""
        return _statement(self.seq, self.at, self.prev_hash, self.root, len(self.leaves))

    def line(self) -> str:
        """Return the checkpoint as one line of the log file (without the newline)."""
        return audit.canonical_json(
            {
                "seq": self.seq,
                "at": self.at,
                "prev": self.prev_hash,
                "root": self.root,
                "count": len(self.leaves),
                "hash": self.hash,
                "signature": self.signature,
                "public_key": self.public_key,
                "leaves": [list(leaf) for leaf in self.leaves],
            }
        )

    @classmethod
    def from_line(cls, line: str | dict[str, Any]) -> CheckpointView:
        """Read a checkpoint from a line of the log (or its parsed JSON)."""
        data = json.loads(line) if isinstance(line, str) else line
        leaves = tuple((int(i), int(n), str(h)) for i, n, h in data["leaves"])
        if int(data["count"]) != len(leaves):
            raise ValueError("the count does not match the leaves")
        return cls(
            int(data["seq"]),
            str(data["at"]),
            str(data["prev"]),
            str(data["root"]),
            leaves,
            str(data["hash"]),
            str(data["signature"]),
            str(data["public_key"]),
        )

    def problem(
        self, key: Ed25519PublicKey, prev: CheckpointView | None, *, linked: bool = True
    ) -> str | None:
        """Tell what is wrong with this checkpoint following ``prev``, or None."""
        if self.public_key != public_hex(key):
            return "it is signed by another key"
        try:
            key.verify(bytes.fromhex(self.signature), self.statement())
        except (InvalidSignature, ValueError):
            return "its signature is not valid"
        if hashlib.sha256(self.statement()).hexdigest() != self.hash:
            return "its hash is wrong"
        if merkle_root(self.leaves) != self.root:
            return "its leaves do not make its Merkle root"
        if [leaf[0] for leaf in self.leaves] != sorted({leaf[0] for leaf in self.leaves}):
            return "its leaves are not ordered by instance"
        expected = (prev.seq + 1, prev.hash) if prev else (1, GENESIS)
        if linked and (self.seq, self.prev_hash) != expected:
            return f"it does not follow checkpoint {expected[0] - 1}"
        return None


def _statement(seq: int, at: str, prev: str, root: str, count: int) -> bytes:
    body = {"seq": seq, "at": at, "prev": prev, "root": root, "count": count}
    return audit.canonical_json(body).encode("utf-8")


def sign(
    seq: int, at: str, prev: str, leaves: Sequence[Leaf], key: Ed25519PrivateKey
) -> CheckpointView:
    """Return the checkpoint ``seq`` of the heads ``leaves``, signed with ``key``."""
    root = merkle_root(leaves)
    statement = _statement(seq, at, prev, root, len(leaves))
    return CheckpointView(
        seq,
        at,
        prev,
        root,
        tuple(leaves),
        hashlib.sha256(statement).hexdigest(),
        key.sign(statement).hex(),
        public_hex(key.public_key()),
    )


# -- verification -------------------------------------------------------------------------


@dataclass
class VerifyReport:
    """The outcome of a verification: how many instances were checked and what is wrong."""

    instances: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether nothing is wrong."""
        return not self.problems

    def add(self, instance_id: int | None, seq: int | None, kind: str, detail: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(instance_id, seq, kind, detail))


def read_log(
    lines: Iterable[str], key: Ed25519PublicKey, report: VerifyReport, *, whole: bool = True
) -> list[CheckpointView]:
    """Return the checkpoints of a log that verify, reporting the lines that do not.

    Without ``whole`` the log may start after its first checkpoint (an export's).
    """
    good: list[CheckpointView] = []
    prev: CheckpointView | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoint = CheckpointView.from_line(line)
        except (ValueError, KeyError, TypeError) as exc:
            report.add(None, None, LOG, f"line {number} of the checkpoint log is unreadable: {exc}")
            continue
        problem = checkpoint.problem(key, prev, linked=whole or prev is not None)
        if problem:
            report.add(None, None, LOG, f"checkpoint {checkpoint.seq}: {problem}")
            if "signature" in problem or "another key" in problem:
                continue  # a forged line vouches for nothing
        good.append(checkpoint)
        prev = checkpoint
    report.checkpoints = len(good)
    return good


def check_against(
    instance_id: int,
    events: Sequence[EventRow],
    heads: Sequence[tuple[int, int, str]],
    report: VerifyReport,
) -> None:
    """Check that each head (checkpoint seq, count, hash) is still a prefix of ``events``."""
    for checkpoint_seq, count, head in heads:
        if count == 0:
            continue
        if count > len(events) or events[count - 1].hash != head or events[count - 1].seq != count:
            report.add(
                instance_id,
                count,
                REWRITTEN,
                f"chain rewritten after checkpoint {checkpoint_seq}: event {count} "
                "is no longer the one it signed",
            )
            return


def _heads_by_instance(
    checkpoints: Sequence[CheckpointView],
) -> dict[int, list[tuple[int, int, str]]]:
    heads: dict[int, list[tuple[int, int, str]]] = {}
    seen: set[tuple[int, int, str]] = set()
    for checkpoint in reversed(checkpoints):  # newest first
        for instance_id, count, head in checkpoint.leaves:
            if (instance_id, count, head) not in seen:
                seen.add((instance_id, count, head))
                heads.setdefault(instance_id, []).append((checkpoint.seq, count, head))
    return heads


def _chain_problem(report: VerifyReport, chain: audit.ChainReport) -> None:
    if not chain.ok:
        report.add(
            chain.instance_id, chain.first_bad_seq, chain.kind or "edited", chain.problem or ""
        )


def _since_text(since: date | datetime | str | None) -> str | None:
    if since is None or isinstance(since, str):
        return since
    return local_iso(since)


def verify_export(
    lines: Iterable[str], public_key: Ed25519PublicKey | str | None = None
) -> VerifyReport:
    """Check an export without any database: its checkpoint, chains and heads.

    Without ``public_key`` the key the export names is used: the caller then
    must compare it with the key he knows to be the agency's.
    """
    report = VerifyReport()
    instances: dict[int, dict[str, Any]] = {}
    events: dict[int, list[EventRow]] = {}
    checkpoints: list[str] = []
    named_key: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            kind = record.pop("kind")
            if kind == "public_key":
                named_key = str(record["key"])
            elif kind == "checkpoint":
                checkpoints.append(json.dumps(record))
            elif kind == "instance":
                instances[int(record["id"])] = record
            elif kind == "event":
                events.setdefault(int(record["instance_id"]), []).append(
                    EventRow(
                        int(record["instance_id"]),
                        int(record["seq"]),
                        str(record["type"]),
                        record["actor"],
                        str(record["at"]),
                        record["data"],
                        str(record["prev_hash"]),
                        str(record["hash"]),
                    )
                )
            else:
                raise ValueError(f"unknown kind {kind!r}")
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            # (RecursionError: JSON nested deeper than Python's stack, in a forged export)
            report.add(None, None, LOG, f"line {number} of the export is unreadable: {exc}")
    key_text = public_key if public_key is not None else named_key
    if key_text is None:
        report.add(None, None, LOG, "the export names no public key")
        return report
    key = key_text if isinstance(key_text, Ed25519PublicKey) else load_public_key(key_text)
    good = read_log(checkpoints, key, report, whole=False)
    if checkpoints and not good:
        report.add(None, None, LOG, "the export's checkpoint does not verify")
    heads = _heads_by_instance(good)
    for instance_id, row in sorted(instances.items()):
        own = sorted(events.get(instance_id, []), key=lambda e: e.seq)
        chain = audit.verify_events(
            instance_id, int(row["event_count"]), str(row["last_event_hash"]), own
        )
        _chain_problem(report, chain)
        check_against(instance_id, own, heads.get(instance_id, []), report)
        if instance_id not in heads:
            report.add(instance_id, None, UNCOVERED, "no checkpoint in the export covers it")
    for instance_id in sorted(set(events) - set(instances)):
        report.add(instance_id, None, MISSING, "events without their instance")
    report.instances = len(instances)
    return report


# -- the engine's part --------------------------------------------------------------------


_PUBLIC_FIELDS = (
    "id",
    "process_id",
    "status",
    "started_by",
    "started_at",
    "completed_at",
    "event_count",
    "last_event_hash",
)


class Checkpoints:
    """Sign the heads of every chain, verify histories against them, export them."""

    def __init__(self, engine: WorkflowEngine, log_path: str | Path | None = None) -> None:
        self._engine = engine
        self._log_path = Path(log_path) if log_path is not None else None

    @property
    def log_path(self) -> Path:
        """Return the append-only log: ``GONGKAI_CHECKPOINT_LOG``, else in the instance folder."""
        if self._log_path is not None:
            return self._log_path
        named = os.environ.get(LOG_VARIABLE)
        return Path(named) if named else instance_path() / LOG_FILE

    def _log_lines(self) -> list[str]:
        try:
            return self.log_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def create(self, key: Ed25519PrivateKey | str | Path | None = None) -> CheckpointView:
        """Sign a checkpoint of every chain's head; write it to the table and the log.

        ``key`` is the private key or its file (default: ``GONGKAI_CHECKPOINT_KEY``).
        The database's newest checkpoint must be the log's: a log and a
        database that disagree are refused (``checkpoint.log_mismatch``).
        """
        private = self._private_key(key)
        path = self.log_path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            fcntl.flock(log.fileno(), fcntl.LOCK_EX)  # one writer of the log at a time
            last = self._last_line()
            with self._engine.store.write() as repo:
                newest = self._newest_row(repo.connection)
                if (newest or (0, GENESIS)) != ((last.seq, last.hash) if last else (0, GENESIS)):
                    raise EngineError(
                        "checkpoint.log_mismatch",
                        database=newest[0] if newest else 0,
                        log=last.seq if last else 0,
                    )
                rows = repo.connection.execute(
                    select(
                        _INSTANCES.c.id, _INSTANCES.c.event_count, _INSTANCES.c.last_event_hash
                    ).order_by(_INSTANCES.c.id)
                )
                leaves = [(int(i), int(n), str(h)) for i, n, h in rows]
                at = iso(self._engine.clock())
                checkpoint = sign(
                    (last.seq if last else 0) + 1,
                    at,
                    last.hash if last else GENESIS,
                    leaves,
                    private,
                )
                repo.connection.execute(
                    _CHECKPOINTS.insert().values(
                        seq=checkpoint.seq,
                        at=checkpoint.at,
                        prev_hash=checkpoint.prev_hash,
                        root=checkpoint.root,
                        leaf_count=len(leaves),
                        hash=checkpoint.hash,
                        signature=checkpoint.signature,
                        public_key=checkpoint.public_key,
                        leaves=[list(leaf) for leaf in leaves],
                    )
                )
                # The log is written before the commit: a failed commit leaves a line
                # the database lacks, which verification reports; never the reverse.
                log.write(checkpoint.line() + "\n")
                log.flush()
                os.fsync(log.fileno())
        return checkpoint

    def _last_line(self) -> CheckpointView | None:
        for line in reversed(self._log_lines()):
            if line.strip():
                return CheckpointView.from_line(line)
        return None

    @staticmethod
    def _newest_row(connection: Connection) -> tuple[int, str] | None:
        row = connection.execute(
            select(_CHECKPOINTS.c.seq, _CHECKPOINTS.c.hash)
            .order_by(_CHECKPOINTS.c.seq.desc())
            .limit(1)
        ).first()
        return (int(row[0]), str(row[1])) if row else None

    @staticmethod
    def _private_key(key: Ed25519PrivateKey | str | Path | None) -> Ed25519PrivateKey:
        if isinstance(key, Ed25519PrivateKey):
            return key
        named = key if key is not None else os.environ.get(KEY_VARIABLE)
        if not named:
            raise EngineError("checkpoint.no_key", variable=KEY_VARIABLE)
        return load_private_key(named)

    def verify(
        self,
        public_key: Ed25519PublicKey | str,
        instance_id: int | None = None,
        since: date | datetime | str | None = None,
        progress: Progress | None = None,
    ) -> VerifyReport:
        """Check the chains of every instance (or one, or those started since a date).

        Each chain must be whole, must extend the heads the checkpoint log
        signed and must replay to its events and stored state; instances the
        log names must still exist; the log must verify and the database must
        hold its newest checkpoint.
        """
        key = (
            public_key if isinstance(public_key, Ed25519PublicKey) else load_public_key(public_key)
        )
        report = VerifyReport()
        checkpoints = read_log(self._log_lines(), key, report)
        heads = _heads_by_instance(checkpoints)
        since_text = _since_text(since)
        with self._engine.store.read() as repo:
            connection = repo.connection
            self._compare_with_database(connection, checkpoints, report)
            chosen = select(
                _INSTANCES.c.id, _INSTANCES.c.event_count, _INSTANCES.c.last_event_hash
            ).order_by(_INSTANCES.c.id)
            if instance_id is not None:
                chosen = chosen.where(_INSTANCES.c.id == instance_id)
            if since_text is not None:
                chosen = chosen.where(_INSTANCES.c.started_at >= since_text)
            found = {int(i): (int(n), str(h)) for i, n, h in connection.execute(chosen)}
            ids = select(chosen.subquery().c.id)
            rows = connection.execution_options(yield_per=2000).execute(
                select(*[_EVENTS.c[name] for name in _EVENT_FIELDS])
                .where(_EVENTS.c.instance_id.in_(ids))
                .order_by(_EVENTS.c.instance_id, _EVENTS.c.seq)
            )
            grouped = {
                int(owner): [EventRow(*r) for r in chain]
                for owner, chain in groupby(rows, key=lambda r: r[0])
            }
        total = len(found)
        # Each deployed definition is read (and checked against its hash) once per run.
        definitions: dict[int, dict[str, str] | None] = {}
        for done, (owner, (count, head)) in enumerate(sorted(found.items()), start=1):
            chain_events = grouped.get(owner, [])
            chain = audit.verify_events(owner, count, head, chain_events)
            _chain_problem(report, chain)
            check_against(owner, chain_events, heads.get(owner, []), report)
            if chain.ok:
                # A whole chain may still be rewritten consistently: re-execute it.
                replayed = self._engine.replayer.replay_stored(
                    owner, chain_events, definitions=definitions
                )
                report.problems.extend(replayed.problems)
            if progress is not None:
                progress(done, total)
        if instance_id is None:
            missing = sorted(set(heads) - set(found))
            if since_text is not None:
                missing = [m for m in missing if not self._exists(m)]
            for owner in missing:
                newest = heads[owner][0][0]
                report.add(owner, None, MISSING, f"instance missing (in checkpoint {newest})")
        elif instance_id in heads and instance_id not in found and not self._exists(instance_id):
            report.add(
                instance_id,
                None,
                MISSING,
                f"instance missing (in checkpoint {heads[instance_id][0][0]})",
            )
        report.instances = total
        return report

    def _exists(self, instance_id: int) -> bool:
        with self._engine.store.read() as repo:
            return repo.instance(instance_id) is not None

    @staticmethod
    def _compare_with_database(
        connection: Connection, checkpoints: Sequence[CheckpointView], report: VerifyReport
    ) -> None:
        rows = connection.execute(select(_CHECKPOINTS.c.seq, _CHECKPOINTS.c.hash))
        stored = {int(seq): str(digest) for seq, digest in rows}
        newest_file = checkpoints[-1].seq if checkpoints else 0
        newest_db = max(stored, default=0)
        if newest_db < newest_file:
            report.add(
                None,
                None,
                ROLLED_BACK,
                f"the database's newest checkpoint is {newest_db}, the log's {newest_file}: "
                "the database was rolled back",
            )
        elif newest_db > newest_file:
            report.add(
                None,
                None,
                LOG,
                f"the database holds checkpoint {newest_db}, the log only {newest_file}: "
                "the log was cut short",
            )
        for checkpoint in checkpoints:
            if checkpoint.seq in stored and stored[checkpoint.seq] != checkpoint.hash:
                report.add(None, None, LOG, f"checkpoint {checkpoint.seq} differs from the log's")

    def export(
        self,
        instance_ids: Iterable[int] | None = None,
        since: date | datetime | str | None = None,
    ) -> Iterator[str]:
        """Yield JSON Lines a third party can verify with ``verify_export``.

        The newest checkpoint of the log and its public key, the instances'
        public fields, then their events. Read a page at a time, each in a
        short transaction of its own, so a history of any length costs the
        same memory and no reader (a slow download) holds the database open.
        Each instance's events are those up to its head as first read: the
        log only grows, so later events cannot make the export inconsistent.
        """
        last = self._last_line()
        since_text = _since_text(since)
        wanted = sorted(set(instance_ids)) if instance_ids is not None else None
        if last is not None:
            yield audit.canonical_json({"kind": "public_key", "key": last.public_key})
            yield audit.canonical_json({"kind": "checkpoint", **json.loads(last.line())})
        heads: list[tuple[int, int]] = []  # (instance, event count): two numbers each
        after = 0
        while True:
            chosen = (
                select(*[_INSTANCES.c[name] for name in _PUBLIC_FIELDS])
                .where(_INSTANCES.c.id > after)
                .order_by(_INSTANCES.c.id)
                .limit(EXPORT_PAGE)
            )
            if wanted is not None:
                chosen = chosen.where(_INSTANCES.c.id.in_(wanted))
            if since_text is not None:
                chosen = chosen.where(_INSTANCES.c.started_at >= since_text)
            with self._engine.store.read() as repo:
                instances = [dict(row._mapping) for row in repo.connection.execute(chosen)]
            for instance in instances:
                heads.append((int(instance["id"]), int(instance["event_count"])))
                yield audit.canonical_json({"kind": "instance", **instance})
            if len(instances) < EXPORT_PAGE:
                break
            after = int(instances[-1]["id"])
        for instance_id, count in heads:
            seq = 0
            while seq < count:
                with self._engine.store.read() as repo:
                    events = repo.events_page(instance_id, seq + 1, min(EXPORT_PAGE, count - seq))
                events = [event for event in events if event.seq <= count]
                for event in events:
                    yield audit.canonical_json(
                        {"kind": "event", **{name: getattr(event, name) for name in _EVENT_FIELDS}}
                    )
                if not events:
                    break  # events missing from the database: verifying the export says so
                seq = events[-1].seq


#: how many instances or events one read of an export takes
EXPORT_PAGE = 1000
_EVENT_FIELDS = ("instance_id", "seq", "type", "actor", "at", "data", "prev_hash", "hash")
