"""gunicorn's settings for gongkai in production, shared by ``gongkai serve --production``.

Plain gunicorn runs the same server with::

    gunicorn -c python:webui.gunicorn_conf --bind 0.0.0.0:8000 --workers 5 --threads 4

Workers are threads in processes (``gthread``): a request waiting on the
database or on a password hash (hashlib releases the GIL) holds one thread,
not a process.  Each worker builds its own application after the fork
(nothing is preloaded), so no connection or lock is shared between them.
Log lines are JSON unless ``GONGKAI_LOG_FORMAT=plain``; metrics of all
workers are kept in ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary folder
unless it is set).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from webui.observability import LOG_FORMAT_VARIABLE, MULTIPROC_VARIABLE, gunicorn_logconfig

#: threads per worker process
DEFAULT_THREADS = 4


def default_workers() -> int:
    """Return how many worker processes to run: twice the CPUs, and one more."""
    return 2 * (os.cpu_count() or 1) + 1


def on_starting(server: Any) -> None:
    """Before the first worker: JSON logs unless asked otherwise, and the metrics folder."""
    os.environ.setdefault(LOG_FORMAT_VARIABLE, "json")
    folder = os.environ.get(MULTIPROC_VARIABLE)
    if folder:
        # Values a previous run left would be added to this run's.
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
    else:
        folder = tempfile.mkdtemp(prefix="gongkai-metrics-")
        os.environ[MULTIPROC_VARIABLE] = folder
        server.gongkai_metrics_folder = folder


def post_worker_init(worker: Any) -> None:
    """Warm the worker's application up before it accepts its first request."""
    from webui.warm import warm_up

    app = worker.wsgi
    if hasattr(app, "jinja_env"):  # gongkai's app, not another one given with -c
        done = warm_up(app)
        worker.log.info("warmed up", extra={"fields": {"event": "worker_warmed", **done}})


def child_exit(server: Any, worker: Any) -> None:
    """Tell prometheus-client a worker is gone (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the metrics folder this server made."""
    folder = getattr(server, "gongkai_metrics_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def settings(
    bind: list[str] | None = None, workers: int | None = None, threads: int | None = None
) -> dict[str, Any]:
    """Return gongkai's gunicorn settings, by name."""
    chosen: dict[str, Any] = {
        "wsgi_app": "webui:create_app()",
        "worker_class": "gthread",
        "workers": workers or default_workers(),
        "threads": threads or DEFAULT_THREADS,
        "proc_name": "gongkai",
        # Several servers on one host: gunicorn's control socket would be one file for all.
        "control_socket_disable": True,
        "accesslog": None,
        "logconfig_dict": gunicorn_logconfig(default="json"),
        "on_starting": on_starting,
        "post_worker_init": post_worker_init,
        "child_exit": child_exit,
        "on_exit": on_exit,
        "timeout": 60,
        "graceful_timeout": 30,
    }
    if Path("/dev/shm").is_dir():
        # The heartbeat file on a memory file system: a busy disk never stalls a worker.
        chosen["worker_tmp_dir"] = "/dev/shm"
    if bind:
        chosen["bind"] = bind
    return chosen


# What plain gunicorn reads from this module (``-c python:webui.gunicorn_conf``).
_defaults = settings()
wsgi_app = _defaults["wsgi_app"]
worker_class = _defaults["worker_class"]
workers = _defaults["workers"]
threads = _defaults["threads"]
proc_name = _defaults["proc_name"]
control_socket_disable = _defaults["control_socket_disable"]
accesslog = _defaults["accesslog"]
logconfig_dict = _defaults["logconfig_dict"]
timeout = _defaults["timeout"]
graceful_timeout = _defaults["graceful_timeout"]
worker_tmp_dir = _defaults.get("worker_tmp_dir")
