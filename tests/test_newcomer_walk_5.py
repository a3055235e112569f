"""What a fifth newcomer's walk through the demo found, through the test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from engine import queries
from engine.store.repository import EventRow, Repository
from webui import get_engine

from .helpers import review, task_of
from .web import Browser, task_link


def _signed_in(app: Flask, username: str) -> Browser:
    return Browser(app.test_client()).login(username)


def _inbox_row(inbox: str, task: str) -> str:
    return next(row for row in inbox.split("<tr")[1:] if f'>{task}<span class="sr-only">' in row)


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


def test_the_opinions_box_says_how_many_there_are_in_all(app: Flask) -> None:
    # The 已有意见 box showed the newest six lines without saying so: a reviewer took them
    # for the whole sheet.
    instance_id, head, task, box = _sent_back_three_times(app)
    shown = box.count("<tr class=")
    assert f"共有 7 条办理意见，这里只列出最近的 {shown} 条。" in box and shown < 7
    assert f'href="/instances/{instance_id}/sheet">查看完整审签单（全部 7 条）</a>' in box
    sheet = head.get(f"/instances/{instance_id}/sheet")
    assert sheet.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr class=") == 7
    english = head.get(f"/tasks/{task.task_id}?case={instance_id}&lang=en")
    assert "There are 7 opinions in all" in english


def test_a_task_waiting_on_the_applicant_or_a_third_party_is_due_when_its_period_ends(
    app: Flask,
) -> None:
    # 等待意见 (and 等待补正, 等待缴费) said "—" in the inbox: the reply period stands still,
    # but the opinion is due by the end of the consultation's period, which the task page says.
    handler = _signed_in(app, "zhengshi")
    row = _inbox_row(handler.get("/"), "等待意见")
    page = handler.get(task_link(handler.get("/"), "等待意见"))
    card = page.split("<dt>意见期限</dt><dd>", 1)[1]
    until = re.match(r"\d{4}-\d\d-\d\d", card)
    assert until is not None and until.group(0) in row and "—" not in row


def test_the_opinions_box_counts_a_long_sheet_up_to_a_bound(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counting every line of a sheet sent back a thousand times read the whole history on
    # each task page; past the bound the page says "more than" and reads no further.
    monkeypatch.setattr(queries, "OPINIONS_COUNTED", 4)
    read: list[int] = []
    newest_events = Repository.newest_events

    def counted(
        self: Repository, *args: Any
    ) -> tuple[list[EventRow], list[tuple[str, str | None]]]:
        found = newest_events(self, *args)
        read.append(len(found[1]))
        return found

    monkeypatch.setattr(Repository, "newest_events", counted)
    instance_id, head, task, box = _sent_back_three_times(app)  # seven acts: past four
    assert "共有 4 条以上办理意见，这里只列出最近的" in box
    assert "查看完整审签单（4 条以上）</a>" in box
    assert read and max(read) <= 2 * 4 + 1
    english = head.get(f"/tasks/{task.task_id}?case={instance_id}&lang=en")
    assert "There are more than 4 opinions" in english


def _sent_back_three_times(app: Flask) -> tuple[int, Browser, Any, str]:
    """Send a draft back three times (seven acts, the draft's first); open the head's task page.

    Return the instance, the head's browser, his task and the page's 已有意见 box.
    """
    engine = get_engine(app)
    first = next(t for t in engine.queries.list_tasks("lisi") if t.element_id == "dept_review")
    instance_id = first.instance_id
    for _ in range(3):
        review(engine, instance_id, "dept_review", "lisi", "send_back", comment="请再改。")
        draft = task_of(engine, instance_id, "draft", "zhangsan")
        values = engine.queries.task_form(draft.task_id, "zhangsan").values
        kept = {k: v for k, v in values.items() if v is not None}
        engine.complete_task(draft.task_id, "zhangsan", kept)
    head = _signed_in(app, "lisi")
    task = task_of(engine, instance_id, "dept_review", "lisi")
    page = head.get(f"/tasks/{task.task_id}?case={instance_id}")
    return (
        instance_id,
        head,
        task,
        page.split('id="opinions-title"', 1)[1].split("</section>", 1)[0],
    )
