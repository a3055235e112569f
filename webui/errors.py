"""Engine errors mapped to HTTP statuses, each with a page that says what happened."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine import (
    ConflictError,
    EngineError,
    InvalidInputError,
    NotFoundError,
    NotReviewedError,
    PermissionDeniedError,
    ScriptError,
    UnavailableError,
)

from .auth import resume_after_sign_in
from .messages import error_message
from .security import PLAIN_FORM

#: engine error -> HTTP status
STATUS = {
    NotFoundError: 404,
    PermissionDeniedError: 403,
    ConflictError: 409,
    NotReviewedError: 409,
    InvalidInputError: 400,
    # The step was refused and nothing changed: the workflow, not the server, failed.
    ScriptError: 422,
    # The database restarting or out of reach: not the reader's fault, and it passes.
    UnavailableError: 503,
}


def error_page(
    status: int, title: str, message: str, kept: list[tuple[str, str]] | None = None
) -> ResponseReturnValue:
    """Render the error page (as plain text where no link can be built, e.g. for a bad Host).

    ``kept`` is what the refused form held, (label, text), shown to copy: nothing was saved.
    """
    if request_ctx.url_adapter is None:
        return Response(f"{status} {title}\n{message}\n", status, mimetype="text/plain")
    try:
        current_user.is_authenticated  # noqa: B018 - the layout shows who is signed in
    except UnavailableError:
        _as_visitor()  # a 404 while the database is away is still a 404 page
    page = render_template("error.html", status=status, title=title, message=message, kept=kept)
    return page, status


def _as_visitor() -> None:
    """Show the page as to a visitor unless the user is known: it must not need the database."""
    if "_login_user" not in g:  # where Flask-Login keeps the user it has loaded
        g._login_user = current_app.login_manager.anonymous_user()


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> ResponseReturnValue:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
        titles = {
            404: _("找不到"),
            # Refused a page one only reads, or an action one tried to take.
            403: _("无权查看") if request.method in ("GET", "HEAD") else _("无权办理"),
            409: _("已被处理"),
            400: _("输入有误"),
            422: _("流程无法继续"),
            503: _("暂时无法服务"),
        }
        if status == 503:
            _as_visitor()  # reading the user again would wait for the database again
        title = _("未经保密审查") if isinstance(exc, NotReviewedError) else titles.get(status)
        response = make_response(error_page(status, title or _("出错了"), error_message(exc)))
        if status == 503:
            response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        # The session, and the token with it, ended while a signed-in page's form was open.
        if request_ctx.url_adapter is not None and (resumed := resume_after_sign_in()):
            return resumed
        expired = _(
            "表单已失效：页面打开的时间太长，或不是从本站提交的。请返回上一页，刷新后重新提交。"
        )
        return error_page(400, _("表单已过期"), expired)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        messages = {
            404: (_("找不到"), _("没有这个页面。")),
            403: (_("无权查看"), _("您没有权限查看此页面。")),
            413: (_("内容太大"), _too_large()),
            400: (_("请求无效"), _("请求无效。")),
            # An action's address opened as a page (a reload after a refusal, a bookmark).
            405: (_("不支持此操作"), _("这个地址只用于页面上的按钮，不能直接打开。请返回上一页。")),
        }
        status = exc.code or 500
        title, message = messages.get(status, (str(status), exc.description or ""))
        return error_page(status, title, message)


def _too_large() -> str:
    """Say which limit a refused request went over: the whole request's, or its form's."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    sent = request.content_length
    if request.mimetype != PLAIN_FORM and (sent is None or sent > limit):
        return _(
            "提交的内容太大：一次最多 %(limit).1f MB。请缩小附件后重试。",
            limit=limit / 1024 / 1024,
        )
    # Within the request's limit, the form itself was too much: a field's text (or the
    # whole of a form sent without files) over the form's memory, or too many fields.
    return _(
        "提交的表单太大：文字一次最多 %(text)d KB，栏目最多 %(parts)d 个。请缩短后重试。",
        text=(request.max_form_memory_size or 0) // 1024,
        parts=request.max_form_parts or 0,
    )
