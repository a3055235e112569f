"""Lists a newcomer walks through: their filters, their pages, the links on a task page.

Over the demo data (fixture ``client``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from flask.testing import FlaskClient

from engine.clock import ManualClock
from webui import get_engine

from .test_candidate_groups import GROUPS, START, invoice_files
from .web import Browser

IGNORED = "筛选条件有误，已忽略："
WHY = "（请从所列选项中选择）"


def links(page: str) -> list[str]:
    return [unquote(html.unescape(h)) for h in re.findall(r'<a href="([^"]+)"', page)]


def test_the_catalogues_department_field_and_status_are_checked_like_other_filters(
    client: FlaskClient,
) -> None:
    office = Browser(client).login("wangwu")
    listed = office.get("/office/catalogue")
    assert "政务公开工作要点" in listed and IGNORED not in listed
    page = office.get("/office/catalogue?department=无此处室&area=无此领域&status=gone")
    # said, and the list shown as if the boxes were empty (not "没有符合条件的目录事项")
    assert IGNORED + f"责任处室{WHY}；领域{WHY}；状态{WHY}。" in page
    assert "政务公开工作要点" in page and "没有符合条件的目录事项" not in page
    assert 'id="area" name="area" aria-invalid="true" aria-describedby="filter-ignored"' in page
    # a field and a department the entries have narrow the list, with no note
    page = office.get("/office/catalogue?department=综合处&area=行政规范性文件")
    assert IGNORED not in page and "行政规范性文件" in page and "政务公开工作要点" not in page


def test_a_retired_departments_entries_are_still_filtered_from_the_oversight_page(
    client: FlaskClient, clock: ManualClock
) -> None:
    clock.advance(days=70)  # past 31 January: the yearly report's entry is overdue
    get_engine(client.application).users.retire_department("admin", "综合处")
    office = Browser(client).login("wangwu")
    oversight = office.get("/office/oversight")
    (link,) = [h for h in links(oversight) if h.startswith("/office/catalogue?")]
    assert "综合处" in link
    page = office.get(link)
    assert IGNORED not in page and "已逾期" in page
    assert '<option value="综合处" selected>综合处</option>' in page
    # a retired department without entries is no choice
    get_engine(client.application).users.add_department("admin", "旧处")
    get_engine(client.application).users.retire_department("admin", "旧处")
    assert IGNORED + f"责任处室{WHY}" in office.get("/office/catalogue?department=旧处")


def test_a_later_page_of_the_instances_links_back_to_the_first_keeping_the_filter(
    client: FlaskClient,
) -> None:
    auditor = Browser(client).login("qianyi")
    first = auditor.get("/audit/instances?status=running")
    assert "回到第一页" not in first
    page = auditor.get("/audit/instances?status=running&before=999999")
    assert '<a href="/audit/instances?status=running">回到第一页</a>' in page
    # the same on the other lists paged by a cursor
    for path, user in (
        ("/requests?before=999999", "wujiu"),
        ("/mine?before=999999", "zhangsan"),
        ("/office/catalogue/unfiled?before=1", "wangwu"),  # empty, and not a dead end
        ("/office/catalogue?after=999999", "wangwu"),
    ):
        page = Browser(client.application.test_client()).login(user).get(path)
        assert f'<a href="{path.split("?")[0]}">回到第一页</a>' in page, path


def test_a_whole_display_name_finds_its_user_and_a_longer_text_is_said_ignored(
    client: FlaskClient,
) -> None:
    name = "威海市人民政府办公室政务公开科" * 9  # 135 characters
    get_engine(client.application).users.add("longname", ["drafter"], name[:128], "demo")
    admin = Browser(client).login("admin")
    page = admin.get(f"/admin/users?q={name[:128]}")
    assert "/admin/users/longname" in page and IGNORED not in page
    assert 'maxlength="128"' in page
    page = admin.get(f"/admin/users?q={name[:129]}")
    assert IGNORED + "用户名或显示名（不能超过 128 字）。" in page


def test_a_reviewers_task_page_links_to_the_approval_sheet_once(client: FlaskClient) -> None:
    head = Browser(client).login("lisi")
    inbox = head.get("/")
    task = next(h for h in links(inbox) if h.startswith("/tasks/"))
    page = head.get(task)
    assert "已有意见" in page  # the drafter's submission, read before the head's opinion
    assert len(re.findall(r'href="/instances/\d+/sheet"', page)) == 1
    # after the opinions, where the reviewer reads the newest lines of that sheet
    opinions = page.split('id="opinions-title"', 1)[1].split("</section>", 1)[0]
    assert "查看完整审签单" in opinions
    # a drafter's task shows no opinions: the sheet is linked from the page's head
    drafter = Browser(client.application.test_client()).login("zhangsan")
    page = drafter.get(next(h for h in links(drafter.get("/")) if h.startswith("/tasks/")))
    assert "已有意见" not in page and len(re.findall(r'href="/instances/\d+/sheet"', page)) == 1


def test_the_task_list_offers_and_applies_the_groups_of_third_party_lanes_with_open_tasks(
    client: FlaskClient,
) -> None:
    engine = get_engine(client.application)
    admin = Browser(client).login("admin")
    assert 'value="accounting"' not in admin.get("/admin/tasks")
    engine.deploy_files(invoice_files(**{GROUPS: 'camunda:candidateGroups="accounting, 财务科"'}))
    engine.start("camunda_invoice_approvers", "zhangsan", START)
    page = admin.get("/admin/tasks")
    # the domain's groups by their names, then the others with open tasks as lanes name them
    assert '<option value="drafter" >起草人</option>' in page
    assert '<option value="accounting" >accounting</option>' in page
    assert '<option value="财务科" >财务科</option>' in page
    for group in ("accounting", "财务科"):  # its first group, and a further one
        page = admin.get(f"/admin/tasks?role={group}")
        assert IGNORED not in page and "共 1 项" in page, group
    assert IGNORED + "岗位" + WHY in admin.get("/admin/tasks?role=sales")
    # no disclosure workflow gives the auditor or the administrator a task: they are not offered
    page = admin.get("/admin/tasks")
    assert 'value="auditor"' not in page and 'value="admin"' not in page
    # in English, the domain's groups are named in English
    admin.post("/language", {"lang": "en", "next": "/admin/tasks"})
    assert '<option value="drafter" >Drafter</option>' in admin.get("/admin/tasks")


def test_a_newcomer_finds_the_way_back_from_the_catalogue_and_report_pages(
    client: FlaskClient,
) -> None:
    office = Browser(client).login("wangwu")
    # the appeals of every year link back to the annual report, as those of one year do
    assert '<a href="/report/annual">年度报告</a>' in office.get("/report/appeals")
    # the entry form says where its link goes: the entry, or the basic catalogue
    assert '<a href="/office/catalogue">返回基本目录</a>' in office.get("/office/catalogue/new")
    edit = office.get("/office/catalogue/1/edit")
    assert '<a href="/office/catalogue/1">返回目录事项</a>' in edit
    assert '<a href="/office/catalogue">返回基本目录</a>' in office.get("/office/catalogue/1")
    # in English the two catalogues are told apart, as the bar names them
    office.post("/language", {"lang": "en", "next": "/office/catalogue/1"})
    assert "Back to the basic catalogue</a>" in office.get("/office/catalogue/1")
    assert "Back to the document catalogue</a>" in office.get("/documents/1")


def test_a_broken_page_link_of_a_search_leads_to_its_first_page(client: FlaskClient) -> None:
    response = client.get("/public/?q=政务公开&before=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "翻页链接无效，请从第一页重新查找。" in page
    assert "回到第一页" in page
    assert "/public/?q=政务公开" in [h for h in links(page) if "before" not in h]
