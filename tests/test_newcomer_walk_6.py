"""What a sixth newcomer's walk through the demo found, through the test client."""

from __future__ import annotations

import io
import re

from flask import Flask

from .conftest import WORKFLOWS
from .test_request_pages import request_form
from .web import Browser, task_link


def _signed_in(app: Flask, username: str) -> Browser:
    return Browser(app.test_client()).login(username)


def _request_row(listing: str, file_number: str) -> str:
    return next(row for row in listing.split("<tr")[1:] if f"{file_number}" in row)


def _status_cell(row: str) -> str:
    return re.findall(r"<td>(.*?)</td>", row, re.S)[-2]


def test_the_request_list_says_an_extension_waits_for_approval(app: Flask) -> None:
    # The list said 办理中 while the office had the extension to approve: the handler took
    # the request for his own work still, and the office did not know it waited on it.
    handler = _signed_in(app, "zhengshi")
    path = task_link(handler.get("/"), "办理")
    handler.get(path)
    asked = {"action": "extend", "extension_days": "15", "extension_reason": "需调取档案核实。"}
    handler.post(path, asked)
    number = "依申请〔2026〕3号"
    for reader in ("zhengshi", "wangwu", "wujiu"):
        cell = _status_cell(_request_row(_signed_in(app, reader).get("/requests"), number))
        assert "办理中" in cell and "延期申请待办公室审批" in cell, reader
    english = _signed_in(app, "wangwu").get("/requests?lang=en")
    assert "Extension waiting for the office&#39;s approval" in english
    # The reply waiting for the office head's signature says so; a request in its handler's
    # hands says 办理中 alone.
    listing = _signed_in(app, "wangwu").get("/requests")
    assert "答复书待签发" in _status_cell(_request_row(listing, "依申请〔2026〕6号"))
    approve = _signed_in(app, "wangwu")
    extension = task_link(approve.get("/"), "延期审批")
    approve.get(extension)
    approve.post(extension, {"extension_decision": "approve", "comment": "同意延期。"})
    cell = _status_cell(_request_row(approve.get("/requests"), number))
    assert cell.strip() == "办理中"


def test_a_task_without_a_deadline_says_so_in_words(app: Flask) -> None:
    # The inbox's 办理期限 said a bare "—" for a draft sent back: a newcomer could not tell a
    # task with no time limit from a date that failed to show.
    drafter = _signed_in(app, "zhangsan")
    inbox = drafter.get("/")
    row = next(r for r in inbox.split("<tr")[1:] if ">起草<span" in r)
    assert "无办理时限" in row and "—" not in row
    assert "No time limit" in drafter.get("/?lang=en")
    tasks = _signed_in(app, "admin").get("/admin/tasks")
    assert "无办理时限" in tasks and '<td><span class="nowrap">—' not in tasks
    # 我的公文 says the same of a draft's step without one; a document with no step open
    # (published) keeps its dash.
    mine = drafter.get("/mine")
    returned = next(r for r in mine.split("<tr")[1:] if "起草（起草人）" in r)
    assert "无办理时限" in returned
    published = next(r for r in mine.split("<tr")[1:] if "已发布" in r)
    assert "无办理时限" not in published


def test_the_receipt_of_a_paper_request_tells_the_registrar_his_next_step(app: Flask) -> None:
    # After 登记 the receipt showed the codes and 返回待办, nothing of what came next: a
    # newcomer did not know the request now waited on his own 受理审查.
    registrar = _signed_in(app, "wujiu")
    registrar.get("/requests/new")
    paper = request_form(channel="mail", received_on="2026-11-27", description="停车场规划")
    registrar.post("/requests/new", paper, status=303)
    receipt = registrar.get("/requests/new/receipt")
    assert "下一步：受理审查。这份申请已列入您的待办事项" in receipt
    assert "受理审查" in registrar.get("/")
    # The applicant's own receipt on the public form has no inbox to speak of.
    public = Browser(app.test_client())
    public.get("/public/request")
    public.post("/public/request", request_form(description="停车场规划"), status=303)
    assert "下一步：受理审查" not in public.get("/public/request/receipt")


def draft_a_disclosing_reply(app: Flask) -> int:
    """Have the handler draft a disclosing reply to 依申请〔2026〕3号; return its instance."""
    handler = _signed_in(app, "zhengshi")
    path = task_link(handler.get("/"), "办理")
    handler.get(path)
    replied = {
        "action": "reply",
        "reply_type": "disclose",
        "reply_text": "现将《市区公交线路调整方案》提供给您。",
    }
    handler.post(path, replied)
    return int(path.rsplit("=", 1)[1])


def test_the_review_of_a_reply_names_the_request_it_is_for(app: Flask) -> None:
    # The confidentiality reviewer may not open the request (its applicant is not his to
    # read), and his task was headed "保密审查 #14": nothing said which request's reply it was.
    draft_a_disclosing_reply(app)
    reviewer = _signed_in(app, "sunqi")
    inbox = reviewer.get("/")
    opens = r'href="(/tasks/[^"]+)">保密审查<span class="sr-only">：依申请〔2026〕3号'
    link = re.search(opens, inbox)
    assert link is not None
    page = reviewer.get(link.group(1).replace("&amp;", "&"))
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert heading is not None
    assert "依申请〔2026〕3号 市区公交线路调整方案" in heading.group(1)
    assert "#" not in heading.group(1)


def test_a_reassignment_says_which_task_went_to_whom_by_name(app: Flask) -> None:
    # "已改派给 wujiu。": the list names people 吴九 (wujiu) and says nothing of the task, so a
    # newcomer could not tell which of a dozen rows he had just handed on.
    admin = _signed_in(app, "admin")
    listing = admin.get("/admin/tasks")
    row = next(r for r in listing.split("<tr")[1:] if "吴九（wujiu）" in r)
    task_id = re.search(r'action="/admin/tasks/([^/"]+)/reassign', row)
    assert task_id is not None
    admin.post(f"/admin/tasks/{task_id.group(1)}/reassign", {"to_user": "wujiu"})
    done = admin.get("/admin/tasks")
    said = r"已将“[^”：]+：依申请〔2026〕\d+号 [^”]+”改派给 吴九（wujiu）。"
    assert re.search(said, done)
    english = admin.post(f"/admin/tasks/{task_id.group(1)}/reassign?lang=en", {"to_user": "wujiu"})
    assert english.startswith("/admin/tasks")
    assert "Reassigned “" in admin.get("/admin/tasks?lang=en")


def test_a_deployment_says_what_was_deployed_by_name_and_what_it_changes(app: Flask) -> None:
    # "已部署为版本 2：simple_approval。": the list of versions names processes 简单审批, and the
    # message did not say which cases the new version is for.
    admin = _signed_in(app, "admin")
    admin.get("/admin/workflows")
    bpmn = (WORKFLOWS / "simple_approval.bpmn").read_bytes()
    changed = bpmn.replace('name="简单审批"'.encode(), 'name="简单审批（二）"'.encode())
    assert changed != bpmn
    sent = {"files": [(io.BytesIO(changed), "simple_approval.bpmn")]}
    admin.post("/admin/workflows", sent, content_type="multipart/form-data")
    page = admin.get("/admin/workflows")
    assert re.search(
        r"已部署为版本 \d+：简单审批（二）（simple_approval）。"
        "新发起的按此版本办理，已在办理的仍按原版本办理。",
        page,
    )
    third = changed.replace("（二）".encode(), "（三）".encode())
    sent = {"files": [(io.BytesIO(third), "simple_approval.bpmn")]}
    admin.post("/admin/workflows?lang=en", sent, content_type="multipart/form-data")
    assert "New cases follow this version" in admin.get("/admin/workflows?lang=en")


def test_a_requests_own_page_says_what_it_waits_on_as_the_list_does(app: Flask) -> None:
    # The list said 办理中 · 答复书待签发; the request's page, opened from it, said 办理中 alone.
    registrar = _signed_in(app, "wujiu")
    listing = registrar.get("/requests")
    signing = re.search(r'<a href="(/requests/\d+)">依申请〔2026〕6号</a>', listing)
    assert signing is not None
    heading = re.search(r"<h1>(.*?)</h1>", registrar.get(signing.group(1)), re.S)
    assert heading is not None and "办理中：答复书待签发" in heading.group(1)
    english = registrar.get(signing.group(1) + "?lang=en")
    assert "Being handled: Reply letter waiting to be signed" in english
    handled = re.search(r'<a href="(/requests/\d+)">依申请〔2026〕3号</a>', listing)
    assert handled is not None
    heading = re.search(r"<h1>(.*?)</h1>", registrar.get(handled.group(1)), re.S)
    assert heading is not None and "办理中</small>" in heading.group(1)


def test_a_request_not_yet_assigned_says_so_in_the_department_column(app: Flask) -> None:
    # 承办处室 said "—" for a request still at the registrar's: a dash read as a department
    # that failed to show.
    listing = _signed_in(app, "wujiu").get("/requests")
    row = _request_row(listing, "依申请〔2026〕1号")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert "未交办" in cells[3] and "—" not in cells[3]
    assert (
        "综合处"
        in re.findall(r"<td[^>]*>(.*?)</td>", _request_row(listing, "依申请〔2026〕3号"), re.S)[3]
    )
    assert "Not assigned" in _signed_in(app, "wujiu").get("/requests?lang=en")


def test_the_task_list_says_a_task_nobody_claimed_is_unclaimed(app: Flask) -> None:
    # 认领人 said "—": a newcomer admin could not tell an open task from a name that failed to show.
    admin = _signed_in(app, "admin")
    listing = admin.get("/admin/tasks")
    rows = listing.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    claimed = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[3] for r in rows]
    assert claimed and all("未认领" in c for c in claimed) and not any(c == "—" for c in claimed)
    assert "Not claimed" in admin.get("/admin/tasks?lang=en")
