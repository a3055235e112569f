"""What a fifth newcomer's walk through the demo found, through the test client."""

from __future__ import annotations

import re

from flask import Flask

from .web import Browser, task_link


def _signed_in(app: Flask, username: str) -> Browser:
    return Browser(app.test_client()).login(username)


def _inbox_row(inbox: str, task: str) -> str:
    return next(row for row in inbox.split("<tr")[1:] if f">{task}<span class=\"sr-only\">" in row)


def test_an_extension_to_approve_is_due_when_the_reply_is(app: Flask) -> None:
    # The inbox said "—" for 延期审批: the reply period runs on while the extension waits to
    # be approved, so it is due when the reply is.
    handler = _signed_in(app, "zhengshi")
    inbox = handler.get("/")
    due = re.search(r"\d{4}-\d\d-\d\d", _inbox_row(inbox, "办理"))
    assert due is not None
    path = task_link(inbox, "办理")
    handler.get(path)
    asked = {"action": "extend", "extension_days": "15", "extension_reason": "需调取档案核实。"}
    handler.post(path, asked)
    row = _inbox_row(_signed_in(app, "wangwu").get("/"), "延期审批")
    assert due.group(0) in row and "—" not in row
