"""The confidentiality reviewer reads before deciding; the publisher sees what goes out."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from engine.gongkai import Engine

from .web import Browser, task_link

#: the demo's document with personal data, waiting for the confidentiality reviewer
TITLE = "关于对违规占用道路行为的处理结果公示"
MOBILE = "13912345678"


def engine_of(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def review_page(client: FlaskClient) -> tuple[Browser, str, str]:
    reviewer = Browser(client).login("sunqi")
    link = task_link(reviewer.get("/"), "保密审查")
    return reviewer, link, reviewer.get(link)


def test_the_reviewer_reads_the_text_and_its_findings_before_the_conclusion(
    client: FlaskClient,
) -> None:
    _, _, page = review_page(client)
    text_at = page.index('class="review-text"')
    assert text_at < page.index('name="review_conclusion"')
    ids = re.findall(r'name="confirmed_findings" value="([^"]+)"', page)
    assert ids, "the demo document's personal data are found"
    for finding in ids:  # each finding jumps to its place in the text
        assert f'href="#finding-{finding}"' in page and f'id="finding-{finding}"' in page
    assert MOBILE in page[text_at:]


def test_the_publisher_sees_the_de_identified_text_and_the_review_record(
    client: FlaskClient,
) -> None:
    reviewer, link, page = review_page(client)
    ids = re.findall(r'name="confirmed_findings" value="([^"]+)"', page)
    reviewer.post(
        link,
        MultiDict(
            [("review_conclusion", "disclose_redacted"), ("review_basis", "去除个人信息")]
            + [("confirmed_findings", i) for i in ids]
        ),
    )
    publisher = Browser(client.application.test_client()).login("zhouba")
    inbox = publisher.get("/")
    instance = next(
        t for t in engine_of(client.application).queries.list_tasks("zhouba") if t.subject == TITLE
    )
    assert TITLE in inbox
    page = publisher.get(f"/tasks/{instance.task_id}")
    preview = page.split("将要发布的内容", 1)[1]
    assert MOBILE not in page and "139****5678" in preview
    assert "保密审查记录" in preview and "孙七" in preview and "去标识化后公开" in preview
    assert "sunqi" not in page


def test_the_approval_sheet_records_where_the_document_was_published(client: FlaskClient) -> None:
    publisher = Browser(client).login("zhouba")
    task = next(
        t
        for t in engine_of(client.application).queries.list_tasks("zhouba")
        if t.subject == "威海市政府信息公开保密审查办法"
    )
    publisher.get(f"/tasks/{task.task_id}")
    publisher.post(
        f"/tasks/{task.task_id}",
        {"publish_action": "publish", "channel": "website", "url": "https://www.weihai.gov.cn/a/9"},
    )
    sheet = publisher.get(f"/instances/{task.instance_id}/sheet")
    assert "发布渠道" in sheet and "政府网站" in sheet
    assert 'href="https://www.weihai.gov.cn/a/9"' in sheet


def test_the_reviewer_reads_the_opinions_given_so_far_on_his_task_page(
    client: FlaskClient,
) -> None:
    _, _, page = review_page(client)
    opinions = page.split('id="opinions-title"', 1)[1].split("</section>", 1)[0]
    assert "同意印发。" in opinions and "赵六" in opinions  # the leader's, before his review
    assert 'href="/instances/' in opinions  # the whole approval sheet
    drafter = Browser(client.application.test_client()).login("zhangsan")
    assert 'id="opinions-title"' not in drafter.get(task_link(drafter.get("/")))  # his own draft


def test_a_task_page_shows_only_the_newest_opinions_however_long_the_history(
    client: FlaskClient,
) -> None:
    engine = engine_of(client.application)
    instance = engine.start("document_approval", "zhangsan")
    draft = {
        "title": "反复修改的通知",
        "doc_type": "general",
        "body": "正文",
        "attribute": "proactive",
    }
    task = instance.ready_tasks[0]
    for round_ in range(5):
        task = engine.complete_task(task.task_id, "zhangsan", draft).ready_tasks[0]
        comment = f"第{round_ + 1}次：请修改"
        task = engine.complete_task(
            task.task_id, "lisi", {"decision": "send_back", "comment": comment}
        ).ready_tasks[0]
    task = engine.complete_task(task.task_id, "zhangsan", draft).ready_tasks[0]
    shown = engine.queries.task_form(task.task_id, "lisi").recent
    assert len(shown) == 6 and len(engine.catalogue.approval_sheet(instance.id, "lisi").entries) > 6
    assert shown[-1].data["element_id"] == "draft" and shown[-2].data["comment"] == "第5次：请修改"
    page = Browser(client).login("lisi").get(f"/tasks/{task.task_id}")
    opinions = page.split('id="opinions-title"', 1)[1].split("</section>", 1)[0]
    # The six newest events: the last two 退回 (each an opinion and the draft's return, said
    # on one line) and the draft submitted after each.
    assert opinions.count("<tr class=") == 4 and "第1次" not in opinions
    assert "第4次" in opinions and "第5次" in opinions


def test_the_sheet_counts_passages_hidden_in_english_words(client: FlaskClient) -> None:
    reviewer, link, page = review_page(client)
    ids = re.findall(r'name="confirmed_findings" value="([^"]+)"', page)
    assert len(ids) > 1
    reviewer.post(
        link,
        MultiDict(
            [
                ("review_conclusion", "disclose_redacted"),
                ("review_basis", "去除个人信息"),
                ("confirmed_findings", ids[0]),
            ]
        ),
    )
    instance_id = link.rsplit("case=", 1)[1]
    assert "1 处" in reviewer.get(f"/instances/{instance_id}/sheet")
    reviewer.post("/language", {"lang": "en", "next": "/"})
    sheet = reviewer.get(f"/instances/{instance_id}/sheet")
    # one passage is "1 passage": not "passage(s)", nor a plural for one
    assert re.search(r"\b1 passage\b", sheet) and "passage(s)" not in sheet, sheet


def test_unknown_roles_are_counted_in_english_words(client: FlaskClient) -> None:
    admin = Browser(client).login("admin")
    admin.post("/language", {"lang": "en", "next": "/"})
    admin.get("/admin/users/new")
    new = {"username": "newcomer", "display_name": "New", "password": "a-long-password-1"}
    page = admin.post("/admin/users/new", MultiDict([*new.items(), ("groups", "nosuch")]), 422)
    assert "Unknown role: nosuch." in page and "role(s)" not in page
    two = [("groups", "nosuch"), ("groups", "nor_this")]
    page = admin.post("/admin/users/new", MultiDict([*new.items(), *two]), 422)
    assert "Unknown roles: nosuch, nor_this." in page


def test_a_reviewer_is_told_which_case_he_submitted(client: FlaskClient) -> None:
    # Several cases wait at one step: "已提交：处室审核" alone did not say which was done.
    reviewer = Browser(client).login("lisi")
    link = task_link(reviewer.get("/"), "处室审核")
    page = reviewer.get(link)
    title = re.search(r"<h2[^>]*>([^<]+)</h2>", page)
    assert title is not None
    attribute = re.search(r'<option value="(\w+)" selected>', page.split('name="attribute"')[1])
    assert attribute is not None
    sent = {"decision": "approve", "attribute": attribute.group(1)}
    assert reviewer.post(link.split("?")[0], sent) == "/"
    told = reviewer.get("/")
    assert f"已提交：处室审核“{title.group(1)}”。下一步：办公室审核（公开属性）。" in told
