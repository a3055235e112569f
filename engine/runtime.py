"""The engine: the single entry point for deploying and running workflows.

Every public method is one unit of work: it opens a transaction, loads what
it needs, runs SpiffWorkflow, saves the state, appends the audit events and
commits, or rolls everything back on any error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, clock, forms, roles
from .definitions import CompiledDefinition, UserTaskRules, compile_definition, read_files
from .errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ScriptError,
)
from .passwords import hash_password
from .scripting import make_script_engine
from .state import StateSerializer, compact
from .store.database import Database
from .store.models import (
    Definition,
    DeployedProcess,
    Event,
    ProcessInstance,
    User,
    UserRole,
    WorkItem,
)
from .views import (
    DeploymentResult,
    EventView,
    InstanceView,
    TaskView,
    TickResult,
    UserView,
)

_CHANGED_BY_OTHERS = (
    "该实例已被他人修改，请刷新后重试 / The instance was changed by someone else; reload and retry."
)
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def iso(moment: datetime) -> str:
    """Return the one text form of a time that the engine stores: UTC, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("the engine clock must return timezone-aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class _Step:
    """What happened while the engine ran a workflow, to be turned into events."""

    timers_fired: list[Task]

    @classmethod
    def empty(cls) -> _Step:
        return cls([])

    def record(self, task: Task) -> None:
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            self.timers_fired.append(task)


class Engine:
    """Deploy BPMN definitions and run their instances on one database."""

    def __init__(self, db: Database, clock_: clock.Clock = clock.system_clock) -> None:
        self.db = db
        self.clock = clock_
        self._serializer = StateSerializer()
        self._script_engine = make_script_engine()
        self._definitions: dict[int, CompiledDefinition] = {}
        self._definitions_lock = Lock()
        clock.install_in_spiffworkflow()

    # -- transactions ---------------------------------------------------------------

    @contextmanager
    def _unit_of_work(self, *, write: bool) -> Iterator[Session]:
        try:
            with self.db.unit_of_work(write=write) as session:
                yield session
        except StaleDataError:
            raise ConflictError(_CHANGED_BY_OTHERS) from None
        except IntegrityError as exc:
            if "uq_events_instance_seq" in str(exc) or "events" in str(exc.statement or ""):
                raise ConflictError(_CHANGED_BY_OTHERS) from None
            raise
        except OperationalError as exc:
            if "locked" in str(exc).lower():
                raise ConflictError("数据库忙，请重试 / The database is busy; try again.") from None
            raise

    def _now(self) -> tuple[datetime, str]:
        moment = self.clock()
        return moment, iso(moment)

    # -- definitions ----------------------------------------------------------------

    def deploy(
        self, paths: Iterable[str | Path], deployed_by: str | None = None
    ) -> DeploymentResult:
        """Validate and deploy BPMN files as one new definition version.

        Files whose content is already deployed give back that version.  Any
        problem refuses the whole set and deploys nothing.
        """
        return self.deploy_files(read_files(paths), deployed_by)

    def deploy_files(
        self, files: dict[str, str], deployed_by: str | None = None
    ) -> DeploymentResult:
        """Deploy ``{file name: BPMN text}`` as one definition version."""
        compiled = compile_definition(files)
        _, now = self._now()
        with self._unit_of_work(write=True) as session:
            existing = session.scalar(
                select(Definition).where(Definition.content_hash == compiled.content_hash)
            )
            if existing is not None:
                return DeploymentResult(
                    existing.id,
                    existing.content_hash,
                    tuple(p.process_id for p in existing.processes),
                    False,
                )
            definition = Definition(
                content_hash=compiled.content_hash,
                files=compiled.files,
                deployed_at=now,
                deployed_by=deployed_by,
            )
            definition.processes = [
                DeployedProcess(process_id=p.process_id, name=p.name, file=p.file)
                for p in compiled.processes.values()
            ]
            session.add(definition)
            session.flush()
            with self._definitions_lock:
                self._definitions[definition.id] = compiled
            return DeploymentResult(
                definition.id, compiled.content_hash, tuple(compiled.processes), True
            )

    def _compiled(self, definition: Definition) -> CompiledDefinition:
        with self._definitions_lock:
            compiled = self._definitions.get(definition.id)
        if compiled is None:
            compiled = compile_definition(definition.files)
            with self._definitions_lock:
                self._definitions[definition.id] = compiled
        return compiled

    def _latest_definition(self, session: Session, process_id: str) -> Definition:
        definition = session.scalar(
            select(Definition)
            .join(DeployedProcess)
            .where(DeployedProcess.process_id == process_id)
            .order_by(Definition.id.desc())
            .limit(1)
        )
        if definition is None:
            raise NotFoundError(f"未部署流程 / No deployed process '{process_id}'")
        return definition

    # -- users ----------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        roles_: Iterable[str],
        display_name: str | None = None,
        password: str | None = None,
    ) -> UserView:
        """Create a user with roles, or add the roles to an existing one."""
        if not USERNAME.match(username or ""):
            raise InvalidInputError(
                f"用户名无效 / Invalid user name '{username}': "
                "use 1-64 letters, digits, '_', '.', '-'"
            )
        wanted = list(dict.fromkeys(roles_))
        unknown = [r for r in wanted if not roles.is_known_role(r)]
        if unknown:
            raise InvalidInputError(
                f"未知角色 / Unknown role(s) {', '.join(unknown)}; known: {', '.join(roles.ROLES)}"
            )
        _, now = self._now()
        with self._unit_of_work(write=True) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = User(
                    username=username,
                    display_name=display_name or username,
                    password_hash=None,
                    active=True,
                    created_at=now,
                )
                session.add(user)
            elif display_name:
                user.display_name = display_name
            if password:
                user.password_hash = hash_password(password)
            held = {r.role for r in user.roles}
            user.roles.extend(UserRole(role=r) for r in wanted if r not in held)
            session.flush()
            return _user_view(user)

    def get_user(self, username: str) -> UserView:
        """Return a user by name."""
        with self._unit_of_work(write=False) as session:
            return _user_view(self._user(session, username))

    def list_users(self) -> list[UserView]:
        """Return every user, by name."""
        with self._unit_of_work(write=False) as session:
            return [_user_view(u) for u in session.scalars(select(User).order_by(User.username))]

    def password_hash(self, username: str) -> str | None:
        """Return the stored password hash of a user (for sign-in)."""
        with self._unit_of_work(write=False) as session:
            return self._user(session, username).password_hash

    @staticmethod
    def _user(session: Session, username: str) -> User:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise NotFoundError(f"无此用户 / No user '{username}'")
        return user

    # -- instances ------------------------------------------------------------------

    def start(
        self, process_id: str, actor: str, data: dict[str, Any] | None = None
    ) -> InstanceView:
        """Start an instance of the newest deployed version of ``process_id``."""
        moment, now = self._now()
        with self._unit_of_work(write=True) as session:
            self._user(session, actor)
            definition = self._latest_definition(session, process_id)
            compiled = self._compiled(definition)
            spec, subprocess_specs = compiled.spec(process_id)
            workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self._script_engine)
            initial = dict(data or {})
            instance = ProcessInstance(
                definition_id=definition.id,
                process_id=process_id,
                status="running",
                serializer_version=self._serializer.version,
                state="",
                actors={},
                started_by=actor,
                started_at=now,
                updated_at=now,
                event_count=0,
                last_event_hash=audit.GENESIS_HASH,
            )
            instance.definition = definition
            session.add(instance)
            session.flush()
            audit.append_event(
                session,
                instance,
                "instance_started",
                actor,
                now,
                {
                    "process_id": process_id,
                    "definition_id": definition.id,
                    "content_hash": definition.content_hash,
                    "data": initial,
                },
            )
            step = _Step.empty()
            with self._running(moment):
                workflow.task_tree.data.update(initial)
                for task in workflow.get_tasks(state=TaskState.READY):
                    task.data.update(initial)
                workflow.do_engine_steps(did_complete_task=step.record)
            self._save(
                session, instance, compiled, workflow, step, actor=None, now=now, sent_back_by=None
            )
            return self._instance_view(session, instance, workflow)

    def list_tasks(self, username: str) -> list[TaskView]:
        """Return the ready user tasks ``username`` may work on, claimed ones first."""
        with self._unit_of_work(write=False) as session:
            user = self._user(session, username)
            held = [r.role for r in user.roles]
            rows = session.execute(
                select(WorkItem, ProcessInstance.process_id, ProcessInstance.row_version)
                .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
                .where(WorkItem.role.in_(held))
                .order_by(WorkItem.created_at, WorkItem.task_id)
            ).all()
            tasks = [
                _task_view(item, process_id, version)
                for item, process_id, version in rows
                if username not in item.excluded_users and item.claimed_by in (None, username)
            ]
            return sorted(tasks, key=lambda t: t.claimed_by is None)

    def get_task(self, task_id: str) -> TaskView:
        """Return one ready user task."""
        with self._unit_of_work(write=False) as session:
            item, process_id, version = self._work_item(session, task_id)
            return _task_view(item, process_id, version)

    def complete_task(
        self,
        task_id: str,
        actor: str,
        data: dict[str, Any],
        expected_version: int | None = None,
    ) -> InstanceView:
        """Complete a ready user task with form data, as ``actor``.

        Invalid data raises ``FormValidationError`` naming every field and
        changes nothing; a task already completed, or an instance changed
        since ``expected_version``, raises ``ConflictError``.
        """
        moment, now = self._now()
        with self._unit_of_work(write=True) as session:
            user = self._user(session, actor)
            item, _, _ = self._work_item(session, task_id)
            instance = self._lock_instance(session, item.instance_id)
            if expected_version is not None and instance.row_version != expected_version:
                raise ConflictError(
                    "该任务已被他人处理，请刷新后重试 / Someone else changed this instance "
                    f"(version {instance.row_version}, you had {expected_version}); "
                    "reload and retry."
                )
            self._check_may_work(user, item)
            clean = forms.validate_form(item.form, data)
            compiled = self._compiled(instance.definition)
            workflow = self._load(instance, compiled)
            task = workflow.get_task_from_id(UUID(task_id))
            if task is None or task.state != TaskState.READY:
                raise ConflictError("该任务已完成 / This task has already been completed.")
            step = _Step.empty()
            with self._running(moment):
                task.data.update(clean)
                task.run()
                workflow.do_engine_steps(did_complete_task=step.record)
            audit.append_event(
                session,
                instance,
                "task_completed",
                actor,
                now,
                {
                    "task_id": task_id,
                    "element_id": item.element_id,
                    "name": item.name,
                    "role": item.role,
                    "data": clean,
                },
            )
            instance.actors = {
                **instance.actors,
                item.element_id: sorted({*instance.actors.get(item.element_id, []), actor}),
            }
            self._save(
                session,
                instance,
                compiled,
                workflow,
                step,
                actor=actor,
                now=now,
                sent_back_by=(actor, item.element_id),
            )
            return self._instance_view(session, instance, workflow)

    def get_instance(self, instance_id: int) -> InstanceView:
        """Return an instance with its data and ready tasks."""
        with self._unit_of_work(write=False) as session:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFoundError(f"无此实例 / No instance {instance_id}")
            workflow = self._load(instance, self._compiled(instance.definition))
            return self._instance_view(session, instance, workflow)

    def list_instances(
        self, process_id: str | None = None, status: str | None = None
    ) -> list[InstanceView]:
        """Return instances, newest first, without deserializing their state."""
        with self._unit_of_work(write=False) as session:
            query = select(ProcessInstance).order_by(ProcessInstance.id.desc())
            if process_id:
                query = query.where(ProcessInstance.process_id == process_id)
            if status:
                query = query.where(ProcessInstance.status == status)
            return [_instance_summary(i) for i in session.scalars(query)]

    def history(self, instance_id: int) -> list[EventView]:
        """Return the audit events of an instance in order."""
        with self._unit_of_work(write=False) as session:
            if session.get(ProcessInstance, instance_id) is None:
                raise NotFoundError(f"无此实例 / No instance {instance_id}")
            return [_event_view(e) for e in audit.load_events(session, instance_id)]

    def verify_chain(self, instance_id: int) -> audit.ChainReport:
        """Check that an instance's events form an unbroken hash chain."""
        with self._unit_of_work(write=False) as session:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFoundError(f"无此实例 / No instance {instance_id}")
            return audit.verify_chain(instance, audit.load_events(session, instance_id))

    # -- timers ---------------------------------------------------------------------

    def tick(self, limit: int = 100) -> TickResult:
        """Fire the timers that are due by the engine clock; one transaction per instance."""
        moment, now = self._now()
        with self._unit_of_work(write=False) as session:
            due = list(
                session.scalars(
                    select(ProcessInstance.id)
                    .where(
                        ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now
                    )
                    .order_by(ProcessInstance.next_timer_at)
                    .limit(limit)
                )
            )
        fired = 0
        for instance_id in due:
            with self._unit_of_work(write=True) as session:
                instance = self._lock_instance(session, instance_id, skip_locked=True)
                if instance is None or instance.status != "running":
                    continue
                if instance.next_timer_at is None or instance.next_timer_at > now:
                    continue
                compiled = self._compiled(instance.definition)
                workflow = self._load(instance, compiled)
                step = _Step.empty()
                with self._running(moment):
                    workflow.refresh_timers()
                    workflow.do_engine_steps(did_complete_task=step.record)
                fired += len(step.timers_fired)
                self._save(
                    session,
                    instance,
                    compiled,
                    workflow,
                    step,
                    actor=None,
                    now=now,
                    sent_back_by=None,
                )
        return TickResult(len(due), fired)

    # -- internals ------------------------------------------------------------------

    @contextmanager
    def _running(self, moment: datetime) -> Iterator[None]:
        try:
            with clock.active(lambda: moment):
                yield
        except SpiffWorkflowException as exc:
            raise ScriptError(f"流程执行出错 / The workflow failed: {exc}") from None

    def _work_item(self, session: Session, task_id: str) -> tuple[WorkItem, str, int]:
        row = session.execute(
            select(WorkItem, ProcessInstance.process_id, ProcessInstance.row_version)
            .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
            .where(WorkItem.task_id == task_id)
        ).first()
        if row is None:
            raise ConflictError(
                "该任务不存在或已完成 / This task does not exist or has already been completed."
            )
        return row[0], row[1], row[2]

    def _lock_instance(
        self, session: Session, instance_id: int, skip_locked: bool = False
    ) -> ProcessInstance | None:
        query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        if not self.db.is_sqlite:  # SQLite writers already hold the database lock
            query = query.with_for_update(skip_locked=skip_locked, of=ProcessInstance)
        instance = session.scalar(query)
        if instance is None and not skip_locked:
            raise NotFoundError(f"无此实例 / No instance {instance_id}")
        return instance

    @staticmethod
    def _check_may_work(user: User, item: WorkItem) -> None:
        held = {r.role for r in user.roles}
        if item.role not in held:
            raise PermissionDeniedError(
                f"用户 {user.username} 无“{roles.ROLES[item.role][0]}”角色，不能办理此任务 / "
                f"User {user.username} lacks the role '{item.role}' this task needs."
            )
        if user.username in item.excluded_users:
            raise PermissionDeniedError(
                f"不能审核本人起草的内容 / {user.username} may not take this task: "
                "nobody reviews his own work (separation of duties)."
            )
        if item.claimed_by not in (None, user.username):
            raise PermissionDeniedError(
                f"此任务已由 {item.claimed_by} 认领 / This task is claimed by {item.claimed_by}."
            )

    def _load(self, instance: ProcessInstance, compiled: CompiledDefinition) -> BpmnWorkflow:
        spec, subprocess_specs = compiled.spec(instance.process_id)
        return self._serializer.loads(
            instance.state, instance.serializer_version, spec, subprocess_specs, self._script_engine
        )

    def _save(
        self,
        session: Session,
        instance: ProcessInstance,
        compiled: CompiledDefinition,
        workflow: BpmnWorkflow,
        step: _Step,
        *,
        actor: str | None,
        now: str,
        sent_back_by: tuple[str, str] | None,
    ) -> None:
        for timer in step.timers_fired:
            audit.append_event(
                session,
                instance,
                "timer_fired",
                None,
                now,
                {
                    "element_id": timer.task_spec.bpmn_id,
                    "name": timer.task_spec.bpmn_name,
                },
            )
        ready = self._ready_user_tasks(workflow, compiled)
        existing = {
            w.task_id: w
            for w in session.scalars(select(WorkItem).where(WorkItem.instance_id == instance.id))
        }
        gone = [tid for tid in existing if tid not in ready]
        if gone:
            session.execute(delete(WorkItem).where(WorkItem.task_id.in_(gone)))
        for tid, rules in ready.items():
            if tid in existing:
                continue
            if sent_back_by is not None and rules.element_id in instance.actors:
                audit.append_event(
                    session,
                    instance,
                    "sent_back",
                    actor,
                    now,
                    {
                        "task_id": tid,
                        "element_id": rules.element_id,
                        "name": rules.name,
                        "from_element_id": sent_back_by[1],
                    },
                )
            excluded = sorted(
                {a for e in rules.exclude_actors_of for a in instance.actors.get(e, [])}
            )
            session.add(
                WorkItem(
                    task_id=tid,
                    instance_id=instance.id,
                    element_id=rules.element_id,
                    name=rules.name,
                    role=rules.role,
                    form=rules.form,
                    excluded_users=excluded,
                    claimed_by=None,
                    created_at=now,
                    due_at=None,
                )
            )
        if workflow.is_completed():
            instance.status = "completed"
            instance.completed_at = now
            audit.append_event(
                session,
                instance,
                "instance_completed",
                None,
                now,
                {
                    "data": _json_data(workflow.data),
                },
            )
        compact(workflow)
        instance.state = self._serializer.dumps(workflow)
        instance.serializer_version = self._serializer.version
        instance.next_timer_at = _next_timer(workflow)
        instance.updated_at = now

    @staticmethod
    def _ready_user_tasks(
        workflow: BpmnWorkflow, compiled: CompiledDefinition
    ) -> dict[str, UserTaskRules]:
        ready: dict[str, UserTaskRules] = {}
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            rules = compiled.user_task(task.workflow.spec.name, task.task_spec.bpmn_id)
            if rules is not None:
                ready[str(task.id)] = rules
        return ready

    def _instance_view(
        self, session: Session, instance: ProcessInstance, workflow: BpmnWorkflow
    ) -> InstanceView:
        items = session.scalars(
            select(WorkItem)
            .where(WorkItem.instance_id == instance.id)
            .order_by(WorkItem.created_at)
        )
        session.flush()
        ready = tuple(_task_view(i, instance.process_id, instance.row_version) for i in items)
        if workflow.is_completed():
            data = workflow.data
        else:
            last = workflow.last_task or workflow.task_tree
            data = last.data
        return _instance_summary(instance, _json_data(data), ready)


def _json_data(data: dict[str, Any]) -> dict[str, Any]:
    # Scripts may leave dates in task data; events and views hold JSON only.
    return json.loads(
        json.dumps({k: v for k, v in data.items() if not k.startswith("_")}, default=str)
    )


def _next_timer(workflow: BpmnWorkflow) -> str | None:
    due: list[str] = []
    for pending in workflow.waiting_events():
        if pending.event_type.endswith("TimerEventDefinition") and pending.value:
            try:
                due.append(iso(datetime.fromisoformat(str(pending.value))))
            except ValueError:
                continue
    return min(due) if due else None


def _user_view(user: User) -> UserView:
    return UserView(
        user.username, user.display_name, tuple(sorted(r.role for r in user.roles)), user.active
    )


def _task_view(item: WorkItem, process_id: str, version: int) -> TaskView:
    return TaskView(
        item.task_id,
        item.instance_id,
        process_id,
        item.element_id,
        item.name,
        item.role,
        item.form,
        item.claimed_by,
        item.created_at,
        item.due_at,
        version,
    )


def _event_view(event: Event) -> EventView:
    return EventView(
        event.seq, event.type, event.actor, event.at, event.data, event.prev_hash, event.hash
    )


def _instance_summary(
    instance: ProcessInstance, data: dict[str, Any] | None = None, ready: tuple[TaskView, ...] = ()
) -> InstanceView:
    return InstanceView(
        instance.id,
        instance.process_id,
        instance.definition_id,
        instance.definition.content_hash,
        instance.status,
        instance.row_version,
        instance.started_by,
        instance.started_at,
        instance.updated_at,
        instance.completed_at,
        data or {},
        ready,
    )


EngineFactory = Callable[[], Engine]
