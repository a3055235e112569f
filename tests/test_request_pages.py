"""The request pages as their users meet them: the public, the registrar, the handlers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from engine import Engine, FormValidationError, NotFoundError, Problem
from engine.clock import ManualClock
from engine.disclosure import letter as letters
from engine.disclosure.letter import MadePDFs, ReplyLetter, render_pdf
from engine.disclosure.privacy import id_check_char
from engine.disclosure.requests.applicants import DELIVERY_FORMS, DELIVERY_METHODS
from engine.disclosure.requests.desk import RequestThrottledError
from engine.views import TaskView
from webui import get_engine

from .helpers import beijing, task_of, waiting_task
from .web import Browser

NAME = "林小红"
FIRST17 = "37100219900101001"
RESIDENT_ID = FIRST17 + id_check_char(FIRST17)


def request_form(**changes: str) -> dict[str, str]:
    return {
        "applicant_type": "natural_person",
        "applicant_name": NAME,
        "id_type": "resident_id",
        "id_number": RESIDENT_ID,
        "phone": "13900002222",
        "address": "威海市环翠区海滨路2号",
        "email": "",
        "description": "2026年老旧小区改造名单",
        "document_hint": "",
        "purpose": "",
        "preferred_form": "paper",
        "delivery": "mail",
        **changes,
    }


def submit(client: FlaskClient, **changes: str) -> tuple[str, str]:
    """Ask on the public page; return the tracking number and query code it gives."""
    public = Browser(client)
    public.get("/public/request")
    # Filing redirects to the receipt (POST/redirect/GET), shown once.
    assert public.post("/public/request", request_form(**changes), status=303).endswith(
        "/public/request/receipt"
    )
    page = public.get("/public/request/receipt")
    number, code = re.findall(r'<code class="big">(\w+)</code>', page)
    assert number.startswith("GK") and len(code) == 10
    return number, code


def registrar_check(engine: Engine, words: str) -> TaskView:
    """Return the registrar's check of the one request whose subject holds ``words``."""
    (check,) = [
        t
        for t in engine.queries.list_tasks("wujiu")
        if t.element_id == "check_request" and words in (t.subject or "")
    ]
    return check


def test_anyone_can_ask_and_follow_the_request_with_its_code(client: FlaskClient) -> None:
    number, code = submit(client)
    public = Browser(client)
    public.get("/public/status")
    page = public.post(
        "/public/status", {"tracking_number": number, "query_code": code}, status=200
    )
    assert "已登记，待受理审查" in page and "答复期限" in page
    assert NAME not in page and RESIDENT_ID not in page
    wrong = public.post(
        "/public/status", {"tracking_number": number, "query_code": "WRONGWRONG"}, status=404
    )
    assert "受理编号或查询码不正确" in wrong
    # a wrong code says what to do next, not only that it is wrong
    assert "请对照受理回执重新输入" in wrong and "政府信息公开工作机构联系" in wrong


def test_a_bad_request_names_each_field_and_registers_nothing(
    app: Flask, client: FlaskClient
) -> None:
    engine = app.extensions["gongkai.engine"]
    before = len(engine.queries.list_instances(process_id="disclosure_request"))
    public = Browser(client)
    public.get("/public/request")
    page = public.post(
        "/public/request",
        request_form(
            id_number=RESIDENT_ID[:-1] + "0" if RESIDENT_ID[-1] != "0" else "1",
            delivery="email",
            applicant_name="",
        ),
        status=422,
    )
    assert "居民身份证号码无效" in page
    assert "须填写电子邮箱" in page
    assert "此项必填" in page
    assert len(engine.queries.list_instances(process_id="disclosure_request")) == before


#: (the form of the information, the way of delivery) -> what refuses them together, or None
DELIVERIES = {
    ("paper", "mail"): None,
    ("paper", "collect"): None,
    ("paper", "fax"): None,
    ("paper", "email"): "request.email_delivery_of_email",
    ("email", "email"): None,
    ("email", "mail"): "request.email_form_by_email",
    ("email", "collect"): "request.email_form_by_email",
    ("email", "fax"): "request.email_form_by_email",
    ("electronic_data", "mail"): None,
    ("electronic_data", "collect"): None,
    ("electronic_data", "email"): "request.email_delivery_of_email",
    ("electronic_data", "fax"): "request.fax_of_paper",
}


def test_the_form_of_the_information_and_its_delivery_go_together(app: Flask) -> None:
    engine: Engine = app.extensions["gongkai.engine"]
    assert set(DELIVERIES) == {(f, d) for f in DELIVERY_FORMS for d in DELIVERY_METHODS}
    for n, ((form, delivery), code) in enumerate(DELIVERIES.items()):
        values = request_form(preferred_form=form, delivery=delivery, email="lin@example.com")
        if code is None:
            assert engine.requests.submit(values, address=f"198.51.100.{n}").tracking_number
            continue
        with pytest.raises(FormValidationError) as refused:
            engine.requests.submit(values, address=f"198.51.100.{n}")
        assert refused.value.errors == {"delivery": [Problem(code)]}, (form, delivery)
    # what the chosen delivery needs is asked for beside it: the address, the e-mail address
    for changes, field, code in (
        ({"delivery": "mail", "address": ""}, "address", "request.address_needed"),
        ({"preferred_form": "email", "delivery": "email"}, "email", "request.email_needed"),
    ):
        with pytest.raises(FormValidationError) as refused:
            engine.requests.submit(request_form(**changes), address="198.51.100.99")
        assert refused.value.errors == {field: [Problem(code)]}


def test_a_delivery_that_cannot_carry_the_form_is_refused_naming_it_and_keeping_the_rest(
    client: FlaskClient,
) -> None:
    public = Browser(client)
    public.get("/public/request")
    sent = request_form(preferred_form="paper", delivery="email", email="lin@example.com")
    page = public.post("/public/request", sent, status=422)
    assert "以电子邮件获取的，载体形式须选“电子邮件”" in page
    assert 'aria-describedby="delivery-error' in page or 'id="delivery-error"' in page
    # everything the applicant typed and chose is still there
    assert f'value="{NAME}"' in page and 'value="lin@example.com"' in page
    assert "2026年老旧小区改造名单</textarea>" in page
    assert re.search(r'<option value="paper"\s+selected', page)
    assert re.search(r'<option value="email"\s+selected', page)
    # said beside the choice before any refusal
    assert "电子邮件载体以电子邮件发送" in public.get("/public/request")


def test_too_many_requests_from_one_address_are_refused_with_a_clear_message(
    client: FlaskClient,
) -> None:
    for _ in range(10):
        submit(client)
    public = Browser(client)
    public.get("/public/request")
    response = client.post("/public/request", data={"csrf_token": public.token, **request_form()})
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "操作过于频繁" in response.get_data(as_text=True)


def test_requests_and_lookups_from_one_ipv6_network_are_counted_as_from_one_address(
    app: Flask,
) -> None:
    """A home is given a whole IPv6 /64: a new address in it is no new applicant."""
    engine, client = get_engine(app), app.test_client()
    for n in range(10):
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:5:6::{n + 1:x}"
        submit(client)
    client.environ_base["REMOTE_ADDR"] = "2001:db8:5:6:abcd::1"
    public = Browser(client)
    public.get("/public/request")
    response = client.post("/public/request", data={"csrf_token": public.token, **request_form()})
    assert response.status_code == 429 and "操作过于频繁" in response.get_data(as_text=True)
    for n in range(20):  # codes guessed for many numbers, each from a new address
        with pytest.raises(NotFoundError):
            engine.requests.status(f"GK{n:010d}", "WRONGWRONG", f"2001:db8:7::{n + 1:x}")
    with pytest.raises(RequestThrottledError):
        engine.requests.status("GK9999999999", "WRONGWRONG", "2001:db8:7:0:1::1")


def test_the_handler_sees_the_applicant_and_the_office_head_does_not(
    app: Flask, client: FlaskClient
) -> None:
    engine = app.extensions["gongkai.engine"]
    submit(client, description="某街道拆迁补偿方案")

    def task_of(user: str, element: str) -> str:
        (task,) = [
            t
            for t in engine.queries.list_tasks(user)
            if t.element_id == element and "某街道拆迁补偿方案" in (t.subject or "")
        ]
        return f"/tasks/{task.task_id}"

    registrar = Browser(app.test_client()).login("wujiu")
    check = task_of("wujiu", "check_request")
    page = registrar.get(check)
    assert NAME in page and RESIDENT_ID in page
    assert '<option value="综合处">' in page  # the departments are offered
    registrar.post(check, {"intake_decision": "accept", "department": "综合处"})
    handler = Browser(app.test_client()).login("zhengshi")
    handling = handler.get(task_of("zhengshi", "handle"))
    assert NAME in handling and "该申请人此前的申请" not in handling
    request_page = re.search(r'href="(/requests/\d+)"', handling)
    assert request_page is None or NAME in handler.get(request_page.group(1))
    office = Browser(app.test_client()).login("wangwu")
    task = engine.queries.get_task(task_of("zhengshi", "handle").removeprefix("/tasks/"))
    view = engine.requests.of_instance(task.instance_id, "zhengshi")
    office.get(f"/requests/{view.id}", status=403)
    assert NAME in handler.get(f"/requests/{view.id}")


def test_the_registrar_enters_a_paper_request_and_others_may_not(app: Flask) -> None:
    registrar = Browser(app.test_client()).login("wujiu")
    # From his inbox, where he starts, as well as from the list of requests.
    assert '<a class="button" href="/requests/new">登记纸质申请</a>' in registrar.get("/")
    assert "登记纸质申请" in registrar.get("/requests/new")
    registrar.post(
        "/requests/new",
        request_form(channel="mail", received_on="2026-11-27", description="纸质申请的内容"),
        status=303,
    )
    page = registrar.get("/requests/new/receipt")
    assert "申请已登记" in page and "2026-11-27" in page
    drafter = Browser(app.test_client()).login("zhangsan")
    assert "登记纸质申请" not in drafter.get("/")
    drafter.get("/requests/new", status=403)


def test_the_handler_finds_the_published_document_in_the_catalogue_first(app: Flask) -> None:
    engine = app.extensions["gongkai.engine"]
    submit(app.test_client(), description="贵单位2026年政务公开工作要点的文件")
    check = registrar_check(engine, "政务公开工作要点")
    engine.complete_task(
        check.task_id, "wujiu", {"intake_decision": "accept", "department": "综合处"}
    )
    (handle,) = [
        t
        for t in engine.queries.list_tasks("zhengshi")
        if t.element_id == "handle" and t.instance_id == check.instance_id
    ]
    page = Browser(app.test_client()).login("zhengshi").get(f"/tasks/{handle.task_id}")
    hits = page.split("公文目录中可能相关的公文", 1)[1]
    assert "关于印发2026年政务公开工作要点的通知" in hits and "已主动公开" in hits


def test_a_query_is_cut_into_the_pieces_chinese_text_is_found_by() -> None:
    from engine.disclosure.catalogue import search_pieces

    assert search_pieces("城区道路") == ["城区", "区道", "道路"]
    assert search_pieces("2026年 停车（威政办发）") == [
        "2026",
        "年",
        "停车",
        "威政",
        "政办",
        "办发",
    ]
    assert search_pieces("  ，。  ") == []


def test_the_reply_letter_prints_and_downloads_for_its_readers(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = app.extensions["gongkai.engine"]
    admin = Browser(app.test_client()).login("admin")
    admin.get("/admin/agency")
    admin.post(
        "/admin/agency",
        {
            "name": "威海市人民政府办公室",
            "address": "威海市统一路1号",
            "court": "环翠区人民法院",
            "reconsideration_body": "威海市人民政府",
            "reconsideration_days": "60",
            "litigation_months": "6",
            "postcode": "",
            "phone": "",
        },
    )
    number, code = submit(client, description="某涉密会议的纪要全文")
    check = registrar_check(engine, "某涉密会议")
    instance = check.instance_id
    engine.complete_task(
        check.task_id, "wujiu", {"intake_decision": "accept", "department": "综合处"}
    )
    for user, element, data in (
        (
            "zhengshi",
            "handle",
            {
                "action": "reply",
                "reply_type": "withhold.state_secret",
                "reply_text": "该信息属于国家秘密，不予公开。",
            },
        ),
        ("wangwu", "sign_reply", {"decision": "approve"}),
    ):
        (task,) = [
            t
            for t in engine.queries.list_tasks(user)
            if t.element_id == element and t.instance_id == instance
        ]
        engine.complete_task(task.task_id, user, data)
    public = Browser(client)
    public.get("/public/status")
    page = public.post(
        "/public/status", {"tracking_number": number, "query_code": code}, status=200
    )
    assert "政府信息公开申请答复书" in page and "不予公开（属于国家秘密）" in page
    assert "60日内向威海市人民政府申请行政复议" in page and NAME not in page
    # Only wrong codes are counted: the letter may be asked for again and again, and is
    # made once (a second of work each time before).
    made: list[ReplyLetter] = []

    def counted(letter: ReplyLetter) -> bytes:
        made.append(letter)
        return render_pdf(letter)

    monkeypatch.setattr(letters, "LETTERS", MadePDFs(counted, 2**20))
    for _ in range(3):
        pdf = client.post(
            "/public/status/letter.pdf",
            data={"csrf_token": public.token, "tracking_number": number, "query_code": code},
        )
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert pdf.mimetype == "application/pdf"
    assert len(made) == 1
    view = engine.requests.of_instance(instance, "wujiu")
    registrar = Browser(app.test_client()).login("wujiu")
    letter = registrar.get(f"/requests/{view.id}/letter")
    assert NAME in letter and "威海市人民政府办公室" in letter
    staff_pdf = registrar.client.get(f"/requests/{view.id}/letter.pdf")
    assert staff_pdf.status_code == 200 and staff_pdf.data.startswith(b"%PDF")
    Browser(app.test_client()).login("qianyi").get(f"/requests/{view.id}/letter", status=403)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_id_scan_is_checked_and_read_only_by_those_who_read_the_applicant(
    app: Flask, client: FlaskClient
) -> None:
    import io

    engine = app.extensions["gongkai.engine"]
    public = Browser(client)
    public.get("/public/request")
    fake = request_form() | {"id_scan": (io.BytesIO(b"MZ\x90\x00 not a picture"), "scan.png")}
    refused = public.post("/public/request", fake, status=422, content_type="multipart/form-data")
    assert "scan.png" in refused and "PNG" in refused
    # The test app takes attachments of at most 4 KB; a scan is held to that too.
    big = request_form() | {"id_scan": (io.BytesIO(PNG + b"\x00" * 5000), "big.png")}
    assert "超过" in public.post(
        "/public/request", big, status=422, content_type="multipart/form-data"
    )
    good = request_form(description="带扫描件的申请") | {"id_scan": (io.BytesIO(PNG), "身份证.png")}
    public.post("/public/request", good, status=303, content_type="multipart/form-data")
    assert "申请已登记" in public.get("/public/request/receipt")
    check = registrar_check(engine, "带扫描件的申请")
    view = engine.requests.of_instance(check.instance_id, "wujiu")
    registrar = Browser(app.test_client()).login("wujiu")
    assert f"/requests/{view.id}/id-scan" in registrar.get(f"/tasks/{check.task_id}")
    scan = registrar.client.get(f"/requests/{view.id}/id-scan")
    assert scan.status_code == 200 and scan.data == PNG and scan.mimetype == "image/png"
    office = Browser(app.test_client()).login("wangwu")
    office.get(f"/requests/{view.id}/id-scan", status=403)
    # The office head who signs the reply reads the request, but not the scan.
    engine.complete_task(
        check.task_id, "wujiu", {"intake_decision": "accept", "department": "综合处"}
    )
    (handle,) = [
        t
        for t in engine.queries.list_tasks("zhengshi")
        if t.element_id == "handle" and t.instance_id == check.instance_id
    ]
    assert f"/requests/{view.id}/id-scan" in Browser(app.test_client()).login("zhengshi").get(
        f"/tasks/{handle.task_id}"
    )
    reply = {"action": "reply", "reply_type": "withhold.state_secret", "reply_text": "不予公开。"}
    engine.complete_task(handle.task_id, "zhengshi", reply)
    (sign,) = [
        t
        for t in engine.queries.list_tasks("wangwu")
        if t.element_id == "sign_reply" and t.instance_id == check.instance_id
    ]
    assert "证件扫描件" not in office.get(f"/tasks/{sign.task_id}")
    assert "证件扫描件" not in office.get(f"/requests/{view.id}")  # he reads the request
    assert "只有登记人员和承办处室" in office.get(f"/requests/{view.id}/id-scan", status=403)


def test_looking_at_the_status_page_is_not_a_lookup(client: FlaskClient) -> None:
    # Only a posted number and code count against the address; opening the page never does.
    for _ in range(25):
        assert client.head("/public/status").status_code == 200
        assert client.get("/public/status").status_code == 200


def test_the_status_page_says_where_the_number_and_the_code_are(client: FlaskClient) -> None:
    page = client.get("/public/status").get_data(as_text=True)
    assert 'aria-describedby="status-where"' in page
    assert "见受理回执" in page and "登记时为您打印的回执" in page


def test_a_file_given_out_is_reviewed_with_the_reply_and_downloaded_with_the_code(
    app: Flask, client: FlaskClient
) -> None:
    import io

    engine = app.extensions["gongkai.engine"]
    number, code = submit(client, description="道路改造的设计图纸")
    check = registrar_check(engine, "设计图纸")
    instance = check.instance_id
    engine.complete_task(
        check.task_id, "wujiu", {"intake_decision": "accept", "department": "综合处"}
    )

    def task(user: str, element: str) -> str:
        (found,) = [
            t
            for t in engine.queries.list_tasks(user)
            if t.element_id == element and t.instance_id == instance
        ]
        return f"/tasks/{found.task_id}"

    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    handler = Browser(app.test_client()).login("zhengshi")
    path = task("zhengshi", "handle")
    handler.get(path)
    handler.post(
        path,
        {
            "action": "reply",
            "reply_type": "disclose",
            "reply_text": "所申请的图纸见附件。",
            "reply_attachment": (io.BytesIO(pdf), "设计图纸.pdf"),
        },
        content_type="multipart/form-data",
    )
    reviewer = Browser(app.test_client()).login("sunqi")
    review = reviewer.get(task("sunqi", "confidentiality_review_task"))
    assert "设计图纸.pdf" in review
    reviewer.post(
        task("sunqi", "confidentiality_review_task"),
        {"review_conclusion": "disclose", "review_basis": "不涉及国家秘密和个人信息"},
    )
    office = Browser(app.test_client()).login("wangwu")
    office.get(task("wangwu", "sign_reply"))
    office.post(task("wangwu", "sign_reply"), {"decision": "approve"})
    public = Browser(client)
    public.get("/public/status")
    page = public.post("/public/status", {"tracking_number": number, "query_code": code}, 200)
    assert "附件：设计图纸.pdf" in page
    attachment_id = re.search(r'name="attachment" value="(\d+)"', page).group(1)
    got = client.post(
        "/public/status/attachment",
        data={
            "csrf_token": public.token,
            "tracking_number": number,
            "query_code": code,
            "attachment": attachment_id,
        },
    )
    assert got.status_code == 200 and got.data == pdf
    other = client.post(
        "/public/status/attachment",
        data={
            "csrf_token": public.token,
            "tracking_number": number,
            "query_code": code,
            "attachment": str(int(attachment_id) + 1000),
        },
    )
    assert other.status_code == 404  # only what the reply gave out


def test_the_request_list_shows_each_reader_what_he_may_see(app: Flask) -> None:
    engine = app.extensions["gongkai.engine"]
    everything = engine.requests.list_page("wujiu")
    assert len(everything.items) == 7 and everything.opens_applicant
    page = engine.requests.list_page("wujiu", limit=3)
    rest = engine.requests.list_page("wujiu", before_id=page.next_before)
    assert [r["id"] for r in page.items + rest.items] == [r["id"] for r in everything.items]
    handled = engine.requests.list_page("zhengshi")
    assert handled.items and {r["department"] for r in handled.items} == {"综合处"}
    assert len(handled.items) == 5  # the two not yet accepted have no department
    office = engine.requests.list_page("wangwu")
    assert len(office.items) == 7 and not office.opens_applicant
    assert len(engine.requests.list_page("wujiu", status="replied").items) == 1

    registrar = Browser(app.test_client()).login("wujiu")
    html = registrar.get("/requests")
    assert "依申请〔2026〕" in html and 'href="/requests/' in html
    assert "李明" not in html  # no applicant names in the list
    listed = Browser(app.test_client()).login("wangwu").get("/requests")
    assert "依申请〔2026〕" in listed and 'href="/requests/1"' not in listed
    Browser(app.test_client()).login("zhangsan").get("/requests", status=403)


def test_staff_find_a_request_by_the_number_the_applicant_quotes(app: Flask) -> None:
    engine = app.extensions["gongkai.engine"]
    wanted = engine.requests.list_page("wujiu").items[2]
    tracking, file_number = wanted["tracking_number"], wanted["file_number"]
    spoken = " ".join(tracking.lower()[i : i + 4] for i in range(0, len(tracking), 4))
    typed = file_number.replace("〔", "(").replace("〕", ")")  # as a keyboard gives it
    assert typed != file_number
    for number in (tracking, spoken, file_number, typed):
        found = engine.requests.list_page("wujiu", number=number).items
        assert [r["id"] for r in found] == [wanted["id"]], number
    assert engine.requests.list_page("wujiu", number="GK0000000000").items == ()
    # a handler still sees only his department's, whatever number he types
    others = [r for r in engine.requests.list_page("wujiu").items if r["department"] != "综合处"]
    assert engine.requests.list_page("zhengshi", number=others[0]["tracking_number"]).items == ()

    registrar = Browser(app.test_client()).login("wujiu")
    html = registrar.get(f"/requests?number={tracking}")
    assert file_number in html and tracking in html
    assert html.count("<tbody>") == 1 and html.split("<tbody>")[1].count("<tr>") == 1


def test_the_status_page_says_what_to_correct_and_by_when(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["gongkai.engine"]
    number, code = submit(client, description="关于某项目的那个文件")
    check = registrar_check(engine, "某项目的那个文件")
    notice = {"intake_decision": "correct", "correction_notice": "请写明文件名称或文号。"}
    engine.complete_task(check.task_id, "wujiu", notice | {"correction_days": 15})
    due = engine.queries.get_instance(check.instance_id).data["clock"]["pause_due_on"]
    public = Browser(client)
    public.get("/public/status")
    page = public.post(
        "/public/status", {"tracking_number": number, "query_code": code}, status=200
    )
    assert "请写明文件名称或文号。" in page and due in page and "视为放弃申请" in page


def test_the_fee_is_shown_to_the_registrar_and_the_applicant(app: Flask) -> None:
    engine = app.extensions["gongkai.engine"]
    (waiting,) = engine.requests.list_page("wujiu", status="fee").items
    view = engine.requests.get(waiting["id"], "wujiu")
    assert view.fee_yuan
    page = Browser(app.test_client()).login("wujiu").get(f"/requests/{view.id}")
    assert "应缴信息处理费" in page and f"{view.fee_yuan} 元" in page


def test_the_office_head_signs_the_text_the_applicant_gets(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["gongkai.engine"]
    submit(client, description="道路改造联系人名单")
    check = registrar_check(engine, "联系人名单")
    instance = check.instance_id
    engine.complete_task(
        check.task_id, "wujiu", {"intake_decision": "accept", "department": "综合处"}
    )
    handle = task_of(engine, instance, "handle", "zhengshi")
    text = "联系人张三，电话13912345678。"
    reply = {"action": "reply", "reply_type": "disclose", "reply_text": text}
    engine.complete_task(handle.task_id, "zhengshi", reply)
    review = waiting_task(engine, instance, "confidentiality_review_task")
    # The reviewer reviews what the reply gives out, not who asked for it (need to know).
    reviewer = Browser(app.test_client()).login("sunqi")
    review_page = reviewer.get(f"/tasks/{review.task_id}")
    assert "13912345678" in review_page and NAME not in review_page
    assert RESIDENT_ID not in review_page
    request_id = engine.requests.of_instance(instance, "wujiu").id
    reviewer.get(f"/requests/{request_id}", status=403)
    form = engine.queries.task_form(review.task_id, "sunqi")
    findings = [f["id"] for f in form.data["review_item"]["findings"]]
    data = {k: v for k, v in form.values.items() if v is not None} | {
        "confirmed_findings": findings,
        "review_conclusion": "disclose_redacted",
        "review_basis": "条例第十五条",
    }
    engine.complete_task(review.task_id, "sunqi", data)
    sign = task_of(engine, instance, "sign_reply", "wangwu")
    page = Browser(app.test_client()).login("wangwu").get(f"/tasks/{sign.task_id}")
    assert "139****5678" in page and "13912345678" not in page


def test_the_kind_of_organisation_is_asked_of_organisations_only(client: FlaskClient) -> None:
    public = Browser(client)
    page = public.get("/public/request")
    field = re.search(
        r'<div class="field"[^>]*>\s*(?:<[^>]*>\s*)*<label for="f-organisation_kind"', page
    )
    assert field is not None
    assert 'data-shown-when="applicant_type" data-shown-for="organisation"' in field.group(0)


def test_the_handler_waiting_for_an_opinion_sees_whom_he_asked_and_by_when(
    app: Flask, client: FlaskClient
) -> None:
    engine = app.extensions["gongkai.engine"]
    submit(client, description="市政工程质量抽检报告")
    check = registrar_check(engine, "质量抽检报告")
    engine.complete_task(
        check.task_id, "wujiu", {"intake_decision": "accept", "department": "综合处"}
    )
    handle = task_of(engine, check.instance_id, "handle", "zhengshi")
    consulted = {"action": "consult_agency", "consulted": "市住房和城乡建设局"}
    engine.complete_task(handle.task_id, "zhengshi", consulted)
    wait = task_of(engine, check.instance_id, "await_opinion", "zhengshi")
    clock = engine.queries.get_instance(check.instance_id).data["clock"]
    handler = Browser(app.test_client()).login("zhengshi")
    page = handler.get(f"/tasks/{wait.task_id}")
    card = re.search(
        r'<section class="card" aria-labelledby="consultation-title">.*?</section>', page, re.S
    )
    assert card, "no consultation card"
    text = re.sub(r"<[^>]+>", " ", card.group(0))
    assert "征求其他机关意见" in text and "市住房和城乡建设局" in text
    assert clock["pause_started_on"] in text
    assert f"{clock['pause_due_on']}（15 个工作日）" in text
    handler.client.post("/language", data={"lang": "en", "csrf_token": handler.token})
    page = handler.get(f"/tasks/{wait.task_id}")
    assert "Other agencies&#39; opinion" in page or "Other agencies' opinion" in page
    assert "Opinion due by" in page


def deadline_cell(html: str, file_number: str) -> str:
    """Return the words of the reply deadline cell in the list row of a request."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*?{re.escape(file_number)}.*?</tr>", html, re.S)
    assert row, f"{file_number} not listed"
    cell = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_the_request_list_counts_the_working_days_left_to_reply(
    app: Flask, clock: ManualClock
) -> None:
    engine = app.extensions["gongkai.engine"]

    def enter(received_on: str, description: str) -> str:
        form = request_form(channel="mail", received_on=received_on, description=description)
        receipt = engine.requests.submit(form, registrar="wujiu")
        return receipt.file_number

    def listed(moment: str) -> dict[str, str]:
        clock.now = beijing(moment)
        html = Browser(app.test_client()).login("wujiu").get("/requests")
        return {number: deadline_cell(html, number) for number in numbers}

    # Due on Thursday 2026-10-22: Mid-Autumn and National Day off, Saturday 10-10 worked.
    holiday = enter("2026-09-18", "国庆前收到的申请")
    # Due on Friday 2026-11-27 and on Tuesday 2026-12-01: a weekend between.
    friday = enter("2026-10-30", "周五到期的申请")
    tuesday = enter("2026-11-03", "周二到期的申请")
    numbers = [holiday, friday, tuesday]
    by_number = {r["file_number"]: r for r in engine.requests.list_page("wujiu").items}
    assert [by_number[n]["due_on"] for n in numbers] == ["2026-10-22", "2026-11-27", "2026-12-01"]

    # The days after today up to the due day count: the holidays do not, 10-10 does.
    assert listed("2026-09-30 09:00")[holiday] == "2026-10-22 剩余12个工作日"
    assert listed("2026-10-09 17:00")[holiday] == "2026-10-22 剩余10个工作日"
    assert listed("2026-10-21 23:59")[holiday] == "2026-10-22 剩余1个工作日"
    assert listed("2026-10-22 00:00")[holiday] == "2026-10-22 今日到期"
    assert listed("2026-10-22 23:59")[holiday] == "2026-10-22 今日到期"
    assert listed("2026-10-23 00:00")[holiday] == "2026-10-22 已超期1个工作日"
    assert listed("2026-10-26 09:00")[holiday] == "2026-10-22 已超期2个工作日"

    on_friday = listed("2026-11-27 09:00")
    assert on_friday[friday] == "2026-11-27 今日到期"
    assert on_friday[tuesday] == "2026-12-01 剩余2个工作日"  # Monday and Tuesday
    on_saturday = listed("2026-11-28 09:00")
    assert on_saturday[friday] == "2026-11-27 已超期"  # no working day missed yet
    assert on_saturday[tuesday] == "2026-12-01 剩余2个工作日"
    on_monday = listed("2026-11-30 09:00")
    assert on_monday[friday] == "2026-11-27 已超期1个工作日"
    assert on_monday[tuesday] == "2026-12-01 剩余1个工作日"

    # The badge says so in words, styled as the other warnings; the engine says it too.
    html = Browser(app.test_client()).login("wujiu").get("/requests")
    assert '<span class="badge warn countdown">已超期1个工作日</span>' in html
    (counted,) = [r for r in engine.requests.list_page("wujiu").items if r["file_number"] == friday]
    assert (counted["countdown"].state, counted["countdown"].days) == ("overdue", 1)

    # 2027 has no official schedule: the due day and its count are provisional.
    clock.now = beijing("2026-12-15 09:00")
    later = enter("2026-12-15", "年底收到的申请")
    numbers.append(later)
    (row,) = [r for r in engine.requests.list_page("wujiu").items if r["file_number"] == later]
    assert row["due_provisional"]
    due = row["due_on"]
    assert listed("2026-12-15 09:00")[later] == f"{due} 待确认 剩余20个工作日（暂计）"
    assert listed(f"{due} 09:00")[later] == f"{due} 待确认 今日到期（暂计）"

    # A paused clock and a replied request show no count.
    clock.now = beijing("2026-11-30 09:00")
    items = engine.requests.list_page("wujiu").items
    html = Browser(app.test_client()).login("wujiu").get("/requests")
    paused = [r for r in items if r["paused"]]
    replied = [r for r in items if r["status"] == "replied"]
    assert paused and replied
    for r in paused:
        assert r["countdown"] is None
        cell = deadline_cell(html, r["file_number"])
        assert "暂停计算" in cell and "工作日" not in cell and "到期" not in cell, cell
    for r in replied:
        assert r["countdown"] is None
        cell = deadline_cell(html, r["file_number"])
        assert "工作日" not in cell and "到期" not in cell, cell

    # In English, and on the request's own page in the same words.
    registrar = Browser(app.test_client()).login("wujiu")
    registrar.client.post("/language", data={"lang": "en", "csrf_token": registrar.token})
    english = registrar.get("/requests")
    assert deadline_cell(english, friday) == "2026-11-27 Overdue by 1 working day"
    assert deadline_cell(english, tuesday) == "2026-12-01 1 working day left"
    assert deadline_cell(english, later).endswith("working days left (provisional count)")
    page = Browser(app.test_client()).login("wujiu").get(f"/requests/{counted['id']}")
    assert '<span class="badge warn countdown">已超期1个工作日</span>' in page


def test_a_page_of_requests_reads_the_calendar_once_whatever_its_length(app: Flask) -> None:
    engine = app.extensions["gongkai.engine"]
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    def statements(limit: int) -> list[str]:
        seen.clear()
        event.listen(engine.db.read_engine, "before_cursor_execute", record)
        try:
            page = engine.requests.list_page("wujiu", limit=limit)
        finally:
            event.remove(engine.db.read_engine, "before_cursor_execute", record)
        assert len(page.items) == limit
        return list(seen)

    one, seven = statements(1), statements(7)
    assert sum(r["countdown"] is not None for r in engine.requests.list_page("wujiu").items) == 3
    assert len(one) == len(seven)  # no statement per row
    assert sum("calendar_days" in s for s in seven) == 1


def test_the_applicant_reads_the_working_days_left_in_the_staffs_words(
    app: Flask, clock: ManualClock
) -> None:
    number, code = submit(app.test_client(), description="老旧小区改造资金使用情况")
    engine = app.extensions["gongkai.engine"]
    (row,) = engine.requests.list_page("wujiu", number=number).items

    def status_words(moment: str) -> str:
        clock.now = beijing(moment)
        public = Browser(app.test_client())
        public.get("/public/status")
        page = public.post(
            "/public/status", {"tracking_number": number, "query_code": code}, status=200
        )
        found = re.search(r"<dt>答复期限</dt><dd>(.*?)</dd>", page, re.S)
        assert found, "no reply deadline"
        return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())

    assert row["due_on"] == "2026-12-28"  # received on Monday 2026-11-30
    assert status_words("2026-11-30 10:00") == "2026-12-28 剩余20个工作日"
    assert status_words("2026-12-28 10:00") == "2026-12-28 今日到期"
    assert status_words("2026-12-29 10:00") == "2026-12-28 已超期1个工作日"
    assert engine.requests.status(number, code).days_left == -1  # as the engine counted it


def test_answers_to_a_citizens_forms_are_not_kept_by_the_browser(app: Flask) -> None:
    """The status found by a query code is one applicant's (with a reply, it holds the code too).

    A refused request form shows again what he typed, his ID number among it.
    """
    number, code = submit(app.test_client())
    public = Browser(app.test_client())
    public.get("/public/status")
    found = public.client.post(
        "/public/status",
        data={"tracking_number": number, "query_code": code, "csrf_token": public.token},
    )
    assert found.status_code == 200 and number in found.get_data(as_text=True)
    assert found.headers.get("Cache-Control") == "private, no-store"
    public.get("/public/request")
    refused = public.client.post(
        "/public/request", data={**request_form(phone="not a phone"), "csrf_token": public.token}
    )
    assert refused.status_code == 422 and RESIDENT_ID in refused.get_data(as_text=True)
    assert refused.headers.get("Cache-Control") == "private, no-store"
    # the public pages anyone may read stay cacheable
    assert "Cache-Control" not in public.client.get("/public/status").headers
