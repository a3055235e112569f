"""Steps of features/engine.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import (
    ConflictError,
    DeploymentError,
    Engine,
    FormValidationError,
    PermissionDeniedError,
)
from engine.views import InstanceView, TaskView

from .conftest import WORKFLOWS
from .helpers import Story as BaseStory

# pytest-bdd asks for fixtures as steps run; naming ``engine`` here puts its
# database parameter in each scenario, so that every one runs on SQLite and PostgreSQL.
pytestmark = pytest.mark.usefixtures("engine")

scenarios("engine.feature")

SIMPLE = (WORKFLOWS / "simple_approval.bpmn").read_text(encoding="utf-8")


def _lane_named_boss(text: str) -> str:
    return text.replace('<bpmn:lane id="dept_head"', '<bpmn:lane id="boss"').replace(
        'bpmnElement="dept_head"', 'bpmnElement="boss"'
    )


DEFECTS = {
    "broken XML": lambda s: s.replace("</bpmn:process>", "</bpmn:proces>"),
    "an unknown form schema": lambda s: s.replace('value="simple_draft"', 'value="memo"'),
    "a lane naming no known group, deployed strictly": _lane_named_boss,
    "a lane naming no known group": _lane_named_boss,
    "a condition that does not compile": lambda s: s.replace(
        'decision == "approve"', 'decision =="approve" and'
    ),
    "a condition that imports a module": lambda s: s.replace(
        'decision == "approve"', '__import__("os").system("true")'
    ),
}


@dataclass
class Story(BaseStory):
    """What the scenario's steps hand each other, with every instance started."""

    instances: list[InstanceView] = field(default_factory=list)


@pytest.fixture
def story() -> Story:
    return Story()


def ready_task(engine: Engine, user: str, element: str) -> TaskView:
    tasks = [t for t in engine.queries.list_tasks(user) if t.element_id == element]
    assert tasks, f"{user} has no '{element}' task; inbox: {engine.queries.list_tasks(user)}"
    return tasks[0]


# -- given ------------------------------------------------------------------------


@given(parsers.parse("alice also holds the role {role}"))
def alice_also(engine: Engine, role: str) -> None:
    engine.users.add("alice", [role])


@given("alice has started a simple approval")
def alice_started(engine: Engine, story: Story) -> None:
    story.instances.append(engine.start("simple_approval", "alice"))
    story.instance_id = story.instances[0].id


@given(parsers.parse('alice has submitted her draft titled "{title}"'))
def alice_submitted(engine: Engine, title: str) -> None:
    task = ready_task(engine, "alice", "draft")
    engine.complete_task(task.task_id, "alice", {"title": title, "body": "正文"})


# -- when -------------------------------------------------------------------------


@when("a new version of the simple approval workflow is deployed", target_fixture="second_version")
def deploy_new_version(engine: Engine) -> int:
    changed = SIMPLE.replace('name="审核"', 'name="处室审核"')
    result = engine.deploy_files({"simple_approval.bpmn": changed})
    assert result.created
    return result.definition_id


@when(parsers.parse("someone deploys a simple approval file with {defect}"))
def deploy_defective(engine: Engine, story: Story, defect: str) -> None:
    strict = defect.endswith("deployed strictly")
    try:
        engine.deploy_files({"simple_approval.bpmn": DEFECTS[defect](SIMPLE)}, strict_groups=strict)
    except DeploymentError as exc:
        story.error = exc


@then("the deployment is accepted")
def accepted(story: Story) -> None:
    assert story.error is None, str(story.error)


@then(parsers.parse('the review task of a new instance is for the group "{group}"'))
def review_for_group(engine: Engine, group: str) -> None:
    engine.users.add("carol", ["drafter"])
    engine.users.add("bossy", [group], new_groups=True)
    instance = engine.start("simple_approval", "carol")
    engine.complete_task(instance.ready_tasks[0].task_id, "carol", {"title": "稿"})
    assert [t.element_id for t in engine.queries.list_tasks("bossy")] == ["review"]


@when("alice submits her draft with an empty title")
def submit_empty_title(engine: Engine, story: Story) -> None:
    instance = engine.queries.get_instance(story.instances[0].id)
    story.version_before = instance.version
    story.history_before = len(engine.queries.history(instance.id))
    task = ready_task(engine, "alice", "draft")
    try:
        engine.complete_task(task.task_id, "alice", {"title": "   ", "body": "正文"})
    except FormValidationError as exc:
        story.error = exc


@when(parsers.parse('alice submits her draft titled "{title}"'))
def submit_draft(engine: Engine, title: str) -> None:
    alice_submitted(engine, title)


@when(parsers.parse('bob sends the draft back with the comment "{comment}"'))
def bob_sends_back(engine: Engine, comment: str) -> None:
    task = ready_task(engine, "bob", "review")
    engine.complete_task(task.task_id, "bob", {"decision": "send_back", "comment": comment})


@when("bob and carol approve the review at the same moment")
def approve_concurrently(engine: Engine, story: Story) -> None:
    task = ready_task(engine, "bob", "review")
    barrier = threading.Barrier(2)

    def approve(user: str) -> None:
        barrier.wait()
        try:
            engine.complete_task(task.task_id, user, {"decision": "approve"})
            story.outcomes.append((user, "ok"))
        except ConflictError as exc:
            story.outcomes.append((user, exc))

    threads = [threading.Thread(target=approve, args=(u,)) for u in ("bob", "carol")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


# -- then -------------------------------------------------------------------------


@then("the running instance stays on the first version")
def stays_on_first(engine: Engine, story: Story, first_version: int) -> None:
    assert engine.queries.get_instance(story.instances[0].id).definition_id == first_version


@then("a newly started simple approval uses the new version")
def new_uses_new(engine: Engine, second_version: int) -> None:
    assert engine.start("simple_approval", "alice").definition_id == second_version


@then("alice can still finish her draft of the first instance")
def old_instance_runs(engine: Engine, story: Story, first_version: int) -> None:
    first = story.instances[0].id
    task = next(t for t in engine.queries.list_tasks("alice") if t.instance_id == first)
    engine.complete_task(task.task_id, "alice", {"title": "旧版本", "body": ""})
    review = next(t for t in engine.queries.list_tasks("bob") if t.instance_id == first)
    assert review.name == "审核"  # the first version's name, not the new one
    engine.complete_task(review.task_id, "bob", {"decision": "approve"})
    instance = engine.queries.get_instance(first)
    assert (instance.status, instance.definition_id) == ("completed", first_version)


@then(
    parsers.parse(
        'the deployment is refused naming the file, the element "{element}" and "{problem}"'
    )
)
def refused(story: Story, element: str, problem: str) -> None:
    assert isinstance(story.error, DeploymentError), "the deployment was accepted"
    matching = [p for p in story.error.problems if problem in p.message]
    assert matching, [str(p) for p in story.error.problems]
    assert matching[0].file == "simple_approval.bpmn"
    assert (matching[0].element_id or "(whole file)") == element
    assert "simple_approval.bpmn" in str(story.error)


@then("no new definition version exists")
def no_new_version(engine: Engine, first_version: int) -> None:
    assert engine.start("simple_approval", "alice").definition_id == first_version


@then(parsers.parse('she is told that "{field_name}" must not be empty'))
def told_required(story: Story, field_name: str) -> None:
    assert isinstance(story.error, FormValidationError)
    assert list(story.error.errors) == [field_name]
    assert "empty" in " ".join(story.error.errors[field_name])


@then("the draft task is still waiting for alice")
@then("the draft task is waiting for alice again")
def draft_waiting(engine: Engine, story: Story) -> None:
    task = ready_task(engine, "alice", "draft")
    assert task.instance_id == story.instances[0].id


@then("the review task is offered to bob and carol but not to alice")
def offered_to_others(engine: Engine) -> None:
    assert [t.element_id for t in engine.queries.list_tasks("bob")] == ["review"]
    assert [t.element_id for t in engine.queries.list_tasks("carol")] == ["review"]
    assert "review" not in [t.element_id for t in engine.queries.list_tasks("alice")]


@then("alice is refused when she tries to complete the review")
def alice_refused(engine: Engine) -> None:
    task = ready_task(engine, "bob", "review")
    with pytest.raises(PermissionDeniedError, match=r"task\.own_work"):
        engine.complete_task(task.task_id, "alice", {"decision": "approve"})
    assert engine.queries.get_task(task.task_id).task_id == task.task_id


@then(parsers.parse("the history reads {types}"))
def history_reads(engine: Engine, story: Story, types: str) -> None:
    history = engine.queries.history(story.instances[0].id)
    assert [e.type for e in history] == [t.strip() for t in types.split(",")]
    sent_back = history[-1]
    assert (sent_back.actor, sent_back.data["element_id"]) == ("bob", "draft")
    assert history[2].data["data"]["comment"] == "请补充公开属性"


@then("exactly one of them succeeds and the other gets a conflict error")
def exactly_one(story: Story) -> None:
    assert len(story.outcomes) == 2
    wins = [u for u, outcome in story.outcomes if outcome == "ok"]
    losses = [o for _, o in story.outcomes if isinstance(o, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, story.outcomes


@then("the review is recorded once in the history")
def recorded_once(engine: Engine, story: Story) -> None:
    history = engine.queries.history(story.instances[0].id)
    reviews = [
        e for e in history if e.type == "task_completed" and e.data["element_id"] == "review"
    ]
    assert len(reviews) == 1
    assert engine.queries.get_instance(story.instances[0].id).status == "completed"
    assert engine.queries.verify_chain(story.instances[0].id).ok
