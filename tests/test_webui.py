"""The Flask application over a real database, driven through its HTTP interface."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from engine import Engine
from engine.disclosure.forms import FORMS
from engine.disclosure.requests.forms import FORMS as REQUEST_FORMS
from engine.store import schema
from webui import create_app, get_engine
from webui.cli import BUNDLED_WORKFLOWS
from webui.demo import seed
from webui.messages import describe

from .conftest import AUDITOR, TEST_BPMN
from .web import CSRF, Browser, task_id_of, task_link


def test_health_reports_current_schema(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    head = schema.head_revision()
    assert response.json == {"status": "ok", "schema": head, "expected": head}


def test_health_reports_missing_schema(tmp_path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "outdated"


def test_sign_in_is_required_and_checks_the_password(client: FlaskClient) -> None:
    assert client.get("/").status_code == 302
    browser = Browser(client)
    browser.get("/login")
    html = browser.post("/login", {"username": "zhangsan", "password": "wrong"}, status=401)
    assert "用户名或密码错误" in html
    browser.login("zhangsan")
    inbox = browser.get("/")
    assert "待办事项" in inbox
    assert "关于调整市政府信息公开工作领导小组成员的通知" in inbox  # the case, not just its id


def test_every_form_needs_its_csrf_token(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "zhangsan", "password": "demo"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_english_on_request(client: FlaskClient) -> None:
    browser = Browser(client).login("zhangsan")
    browser.post("/language", {"lang": "en", "next": "/"})
    html = browser.get("/")
    assert "My inbox" in html and "Draft a new document" in html and 'lang="en"' in html
    assert task_link(html, "Draft")  # the task's English name
    html = browser.get(task_link(html))
    assert "Disclosure attribute" in html and "Returned: the draft does not meet the rules" in html
    assert "The draft states no disclosure attribute." in html


def test_draft_errors_appear_next_to_the_fields_and_change_nothing(app: Flask, client) -> None:
    engine = get_engine(app)
    browser = Browser(client).login("zhangsan")
    draft = browser.get(task_link(browser.get("/")))
    instance_id = int(re.search(r"<small>稿号 (\d+)</small>", draft).group(1))
    before = (
        engine.queries.get_instance(instance_id).version,
        len(engine.queries.history(instance_id)),
    )
    path = task_link(browser.get("/"))
    version = re.search(r'name="_version" value="(\d+)"', browser.get(path)).group(1)
    html = browser.post(
        path,
        {
            "title": "  ",
            "doc_type": "policy",
            "body": "正文",
            "attribute": "secret",
            "_version": version,
        },
        status=422,
    )
    assert re.search(r'id="title-error">此项必填', html)
    assert re.search(r"id=\"attribute-error\">请从“主动公开、依申请公开、不予公开”中选择", html)
    assert 'aria-invalid="true"' in html
    assert (
        engine.queries.get_instance(instance_id).version,
        len(engine.queries.history(instance_id)),
    ) == before


def test_a_list_in_a_message_is_written_as_the_readers_language_writes_one(app: Flask) -> None:
    choices = {"choices": ["主动公开", "依申请公开"]}
    with app.test_request_context("/?lang=zh"):
        assert describe("form.one_of", choices) == "请从“主动公开、依申请公开”中选择。"
    with app.test_request_context("/?lang=en"):
        assert describe("form.one_of", choices) == "Choose one of: 主动公开, 依申请公开."


def test_error_pages_say_in_words_what_happened(client: FlaskClient) -> None:
    drafter = Browser(client).login("zhangsan")
    assert "找不到" in drafter.get("/no-such-page", status=404)
    refused = drafter.get("/admin/tasks", status=403)
    assert "无权查看" in refused and "无权办理" not in refused
    task_id = "00000000-0000-4000-8000-000000000000"
    opened = drafter.get(f"/tasks/{task_id}/claim", status=405)
    assert "这个地址只用于页面上的按钮" in opened


def test_an_oversized_or_wrong_attachment_is_refused(app: Flask, client) -> None:
    engine = get_engine(app)
    browser = Browser(client).login("zhangsan")
    path = task_link(browser.get("/"))
    browser.get(path)
    fields = {"title": "附件测试", "doc_type": "general", "body": "正文", "attribute": "on_request"}
    big = (b"%PDF-1.7\n" + b"0" * 5000, "big.pdf")
    html = browser.post(
        path,
        {**fields, "attachment": (_io(big[0]), big[1])},
        status=422,
        content_type="multipart/form-data",
    )
    assert re.search(r'id="attachment-error">文件超过', html)
    html = browser.post(
        path,
        {**fields, "attachment": (_io(b"MZ\x90\x00"), "tool.exe")},
        status=422,
        content_type="multipart/form-data",
    )
    assert "只接受 PDF、DOCX、OFD 文件" in html
    assert engine.queries.list_tasks("lisi")[0].element_id == "dept_review"  # only the seeded one
    assert len(engine.queries.list_tasks("lisi")) == 1


def _io(content: bytes):
    import io

    return io.BytesIO(content)


def test_a_task_posted_twice_is_a_conflict(client: FlaskClient) -> None:
    browser = Browser(client).login("lisi")
    path = task_link(browser.get("/"))
    html = browser.get(path)
    version = re.search(r'name="_version" value="(\d+)"', html).group(1)
    decision = {
        "decision": "approve",
        "attribute": "on_request",
        "attribute_reason": "仅涉及内部培训安排。",
        "_version": version,
    }
    assert browser.post(path, decision) == "/"
    html = browser.post(path, decision, status=409)
    assert re.search(r"该任务已由 李四 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 办理完毕。", html), html
    case = re.search(r"case=(\d+)", path).group(1)
    assert f'href="/audit/instances/{case}"' in html  # the case's history, to one who may read it
    assert "李四" in browser.get(path, status=409)  # the inbox link opened again
    # without the case in the link, or to someone who may not read the case, nothing more is said
    bare = browser.get(path.split("?")[0], status=409)
    assert "该任务不存在或已办理完毕" in bare and "/audit/instances/" not in bare
    outsider = Browser(client.application.test_client()).login("zhouba").get(path, status=409)
    assert "李四" not in outsider and "/audit/instances/" not in outsider


def test_someone_without_the_role_cannot_take_the_task(client: FlaskClient) -> None:
    path = task_link(Browser(client).login("lisi").get("/"))
    client.post(
        "/logout", data={"csrf_token": CSRF.search(client.get("/").get_data(as_text=True)).group(1)}
    )
    browser = Browser(client).login("zhouba")
    html = browser.get(path, status=403)
    assert "周八 不属于“处室负责人”" in html


def test_claim_hides_the_task_from_colleagues_and_admin_can_reassign(app, client) -> None:
    # a second head of 综合处, the drafter's department, shares its reviews
    get_engine(app).users.add("lisi3", ["dept_head"], "李四三", "demo", "综合处")
    lisi = Browser(app.test_client()).login("lisi")
    other = Browser(app.test_client()).login("lisi3")
    path = task_link(lisi.get("/"))
    lisi.get(path)
    other.get(path)  # opened before it was claimed: he writes his opinion meanwhile
    lisi.post(f"/tasks/{task_id_of(path)}/claim")
    assert "/tasks/" not in other.get("/")
    other.get(path, status=403)
    typed = "建议补充公开属性的理由，\n并核对文号。"
    refused = other.post(
        path, {"decision": "send_back", "comment": typed, "_version": "1"}, status=403
    )
    # refused, nothing saved; what he typed is there to copy (not the choice's key)
    assert "认领" in refused and "建议补充公开属性的理由" in refused and "send_back" not in refused
    admin = Browser(app.test_client()).login("admin")
    html = admin.get("/admin/tasks")
    assert "处室审核" in html
    task_id = task_id_of(path)
    admin.post(f"/admin/tasks/{task_id}/reassign", {"to_user": "lisi3"})
    assert path in other.get("/")
    assert "/tasks/" not in lisi.get("/")


def test_catalogue_sheet_and_public_page(app: Flask, client: FlaskClient) -> None:
    public = client.get("/public/").get_data(as_text=True)
    assert "关于印发2026年政务公开工作要点的通知" in public
    link = re.search(r'href="(/public/\d+)"', public).group(1)
    text = client.get(link).get_data(as_text=True)
    assert "（此件公开发布）" in text and "威政办发〔2026〕1号" in text
    browser = Browser(client).login("qianyi")
    catalogue = browser.get("/documents")
    assert "威政办发〔2026〕1号" in catalogue and "威政办发〔2026〕2号" in catalogue
    sheet = browser.get(re.search(r'href="(/instances/\d+/sheet)"', catalogue).group(1))
    for expected in ("审签单", "李四", "王五", "赵六", "同意印发。", "主动公开"):
        assert expected in sheet
    returned = get_engine(app).queries.list_instances("document_approval")[
        0
    ]  # newest: the returned draft
    sheet = browser.get(f"/instances/{returned.id}/sheet")
    assert "自动退文" in sheet and "未标明公开属性" in sheet


def test_demo_seed_gives_every_role_a_user_and_is_idempotent(engine: Engine) -> None:
    from engine.disclosure import roles
    from webui.demo import DEMO_USERS

    engine.deploy(sorted(BUNDLED_WORKFLOWS.glob("*.bpmn")))
    seed(engine)
    seed(engine)
    users = [u for u in engine.users.list() if u.username != AUDITOR]
    assert len(users) == len(DEMO_USERS)
    assert {r for u in users for r in u.roles} == set(roles.ROLES)
    assert len(engine.queries.list_instances(process_id="document_approval")) == 5
    assert [t.element_id for t in engine.queries.list_tasks("lisi")] == ["dept_review"]
    assert [t.element_id for t in engine.queries.list_tasks("zhouba")] == ["publish"]
    assert [t.element_id for t in engine.queries.list_tasks("sunqi")] == [
        "confidentiality_review_task"
    ]
    assert [t.element_id for t in engine.queries.list_tasks("zhangsan")] == ["draft"]
    assert [d.title for d in engine.catalogue.public_documents()] == [
        "关于印发2026年政务公开工作要点的通知"
    ]


def test_a_provisional_due_date_is_marked_and_the_admin_is_told_until_the_schedule_comes(
    app: Flask, client: FlaskClient
) -> None:
    from engine.clock import ManualClock

    from .helpers import beijing

    engine = get_engine(app)
    assert isinstance(engine.clock, ManualClock)
    engine.clock.now = beijing("2026-12-21 09:00")
    instance = engine.start("document_approval", "zhangsan")
    draft = {
        "title": "关于元旦值班的通知",
        "doc_type": "general",
        "body": "正文",
        "attribute": "proactive",
    }
    engine.complete_task(instance.ready_tasks[0].task_id, "zhangsan", draft)
    review = {"decision": "approve", "attribute": "proactive"}
    for user, extra in (("lisi", {}), ("wangwu", {"number_prefix": "威政办发"}), ("zhaoliu", {})):
        (task,) = engine.queries.get_instance(instance.id).ready_tasks
        engine.complete_task(task.task_id, user, {**review, **extra})
    (task,) = engine.queries.get_instance(instance.id).ready_tasks
    engine.complete_task(task.task_id, "sunqi", {"review_conclusion": "disclose"})

    publisher = Browser(app.test_client()).login("zhouba")
    assert "2027-01-19" in publisher.get("/") and "待确认" in publisher.get("/")
    admin = Browser(client).login("admin")
    assert "节假日安排尚未载入" in admin.get("/admin/tasks") and "2027" in admin.get("/admin/tasks")
    years = admin.get("/admin/calendar").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = dict(re.findall(r'<th scope="row">(\d{4})</th>\s*<td>\s*(.+)', years))
    assert rows["2026"].startswith("内置") and "未载入" in rows["2027"], rows
    admin.post("/admin/calendar", {"schedule": "2027-01-01 holiday 元旦\n"})
    assert "节假日安排尚未载入" not in admin.get("/admin/tasks")
    assert "已载入（1 天）" in admin.get("/admin/calendar")
    assert "待确认" not in publisher.get("/")
    # A schedule of a far year lists that year, not every year up to it.
    admin.post("/admin/calendar", {"schedule": "2100-01-01 holiday 元旦\n"})
    years = admin.get("/admin/calendar").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    listed = re.findall(r'<th scope="row">(\d{4})</th>', years)
    assert listed == ["2025", "2026", "2027", "2100"], listed


def test_the_leader_is_told_the_number_the_document_is_issued_under(app: Flask) -> None:
    engine = get_engine(app)
    task = engine.start("document_approval", "zhangsan").ready_tasks[0]
    draft = {"title": "关于签发文号的通知", "doc_type": "general", "body": "正文"}
    task = engine.complete_task(task.task_id, "zhangsan", {**draft, "attribute": "proactive"})
    review = {"decision": "approve", "attribute": "proactive"}
    task = engine.complete_task(task.ready_tasks[0].task_id, "lisi", review)
    prefix = {"number_prefix": "威政办发"}
    task = engine.complete_task(task.ready_tasks[0].task_id, "wangwu", {**review, **prefix})
    leader = Browser(app.test_client()).login("zhaoliu")
    path = f"/tasks/{task.ready_tasks[0].task_id}"
    leader.get(path)
    assert leader.post(path, review) == "/"
    inbox = leader.get("/")
    number = get_engine(app).queries.get_instance(task.id).data["issued"]["number"]
    assert f"已印发，文号：{number}。" in inbox and number.startswith("威政办发〔")


def test_each_user_starts_from_a_page_with_his_work(client: FlaskClient) -> None:
    """A clerk lands in his inbox; an auditor, who gets no tasks, on the instances he verifies."""
    for username, home, heading in (
        ("zhangsan", "/", "待办事项"),
        ("qianyi", "/audit/instances", "流程实例"),
        ("admin", "/admin/tasks", "任务管理"),
    ):
        browser = Browser(client.application.test_client())
        browser.get("/login")
        assert browser.post("/login", {"username": username, "password": "demo"}) == home
        page = browser.get(home)
        assert heading in page
        assert f'class="brand" href="{home}"' in page  # the name of the site leads back there
        assert browser.client.get("/login").headers["Location"] == home  # signed in already
        # 待办 itself (a bookmark, a sign-in sent back to it) leads one without tasks home too.
        inbox = browser.client.get("/")
        assert (inbox.status_code, inbox.headers.get("Location")) == (
            (200, None) if home == "/" else (302, home)
        )
        # Only he who is given tasks has an inbox and documents of his own among his sections.
        gets_tasks = username == "zhangsan"
        assert bool(re.search(r'<a href="/"[^>]*>待办</a>', page)) is gets_tasks
        assert bool(re.search(r'<a href="/mine"[^>]*>我的公文</a>', page)) is gets_tasks


def test_each_review_step_names_the_opinion_after_itself(client: FlaskClient) -> None:
    # The leader signs (签发): his opinion is a 签发意见, not a reviewer's 审核意见.
    engine = get_engine(client.application)
    instance = engine.start("document_approval", "zhangsan")
    draft = {
        "title": "关于做好年度统计工作的通知",
        "doc_type": "general",
        "body": "现就有关事项通知如下。",
    }
    (task,) = instance.ready_tasks
    instance = engine.complete_task(task.task_id, "zhangsan", {**draft, "attribute": "proactive"})
    labels = {}
    for user, extra in (("lisi", {}), ("wangwu", {"number_prefix": "威政办发"}), ("zhaoliu", {})):
        (task,) = instance.ready_tasks
        page = Browser(client.application.test_client()).login(user).get(f"/tasks/{task.task_id}")
        labels[task.element_id] = (
            re.search(r'<label for="f-decision">([^<]*)', page).group(1).strip()
        )
        data = {"decision": "approve", "attribute": "proactive", **extra}
        instance = engine.complete_task(task.task_id, user, data)
    assert labels == {
        "dept_review": "审核意见",
        "office_review": "审核意见",
        "sign_off": "签发意见",
    }
    assert engine.queries.get_instance(instance.id).data["issued"]["number"].startswith("威政办发")


def test_every_bundled_step_with_a_decision_calls_it_after_the_step() -> None:
    # Labels belong to each step's form (named in the BPMN), not to a page's special case.
    forms = {**FORMS, **REQUEST_FORMS}
    bpmn = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    named = {}
    for path in sorted(BUNDLED_WORKFLOWS.glob("*.bpmn")):
        for task in ElementTree.parse(path).iter(f"{bpmn}userTask"):
            form = next((p.get("value") for p in task.iter() if p.get("name") == "form"), None)
            if form in forms and "decision" in forms[form]().fields:
                named[task.get("name")] = forms[form]().fields["decision"].metadata["label"]
    assert named == {
        "处室审核": "审核意见",
        "办公室审核（公开属性）": "审核意见",
        "签发": "签发意见",
        "签发答复": "签发意见",
        "审核": "审核意见",
    }


def test_a_task_page_shows_the_bpmns_instructions_filled_in(client: FlaskClient) -> None:
    """A spiff-arena file's instructionsForEndUser read on the task page, as text."""
    engine = get_engine(client.application)
    text = (TEST_BPMN / "elements" / "task_instructions.bpmn").read_text(encoding="utf-8")
    engine.deploy_files({"task_instructions.bpmn": text.replace('name="clerk"', 'name="drafter"')})
    start = {"applicant": {"name": "<b>王小明</b>"}, "pages": 3, "urgent": False, "files": []}
    (task,) = engine.start("task_instructions", "zhangsan", start).ready_tasks
    page = Browser(client).login("zhangsan").get(f"/tasks/{task.task_id}")
    assert "办理说明" in page
    assert "## 核对 &lt;b&gt;王小明&lt;/b&gt; 的纸质材料\n共 3 页；第一份：。" in page


@pytest.mark.parametrize("name", ["version", "action"])
def test_a_form_field_named_as_a_page_control_is_recorded_as_typed(
    client: FlaskClient, name: str
) -> None:
    """A Camunda form's own "version" or "action" field is sent and kept as its user typed it.

    The task page's own controls (the instance's version, the button pressed) must not
    take its place: the version once stood before the fields and was read for them.
    """
    engine = get_engine(client.application)
    text = (TEST_BPMN / "camunda" / "leave_request.bpmn").read_text(encoding="utf-8")
    text = text.replace('id="reason" label="Reason"', f'id="{name}" label="Reason"')
    engine.deploy_files({"leave_request.bpmn": text.replace('"employee"', '"drafter"')})
    started = engine.start("camunda_leave", "zhangsan")
    (task,) = started.ready_tasks
    browser = Browser(client).login("zhangsan")
    page = browser.get(f"/tasks/{task.task_id}")
    form = lxml.html.fromstring(page).xpath("//form[@enctype]")[0]
    for box, typed in ((name, "第二版，请审阅"), ("days", "3")):  # typed as a browser sends it
        form.xpath(f".//*[@name='{box}' and not(@type='hidden')]")[0].value = typed
    sent = MultiDict(form.form_values())
    button = form.xpath(".//button[@value='submit']")[0]  # the one a click sends
    sent.add(button.get("name"), button.get("value"))
    browser.post(f"/tasks/{task.task_id}", sent)
    done = engine.queries.get_instance(started.id)
    assert done.data[name] == "第二版，请审阅"
    assert task.task_id not in [t.task_id for t in done.ready_tasks]
