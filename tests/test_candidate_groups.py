"""A user task open to several groups: a member of any of them may take it.

Camunda's ``camunda:candidateGroups="management, accounting"`` names several
groups; the work item keeps the first as its ``role`` and the others beside it
(``work_items.groups``, and rows of ``work_item_groups`` that inboxes read by
index).  On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy
from flask import Flask
from sqlalchemy import text

from engine import Database, PermissionDeniedError, WorkflowEngine
from engine.clock import ManualClock
from engine.store import schema
from engine.views import InstanceView

from .conftest import TEST_BPMN
from .helpers import downgrade, upgraded_database
from .test_general_engine import files
from .web import Browser

INVOICE = ("camunda_invoice_approvers.bpmn", "camunda_invoice_approvers.dmn")
GROUPS = 'camunda:candidateGroups="management, accounting"'
START = {"amount": 100, "invoiceCategory": "Misc"}


def invoice_files(**replace: str) -> dict[str, str]:
    given = {name: (TEST_BPMN / "third_party" / name).read_text("utf-8") for name in INVOICE}
    for old, new in replace.items():
        assert old in given[INVOICE[0]], old
        given[INVOICE[0]] = given[INVOICE[0]].replace(old, new)
    return given


@pytest.fixture
def core(db: Database, clock: ManualClock) -> Iterator[WorkflowEngine]:
    """An engine without a domain; mia manages, ann accounts, sam sells, both holds the two."""
    engine = WorkflowEngine(db, clock)
    engine.users.add("clara", ["clerk"])
    engine.users.add("mia", ["management"])
    engine.users.add("ann", ["accounting"])
    engine.users.add("sam", ["sales"])
    engine.users.add("both", ["management", "accounting"])
    engine.users.add("root", ["admin"])
    yield engine
    with engine.store.read() as repo:
        ids = repo.connection.execute(text("SELECT id FROM process_instances")).scalars().all()
    for instance_id in ids:  # every history made here replays
        assert engine.replayer.replay_stored(instance_id).ok, instance_id


def start(core: WorkflowEngine) -> InstanceView:
    return core.start("camunda_invoice_approvers", "clara", START)


def inbox_ids(core: WorkflowEngine, user: str) -> list[str]:
    return [t.task_id for t in core.queries.list_tasks(user)]


def group_rows(core: WorkflowEngine) -> list[tuple[str, str]]:
    with core.store.read() as repo:
        rows = repo.connection.execute(
            text("SELECT task_id, role FROM work_item_groups ORDER BY task_id, role")
        )
        return [(r[0], r[1]) for r in rows]


def test_a_member_of_the_second_group_sees_the_task_and_completes_it(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(invoice_files())
    instance = start(core)
    (task,) = instance.ready_tasks
    assert task.role == "management"  # the first group, as before
    assert group_rows(core) == [(task.task_id, "accounting")]
    assert inbox_ids(core, "ann") == [task.task_id]
    assert inbox_ids(core, "mia") == [task.task_id]
    assert inbox_ids(core, "both") == [task.task_id]  # once, though through two groups
    assert core.queries.inbox("ann").total == 1
    # he may read the instance while its task is open to him, and others may take it too
    assert core.queries.get_instance(instance.id, reader="ann").id == instance.id
    assert core.queries.task_form(task.task_id, "ann").shared
    done = core.complete_task(task.task_id, "ann", {"approved": True})
    assert done.status == "completed"
    assert group_rows(core) == []  # they went with their task
    assert core.queries.get_instance(instance.id, reader="ann").id == instance.id


def test_a_user_in_neither_group_is_refused_and_does_not_see_the_task(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(invoice_files())
    instance = start(core)
    (task,) = instance.ready_tasks
    assert inbox_ids(core, "sam") == []
    assert core.queries.inbox("sam").total == 0
    with pytest.raises(PermissionDeniedError) as refused:
        core.complete_task(task.task_id, "sam", {"approved": True})
    assert refused.value.code == "task.not_your_group"
    assert refused.value.params["group"] == ["management", "accounting"]
    for attempt in (
        lambda: core.claim(task.task_id, "sam"),
        lambda: core.queries.task_form(task.task_id, "sam"),
        lambda: core.queries.get_instance(instance.id, reader="sam"),
    ):
        with pytest.raises(PermissionDeniedError):
            attempt()
    # an administrator may hand it to a member of either group, not to anyone else
    with pytest.raises(PermissionDeniedError):
        core.reassign(task.task_id, "root", "sam")
    assert core.reassign(task.task_id, "root", "ann").claimed_by == "ann"


def test_a_claimed_task_of_several_groups_is_only_in_its_claimers_inbox(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files(invoice_files())
    (first,) = start(core).ready_tasks
    clock.advance(minutes=1)
    (second,) = start(core).ready_tasks
    core.claim(second.task_id, "ann")  # through his (second) group
    assert inbox_ids(core, "ann") == [second.task_id, first.task_id]  # claimed first
    assert inbox_ids(core, "mia") == [first.task_id]
    assert inbox_ids(core, "both") == [first.task_id]
    assert core.queries.inbox("mia").total == 1
    assert core.queries.inbox("ann").total == 2
    with pytest.raises(PermissionDeniedError):
        core.complete_task(second.task_id, "mia", {"approved": True})
    core.release(second.task_id, "ann")
    core.claim(second.task_id, "mia")
    assert inbox_ids(core, "mia") == [second.task_id, first.task_id]
    assert inbox_ids(core, "ann") == [first.task_id]
    core.claim(first.task_id, "both")
    assert inbox_ids(core, "both") == [first.task_id]
    assert inbox_ids(core, "ann") == []


def test_the_inbox_pages_and_counts_tasks_of_every_group_once_in_order(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    """Tasks open through a first or a further group interleave by creation time."""
    three = 'camunda:candidateGroups="management, accounting, sales"'
    core.deploy_files(invoice_files(**{GROUPS: three}))
    core.users.add("eve", ["accounting", "sales"])  # two further groups of the same tasks
    made = []
    for _ in range(3):
        made.append(start(core).ready_tasks[0].task_id)
        clock.advance(minutes=1)
    core.deploy_files(invoice_files(**{GROUPS: 'camunda:candidateGroups="sales, management"'}))
    for _ in range(2):
        made.append(start(core).ready_tasks[0].task_id)
        clock.advance(minutes=1)
    core.deploy_files(invoice_files(**{GROUPS: 'camunda:candidateGroups="accounting"'}))
    made.append(start(core).ready_tasks[0].task_id)
    for user, expected in (
        ("eve", made),
        ("ann", made[:3] + made[5:]),
        ("sam", made[:5]),
        ("mia", made[:5]),
        ("both", made),
        ("clara", []),
    ):
        page = core.queries.inbox(user)
        assert [t.task_id for t in page.items] == expected, user
        assert page.total == len(expected), user
        # page by page, one task a page: the same tasks in the same order
        seen, after = [], None
        while True:
            one = core.queries.inbox(user, after=after, limit=1)
            seen += [t.task_id for t in one.items]
            if one.next_after is None:
                break
            after = one.next_after
        assert seen == expected, user
    # the admin's list by group lists the tasks open to it through a further group too
    listed = core.queries.all_open_tasks("root", role="accounting")
    assert [t.task_id for t in listed.items] == made[:3] + made[5:]
    assert listed.total == 4
    assert core.queries.all_open_tasks("root", role="sales").total == 5
    core.claim(made[0], "eve")
    assert [t.task_id for t in core.queries.inbox("eve").items] == made
    assert [t.task_id for t in core.queries.inbox("ann").items] == made[1:3] + made[5:]


def test_a_member_of_the_second_start_group_may_start_the_process(
    core: WorkflowEngine,
) -> None:
    starters = 'isExecutable="true" camunda:candidateStarterGroups="management, accounting"'
    core.deploy_files(invoice_files(**{'isExecutable="true"': starters}))
    assert core.start("camunda_invoice_approvers", "ann", START).status == "running"
    assert core.start("camunda_invoice_approvers", "mia", START).status == "running"
    with pytest.raises(PermissionDeniedError) as refused:
        core.start("camunda_invoice_approvers", "sam", START)
    assert refused.value.code == "process.not_your_group"
    assert refused.value.params["group"] == ["management", "accounting"]
    # who may start is decided before what he sends: an outsider learns nothing of the form
    with pytest.raises(PermissionDeniedError):
        core.start("camunda_invoice_approvers", "sam", {})


def test_a_task_with_one_group_writes_no_group_row(core: WorkflowEngine) -> None:
    core.deploy_files(files("lane_less_user_task.bpmn"))
    instance = core.start("lane_less_user_task", "clara")
    core.deploy_files(invoice_files(**{GROUPS: 'camunda:candidateGroups="accounting"'}))
    single = start(core)
    assert group_rows(core) == []
    with core.store.read() as repo:
        items = repo.work_items_of(instance.id) + repo.work_items_of(single.id)
    assert [(i.role, i.groups) for i in items] == [("*", None), ("accounting", None)]
    anyones, accountings = instance.ready_tasks[0].task_id, single.ready_tasks[0].task_id
    assert set(inbox_ids(core, "ann")) == {anyones, accountings}
    assert inbox_ids(core, "mia") == [anyones]


def test_a_task_naming_users_and_groups_is_for_a_named_user_or_a_member_of_a_group(
    core: WorkflowEngine,
) -> None:
    # as Camunda reads candidateUsers beside candidateGroups: either one, not both
    named = GROUPS + ' camunda:candidateUsers="ann, sam"'
    core.deploy_files(invoice_files(**{GROUPS: named}))
    (task,) = start(core).ready_tasks
    for user in ("ann", "mia", "sam", "both"):  # named and of a group, of a group, named
        assert inbox_ids(core, user) == [task.task_id], user
        assert core.queries.inbox(user).total == 1, user
    assert inbox_ids(core, "clara") == []
    with pytest.raises(PermissionDeniedError) as refused:
        core.complete_task(task.task_id, "clara", {"approved": True})
    assert refused.value.code == "task.not_your_group"
    core.claim(task.task_id, "sam")  # named, of neither group
    assert inbox_ids(core, "sam") == [task.task_id] and inbox_ids(core, "mia") == []
    assert core.complete_task(task.task_id, "sam", {"approved": True}).status == "completed"


CANDIDATES = "candidate_users_or_groups.bpmn"


def candidates_file() -> dict[str, str]:
    return {CANDIDATES: (TEST_BPMN / "camunda" / CANDIDATES).read_text("utf-8")}


def test_candidate_users_beside_groups_may_take_the_task_whatever_their_groups(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(candidates_file())
    instance = core.start("candidate_users_or_groups", "clara", {"signers": "accounting"})
    (review,) = instance.ready_tasks
    assert [inbox_ids(core, u) for u in ("ann", "mia", "sam")] == [
        [review.task_id],
        [review.task_id],
        [],
    ]
    with pytest.raises(PermissionDeniedError) as refused:
        core.claim(review.task_id, "sam")
    assert refused.value.code == "task.not_your_group"
    root = core.queries.all_open_tasks("root").items
    assert [(t.groups, t.users) for t in root] == [(("management",), ("ann", "bob"))]
    # ann holds accounting, not management: listed by name, she may take it
    done = core.complete_task(review.task_id, "ann", {"deputy": "sam"})
    (countersign,) = done.ready_tasks
    # from the data: accounting's members, and sam by name (sales)
    assert [inbox_ids(core, u) for u in ("ann", "sam", "mia")] == [
        [countersign.task_id],
        [countersign.task_id],
        [],
    ]
    core.reassign(countersign.task_id, "root", "sam")  # the admin may hand it to him
    assert core.complete_task(countersign.task_id, "sam", {}).status == "completed"


def test_candidate_users_by_juel_naming_nobody_leave_the_task_to_its_groups(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(candidates_file())
    instance = core.start("candidate_users_or_groups", "clara", {"signers": ["sales"]})
    done = core.complete_task(instance.ready_tasks[0].task_id, "mia", {"deputy": None})
    (countersign,) = done.ready_tasks
    with core.store.read() as repo:
        (item,) = repo.work_items_of(instance.id)
    assert (item.role, item.users) == ("sales", None)
    assert inbox_ids(core, "sam") == [countersign.task_id] and inbox_ids(core, "ann") == []


ASSIGNEE = "assignee_beside_groups.bpmn"


def assignee_file() -> dict[str, str]:
    return {ASSIGNEE: (TEST_BPMN / "camunda" / ASSIGNEE).read_text("utf-8")}


def test_an_assignee_beside_groups_takes_the_task_whatever_his_groups(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(assignee_file())
    instance = core.start("assignee_beside_groups", "clara", {"approver": "sam"})
    (review,) = instance.ready_tasks
    # sam sells; assigned by name, the task is his, and no manager's
    assert [inbox_ids(core, u) for u in ("sam", "mia", "ann")] == [[review.task_id], [], []]
    with pytest.raises(PermissionDeniedError):
        core.complete_task(review.task_id, "mia", {})
    (countersign,) = core.complete_task(review.task_id, "sam", {}).ready_tasks
    # a literal assignee: ann, who holds neither group, and nobody else
    assert [inbox_ids(core, u) for u in ("ann", "mia", "sam")] == [[countersign.task_id], [], []]
    assert core.complete_task(countersign.task_id, "ann", {}).status == "completed"


def test_an_assignee_naming_nobody_leaves_the_task_to_its_groups(core: WorkflowEngine) -> None:
    core.deploy_files(assignee_file())
    instance = core.start("assignee_beside_groups", "clara", {"approver": None})
    (review,) = instance.ready_tasks
    assert [inbox_ids(core, u) for u in ("mia", "both", "sam")] == [
        [review.task_id],
        [review.task_id],
        [],
    ]
    with pytest.raises(PermissionDeniedError):
        core.complete_task(review.task_id, "sam", {})
    assert core.complete_task(review.task_id, "mia", {}).ready_tasks


def test_migration_0022_adds_the_groups_and_takes_them_away_again(
    database_url: str, clock: ManualClock
) -> None:
    with upgraded_database(database_url) as db:
        downgrade(db, "0021")
        with db.transaction(write=False) as connection:
            tables = sqlalchemy.inspect(connection).get_table_names()
        assert "work_item_groups" not in tables
        schema.upgrade(db)
        assert schema.current_revision(db) == schema.head_revision()
        core = WorkflowEngine(db, clock)
        core.users.add("clara", ["clerk"])
        core.users.add("ann", ["accounting"])
        core.deploy_files(invoice_files())
        (task,) = start(core).ready_tasks
        assert group_rows(core) == [(task.task_id, "accounting")]
        if db.is_sqlite:
            with db.transaction(write=False) as connection:
                sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'work_item_groups'"
                ).scalar_one()
            assert sql.rstrip().endswith("WITHOUT ROWID")
        assert core.complete_task(task.task_id, "ann", {"approved": True}).status == "completed"
        assert group_rows(core) == []


def test_migration_0027_adds_the_candidate_users_and_takes_them_away_again(
    database_url: str, clock: ManualClock
) -> None:
    with upgraded_database(database_url) as db:
        core = WorkflowEngine(db, clock)
        core.users.add("clara", ["clerk"])
        core.users.add("ann", ["accounting"])
        core.deploy_files(candidates_file())
        core.start("candidate_users_or_groups", "clara", {"signers": "accounting"})
        downgrade(db, "0026")
        with db.transaction(write=False) as connection:
            columns = {c["name"] for c in sqlalchemy.inspect(connection).get_columns("work_items")}
            kinds = connection.exec_driver_sql("SELECT DISTINCT kind FROM work_item_users")
            assert "users" not in columns and "user" not in set(kinds.scalars())
        schema.upgrade(db)
        assert schema.current_revision(db) == schema.head_revision()
        core = WorkflowEngine(db, clock)
        instance = core.start("candidate_users_or_groups", "clara", {"signers": "accounting"})
        (task,) = instance.ready_tasks
        assert task.task_id in inbox_ids(core, "ann")  # listed by name, of no listed group


def test_the_admin_may_hand_a_task_to_a_user_it_lists_besides_its_groups(app: Flask) -> None:
    engine = app.config["ENGINE"]
    engine.users.add("mia", ["management"], "米娅", "demo", new_groups=True)
    engine.users.add("ann", ["accounting"], "安", "demo", new_groups=True)
    engine.deploy_files(candidates_file())
    engine.start("candidate_users_or_groups", "mia", {"signers": "accounting"})
    page = Browser(app.test_client()).login("admin").get("/admin/tasks")
    assert {"mia", "ann"} <= set(re.findall(r'<option value="([^"]+)"', page))


def test_the_admin_may_hand_the_task_to_a_member_of_any_of_its_groups(app: Flask) -> None:
    engine = app.config["ENGINE"]
    engine.users.add("mia", ["management"], "米娅", "demo", new_groups=True)
    engine.users.add("ann", ["accounting"], "安", "demo", new_groups=True)
    engine.deploy_files(invoice_files())
    engine.start("camunda_invoice_approvers", "mia", START)
    page = Browser(app.test_client()).login("admin").get("/admin/tasks")
    offered = re.findall(r'<option value="([^"]+)"', page)
    assert {"mia", "ann"} <= set(offered)
    assert "<td>management、accounting</td>" in page  # the groups it is for, each named


def test_a_third_party_task_page_shows_the_read_only_case_and_links_its_history(
    app: Flask,
) -> None:
    engine = app.config["ENGINE"]
    engine.users.add("ann", ["accounting"], "安", "demo", new_groups=True)
    engine.deploy_files(invoice_files())
    instance = engine.start("camunda_invoice_approvers", "wangwu", {**START, "amount": 900})
    ann = Browser(app.test_client()).login("ann")
    page = ann.get(f"/tasks/{instance.ready_tasks[0].task_id}")
    assert re.search(r'<input type="text" id="f-amount" value="900" readonly', page)
    assert "审签单" not in page and "稿号" not in page  # the domain's documents have those
    history = re.search(r'href="(/audit/instances/\d+)"', page)
    assert history is not None
    assert "Invoice approvers" in ann.get(history.group(1))  # the history of a case open to him
