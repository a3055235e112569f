"""Oversight (督查): each department's figures for a period, counted in SQL, exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from engine import Engine, InvalidInputError, PermissionDeniedError
from engine.clock import ManualClock
from engine.disclosure.oversight import (
    DepartmentFigures,
    OversightReport,
    Rate,
    period,
    to_csv,
    to_xlsx,
)
from webui import create_app

from . import oversight_data as data
from .helpers import AUDITOR
from .oversight_data import GENERAL, LEGAL, at
from .test_basic_catalogue import entry_form
from .web import Browser

PASSWORD = "oversight-pass"


@pytest.fixture
def quarter(engine: Engine, clock: ManualClock) -> dict[str, int]:
    """The third quarter of 2026 (see ``oversight_data.third_quarter``), read on 2026-11-30.

    Besides: a monthly catalogue entry of 综合处 with nothing filed (overdue), and one of
    法规处 whose information was formed on 11-02 (due 11-30: not overdue yet).
    """
    made = data.third_quarter(engine, clock, PASSWORD)
    at(clock, "2026-07-01 09:00")
    engine.basic_catalogue.create("wang", entry_form())
    at(clock, "2026-11-02 09:00")
    working = engine.basic_catalogue.create(
        "wang",
        entry_form(
            name="法规清理结果",
            department=LEGAL,
            limit_kind="working_days",
            limit_days="20",
            limit_day="",
        ),
    )
    engine.basic_catalogue.record_formed("wang", working, "2026-11-02")
    at(clock, "2026-11-30 09:00")
    return made


def _figures(report: OversightReport, department: str | None) -> dict[str, Any]:
    d = report.department(department) if department else report.total
    return {
        "issued": d.issued,
        "drafts": d.drafts,
        "stated": d.attribute_stated,
        "missing": d.attribute_missing,
        "returns": d.returns,
        "reasons": {code: n for code, n in d.reasons.items() if n},
        "reviews": d.reviews,
        "publishing": (d.publishing.on_time, d.publishing.due),
        "interpretation": (d.interpretation.on_time, d.interpretation.due),
        "replies": (d.replies.on_time, d.replies.due),
        "overdue": (
            d.overdue_publications,
            d.overdue_interpretations,
            d.overdue_entries,
            d.overdue_requests,
        ),
    }


# -- periods ------------------------------------------------------------------------------------


def test_a_period_is_a_year_a_quarter_or_a_month_of_the_china_calendar() -> None:
    q3 = period("quarter", 2026, 3)
    assert (q3.first, q3.last, q3.label, q3.key) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
        ("2026年第三季度", "Q3 2026"),
        "2026-Q3",
    )
    assert q3.starts_at == "2026-06-30T16:00:00.000000+00:00"
    assert q3.ends_at == "2026-09-30T16:00:00.000000+00:00"
    q4 = period("quarter", "2026", "4")
    assert (q4.first, q4.last) == (date(2026, 10, 1), date(2026, 12, 31))
    assert (period("quarter", 2026, 1).first, period("quarter", 2026, 1).last) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    feb = period("month", 2028, 2)
    assert (feb.first, feb.last, feb.label[0], feb.key) == (
        date(2028, 2, 1),
        date(2028, 2, 29),
        "2028年2月",
        "2028-02",
    )
    dec = period("month", 2026, "12")
    assert (dec.first, dec.last) == (date(2026, 12, 1), date(2026, 12, 31))
    year = period("year", 2026)
    assert (year.first, year.last, year.label) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        ("2026年", "2026"),
    )


@pytest.mark.parametrize(
    ("kind", "year", "number", "code"),
    [
        ("week", 2026, 1, "oversight.bad_period_kind"),
        ("year", "二〇二六", None, "report.bad_year"),
        ("year", 1999, None, "report.bad_year"),
        ("year", True, None, "report.bad_year"),
        ("quarter", 2026, 5, "oversight.bad_quarter"),
        ("quarter", 2026, None, "oversight.bad_quarter"),
        ("month", 2026, 0, "oversight.bad_month"),
        ("month", 2026, "1.5", "oversight.bad_month"),
    ],
)
def test_a_period_that_does_not_exist_is_refused_naming_what_is_wrong(
    kind: Any, year: Any, number: Any, code: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        period(kind, year, number)
    assert refused.value.code == code


def test_rates_and_totals_add_up() -> None:
    assert Rate(1, 3).percent == 33.3 and Rate(0, 0).percent is None and Rate(2, 2).percent == 100
    a = DepartmentFigures("甲", issued=1, reasons={"x": 1}, publishing=Rate(1, 2))
    b = DepartmentFigures("乙", issued=2, reasons={"x": 2, "y": 1}, publishing=Rate(0, 1))
    total = a + b
    assert (total.issued, dict(total.reasons), total.publishing) == (
        3,
        {"x": 3, "y": 1},
        Rate(1, 3),
    )


# -- the figures --------------------------------------------------------------------------------


def test_the_third_quarter_counts_what_each_department_did(
    engine: Engine, quarter: dict[str, int]
) -> None:
    report = engine.oversight.report(AUDITOR, period("quarter", 2026, 3))
    assert report.today == "2026-11-30" and report.scope is None
    assert [d.department for d in report.departments] == ["办公室", LEGAL, GENERAL]
    assert _figures(report, GENERAL) == {
        "issued": 3,
        "drafts": 3,
        "stated": 2,
        "missing": 1,
        "returns": 1,
        "reasons": {"missing_attribute": 1},
        "reviews": 2,
        "publishing": (1, 2),
        "interpretation": (1, 1),
        "replies": (0, 1),
        "overdue": (1, 0, 1, 0),
    }
    assert _figures(report, LEGAL) == {
        "issued": 2,
        "drafts": 2,
        "stated": 2,
        "missing": 0,
        "returns": 1,
        "reasons": {"withheld_without_reason": 1, "withheld_without_basis": 1},
        "reviews": 2,
        "publishing": (1, 1),
        "interpretation": (0, 1),
        "replies": (1, 2),
        "overdue": (0, 1, 0, 1),
    }
    assert _figures(report, None) == {
        "issued": 5,
        "drafts": 5,
        "stated": 4,
        "missing": 1,
        "returns": 2,
        "reasons": {
            "missing_attribute": 1,
            "withheld_without_reason": 1,
            "withheld_without_basis": 1,
        },
        "reviews": 4,
        "publishing": (2, 3),
        "interpretation": (1, 2),
        "replies": (1, 3),
        "overdue": (1, 1, 1, 1),
    }
    general = report.department(GENERAL)
    assert general.publishing.percent == 50.0 and general.overdue == 2
    assert report.department("办公室") == DepartmentFigures("办公室")
    assert report.reasons[:4] == (
        "missing_attribute",
        "withheld_without_reason",
        "withheld_without_basis",
        "government_draft_without_reason",
    )


def test_a_month_counts_only_what_fell_in_it(engine: Engine, quarter: dict[str, int]) -> None:
    july = engine.oversight.report("wang", period("month", 2026, 7))
    # D1 and D2 were issued in July; D1's and D2's publication fell due in August
    assert _figures(july, GENERAL) | {"overdue": None} == {
        "issued": 2,
        "drafts": 2,
        "stated": 1,
        "missing": 1,
        "returns": 1,
        "reasons": {"missing_attribute": 1},
        "reviews": 1,
        "publishing": (0, 0),
        "interpretation": (0, 0),
        "replies": (0, 0),
        "overdue": None,
    }
    # D3's interpretation fell due on 07-14 and never came; R1 and R2 fell due on 07-29/30
    legal = _figures(july, LEGAL)
    assert (legal["reviews"], legal["interpretation"], legal["replies"]) == (2, (0, 1), (1, 2))
    august = engine.oversight.report("wang", period("month", 2026, 8))
    assert _figures(august, GENERAL)["publishing"] == (1, 2)
    assert _figures(august, GENERAL)["replies"] == (0, 1)
    assert _figures(august, GENERAL)["issued"] == 0
    # what is overdue now does not depend on the period
    assert _figures(august, LEGAL)["overdue"] == (0, 1, 0, 1)
    # October: D5's publication fell due and is late; nothing else happened
    october = engine.oversight.report("wang", period("month", 2026, 10))
    assert _figures(october, None)["publishing"] == (0, 1)
    assert _figures(october, None)["issued"] == 0
    year = engine.oversight.report("wang", period("year", 2026))
    assert _figures(year, None)["issued"] == 5
    assert _figures(year, None)["publishing"] == (2, 4)
    # a period not yet begun: nothing fell due, nothing was done
    assert _figures(engine.oversight.report("wang", period("year", 2027)), None)["issued"] == 0


def test_what_is_not_due_yet_is_not_counted_as_late(engine: Engine, clock: ManualClock) -> None:
    data.staff(engine)
    data.issue(engine, clock, "zhang", "2026-09-21", "关于国庆期间安全生产的通知")
    data.receive(engine, clock, "2026-09-22", GENERAL, 9)
    at(clock, "2026-10-09 09:00")
    october = engine.oversight.report("wang", period("month", 2026, 10))
    assert _figures(october, GENERAL)["publishing"] == (0, 0)
    assert _figures(october, GENERAL)["replies"] == (0, 0)
    assert _figures(october, GENERAL)["overdue"] == (0, 0, 0, 0)
    at(clock, "2026-11-30 09:00")
    october = engine.oversight.report("wang", period("month", 2026, 10))
    assert _figures(october, GENERAL)["publishing"] == (0, 1)
    assert _figures(october, GENERAL)["overdue"] == (1, 0, 0, 1)


def test_each_reads_the_departments_he_may(engine: Engine, quarter: dict[str, int]) -> None:
    q3 = period("quarter", 2026, 3)
    for reader in ("wang", "root", "qianyi", AUDITOR):
        assert len(engine.oversight.report(reader, q3).departments) == 3
    head = engine.oversight.report("li", q3)
    assert head.scope == GENERAL
    assert [d.department for d in head.departments] == [GENERAL]
    assert _figures(head, GENERAL)["returns"] == 1
    assert [d.department for d in engine.oversight.report("liu", q3).departments] == [LEGAL]
    for refused in ("zhang", "reg", "han", "sun", "zhou"):
        with pytest.raises(PermissionDeniedError):
            engine.oversight.report(refused, q3)


def test_the_figures_cost_the_same_few_queries_whatever_the_rows(
    engine: Engine, clock: ManualClock
) -> None:
    """Every figure is a grouped aggregate: the statements do not grow with the rows."""
    q3 = period("quarter", 2026, 3)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    data.staff(engine)
    event.listen(engine.db.read_engine, "before_cursor_execute", count)
    try:
        engine.oversight.report("wang", q3)
        empty = len(statements)
        statements.clear()
        data.issue(engine, clock, "zhang", "2026-07-06", "关于做好防汛工作的通知")
        data.issue(
            engine, clock, "qian", "2026-07-07", "关于规范招标投标的通知", first={"attribute": ""}
        )
        data.receive(engine, clock, "2026-07-08", LEGAL, 1)
        statements.clear()
        engine.oversight.report("wang", q3)
    finally:
        event.remove(engine.db.read_engine, "before_cursor_execute", count)
    assert len(statements) == empty <= 12
    assert all("GROUP BY" in s.upper() for s in statements if "FROM documents" in s)


# -- the exports --------------------------------------------------------------------------------


def test_the_csv_and_the_xlsx_hold_the_table(engine: Engine, quarter: dict[str, int]) -> None:
    report = engine.oversight.report("wang", period("quarter", 2026, 3))
    text = to_csv(report)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["2026年第三季度 政务公开督查（截至2026-11-30）"]
    heads = rows[1]
    by_name = {row[0]: dict(zip(heads, row, strict=True)) for row in rows[2:]}
    assert list(by_name) == ["办公室", LEGAL, GENERAL, "合计"]
    general = by_name[GENERAL]
    assert general["印发公文"] == "3" and general["缺公开属性被退文"] == "1"
    assert general["退文原因：未标明公开属性"] == "1"
    assert general["按时发布率"] == "50.0%" and general["按时答复率"] == "0.0%"
    assert by_name["办公室"]["按时发布率"] == "—"
    assert by_name["合计"]["当前逾期合计"] == "4"

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = book["2026-Q3"]
    assert sheet.cell(1, 1).value == rows[0][0]
    assert [c.value for c in sheet[2]] == heads
    cells = {sheet.cell(r, 1).value: [c.value for c in sheet[r]] for r in range(3, 7)}
    assert cells[GENERAL][heads.index("印发公文")] == 3
    assert cells[GENERAL][heads.index("按时发布率")] == 0.5
    assert sheet.cell(5, heads.index("按时发布率") + 1).number_format == "0.0%"
    assert cells["办公室"][heads.index("按时解读率")] == "—"
    assert cells["合计"][heads.index("保密审查")] == 4
    # a department head's export holds his department only, without a total
    head = to_csv(engine.oversight.report("li", period("quarter", 2026, 3)))
    assert [row[0] for row in csv.reader(io.StringIO(head.lstrip("\ufeff")))][2:] == [GENERAL]


# -- the page -----------------------------------------------------------------------------------


@pytest.fixture
def site(engine: Engine, quarter: dict[str, int]) -> Iterator[FlaskClient]:
    """The web application over the quarter's figures."""
    app = create_app({"TESTING": True, "ENGINE": engine})
    yield app.test_client()


def _as(client: FlaskClient, user: str) -> Browser:
    return Browser(client).login(user, PASSWORD)


def test_the_page_shows_the_table_the_charts_read_and_the_exports(site: FlaskClient) -> None:
    browser = _as(site, "wang")
    page = browser.get("/office/oversight?kind=quarter&year=2026&quarter=3")
    assert "2026年第三季度" in page and 'id="oversight-table"' in page
    row = page[page.index(f'data-department="{GENERAL}"') :]
    row = row[: row.index("</tr>")]
    assert '<th scope="row">综合处</th>' in row and "50.0%" in row
    # the overdue catalogue entries of a department are a link away
    assert f'href="/office/catalogue?department={quote(GENERAL)}&amp;status=overdue"' in page
    static = site.application.static_folder
    if static and (Path(static) / "diagram" / "charts.js").is_file():
        assert page.count("data-chart=") == 2 and "/static/diagram/charts.js" in page
    else:
        assert "data-chart=" not in page and "图表未构建" in page
    assert "/office/oversight.csv?kind=quarter&amp;year=2026&amp;quarter=3" in page
    csv_response = site.get("/office/oversight.csv?kind=quarter&year=2026&quarter=3")
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    assert 'filename="oversight-2026-Q3.csv"' in csv_response.headers["Content-Disposition"]
    assert csv_response.get_data(as_text=True).count("\n") == 6
    xlsx = site.get("/office/oversight.xlsx?kind=month&year=2026&month=7")
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.data)).sheetnames == ["2026-07"]
    # the default is this quarter
    assert "2026年第四季度" in browser.get("/office/oversight")


def test_a_period_that_does_not_exist_is_explained_on_the_page(site: FlaskClient) -> None:
    browser = _as(site, "wang")
    for query in ("kind=week", "kind=quarter&year=2026&quarter=9", "kind=month&year=abc&month=1"):
        page = browser.get(f"/office/oversight?{query}", status=400)
        assert 'id="period-problem"' in page and 'id="oversight-table"' not in page
    assert site.get("/office/oversight.csv?kind=month&year=2026&month=13").status_code == 400


def test_a_department_head_sees_his_own_and_a_drafter_nothing(site: FlaskClient) -> None:
    head = _as(site, "li")
    page = head.get("/office/oversight?kind=quarter&year=2026&quarter=3")
    assert 'id="oversight-scope"' in page
    assert f'data-department="{GENERAL}"' in page and f'data-department="{LEGAL}"' not in page
    assert 'class="gk-total"' not in page
    drafter = _as(site.application.test_client(), "zhang")
    drafter.get("/office/oversight", status=403)
    drafter.get("/office/oversight.xlsx", status=403)
    auditor = _as(site.application.test_client(), "qianyi")
    assert f'data-department="{LEGAL}"' in auditor.get("/office/oversight?kind=year&year=2026")


#: the office's pages: who reads each (200); every other signed-in user gets 403. The entry
#: (1) is 综合处's: its head li reads it, liu (法规处) does not.
HEADS = {"li", "liu"}
OFFICE_PAGES = {
    "/office/catalogue": {"wang", "root", "qianyi", *HEADS},
    "/office/catalogue?status=overdue": {"wang", "root", "qianyi", *HEADS},
    "/office/catalogue/new": {"wang", "root"},
    "/office/catalogue/unfiled": {"wang", "root", "qianyi"},
    "/office/catalogue/1": {"wang", "root", "qianyi", "li"},
    "/office/catalogue/1/edit": {"wang", "root"},
    "/office/oversight": {"wang", "root", "qianyi", *HEADS},
    "/office/oversight.csv": {"wang", "root", "qianyi", *HEADS},
    "/office/oversight.xlsx": {"wang", "root", "qianyi", *HEADS},
}


def test_the_office_pages_answer_only_their_readers(site: FlaskClient) -> None:
    people = ("wang", "root", "qianyi", "li", "liu", "zhang", "reg", "sun")
    browsers = {name: _as(site.application.test_client(), name) for name in people}
    anonymous = site.application.test_client()
    for path, readers in OFFICE_PAGES.items():
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
        for name, browser in browsers.items():
            status = browser.client.get(path).status_code
            assert status == (200 if name in readers else 403), (path, name, status)
