"""The annual report's table of requests (收到和处理政府信息公开申请情况), over two years."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from engine import Engine, InvalidInputError, PermissionDeniedError
from engine.clock import ManualClock
from engine.disclosure.report import (
    FIRST_BODY_ROW,
    RequestTable,
    request_table,
    sheet_row_of,
    to_xlsx,
)
from webui.cli import main

from .conftest import WORKFLOWS
from .helpers import AUDITOR, beijing, task_of, waiting_task
from .web import Browser

#: column index of each applicant (the last column is the total)
NATURAL, COMMERCIAL, RESEARCH, PUBLIC_INTEREST, LEGAL, OTHER, TOTAL = range(7)
ORGANISATION_KINDS = {
    COMMERCIAL: "commercial",
    RESEARCH: "research",
    PUBLIC_INTEREST: "public_interest",
    LEGAL: "legal_services",
    OTHER: "other",
}

#: (received, applicant column, reply type, replied) — None: still open at the end of 2026
REQUESTS: list[tuple[str, int, str | None, str | None]] = [
    # 2025, concluded in 2025
    ("2025-03-03", NATURAL, "disclose", "2025-03-10"),
    ("2025-04-01", COMMERCIAL, "withhold.state_secret", "2025-04-08"),
    ("2025-06-02", NATURAL, "cannot_provide.not_held", "2025-06-09"),
    # 2025, open across New Year, concluded in 2026
    ("2025-12-15", RESEARCH, "partial", "2026-01-06"),
    ("2025-12-29", NATURAL, "not_processed.repeat", "2026-01-05"),
    ("2025-12-30", LEGAL, "withhold.third_party_rights", "2026-01-07"),
    # 2026
    ("2026-02-02", PUBLIC_INTEREST, "already_disclosed", "2026-02-09"),
    ("2026-03-02", OTHER, "other.other", "2026-03-09"),
    ("2026-03-16", NATURAL, "not_processed.petition", "2026-03-20"),
    ("2026-05-11", COMMERCIAL, "cannot_provide.needs_production", "2026-05-18"),
    # 2026, still open at its end
    ("2026-06-01", NATURAL, None, None),
    ("2026-12-01", LEGAL, None, None),
]


def _form(n: int, column: int, day: str) -> dict[str, str]:
    form = {
        "applicant_type": "natural_person",
        "applicant_name": f"申请人{n}",
        "id_type": "passport",
        "id_number": f"E{n:08d}",
        "phone": "13900001111",
        "address": "威海市环翠区新威路1号",
        "email": "",
        "description": f"2025年城区道路改造计划第{n}项",
        "preferred_form": "paper",
        "delivery": "mail",
        "channel": "mail",
        "received_on": day,
    }
    if column != NATURAL:
        form |= {
            "applicant_type": "organisation",
            "organisation_kind": ORGANISATION_KINDS[column],
            "id_type": "other",
            "id_number": f"ORG-{n}",
        }
    return form


def _reply(engine: Engine, clock: ManualClock, instance_id: int, day: str, kind: str) -> None:
    clock.now = beijing(f"{day} 10:00")
    task = task_of(engine, instance_id, "handle", "han")
    data = {"action": "reply", "reply_type": kind, "reply_text": "答复如下。"}
    engine.complete_task(task.task_id, "han", data)
    if kind in ("disclose", "partial"):
        review = waiting_task(engine, instance_id, "confidentiality_review_task")
        form = engine.queries.task_form(review.task_id, "sun")
        findings = [f["id"] for f in form.data["review_item"]["findings"]]
        engine.complete_task(
            review.task_id,
            "sun",
            {k: v for k, v in form.values.items() if v is not None}
            | {
                "confirmed_findings": findings,
                "review_conclusion": "disclose",
                "review_basis": "经审查可以公开",
            },
        )
    sign = task_of(engine, instance_id, "sign_reply", "boss")
    engine.complete_task(sign.task_id, "boss", {"decision": "approve"})


@pytest.fixture
def year_of_requests(engine: Engine, clock: ManualClock) -> Engine:
    """Two years of requests with the outcomes of :data:`REQUESTS`, entered day by day."""
    for name, roles, department in (
        ("reg", ["registrar"], "办公室"),
        ("han", ["handler"], "法规处"),
        ("boss", ["office"], "办公室"),
        ("sun", ["secrecy_reviewer"], "保密办"),
        ("zhang", ["drafter"], "法规处"),
    ):
        engine.users.add(name, roles, department=department)
    names = ("disclosure_request", "confidentiality_review", "proactive_proposal")
    engine.deploy([WORKFLOWS / f"{name}.bpmn" for name in names])
    events: list[tuple[str, int, str]] = []
    for n, (received, _, _, replied) in enumerate(REQUESTS):
        events.append((received, 0, str(n)))
        if replied:
            events.append((replied, 1, str(n)))
    instances: dict[int, int] = {}
    for day, step, key in sorted(events):
        n = int(key)
        _, column, kind, _ = REQUESTS[n]
        if step == 0:
            clock.now = beijing(f"{day} 09:00")
            receipt = engine.requests.submit(_form(n, column, day), registrar="reg")
            instances[n] = receipt.instance_id
            check = task_of(engine, receipt.instance_id, "check_request", "reg")
            engine.complete_task(
                check.task_id, "reg", {"intake_decision": "accept", "department": "法规处"}
            )
        else:
            assert kind is not None
            _reply(engine, clock, instances[n], day, kind)
    return engine


def _cells(table: RequestTable) -> dict[str, tuple[int, ...]]:
    """Return the rows with a non-zero count, by key."""
    return {r.key: r.counts for r in table.rows if r.counts and any(r.counts)}


def _row(**by_column: int) -> tuple[int, ...]:
    columns = [0] * 6
    for name, value in by_column.items():
        columns[globals()[name.upper()]] = value
    return (*columns, sum(columns))


def test_2025_counts_new_results_and_what_crosses_new_year(year_of_requests: Engine) -> None:
    table = request_table(year_of_requests, 2025, AUDITOR)
    assert _cells(table) == {
        "new": _row(natural=3, commercial=1, research=1, legal=1),
        "disclose": _row(natural=1),
        "withhold": _row(commercial=1),
        "withhold.state_secret": _row(commercial=1),
        "cannot_provide": _row(natural=1),
        "cannot_provide.not_held": _row(natural=1),
        "results_total": _row(natural=2, commercial=1),
        "carried_forward": _row(natural=1, research=1, legal=1),
    }
    assert table.received == table.settled == _row(natural=3, commercial=1, research=1, legal=1)
    assert table.balanced
    assert table.row("new").total == 6 and table.row("carried_forward").total == 3


def test_2026_counts_what_came_over_and_what_stays_open(year_of_requests: Engine) -> None:
    table = request_table(year_of_requests, 2026, "boss")
    assert _cells(table) == {
        "new": _row(natural=2, commercial=1, public_interest=1, legal=1, other=1),
        "carried_over": _row(natural=1, research=1, legal=1),
        "disclose": _row(public_interest=1),
        "partial": _row(research=1),
        "withhold": _row(legal=1),
        "withhold.third_party_rights": _row(legal=1),
        "cannot_provide": _row(commercial=1),
        "cannot_provide.needs_production": _row(commercial=1),
        "not_processed": _row(natural=2),
        "not_processed.repeat": _row(natural=1),
        "not_processed.petition": _row(natural=1),
        "other": _row(other=1),
        "other.other": _row(other=1),
        "results_total": _row(
            natural=2, commercial=1, research=1, public_interest=1, legal=1, other=1
        ),
        "carried_forward": _row(natural=1, legal=1),
    }
    assert table.received[TOTAL] == table.settled[TOTAL] == 9
    assert table.balanced
    # the rows follow the official table: 一, 二, 三 with its results, （七）总计, 四
    keys = [r.key for r in table.rows]
    assert keys[:4] == ["new", "carried_over", "results", "disclose"]
    assert keys[-2:] == ["results_total", "carried_forward"]
    assert len(table.rows) == 30 and len(table.columns) == 7


def test_only_auditors_the_office_and_admins_read_it(year_of_requests: Engine) -> None:
    with pytest.raises(PermissionDeniedError):
        request_table(year_of_requests, 2026, "han")
    with pytest.raises(PermissionDeniedError):
        request_table(year_of_requests, 2026, "zhang")
    with pytest.raises(InvalidInputError):
        request_table(year_of_requests, 99999, AUDITOR)


def test_the_xlsx_has_the_official_layout_and_the_totals(year_of_requests: Engine) -> None:
    table = request_table(year_of_requests, 2026, AUDITOR)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet is not None
    assert sheet["D3"].value == "自然人" and sheet["J3"].value == "总计"
    assert sheet["E3"].value == "法人或其他组织" and "E3:I3" in sheet.merged_cells
    assert [sheet.cell(4, c).value for c in range(5, 10)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert sheet.cell(FIRST_BODY_ROW, 1).value == "一、本年新收政府信息公开申请数量"
    assert sheet.cell(FIRST_BODY_ROW, 10).value == 6
    assert sheet.cell(FIRST_BODY_ROW + 1, 10).value == 3
    total = sheet_row_of(table, "results_total")
    assert sheet.cell(total, 2).value == "（七）总计"
    assert [sheet.cell(total, c).value for c in range(4, 11)] == [2, 1, 1, 1, 1, 1, 7]
    forward = sheet_row_of(table, "carried_forward")
    assert forward == total + 1 and sheet.cell(forward, 10).value == 2
    secret = sheet_row_of(table, "withhold.state_secret")
    assert sheet.cell(secret, 2).value == "（三）不予公开"
    assert sheet.cell(secret, 3).value == "1.属于国家秘密"
    assert sheet.cell(forward + 1, 1).value == "勾稽关系：一 + 二 = 9，三（七）+ 四 = 9，相符"


def test_the_command_line_prints_the_table_and_writes_the_xlsx(
    year_of_requests: Engine, database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner(env={"GONGKAI_DATABASE_URL": database_url})
    target = tmp_path / "2025.xlsx"
    result = runner.invoke(main, ["report", "annual", "--year", "2025", "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "一、本年新收政府信息公开申请数量\t3\t1\t1\t0\t1\t0\t6" in lines
    assert "四、结转下年度继续办理\t1\t0\t1\t0\t1\t0\t3" in lines
    assert "勾稽关系：一 + 二 = 6，三（七）+ 四 = 6，相符" in lines
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None and sheet.cell(FIRST_BODY_ROW, 10).value == 6


def test_the_page_is_for_auditors_not_drafters(client: FlaskClient) -> None:
    auditor = Browser(client).login("qianyi")
    html = auditor.get("/report/annual?year=2026")
    assert "<caption>" in html and 'scope="row"' in html
    assert "本年新收政府信息公开申请数量" in html
    assert 'href="/report/annual.xlsx?year=2026"' in html
    for year in ("abc", "1800"):  # said ignored, and which year is shown instead
        ignored = auditor.get(f"/report/annual?year={year}")
        assert "筛选条件有误，已忽略：年度" in ignored and "显示" in ignored
        assert f'value="{year}"' in ignored
    response = client.get("/report/annual.xlsx?year=2026")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None and sheet["J3"].value == "总计"
    client.post("/logout", data={"csrf_token": auditor.token})
    Browser(client).login("zhangsan").get("/report/annual?year=2026", status=403)
    assert client.get("/report/annual.xlsx?year=2026").status_code == 403
