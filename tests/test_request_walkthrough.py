"""What a walk through request handling found, fixed: as a clerk or a citizen sees it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import Engine, FormValidationError, Problem
from engine.disclosure.requests.applicants import credit_code_check_char
from engine.disclosure.workdays import CHINA

from .test_request_pages import NAME, request_form, submit
from .web import CSRF, Browser


def _engine(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def _task(engine: Engine, user: str, element: str, instance_id: int) -> str:
    (task,) = [
        t
        for t in engine.queries.list_tasks(user)
        if t.element_id == element and t.instance_id == instance_id
    ]
    return task.task_id


def _instance_of(engine: Engine, words: str) -> int:
    (check,) = [
        t
        for t in engine.queries.list_tasks("wujiu")
        if t.element_id == "check_request" and words in (t.subject or "")
    ]
    return check.instance_id


def _requests(engine: Engine) -> int:
    return len(engine.queries.list_instances(process_id="disclosure_request"))


def _published_number(engine: Engine) -> tuple[str, str, int]:
    """Return the 文号, title and id of the demo's published proactive document."""
    hits = engine.catalogue.search_for_request("政务公开工作要点", "zhengshi")
    (hit,) = [h for h in hits if h.published_at and h.attribute == "proactive"]
    return hit.number, hit.title, hit.id


def _to_sign(app: Flask, client: FlaskClient, words: str, reply: dict[str, str]) -> int:
    """File a request, accept it for 综合处, and draft the reply: it waits for the office head."""
    engine = _engine(app)
    submit(client, description=words)
    instance = _instance_of(engine, words)
    engine.complete_task(
        _task(engine, "wujiu", "check_request", instance),
        "wujiu",
        {"intake_decision": "accept", "department": "综合处"},
    )
    engine.complete_task(
        _task(engine, "zhengshi", "handle", instance), "zhengshi", {"action": "reply", **reply}
    )
    return instance


# -- 1. the office head signs what he reads -----------------------------------------------------


def test_the_office_head_reads_the_request_and_the_letter_he_signs(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    reply = {"reply_type": "cannot_provide.not_held", "reply_text": "经检索，本机关未制作该信息。"}
    instance = _to_sign(app, client, "某年某月某会议的记录", reply)
    sign = _task(engine, "wangwu", "sign_reply", instance)
    request_id = engine.requests.of_instance(instance, "wujiu").id  # type: ignore[union-attr]
    office = Browser(app.test_client()).login("wangwu")
    page = office.get(f"/tasks/{sign}")
    assert "某年某月某会议的记录" in page and NAME in page
    # Headed by the request's own number (依申请〔2026〕N号), not the engine's instance id.
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "依申请" in heading and f"#{instance}" not in heading, heading
    assert "本机关不掌握相关政府信息" in page and "经检索，本机关未制作该信息。" in page
    assert f"/requests/{request_id}/letter" in page
    assert "审签单" not in page and f"/documents/{instance}/sheet" not in page
    assert "某年某月某会议的记录" in office.get(f"/requests/{request_id}")
    letter = office.get(f"/requests/{request_id}/letter")
    assert "答复书预览" in letter and "经检索，本机关未制作该信息。" in letter and NAME in letter
    assert "letter.pdf" not in letter  # the signed letter only is downloaded
    # The same rule for the API: the engine decides.
    assert engine.requests.get(request_id, "wangwu").applicant_name == NAME
    # Once signed, the task is gone and so is his need to know; the registrar still reads it.
    engine.complete_task(sign, "wangwu", {"decision": "approve"})
    office.get(f"/requests/{request_id}", status=403)
    office.get(f"/requests/{request_id}/letter", status=403)
    assert "答复书预览" not in Browser(app.test_client()).login("wujiu").get(
        f"/requests/{request_id}/letter"
    )


def test_a_drafter_who_holds_no_task_of_the_request_still_reads_nothing(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    reply = {"reply_type": "cannot_provide.not_held", "reply_text": "不掌握。"}
    instance = _to_sign(app, client, "另一份会议记录", reply)
    request_id = engine.requests.of_instance(instance, "wujiu").id  # type: ignore[union-attr]
    drafter = Browser(app.test_client()).login("zhangsan")
    drafter.get(f"/requests/{request_id}", status=403)
    drafter.get(f"/requests/{request_id}/letter", status=403)


# -- 2. the receipt: POST/redirect/GET, once, printable ------------------------------------------


def test_reloading_the_receipt_files_nothing_and_a_form_posted_twice_files_once(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    before = _requests(engine)
    public = Browser(client)
    form_page = public.get("/public/request")
    (submission,) = re.findall(r'name="submission" value="([^"]+)"', form_page)
    sent = request_form(description="旧城改造安置方案") | {"submission": submission}
    assert public.post("/public/request", sent, status=303).endswith("/public/request/receipt")
    receipt = public.get("/public/request/receipt")
    number, code = re.findall(r'<code class="big">(\w+)</code>', receipt)
    assert "data-print" in receipt and f"tracking_number={number}" in receipt
    assert _requests(engine) == before + 1
    # A reload shows no code again and files nothing.
    again = public.get("/public/request/receipt")
    assert code not in again and number in again and _requests(engine) == before + 1
    # The same form sent again (the back button, a double click) files nothing either.
    assert public.post("/public/request", sent, status=303).endswith("/public/request/receipt")
    assert _requests(engine) == before + 1
    # The status page greets him by the number he was given, prefilled from the link.
    assert f'value="{number}"' in public.get(f"/public/status?tracking_number={number}")
    status = public.post("/public/status", {"tracking_number": number, "query_code": code}, 200)
    assert f"受理编号 {number}" in status


# -- 3. contact details that work -----------------------------------------------------------------


def test_unusable_contact_details_are_named_and_nothing_is_filed(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    before = _requests(engine)
    public = Browser(client)
    public.get("/public/request")
    page = public.post(
        "/public/request",
        request_form(phone="abc", email="not-an-email", delivery="email"),
        status=422,
    )
    assert "电话号码格式不正确" in page and "电子邮箱格式不正确" in page
    assert 'aria-describedby="f-phone-error' in page or 'id="f-phone' in page
    assert _requests(engine) == before
    for phone in ("13912345678", "0631-5201234", "(0631) 520 1234 转 8001", "+86 139 1234 5678"):
        public.get("/public/request")
        public.post("/public/request", request_form(phone=phone), status=303)
    assert _requests(engine) == before + 4


# -- 4. dates that cannot bend the clock ---------------------------------------------------------


def test_a_paper_request_from_long_ago_is_refused_with_the_rule(app: Flask) -> None:
    engine = _engine(app)
    before = _requests(engine)
    registrar = Browser(app.test_client()).login("wujiu")
    registrar.get("/requests/new")
    page = registrar.post(
        "/requests/new",
        request_form(channel="mail", received_on="2020-01-01", description="很久以前的信"),
        status=422,
    )
    assert "收到日期不能早于 2025-01-01" in page and "很久以前的信" in page
    assert _requests(engine) == before
    registrar.post(
        "/requests/new",
        request_form(channel="mail", received_on="2025-01-01", description="去年初的信"),
        status=303,
    )
    assert _requests(engine) == before + 1


# -- 5. a department without handlers is a field error --------------------------------------------


def test_a_department_without_handlers_is_said_beside_the_field(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    submit(client, description="办公室的申请")
    instance = _instance_of(engine, "办公室的申请")
    check = f"/tasks/{_task(engine, 'wujiu', 'check_request', instance)}"
    registrar = Browser(app.test_client()).login("wujiu")
    page = registrar.get(check)
    assert '<option value="综合处">' in page and '<option value="办公室">' not in page
    refused = registrar.post(
        check,
        {"intake_decision": "accept", "department": "办公室", "correction_notice": "留着的话"},
        status=422,
    )
    assert "“办公室”没有承办人" in refused and 'id="f-department"' in refused
    assert 'value="办公室"' in refused and "留着的话" in refused
    assert _task(engine, "wujiu", "check_request", instance)  # still waiting, nothing changed


# -- 6. "already disclosed" says where -------------------------------------------------------------


def test_an_already_disclosed_reply_names_the_document_and_its_address(
    app: Flask, client: FlaskClient
) -> None:
    app.config["TRUSTED_HOSTS"] = ["localhost"]  # the site's own address may be written
    engine = _engine(app)
    number, title, document_id = _published_number(engine)
    public = Browser(client)
    tracking, code = submit(client, description="请提供政务公开工作要点原文")
    instance = _instance_of(engine, "请提供政务公开工作要点原文")
    engine.complete_task(
        _task(engine, "wujiu", "check_request", instance),
        "wujiu",
        {"intake_decision": "accept", "department": "综合处"},
    )
    engine.complete_task(
        _task(engine, "zhengshi", "handle", instance),
        "zhengshi",
        {
            "action": "reply",
            "reply_type": "already_disclosed",
            "reply_text": "请在本机关网站查阅。",
            "disclosed_document": number,
        },
    )
    engine.complete_task(
        _task(engine, "wangwu", "sign_reply", instance), "wangwu", {"decision": "approve"}
    )
    public.get("/public/status")
    page = public.post("/public/status", {"tracking_number": tracking, "query_code": code}, 200)
    assert f"《{title}》（{number}）" in page
    assert f'href="http://localhost/public/{document_id}"' in page
    assert f"可在本机关政府信息公开网站查阅：http://localhost/public/{document_id}" in page
    # Where the site answers to any host, the Host header is the sender's: never in a letter.
    app.config["TRUSTED_HOSTS"] = None
    elsewhere, chosen_host = app.test_client(), "http://gk.attacker.example"
    form = elsewhere.get("/public/status", base_url=chosen_host).get_data(as_text=True)
    token = CSRF.search(form)
    assert token is not None
    sent = {"csrf_token": token.group(1), "tracking_number": tracking, "query_code": code}
    answer = elsewhere.post("/public/status", data=sent, base_url=chosen_host)
    chosen = answer.get_data(as_text=True)
    assert f"《{title}》（{number}）" in chosen and "attacker" not in chosen


# -- 7. the correction step says what was asked, by when ------------------------------------------


def test_the_correction_step_shows_the_notice_and_its_deadline(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    submit(client, description="不明确的申请")
    instance = _instance_of(engine, "不明确的申请")
    engine.complete_task(
        _task(engine, "wujiu", "check_request", instance),
        "wujiu",
        {
            "intake_decision": "correct",
            "correction_notice": "请写明所需文件的名称或文号。",
            "correction_days": 10,
        },
    )
    due = engine.queries.get_instance(instance).data["clock"]["pause_due_on"]
    page = (
        Browser(app.test_client())
        .login("wujiu")
        .get(f"/tasks/{_task(engine, 'wujiu', 'await_correction', instance)}")
    )
    assert "请写明所需文件的名称或文号。" in page and due in page and "补正期限" in page


def test_an_applicants_earlier_requests_show_their_replies_by_name(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    reply = {"reply_type": "cannot_provide.not_held", "reply_text": "不掌握。"}
    first = _to_sign(app, client, "第一份会议记录", reply)
    engine.complete_task(
        _task(engine, "wangwu", "sign_reply", first), "wangwu", {"decision": "approve"}
    )
    submit(client, description="第二份会议记录")
    second = engine.requests.of_instance(_instance_of(engine, "第二份会议记录"), "wujiu")
    assert second is not None
    page = Browser(app.test_client()).login("wujiu").get(f"/requests/{second.id}")
    earlier = page.split("第一份会议记录", 1)[1].split("</tr>", 1)[0]
    assert "本机关不掌握相关政府信息" in earlier and "cannot_provide" not in earlier


# -- 3. the letter greets the applicant ------------------------------------------------------------


def test_the_letter_greets_an_organisation_a_registrar_entered_by_its_name(
    app: Flask, client: FlaskClient
) -> None:
    engine = _engine(app)
    first17 = "91371000MA3C00000"
    entered = request_form(
        applicant_type="organisation",
        organisation_kind="commercial",
        applicant_name="威海海通科技有限公司",
        id_type="credit_code",
        id_number=first17 + credit_code_check_char(first17),
        description="某企业排污许可证的核发材料",
        channel="mail",
        received_on=engine.clock().astimezone(CHINA).date().isoformat(),
    )
    engine.requests.submit(entered, registrar="wujiu")
    instance = _instance_of(engine, "某企业排污许可证的核发材料")
    engine.complete_task(
        _task(engine, "wujiu", "check_request", instance),
        "wujiu",
        {"intake_decision": "accept", "department": "综合处"},
    )
    reply = {"reply_type": "cannot_provide.not_held", "reply_text": "经检索，本机关未制作该信息。"}
    engine.complete_task(
        _task(engine, "zhengshi", "handle", instance), "zhengshi", {"action": "reply", **reply}
    )
    request_id = engine.requests.of_instance(instance, "wujiu").id  # type: ignore[union-attr]
    office = Browser(app.test_client()).login("wangwu")
    preview = office.get(f"/requests/{request_id}/letter")
    assert '<p class="p-salutation" lang="zh-CN">威海海通科技有限公司：</p>' in preview
    engine.complete_task(
        _task(engine, "wangwu", "sign_reply", instance), "wangwu", {"decision": "approve"}
    )
    signed = Browser(app.test_client()).login("wujiu").get(f"/requests/{request_id}/letter")
    assert '<p class="p-salutation" lang="zh-CN">威海海通科技有限公司：</p>' in signed


def test_a_name_that_shows_nothing_is_refused_where_it_is_typed(client: FlaskClient) -> None:
    # A zero-width space passed for a name, and the letter greeted "：" with no one before it.
    public = Browser(client)
    public.get("/public/request")
    for blank in ("\u200b", "\u3164", "\u200b\u2060\ufeff"):
        page = public.post("/public/request", request_form(applicant_name=blank), status=422)
        assert "只有看不见的字符（如零宽空格），请填写实际内容。" in page
    engine = client.application.extensions["gongkai.engine"]
    with pytest.raises(FormValidationError) as refused:
        engine.requests.submit(request_form(applicant_name="\u200b"), address="198.51.100.1")
    assert refused.value.errors == {"applicant_name": [Problem("form.nothing_visible")]}
