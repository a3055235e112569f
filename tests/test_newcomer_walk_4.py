"""What a fourth newcomer's walk through the demo found, through the test client."""

from __future__ import annotations

import io
import re

from flask import Flask

from webui import get_engine

from .conftest import WORKFLOWS
from .web import Browser, task_link


def _signed_in(app: Flask, username: str) -> Browser:
    return Browser(app.test_client()).login(username)


def _headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col">([^<]*)</th>', html)


def test_a_requests_two_numbers_are_called_alike_for_staff_and_public(app: Flask) -> None:
    # The citizen's 受理编号 is GK…; the office's 依申请〔2026〕N号 is its 登记号. Staff pages
    # headed the office's number 受理编号, and told a clerk to check the 受理编号
    # "(受理编号或文号均可)".
    registrar = _signed_in(app, "wujiu")
    listing = registrar.get("/requests")
    assert "登记号（受理编号）" in _headers(listing)
    assert re.search(r'<label for="number">登记号或受理编号</label>', listing)
    (first,) = re.findall(r'<a href="(/requests/\d+)">依申请〔\d+〕1号</a>', listing)
    assert "<dt>登记号（受理编号）</dt>" in registrar.get(first)
    empty = registrar.get("/requests?number=GKNOSUCHNUMB")
    assert "请核对编号（登记号或受理编号均可）" in empty
    assert "受理编号（受理编号" not in empty and "文号均可" not in empty
    english = registrar.get("/requests?number=GKNOSUCHNUMB&lang=en")
    assert "File or tracking number" in english


def test_the_office_is_told_why_it_cannot_open_a_request(app: Flask) -> None:
    # The office reads every request's progress but not who applied: the numbers were plain
    # text, with nothing to say why nor where a request's handling can be read.
    office = _signed_in(app, "wangwu").get("/requests")
    assert '<a href="/requests/' not in office
    assert "申请人的身份和联系方式只有登记人员和承办处室可以查看" in office
    assert re.search(r'办理过程见<a href="/audit/instances">流程实例</a>。', office)
    assert "只有登记人员" not in _signed_in(app, "wujiu").get("/requests")


def test_a_person_sending_back_reads_once_among_the_opinions(app: Flask) -> None:
    # 李四's 退回 came out twice: "处室审核 李四 退回：why", then "起草 李四 退回起草人", which
    # read as if 李四 had drafted.  A return by the rules (退文) keeps its own line.
    lisi = _signed_in(app, "lisi")
    path = task_link(lisi.get("/"), "处室审核")
    lisi.get(path)
    sent = {
        "decision": "send_back",
        "comment": "请补充培训对象。",
        "attribute": "on_request",
        "attribute_reason": "仅涉及内部培训安排。",
        "withheld_basis": "",
    }
    lisi.post(path, sent)
    case = path.rsplit("=", 1)[1]
    for reader in ("lisi", "zhangsan"):
        sheet = _signed_in(app, reader).get(f"/instances/{case}/sheet")
        assert sheet.count("请补充培训对象。") == 1, reader
        assert "退回起草人" not in sheet, reader
    drafter = _signed_in(app, "zhangsan")
    returned = drafter.get("/instances/5/sheet")
    assert "自动退文" in returned


def test_the_draft_says_its_attribute_is_wanted_before_submitting(app: Flask) -> None:
    # The field has no star (a draft may be saved without it), and a newcomer submitting
    # without it was returned with no warning beforehand.
    drafter = _signed_in(app, "zhangsan")
    page = drafter.get("/drafts/new")
    assert re.search(
        r'<p class="hint" id="attribute-hint">[^<]*提交前须选定，未标明公开属性的草稿将被自动退回',
        page,
    )
    assert re.search(r'<select id="f-attribute"[^>]*aria-describedby="attribute-hint"', page)
    english = drafter.get("/drafts/new?lang=en")
    assert "choose one before submitting" in english


def test_a_refused_workflow_says_what_its_english_lines_are_and_what_to_do(app: Flask) -> None:
    # The checker's lines were English only: the Chinese page said nothing of them, nor who
    # fixes them, nor that the running workflows are safe. They are Chinese now, naming the
    # element, and the page says which keep the engine's English words beside them.
    before = get_engine(app).queries.definition_versions("admin").items[0].id
    admin = _signed_in(app, "admin")
    admin.get("/admin/workflows")
    broken = (WORKFLOWS / "simple_approval.bpmn").read_bytes()
    broken = broken.replace(b'sourceRef="', b'sourceRef="nowhere_', 1)
    page = admin.post(
        "/admin/workflows",
        {"files": [(io.BytesIO(broken), "broken.bpmn")]},
        status=422,
        content_type="multipart/form-data",
    )
    assert "顺序流的起点“nowhere_" in page and "names no element" not in page
    assert "标有“英文说明”的" in page and "请交流程设计人员" in page
    assert "已部署的流程不受影响" in page
    assert get_engine(app).queries.definition_versions("admin").items[0].id == before


def test_whoever_decides_an_extension_reads_what_was_asked_and_why(app: Flask) -> None:
    # The office head's 延期审批 showed the request and a yes/no: not the days asked for nor
    # the handler's reason, which he was asked to judge.
    handler = _signed_in(app, "zhengshi")
    path = task_link(handler.get("/"), "办理")
    handler.get(path)
    asked = {"action": "extend", "extension_days": "15", "extension_reason": "需调取档案核实。"}
    handler.post(path, asked)
    office = _signed_in(app, "wangwu")
    page = office.get(task_link(office.get("/"), "延期审批"))
    card = page.split('id="extension-title"', 1)[1].split("</section>", 1)[0]
    assert "15个工作日" in card and "需调取档案核实。" in card
    english = office.get(task_link(office.get("/"), "延期审批") + "&lang=en")
    assert "15 working days" in english and "Extension asked for" in english


def test_the_registrar_waiting_for_a_fee_sees_by_when_it_is_due(app: Flask) -> None:
    # A correction and a consultation say by when; the fee (20 working days, then the request
    # is deemed abandoned) said only that the reply period stood still.
    registrar = _signed_in(app, "wujiu")
    page = registrar.get(task_link(registrar.get("/"), "等待缴费"))
    card = page.split('id="fee-title"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<dt>缴费期限</dt><dd>\d{4}-\d\d-\d\d（20 个工作日）", card)
    assert "申请视为放弃" in card


def test_a_holiday_schedule_refused_says_what_is_wrong_in_the_words_it_takes(app: Flask) -> None:
    # 2027-02-30 is written YYYY-MM-DD and was told to be YYYY-MM-DD; a kind mistyped was
    # told the English words only, though 放假 and 调休上班 are taken as well.
    admin = _signed_in(app, "admin")
    admin.get("/admin/calendar")
    page = admin.post("/admin/calendar", {"schedule": "2027-02-30 放假 春节"}, status=400)
    assert "第 1 行：日期“2027-02-30”不存在：该月没有这一天。" in page
    assert "应为 YYYY-MM-DD" not in page
    page = admin.post("/admin/calendar", {"schedule": "2027-01-01 假日 元旦"}, status=400)
    assert "未知类型“假日”（应为 放假/holiday 或 调休上班/workday）。" in page


def test_a_field_the_chosen_handling_needs_is_marked_required(app: Flask) -> None:
    # 答复类型 (拟定答复), 延期理由 (申请延期), 征求意见对象 … showed without the red star, and
    # the form then refused them as missing.
    handler = _signed_in(app, "zhengshi")
    page = handler.get(task_link(handler.get("/"), "办理"))
    for name in ("reply_type", "reply_text", "consulted", "extension_reason", "fee_method"):
        assert re.search(
            rf'<label for="f-{name}">[^<]*<span class="req" aria-hidden="true">\*</span></label>'
            rf'\s*<(select|textarea|input)[^>]*id="f-{name}"[^>]*aria-required="true"',
            page,
        ), name
    # What is never required keeps no star.
    assert re.search(r'<label for="f-disclosed_document">[^<]*</label>', page)
    registrar = _signed_in(app, "wujiu")
    page = registrar.get(task_link(registrar.get("/"), "受理审查"))
    assert re.search(r'<label for="f-department">承办处室 <span class="req"', page)
    page = registrar.get(task_link(registrar.get("/"), "等待缴费"))
    assert re.search(r'data-shown-when="payment" data-shown-for="waived"', page)
    assert re.search(r'<label for="f-waiver_reason">减免理由 <span class="req"', page)


def test_an_annual_report_of_noughts_says_why_and_leads_to_this_year(app: Flask) -> None:
    # The report opens on last year, as it is compiled; with the demo's requests all this
    # year, a newcomer met a table of 0s and wondered whether it was broken.
    auditor = _signed_in(app, "qianyi")
    page = auditor.get("/report/annual")
    (shown,) = re.findall(r'<input id="year" name="year" type="number"[^>]* value="(\d+)"', page)
    this_year = int(shown) + 1
    assert f"{shown} 年度没有收到或办理的政府信息公开申请，下表各项为 0。" in page
    assert f'<a href="/report/annual?year={this_year}">查看本年度（{this_year}）</a>' in page
    assert 'id="empty-year"' not in auditor.get(f"/report/annual?year={this_year}")
    assert "gongkai" not in page.split("<main", 1)[1]


def test_the_history_names_the_hash_it_shows_and_says_what_it_is_for(app: Flask) -> None:
    # Each event ended in a bare "fcfd92a2d6c3f5a2…", a code a newcomer could not place.
    auditor = _signed_in(app, "qianyi")
    page = auditor.get("/audit/instances/1")
    assert "前后相连成哈希链" in page and "“核验”时即可发现" in page
    assert re.search(r'哈希 <code title="[0-9a-f]{64}">[0-9a-f]{16}…</code>', page)
    assert "Hash <code" in auditor.get("/audit/instances/1?lang=en")


def test_each_admin_page_is_headed_as_its_menu_entry_names_it(app: Flask) -> None:
    # 系统管理 › 任务管理 opened a page headed 全部待办任务; each other page bears its entry's name.
    admin = _signed_in(app, "admin")
    menu = admin.get("/admin/users")
    entries = re.findall(r'<li><a href="(/admin/[a-z]+)"[^>]*>([^<]+)</a></li>', menu)
    assert len(entries) == 6, entries
    for path, name in entries:
        assert re.search(rf"<h1[^>]*>{name}</h1>", admin.get(path)), (path, name)
