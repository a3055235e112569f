"""Forms left to the server (novalidate): an empty or out-of-range box is said beside it.

The browser's own bubble was in the browser's language and vanished; now the page comes back
with what was typed, each problem beside its box (aria-describedby, aria-invalid), nothing
changed, never a server error nor a redirect that drops what was typed.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import Engine
from engine.clock import ManualClock
from engine.disclosure.models import Document

from .test_annual_report_proactive import _demo_normative
from .web import Browser

REQUIRED = "此项必填。"
CORRECT = "请更正下列标出的问题后再提交。"
IGNORED = "筛选条件有误，已忽略："


def said_beside(page: str, box: str, error: str, message: str = REQUIRED) -> None:
    """Check that the box is marked invalid and described by its message, shown beside it."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{box}"[^>]*>', page)
    assert tag, box
    assert 'aria-invalid="true"' in tag.group(0), tag.group(0)
    assert re.search(rf'aria-describedby="[^"]*\b{error}\b', tag.group(0)), tag.group(0)
    assert re.search(rf'<p class="error" id="{error}">{re.escape(message)}</p>', page), error


def engine_of(client: FlaskClient) -> Engine:
    return client.application.extensions["gongkai.engine"]


def test_signing_in_with_empty_boxes_says_which_and_counts_no_failure(
    client: FlaskClient,
) -> None:
    browser = Browser(client)
    browser.get("/login")
    page = browser.post("/login", {"username": "", "password": ""}, status=400)
    assert CORRECT in page and "用户名或密码错误" not in page
    said_beside(page, "username", "username-error")
    said_beside(page, "password", "password-error")
    # the user name typed is kept; the password is never written back
    page = browser.post("/login", {"username": "wangwu", "password": ""}, status=400)
    assert 'value="wangwu"' in page and 'id="username-error"' not in page
    said_beside(page, "password", "password-error")
    # nothing was counted against the user: the right password still signs in at once
    assert not browser.post("/login", {"username": "wangwu", "password": "demo"}).startswith(
        "/login"
    )


def test_the_status_look_up_with_empty_boxes_says_which_before_looking(
    client: FlaskClient,
) -> None:
    browser = Browser(client)
    browser.get("/public/status")
    page = browser.post("/public/status", {"tracking_number": "", "query_code": ""}, status=400)
    assert CORRECT in page
    said_beside(page, "tracking_number", "tracking_number-error")
    said_beside(page, "query_code", "query_code-error")
    page = browser.post(
        "/public/status", {"tracking_number": "YSQ-2026-00001", "query_code": ""}, status=400
    )
    assert 'value="YSQ-2026-00001"' in page and 'id="tracking_number-error"' not in page
    said_beside(page, "query_code", "query_code-error")


def test_the_admin_forms_say_an_empty_box_and_add_nothing(client: FlaskClient) -> None:
    engine = engine_of(client)
    browser = Browser(client).login("admin")
    before = engine.users.department_list()
    browser.get("/admin/departments")
    page = browser.post("/admin/departments", {"name": "  "}, status=400)
    assert "处室名称：此项必填。" in page and 'aria-invalid="true"' in page
    assert engine.users.department_list() == before
    browser.get("/admin/calendar")
    page = browser.post("/admin/calendar", {"schedule": " \n "}, status=400)
    assert CORRECT in page and '<a href="#schedule">节假日安排</a>' in page  # names the box
    said_beside(page, "schedule", "schedule-error")  # and says it beside, as other forms do
    # comments alone load no day: said why, beside the box, the text kept to correct
    page = browser.post("/admin/calendar", {"schedule": "# 2027 年安排"}, status=400)
    said_beside(
        page,
        "schedule",
        "schedule-error",
        "没有可载入的日期：空行和 # 后的注释不算，每行须以日期开头。",
    )
    assert "# 2027 年安排</textarea>" in page
    browser.get("/admin/workflows")
    page = browser.post("/admin/workflows", {}, status=422)
    assert "请选择要部署的流程文件。" in page and 'aria-describedby="deploy-error"' in page


def test_a_repeal_without_its_day_keeps_the_reason_and_repeals_nothing(
    app: Flask, client: FlaskClient, clock: ManualClock
) -> None:
    document_id = _demo_normative(app, clock)
    page_path = f"/documents/{document_id}"
    office = Browser(client).login("wangwu")
    office.get(page_path)
    sent = {"repealed_on": "", "repeal_reason": "已被新规定替代。"}
    page = office.post(f"{page_path}/repeal", sent, status=422)
    assert CORRECT in page and "已被新规定替代。</textarea>" in page
    said_beside(page, "f-repealed_on", "repealed_on-error")
    assert 'id="repeal_reason-error"' not in page
    # a day before the issue day: said beside the day, the reason still there
    sent = {"repealed_on": "2026-03-01", "repeal_reason": "已被新规定替代。"}
    page = office.post(f"{page_path}/repeal", sent, status=422)
    assert 'value="2026-03-01"' in page and "已被新规定替代。</textarea>" in page
    assert 'id="repealed_on-error"' in page
    page = office.post(f"{page_path}/repeal", {"repealed_on": "", "repeal_reason": ""}, 422)
    said_beside(page, "f-repeal_reason", "repeal_reason-error")
    with engine_of(client).store.read() as repo:
        found = repo.connection.execute(
            select(Document.repealed_on, Document.repeal_reason).where(Document.id == document_id)
        ).one()
    assert tuple(found) == (None, None)


def test_a_result_without_its_day_is_said_on_its_row_and_decides_nothing(
    client: FlaskClient,
) -> None:
    engine = engine_of(client)
    case_id = engine.appeals.record("wangwu", {"kind": "reconsideration", "filed_on": "2026-04-01"})
    office = Browser(client).login("wangwu")
    office.get("/report/appeals")
    path = f"/report/appeals/{case_id}/decide"
    page = office.post(path, {"result": "upheld", "decided_on": ""}, status=422)
    # named at the top (the row may be far down), and beside the box
    assert CORRECT in page and "审结日期：此项必填。" in page and "结果：" not in page
    said_beside(page, f"decided-{case_id}", f"case-{case_id}-decided_on-error")
    assert re.search(r'<option value="upheld" selected>', page)
    page = office.post(path, {"result": "", "decided_on": "2026-05-01"}, status=422)
    said_beside(page, f"result-{case_id}", f"case-{case_id}-result-error")
    assert 'value="2026-05-01"' in page
    # a day before the case was filed
    page = office.post(path, {"result": "upheld", "decided_on": "2026-03-01"}, status=422)
    assert f'id="case-{case_id}-decided_on-error"' in page
    found = next(c for c in engine.appeals.list("wangwu") if c.id == case_id)
    assert (found.result, found.decided_on) == (None, None)


def test_a_year_filter_out_of_range_is_said_ignored_not_an_error(client: FlaskClient) -> None:
    office = Browser(client).login("wangwu")
    for year in ("1999", "3000", "abc", "２０２６"):
        page = office.get(f"/report/annual?year={year}")
        assert IGNORED + "年度" in page, year
        assert 'aria-invalid="true" aria-describedby="year-ignored"' in page
        page = office.get(f"/report/appeals?year={year}")
        assert IGNORED + "年度" in page, year
        assert 'aria-describedby="year-ignored"' in page
    page = office.get("/report/annual?year=1999")
    assert 'value="1999"' in page  # kept to correct, over last year's table
    assert IGNORED not in office.get("/report/annual?year=2026")
    assert IGNORED not in office.get("/report/appeals?year=2026")
    assert IGNORED not in office.get("/report/appeals?year=")


def test_the_messages_are_in_english_on_english_pages(client: FlaskClient) -> None:
    browser = Browser(client)
    browser.get("/login")
    browser.post("/language", {"lang": "en", "next": "/login"})
    browser.get("/login")
    page = browser.post("/login", {"username": "", "password": ""}, status=400)
    assert "This field is required." in page and REQUIRED not in page
    assert "Please correct the problems marked below" in page
    browser.login("wangwu")
    page = browser.get("/report/annual?year=1999")
    assert "ignored" in page.lower() and IGNORED not in page
    case_id = engine_of(client).appeals.record(
        "wangwu", {"kind": "reconsideration", "filed_on": "2026-04-01"}
    )
    browser.get("/report/appeals")
    page = browser.post(f"/report/appeals/{case_id}/decide", {"result": "", "decided_on": ""}, 422)
    said = re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)
    assert said and not any(re.search(r"[\u4e00-\u9fff]", text) for text in said), said
    assert "Result: This field is required." in page


def test_the_other_filters_say_which_was_ignored_and_keep_it(client: FlaskClient) -> None:
    auditor = Browser(client).login("qianyi")
    page = auditor.get("/audit/instances?from=2026-13-40&to=2026-11-01")
    assert IGNORED + "发起日期自。日期格式应为 YYYY-MM-DD。" in page
    assert 'value="2026-13-40" aria-invalid="true" aria-describedby="dates-problem"' in page
    assert 'id="to" name="to" value="2026-11-01" >' in page  # the good one is used, unmarked
    page = auditor.get("/office/oversight?kind=quarter&year=1999&quarter=1", status=400)
    assert "年度“1999”无效" in page
    assert 'value="1999" required aria-invalid="true" aria-describedby="period-problem"' in page
    drafter = Browser(client.application.test_client()).login("zhangsan")
    page = drafter.get("/mine?year=1999")
    assert IGNORED + "年份" in page
    assert 'value="1999" inputmode="numeric" aria-invalid="true"' in page
    assert IGNORED not in drafter.get("/mine?year=2026")


def test_a_text_filter_too_long_for_its_box_is_said_ignored_not_cut(client: FlaskClient) -> None:
    admin = Browser(client).login("admin")
    # 128 characters (a whole display name) is the box's limit and narrows the list; 129
    # would have been cut to 128 silently ("admin" + 124 x's found admin): now the whole
    # box is ignored, and said.
    page = admin.get("/admin/users?q=" + "a" * 128)
    assert IGNORED not in page and "没有符合条件的用户" in page
    page = admin.get("/admin/users?q=admin" + "x" * 124)
    assert IGNORED + "用户名或显示名（不能超过 128 字）。" in page
    assert 'aria-invalid="true" aria-describedby="filter-ignored"' in page
    assert 'value="admin' + "x" * 124 + '"' in page  # kept in the box to correct
    assert ">zhangsan</a>" in page  # the list is not narrowed by it
    registrar = Browser(client.application.test_client()).login("wujiu")
    page = registrar.get("/requests?number=" + "9" * 65)
    assert IGNORED + "登记号或受理编号（不能超过 64 字）。" in page
    assert 'maxlength="64" autocomplete="off" aria-invalid="true"' in page
    assert "没有符合条件的申请" not in page  # the unfiltered list's words, not "none match"
    auditor = Browser(client.application.test_client()).login("qianyi")
    page = auditor.get("/audit/instances?actor=" + "张" * 129)
    assert IGNORED + "经办人（姓名或用户名）（不能超过 128 字）。" in page
    assert 'maxlength="128" aria-invalid="true" aria-describedby="filter-ignored"' in page
    assert IGNORED not in auditor.get("/audit/instances?actor=" + "张" * 128)
    # a huge address is said back cut, never a server error
    page = auditor.get("/audit/instances?actor=" + "x" * 20000)
    assert 'value="' + "x" * 256 + '"' in page and IGNORED in page
    # and in English
    auditor.post("/language", {"lang": "en", "next": "/audit/instances"})
    page = auditor.get("/audit/instances?actor=" + "x" * 200)
    assert "ignored: Actor (name or user name) (At most 128 characters)." in page


def test_a_choice_that_is_none_of_the_options_is_said_ignored(client: FlaskClient) -> None:
    # An edited or old address (a retired department, a role renamed) narrowed the list to
    # nothing: "没有待办任务" while thirteen were open. Now the box is ignored, and said.
    admin = Browser(client).login("admin")
    page = admin.get("/admin/tasks?role=nosuch")
    assert IGNORED + "岗位（请从所列选项中选择）。" in page and "没有待办任务" not in page
    assert 'id="role" name="role" aria-invalid="true" aria-describedby="filter-ignored"' in page
    assert IGNORED not in admin.get("/admin/tasks?role=drafter")
    page = admin.get("/admin/users?group=nosuch&department=无此处室&status=gone")
    # one line after the buttons names each box ignored (beside each, a long one broke the row)
    why = "（请从所列选项中选择）"
    assert IGNORED + f"角色{why}；处室{why}；状态{why}。" in page
    assert page.count('aria-describedby="filter-ignored"') == 3
    assert ">zhangsan</a>" in page
    auditor = Browser(client.application.test_client()).login("qianyi")
    page = auditor.get("/audit/instances?process=nosuch&status=nosuch")
    assert IGNORED + "流程（请从所列选项中选择）；状态（请从所列选项中选择）。" in page
    assert "没有符合条件的流程实例" not in page
    page = auditor.get("/requests?status=nosuch")
    assert IGNORED + "办理状态（请从所列选项中选择）。" in page and "没有符合条件的申请" not in page
    office = Browser(client.application.test_client()).login("wangwu")
    page = office.get("/office/catalogue?category=nosuch")
    assert IGNORED + "“五公开”类别（请从所列选项中选择）。" in page
    assert "没有符合条件的目录事项" not in page
