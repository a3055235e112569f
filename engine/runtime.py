"""The engine: the single entry point for deploying and running workflows.

Every public method is one unit of work: it opens a transaction, loads what
it needs, runs SpiffWorkflow, saves the state, appends the audit events and
commits, or rolls everything back on any error.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from threading import Lock
from types import TracebackType
from typing import Any, TypeVar
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from . import attachments, audit, clock, sandbox, services, steps, tokens
from .access import (
    ANYONE,
    GROUP_NAME,
    ReadPolicy,
    check_admin,
    check_may_start,
    check_may_work,
    is_id,
    is_username,
    roles_and_department_of,
    roles_of,
    worker_and_task,
)
from .checkpoints import Checkpoints
from .clock import iso
from .definitions import (
    TRIGGER_PREFIX,
    CompiledDefinition,
    DeployRules,
    UserTaskRules,
    compile_definition,
    read_files,
)
from .diagrams import Diagrams
from .domain import Domain, ServiceContext
from .errors import (
    ConflictError,
    EngineError,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ScriptError,
)
from .forms import FormRegistry, check_event_name, check_submission, data_problem
from .presenters import instance_view, json_data, task_of
from .queries import Queries
from .replay import Replayer
from .scripting import RestrictedEnvironment, names_unset_data, script_error
from .state import StateSerializer, compact
from .steps import (
    MAX_THROW_DEPTH,
    MESSAGE,
    RULES,
    SIGNAL,
    Step,
    advance,
    cancel,
    catch,
    changed_data,
    claim_data,
    cycles_fired,
    iteration,
    next_timer,
    pending_events,
    ready_user_tasks,
    rearm,
    thrown,
    waiting_events,
)
from .store.database import Database
from .store.models import claim_submission
from .store.repository import InstanceRow, Repository, WorkItemRow
from .store.unit import Store
from .users import PASSWORD_METHOD, SignInPolicy, UserDirectory
from .views import DeliveryResult, DeploymentResult, InstanceView, TaskView, TickResult

T = TypeVar("T")

#: how many live workflows the engine keeps between steps.
LIVE_CACHE_SIZE = 256
#: how long one ``tick`` works before it leaves the instances it has not reached to the next
MAX_TICK_SECONDS = 30.0
#: how long an instance whose timers failed by its process's fault waits before it is tried again
TIMER_RETRY = timedelta(minutes=15)
#: the most such instances one engine process remembers
MAX_FAILED_TIMERS = 10_000


class _Unread:
    """A value not read yet (a starter's department, say)."""


_UNREAD = _Unread()


class WorkflowEngine:
    """Deploy BPMN definitions and run their instances on one database.

    The engine knows no domain: what a domain adds (forms, service tasks,
    script helpers, groups, who reads everything) comes in one ``Domain``.
    Its parts are composed objects: ``store`` (transactions), ``users``,
    ``queries`` (the read side), ``forms`` and ``read_policy``.
    """

    def __init__(
        self,
        db: Database,
        clock_: clock.Clock = clock.system_clock,
        *,
        domain: Domain | None = None,
        max_attachment_bytes: int = attachments.DEFAULT_MAX_BYTES,
        script_time_limit: float = sandbox.DEFAULT_TIME_LIMIT,
        script_memory_limit_mb: int = sandbox.DEFAULT_MEMORY_LIMIT_MB,
        sign_in_policy: SignInPolicy | None = None,
        password_method: str = PASSWORD_METHOD,
        default_group: str = ANYONE,
    ) -> None:
        self.db = db
        self.clock = clock_
        self.domain = domain or Domain()
        self.max_attachment_bytes = max_attachment_bytes
        self.script_time_limit = script_time_limit
        self.store = Store(db)
        self.forms = FormRegistry(self.domain.forms)
        self.read_policy = ReadPolicy(self.domain.read_all_groups, self.domain.head_groups)
        self.users = UserDirectory(
            self.store,
            self.moment,
            self.domain.knows_group,
            sign_in_policy,
            password_method,
            admin_groups=self.domain.admin_groups,
        )
        self.queries = Queries(self)
        self.diagrams = Diagrams(self)
        self.checkpoints = Checkpoints(self)
        self.replayer = Replayer(self)
        self.tokens = tokens.ApiTokens(self)
        self.default_group = default_group
        self._serializer = StateSerializer()
        environment = RestrictedEnvironment(
            self.domain.script_helpers, script_time_limit, script_memory_limit_mb
        )
        self._script_engine = services.ServiceScriptEngine(environment, self.domain.services)
        self._definitions: dict[int, CompiledDefinition] = {}
        self._cache_lock = Lock()
        #: instances whose timers failed by their process's fault, and until when ``tick``
        #: leaves them (as this engine's clock gives it)
        self._failed_timers: dict[int, str] = {}
        # Live workflows by instance id, tagged with the row version they match:
        # the next step of an instance skips deserializing it.  The database
        # row stays authoritative; a stale or failed copy is never reused.
        self._live: OrderedDict[int, _Live] = OrderedDict()
        self._live_lock = Lock()
        clock.install_in_spiffworkflow()

    def moment(self) -> tuple[datetime, str]:
        """Return the engine clock's time, and the same in the one text form the engine stores."""
        moment = self.clock()
        return moment, iso(moment)

    def now(self) -> str:
        """Return the engine clock's time in the one text form the engine stores."""
        return self.moment()[1]

    # -- definitions ----------------------------------------------------------------

    def deploy_rules(self, strict_groups: bool = False) -> DeployRules:
        """Return what a deployment on this engine is checked against."""
        return DeployRules(
            forms=frozenset(self.forms.names()),
            services=frozenset(self.domain.services),
            knows_group=self.domain.knows_group,
            strict_groups=strict_groups,
            default_group=self.default_group,
        )

    def deploy(
        self,
        paths: Iterable[str | Path],
        deployed_by: str | None = None,
        *,
        strict_groups: bool = False,
    ) -> DeploymentResult:
        """Validate and deploy BPMN files as one new definition version.

        Files whose content is already deployed give back that version.  Any
        problem refuses the whole set and deploys nothing.  With
        ``strict_groups`` a lane must name one of the domain's groups.
        """
        return self.deploy_files(read_files(paths), deployed_by, strict_groups=strict_groups)

    def deploy_files(
        self,
        files: dict[str, str],
        deployed_by: str | None = None,
        *,
        strict_groups: bool = False,
    ) -> DeploymentResult:
        """Deploy ``{file name: BPMN text}`` as one definition version."""
        compiled = compile_definition(files, self.deploy_rules(strict_groups))
        _, now = self.moment()
        with self.store.write() as repo:
            existing = repo.definition_by_hash(compiled.content_hash)
            definition_id = (
                None
                if existing is not None
                else repo.insert_definition(
                    compiled.content_hash,
                    compiled.files,
                    now,
                    deployed_by,
                    [(p.process_id, p.name, p.file) for p in compiled.processes.values()],
                )
            )
            if definition_id is None:
                # Deployed before, or by another transaction meanwhile (committed by now).
                found = existing or repo.definition_by_hash(compiled.content_hash)
                assert found is not None
                return DeploymentResult(found[0], compiled.content_hash, found[1], False)
        with self._cache_lock:
            self._definitions[definition_id] = compiled
        return DeploymentResult(
            definition_id, compiled.content_hash, tuple(compiled.processes), True
        )

    def deploy_uploaded(self, admin: str, files: dict[str, str]) -> DeploymentResult:
        """Deploy files an administrator uploaded (the web's 流程管理), as ``deploy_files`` does."""
        with self.store.read() as repo:
            check_admin(repo, admin, self.domain.admin_groups)
        return self.deploy_files(files, admin)

    def compiled(self, connection: Connection, definition_id: int) -> CompiledDefinition:
        """Return a deployed definition, compiled once per process and kept."""
        with self._cache_lock:
            compiled = self._definitions.get(definition_id)
        if compiled is None:
            files = Repository(connection, row_locks=False).definition_files(definition_id)
            if files is None:
                raise NotFoundError("definition.not_found", definition=definition_id)
            compiled = compile_definition(files, self.deploy_rules())
            with self._cache_lock:
                self._definitions[definition_id] = compiled
        return compiled

    def warm_up(self) -> tuple[int, list[int]]:
        """Compile the newest definition of every deployed process now.

        A process that serves pages otherwise compiles each definition, and
        the stand-in password hash, when first asked: tens of milliseconds,
        paid by whoever asks first.  Returns how many definitions compiled and
        the ids of those that did not (files this version of the engine
        refuses): these fail where they are used, as they would unwarmed, and
        never stop the process that warms up.
        """
        failed: list[int] = []
        with self.store.read() as repo:
            newest = {
                found[0]
                for process_id in repo.process_ids()
                if (found := repo.latest_definition(process_id)) is not None
            }
            for definition_id in sorted(newest):
                try:
                    self.compiled(repo.connection, definition_id)
                except EngineError:
                    failed.append(definition_id)
        self.users.warm_up()
        return len(newest) - len(failed), failed

    # -- instances ------------------------------------------------------------------

    def start(
        self, process_id: str, actor: str, data: dict[str, Any] | None = None
    ) -> InstanceView:
        """Start an instance of the newest deployed version of ``process_id``."""
        return self._start(process_id, actor, data, None)

    def check_not_desk(self, process_id: str) -> None:
        """Refuse a user a process only the domain's own entry points start (see ``Domain``)."""
        if process_id in self.domain.desk_processes:
            raise PermissionDeniedError("process.desk_only", process=process_id)

    def start_unattended(
        self,
        process_id: str,
        data: dict[str, Any] | None = None,
        prepare: Callable[[Connection], dict[str, Any]] | None = None,
    ) -> InstanceView:
        """Start an instance for someone without an account (a citizen, another system).

        Nobody's groups are checked: the caller, a domain's own entry point,
        decides who may.  ``prepare`` runs first in the same transaction (to
        write the domain's own record) and returns more start data.
        """
        return self._start(process_id, None, data, prepare)

    def _start(
        self,
        process_id: str,
        actor: str | None,
        data: dict[str, Any] | None,
        prepare: Callable[[Connection], dict[str, Any]] | None,
        then: Callable[[Repository, Step], None] | None = None,
    ) -> InstanceView:
        """Start an instance; ``then`` may add to its first step before it is saved."""
        moment, now = self.moment()
        initial = self._start_data(data)
        with self.store.write() as repo:
            held, department = (
                roles_and_department_of(repo, actor) if actor is not None else (None, None)
            )
            if held is not None:
                self.check_not_desk(process_id)
            latest = self._latest(repo, process_id)
            compiled = latest[2]
            if messages := compiled.start_messages.get(process_id):
                # Started now, it would wait at its start event, and the message would then
                # start another instance besides moving this one on.
                raise InvalidInputError(
                    "process.started_by_message",
                    process=process_id,
                    name="、".join(sorted(messages)),
                )
            if held is not None:
                check_may_start(actor, held, compiled, process_id)
            if prepare is not None:
                initial |= self._start_data(prepare(repo.connection))
            if (form := compiled.start_forms.get(process_id)) is not None:
                # The BPMN's own start form (Camunda's formData on the start event) checks
                # what it names, as a task's form does, with its defaults; a message that
                # starts a process brings its payload instead.
                filled = self.forms.schema(form, compiled.json_forms).filled_in(initial)
                initial |= self.forms.validate(form, filled, extra=compiled.json_forms)
            step = self._new_instance(
                repo, process_id, actor, initial, moment, now, latest, department
            )
            with self._running(step, repo):
                advance(step.workflow, step)
            if then is not None:
                then(repo, step)
            ready = self._save(repo, step)
        self._remember(step)
        return _saved_view(step, ready)

    def _start_data(self, data: dict[str, Any] | None) -> dict[str, Any]:
        initial = dict(data or {})
        problems = {k: [p] for k, v in initial.items() if (p := data_problem({k: v}))}
        if not problems and (whole := data_problem(initial)):
            # Each field within bounds, yet so many of them (millions in one body) that
            # every later read of the case would carry them: the bound is the whole's.
            problems = {"_schema": [whole]}
        if problems:
            raise FormValidationError(problems)
        return initial

    def _new_instance(
        self,
        repo: Repository,
        process_id: str,
        actor: str | None,
        initial: dict[str, Any],
        moment: datetime,
        now: str,
        latest: tuple[int, str, CompiledDefinition] | None = None,
        department: str | _Unread | None = _UNREAD,
    ) -> Step:
        """Insert a new instance of ``process_id`` with its start data; return its first step.

        ``latest`` is the newest definition of the process, when the caller has read it;
        ``department``, the starter's, when the caller has read it with his groups.
        """
        definition_id, content_hash, compiled = latest or self._latest(repo, process_id)
        if (variable := compiled.initiators.get(process_id)) is not None:
            # Camunda's (Activiti's, Flowable's) initiator variable: who started it, whatever
            # the start data say (nobody, for a message sent by no user)
            initial = {**initial, variable: actor}
        starts = compiled.start_events.get(process_id, ())
        instance = InstanceRow(
            id=0,
            definition_id=definition_id,
            process_id=process_id,
            status="running",
            row_version=1,
            serializer_version=self._serializer.version,
            state="{}",
            actors={event: [actor] for event in starts} if actor else {},
            started_by=actor,
            started_at=now,
            updated_at=now,
            completed_at=None,
            next_timer_at=None,
            event_count=0,
            last_event_hash=audit.GENESIS_HASH,
            rules=RULES,
        )
        if not actor:
            department = None
        elif isinstance(department, _Unread):
            department = repo.department(actor)
        instance.id = repo.insert_instance(instance, department)
        if actor:
            repo.add_participant(instance.id, actor)
        return self.first_step(instance, compiled, content_hash, initial, moment, now=now)

    def _latest(self, repo: Repository, process_id: str) -> tuple[int, str, CompiledDefinition]:
        """Return the newest deployed definition of a process: its id, hash and compiled form."""
        latest = repo.latest_definition(process_id)
        if latest is None:
            raise NotFoundError("process.not_deployed", process=process_id)
        definition_id, content_hash = latest
        return definition_id, content_hash, self.compiled(repo.connection, definition_id)

    def first_step(
        self,
        instance: InstanceRow,
        compiled: CompiledDefinition,
        content_hash: str,
        initial: dict[str, Any],
        moment: datetime,
        script_engine: PythonScriptEngine | None = None,
        *,
        now: str | None = None,
    ) -> Step:
        """Return the step that starts ``instance``: its workflow and first event, not yet run.

        ``now`` is ``moment`` as stored, when the caller has it.
        """
        spec, subprocess_specs = compiled.spec(instance.process_id)
        workflow = BpmnWorkflow(
            spec, subprocess_specs, script_engine=script_engine or self._script_engine
        )
        now = iso(moment) if now is None else now
        step = Step(instance, compiled, workflow, moment, now, instance.started_by)
        step.event(
            "instance_started",
            instance.started_by,
            {
                "process_id": instance.process_id,
                "definition_id": instance.definition_id,
                "content_hash": content_hash,
                "data": initial,
                # Rules 1 histories were recorded without it.
                **({"rules": instance.rules} if instance.rules > 1 else {}),
            },
        )
        if initial:  # without start data there is nothing to hand the first tasks
            workflow.task_tree.data.update(initial)
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(initial)
        return step

    # -- changing a running instance's data ---------------------------------------

    def update_data(
        self,
        instance_id: int,
        updates: dict[str, Any],
        reason: str,
        actor: str | None = None,
    ) -> InstanceView:
        """Change case data of a running instance; timers and due dates that read it follow.

        Each key of ``updates`` replaces that data in every unfinished task
        holding it; an object takes the given fields over its own
        (``{"issued": {"publish_due_at": ...}}``).  Time-date timers of the
        tasks it changed are evaluated anew, and so are the due dates of their
        ready user tasks.  The change is an event of the instance's history,
        with the old and new values and ``reason``.
        """
        moment, now = self.moment()
        self._start_data(updates)
        with self.store.write() as repo:
            instance = repo.instance(instance_id, lock=True) if is_id(instance_id) else None
            if instance is None:
                raise NotFoundError("instance.not_found", instance=instance_id)
            if instance.status != "running":
                raise ConflictError("instance.finished", instance=instance_id)
            compiled = self.compiled(repo.connection, instance.definition_id)
            step = self._open(instance, compiled, moment, now, actor)
            workflow = step.workflow
            changes, touched = changed_data(workflow, updates)
            if not changes:
                step.ready_after, step.waiting_after = step.ready_before, step.waiting_before
                self._remember(step)
                return instance_view(instance, compiled, workflow, ())
            step.event("data_changed", actor, {"changes": changes, "reason": reason})
            with self._running(step, repo):
                rearm(workflow, touched, step)
            for task_id, due in self.new_due_dates(step, touched).items():
                repo.set_due(task_id, *due)
            ready = self._save(repo, step)
        self._remember(step)
        return _saved_view(step, ready)

    def new_due_dates(self, step: Step, touched: list[Task]) -> dict[str, tuple[str | None, bool]]:
        """Return the due dates, evaluated anew, of ready user tasks whose data changed."""
        return {
            task_id: due
            for task_id, (task, rules) in ready_user_tasks(step.workflow, step.compiled).items()
            if task_id in step.ready_before and task in touched and rules.due_at
            if (due := self._due_at(task, rules)) is not None
        }

    # -- messages and signals -------------------------------------------------------

    def send_message(
        self, name: str, payload: dict[str, Any] | None = None, actor: str | None = None
    ) -> DeliveryResult:
        """Deliver a message to every instance waiting for it, as the BPMN correlates it.

        A process whose start event waits for the message is started by it.
        Each instance takes the message in a transaction of its own; one that
        does not match its correlation is left as it was, and so is one that
        fails to take it (named in the result's ``failures``, as ``tick``
        does): one broken instance keeps the message from no other.
        """
        return self._send(MESSAGE, name, payload, actor)

    def send_signal(
        self, name: str, payload: dict[str, Any] | None = None, actor: str | None = None
    ) -> DeliveryResult:
        """Broadcast a signal to every instance waiting for it (failures as ``send_message``)."""
        return self._send(SIGNAL, name, payload, actor)

    def _send(
        self, kind: str, name: str, payload: dict[str, Any] | None, actor: str | None
    ) -> DeliveryResult:
        moment, now = self.moment()
        check_event_name(name)
        data = self._start_data(payload)
        with self.store.read() as repo:
            if actor is not None:
                roles_of(repo, actor)
            waiting = repo.waiting_for(kind, name)
            starters = self._message_starters(repo, kind, name)
        event = _Event(kind, name, data, actor, moment, now)
        reached: list[int] = []
        started: list[int] = []
        failures: list[str] = []
        for instance_id in waiting:
            with _failure_noted(failures, f"instance {instance_id}"):
                if self._deliver(instance_id, event):
                    reached.append(instance_id)
        for process_id in starters:
            with _failure_noted(failures, f"process {process_id}"):
                started.append(self._start_by(process_id, event))
        return DeliveryResult(tuple(started), tuple(reached), tuple(failures))

    def _start_by(self, process_id: str, event: _Event) -> int:
        """Start ``process_id`` by the message its start event waits for; return the instance."""
        with self.store.write() as repo:
            step = self._started_by(repo, process_id, event)
        self._remember(step)
        return step.instance.id

    def _message_starters(self, repo: Repository, kind: str, name: str) -> list[str]:
        """Return the processes whose start event waits for this message (none for a signal)."""
        if kind != MESSAGE:
            return []
        return [pid for pid in repo.process_ids() if name in self._start_messages(repo, pid)]

    def _start_messages(self, repo: Repository, process_id: str) -> frozenset[str]:
        latest = repo.latest_definition(process_id)
        if latest is None:
            return frozenset()
        return self.compiled(repo.connection, latest[0]).start_messages.get(process_id, frozenset())

    def _started_by(self, repo: Repository, process_id: str, event: _Event) -> Step:
        """Start ``process_id`` by a message in ``repo``'s transaction; return the saved step."""
        step = self._new_instance(repo, process_id, event.actor, {}, event.moment, event.now)
        step.depth = event.depth
        with self._running(step, repo):
            advance(step.workflow, step)
        try:
            self._take_event(repo, step, event.kind, event.name, event.data)
        except _NotWaiting:
            # Its deployment said the message starts it; the started instance says otherwise.
            raise ConflictError(
                "instance.not_waiting", instance=process_id, name=event.name
            ) from None
        return step

    def _taken_by(self, repo: Repository, instance_id: int, event: _Event) -> Step | None:
        """Let one waiting instance take an event in ``repo``'s transaction; return its step.

        None when it does not wait for it (finished, or correlated with another).
        """
        instance = repo.instance(instance_id, lock=True)
        if instance is None or instance.status != "running":
            return None
        compiled = self.compiled(repo.connection, instance.definition_id)
        step = self._open(instance, compiled, event.moment, event.now, event.actor)
        step.depth = event.depth
        try:
            self._take_event(repo, step, event.kind, event.name, event.data)
        except _NotWaiting:
            return None  # nothing was written: the transaction holds no change of it
        return step

    def _deliver(self, instance_id: int, event: _Event) -> bool:
        """Deliver an event to one waiting instance; tell whether it took it."""
        with self.store.write() as repo:
            step = self._taken_by(repo, instance_id, event)
        if step is None:
            return False
        self._remember(step)
        return True

    def _take_event(
        self, repo: Repository, step: Step, kind: str, name: str, data: dict[str, Any]
    ) -> tuple[TaskView, ...]:
        """Let the step's workflow catch a message or signal, run on, and save it."""
        step.event(f"{kind}_received", step.actor, {"name": name, "payload": data})
        with self._running(step, repo):
            taken = catch(step, kind, name, data)
            if taken:
                advance(step.workflow, step)
        if not taken:
            raise _NotWaiting
        return self._save(repo, step)

    def complete_task(
        self,
        task_id: str,
        actor: str,
        data: dict[str, Any],
        expected_version: int | None = None,
        files: dict[str, attachments.Upload] | None = None,
    ) -> InstanceView:
        """Complete a ready user task with form data (and file uploads), as ``actor``.

        Invalid data raises ``FormValidationError`` naming every field and
        changes nothing; a task already completed, or an instance changed
        since ``expected_version``, raises ``ConflictError``.
        """
        with self.store.write() as repo:
            item, task, step = self._work_step(repo, task_id, actor, expected_version)
            instance, compiled = step.instance, step.compiled
            clean = self._validated(compiled, item.form, data, files or {}, task.data)
            if (check := self.domain.form_checks.get(item.form)) is not None and (
                problems := check(repo.connection, step.moment, clean)
            ):
                raise FormValidationError(problems)
            for name, upload in (files or {}).items():
                clean[name] = _store_attachment(repo, instance.id, upload, actor, step.now)
            if not any(actor in users for users in instance.actors.values()):
                repo.add_participant(instance.id, actor)
            with self._running(step, repo):
                self.complete(step, item, task, clean)
            ready = self._save(repo, step, completed=item.element_id)
        self._remember(step)
        return _saved_view(step, ready)

    def complete(self, step: Step, item: WorkItemRow, task: Task, clean: dict[str, Any]) -> None:
        """Record a user task's completion with ``clean`` data, run it and what follows."""
        opinions = self.forms.opinion_fields(item.form)
        changes = {
            key: [task.data[key], value]
            for key, value in clean.items()
            if key in task.data and task.data[key] != value and key not in opinions
        }
        step.event(
            "task_completed",
            step.actor,
            {
                "task_id": item.task_id,
                "element_id": item.element_id,
                "name": item.name,
                **({"labels": item.labels} if item.labels else {}),
                **(iteration(task) if step.instance.rules >= 3 else {}),
                "role": item.role,
                "data": clean,
                "changes": changes,
            },
        )
        instance, actor = step.instance, str(step.actor)
        done_by = instance.actors.get(item.element_id, [])
        instance.actors = {**instance.actors, item.element_id: sorted({*done_by, actor})}
        task.data.update(clean)
        task.run()
        advance(step.workflow, step)

    # -- drafts -----------------------------------------------------------------------

    def start_draft(
        self,
        process_id: str,
        actor: str,
        data: dict[str, Any],
        files: dict[str, attachments.Upload] | None = None,
        submission: str | None = None,
    ) -> InstanceView:
        """Start ``process_id`` and keep ``data`` in its drafting task: a draft from its first save.

        The process must begin with a user task its BPMN marks ``drafting``;
        the data are checked as far as they are given (a draft may lack what
        submitting it needs).  With ``submission``, the form's one-time key
        (``forms.new_submission``), the form sent again (a double click) starts
        nothing and raises ``ConflictError`` (``form.already_sent``), also while
        the first sending is still starting its draft.
        """
        check_submission(submission)

        def claim_form(connection: Connection) -> dict[str, Any]:
            claim_submission(connection, submission, self.now())
            return {}

        def keep_draft(repo: Repository, step: Step) -> None:
            ready = ready_user_tasks(step.workflow, step.compiled).values()
            drafting = [(task, rules) for task, rules in ready if rules.drafting]
            if not drafting:
                raise ConflictError("process.no_draft", process=process_id)
            task, rules = drafting[0]
            given = self._given(step, rules.form, data, files or {}, repo)
            if not any(value not in (None, "", [], {}, False) for value in given.values()):
                # Nothing typed: there is no draft to keep, only an empty row to clutter lists.
                first = next(iter(self.forms.schema(rules.form, step.compiled.json_forms).fields))
                raise FormValidationError({first: [Problem("draft.empty")]})
            self.keep(step, task, rules, given)

        return self._start(process_id, actor, None, claim_form if submission else None, keep_draft)

    def save_task(
        self,
        task_id: str,
        actor: str,
        data: dict[str, Any],
        expected_version: int | None = None,
        files: dict[str, attachments.Upload] | None = None,
    ) -> InstanceView:
        """Keep a drafting task's form data without finishing it (保存草稿).

        The data are checked as far as they are given; an empty field is
        kept empty.  The save is an event of the history (``task_saved``).
        """
        with self.store.write() as repo:
            item, task, step = self._work_step(repo, task_id, actor, expected_version)
            rules = step.compiled.user_task(task.workflow.spec.name, task.task_spec.bpmn_id)
            if rules is None or not rules.drafting:
                raise ConflictError("task.not_drafting", name=item.name)
            clean = self._given(step, item.form, data, files or {}, repo)
            self.keep(step, task, rules, clean)
            ready = self._save(repo, step)
        self._remember(step)
        return _saved_view(step, ready)

    def _work_step(
        self, repo: Repository, task_id: str, actor: str, expected_version: int | None
    ) -> tuple[WorkItemRow, Task, Step]:
        """Open a ready task ``actor`` may work on: its work item, its task and the step."""
        moment, now = self.moment()
        held, item, instance = worker_and_task(repo, actor, task_id)
        if expected_version is not None and instance.row_version != expected_version:
            raise ConflictError(
                "instance.version", current=instance.row_version, expected=expected_version
            )
        check_may_work(repo, actor, held, item)
        compiled = self.compiled(repo.connection, instance.definition_id)
        step = self._open(instance, compiled, moment, now, actor)
        task = step.workflow.get_task_from_id(UUID(task_id))
        if task is None or task.state != TaskState.READY:
            raise ConflictError("task.gone")
        return item, task, step

    def _given(
        self,
        step: Step,
        form: str,
        data: dict[str, Any],
        files: dict[str, attachments.Upload],
        repo: Repository,
    ) -> dict[str, Any]:
        """Check what a draft's save fills in, with its uploads; store the uploads."""
        errors: dict[str, list[Problem]] = {}
        clean: dict[str, Any] = {}
        try:
            clean = self.forms.validate_given(form, data, step.compiled.json_forms)
        except FormValidationError as exc:
            errors.update(exc.errors)
        errors.update(self._upload_problems(step.compiled, form, files))
        if errors:
            raise FormValidationError(errors)
        actor = str(step.actor)
        for name, upload in files.items():
            clean[name] = _store_attachment(repo, step.instance.id, upload, actor, step.now)
        return clean

    def _upload_problems(
        self, compiled: CompiledDefinition, form: str, files: dict[str, attachments.Upload]
    ) -> dict[str, list[Problem]]:
        schema = self.forms.schema(form, compiled.json_forms)
        errors: dict[str, list[Problem]] = {}
        for name, upload in files.items():
            if name not in schema.FILE_FIELDS:
                errors[name] = [Problem("attachment.not_taken")]
            elif found := attachments.problems(upload, self.max_attachment_bytes):
                errors[name] = found
        return errors

    @staticmethod
    def keep(step: Step, task: Task, rules: UserTaskRules, clean: dict[str, Any]) -> None:
        """Record a drafting task's saved data and put them in the task."""
        changes = {
            key: [task.data.get(key), value]
            for key, value in clean.items()
            if task.data.get(key) != value
        }
        step.event(
            "task_saved",
            step.actor,
            {
                "task_id": str(task.id),
                "element_id": rules.element_id,
                "name": rules.name,
                **({"labels": dict(rules.labels)} if rules.labels else {}),
                **(iteration(task) if step.instance.rules >= 3 else {}),
                "data": clean,
                "changes": changes,
            },
        )
        task.data.update(clean)

    def delete_draft(self, instance_id: int, actor: str, reason: str = "") -> InstanceView:
        """End a case that was never submitted, as its starter (删除草稿); the history stays.

        Allowed while every ready task is a drafting task that was never
        finished; the instance becomes ``cancelled``.
        """
        moment, now = self.moment()
        with self.store.write() as repo:
            held = roles_of(repo, actor)
            instance = repo.instance(instance_id, lock=True) if is_id(instance_id) else None
            if instance is None or (
                instance.started_by != actor
                and not self.read_policy.may_read(repo, actor, held, instance_id)
            ):
                # Whoever may not read a case learns neither that it exists nor how it stands.
                raise self.read_policy.refused(held, instance is None)
            if instance.started_by != actor:
                raise PermissionDeniedError("draft.not_yours", user=actor)
            if instance.status != "running":
                raise ConflictError("instance.finished", instance=instance_id)
            compiled = self.compiled(repo.connection, instance.definition_id)
            step = self._open(instance, compiled, moment, now, actor)
            if not step.ready_before or any(
                not rules.drafting or rules.element_id in instance.actors
                for _, rules in step.ready_before.values()
            ):
                raise ConflictError("draft.submitted", instance=instance_id)
            cancel(step, reason)
            ready = self._save(repo, step)
        return _saved_view(step, ready)

    def deliver(
        self,
        instance_id: int,
        name: str,
        payload: dict[str, Any] | None = None,
        actor: str | None = None,
        check: Callable[[Repository, InstanceRow], None] | None = None,
    ) -> InstanceView:
        """Deliver a message to one instance, named by its id; ``check`` may refuse it first.

        ``check`` runs in the same transaction with the instance locked, so
        that what it found still holds when the message is taken.
        """
        moment, now = self.moment()
        check_event_name(name)
        data = self._start_data(payload)
        with self.store.write() as repo:
            if actor is not None:
                roles_of(repo, actor)
            instance = repo.instance(instance_id, lock=True) if is_id(instance_id) else None
            if instance is None:
                raise NotFoundError("instance.not_found", instance=instance_id)
            if instance.status != "running":
                raise ConflictError("instance.finished", instance=instance_id)
            if check is not None:
                check(repo, instance)
            compiled = self.compiled(repo.connection, instance.definition_id)
            step = self._open(instance, compiled, moment, now, actor)
            try:
                ready = self._take_event(repo, step, MESSAGE, name, data)
            except _NotWaiting:
                raise ConflictError(
                    "instance.not_waiting", instance=instance_id, name=name
                ) from None
        self._remember(step)
        return _saved_view(step, ready)

    def trigger(
        self,
        instance_id: int,
        element_id: str,
        payload: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> InstanceView:
        """Move on an instance waiting at a receive task that names no message.

        Activiti, Flowable and Camunda 7 draw such a task as a wait state their
        API triggers by instance and task; here it waits for the message
        ``trigger:<its id>``.  An instance not waiting there raises
        ``ConflictError`` (``instance.not_waiting``) naming that message.
        """
        return self.deliver(instance_id, TRIGGER_PREFIX + element_id, payload, actor)

    # -- claims ---------------------------------------------------------------------

    def claim(self, task_id: str, username: str) -> TaskView:
        """Take a task of one's role so that the other holders no longer see it (认领)."""

        def check(repo: Repository, held: set[str], item: WorkItemRow) -> str:
            check_may_work(repo, username, held, item)
            return username

        return self._change_claim(task_id, username, "task_claimed", check)

    def release(self, task_id: str, username: str) -> TaskView:
        """Give a claimed task back to every holder of its role."""

        def check(repo: Repository, held: set[str], item: WorkItemRow) -> None:
            if item.claimed_by != username:
                raise PermissionDeniedError("task.not_claimed_by_you", user=username)

        return self._change_claim(task_id, username, "task_released", check)

    def reassign(self, task_id: str, admin: str, to_user: str) -> TaskView:
        """Hand a task to another member of its group (administrators only)."""

        def check(repo: Repository, held: set[str], item: WorkItemRow) -> str:
            if not held & self.domain.admin_groups:
                raise PermissionDeniedError("admin.only", user=admin)
            unclaimed = dataclasses.replace(item, claimed_by=None)
            check_may_work(repo, to_user, roles_of(repo, to_user), unclaimed)
            return to_user

        return self._change_claim(task_id, admin, "task_reassigned", check)

    def _change_claim(
        self,
        task_id: str,
        actor: str,
        event_type: str,
        check: Callable[[Repository, set[str], WorkItemRow], str | None],
    ) -> TaskView:
        """Set who has claimed a task once ``check`` allows it: one event, one new version."""
        _, now = self.moment()
        with self.store.write() as repo:
            held, item, instance = worker_and_task(repo, actor, task_id)
            before = item.claimed_by
            item.claimed_by = check(repo, held, item)
            if item.claimed_by == before:
                return task_of(item, instance)
            repo.mark_work_item(item)
            which = self._which(repo, instance, task_id) if instance.rules >= 3 else {}
            data = claim_data(item, before, which)
            event = audit.chain_event(instance, event_type, actor, now, data)
            read_version = instance.row_version
            instance.row_version += 1
            instance.updated_at = now
            repo.update_instance(instance, read_version, (instance.status, instance.next_timer_at))
            repo.insert_events([event])
        self._retag(instance.id, read_version, instance.row_version)
        return task_of(item, instance)

    def _which(self, repo: Repository, instance: InstanceRow, task_id: str) -> dict[str, Any]:
        """Return which item of its multi-instance activity a task is for (see ``iteration``)."""
        # Read only, and the instance is locked: the cached workflow serves when current.
        with self._live_lock:
            cached = self._live.get(instance.id)
        if cached is not None and cached.version == instance.row_version:
            workflow = cached.workflow
        else:
            compiled = self.compiled(repo.connection, instance.definition_id)
            workflow = self.live_workflow(instance, compiled, keep_cached=True)
        return iteration(workflow.get_task_from_id(UUID(task_id)))

    # -- timers ---------------------------------------------------------------------

    def tick(self, limit: int = 100) -> TickResult:
        """Fire the timers that are due by the engine clock; one transaction per instance.

        A tick ends once it has worked ``MAX_TICK_SECONDS``; the instances it
        did not reach are the next tick's.  An instance whose timers fail (its
        process's own error: a script, a step that runs away) is tried again
        only after ``TIMER_RETRY``, so that it does not take every tick's time
        first, being the most overdue, before the others' timers.
        """
        moment, now = self.moment()
        began = time.monotonic()
        with self._cache_lock:
            # kept in memory, not in the instance's row: its next timer is what its history says
            self._failed_timers = {i: t for i, t in self._failed_timers.items() if t > now}
            skip = sorted(self._failed_timers)
        with self.store.read() as repo:
            due = repo.due_instances(now, limit, skip)
        fired = 0
        failures: list[str] = []
        looked = 0
        for instance_id in due:
            if looked and time.monotonic() - began > MAX_TICK_SECONDS:
                break
            looked += 1
            with _failure_noted(failures, f"instance {instance_id}"):
                try:
                    fired += self._fire_timers(instance_id, moment, now)
                except ScriptError:
                    with self._cache_lock:
                        if len(self._failed_timers) < MAX_FAILED_TIMERS:
                            self._failed_timers[instance_id] = iso(moment + TIMER_RETRY)
                    raise
        return TickResult(looked, fired, tuple(failures))

    def _fire_timers(self, instance_id: int, moment: datetime, now: str) -> int:
        with self.store.write() as repo:
            instance = repo.instance(instance_id, lock=True, skip_locked=True)
            if instance is None or instance.status != "running":
                return 0  # finished meanwhile, or another tick worker has it
            if instance.next_timer_at is None or instance.next_timer_at > now:
                return 0
            compiled = self.compiled(repo.connection, instance.definition_id)
            step = self._open(instance, compiled, moment, now, None)
            workflow = step.workflow
            with self._running(step, repo):
                rearm(workflow, [], step)
            self._save(repo, step)
        self._remember(step)
        return len(step.timers_fired)

    # -- internals ------------------------------------------------------------------

    @staticmethod
    def _running(step: Step, repo: Repository) -> _Running:
        """Run SpiffWorkflow at the step's time, with services bound to this transaction.

        No error of SpiffWorkflow's leaves the engine as it is: each becomes a
        ``ScriptError`` naming the element that failed.
        """
        return _Running(step, repo)

    def _validated(
        self,
        compiled: CompiledDefinition,
        form: str,
        data: dict[str, Any],
        files: dict[str, attachments.Upload],
        current: dict[str, Any],
    ) -> dict[str, Any]:
        """Validate form data and uploads together, so that every error is named at once.

        A field left out of ``data`` keeps its ``current`` value: a reviewer
        who does not touch the drafter's reason does not erase it.
        """
        errors: dict[str, list[Problem]] = {}
        clean: dict[str, Any] = {}
        schema = self.forms.schema(form, compiled.json_forms)
        opinions = self.forms.opinion_fields(form)
        kept = {k: current[k] for k in schema.fields if k in current and k not in opinions}
        try:
            clean = self.forms.validate(form, {**kept, **data}, current, compiled.json_forms)
        except FormValidationError as exc:
            errors.update(exc.errors)
        errors.update(self._upload_problems(compiled, form, files))
        if errors:
            raise FormValidationError(errors)
        return clean

    def live_workflow(
        self, instance: InstanceRow, compiled: CompiledDefinition, keep_cached: bool = False
    ) -> BpmnWorkflow:
        """Return the live workflow of ``instance``, from the cache when it is current.

        A workflow about to be changed is taken out of the cache, so that no
        other thread sees it half-changed and a failed step leaves nothing
        behind; a reader passes ``keep_cached`` and must not change it.
        """
        if not keep_cached:
            with self._live_lock:
                cached = self._live.pop(instance.id, None)
            if cached is not None and cached.version == instance.row_version:
                return cached.workflow
        spec, subprocess_specs = compiled.spec(instance.process_id)
        return self._serializer.loads(
            instance.state, instance.serializer_version, spec, subprocess_specs, self._script_engine
        )

    def read_live(
        self, instance: InstanceRow, compiled: CompiledDefinition, read: Callable[[BpmnWorkflow], T]
    ) -> T:
        """Return what ``read`` finds in the live workflow of ``instance``, changing nothing.

        A workflow cached at the instance's version serves, looked at under the
        cache's lock: a writer takes a workflow out of the cache before it
        changes it, so none changes while ``read`` looks.  ``read`` must copy
        what it returns.  Otherwise the stored state is loaded for this read.
        """
        with self._live_lock:
            cached = self._live.get(instance.id)
            if cached is not None and cached.version == instance.row_version:
                return read(cached.workflow)
        return read(self.live_workflow(instance, compiled, keep_cached=True))

    def _open(
        self,
        instance: InstanceRow,
        compiled: CompiledDefinition,
        moment: datetime,
        now: str,
        actor: str | None,
    ) -> Step:
        """Return a step on the live workflow of ``instance``, which the step may change.

        A workflow cached at the instance's version comes with its ready user
        tasks and the events it waits for, as its last step left them.
        """
        with self._live_lock:
            cached = self._live.pop(instance.id, None)
        if cached is not None and cached.version == instance.row_version:
            step = Step(instance, compiled, cached.workflow, moment, now, actor)
            step.ready_before, step.waiting_before = cached.ready, cached.waiting
            return step
        workflow = self.live_workflow(instance, compiled, keep_cached=True)
        step = Step(instance, compiled, workflow, moment, now, actor)
        step.ready_before = ready_user_tasks(workflow, compiled)
        step.waiting_before = waiting_events(workflow, instance.rules)
        return step

    def _retag(self, instance_id: int, old_version: int, new_version: int) -> None:
        """Keep a cached workflow current across a change that did not touch its state."""
        with self._live_lock:
            cached = self._live.get(instance_id)
            if cached is not None and cached.version == old_version:
                self._live[instance_id] = dataclasses.replace(cached, version=new_version)

    def _remember(self, step: Step) -> None:
        """Cache the workflow of a step that has just been committed, as the step left it."""
        instance = step.instance
        if instance.status != "running" or step.ready_after is None or step.waiting_after is None:
            return
        live = _Live(instance.row_version, step.workflow, step.ready_after, step.waiting_after)
        with self._live_lock:
            self._live[instance.id] = live
            self._live.move_to_end(instance.id)
            while len(self._live) > LIVE_CACHE_SIZE:
                self._live.popitem(last=False)

    def _save(
        self, repo: Repository, step: Step, completed: str | None = None
    ) -> tuple[TaskView, ...]:
        """Record what the step did, sync the work items, store the state; return ready tasks.

        ``completed`` is the element id of the user task the step completed;
        a task it leads back to is recorded as sent back.
        """
        instance, workflow = step.instance, step.workflow
        # One walk of the task tree finds the ready tasks for the work items and the subject.
        ready_tasks = steps.ready_tasks(workflow)
        ready = ready_user_tasks(workflow, step.compiled, ready_tasks)
        # Work items mirror the ready user tasks, so the tasks ready before
        # the step say which rows exist without reading them back.
        repo.delete_work_items([tid for tid in step.ready_before if tid not in ready])
        items = repo.work_items([tid for tid in step.ready_before if tid in ready])
        new_items, marked = self.settle(step, ready, items, completed)
        for item in marked:
            repo.mark_work_item(item)
        repo.insert_work_items(new_items)
        compact(workflow)
        instance.state = self._serializer.dumps(workflow)
        instance.serializer_version = self._serializer.version
        pending = pending_events(workflow)
        instance.next_timer_at = next_timer(workflow, pending)
        waiting = waiting_events(workflow, instance.rules, pending)
        if waiting != step.waiting_before:
            repo.set_waiting_events(instance.id, waiting)
        step.ready_after, step.waiting_after = ready, waiting
        instance.updated_at = step.now
        instance.subject = _subject(workflow, ready_tasks) or instance.subject
        read_version = instance.row_version
        instance.row_version += 1
        repo.update_instance(instance, read_version, step.read_key)
        repo.insert_events(step.events)
        for process_id, data in step.starts:
            self._spawn(repo, step, process_id, data)
        for kind, name, payload in step.thrown:
            self._route(repo, step, kind, name, payload)
        ordered = sorted([*items, *new_items], key=lambda w: (w.created_at, w.task_id))
        return tuple(task_of(w, instance) for w in ordered)

    def settle(
        self,
        step: Step,
        ready: dict[str, tuple[Task, UserTaskRules]],
        items: list[WorkItemRow],
        completed: str | None,
    ) -> tuple[list[WorkItemRow], list[WorkItemRow]]:
        """Record what a step led to: fired timers, tasks sent back, new tasks, the end.

        ``items`` are the work items of tasks still ready from before the
        step.  Returns the new work items and the existing ones a timer marked;
        writes nothing, so that a replay settles each step the same way.
        """
        instance, compiled, workflow = step.instance, step.compiled, step.workflow
        if instance.rules >= 4:
            thrown(step)
        if instance.rules >= 6:
            cycles_fired(step)
        marked, unmatched = [], []
        for timer in step.timers_fired:
            target = self._target(step, timer, items)
            if target is None and instance.rules >= 2 and self._marks(step, timer):
                unmatched.append(timer)  # its task may be one this step creates
            elif (mark := self._timer_fired(step, timer, target)) is not None:
                marked.append(mark)
        new_items = []
        for tid, (task, rules) in ready.items():
            if tid in step.ready_before:
                continue
            returned = None
            if (
                completed is not None
                and rules.element_id in instance.actors
                and compiled.leads_back(rules.process_id, completed, rules.element_id)
            ):
                returned = _record_sent_back(step, task, rules, completed)
            excluded = {
                a
                for e in (*rules.exclude_actors_of, *enclosing_exclusions(task, compiled))
                for a in instance.actors.get(e, [])
            }
            allowed = (
                sorted({a for e in rules.only_actors_of for a in instance.actors.get(e, [])})
                if rules.only_actors_of
                else None
            )
            if (named := self._named_users(task, rules.only_users, rules)) is not None:
                allowed = named if allowed is None else sorted(set(named) & set(allowed))
            due_at, due_provisional = self._due_at(task, rules, step.now) or (None, False)
            role, groups = self._task_groups(task, rules)
            new_items.append(
                WorkItemRow(
                    task_id=tid,
                    instance_id=instance.id,
                    element_id=rules.element_id,
                    name=rules.name,
                    role=role,
                    form=rules.form,
                    excluded_users=sorted(excluded),
                    claimed_by=None,
                    created_at=step.now,
                    due_at=due_at,
                    allowed_users=allowed,
                    labels=dict(rules.labels) or None,
                    due_provisional=due_provisional,
                    department=self._department(task, rules),
                    returned=returned,
                    groups=groups,
                    users=self._named_users(task, rules.users_from, rules),
                )
            )
        for timer in unmatched:
            self._timer_fired(step, timer, self._target(step, timer, new_items))
        if step.cancelled:
            instance.status = "cancelled"
            instance.completed_at = step.now
        elif not ready and workflow.is_completed():  # a ready task is unfinished
            instance.status = "completed"
            instance.completed_at = step.now
            step.event("instance_completed", None, {"data": json_data(workflow.data)})
        return new_items, marked

    def _spawn(self, repo: Repository, parent: Step, process_id: str, data: dict[str, Any]) -> None:
        """Start a process a service task asked for, in the parent step's transaction.

        It is started by nobody (the history names the instance that asked),
        and it is not kept in memory: should the transaction roll back, its id
        may be taken again.
        """
        initial = self._start_data(data | {"started_by_instance": parent.instance.id})
        child = self._new_instance(repo, process_id, None, initial, parent.moment, parent.now)
        with self._running(child, repo):
            advance(child.workflow, child)
        self._save(repo, child)

    def _route(
        self, repo: Repository, sender: Step, kind: str, name: str, payload: dict[str, Any]
    ) -> None:
        """Deliver what ``sender`` threw to the other instances waiting for it, in its transaction.

        As ``send_message`` and ``send_signal`` do (correlations, message
        start events), but within the step that threw it, as a BPMN engine
        delivers its own events: should a receiver fail, the throw fails, and
        nothing of the step is kept.  Receivers are locked in the order of
        their ids, so that two steps throwing at once do not wait on each other.
        """
        if sender.depth >= MAX_THROW_DEPTH:
            raise ScriptError(
                "script.failed",
                element=None,
                name=name,
                reason="throw_depth",
                detail=f"{kind} {name!r}: more than {MAX_THROW_DEPTH} throws in reply to throws",
                line=None,
            )
        if kind == MESSAGE and name in self.domain.desk_messages:
            # What a domain's desk alone sends under its own checks (withdrawing a draft)
            # is not for a process to throw at other cases.
            raise PermissionDeniedError("message.desk_only", name=name)
        event = _Event(kind, name, payload, None, sender.moment, sender.now, sender.depth + 1)
        for instance_id in sorted(repo.waiting_for(kind, name)):
            if instance_id != sender.instance.id:
                # each receiver is work of the throwing step, in its transaction: bounded alike
                sender.count(name, name)
                self._taken_by(repo, instance_id, event)
        for process_id in self._message_starters(repo, kind, name):
            self._started_by(repo, process_id, event)

    @staticmethod
    def _marks(step: Step, timer: Task) -> bool:
        """Tell whether ``timer`` is a reminder or overdue timer (it marks its task)."""
        return (timer.workflow.spec.name, timer.task_spec.bpmn_id) in step.compiled.timers

    @staticmethod
    def _target(step: Step, timer: Task, items: list[WorkItemRow]) -> WorkItemRow | None:
        """Return the task among ``items`` a reminder or overdue ``timer`` marks, if any."""
        rule = step.compiled.timers.get((timer.workflow.spec.name, timer.task_spec.bpmn_id))
        if rule is None:
            return None
        return next((i for i in items if i.element_id == rule.attached_to), None)

    @staticmethod
    def _timer_fired(step: Step, timer: Task, target: WorkItemRow | None) -> WorkItemRow | None:
        """Record a fired timer; a reminder or overdue timer also marks its task (returned)."""
        element = timer.task_spec.bpmn_id
        data: dict[str, Any] = {"element_id": element, "name": timer.task_spec.bpmn_name}
        if missed := step.cycles_missed.get(timer.id):
            data["missed"] = missed
        rule = step.compiled.timers.get((timer.workflow.spec.name, element))
        if rule is None or target is None:
            step.event("timer_fired", None, data)
            return None
        data |= {
            "task_id": target.task_id,
            "task_element_id": target.element_id,
            "due_at": target.due_at,
        }
        if rule.kind == "overdue":
            target.overdue = True
            step.event("task_overdue", None, data)
        else:
            target.reminded_at = step.now
            step.event("task_reminded", None, data)
        return target

    def _department(self, task: Task, rules: UserTaskRules) -> str | None:
        """Evaluate a user task's ``department`` into the department that alone may take it."""
        if rules.department is None:
            return None
        value = self._task_value(task, rules.department)
        return str(value) if value else None

    def _task_value(self, task: Task, source: str) -> Any:
        """Evaluate one of a user task's expressions over its data (a script error if it fails)."""
        try:
            return self._script_engine.evaluate(task, source)
        except SpiffWorkflowException as exc:
            raise script_error(exc) from None

    def _assigned(self, task: Task, source: str) -> Any:
        """Evaluate who a user task is for; a name the data do not hold names nobody.

        Files drawn for another engine name the assignee or the groups by a
        variable its application sets (Flowable's ``${startUserId}``); where no
        one set it the task is its groups', as when the variable holds nobody,
        instead of the step failing (SpiffWorkflow itself reads no assignee).
        """
        try:
            return self._script_engine.evaluate(task, source)
        except SpiffWorkflowException as exc:
            if names_unset_data(exc):
                return None
            raise script_error(exc) from None

    def _named_users(
        self, task: Task, source: str | None, rules: UserTaskRules
    ) -> list[str] | None:
        """Evaluate a user task's ``onlyUsers`` or ``candidateUsers`` into users, or None.

        ``onlyUsers`` names the users who alone may take the task,
        ``candidateUsers`` those who may take it besides its groups' members.
        """
        if source is None:
            return None
        value = self._assigned(task, source)
        if value is None or value == "" or value == [] or value == ():
            return None  # nobody named: the task is its groups'
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not all(
            isinstance(n, str) and is_username(n) for n in names
        ):
            detail = f"'{source}' does not name users: {value!r}"
            raise _unfit(rules, "only_users" if source == rules.only_users else "users", detail)
        return sorted(set(names))

    def _task_groups(self, task: Task, rules: UserTaskRules) -> tuple[str, list[str] | None]:
        """Return the group a task is for and, when there are several, all of them.

        ``groups_from`` names them from the task's data (a name, a list, or a
        text of names comma-separated); naming none leaves the task's own.
        """
        if rules.groups_from is None:
            return rules.role, _groups_of(rules)
        value = self._assigned(task, rules.groups_from)
        names = value.split(",") if isinstance(value, str) else value
        if value is None or not isinstance(names, list | tuple):
            names = [] if value is None else None
        if names is None or not all(isinstance(n, str) for n in names):
            detail = f"'{rules.groups_from}' does not name groups: {value!r}"
            raise _unfit(rules, "groups", detail)
        found = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        if not found:
            return rules.role, _groups_of(rules)  # nobody's group named: the task's own
        if not all(GROUP_NAME.fullmatch(n) for n in found):
            detail = f"'{rules.groups_from}' does not name groups: {value!r}"
            raise _unfit(rules, "groups", detail)
        return found[0], found if len(found) > 1 else None

    def _due_at(
        self, task: Task, rules: UserTaskRules, created: str | None = None
    ) -> tuple[str | None, bool] | None:
        """Evaluate a user task's ``dueAt`` into (the stored time, whether it is provisional).

        The expression gives a time (ISO 8601), or ``{"at": time, "provisional":
        true}`` for a due date that may still move (a year without its calendar),
        or an ISO 8601 duration from the task's creation at ``created``, as
        Camunda reads one (``P2D``).  A duration evaluated anew (no ``created``)
        gives None: it counts from the creation still, and its due time stays.
        """
        if rules.due_at is None:
            return None, False
        value = self._task_value(task, rules.due_at)
        provisional = False
        if isinstance(value, dict):
            provisional = bool(value.get("provisional"))
            value = value.get("at")
        if not value:
            return None, provisional
        if isinstance(value, str) and value.strip().upper().startswith("P"):
            if created is None:
                return None
            return _after(datetime.fromisoformat(created), value.strip(), rules), provisional
        try:
            return iso(datetime.fromisoformat(str(value))), provisional
        except ValueError:
            raise _unfit(rules, "due_time", f"'{rules.due_at}' is not a time: {value!r}") from None


def _after(start: datetime, duration: str, rules: UserTaskRules) -> str:
    """Return the time an ISO 8601 duration after ``start`` (months as the calendar has them)."""
    try:
        parsed = TimerEventDefinition.parse_iso_duration(duration)
    except Exception:  # SpiffWorkflow's parser says no more than that
        raise _unfit(rules, "due_time", f"'{rules.due_at}' is not a time: {duration!r}") from None
    return iso(start + TimerEventDefinition.get_timedelta_from_start(parsed, start))


def _saved_view(step: Step, ready: tuple[TaskView, ...]) -> InstanceView:
    """Return the view of a step's instance once saved; ``ready``: what the save returned."""
    return instance_view(step.instance, step.compiled, step.workflow, ready, ready_in_workflow=True)


def _groups_of(rules: UserTaskRules) -> list[str] | None:
    """Return every group a task is for, its role first, when there are several; else None."""
    groups = list(dict.fromkeys((rules.role, *rules.groups)))
    return groups if len(groups) > 1 else None


def _unfit(rules: UserTaskRules, reason: str, detail: str) -> ScriptError:
    """Return the error of a user task's expression whose value does not fit its use."""
    return ScriptError(
        "script.failed",
        element=rules.element_id,
        name=rules.name,
        reason=reason,
        detail=detail,
        line=None,
    )


class _Running:
    """What ``WorkflowEngine._running`` returns: one object, not three generators (a step's 1 %)."""

    __slots__ = ("_clock", "_context", "_served", "_step")

    def __init__(self, step: Step, repo: Repository) -> None:
        self._step = step
        self._context = ServiceContext(
            repo.connection,
            step.instance,
            step.moment,
            step.now,
            step.actor,
            lambda type_, data: step.event(type_, step.actor, data),
            lambda process_id, data: step.starts.append((process_id, data)),
        )

    def __enter__(self) -> None:
        step = self._step
        self._clock = clock.activate(lambda: step.moment)
        try:
            self._served = services.serve(self._context)
        except BaseException:
            clock.deactivate(self._clock)
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            services.unserve(self._served)
        finally:
            clock.deactivate(self._clock)
        if isinstance(exc, SpiffWorkflowException):
            raise script_error(exc) from None
        if exc is None or isinstance(exc, EngineError | SQLAlchemyError):
            return
        if isinstance(exc, Exception):
            # SpiffWorkflow lets some errors of a process through as they are (a
            # multi-instance task with no input raises TypeError).
            element, name = _failing_element(trace)
            if isinstance(exc, sandbox.SandboxError):
                # a condition SpiffWorkflow evaluates outside any task (an ad-hoc
                # subprocess's completionCondition): say what failed in it, as for a script
                reason, detail, line = exc.reason, str(exc), exc.line
            else:
                reason, detail, line = type(exc).__name__, f"{type(exc).__name__}: {exc}", None
            raise ScriptError(
                "script.failed", element=element, name=name, reason=reason, detail=detail, line=line
            ) from None


@dataclasses.dataclass(frozen=True)
class _Event:
    """A message or signal on its way: what it is, who sends it, when, how deep in replies."""

    kind: str
    name: str
    data: dict[str, Any]
    actor: str | None
    moment: datetime
    now: str
    #: how many throws in reply to throws led to it (0: sent from outside)
    depth: int = 0


@dataclasses.dataclass(frozen=True)
class _Live:
    """A live workflow kept between steps, as the committed row ``version`` holds it."""

    version: int
    workflow: BpmnWorkflow
    #: its ready user tasks and the events it waits for (what a step computes before it runs)
    ready: dict[str, tuple[Task, UserTaskRules]]
    waiting: frozenset[tuple[str, str]]


class _NotWaiting(Exception):
    """The instance does not wait for this event (or its correlation does not match)."""


@contextmanager
def _failure_noted(failures: list[str], what: str) -> Iterator[None]:
    """Note an engine or database error of one instance's step in ``failures``, and go on.

    One broken instance must not keep the others from their timers or
    messages; its step was rolled back (a lost connection too: the next try
    may succeed).
    """
    try:
        yield
    except EngineError as exc:
        failures.append(f"{what}: {exc}")
    except SQLAlchemyError as exc:
        failures.append(f"{what}: database error ({type(exc).__name__})")


def _failing_element(trace: TracebackType | None) -> tuple[str | None, str | None]:
    """Return the BPMN element (id, name) of the innermost task a traceback went through."""
    found: Task | None = None
    while trace is not None:
        local = trace.tb_frame.f_locals
        for name in ("my_task", "task"):
            value = local.get(name)
            if isinstance(value, Task):
                found = value
        owner, workflow = local.get("self"), local.get("workflow")
        if isinstance(owner, BpmnProcessSpec) and isinstance(workflow, BpmnSubWorkflow):
            # the process of a subprocess evaluating its own (an ad-hoc subprocess's
            # completion condition): the subprocess's task is what failed
            found = workflow.top_workflow.get_task_from_id(workflow.parent_task_id) or found
        trace = trace.tb_next
    spec = found.task_spec if found is not None else None
    return getattr(spec, "bpmn_id", None), getattr(spec, "bpmn_name", None)


def _store_attachment(
    repo: Repository, instance_id: int, upload: attachments.Upload, actor: str, now: str
) -> dict[str, Any]:
    """Store an accepted upload and return the reference kept in the task data."""
    row = {
        "instance_id": instance_id,
        "filename": upload.filename[-255:],
        "content_type": attachments.content_type(upload),
        "size": len(upload.content),
        "sha256": upload.sha256,
        "content": upload.content,
        "uploaded_by": actor,
        "uploaded_at": now,
    }
    attachment_id = repo.insert_attachment(row)
    return {key: row[key] for key in ("filename", "content_type", "size", "sha256")} | {
        "id": attachment_id
    }


def _record_sent_back(step: Step, task: Task, rules: UserTaskRules, completed: str) -> str:
    """Record a task that became ready again: returned automatically or sent back by a person.

    Returns how: "automatic" (退文, by the rules) or "sent_back" (退回, by a person).
    """
    automatic = completed == rules.element_id  # nobody else touched it: 退文 by the rules
    data = {
        "task_id": str(task.id),
        "element_id": rules.element_id,
        "name": rules.name,
        **({"labels": dict(rules.labels)} if rules.labels else {}),
        "from_element_id": completed,
        "automatic": automatic,
    }
    if automatic:
        data["reasons"] = list(task.data.get("return_reasons") or [])
    else:
        data["comment"] = task.data.get("comment", "")
    step.event("sent_back", None if automatic else step.actor, data)
    return "automatic" if automatic else "sent_back"


def enclosing_exclusions(task: Task, compiled: CompiledDefinition) -> tuple[str, ...]:
    """Return the elements whose actors the activities around a task keep from it.

    A call activity's (or subprocess's) ``excludeActorsOf`` reaches every
    task of the process it runs: the caller names its own tasks there.
    """
    if not compiled.enclosing_exclusions:
        return ()
    found: list[str] = []
    workflow = task.workflow
    while isinstance(workflow, BpmnSubWorkflow):
        around = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        if around is None:
            break
        key = (around.workflow.spec.name, around.task_spec.bpmn_id)
        found += compiled.enclosing_exclusions.get(key, ())
        workflow = around.workflow
    return tuple(found)


def _subject(workflow: BpmnWorkflow, ready_tasks: list[Task]) -> str | None:
    """Return what the case is about, for inboxes: its ``title``, as far as it is known.

    ``ready_tasks`` are the workflow's ready tasks, in the order SpiffWorkflow gives them.
    """
    # A ready task is an unfinished one: only a workflow without any may be complete.
    if not ready_tasks and workflow.is_completed():
        data = workflow.data
    else:
        data = (ready_tasks[0] if ready_tasks else workflow.last_task or workflow.task_tree).data
    title = data.get("title")
    return str(title)[:200] if title else None
