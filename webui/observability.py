"""Logs and metrics: one line per HTTP request and per engine call, and Prometheus figures.

``GONGKAI_LOG_FORMAT=json`` (the default of ``gongkai serve --production``)
writes every log line as one JSON object; otherwise lines are plain text.
A request's line says who asked what and how it went: time, level, method,
path (never the query string), status, duration, user name, client address
and request id.  An engine call's line names the call, the instance and task
it concerned where known, its duration and its outcome (an error's code,
never its parameters).  Nothing else of what was sent is logged.

Metrics are served at ``/metrics`` to a scraper holding
``GONGKAI_METRICS_TOKEN`` (``Authorization: Bearer ...``), or without a
token set to the same host only.  Under several gunicorn workers they are
kept in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess
mode), so any worker answers for all of them.
"""

from __future__ import annotations

import contextvars
import functools
import hmac
import inspect
import ipaddress
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request, session
from flask.typing import ResponseReturnValue

from engine import EngineError
from engine.stats import task_counts
from engine.views import InstanceView

LOG_FORMAT_VARIABLE = "GONGKAI_LOG_FORMAT"
LOG_LEVEL_VARIABLE = "GONGKAI_LOG_LEVEL"
METRICS_TOKEN_VARIABLE = "GONGKAI_METRICS_TOKEN"
MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

#: the loggers of request lines and engine-call lines
REQUEST_LOGGER = "gongkai.http"
ENGINE_LOGGER = "gongkai.engine"
_ROOT_LOGGER = "gongkai"

#: a request id a proxy may hand on (X-Request-ID); anything else is replaced by our own
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")
_REQUEST_ID_KEY = "gongkai.request_id"
_ENDPOINT_KEY = "gongkai.endpoint"
#: the methods measured by name; any other is measured as OTHER
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_USER_KEY = "gongkai.user"
#: the longest path a request line repeats
_MAX_PATH = 256

# What may hide in a library's message: a URL's password, a statement's parameters.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@", re.IGNORECASE)
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.DOTALL)


def redact(text: str) -> str:
    """Return ``text`` without URL passwords and SQL statement parameters."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    return _SQL_PARAMETERS.sub("[parameters: hidden]", text)


# -- log lines ------------------------------------------------------------------------

#: what would end a plain line, or move a terminal's cursor, if written as it is
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    r"""Return ``text`` with its control characters written as escapes (a newline as \n)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = redact(record.getMessage())
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        line.setdefault("pid", record.process)
        return json.dumps(line, ensure_ascii=False, default=str, separators=(",", ":"))


class PlainFormatter(logging.Formatter):
    """A readable line: time, level, logger and the message (or the record's fields)."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of text."""
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            body = " ".join(f"{k}={v}" for k, v in fields.items() if k != "event" and v != "")
            message = f"{fields.get('event', '')} {body}".strip()
        else:
            message = redact(record.getMessage())
        # One record, one line: a path a client sent (/x%0A…) may not forge the next one.
        text = f"{_timestamp(record)} {record.levelname} {record.name}: {_one_line(message)}"
        if record.exc_info:
            text += "\n" + redact(self.formatException(record.exc_info))
        return text


def log_format(default: str = "plain") -> str:
    """Return the configured log format: ``json`` or ``plain`` (``default`` when unset)."""
    chosen = (os.environ.get(LOG_FORMAT_VARIABLE) or default).strip().lower()
    if chosen not in ("json", "plain"):
        raise ValueError(f"{LOG_FORMAT_VARIABLE} must be json or plain, not {chosen!r}")
    return chosen


def formatter() -> logging.Formatter:
    """Return the formatter of the configured format."""
    return JsonFormatter() if log_format() == "json" else PlainFormatter()


def _level() -> int:
    name = (os.environ.get(LOG_LEVEL_VARIABLE) or "INFO").strip().upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        raise ValueError(f"{LOG_LEVEL_VARIABLE} must be a logging level, not {name!r}")
    return level


def configure_logging(*, root: bool = False) -> None:
    """Send gongkai's request and engine lines to standard error in the configured format.

    With ``root`` (a process of its own, a tick worker), every other
    logger's warnings (a driver's, a library's) go out in the same format too;
    otherwise they are left as they are (gunicorn's settings do the same).
    Calling it again adds no second handler.
    """
    ours = logging.getLogger(_ROOT_LOGGER)
    for logger in [ours, logging.getLogger()] if root else [ours]:
        handler = next((h for h in logger.handlers if isinstance(h, _StandardError)), None)
        if handler is None:
            handler = _StandardError()
            logger.addHandler(handler)
        handler.setFormatter(formatter())
    ours.setLevel(_level())
    ours.propagate = False


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged (it may be replaced)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        """Return the standard error of the moment."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def gunicorn_logconfig(default: str = "json") -> dict[str, Any]:
    """Return gunicorn's ``logconfig_dict``: its own lines and every other in our format."""
    name = log_format(default)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": f"{__name__}.JsonFormatter"},
            "plain": {"()": f"{__name__}.PlainFormatter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": name,
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            # gongkai writes its own request lines; gunicorn's access log stays off.
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


# -- metrics --------------------------------------------------------------------------

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The Prometheus metrics gongkai keeps, made once per process."""

    def __init__(self) -> None:
        # Imported here, not at the top: prometheus-client chooses where values live
        # (memory, or PROMETHEUS_MULTIPROC_DIR) when it is first imported.
        from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

        # A *_created series per counter doubles what is scraped for nothing we use.
        disable_created_metrics()
        self.requests = Counter(
            "gongkai_http_requests",
            "HTTP requests answered, by endpoint (the route), method and status.",
            ["endpoint", "method", "status"],
        )
        self.request_seconds = Histogram(
            "gongkai_http_request_duration_seconds",
            "Time to answer an HTTP request, by endpoint and method.",
            ["endpoint", "method"],
            buckets=_LATENCY_BUCKETS,
        )
        self.engine_calls = Counter(
            "gongkai_engine_calls",
            "Engine calls, by call and outcome (ok, or the engine error's code).",
            ["call", "outcome"],
        )
        self.engine_seconds = Histogram(
            "gongkai_engine_call_duration_seconds",
            "Time an engine call took, by call.",
            ["call"],
            buckets=_LATENCY_BUCKETS,
        )
        self.timers_due = Counter(
            "gongkai_timers_due",
            "Instances with a timer due that a tick found (each worker that looks counts it).",
        )
        self.timers_fired = Counter("gongkai_timers_fired", "BPMN timers fired by tick.")
        self.tick_failures = Counter(
            "gongkai_tick_failures", "Instances whose due timers failed to fire (a script error)."
        )
        self.tick_errors = Counter(
            "gongkai_tick_errors",
            "Ticks that failed as a whole (the database unreachable, a lost connection).",
        )
        self.tick_success = Gauge(
            "gongkai_tick_last_success_timestamp_seconds",
            "When a tick last finished (Unix time).",
            multiprocess_mode="max",
        )


_metrics: Metrics | None = None
_metrics_lock = threading.Lock()


def metrics() -> Metrics:
    """Return this process's metrics, made on first use."""
    global _metrics
    with _metrics_lock:
        if _metrics is None:
            _metrics = Metrics()
        return _metrics


class TaskGauges:
    """Open and overdue tasks, counted in the database when a scraper asks."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Any]:
        """Yield the gauges (``gongkai_database_up`` 0 when the database does not answer)."""
        from prometheus_client.core import GaugeMetricFamily

        try:
            counts = task_counts(self._engine.store, self._engine.now())
        except Exception:
            logging.getLogger(_ROOT_LOGGER).warning("metrics: the task counts could not be read")
            yield GaugeMetricFamily(
                "gongkai_database_up", "Whether the database answered the scrape.", value=0
            )
            return
        yield GaugeMetricFamily(
            "gongkai_database_up", "Whether the database answered the scrape.", value=1
        )
        yield GaugeMetricFamily("gongkai_tasks_open", "Ready user tasks.", value=counts.open)
        yield GaugeMetricFamily(
            "gongkai_tasks_overdue", "Ready user tasks past their due time.", value=counts.overdue
        )


def exposition(engine: Any | None = None) -> tuple[bytes, str]:
    """Return every metric of this process (or of all workers) and the task gauges, as text."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    metrics()  # every family shows, at zero, before its first use
    if os.environ.get(MULTIPROC_VARIABLE):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if engine is not None:
        gauges = CollectorRegistry(auto_describe=False)
        gauges.register(TaskGauges(engine))
        body += generate_latest(gauges)
    return body, CONTENT_TYPE_LATEST


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def metrics_refusal(environ: dict[str, Any], remote: str | None) -> tuple[int, str] | None:
    """Return (status, reason) when a request may not read the metrics, else None.

    With ``GONGKAI_METRICS_TOKEN`` set, the request must carry it as a bearer
    token.  Without it only the same host may read them, and not through a
    proxy (a proxy on the same host would otherwise pass everyone as local).
    """
    token = os.environ.get(METRICS_TOKEN_VARIABLE)
    if token:
        given = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8")
        ):
            return None
        return 401, "a bearer token is needed"
    if _loopback(remote) and not any(environ.get(name) for name in _FORWARDED):
        return None
    return 403, f"metrics are served to this host only (or set {METRICS_TOKEN_VARIABLE})"


bp = Blueprint("observability", __name__)


@bp.get("/metrics")
def metrics_page() -> ResponseReturnValue:
    """Serve the Prometheus metrics to a scraper that may read them."""
    refused = metrics_refusal(request.environ, request.remote_addr)
    if refused is not None:
        status, reason = refused
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        return Response(f"{status}: {reason}\n", status, headers, mimetype="text/plain")
    body, content_type = exposition(current_app.extensions["gongkai.engine"])
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=content_type)


def serve_metrics(port: int, host: str = "127.0.0.1") -> Any:
    """Serve this process's metrics on ``host:port`` in a thread (for tick workers)."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class _Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class _Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Log nothing: a scraper asks every few seconds."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "/") not in ("/", "/metrics"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"404: the metrics are at /metrics\n"]
        refused = metrics_refusal(environ, environ.get("REMOTE_ADDR"))
        if refused is not None:
            status, reason = refused
            phrase = "Unauthorized" if status == 401 else "Forbidden"
            headers = [("Content-Type", "text/plain")]
            if status == 401:
                headers.append(("WWW-Authenticate", "Bearer"))
            start_response(f"{status} {phrase}", headers)
            return [f"{status}: {reason}\n".encode()]
        body, content_type = exposition()
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]

    server = make_server(host, port, app, _Server, _Quiet)
    thread = threading.Thread(target=server.serve_forever, name="gongkai-metrics", daemon=True)
    thread.start()
    return server


# -- requests -------------------------------------------------------------------------


class RequestLog:
    """WSGI middleware: a request id for every request, one log line and metrics when done."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.logger = logging.getLogger(REQUEST_LOGGER)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Answer the request through the application; note its status; log it when sent."""
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(8)
        environ[_REQUEST_ID_KEY] = request_id
        seen: dict[str, Any] = {"status": 500}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append(("X-Request-ID", request_id))
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, start)
        except BaseException:
            self._done(environ, 500, started)
            raise
        return _Closing(body, lambda: self._done(environ, seen["status"], started))

    def _done(self, environ: dict[str, Any], status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        endpoint = environ.get(_ENDPOINT_KEY) or "<unmatched>"
        method = str(environ.get("REQUEST_METHOD", ""))[:16]
        # A label takes a few values only: each new one is a series kept for good, and a
        # client chooses the method (FOOA, FOOB, … each made 16 series, signed in or not).
        measured = method if method in _METHODS else "OTHER"
        try:
            chosen = metrics()
            chosen.requests.labels(endpoint, measured, str(status)).inc()
            chosen.request_seconds.labels(endpoint, measured).observe(seconds)
        except Exception:
            # Metrics must never cost a request its answer.
            pass
        path = str(environ.get("PATH_INFO", ""))
        fields = {
            "event": "request",
            "method": method,
            "path": path if len(path) <= _MAX_PATH else path[:_MAX_PATH] + "…",
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "user": environ.get(_USER_KEY) or "-",
            "remote_addr": environ.get("REMOTE_ADDR") or "-",
            "request_id": environ.get(_REQUEST_ID_KEY),
            "endpoint": endpoint,
        }
        level = logging.ERROR if status >= 500 else logging.INFO
        self.logger.log(level, "request", extra={"fields": fields})


class _Closing:
    """A response body that calls ``done`` once, when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self._body = body
        self._done = done
        self._called = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        """Close the application's body, then log the request (once)."""
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            if not self._called:
                self._called = True
                self._done()


def request_id() -> str | None:
    """Return the id of the request being answered, if any."""
    try:
        return request.environ.get(_REQUEST_ID_KEY)
    except RuntimeError:
        return None


def init_app(app: Flask) -> None:
    """Log and measure every request, instrument the engine and serve ``/metrics``."""
    if app.extensions.get("gongkai.observability"):
        return
    app.extensions["gongkai.observability"] = True
    if os.environ.get(LOG_FORMAT_VARIABLE):
        # Asked for (as gunicorn_conf does): the development server logs its own way.
        configure_logging()
    instrument(app.extensions["gongkai.engine"])
    app.register_blueprint(bp)
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]

    @app.after_request
    def _note(response: Response) -> Response:
        _note_request()
        return response

    @app.teardown_request
    def _teardown(_exc: BaseException | None) -> None:
        # An error that escaped every handler still has its route and user noted.
        _note_request()


def _note_request() -> None:
    environ = request.environ
    if request.url_rule is not None:
        environ[_ENDPOINT_KEY] = request.url_rule.rule
    # The user the request was answered for, if a view loaded him; else the one the
    # signed session names.  Never loaded here: a static file must not cost a query.
    user = g.get("_login_user")
    name = getattr(user, "username", None) if getattr(user, "is_authenticated", False) else None
    if name is None and user is None and request.cookies:
        name = session.get("_user_id")
    if isinstance(name, str):
        environ[_USER_KEY] = name


# -- engine calls -----------------------------------------------------------------------

#: the engine's parts whose public calls are logged and measured, as well as its own
PARTS = (
    "users",
    "queries",
    "catalogue",
    "calendar",
    "requests",
    "agency",
    "appeals",
    "basic_catalogue",
    "oversight",
    "drafts",
    "publication",
    "checkpoints",
    "diagrams",
)
#: public names that are helpers of other calls, or read on every page: not logged
NOT_CALLS = frozenset(
    {
        "now",
        "deploy_rules",
        "compiled",
        "first_step",
        "complete",
        "keep",
        "settle",
        "new_due_dates",
        "live_workflow",
        # the session's user, read on every request
        "users.get",
        "users.hash_secret",
        "users.secret_matches",
        "users.display_names",
        "agency.is_complete",
        "calendar.is_working_day",
        "basic_catalogue.may_manage",
        "requests.check_registrar",
    }
)
#: parameters that name what a call concerns
_ID_PARAMETERS = ("instance_id", "task_id")


@dataclass
class _Call:
    name: str
    ids: dict[str, Any] = field(default_factory=dict)


_current_call: contextvars.ContextVar[_Call | None] = contextvars.ContextVar(
    "gongkai_engine_call", default=None
)


def _ids_of(result: Any) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    task_id = getattr(result, "task_id", None)
    instance_id = getattr(result, "instance_id", None)
    if isinstance(task_id, str):
        ids["task_id"] = task_id
    if isinstance(instance_id, int):
        ids["instance_id"] = instance_id
    elif isinstance(result, InstanceView):
        ids["instance_id"] = result.id
    return ids


def _wrapped(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``method`` logging and measuring each outermost call of it as ``name``."""
    try:
        parameters = list(inspect.signature(method).parameters)
    except (TypeError, ValueError):
        parameters = []
    positions = {p: parameters.index(p) for p in _ID_PARAMETERS if p in parameters}
    logger = logging.getLogger(ENGINE_LOGGER)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        if _current_call.get() is not None:
            # A call made by another call is part of it: logged once, as the outer one.
            return method(*args, **kwargs)
        record = _Call(name)
        for parameter, position in positions.items():
            value = kwargs.get(parameter, args[position] if position < len(args) else None)
            if isinstance(value, int | str):
                record.ids[parameter] = value
        token = _current_call.set(record)
        started = time.perf_counter()
        outcome, error, level, result = "ok", None, logging.INFO, None
        try:
            result = method(*args, **kwargs)
        except EngineError as exc:
            outcome, error = "error", exc.code
            raise
        except Exception as exc:
            outcome, error, level = "error", type(exc).__name__, logging.ERROR
            raise
        else:
            for key, value in _ids_of(result).items():
                record.ids.setdefault(key, value)
            if name == "tick":
                level = _count_tick(result, level)
            return result
        finally:
            _current_call.reset(token)
            seconds = time.perf_counter() - started
            _log_call(logger, level, record, seconds, outcome, error, result)

    call.__gongkai_instrumented__ = True  # type: ignore[attr-defined]
    return call


def _count_tick(result: Any, level: int) -> int:
    """Count a tick's timers; return the level of its line (quiet when nothing was due)."""
    chosen = metrics()
    due = int(getattr(result, "instances", 0))
    chosen.timers_due.inc(due)
    chosen.timers_fired.inc(int(getattr(result, "timers_fired", 0)))
    chosen.tick_failures.inc(len(getattr(result, "failures", ())))
    chosen.tick_success.set(time.time())
    return level if due or getattr(result, "failures", ()) else logging.DEBUG


def _log_call(
    logger: logging.Logger,
    level: int,
    record: _Call,
    seconds: float,
    outcome: str,
    error: str | None,
    result: Any,
) -> None:
    try:
        chosen = metrics()
        chosen.engine_calls.labels(record.name, error or outcome).inc()
        chosen.engine_seconds.labels(record.name).observe(seconds)
    except Exception:
        pass
    if not logger.isEnabledFor(level):
        return
    fields: dict[str, Any] = {"event": "engine_call", "call": record.name, **record.ids}
    fields["duration_ms"] = round(seconds * 1000, 2)
    fields["outcome"] = outcome
    if error:
        fields["error"] = error
    if record.name == "tick" and result is not None:
        fields["timers_due"] = getattr(result, "instances", None)
        fields["timers_fired"] = getattr(result, "timers_fired", None)
        fields["failures"] = len(getattr(result, "failures", ()))
    if (found := request_id()) is not None:
        fields["request_id"] = found
    logger.log(level, "engine call", extra={"fields": fields})


def _public_calls(obj: Any) -> Iterator[str]:
    for name in dir(type(obj)):
        if name.startswith("_"):
            continue
        attribute = inspect.getattr_static(type(obj), name, None)
        if isinstance(attribute, staticmethod | classmethod) or inspect.isfunction(attribute):
            yield name


def instrument(engine: Any) -> Any:
    """Log and measure the public calls of ``engine`` and of its parts; return it.

    The calls are wrapped on this engine object only (its class is left as it
    is); a second call changes nothing.
    """
    if getattr(engine, "__gongkai_instrumented__", False):
        return engine
    targets: list[tuple[str, Any]] = [("", engine)]
    targets += [(f"{p}.", getattr(engine, p)) for p in PARTS if getattr(engine, p, None)]
    for prefix, obj in targets:
        for name in _public_calls(obj):
            full = prefix + name
            if full in NOT_CALLS:
                continue
            method = getattr(obj, name)
            if callable(method) and not getattr(method, "__gongkai_instrumented__", False):
                setattr(obj, name, _wrapped(full, method))
    engine.__gongkai_instrumented__ = True
    return engine
