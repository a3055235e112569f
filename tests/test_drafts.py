"""A drafter's day: a draft from its first save, saving, deleting, withdrawing, my documents."""

from __future__ import annotations

import io
import re

from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.gongkai import Engine
from engine.store import schema
from engine.store.models import Attachment, ProcessInstance

from .web import Browser, task_link

DRAFT = {
    "title": "关于做好秋冬季安全生产工作的通知",
    "doc_type": "general",
    "body": "各单位：现就做好秋冬季安全生产工作通知如下。",
    "attribute": "proactive",
}


def engine_of(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def instances(app: Flask) -> int:
    with engine_of(app).store.read() as repo:
        return int(repo.connection.execute(select(func.count(ProcessInstance.id))).scalar_one())


def history(app: Flask, instance_id: int) -> list[str]:
    return [e.type for e in engine_of(app).queries.history(instance_id)]


def replays(app: Flask, instance_id: int) -> bool:
    report = engine_of(app).replayer.replay_stored(instance_id)
    assert report.ok, [str(p) for p in report.problems]
    return True


def instance_of(location: str, app: Flask, user: str = "zhangsan") -> int:
    task_id = location.rsplit("/", 1)[-1]
    return engine_of(app).queries.task_form(task_id, user).task.instance_id


def test_opening_a_new_draft_creates_nothing(client: FlaskClient) -> None:
    browser = Browser(client).login("zhangsan")
    before = instances(client.application)
    html = browser.get("/drafts/new")
    assert "保存草稿" in html and 'name="title"' in html
    assert instances(client.application) == before
    inbox = browser.get("/")
    assert "（未命名）" not in inbox and 'href="/drafts/new"' in inbox


def test_a_draft_exists_from_its_first_save_and_keeps_what_was_typed(client: FlaskClient) -> None:
    app = client.application
    browser = Browser(client).login("zhangsan")
    browser.get("/drafts/new")
    before = instances(app)
    location = browser.post("/drafts/new", {"title": "半成品通知", "action": "save"})
    assert instances(app) == before + 1
    page = browser.get(location)
    assert 'value="半成品通知"' in page and "删除草稿" in page and "认领" not in page
    assert "半成品通知" in browser.get("/")
    # a second save keeps the new text; an invalid value is refused and changes nothing
    browser.post(location, {"title": "半成品通知（二稿）", "body": "正文", "action": "save"})
    instance_id = instance_of(location, app)
    assert history(app, instance_id) == ["instance_started", "task_saved", "task_saved"]
    refused = browser.post(location, {"doc_type": "memo", "action": "save"}, status=422)
    # the message names the choices by their labels, never by their codes
    message = re.search(r'id="doc_type-error">([^<]*)<', refused).group(1)
    assert message == "请从“规范性文件、政策性文件、一般公文”中选择。"
    assert history(app, instance_id) == ["instance_started", "task_saved", "task_saved"]
    assert 'value="半成品通知（二稿）"' in browser.get(location)
    assert replays(app, instance_id)


def test_an_empty_draft_is_not_saved(client: FlaskClient) -> None:
    app = client.application
    browser = Browser(client).login("zhangsan")
    browser.get("/drafts/new")
    before = instances(app)
    html = browser.post("/drafts/new", {"title": "", "body": "", "action": "save"}, status=422)
    assert re.search(r'id="title-error">草稿是空的', html)
    assert instances(app) == before
    saved = browser.post("/drafts/new", {"title": "只有标题", "action": "save"})
    assert saved.startswith("/tasks/")
    assert instances(app) == before + 1


def test_submitting_an_incomplete_new_draft_creates_nothing(client: FlaskClient) -> None:
    app = client.application
    browser = Browser(client).login("zhangsan")
    browser.get("/drafts/new")
    before = instances(app)
    html = browser.post("/drafts/new", {"title": "只有标题", "action": "submit"}, status=422)
    assert "请更正下列标出的问题" in html
    assert instances(app) == before


def test_a_submitted_draft_goes_to_the_head_and_can_be_withdrawn_until_claimed(
    client: FlaskClient,
) -> None:
    app = client.application
    drafter = Browser(client).login("zhangsan")
    drafter.get("/drafts/new")
    assert drafter.post("/drafts/new", {**DRAFT, "action": "submit"}) == "/mine"
    mine = drafter.get("/mine")
    assert DRAFT["title"] in mine and "处室审核（处室负责人）" in mine and "撤回" in mine
    instance_id = int(re.search(r"/drafts/(\d+)/withdraw", mine).group(1))
    head = Browser(client.application.test_client()).login("lisi")
    review = re.search(rf'href="(/tasks/[0-9a-f-]+\?case={instance_id})"', head.get("/")).group(1)
    location = drafter.post(f"/drafts/{instance_id}/withdraw")
    # the head's link now says the task is gone, without saying someone did it
    gone = head.get(review, status=409)
    assert "已不在待办中" in gone and f'href="/audit/instances/{instance_id}"' in gone
    assert "/tasks/" in location
    assert history(app, instance_id)[-1] == "message_received"
    assert DRAFT["title"] in drafter.get("/")
    # submitted again, the head claims it: no withdrawing any more
    drafter.post(location, {**DRAFT, "action": "submit"})
    head.get("/")
    task = next(
        t for t in engine_of(app).queries.list_tasks("lisi") if t.instance_id == instance_id
    )
    head.post(f"/tasks/{task.task_id}/claim")
    assert "撤回" not in drafter.get("/mine").split(DRAFT["title"], 1)[1].split("</tr>", 1)[0]
    drafter.post(f"/drafts/{instance_id}/withdraw", status=409)
    other = Browser(client.application.test_client()).login("wangwu")
    other.get("/mine")
    other.post(f"/drafts/{instance_id}/withdraw", status=403)
    assert replays(app, instance_id)


def test_a_new_draft_submitted_with_a_file_keeps_one_copy_of_it(client: FlaskClient) -> None:
    app = client.application
    drafter = Browser(client).login("zhangsan")
    drafter.get("/drafts/new")
    pdf = b"%PDF-1.7\n% the one copy\n"
    sent = {**DRAFT, "action": "submit", "attachment": (io.BytesIO(pdf), "方案.pdf")}
    assert drafter.post("/drafts/new", sent, content_type="multipart/form-data") == "/mine"
    with engine_of(app).store.read() as repo:
        rows = repo.connection.execute(
            select(Attachment.id, Attachment.instance_id).where(Attachment.content == pdf)
        ).all()
    (attachment_id, instance_id) = rows[0]
    assert len(rows) == 1
    data = engine_of(app).queries.get_instance(instance_id).data
    assert data["attachment"]["id"] == attachment_id  # the document names the one stored
    assert replays(app, instance_id)


def test_a_draft_the_rules_send_back_at_once_is_not_announced_as_submitted(
    client: FlaskClient,
) -> None:
    drafter = Browser(client).login("zhangsan")
    drafter.get("/drafts/new")
    no_attribute = {**DRAFT, "title": "未标属性的通知", "attribute": "", "action": "submit"}
    location = drafter.post("/drafts/new", no_attribute)
    assert location.startswith("/tasks/")  # back on the draft, not on my documents
    page = drafter.get(location)
    assert "未能提交：未标属性的通知 被退回（退文）" in page and "已提交" not in page
    assert '<div class="flash warning" role="status"><p>未能提交' in page  # not as a success
    assert "公开属性" in page  # the reasons are on the page
    # and on my documents: its row says it came back and why, not "张三 · 起草" (his own
    # submission), which left the drafter wondering why it was back in drafting
    row = drafter.get("/mine").split("未标属性的通知", 1)[1].split("</tr>", 1)[0]
    assert "<strong>自动退文</strong>：未标明公开属性" in row and "张三 · 起草" not in row
    assert drafter.post(location, {**no_attribute, "attribute": "proactive"}) == "/mine"
    # the drafter is told where his document went
    assert "已提交：起草“未标属性的通知”。下一步：处室审核。" in drafter.get("/mine")


def test_an_unsubmitted_draft_is_deleted_on_purpose_and_the_history_stays(
    client: FlaskClient,
) -> None:
    app = client.application
    browser = Browser(client).login("zhangsan")
    browser.get("/drafts/new")
    location = browser.post("/drafts/new", {"title": "不要了", "action": "save"})
    instance_id = instance_of(location, app)
    assert "确定删除这份未提交的草稿吗" in browser.get(f"/drafts/{instance_id}/delete")
    assert browser.post(f"/drafts/{instance_id}/delete") == "/mine"
    assert "不要了" not in browser.get("/")
    assert "不要了" in browser.get("/mine?state=deleted")
    assert history(app, instance_id)[-1] == "instance_cancelled"
    assert engine_of(app).queries.get_instance(instance_id).status == "cancelled"
    assert replays(app, instance_id)
    browser.post(f"/drafts/{instance_id}/delete", status=409)


def test_only_the_drafter_deletes_and_only_before_submitting(client: FlaskClient) -> None:
    app = client.application
    drafter = Browser(client).login("zhangsan")
    drafter.get("/drafts/new")
    drafter.post("/drafts/new", {**DRAFT, "action": "submit"})
    submitted = engine_of(app).drafts.mine("zhangsan").rows[0].instance_id
    drafter.get("/mine")
    drafter.post(f"/drafts/{submitted}/delete", status=409)
    saved = instance_of(drafter.post("/drafts/new", {"title": "稿", "action": "save"}), app)
    other = Browser(client.application.test_client()).login("lisi")
    other.get("/mine")
    other.post(f"/drafts/{saved}/delete", status=403)


def test_my_documents_are_filtered_by_state_and_year_and_paged(client: FlaskClient) -> None:
    browser = Browser(client).login("zhangsan")
    everything = browser.get("/mine")
    # the demo's drafter: a published document, one returned to him, one at the head…
    assert "关于印发2026年政务公开工作要点的通知" in everything
    assert "威政办发〔2026〕" in everything  # an issued one shows its number, not its ids
    drafting = browser.get("/mine?state=drafting")
    assert "关于调整市政府信息公开工作领导小组成员的通知" in drafting
    assert "关于印发2026年政务公开工作要点的通知" not in drafting
    assert "关于印发2026年政务公开工作要点的通知" in browser.get("/mine?state=issued")
    assert "没有符合条件的公文" in browser.get("/mine?year=2025")
    assert "筛选条件有误" in browser.get("/mine?state=nonsense&year=abc")
    # the head who approved sees it too, with the drafter's and holders' display names
    head = Browser(client.application.test_client()).login("lisi")
    mine = head.get("/mine")
    assert "关于印发2026年政务公开工作要点的通知" in mine and "lisi" not in mine


def test_my_documents_with_nothing_yet_say_what_will_show_there(client: FlaskClient) -> None:
    # A new drafter is told how a document gets there, not that none matches a filter.
    engine_of(client.application).users.add("zhangsan2", ["drafter"], "张三二", "demo")
    page = Browser(client).login("zhangsan2").get("/mine")
    assert "没有符合条件的公文" not in page
    assert "点击“起草新公文”开始起草" in page
    # The registrar, who drafts nothing, is told which documents would show.
    page = Browser(client.application.test_client()).login("wujiu").get("/mine")
    assert "您审核、签发、审查或发布过的公文会列在这里" in page
    assert "起草新公文" not in page


def test_a_task_only_i_may_do_has_no_claim_button_a_shared_one_says_what_claiming_does(
    client: FlaskClient,
) -> None:
    head = Browser(client).login("lisi")
    link = task_link(head.get("/"), "处室审核")
    # lisi alone heads 综合处, the drafter's department: the review is his alone
    assert "认领" not in head.get(link)
    # a second head of 综合处 shares it, and the page says what claiming does
    engine_of(client.application).users.add("lisi3", ["dept_head"], "李四三", "demo", "综合处")
    page = head.get(link)
    assert "认领" in page and "认领后只有您能办理" in page


def test_the_inbox_says_whether_a_task_came_back_by_the_rules_or_from_a_person(
    client: FlaskClient,
) -> None:
    app = client.application
    drafter = Browser(client).login("zhangsan")
    row = drafter.get("/").split("关于调整市政府信息公开工作领导小组成员的通知", 1)[1]
    assert "退文" in row.split("</tr>", 1)[0]  # the demo's draft without an attribute
    drafter.get("/drafts/new")
    drafter.post("/drafts/new", {**DRAFT, "title": "请补充材料的通知", "action": "submit"})
    instance_id = engine_of(app).drafts.mine("zhangsan").rows[0].instance_id
    task = next(
        t for t in engine_of(app).queries.list_tasks("lisi") if t.instance_id == instance_id
    )
    engine_of(app).complete_task(
        task.task_id, "lisi", {"decision": "send_back", "comment": "请补充依据"}
    )
    row = drafter.get("/").rsplit("请补充材料的通知", 1)[1].split("</tr>", 1)[0]
    assert "退回" in row and "退文" not in row


def submitted_draft(client: FlaskClient, draft: dict[str, str]) -> tuple[Browser, int]:
    """Submit a draft as the demo's drafter; return his browser and the draft's instance."""
    drafter = Browser(client).login("zhangsan")
    drafter.get("/drafts/new")
    drafter.post("/drafts/new", {**draft, "action": "submit"})
    return drafter, engine_of(client.application).drafts.mine("zhangsan").rows[0].instance_id


def test_a_draft_sent_back_by_the_rules_says_each_reason_beside_its_field(
    client: FlaskClient,
) -> None:
    withheld = {**DRAFT, "title": "关于内部事务的通知", "attribute": "withheld"}
    drafter, instance_id = submitted_draft(client, withheld)
    (task,) = engine_of(client.application).queries.get_instance(instance_id).ready_tasks
    path = f"/tasks/{task.task_id}"
    page = drafter.get(path)
    reason = re.search(r'id="attribute_reason-error">([^<]*)<', page)
    basis = re.search(r'id="withheld_basis-error">([^<]*)<', page)
    assert reason and reason.group(1).strip() == "退文原因：拟不予公开，但未说明理由"
    assert basis and basis.group(1).strip() == "退文原因：拟不予公开，但未写明法律依据"
    assert re.search(r'id="f-attribute_reason"[^>]*aria-invalid="true"', page)
    assert 'id="attribute-error"' not in page  # the attribute itself was given
    # A reason put right and saved is not said again; the one left still is.
    saved = {**withheld, "attribute_reason": "属于内部事务信息。", "action": "save"}
    drafter.post(path, saved)
    page = drafter.get(path)
    assert 'id="attribute_reason-error"' not in page and 'id="withheld_basis-error"' in page
    drafter.client.post("/language", data={"lang": "en", "csrf_token": drafter.token})
    assert "Sent back: The draft is to be withheld but names no legal basis." in drafter.get(path)


def test_a_draft_sent_back_by_a_reviewer_marks_no_field(client: FlaskClient) -> None:
    app = client.application
    drafter, instance_id = submitted_draft(client, {**DRAFT, "title": "请补充依据的通知"})
    (review,) = engine_of(app).queries.get_instance(instance_id).ready_tasks
    engine_of(app).complete_task(
        review.task_id, "lisi", {"decision": "send_back", "comment": "请补充依据"}
    )
    (task,) = engine_of(app).queries.get_instance(instance_id).ready_tasks
    page = drafter.get(f"/tasks/{task.task_id}")
    assert "请补充依据" in page and 'aria-invalid="true"' not in page


def title_link(mine: str, title: str) -> str:
    """Return where the title of a document on my documents leads."""
    return re.search(rf'<a href="([^"]+)">{re.escape(title)}</a>', mine).group(1)


def test_a_draft_sent_back_opens_its_form_from_my_documents(client: FlaskClient) -> None:
    app = client.application
    drafter = Browser(client).login("zhangsan")
    drafter.get("/drafts/new")
    drafter.post("/drafts/new", {**DRAFT, "title": "请补充材料的通知", "action": "submit"})
    instance_id = engine_of(app).drafts.mine("zhangsan").rows[0].instance_id
    # under review, the title reads the approval sheet: nothing is his to do on it
    assert title_link(drafter.get("/mine"), "请补充材料的通知") == f"/instances/{instance_id}/sheet"
    review = task_of(app, "lisi", instance_id)
    engine_of(app).complete_task(review, "lisi", {"decision": "send_back", "comment": "请补充依据"})
    # sent back, the title leads to the draft's form he must fill in again
    revision = task_of(app, "zhangsan", instance_id)
    link = title_link(drafter.get("/mine"), "请补充材料的通知")
    assert link == f"/tasks/{revision}?case={instance_id}".replace("&", "&amp;")
    form = drafter.get(link.replace("&amp;", "&"))
    assert 'name="title"' in form and "请补充依据" in form
    # so does the demo's draft the rules returned (退文), and the head's own review
    returned = "关于调整市政府信息公开工作领导小组成员的通知"
    assert title_link(drafter.get("/mine"), returned).startswith("/tasks/")
    head = Browser(app.test_client()).login("lisi")
    drafter.post(link.replace("&amp;", "&"), {**DRAFT, "title": "请补充材料的通知"})
    assert title_link(head.get("/mine"), "请补充材料的通知").startswith("/tasks/")
    # and once issued, the title reads the document again
    issued = "关于印发2026年政务公开工作要点的通知"
    assert title_link(drafter.get("/mine"), issued).startswith("/documents/")


def task_of(app: Flask, user: str, instance_id: int) -> str:
    """Return the id of the open task of an instance that ``user`` may take."""
    tasks = engine_of(app).queries.list_tasks(user)
    return next(t.task_id for t in tasks if t.instance_id == instance_id)


def test_upgrading_marks_the_tasks_that_came_back_before(app: Flask) -> None:
    engine = engine_of(app)
    returned = next(t for t in engine.queries.list_tasks("zhangsan") if t.returned)
    with engine.db.write_engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(schema.MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")
    schema.upgrade(engine.db)
    again = next(t for t in engine.queries.list_tasks("zhangsan") if t.task_id == returned.task_id)
    assert again.returned == returned.returned == "automatic"
