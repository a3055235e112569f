"""What a seventh newcomer's walk through the demo found, through the test client."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from engine import Engine
from engine.checkpoints import generate_key, verify_export

from .test_newcomer_walk_6 import draft_a_disclosing_reply
from .web import Browser, task_link


def _signed_in(app: Flask, username: str) -> Browser:
    return Browser(app.test_client()).login(username)


def test_the_auditor_downloads_a_history_as_the_command_line_exports_it(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only `gongkai audit export` on the server gave an instance's history to verify
    # elsewhere: an auditor without a shell could not take it with him.
    monkeypatch.setenv("GONGKAI_CHECKPOINT_LOG", str(tmp_path / "checkpoints.jsonl"))
    public = generate_key(tmp_path / "key.pem")
    engine: Engine = app.extensions["gongkai.engine"]
    engine.checkpoints.create(tmp_path / "key.pem")
    # Read a few events at a time, as a long history is: the file is the same.
    monkeypatch.setattr("engine.checkpoints.EXPORT_PAGE", 3)
    auditor = _signed_in(app, "qianyi")
    page = auditor.get("/audit/instances/1")
    assert 'href="/audit/instances/1/history.jsonl"' in page
    assert "gongkai audit verify --file gongkai-history-1.jsonl --public-key 公钥" in page
    assert "哈希链" in page and "gongkai audit checkpoint" in page
    assert "Verify: on any computer" in auditor.get("/audit/instances/1?lang=en")
    answer = auditor.client.get("/audit/instances/1/history.jsonl")
    assert answer.status_code == 200 and answer.is_streamed
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="gongkai-history-1.jsonl"'
    )
    assert answer.mimetype == "application/jsonl"
    lines = answer.get_data(as_text=True).splitlines()
    assert lines == list(engine.checkpoints.export([1]))
    kinds = [json.loads(line)["kind"] for line in lines]
    events = len(engine.queries.history(1))
    assert kinds == ["public_key", "checkpoint", "instance"] + ["event"] * events
    assert events > 3
    report = verify_export(lines, public)
    assert report.ok and report.instances == 1, report.problems
    # The verify page points to it too.
    assert "/audit/instances/1#export" in auditor.get("/audit/instances/1/verify")


def test_only_who_may_audit_an_instance_downloads_its_history(app: Flask) -> None:
    # 张三 drafted instance 1 and reads its timeline, but verifying and exporting are the
    # auditor's: he is refused in the usual words, and the page offers him no link.
    drafter = _signed_in(app, "zhangsan")
    page = drafter.get("/audit/instances/1")
    assert "history.jsonl" not in page and "导出办理记录" not in page
    refused = drafter.get("/audit/instances/1/history.jsonl", status=403)
    assert "无权查看，或不存在。" in refused
    # A stranger to the instance learns nothing of whether it exists.
    assert "无权查看，或不存在。" in drafter.get("/audit/instances/99999/history.jsonl", status=403)
    _signed_in(app, "qianyi").get("/audit/instances/99999/history.jsonl", status=404)


def _sign_the_waiting_reply(app: Flask, delivery: str | None = None) -> tuple[Browser, str, int]:
    """Sign the demo's reply waiting for the office head; return his browser, inbox, request."""
    engine: Engine = app.extensions["gongkai.engine"]
    office = _signed_in(app, "wangwu")
    path = task_link(office.get("/"), "签发答复")
    instance_id = int(path.rsplit("=", 1)[1])
    request_id = int(engine.queries.get_instance(instance_id).data["request_id"])
    if delivery is not None:
        # The demo's applicants all asked for post: another one asked otherwise.
        with engine.store.write() as repo:
            repo.connection.execute(
                text("UPDATE disclosure_requests SET delivery = :d WHERE id = :i"),
                {"d": delivery, "i": request_id},
            )
    office.get(path)
    onward = office.post(path, {"decision": "approve"})
    return office, office.get(onward), request_id


def test_signing_a_reply_to_post_says_to_print_and_post_the_letter(app: Flask) -> None:
    # Signed, the reply went to the applicant's status page; one who asked for it by post
    # got nothing, for nobody told the office head that the letter was now his to send.
    office, inbox, request_id = _sign_the_waiting_reply(app)
    letter = f'<a href="/requests/{request_id}/letter.pdf">答复书（PDF）</a>'
    assert (
        f"申请人要求邮寄答复：请打印{letter}，寄往申请人的通信地址：威海市环翠区新威路1号。"
        in inbox
    )
    pdf = office.client.get(f"/requests/{request_id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # He who signed it may print it; the letter stays closed to others without a need to know.
    for stranger in ("sunqi", "admin", "qianyi"):
        refused = _signed_in(app, stranger).client.get(f"/requests/{request_id}/letter.pdf")
        assert refused.status_code == 403, stranger


def test_signing_a_reply_to_collect_says_to_hand_it_over(app: Flask) -> None:
    _, inbox, request_id = _sign_the_waiting_reply(app, "collect")
    assert "申请人要求自行领取答复：请打印" in inbox
    assert f'href="/requests/{request_id}/letter.pdf"' in inbox
    assert "前来领取，当面交给申请人。" in inbox and "邮寄" not in inbox


def test_signing_a_reply_sent_by_email_asks_nothing_more(app: Flask) -> None:
    _, inbox, _request = _sign_the_waiting_reply(app, "email")
    assert "已提交：签发答复" in inbox
    assert "请打印" not in inbox and "letter.pdf" not in inbox


def _inbox_row(inbox: str, subject: str) -> str:
    rows = (row.split("</tr>", 1)[0] for row in inbox.split("<tr")[1:])
    return next(row for row in rows if ">保密审查<span" in row and subject in row)


def test_the_review_of_a_reply_is_due_when_the_reply_is(app: Flask) -> None:
    # The reviewer's inbox said 无办理时限 for a reply's review while the request's 20 working
    # days ran on: the review is part of them, due when the reply is.
    engine: Engine = app.extensions["gongkai.engine"]
    instance_id = draft_a_disclosing_reply(app)
    data = engine.queries.get_instance(instance_id).data
    due_at = data["clock"]["due_at"]
    # The day the request's own page and list give as its reply deadline (答复期限).
    due_on = engine.requests.get(data["request_id"], "wujiu").due_on
    assert due_on
    reviewer = _signed_in(app, "sunqi")
    row = _inbox_row(reviewer.get("/"), "依申请〔2026〕3号")
    assert "无办理时限" not in row, row
    assert due_on in row, row
    (review,) = [t for t in engine.queries.list_tasks("sunqi") if t.instance_id == instance_id]
    assert review.due_at and datetime.fromisoformat(review.due_at) == datetime.fromisoformat(due_at)


def test_the_review_of_a_document_is_due_when_its_publication_is(app: Flask) -> None:
    # A proactive document is published within 20 working days of issue (条例 Art. 26), its
    # review first: the review is due by then.
    engine: Engine = app.extensions["gongkai.engine"]
    (review,) = [
        t
        for t in engine.queries.list_tasks("sunqi")
        if t.element_id == "confidentiality_review_task"
    ]
    issued = engine.queries.get_instance(review.instance_id).data["issued"]
    due_at = issued["publish_due_at"]
    assert due_at and review.due_at
    assert datetime.fromisoformat(review.due_at) == datetime.fromisoformat(due_at)
    row = _inbox_row(_signed_in(app, "sunqi").get("/"), review.subject or "")
    assert "无办理时限" not in row and "剩余" in row


def test_a_new_draft_puts_the_keyboard_in_its_title(app: Flask) -> None:
    # 起草新公文 opened with the keyboard at the top of the page: a drafter tabbed through the
    # menu to reach the title he came to type.
    drafter = _signed_in(app, "zhangsan")
    page = drafter.get("/drafts/new")
    assert page.count(" autofocus") == 1
    title = re.search(r"<input [^>]*id=\"f-title\"[^>]*>", page)
    assert title is not None and " autofocus" in title.group(0)
    # Sent back with errors, the page leaves the keyboard to the first field in error
    # (page.js): no field takes it first.
    again = drafter.post("/drafts/new", {"action": "submit", "title": ""}, status=422)
    assert "autofocus" not in again and 'aria-invalid="true"' in again
