"""Sign-in under a crowd: N people sign in at the same moment against `gongkai serve --production`.

Builds a SQLite database (or uses --database-url, which must be empty or
hold the crowd's users) with N users, starts the production server on a free
port, and has every client fetch the sign-in form first, then post it at the
same instant (a barrier).  It reports the time each post took to be answered,
and one sign-in alone for comparison.  Last line:

    signin_bench: clients=N p50_ms=P p95_ms=Q single_ms=S method=M
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import Database, Engine  # noqa: E402
from engine.store import schema  # noqa: E402
from engine.users import PASSWORD_METHOD  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "crowd-password-1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, clients: int, method: str) -> None:
    db = Database.connect(url)
    schema.upgrade(db)
    engine = Engine(db, password_method=method)
    for number in range(clients):
        engine.users.add(f"crowd{number:03d}", ["drafter"], password=PASSWORD)
    db.dispose()


#: runs gongkai from another source tree (an A/B comparison), ahead of the editable install
LAUNCH_FROM = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
    "sys.path.insert(0, sys.argv.pop(1)); from webui.cli import main; sys.exit(main())"
)


def start_server(
    url: str, port: int, workers: int, threads: int, folder: Path, source: str | None = None
):
    env = dict(os.environ)
    env.update(
        GONGKAI_DATABASE_URL=url,
        GONGKAI_SECRET_KEY=secrets.token_urlsafe(48),
        GONGKAI_INSTANCE_PATH=str(folder),
        GONGKAI_LOG_LEVEL="WARNING",
    )
    gongkai = [str(ROOT / ".venv/bin/gongkai")]
    if source:
        gongkai = [sys.executable, "-c", LAUNCH_FROM, source]
    server = subprocess.Popen(
        [
            *gongkai,
            "serve",
            "--production",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


class Client:
    """One person: a cookie jar, the sign-in form fetched, ready to post."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.username = username
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )
        with self.opener.open(f"{base}/login", timeout=30) as answer:
            self.token = CSRF.search(answer.read().decode()).group(1)

    def sign_in(self) -> float:
        body = urllib.parse.urlencode(
            {"csrf_token": self.token, "username": self.username, "password": PASSWORD}
        ).encode()
        started = time.perf_counter()
        try:
            with self.opener.open(f"{self.base}/login", data=body, timeout=60) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        took = time.perf_counter() - started
        if status != 302:
            raise RuntimeError(f"{self.username}: sign-in answered {status}")
        return took


def crowd(base: str, clients: int) -> list[float]:
    people = [Client(base, f"crowd{n:03d}") for n in range(clients)]
    barrier = threading.Barrier(clients)
    times: list[float] = []
    lock = threading.Lock()

    def run(person: Client) -> None:
        barrier.wait()
        took = person.sign_in()
        with lock:
            times.append(took)

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--method", default=PASSWORD_METHOD, help="werkzeug hash method")
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--source", default=None, help="run the server from this source tree (A/B comparisons)"
    )
    args = parser.parse_args()
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    folder = Path(tempfile.mkdtemp(prefix="signin-bench-"))
    try:
        url = args.database_url or f"sqlite:///{folder / 'gongkai.sqlite3'}"
        prepare(url, args.clients, args.method)
        port = free_port()
        server = start_server(url, port, workers, args.threads, folder, args.source)
        base = f"http://127.0.0.1:{port}"
        try:
            crowd(base, min(args.clients, workers * args.threads))  # warm every worker up
            singles = [Client(base, "crowd000").sign_in() for _ in range(5)]
            times: list[float] = []
            for _ in range(args.rounds):
                times += crowd(base, args.clients)
        finally:
            server.terminate()
            server.wait(30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    p50 = percentile(times, 0.5) * 1000
    p95 = percentile(times, 0.95) * 1000
    single = statistics.median(singles) * 1000
    print(
        f"workers={workers} threads={args.threads} rounds={args.rounds} "
        f"max_ms={max(times) * 1000:.0f} cpus={os.cpu_count()}"
    )
    print(
        f"signin_bench: clients={args.clients} p50_ms={p50:.0f} p95_ms={p95:.0f} "
        f"single_ms={single:.0f} method={args.method} source={args.source or ROOT}"
    )


if __name__ == "__main__":
    main()
