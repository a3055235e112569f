"""The JSON API's endpoints: each parses its input, calls the engine as its system, answers.

A system signs every call with its token (``Authorization: Bearer …``); the
engine then decides, as for a person, what the system may do and read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from marshmallow import fields, validate
from webargs import core
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import HTTPException

from engine import (
    ConflictError,
    Engine,
    EngineError,
    NotFoundError,
)
from engine.delivery import broadcast_from, deliver_from
from engine.views import TaskFormView, TaskPage, TaskView

from ..messages import error_message
from . import schemas
from .errors import engine_error, http_error, json_error

#: the error statuses of a call that reads, and of one that changes something
_READ_ERRORS = (400, 401, 403, 404)
_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)
#: the largest body a call may send: the API takes no files, and the largest form, a draft
#: with its longest text in escaped Chinese (\uXXXX each), is under half of it
BODY_LIMIT = 2**20
#: what a process id may be (a BPMN id): anything else names no process
_PROCESS_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,127}\Z")
_View = TypeVar("_View", bound=Callable[..., Any])

#: what each error status means, in English (the document's) and Chinese (the page's)
ERROR_NAMES = {
    400: ("The request is malformed or a parameter is invalid", "请求格式或参数有误"),
    401: ("No token, or a token that is unknown or revoked", "缺少令牌，或令牌无效、已撤销"),
    403: ("The system may not do or read this", "本系统无权办理或查看"),
    404: ("Not found", "找不到"),
    409: ("Someone else changed it first; read it again", "已被他人处理，请重新读取"),
    413: ("The request body is too large", "请求内容过大"),
    415: ("The request body is not JSON", "请求内容不是 JSON"),
    422: ("The data were refused: fields says why", "数据未通过校验，见 fields"),
}


class ApiParser(FlaskParser):
    """Webargs' parser: a body that is not JSON answers 415, JSON it cannot read 400."""

    def _raw_load_json(self, req: Any) -> Any:
        body = req.get_data(cache=True)
        if not body:
            return core.missing
        if not core.is_json(req.mimetype):
            abort(415, code="request.not_json")
        try:
            return core.parse_json(body)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError):
            # Numbers of thousands of digits, nesting deeper than Python's stack.
            abort(400, messages={"json": ["Invalid JSON body."]})


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint parsing with ``ApiParser``."""

    ARGUMENTS_PARSER = ApiParser()


bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Cases, tasks, documents and requests, for the government's other systems",
)


def _engine() -> Engine:
    engine: Engine = current_app.extensions["gongkai.engine"]
    return engine


def _system() -> str:
    """Return the user the call's token belongs to."""
    return str(g.api_user)


def _errors(*statuses: int) -> Callable[[_View], _View]:
    """Document the error answers of an endpoint (all JSON ``ErrorSchema``)."""

    def decorate(view: _View) -> _View:
        for status in statuses:
            en = ERROR_NAMES[status][0]
            headers = (
                {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}}
                if status == 401
                else None
            )
            view = bp.alt_response(
                status, schema=schemas.ErrorSchema, description=en, headers=headers
            )(view)
        return view

    return decorate


def _zh(summary: str) -> Callable[[_View], _View]:
    """Give an endpoint its summary in Chinese, beside the docstring's English."""
    return bp.doc(**{"x-summary-zh": summary})


# -- the answers around every call ----------------------------------------------------------


@bp.before_request
def _limit_body() -> None:
    """Refuse a body over ``BODY_LIMIT`` unread (413), whatever the pages' limit for files."""
    request.max_content_length = min(request.max_content_length or BODY_LIMIT, BODY_LIMIT)


@bp.before_request
def _authenticate() -> Response | None:
    """Let a call through only with a valid token; remember whose it is."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return json_error(401, "auth.token_required")
    user = _engine().tokens.authenticate(token.strip())
    if user is None:
        return json_error(401, "auth.token_invalid")
    g.api_user = user
    return None


@bp.after_request
def _no_store(response: Response) -> Response:
    # Answers hold cases and personal data: no cache keeps them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_app_request
def _routing_error() -> Response | None:
    """Answer a path under /api/v1 that names nothing (or not with this method) in JSON."""
    exc = request.routing_exception
    if (
        isinstance(exc, HTTPException)
        and exc.code in (404, 405)
        and (request.path + "/").startswith(bp.url_prefix + "/")
    ):
        return http_error(exc)
    return None


bp.register_error_handler(EngineError, engine_error)
bp.register_error_handler(HTTPException, http_error)


# -- the inbox -------------------------------------------------------------------------------


def inbox(engine: Engine, username: str, after: str | None, limit: int) -> TaskPage:
    """Return a page of the tasks ``username`` may work on (paged in SQL by the engine)."""
    return engine.queries.inbox(username, after, limit)


@bp.get("/tasks")
@_zh("列出本系统可办理的任务（分页）")
@bp.arguments(schemas.TaskArgs, location="query", error_status_code=400)
@bp.response(200, schemas.TaskPageSchema)
@_errors(*_READ_ERRORS)
def list_tasks(args: dict[str, Any]) -> TaskPage:
    """List the tasks the system may work on, claimed ones first, a page at a time."""
    return inbox(_engine(), _system(), args["after"], args["limit"])


# -- one task --------------------------------------------------------------------------------


def _field_type(field: fields.Field[Any]) -> str:
    kinds: list[tuple[type[fields.Field[Any]], str]] = [
        (fields.Boolean, "boolean"),
        (fields.Integer, "integer"),
        (fields.Number, "number"),
        (fields.List, "array"),
        (fields.DateTime, "datetime"),
        (fields.Date, "date"),
        (fields.Dict, "object"),
        (fields.Nested, "object"),
    ]
    return next((kind for cls, kind in kinds if isinstance(field, cls)), "string")


def _max_length(field: fields.Field[Any]) -> int | None:
    limits = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max]
    return min(limits) if limits else None


def _form(view: TaskFormView) -> dict[str, Any]:
    """Return a task's form as the API describes it: each field, its kind, label and choices."""
    opinions = _engine().forms.opinion_fields(view.task.form)
    items = []
    for name, field in view.form.fields.items():
        if field.dump_only:
            continue
        meta = field.metadata
        choices = [
            {"value": key, "label": labels[0], "label_en": labels[-1]}
            for key, labels in (meta.get("choices") or {}).items()
        ]
        if meta.get("blank"):
            zh, en = meta["blank"]
            choices.insert(0, {"value": "", "label": zh, "label_en": en})
        items.append(
            {
                "name": name,
                "type": _field_type(field),
                "required": bool(field.required),
                "label": str(meta.get("label") or name),
                "label_en": str(meta.get("label_en") or meta.get("label") or name),
                "choices": choices,
                "max_length": _max_length(field),
                "opinion": name in opinions,
            }
        )
    return {"name": view.task.form, "items": items}


@bp.get("/tasks/<task:task_id>")
@_zh("读取任务及其表单")
@bp.response(200, schemas.TaskFormSchema)
@_errors(*_READ_ERRORS, 409)
def get_task(task_id: str) -> dict[str, Any]:
    """Read a task the system may work on, with its form, the form's values and the case."""
    view = _engine().queries.task_form(task_id, _system())
    return {
        "task": view.task,
        "form": _form(view),
        "values": view.values,
        "data": view.data,
        "drafting": view.drafting,
        "shared": view.shared,
    }


@bp.post("/tasks/<task:task_id>/claim")
@_zh("认领任务")
@bp.response(200, schemas.TaskSchema)
@_errors(*_READ_ERRORS, 409)
def claim(task_id: str) -> TaskView:
    """Claim a task, so that the other holders of its role no longer see it."""
    return _engine().claim(task_id, _system())


@bp.post("/tasks/<task:task_id>/release")
@_zh("释放已认领的任务")
@bp.response(200, schemas.TaskSchema)
@_errors(*_READ_ERRORS, 409)
def release(task_id: str) -> TaskView:
    """Give a task the system claimed back to every holder of its role."""
    return _engine().release(task_id, _system())


@bp.post("/tasks/<task:task_id>/complete")
@_zh("办理完成任务")
@bp.arguments(schemas.CompleteSchema, required=False)
@bp.response(200, schemas.InstanceSchema)
@_errors(*_WRITE_ERRORS)
def complete(body: dict[str, Any], task_id: str) -> Any:
    """Complete a task with its form's data; the instance as it then stands.

    Invalid data answer 422 naming every field; a task done by someone
    else first, or an instance changed since ``version``, answers 409.
    """
    return _engine().complete_task(task_id, _system(), body["data"], body["version"])


# -- instances -------------------------------------------------------------------------------


@bp.post("/processes/<process_id>/instances")
@_zh("发起流程实例")
@bp.arguments(schemas.StartSchema, required=False)
@bp.response(201, schemas.InstanceSchema)
@_errors(*_WRITE_ERRORS)
def start(body: dict[str, Any], process_id: str) -> Any:
    """Start an instance of the newest version of a process, as the system.

    A process drafted in a form (the document approval) keeps ``data`` in
    its drafting task, checked field by field; with ``submit`` the whole
    form is checked first and the draft is submitted at once.
    """
    engine, system = _engine(), _system()
    if not _PROCESS_ID.match(process_id):
        raise NotFoundError("process.not_deployed", process=process_id)
    data = body["data"]
    try:
        draft = engine.queries.draft_form(process_id, system)
    except ConflictError as exc:
        if exc.code != "process.no_draft":
            raise
        return engine.start(process_id, system, data)
    if body["submit"]:
        # Check it all before anything exists: a refused draft leaves nothing behind.
        engine.forms.validate(draft.form_name, data, extra={draft.form_name: draft.form})
    instance = engine.start_draft(process_id, system, data)
    if body["submit"]:
        instance = engine.complete_task(instance.ready_tasks[0].task_id, system, data)
    return instance


@bp.get("/instances/<id:instance_id>")
@_zh("读取流程实例")
@bp.response(200, schemas.InstanceSchema)
@_errors(*_READ_ERRORS)
def get_instance(instance_id: int) -> Any:
    """Read an instance the system may read: its data and ready tasks."""
    return _engine().queries.get_instance(instance_id, _system())


@bp.get("/instances/<id:instance_id>/history")
@_zh("分页读取流程实例的历史")
@bp.arguments(schemas.HistoryArgs, location="query", error_status_code=400)
@bp.response(200, schemas.TimelineSchema)
@_errors(*_READ_ERRORS)
def history(args: dict[str, Any], instance_id: int) -> Any:
    """Read a bounded page of an instance's history, in order, with its hash chain."""
    return _engine().queries.timeline(instance_id, _system(), args["from_seq"], args["limit"])


# -- messages --------------------------------------------------------------------------------


@bp.post("/instances/<id:instance_id>/messages")
@_zh("向流程实例发送消息")
@bp.arguments(schemas.MessageSchema)
@bp.response(200, schemas.InstanceSchema)
@_errors(*_WRITE_ERRORS)
def deliver(body: dict[str, Any], instance_id: int) -> Any:
    """Deliver a BPMN message to an instance the system started or worked on.

    An instance that does not wait for it answers 409.
    """
    return deliver_from(_engine(), instance_id, body["name"], body["payload"], _system())


@bp.post("/messages")
@_zh("向等待该消息的流程实例发送消息")
@bp.arguments(schemas.MessageSchema)
@bp.response(200, schemas.DeliverySchema)
@_errors(*_WRITE_ERRORS)
def broadcast(body: dict[str, Any]) -> dict[str, Any]:
    """Deliver a BPMN message to every instance waiting for it that the system took part in.

    Each takes it as its BPMN correlates it; the answer lists those that did,
    and those that could not (a script of theirs failed) with the error: they
    were left waiting, and sending again reaches them.
    """
    sent = broadcast_from(_engine(), body["name"], body["payload"], _system())
    failed = [
        {"instance_id": instance_id, "code": exc.code, "message": error_message(exc)}
        for instance_id, exc in sent.failed
    ]
    return {"reached": list(sent.reached), "failed": failed}


# -- documents and requests ------------------------------------------------------------------


@bp.get("/documents/<id:document_id>")
@_zh("读取公文")
@bp.response(200, schemas.DocumentSchema)
@_errors(*_READ_ERRORS)
def document(document_id: int) -> Any:
    """Read an issued document: whole to a reader of its case, else as the public reads it."""
    return _engine().catalogue.get_document(document_id, _system())


@bp.get("/requests/<id:request_id>")
@_zh("读取依申请公开申请（含申请人信息）")
@bp.response(200, schemas.RequestSchema)
@_errors(*_READ_ERRORS)
def disclosure_request(request_id: int) -> Any:
    """Read a disclosure request with its applicant: for registrars and its handlers only."""
    return _engine().requests.get(request_id, _system())
