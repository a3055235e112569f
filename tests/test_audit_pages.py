"""The auditor's pages read as an auditor expects: names, not codes; old and new values; reasons."""

from __future__ import annotations

import json
import re
from html import unescape

import sqlalchemy
from flask import Flask

from engine import Engine
from engine.clock import ManualClock
from engine.views import InstanceView

from .conftest import TEST_BPMN
from .web import Browser


def engine_of(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def document(engine: Engine, title: str) -> InstanceView:
    (found,) = [
        i
        for i in engine.queries.list_instances(process_id="document_approval")
        if engine.queries.get_instance(i.id).data.get("title") == title
    ]
    return found


def task(engine: Engine, instance_id: int, element: str, user: str) -> str:
    (found,) = [
        t.task_id
        for t in engine.queries.list_tasks(user)
        if t.instance_id == instance_id and t.element_id == element
    ]
    return found


def auditor(app: Flask) -> Browser:
    return Browser(app.test_client()).login("qianyi")


def steps_of(html: str) -> list[dict]:
    """Return the steps the replay page hands its diagram."""
    found = re.search(r"data-steps='([^']*)'", html)
    assert found, "the page has no steps"
    return json.loads(unescape(found.group(1)))


def entries(html: str) -> list[str]:
    """Return the timeline's entries, each as its text without tags."""
    listed = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in listed.split("<li value=")[1:]
    ]


def test_changes_show_old_and_new_values_by_their_labels(app: Flask) -> None:
    engine = engine_of(app)
    case = document(engine, "关于开展政务公开培训的通知")  # on request, at the department head
    engine.complete_task(
        task(engine, case.id, "dept_review", "lisi"),
        "lisi",
        {"decision": "approve", "comment": "同意。", "attribute": "proactive"},
    )
    engine.update_data(case.id, {"title": "关于开展2027年政务公开培训的通知"}, "更正年份", "wangwu")

    html = auditor(app).get(f"/audit/instances/{case.id}")
    review = next(e for e in entries(html) if "处室审核" in e)
    assert "公开属性：依申请公开 → 主动公开" in review
    changed = next(e for e in entries(html) if e.startswith('"5"'))
    assert "数据变更" in changed
    assert "标题：关于开展政务公开培训的通知 → 关于开展2027年政务公开培训的通知" in changed
    assert "原因：更正年份" in changed
    assert "： →" not in html

    english = auditor(app).get(f"/audit/instances/{case.id}?lang=en")
    assert "Disclosure attribute: Disclosure on request → Proactive disclosure" in english


def test_fields_values_and_steps_are_named_not_coded(app: Flask) -> None:
    engine = engine_of(app)
    published = document(engine, "关于印发2026年政务公开工作要点的通知")
    html = auditor(app).get(f"/audit/instances/{published.id}")
    draft = next(e for e in entries(html) if "起草" in e and "提交的内容" in e)
    for shown in (
        "文件类型：一般公文",
        "公开属性：主动公开",
        "政府政策性文件代拟稿：否",
        "印发份数：—",
    ):
        assert shown in draft, shown
    for code in ("general", "proactive", "False", "None", "doc_type", "government_draft"):
        assert not re.search(rf"\b{code}\b", draft), code
    # Service tasks by their BPMN names, not their operations.
    assert "登记起草处室" in html and "note_drafting_unit" not in html
    assert "issue_document" not in html and "record_review" not in html
    assert "保密审查" in html and "发布" in html

    english = auditor(app).get(f"/audit/instances/{published.id}?lang=en")
    draft = next(e for e in entries(english) if "Draft" in e and "Document type" in e)
    assert "Document type: General document" in draft or "Document type: " in draft
    assert "Disclosure attribute: Proactive disclosure" in draft
    assert "Note the drafting department" in english


def test_a_return_shows_its_reason_and_a_send_back_its_opinion(app: Flask) -> None:
    engine = engine_of(app)
    returned = document(engine, "关于调整市政府信息公开工作领导小组成员的通知")
    html = auditor(app).get(f"/audit/instances/{returned.id}")
    last = entries(html)[-1]
    assert "自动退文" in last and "原因：未标明公开属性" in last
    english = auditor(app).get(f"/audit/instances/{returned.id}?lang=en")
    assert "The draft states no disclosure attribute." in entries(english)[-1]

    case = document(engine, "关于开展政务公开培训的通知")
    engine.complete_task(
        task(engine, case.id, "dept_review", "lisi"),
        "lisi",
        {
            "decision": "send_back",
            "comment": "请补充培训对象。",
            "attribute": "on_request",
            "attribute_reason": "仅涉及内部培训安排。",
        },
    )
    history = entries(auditor(app).get(f"/audit/instances/{case.id}"))
    sent_back = next(e for e in history if re.match(r'"\d+"> 退回 ', e))
    assert "意见：请补充培训对象。" in sent_back and "李四" in sent_back


def test_every_entry_is_numbered_once(app: Flask) -> None:
    engine = engine_of(app)
    published = document(engine, "关于印发2026年政务公开工作要点的通知")
    browser = auditor(app)
    html = browser.get(f"/audit/instances/{published.id}")
    assert '<li value="1">' in html and '<li value="13">' in html
    assert not re.search(r"<strong>\s*\d+\.", html)
    # A later page goes on with the history's own numbers.
    later = browser.get(f"/audit/instances/{published.id}?from=5")
    assert re.search(r'<ol class="timeline">\s*<li value="5">', later)


def test_the_list_names_processes_and_filters_by_their_ids(app: Flask) -> None:
    browser = auditor(app)
    html = browser.get("/audit/instances")
    assert '<option value="document_approval" >公文办理</option>' in html
    assert '<option value="disclosure_request" >依申请公开</option>' in html
    assert "<td>document_approval</td>" not in html and "<td>公文办理</td>" in html
    chosen = browser.get("/audit/instances?process=document_approval")
    assert '<option value="document_approval" selected>公文办理</option>' in chosen
    assert "<td>依申请公开</td>" not in chosen
    english = auditor(app).get("/audit/instances?lang=en")
    assert '<option value="document_approval" >Document approval</option>' in english
    assert "<td>Document approval</td>" in english


def test_the_replay_says_what_a_step_is(app: Flask) -> None:
    engine = engine_of(app)
    published = document(engine, "关于印发2026年政务公开工作要点的通知")
    steps = engine.queries.replay(published.id, "qianyi").report.steps
    assert len(steps) < published_events(engine, published.id)
    html = auditor(app).get(f"/audit/instances/{published.id}/steps")
    events = published_events(engine, published.id)
    assert f'data-label-position="第 {{k}} / {{n}} 步（共 {events} 个事件）"' in html
    assert f"共 {len(steps)} 步，含 {events} 个事件" in html
    # Each step names the events it covers.
    shown = steps_of(html)
    assert shown[0]["title"].startswith("1. 发起")
    assert all(
        f"（事件 {s.seq_from}" in step["title"] for s, step in zip(steps, shown, strict=True)
    )
    assert '<p class="meta">公文办理 ·' in html


def published_events(engine: Engine, instance_id: int) -> int:
    return len(engine.queries.history(instance_id))


def test_a_pass_is_a_success_and_a_failure_an_error(app: Flask) -> None:
    engine = engine_of(app)
    published = document(engine, "关于印发2026年政务公开工作要点的通知")
    browser = auditor(app)
    page = browser.get(f"/audit/instances/{published.id}/verify")
    assert re.search(r'<p class="flash" role="status">核验通过', page)
    assert 'class="notice"' not in page
    replayed = browser.get(f"/audit/instances/{published.id}/steps")
    assert re.search(r'<p class="flash" role="status">按记录的输入', replayed)

    with engine.db.write_engine.begin() as conn:
        conn.execute(
            sqlalchemy.text(
                "UPDATE events SET actor = 'somebody' WHERE instance_id = :i AND seq = 2"
            ),
            {"i": published.id},
        )
    page = browser.get(f"/audit/instances/{published.id}/verify")
    assert re.search(r'role="alert"[^>]*>\s*<h2 id="problems-title" class="error">核验未通过', page)
    assert 'class="flash"' not in page


def test_what_a_request_started_with_is_shown_by_its_labels(app: Flask) -> None:
    engine = engine_of(app)
    request = engine.queries.list_instances(process_id="disclosure_request")[0]
    first = steps_of(auditor(app).get(f"/audit/instances/{request.id}/steps"))[0]
    assert first["title"].startswith("1. 发起")
    given = first["data"]
    assert {"申请编号", "登记号", "收到日期", "收到方式", "申请人类型"} <= set(given), given
    assert given["收到方式"] in ("网上申请", "当面提交", "信函", "传真"), given
    assert given["申请人类型"] in ("自然人", "法人或其他组织"), given
    assert not {"request_id", "channel", "applicant_type"} & set(given), given


def test_a_choice_left_blank_is_shown_as_none_not_as_the_prompt(app: Flask) -> None:
    # A natural person has no kind of organisation: none is shown, not 请选择 (the prompt).
    reader = auditor(app)
    people = []
    for request in engine_of(app).queries.list_instances(process_id="disclosure_request"):
        given = steps_of(reader.get(f"/audit/instances/{request.id}/steps"))[0]["data"]
        if given.get("申请人类型") == "自然人":
            people.append(given)
    assert people
    for given in people:
        assert given["组织类型"] == "—", given
        assert "请选择" not in given.values(), given


def test_a_timer_that_fired_once_for_several_missed_hours_says_so(
    app: Flask, clock: ManualClock
) -> None:
    engine = engine_of(app)
    engine.deploy([TEST_BPMN / "elements" / "hourly_reminder.bpmn"])
    instance = engine.start("hourly_reminder", "admin")
    clock.advance(hours=5, minutes=30)  # the tick workers were stopped
    assert engine.tick().timers_fired == 1
    (fired,) = [
        e for e in entries(auditor(app).get(f"/audit/instances/{instance.id}")) if "每小时" in e
    ]
    assert "计时器停止运行期间另有 4 次到期，并入此次。" in fired
    english = auditor(app).get(f"/audit/instances/{instance.id}?lang=en")
    assert "4 more occurrences fell due while the timers were not running" in english
