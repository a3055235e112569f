"""The annual report's part two: 主动公开政府信息情况, the rows of normative documents (废止)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import (
    ConflictError,
    Engine,
    FormValidationError,
    InvalidInputError,
    PermissionDeniedError,
)
from engine.clock import ManualClock
from engine.disclosure.models import Document
from engine.disclosure.repeal import NORMATIVE_ROW, RULES_ROW, normative_table, repeal

from .conftest import WORKFLOWS
from .helpers import AUDITOR, approve_until, beijing, review, while_another_writes
from .web import Browser


def _issue(engine: Engine, title: str, doc_type: str = "normative", drafter: str = "zhang") -> int:
    """Draft a document and approve it to sign-off; return its catalogue id."""
    instance = engine.start("document_approval", drafter)
    draft = {
        "title": title,
        "doc_type": doc_type,
        "body": f"{title}\n各区市人民政府，市政府各部门：现将有关事项通知如下。",
        "attribute": "proactive",
    }
    engine.complete_task(instance.ready_tasks[0].task_id, drafter, draft)
    return instance.id


def _document_id(engine: Engine, instance_id: int) -> int:
    with engine.store.read() as repo:
        found = repo.connection.execute(
            select(Document.id).where(Document.instance_id == instance_id)
        ).scalar_one()
    return int(found)


def _issued(engine: Engine, clock: ManualClock, moment: str, title: str, **kw: Any) -> int:
    clock.now = beijing(moment)
    instance_id = _issue(engine, title, **kw)
    approve_until(engine, instance_id)
    return _document_id(engine, instance_id)


@pytest.fixture
def office(engine: Engine) -> Engine:
    """The approvers of documents (li, wang of the office, zhao), a drafter and an admin."""
    for name, role in (("zhang", "drafter"), ("li", "dept_head"), ("wang", "office")):
        engine.users.add(name, [role])
    engine.users.add("zhao", ["leader"])
    engine.users.add("root", ["admin"])
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    return engine


@pytest.fixture
def issued(office: Engine, clock: ManualClock) -> dict[str, int]:
    """Normative documents issued over 2025-2026, and a general one (never counted)."""
    return {
        "a": _issued(office, clock, "2025-03-03 09:00", "关于规范行政执法的规定"),
        # the last evening of 2025 in Beijing (still 2025 there, the 31st in UTC too)
        "b": _issued(office, clock, "2025-12-31 23:30", "关于加强合同管理的办法"),
        "c": _issued(office, clock, "2026-02-02 09:00", "关于公共资源交易的暂行办法"),
        "general": _issued(
            office, clock, "2026-02-03 09:00", "关于召开会议的通知", doc_type="general"
        ),
    }


def _rows(engine: Engine, year: int) -> tuple[int, int, int]:
    table = normative_table(engine, year, AUDITOR)
    assert table.year == year
    return table.issued, table.repealed, table.in_force


def test_the_rows_of_two_years_count_issued_repealed_and_in_force(
    office: Engine, issued: dict[str, int]
) -> None:
    assert _rows(office, 2025) == (2, 0, 2)
    assert _rows(office, 2026) == (1, 0, 3)
    # repealed on New Year's Day 2026: still in force at the end of 2025
    repeal(office, issued["a"], "wang", "2026-01-01", "已被新规定替代。")
    # repealed in 2027: in force at the end of 2026
    repeal(office, issued["c"], "root", "2027-01-05", "试行期满。")
    assert _rows(office, 2025) == (2, 0, 2)
    assert _rows(office, 2026) == (1, 1, 2)
    assert _rows(office, 2027) == (0, 1, 1)
    assert _rows(office, 2024) == (0, 0, 0)
    with office.store.read() as repo:
        row = repo.connection.execute(
            select(Document.repealed_on, Document.repeal_reason).where(Document.id == issued["a"])
        ).one()
    assert tuple(row) == ("2026-01-01", "已被新规定替代。")
    # the catalogue shows it repealed
    (entry,) = [d for d in office.catalogue.list_documents(AUDITOR) if d.id == issued["a"]]
    assert entry.repealed_on == "2026-01-01"
    # the office and admins read the rows too; a drafter does not
    assert normative_table(office, 2026, "wang").repealed == 1
    with pytest.raises(PermissionDeniedError):
        normative_table(office, 2026, "zhang")
    with pytest.raises(InvalidInputError):
        normative_table(office, 1999, AUDITOR)


def test_a_repeal_is_refused_and_nothing_written(office: Engine, issued: dict[str, int]) -> None:
    a = issued["a"]
    for user in ("zhang", "li", AUDITOR):
        with pytest.raises(PermissionDeniedError):
            repeal(office, a, user, "2026-01-01", "理由")
    with pytest.raises(InvalidInputError) as refused:
        repeal(office, issued["general"], "wang", "2026-03-01", "理由")
    assert refused.value.code == "document.not_normative"
    with pytest.raises(FormValidationError) as caught:
        repeal(office, a, "wang", "2025-03-02", "理由")
    assert caught.value.errors["repealed_on"][0].code == "document.repealed_before_issued"
    with pytest.raises(FormValidationError) as caught:
        repeal(office, a, "wang", "2026-01-01", "  ")
    assert set(caught.value.errors) == {"repeal_reason"}
    with pytest.raises(FormValidationError) as caught:
        repeal(office, a, "wang", "2026-02-30", "")
    assert set(caught.value.errors) == {"repealed_on", "repeal_reason"}
    assert _rows(office, 2026) == (1, 0, 3)
    # the issue day itself is fine, in Beijing time; twice is not
    repeal(office, issued["b"], "wang", "2025-12-31", "理由")
    with pytest.raises(ConflictError) as twice:
        repeal(office, issued["b"], "wang", "2026-01-02", "理由")
    assert twice.value.code == "document.already_repealed"
    assert _rows(office, 2025) == (2, 1, 1)


def _demo_normative(app: Flask, clock: ManualClock) -> int:
    engine: Engine = app.extensions["gongkai.engine"]
    clock.now = beijing("2026-03-02 09:00")
    instance_id = _issue(engine, "关于规范政务服务的规定", drafter="zhangsan")
    for element, user in (("dept_review", "lisi"), ("office_review", "wangwu")):
        review(engine, instance_id, element, user)
    review(engine, instance_id, "sign_off", "zhaoliu")
    return _document_id(engine, instance_id)


def test_the_office_repeals_on_the_page_and_the_report_counts_it(
    app: Flask, client: FlaskClient, clock: ManualClock
) -> None:
    document_id = _demo_normative(app, clock)
    page = f"/documents/{document_id}"
    drafter = Browser(client).login("zhangsan")
    assert 'name="repeal_reason"' not in drafter.get(page)
    drafter.post(f"{page}/repeal", {"repealed_on": "2026-06-01", "repeal_reason": "理由"}, 403)
    client.post("/logout", data={"csrf_token": drafter.token})

    office = Browser(client).login("wangwu")
    assert 'name="repeal_reason"' in office.get(page)
    # refused day: the page again, with the reason
    refused = {"repealed_on": "2026-03-01", "repeal_reason": "x"}
    shown = office.post(f"{page}/repeal", refused, status=422)
    assert 'id="repealed_on-error"' in shown and "x</textarea>" in shown
    assert "已废止" not in office.get(page)
    sent = {"repealed_on": "2026-06-01", "repeal_reason": "已被新规定替代。"}
    assert office.post(f"{page}/repeal", sent) == page
    shown = office.get(page)
    assert "已废止" in shown and "2026-06-01" in shown and "已被新规定替代。" in shown
    assert 'name="repeal_reason"' not in shown
    client.post("/logout", data={"csrf_token": office.token})

    auditor = Browser(client).login("qianyi")
    html = auditor.get("/report/annual?year=2026")
    assert html.index('id="row-new"') < html.index('id="normative"') < html.index('id="appeals"')
    assert "主动公开政府信息情况" in html
    normative = html[html.index('id="normative-documents"') :]
    assert "<td>1</td><td>1</td><td>0</td>" in normative[: normative.index("</tr>")]
    rules = html[html.index('id="normative-rules"') :]
    assert rules[: rules.index("</tr>")].count("—") == 3
    response = client.get("/report/annual.xlsx?year=2026")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 3
    assert "复议诉讼" in book.sheetnames[1]
    sheet = book[book.sheetnames[2]]
    assert sheet.title == "2026 主动公开"
    assert [sheet.cell(RULES_ROW, c).value for c in range(1, 5)] == ["规章", "—", "—", "—"]
    assert [sheet.cell(NORMATIVE_ROW, c).value for c in range(1, 5)] == ["行政规范性文件", 1, 1, 0]


def test_of_two_repeals_at_once_the_second_is_refused_not_written_over_the_first(
    office: Engine, issued: dict[str, int]
) -> None:
    repealed = (
        "UPDATE documents SET repealed_on = '2026-05-01', repeal_reason = '先到' WHERE id = :id"
    )
    with pytest.raises(ConflictError) as caught:
        while_another_writes(
            office,
            repealed,
            {"id": issued["a"]},
            lambda: repeal(office, issued["a"], "root", "2026-06-01", "后到"),
        )
    assert caught.value.code == "document.already_repealed"
    with office.store.read() as repo:
        row = repo.connection.execute(
            select(Document.repealed_on, Document.repeal_reason).where(Document.id == issued["a"])
        ).one()
    assert tuple(row) == ("2026-05-01", "先到")
