"""The auditor browses every instance, filtered and paged in SQL, and reads each timeline."""

from __future__ import annotations

import re

import pytest
import sqlalchemy
from flask import Flask

from engine import Engine, PermissionDeniedError
from engine.queries import ProcessTerms
from engine.views import EventView, InstanceFilter
from webui import audit as audit_pages

from .web import Browser


def engine_of(app: Flask) -> Engine:
    return app.extensions["gongkai.engine"]


def test_instances_are_filtered_and_paged(app: Flask) -> None:
    engine = engine_of(app)
    everything = engine.queries.list_instances()
    first = engine.queries.browse_instances("qianyi", limit=5)
    assert [i.id for i in first.items] == [i.id for i in everything[:5]]
    assert first.next_before == first.items[-1].id
    rest = engine.queries.browse_instances("qianyi", before_id=first.next_before, limit=500)
    assert [i.id for i in first.items + rest.items] == [i.id for i in everything]
    assert rest.next_before is None

    requests = engine.queries.browse_instances(
        "qianyi", InstanceFilter(process_id="disclosure_request")
    )
    assert {i.process_id for i in requests.items} == {"disclosure_request"}
    assert len(requests.items) == 7
    by_zhangsan = engine.queries.browse_instances("qianyi", InstanceFilter(actor="zhangsan"))
    assert {i.process_id for i in by_zhangsan.items} == {"document_approval"}
    assert by_zhangsan.names["zhangsan"] == "张三"
    by_name = engine.queries.browse_instances("qianyi", InstanceFilter(actor="张三"))
    assert [i.id for i in by_name.items] == [i.id for i in by_zhangsan.items]
    done = engine.queries.browse_instances("qianyi", InstanceFilter(status="completed"))
    assert done.items and {i.status for i in done.items} == {"completed"}
    # The demo starts everything on the test clock's Monday, 2026-11-30 in Beijing.
    that_day = InstanceFilter(started_from="2026-11-30", started_to="2026-11-30")
    assert len(engine.queries.browse_instances("qianyi", that_day).items) == len(everything)
    assert not engine.queries.browse_instances(
        "qianyi", InstanceFilter(started_to="2026-11-29")
    ).items
    assert not engine.queries.browse_instances("qianyi", InstanceFilter(overdue=True)).items


def test_only_those_who_read_everything_browse(app: Flask) -> None:
    with pytest.raises(PermissionDeniedError):
        engine_of(app).queries.browse_instances("zhangsan")
    Browser(app.test_client()).login("zhangsan").get("/audit/instances", status=403)


def test_the_timeline_reads_a_bounded_page_with_names_and_times(app: Flask) -> None:
    engine = engine_of(app)
    (published,) = [
        i
        for i in engine.queries.list_instances(process_id="document_approval")
        if i.status == "completed"
    ][:1]
    history = engine.queries.history(published.id)
    page = engine.queries.timeline(published.id, "qianyi", limit=3)
    assert [e.seq for e in page.events] == [1, 2, 3] and page.next_seq == 4
    last = engine.queries.timeline(published.id, "qianyi", from_seq=4, limit=500)
    assert [e.seq for e in last.events] == [e.seq for e in history[3:]]
    assert last.next_seq is None

    auditor = Browser(app.test_client()).login("qianyi")
    listing = auditor.get("/audit/instances?process=document_approval&status=completed")
    assert f'href="/audit/instances/{published.id}"' in listing
    # the link reads as the case, a target to tap, not the bare instance number
    link = re.search(rf'<a href="/audit/instances/{published.id}">([^<]*)</a>', listing)
    assert link and link.group(1).strip() not in ("", str(published.id)), link
    html = auditor.get(f"/audit/instances/{published.id}")
    assert "发起" in html and "张三" in html and "办结" in html
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html)  # Beijing time
    bad = auditor.get("/audit/instances?from=2026-13-40")
    assert "日期格式应为 YYYY-MM-DD" in bad
    backwards = auditor.get("/audit/instances?from=2026-12-01&to=2026-11-01")
    assert "起始日期不能晚于截止日期" in backwards and "日期格式" not in backwards
    Browser(app.test_client()).login("zhangsan").get(
        f"/audit/instances/{published.id}", status=200
    )  # he drafted it: he reads its history too


def test_the_auditor_verifies_one_instance_on_its_page(
    app: Flask, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.checkpoints import generate_key

    engine = engine_of(app)
    (instance,) = engine.queries.list_instances(process_id="document_approval")[:1]
    auditor = Browser(app.test_client()).login("qianyi")
    monkeypatch.delenv("GONGKAI_CHECKPOINT_KEY", raising=False)
    monkeypatch.delenv("GONGKAI_CHECKPOINT_PUBLIC_KEY", raising=False)
    page = auditor.get(f"/audit/instances/{instance.id}/verify")
    assert "核验通过" in page and "只核验了哈希链" in page

    key = tmp_path / "checkpoint.pem"
    generate_key(key)
    monkeypatch.setenv("GONGKAI_CHECKPOINT_KEY", str(key))
    monkeypatch.setenv("GONGKAI_CHECKPOINT_LOG", str(tmp_path / "checkpoints.jsonl"))
    engine.checkpoints.create()
    page = auditor.get(f"/audit/instances/{instance.id}/verify")
    assert "核验通过" in page and "与已签名的检查点一致" in page

    with engine.db.write_engine.begin() as conn:
        conn.execute(
            sqlalchemy.text(
                "UPDATE events SET actor = 'somebody' WHERE instance_id = :i AND seq = 2"
            ),
            {"i": instance.id},
        )
    page = auditor.get(f"/audit/instances/{instance.id}/verify")
    assert "核验未通过" in page and f"instance {instance.id} event 2" in page
    Browser(app.test_client()).login("zhangsan").get(
        f"/audit/instances/{instance.id}/verify", status=403
    )


def test_a_timeline_shows_no_change_that_reads_the_same_before_and_after(app: Flask) -> None:
    # An empty field given no value is no change to the reader ("印发份数：— → —").
    changes = {"copies": [None, ""], "title": ["旧标题", "新标题"], "body": ["", None]}
    event = EventView(
        3,
        "task_completed",
        "lisi",
        "2026-11-30T01:00:00+00:00",
        {"element_id": "dept_review", "name": "处室审核", "data": {}, "changes": changes},
        "0" * 64,
        "1" * 64,
    )
    terms = ProcessTerms("document_approval", "公文办理", {}, {}, {})
    with app.test_request_context():
        entry = audit_pages._entry(event, terms)
    assert [(old, new) for _, old, new in entry.changes] == [("旧标题", "新标题")]
