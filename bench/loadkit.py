"""What the load and race benchmarks run gongkai with: a fresh database, gunicorn, tick workers.

Also the faults they inject: SIGKILL of a web or tick worker, a restart of the
PostgreSQL server, and the time windows those faults cover, so that a request
they cut can be told from a real error.
"""

from __future__ import annotations

import json
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"
BIN = Path(sys.executable).parent


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of values, 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _admin_url(url: str) -> str:
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    return urlunsplit(
        ("postgresql+psycopg", parts.netloc, "/postgres", parts.query, parts.fragment)
    )


def fresh_postgres_database(url: str) -> None:
    """Drop the database ``url`` names (closing its sessions) and create it empty."""
    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing the database name {name!r}: letters, digits and _ only")
    admin = sqlalchemy.create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def drop_postgres_database(url: str) -> None:
    """Drop the database ``url`` names."""
    name = urlsplit(url).path.lstrip("/")
    admin = sqlalchemy.create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def postgres_answers(url: str) -> bool:
    """Tell whether the PostgreSQL server of ``url`` accepts a session now."""
    admin = sqlalchemy.create_engine(_admin_url(url), connect_args={"connect_timeout": 2})
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return True
    except sqlalchemy.exc.OperationalError:
        return False
    finally:
        admin.dispose()


def checkpoint(url: str, seconds: int = 5) -> None:
    """Write dirty pages now, so that a restart's own checkpoint has less to do.

    On a server others write to hard, a checkpoint can take long; the wait
    for it is cut after ``seconds`` (the checkpoint goes on without us).
    """
    admin = sqlalchemy.create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"SET statement_timeout = '{int(seconds)}s'")
            connection.exec_driver_sql("CHECKPOINT")
    except sqlalchemy.exc.OperationalError:
        pass  # cancelled by the timeout: the restart checkpoints the rest
    finally:
        admin.dispose()


def server_environment(database_url: str, instance: Path) -> dict[str, str]:
    """Return the environment gongkai's processes run with: database, key, instance folder."""
    return {
        **os.environ,
        "GONGKAI_DATABASE_URL": database_url,
        "GONGKAI_SECRET_KEY": secrets.token_urlsafe(48),
        "GONGKAI_INSTANCE_PATH": str(instance),
        # The code under test is the checkout this bench belongs to.
        "PYTHONPATH": os.pathsep.join(
            p for p in (os.environ.get("PYTHONPATH", ""), str(ROOT)) if p
        ),
    }


def _help_of(*command: str) -> str:
    done = subprocess.run(
        [str(BIN / "gongkai"), *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done.stdout if done.returncode == 0 else ""


def serve_command(port: int, workers: int, *, production: bool = True) -> tuple[list[str], str]:
    """Return the command that serves gongkai with ``workers`` processes, and what it is.

    ``gongkai serve --production`` where this checkout has it (and
    ``production`` asks for it), else gunicorn, its master importing the app
    once and forking the workers (``--preload``): a worker that dies is
    replaced by a fork at once, as a production server runs.
    """
    serve_help = _help_of("serve") if production else ""
    if "--production" in serve_help:
        command = [str(BIN / "gongkai"), "serve", "--production", "--host", "127.0.0.1"]
        command += ["--port", str(port)]
        if "--workers" in serve_help:
            command += ["--workers", str(workers)]
        return command, "gongkai serve --production"
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--preload", "--graceful-timeout", "5"]
    if "--no-control-socket" in _gunicorn_help():
        command.append("--no-control-socket")  # gunicorn >= 24: no socket in the home folder
    return [*command, "webui:create_app()"], "gunicorn --preload webui:create_app()"


def _gunicorn_help() -> str:
    done = subprocess.run(
        [str(BIN / "gunicorn"), "--help"], capture_output=True, text=True, check=False
    )
    return done.stdout


def _children(pid: int) -> list[int]:
    try:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(p) for p in text.split())
        return found
    except OSError:
        return []


class WebServer:
    """gongkai's web server as a subprocess: a master and its worker processes."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.command = command
        self.env = env
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, workers: int, timeout: float = 60) -> float:
        """Start the server; return the seconds until every worker answered."""
        started = time.perf_counter()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"the web server exited; see {self.log}")
            if len(self.workers()) >= workers and self._answers():
                return time.perf_counter() - started
            time.sleep(0.1)
        raise SystemExit(f"the web server did not answer in {timeout:.0f} s; see {self.log}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"GET /login HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return s.recv(12).startswith(b"HTTP/1.")
        except OSError:
            return False

    def workers(self) -> list[int]:
        """Return the pids of the worker processes."""
        return _children(self.process.pid) if self.process else []

    def kill_worker(self, rng: random.Random) -> int:
        """SIGKILL one worker chosen at random; return its pid."""
        pid = rng.choice(self.workers())
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_workers(self, count: int, killed: int, timeout: float = 30) -> float:
        """Wait until ``count`` workers run again, none of them ``killed``; return the seconds."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            now = self.workers()
            if len(now) >= count and killed not in now:
                return time.perf_counter() - started
            time.sleep(0.05)
        return float("nan")

    def stop(self) -> None:
        """Stop the server and its workers."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class TickWorkers:
    """``gongkai tick --loop`` processes, kept running as a supervisor would."""

    def __init__(self, env: dict[str, str], log_dir: Path, interval: float = 1.0) -> None:
        self.env = env
        self.log_dir = log_dir
        self.interval = interval
        self.processes: dict[int, subprocess.Popen[bytes]] = {}
        #: slots killed on purpose and not started again yet
        self.killed: set[int] = set()
        #: (slot, exit code) of every worker that ended by itself
        self.died: list[tuple[int, int | None]] = []
        self._lock = threading.Lock()

    def _spawn(self, slot: int) -> None:
        with (self.log_dir / f"tick{slot}.log").open("ab") as out:
            self.processes[slot] = subprocess.Popen(
                [str(BIN / "gongkai"), "tick", "--loop", str(self.interval)],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def start(self, count: int) -> None:
        """Start ``count`` tick workers."""
        for slot in range(count):
            self._spawn(slot)

    def kill_one(self, rng: random.Random) -> tuple[int, int]:
        """SIGKILL one tick worker chosen at random; return its slot and pid."""
        with self._lock:
            slot = rng.choice(sorted(set(self.processes) - self.killed))
            process = self.processes[slot]
            self.killed.add(slot)
        process.send_signal(signal.SIGKILL)
        process.wait()
        return slot, process.pid

    def restart(self, slot: int) -> None:
        """Start the tick worker of ``slot`` again after it was killed."""
        with self._lock:
            self._spawn(slot)
            self.killed.discard(slot)

    def supervise(self) -> list[tuple[int, int | None]]:
        """Start again every worker that ended by itself; return those (slot, exit code)."""
        found = []
        with self._lock:
            for slot, process in self.processes.items():
                if slot not in self.killed and process.poll() is not None:
                    found.append((slot, process.returncode))
                    self._spawn(slot)
            self.died.extend(found)
        return found

    def stop(self) -> None:
        """Stop every tick worker."""
        with self._lock:
            processes = list(self.processes.values())
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def postgres_restart_command(url: str) -> tuple[list[str] | None, str]:
    """Return how to restart the PostgreSQL server of ``url`` here, or None and why not.

    Debian runs its clusters under ``pg_ctlcluster`` (``pg_lsclusters`` lists
    them with their port); a fast restart ends every session, checkpoints and
    starts again, so it takes a second or two on a small database.
    """
    port = urlsplit(url).port or 5432
    host = urlsplit(url).hostname or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1"):
        return None, f"the server is on {host}, not this host"
    if shutil.which("pg_lsclusters") is None or shutil.which("pg_ctlcluster") is None:
        return None, "no pg_lsclusters/pg_ctlcluster (not Debian's PostgreSQL)"
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)
    for line in listed.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2] == str(port) and fields[3] == "online":
            owner = fields[4] if len(fields) > 4 else "postgres"
            if os.geteuid() != 0 and owner != os.environ.get("USER"):
                return None, f"cluster {fields[0]}/{fields[1]} belongs to {owner}; run as root"
            command = ["pg_ctlcluster"]
            if not Path("/run/systemd/system").exists():
                # No systemd here: pg_ctlcluster must not hand the restart to systemctl.
                command.append("--skip-systemctl-redirect")
            command += [fields[0], fields[1], "restart", "-m", "fast"]
            return command, f"cluster {fields[0]}/{fields[1]} (pg_ctlcluster, fast restart)"
    return None, f"no online cluster on port {port} in pg_lsclusters"


def cpu_busy_seconds() -> float:
    """Return the CPU seconds every core of this machine has been busy since boot."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """Return the CPU seconds this process and its finished children have used."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class PostgresCpu:
    """The CPU seconds the PostgreSQL sessions of one database used, sampled as they come and go."""

    def __init__(self, url: str) -> None:
        self.name = urlsplit(url).path.lstrip("/")
        self.admin = sqlalchemy.create_engine(_admin_url(url), connect_args={"connect_timeout": 2})
        self.seen: dict[int, float] = {}

    def sample(self) -> None:
        """Read the CPU time of every session on the database now."""
        try:
            with self.admin.connect() as connection:
                pids = connection.execute(
                    sqlalchemy.text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                    {"name": self.name},
                ).scalars()
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                    self.seen[pid] = max(self.seen.get(pid, 0.0), used)
        except sqlalchemy.exc.OperationalError:
            pass  # restarting

    def seconds(self) -> float:
        """Return the CPU seconds seen so far (sessions that ended between samples lose a bit)."""
        return sum(self.seen.values())

    def close(self) -> None:
        """Close the sampler's own session."""
        self.admin.dispose()


@dataclass
class Fault:
    """One fault injected: what, when it began and ended (time.time()), and what it hit."""

    kind: str
    start: float
    end: float
    detail: str


@dataclass
class Faults:
    """The faults injected so far, and the windows in which a cut request is their doing."""

    #: seconds after a fault ends in which failures are still its doing
    grace: dict[str, float] = field(
        default_factory=lambda: {"web_kill": 1.0, "tick_kill": 1.0, "postgres_restart": 3.0}
    )
    done: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: a fault under way: failures while it lasts are its doing
    _running: dict[str, float] = field(default_factory=dict)

    def begin(self, kind: str) -> float:
        """Note that a fault begins now; return the moment."""
        now = time.time()
        with self._lock:
            self._running[kind] = now
        return now

    def end(self, kind: str, detail: str) -> None:
        """Note that the fault ``kind`` is over."""
        with self._lock:
            start = self._running.pop(kind)
            self.done.append(Fault(kind, start, time.time(), detail))

    def explains(self, start: float, end: float) -> str | None:
        """Return the fault whose window overlaps a failed request's [start, end], if any."""
        with self._lock:
            if self._running:
                return next(iter(self._running))
            for fault in self.done:
                if start <= fault.end + self.grace.get(fault.kind, 1.0) and end >= fault.start:
                    return fault.kind
        return None

    def count(self, kind: str) -> int:
        """Return how many faults of a kind were injected."""
        return sum(1 for f in self.done if f.kind == kind)


def server_errors(log: Path, faults: Faults) -> list[str]:
    """Summarise the errors a server log holds, and how many no fault explains.

    JSON lines (``gongkai serve --production``) carry their time and error;
    a plain log (gunicorn's own format) is only counted by its tracebacks.
    """
    kinds: Counter[str] = Counter()
    outside = 0
    plain_tracebacks = 0
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            plain_tracebacks += line.startswith("Traceback")
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("level") not in ("error", "critical"):
            continue
        detail = entry.get("error") or entry.get("message") or ""
        if entry.get("status"):
            detail = f"{entry.get('status')} {entry.get('method')} {entry.get('endpoint')}"
        if entry.get("exception"):
            said = [x for x in entry["exception"].splitlines() if x and not x[0].isspace()]
            detail = next((x for x in reversed(said) if "Error" in x), said[-1] if said else "")
        kinds[f"{entry.get('logger')}: {str(detail)[:90]}"] += 1
        try:
            at = datetime.fromisoformat(entry["time"]).timestamp()
        except (KeyError, ValueError):
            continue
        if faults.explains(at, at) is None:
            outside += 1
    if plain_tracebacks and not kinds:
        return [f"server log: {plain_tracebacks} tracebacks (a plain log: not told apart)"]
    lines = [f"server log: {sum(kinds.values())} error lines, {outside} outside the faults"]
    lines += [f"  x{n} {kind}" for kind, n in kinds.most_common(6)]
    return lines
