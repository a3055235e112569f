"""Running gongkai's own commands as separate processes: servers, tick workers, backups."""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: the ``gongkai`` command of this virtual environment
GONGKAI = str(Path(sys.executable).with_name("gongkai"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(**values: str | None) -> dict[str, str]:
    """Return this process's environment with ``values`` set (None: removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "PROMETHEUS_"))}
    env.update({k: v for k, v in values.items() if v is not None})
    return env


def secret_key() -> str:
    return secrets.token_urlsafe(48)


def wait_until(check: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def json_lines(path: Path) -> list[dict[str, Any]]:
    """Return every line of a log file, each parsed as JSON (a line that is not fails)."""
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                lines.append(json.loads(line))
            except ValueError:
                raise AssertionError(f"{path.name} line {number} is not JSON: {line!r}") from None
    return lines


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpClient:
    """A browser over real HTTP: cookies kept, redirects not followed, every answer returned."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()


def answers(base: str, path: str = "/healthz") -> bool:
    try:
        with urllib.request.urlopen(base + path, timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop(process: subprocess.Popen, timeout: float = 20) -> int:
    """Stop a process with SIGTERM (SIGKILL after ``timeout``); return its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"process {process.pid} did not stop on SIGTERM") from None
    return process.returncode
