"""What a second newcomer's walk through the demo found, through the test client."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from .web import Browser


def _signed_in(client: FlaskClient, username: str) -> Browser:
    return Browser(client.application.test_client()).login(username)


def _errors(html: str) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]*)<', html)


def test_a_field_left_blank_and_a_field_left_out_read_alike(client: FlaskClient) -> None:
    # A department left nameless, a user without a display name, a draft without a title:
    # the reader cannot tell a field missing from one left blank, so one wording serves.
    admin = _signed_in(client, "admin")
    page = admin.post("/admin/departments", {"name": "  "}, status=400)
    assert "处室名称：此项必填。" in page
    page = admin.post(
        "/admin/users/new",
        {"username": "newbie", "display_name": "", "password": "long-enough-pass"},
        status=422,
    )
    assert "此项必填。" in _errors(page)
    assert "不能为空" not in page


def test_the_departments_are_called_the_same_everywhere(client: FlaskClient) -> None:
    admin = _signed_in(client, "admin")
    page = admin.get("/admin/departments")
    assert "<h1>处室管理</h1>" in page
    assert "部门管理" not in page
    catalogue = admin.get("/office/catalogue")
    assert "责任处室" in catalogue and "责任部门" not in catalogue


def test_a_registrar_and_a_handler_are_shown_requests_not_documents_of_their_own(
    client: FlaskClient,
) -> None:
    for username in ("wujiu", "zhengshi"):
        inbox = _signed_in(client, username).get("/")
        assert 'href="/mine"' not in inbox, username
        assert re.search(r'<a href="/requests">申请列表</a>', inbox), username
    # Whoever works on documents keeps them among his sections.
    for username in ("zhangsan", "lisi", "sunqi", "zhouba"):
        inbox = _signed_in(client, username).get("/")
        assert re.search(r'<a href="/mine"[^>]*>我的公文</a>', inbox), username


def test_a_choice_or_a_day_left_blank_says_so_as_a_blank_text_does(client: FlaskClient) -> None:
    # A registrar sends the paper request form untouched: each select still at 请选择 and
    # the day of receipt empty were told the list of choices or the date format instead.
    registrar = _signed_in(client, "wujiu")
    registrar.get("/requests/new")
    page = registrar.post("/requests/new", {"applicant_type": "", "received_on": ""}, status=422)
    for field in ("applicant_type", "id_type", "applicant_name", "preferred_form", "received_on"):
        found = re.search(rf'id="{field}-error">([^<]*)<', page)
        assert found and found.group(1) == "此项必填。", (field, found and found.group(1))
    # A value that is no choice at all is still told what the choices are.
    page = registrar.post("/requests/new", {"applicant_type": "robot"}, status=422)
    assert re.search(r'id="applicant_type-error">请从“自然人、法人或其他组织”中选择', page)


def test_the_annual_report_with_its_year_box_emptied_shows_the_usual_year(
    client: FlaskClient,
) -> None:
    # The auditor clears the year and presses Enter: an error page said 年度无效：。
    auditor = _signed_in(client, "qianyi")
    usual = auditor.get("/report/annual")
    year = re.search(r'id="year" name="year" type="number"[^>]*value="(\d{4})"', usual)
    assert year
    emptied = auditor.get("/report/annual?year=+")
    assert f'value="{year.group(1)}"' in emptied
    # A year that is no year is said ignored, with the year shown instead.
    refused = auditor.get("/report/annual?year=abc")
    assert f"筛选条件有误，已忽略：年度；显示 {year.group(1)} 年度。" in refused


def test_an_approval_sheet_leads_back_to_where_it_is_listed(client: FlaskClient) -> None:
    # The sheet (审签单) a drafter opened from 我的公文 had no way back but the sections.
    drafter = _signed_in(client, "zhangsan")
    sheet = re.search(r'href="(/instances/\d+/sheet)"', drafter.get("/mine"))
    assert sheet
    assert '<a href="/mine">返回我的公文</a>' in drafter.get(sheet.group(1))
    # An auditor, who has no documents of his own, goes back to the catalogue.
    assert '<a href="/documents">返回公文目录</a>' in _signed_in(client, "qianyi").get(
        sheet.group(1)
    )


def test_the_drafting_department_is_called_alike_in_search_and_filing(
    client: FlaskClient,
) -> None:
    engine = client.application.extensions["gongkai.engine"]
    publish = engine.queries.list_tasks("zhouba")[0]  # the demo's document to publish
    engine.complete_task(
        publish.task_id, "zhouba", {"channel": "website", "url": "https://www.weihai.gov.cn/"}
    )
    office = _signed_in(client, "wangwu")
    assert "拟稿处室" in office.get("/documents")
    unfiled = office.get("/office/catalogue/unfiled")
    assert "拟稿处室" in unfiled and "起草处室" not in unfiled


def test_a_request_not_found_says_what_to_check_not_that_there_are_none(
    client: FlaskClient,
) -> None:
    # A registrar mistyped a tracking number and was told 没有申请 (there are no requests).
    registrar = _signed_in(client, "wujiu")
    page = registrar.get("/requests?number=GK0000000000")
    assert "没有申请。" not in page
    assert "没有符合条件的申请。请核对编号" in page
    assert '<a href="/requests">查看全部申请</a>' in page
    # The filters sit in a card, as on every other list.
    assert '<form method="get" class="card filters"' in page
    # A handler of a department given no request yet is told what will show there.
    engine = client.application.extensions["gongkai.engine"]
    engine.users.add("handler2", ["handler"], "新承办人", "demo", "办公室")
    page = _signed_in(client, "handler2").get("/requests")
    assert "申请受理后，交由本处室办理的会列在这里。" in page


def test_a_problem_said_on_top_of_the_page_names_its_field(client: FlaskClient) -> None:
    # The office sent a case's result without choosing it or a day: two bare 此项必填。
    # (before, 请从所列选项中选择 and the date format) said nothing of which box.
    engine = client.application.extensions["gongkai.engine"]
    case_id = engine.appeals.record("wangwu", {"kind": "reconsideration", "filed_on": "2026-04-01"})
    office = _signed_in(client, "wangwu")
    office.get("/report/appeals")
    path = f"/report/appeals/{case_id}/decide"
    page = office.post(path, {"result": "", "decided_on": ""}, status=422)
    assert "结果：此项必填。" in page and "审结日期：此项必填。" in page


def test_an_empty_inbox_says_how_work_arrives(client: FlaskClient) -> None:
    # 目前没有待办事项 alone left a newcomer wondering what to do next.
    engine = client.application.extensions["gongkai.engine"]
    engine.users.add("drafter2", ["drafter"], "新起草人", "demo", "综合处")
    engine.users.add("leader2", ["leader"], "新领导", "demo")
    assert "点击“起草新公文”开始起草" in _signed_in(client, "drafter2").get("/")
    assert "交给您办理的任务到达时会列在这里" in _signed_in(client, "leader2").get("/")


def test_the_way_back_from_a_user_reads_as_every_other_way_back(client: FlaskClient) -> None:
    # An arrow (← 用户管理) here, 返回… on every other page.
    admin = _signed_in(client, "admin")
    for path in ("/admin/users/new", "/admin/users/zhangsan"):
        page = admin.get(path)
        assert '<a href="/admin/users">返回用户管理</a>' in page and "←" not in page, path
