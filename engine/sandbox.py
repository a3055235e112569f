"""Worker processes that run BPMN scripts with a time limit and a memory limit.

A runaway script (``while True: pass``, ``sum(range(10**13))``) cannot be
stopped inside the process that runs it: a long C-level operation never
returns to the interpreter.  So scripts run in worker processes, each started
once and reused: the engine sends the code and only the task data the code
reads, waits at most the time limit, and kills the worker when it is
exceeded.  A worker's address space is capped, so a script that grows its
memory without bound gets a ``MemoryError`` instead of the machine's memory.

What comes back is unpickled with an allow-list of plain data types, so a
worker can hand the engine nothing but data.

Its ``main`` is the worker.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time as _time
import traceback
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import IO, Any, BinaryIO

from .restricted import ScriptPolicyError, compiled, restricted_globals

#: default wall-clock limit of one script or condition, in seconds.
DEFAULT_TIME_LIMIT = 2.0
#: default memory a worker may grow by, beyond what it needs to start, in MiB.
DEFAULT_MEMORY_LIMIT_MB = 256
#: most workers one engine process runs at once.
DEFAULT_WORKERS = 4

_HEADER = struct.Struct("!Q")
#: what task data holds besides lists and objects (SpiffWorkflow's state has a form for these)
_STORED = frozenset((str, int, float, bool, type(None), datetime, timedelta))
#: what else an expression may give the engine
_VALUES = (str, int, float, bool, type(None), date, datetime, time_of_day, timedelta, Decimal)
_SETS = frozenset((set, frozenset))
#: what a worker's answer may contain besides builtin scalars and containers.
_ALLOWED_CLASSES = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "complex"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("zoneinfo", "ZoneInfo"),
}


class SandboxError(Exception):
    """A script failed in the sandbox; ``reason`` says how."""

    def __init__(self, reason: str, message: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(message)


class ScriptTimeout(SandboxError):
    """The script ran longer than its time limit and was stopped."""


class ScriptMemoryError(SandboxError):
    """The script grew its memory beyond the limit and was stopped."""


class WorkerLost(SandboxError):
    """The worker process ended without answering."""


#: the most values (items, keys and scalars, a shared one each time it is held) a script or
#: expression may leave as task data, the most characters of text, and the deepest nesting:
#: beyond them the state a step stores would grow past what one step may write
MAX_DATA_VALUES = 100_000
MAX_DATA_CHARS = 10_000_000
MAX_DATA_DEPTH = 100
#: the largest whole number task data holds (JSON text of more digits is refused by Python)
MAX_INT_BITS = 1000


class DataCheck:
    """Tell what in values a script leaves is not task data; one budget over all of them.

    ``strict`` for what a script leaves, which becomes task data; not for what an
    expression gives, which the engine reads (a due date may be a ``date``), and
    which is only bounded in size and held to plain data types.
    """

    def __init__(self, strict: bool = True) -> None:
        self.strict = strict
        self.values = 0
        self.chars = 0

    def problem(self, value: Any) -> str | None:
        """Return what makes ``value`` unfit as task data (after "holding"), or None.

        Task data is stored as JSON: text, finite numbers, yes/no, null, dates
        with times, lists and objects keyed by text or whole numbers.  A set is
        not (it would come back as text), nor a key of another kind.  Values are
        counted as stored: a list holding one long text many times counts it each time.
        """
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            item, depth = stack.pop()
            self.values += 1
            if self.values > MAX_DATA_VALUES:
                return f"more than {MAX_DATA_VALUES} values, the most task data may hold"
            if depth > MAX_DATA_DEPTH:
                return f"data nested deeper than {MAX_DATA_DEPTH} levels"
            kind = type(item)
            if kind is str:
                self.chars += len(item)
                if self.chars > MAX_DATA_CHARS:
                    return f"more than {MAX_DATA_CHARS} characters of text, the most data may hold"
            elif kind is dict:
                if self.strict and any(type(key) not in (str, int) for key in item):
                    key = next(k for k in item if type(k) not in (str, int))
                    return f"a {type(key).__name__} key, which task data cannot hold"
                stack.extend((child, depth + 1) for child in item)
                stack.extend((child, depth + 1) for child in item.values())
            elif kind is list or kind is tuple or (not self.strict and kind in _SETS):
                stack.extend((child, depth + 1) for child in item)
            elif not self.strict:
                if not isinstance(item, _VALUES):
                    return f"a {kind.__name__}, which is not data"
            elif (problem := _stored_problem(item)) is not None:
                return problem
        return None


def _stored_problem(item: Any) -> str | None:
    """Return what makes a value other than text, a list or an object unfit to store, or None."""
    kind = type(item)
    if kind is float and item - item != 0.0:  # inf - inf and NaN - NaN are NaN
        return f"the number {item}, which task data cannot hold"
    if kind is int and item.bit_length() > MAX_INT_BITS:
        return f"a number of more than {MAX_INT_BITS} bits, which task data cannot hold"
    if kind in _SETS:
        return f"a {kind.__name__}, which task data cannot hold (make it a list: sorted(...))"
    if kind in _STORED:
        return None
    if isinstance(item, _VALUES):
        # a date, a time of day, a Decimal: the state's JSON has no form for them
        return f"a {kind.__name__}, which task data cannot hold (keep it as text)"
    return f"a {kind.__name__}, which is not data"


def data_problem(value: Any, strict: bool = True) -> str | None:
    """Return what in ``value`` is not task data (after "holding"), or None."""
    return DataCheck(strict).problem(value)


def changed_problem(changed: Mapping[str, Any]) -> str | None:
    """Return what is wrong with the names a script leaves (all within one budget), or None."""
    check = DataCheck()
    for name, value in changed.items():
        if (problem := check.problem(value)) is not None:
            return f"left '{name}' holding {problem}"
    return None


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not data")
        return super().find_class(module, name)


def _load_data(payload: bytes) -> Any:
    return _DataUnpickler(io.BytesIO(payload)).load()


def _write(stream: IO[bytes], obj: Any) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


# -- the engine's side ------------------------------------------------------------------


#: what in a variable's name marks it as a credential, which no worker is given
_SECRET_MARKS = ("SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "KEY", "AUTH")
#: variables (or their prefixes) that configure gongkai or reach its database or services
_PRIVATE_PREFIXES = ("GONGKAI_", "PG", "DATABASE_", "AWS_", "SQLALCHEMY_")


def worker_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Return the environment a script worker starts with: ours without configuration or secrets.

    A script that escaped the sandbox would find in its own environment no
    session key, database address, token or password to take with it.
    """
    return {
        name: value
        for name, value in environ.items()
        if not name.upper().startswith(_PRIVATE_PREFIXES)
        and not any(mark in name.upper() for mark in _SECRET_MARKS)
    }


class _Worker:
    """One worker process and the pipes to it."""

    def __init__(self, helpers: Mapping[str, Any], memory_limit_mb: int) -> None:
        env = worker_environment(os.environ)
        # The worker imports the helpers by module and name: give it our import path.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from engine.sandbox import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin = self.process.stdin
        self.fd = self.process.stdout.fileno()
        _write(self.stdin, (dict(helpers), memory_limit_mb))
        if self._read(deadline=_time.monotonic() + 60) != ("ready",):
            self.kill()
            raise WorkerLost("lost", "the script worker did not start")

    def run(self, request: tuple[str, str, dict[str, Any]], time_limit: float) -> Any:
        """Send one request and return the worker's answer, or kill it at the deadline."""
        started = _time.monotonic()
        try:
            _write(self.stdin, request)
        except (BrokenPipeError, OSError):
            self.kill()
            raise WorkerLost("lost", "the script worker has stopped") from None
        try:
            return self._read(deadline=started + time_limit)
        except ScriptTimeout:
            raise ScriptTimeout(
                "timeout", f"ran longer than its time limit ({time_limit:g} s) and was stopped"
            ) from None

    def _read(self, deadline: float) -> Any:
        header = self._read_exactly(_HEADER.size, deadline)
        (size,) = _HEADER.unpack(header)
        return _load_data(self._read_exactly(size, deadline))

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        remaining = size
        while remaining:
            wait = deadline - _time.monotonic()
            ready = select.select([self.fd], [], [], max(wait, 0))[0] if wait > 0 else []
            if not ready:
                self.kill()
                raise ScriptTimeout("timeout", "ran longer than its time limit")
            chunk = os.read(self.fd, min(remaining, 1 << 20))
            if not chunk:
                self.kill()
                raise WorkerLost("lost", "the script worker stopped unexpectedly")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    @property
    def alive(self) -> bool:
        """Tell whether the process is still running."""
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the process at once."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


class Sandbox:
    """A pool of script workers with the same helpers and memory limit."""

    def __init__(
        self,
        helpers: Mapping[str, Any],
        memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
        max_workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.helpers = dict(helpers)
        self.memory_limit_mb = memory_limit_mb
        self.max_workers = max_workers
        self._idle: list[_Worker] = []
        self._count = 0
        self._lock = threading.Condition()

    def evaluate(self, source: str, names: dict[str, Any], time_limit: float) -> Any:
        """Return the value of expression ``source`` over ``names``."""
        return self._run(("eval", source, names), time_limit)

    def execute(
        self, source: str, names: dict[str, Any], time_limit: float
    ) -> tuple[dict[str, Any], list[str]]:
        """Run script ``source`` over ``names``; return the names it set and those it deleted."""
        changed, deleted = self._run(("exec", source, names), time_limit)
        return dict(changed), list(deleted)

    def _run(self, request: tuple[str, str, dict[str, Any]], time_limit: float) -> Any:
        worker = self._take()
        answer: tuple[Any, ...] = ("error", "lost", "the script worker has stopped", None)
        try:
            answer = worker.run(request, time_limit)
        finally:
            # A worker that hit its memory limit may be in a poor state: start afresh.
            self._give_back(worker, healthy=answer[:2] != ("error", "memory"))
        status, *rest = answer
        if status == "ok":
            # Checked in the worker already; checked again here, since what a worker sends
            # back is what the engine stores (a worker that broke out could send anything).
            kind = request[0]
            problem = (
                data_problem(rest[0], strict=False)
                if kind == "eval"
                else changed_problem(rest[0][0])
            )
            if problem is not None:
                raise SandboxError("not_data", problem if kind != "eval" else f"gave {problem}")
            return rest[0]
        reason, message, line = rest
        error = ScriptMemoryError if reason == "memory" else SandboxError
        raise error(reason, message, line)

    def _take(self) -> _Worker:
        with self._lock:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive:
                        return worker
                    self._count -= 1
                if self._count < self.max_workers:
                    self._count += 1
                    break
                self._lock.wait()
        try:
            return _Worker(self.helpers, self.memory_limit_mb)
        except BaseException:
            with self._lock:
                self._count -= 1
                self._lock.notify()
            raise

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        with self._lock:
            if healthy and worker.alive:
                self._idle.append(worker)
            else:
                worker.kill()
                self._count -= 1
            self._lock.notify()

    def close(self) -> None:
        """Stop the idle workers."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.kill()


_shared: dict[tuple[Any, ...], Sandbox] = {}
_shared_lock = threading.Lock()


def shared_sandbox(helpers: Mapping[str, Any], memory_limit_mb: int) -> Sandbox:
    """Return the process-wide sandbox for these helpers, so engines share its workers."""
    key = (tuple(sorted((name, id(helper)) for name, helper in helpers.items())), memory_limit_mb)
    with _shared_lock:
        sandbox = _shared.get(key)
        if sandbox is None:
            sandbox = _shared[key] = Sandbox(helpers, memory_limit_mb)
        return sandbox


@atexit.register
def _close_shared() -> None:
    with _shared_lock:
        for sandbox in _shared.values():
            sandbox.close()


# -- the worker's side ------------------------------------------------------------------


def _read_request(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on Linux: no memory limit, the time limit still holds
        return
    try:
        limit = _address_space() + megabytes * 1024 * 1024
    except OSError:
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _error_line(exc: BaseException) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<bpmn script>":
            line = frame.lineno
    return line


def _answer(request: tuple[str, str, dict[str, Any]], globals_: dict[str, Any]) -> tuple[Any, ...]:
    mode, source, names = request
    code = compiled(source, mode)[0]
    namespace = {**globals_, **names}
    try:
        if mode == "eval":
            value = eval(code, namespace)
            problem = data_problem(value, strict=False)
            if problem is not None:
                return ("error", "not_data", f"gave {problem}", None)
            return ("ok", value)
        exec(code, namespace)
    except MemoryError:
        return ("error", "memory", "grew its memory beyond the limit", None)
    except RecursionError as exc:
        return ("error", "recursion", "recursed too deeply", _error_line(exc))
    except ScriptPolicyError as exc:
        return ("error", "policy", str(exc), _error_line(exc))
    except Exception as exc:
        message = f"{type(exc).__name__}: {str(exc)[:500]}"
        return ("error", type(exc).__name__, message, _error_line(exc))
    changed = {
        name: value
        for name, value in namespace.items()
        if name not in globals_ and name != "__builtins__" and not callable(value)
    }
    if (problem := changed_problem(changed)) is not None:
        return ("error", "not_data", problem, None)
    return ("ok", (changed, [name for name in names if name not in namespace]))


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    helpers, memory_limit_mb = _read_request(requests)
    _limit_memory(memory_limit_mb)
    sys.setrecursionlimit(500)
    globals_ = restricted_globals(helpers)
    _write(answers, ("ready",))
    while (request := _read_request(requests)) is not None:
        try:
            answer = _answer(request, globals_)
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("error", "memory", "grew its memory beyond the limit", None))
        answers.write(_HEADER.pack(len(payload)) + payload)
        answers.flush()


def main() -> None:
    """Answer script requests on standard input until it closes."""
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Nothing a script or helper prints may corrupt the answers.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    _serve(requests, answers)


if __name__ == "__main__":
    main()
