"""Inboxes and the admin's task list are filtered and paged in SQL, by the same rules as before."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, update

from engine.access import ANYONE, holds, may_see
from engine.clock import LOCAL_ZONE, ManualClock, iso
from engine.gongkai import Engine
from engine.store.models import WorkItem
from engine.store.repository import WorkItemRow

from .web import Browser

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
DRAFT = {
    "title": "关于做好秋冬季安全生产工作的通知",
    "doc_type": "general",
    "body": "各单位：现就做好秋冬季安全生产工作通知如下。",
    "attribute": "proactive",
}
#: username -> (groups, department)
PEOPLE = {
    "zhangsan": (["drafter"], "综合处"),
    "drafter2": (["drafter"], "法规处"),
    "lisi": (["dept_head"], "综合处"),
    "lisi2": (["dept_head"], None),
    "lisi3": (["dept_head"], "法规处"),
    # drafts and reviews: never reviews what he drafted himself
    "both": (["drafter", "dept_head"], "综合处"),
}


def open_documents(engine: Engine, count: int) -> None:
    """Start drafts and submit most of them, by every drafter."""
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    for username, (groups, department) in PEOPLE.items():
        engine.users.add(username, groups, username, "demo", department=department)
    drafters = [u for u, (groups, _) in PEOPLE.items() if "drafter" in groups]
    for n in range(count):
        drafter = drafters[n % len(drafters)]
        instance = engine.start("document_approval", drafter)
        if n % 4:
            engine.complete_task(instance.ready_tasks[0].task_id, drafter, DRAFT)


def every_item(engine: Engine) -> list[WorkItemRow]:
    with engine.store.read() as repo:
        return [row[0] for row in repo.open_work_items(None, 10_000)]


def expected(engine: Engine, username: str) -> list[str]:
    """The tasks the Python rules (access.may_see) let him take, in inbox order."""
    groups, department = PEOPLE[username]
    held = set(groups) | {ANYONE}
    items = [i for i in every_item(engine) if holds(held, i) and may_see(username, i, department)]
    items.sort(key=lambda i: (i.claimed_by is None, i.created_at, i.task_id))
    return [i.task_id for i in items]


def paged(engine: Engine, username: str, limit: int) -> tuple[list[str], int]:
    seen: list[str] = []
    after = None
    while True:
        page = engine.queries.inbox(username, after, limit)
        assert len(page.items) <= limit
        seen += [t.task_id for t in page.items]
        if page.next_after is None:
            return seen, page.total
        after = page.next_after


@pytest.mark.tampers
def test_the_pages_of_every_inbox_hold_exactly_what_the_rules_allow(engine: Engine) -> None:
    open_documents(engine, 48)
    # Claims, departments and names in every combination the rules know.
    chosen = random.Random(12)
    with engine.store.write() as repo:
        for item in every_item(engine):
            changes = {}
            if chosen.random() < 0.3:
                changes["claimed_by"] = chosen.choice(list(PEOPLE))
            if chosen.random() < 0.3:
                changes["department"] = chosen.choice(["综合处", "法规处"])
            if changes:
                repo.connection.execute(
                    update(WorkItem).where(WorkItem.task_id == item.task_id).values(**changes)
                )
    for username in PEOPLE:
        want = expected(engine, username)
        for limit in (1, 7, 50):
            got, total = paged(engine, username, limit)
            assert got == want, (username, limit)
            assert total == len(want)
    assert any(expected(engine, u) for u in PEOPLE)


def test_an_inbox_with_many_tasks_comes_in_pages(engine: Engine) -> None:
    open_documents(engine, 130)
    page = engine.queries.inbox("lisi")
    assert len(page.items) == 50 and page.total == len(expected(engine, "lisi"))
    second = engine.queries.inbox("lisi", page.next_after)
    assert not {t.task_id for t in page.items} & {t.task_id for t in second.items}
    # A claimed task comes first, before the oldest of those still to claim.
    last = second.items[-1]
    engine.claim(last.task_id, "lisi")
    assert engine.queries.inbox("lisi").items[0].task_id == last.task_id
    # A cursor that does not parse starts again from the first page.
    assert engine.queries.inbox("lisi", "garbage|x").items[0].task_id == last.task_id


def test_the_inbox_page_links_to_the_next_and_back_to_the_first(client: FlaskClient) -> None:
    engine: Engine = client.application.extensions["gongkai.engine"]
    for _ in range(55):
        engine.start("document_approval", "zhangsan")
    browser = Browser(client).login("zhangsan")
    html = browser.get("/")
    assert html.count('href="/tasks/') == 50 and 'rel="next"' in html
    assert "共 " in html
    next_url = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    rest = browser.get(next_url.replace("&amp;", "&"))
    assert 0 < rest.count('href="/tasks/') < 50 and "回到第一页" in rest
    assert 'rel="next"' not in rest


def test_the_admin_task_list_comes_in_pages_and_filters_by_group(client: FlaskClient) -> None:
    engine: Engine = client.application.extensions["gongkai.engine"]
    for _ in range(55):
        engine.start("document_approval", "zhangsan")
    browser = Browser(client).login("admin")
    html = browser.get("/admin/tasks")
    assert 'rel="next"' in html and html.count('name="to_user"') == 50
    heads = browser.get("/admin/tasks?role=dept_head")
    drafting = browser.get("/admin/tasks?role=drafter")
    assert heads.count('name="to_user"') < drafting.count('name="to_user"')
    # An unknown group is no filter: said ignored beside the box, the whole list shown (it
    # once listed nothing under "没有待办任务", which was not so).
    unknown = browser.get("/admin/tasks?role=nobody")
    assert unknown.count('name="to_user"') == 50 and "筛选条件有误，已忽略：岗位" in unknown


def link_names(html: str) -> dict[str, str]:
    """Return the task links of a page with the words each is read by (tags stripped)."""
    return {
        href: re.sub(r"<[^>]+>", "", words)
        for href, words in re.findall(r'<a href="(/tasks/[^"]+)">(.*?)</a>', html)
    }


def test_each_task_link_names_its_step_and_its_item(client: FlaskClient) -> None:
    # A reviewer with several tasks of one step tells them apart by the links' words
    # alone, as a screen reader lists them.
    engine: Engine = client.application.extensions["gongkai.engine"]
    titles = ["关于做好秋冬季安全生产工作的通知", "关于开展防汛演练的通知"]
    for title in titles:
        instance = engine.start("document_approval", "zhangsan")
        engine.complete_task(instance.ready_tasks[0].task_id, "zhangsan", {**DRAFT, "title": title})
    html = Browser(client).login("lisi").get("/")
    names = list(link_names(html).values())
    for title in titles:
        assert f"处室审核：{title}" in names
    assert len(names) >= 3 and len(set(names)) == len(names)
    # The link shows the step's name only: the item stands in its own column.
    assert re.search(r'>处室审核<span class="sr-only">：关于开展防汛演练的通知</span></a>', html)


@pytest.mark.tampers
def test_the_admin_lists_every_task_by_due_time_the_overdue_first_then_oldest(
    engine: Engine,
) -> None:
    engine.users.add("root", ["admin"], "管理员", "demo")
    open_documents(engine, 24)
    # Due times, some past (and so overdue, as tick marks them), some to come, some none.
    chosen = random.Random(5)
    now = iso(engine.clock.now)
    dues = [None, None, "2026-03-02T09:00:00+08:00", "2026-03-20T09:00:00+08:00", "2027-04-01"]
    with engine.store.write() as repo:
        for item in every_item(engine):
            due = chosen.choice(dues)
            repo.connection.execute(
                update(WorkItem)
                .where(WorkItem.task_id == item.task_id)
                .values(due_at=due, overdue=due is not None and due < now)
            )
    items = every_item(engine)
    want = [
        i.task_id
        for i in sorted(
            items,
            key=lambda i: (i.due_at is None, i.due_at or "", i.created_at, i.task_id),
        )
    ]
    assert want != [i.task_id for i in sorted(items, key=lambda i: (i.created_at, i.task_id))]
    for limit in (1, 5, 50):
        seen, after = [], None
        while True:
            page = engine.queries.all_open_tasks("root", after, limit)
            seen += [t.task_id for t in page.items]
            if page.next_after is None:
                break
            after = page.next_after
        assert seen == want, limit
    first = engine.queries.all_open_tasks("root").items
    assert first[0].overdue and all(t.due_at is None for t in first[-3:])
    # A cursor that does not parse starts again from the first page.
    assert engine.queries.all_open_tasks("root", "garbage|x").items == first


def test_each_task_of_the_admin_list_leads_to_its_case(client: FlaskClient) -> None:
    html = Browser(client).login("admin").get("/admin/tasks")
    engine: Engine = client.application.extensions["gongkai.engine"]
    for task in engine.queries.all_open_tasks("admin").items:
        link = f'<a href="/audit/instances/{task.instance_id}">{task.subject}'
        assert link in html, task.subject
    # the demo's tasks with a deadline come before those without one
    rows = html.split("<tbody>", 1)[1].split("</tr>")
    dated = [n for n, row in enumerate(rows) if re.search(r"\d{4}-\d{2}-\d{2}</span>", row)]
    assert dated and dated == list(range(len(dated)))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_page_of_the_admins_list_reads_along_indexes_and_sorts_nothing(engine: Engine) -> None:
    """Each run of the list (due, then not due) is read in its order from an index."""
    engine.users.add("root", ["admin"], "管理员", "demo")
    open_documents(engine, 3)
    first = engine.queries.all_open_tasks("root", limit=1)
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM work_items" in statement:
            seen.append((statement, parameters))

    event.listen(engine.db.read_engine, "before_cursor_execute", record)
    try:
        engine.queries.all_open_tasks("root", first.next_after, limit=2)
    finally:
        event.remove(engine.db.read_engine, "before_cursor_execute", record)
    assert seen
    with engine.db.transaction(write=False) as connection:
        for statement, parameters in seen:
            plan = " / ".join(
                row[3]
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "TEMP B-TREE" not in plan, plan
            assert not re.search(r"SCAN work_items(?! USING (?:COVERING )?INDEX)", plan), plan


def test_the_inbox_counts_each_deadline_in_working_days_as_the_request_list_does(
    client: FlaskClient, clock: ManualClock
) -> None:
    engine: Engine = client.application.extensions["gongkai.engine"]
    clock.now = datetime(2026, 11, 18, 10, tzinfo=LOCAL_ZONE)  # a Wednesday
    tasks = engine.queries.inbox("wujiu").items
    assert len(tasks) >= 3
    # A due time is the end of its last day: the next day's midnight in Beijing.
    last_days = {
        "today": date(2026, 11, 18),
        "left": date(2026, 11, 23),
        "overdue": date(2026, 11, 16),
    }
    with engine.store.write() as repo:
        for task, day in zip(tasks, last_days.values(), strict=False):
            end = datetime.combine(day + timedelta(days=1), time(), LOCAL_ZONE)
            repo.connection.execute(
                update(WorkItem).where(WorkItem.task_id == task.task_id).values(due_at=iso(end))
            )
    rows = Browser(client).login("wujiu").get("/").split("<tbody>", 1)[1].split("</tr>")
    assert sum("今日到期" in row for row in rows) == 1
    # Thursday, Friday and Monday: today is not counted while days are left.
    assert sum("剩余3个工作日" in row for row in rows) == 1
    # Tuesday and today: overdue counts today.  The row's status says 已超期 as a badge, so
    # the count beside the date is words only.
    overdue = [row for row in rows if "已超期2个工作日" in row]
    assert len(overdue) == 1
    assert '<span class="countdown">已超期2个工作日</span>' in overdue[0]
