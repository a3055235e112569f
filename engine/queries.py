"""The core's read side: inboxes, task forms, instances, histories, attachments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from marshmallow import fields
from sqlalchemy import or_, select

from . import audit
from .access import (
    ANYONE,
    check_admin,
    check_may_start,
    check_may_work,
    existing_instance,
    is_id,
    roles_of,
    task_and_instance,
    worker_and_task,
)
from .checkpoints import configured_public_key
from .clock import local_day_start
from .definitions import labels, named_labels, parse_xml
from .errors import ConflictError, NotFoundError, PermissionDeniedError
from .extensions import NS
from .forms import INITIAL
from .instructions import task_headers, task_instructions
from .presenters import event_view, instance_summary, instance_view, json_data, task_of, task_view
from .replay import ReplayPage
from .store.models import Attachment, Participant, ProcessInstance, User, UserRole, WorkItem
from .store.repository import InboxKey, InboxReader, UrgencyKey
from .views import (
    AttachmentView,
    DefinitionPage,
    DefinitionVersion,
    DraftFormView,
    EventView,
    InstanceFilter,
    InstancePage,
    InstanceRowView,
    InstanceView,
    TaskFormView,
    TaskOutcome,
    TaskPage,
    TaskView,
    TimelinePage,
    acts,
)

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from .definitions import CompiledDefinition
    from .forms import FormSchema
    from .runtime import WorkflowEngine

#: a task's headers as its BPMN gives them: (key, text) in order
Headers = tuple[tuple[str, str], ...]
#: lists count their rows up to here and then say "more than" (a count never scans everything)
COUNT_CAP = 1000
#: the most groups with open tasks an administrator's filter offers
MAX_GROUPS = 200


@dataclass(frozen=True)
class FieldTerm:
    """How a form names one of its fields, and its choices, in Chinese and English."""

    label: str
    label_en: str | None = None
    #: choice value -> (Chinese, English)
    choices: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: what an empty choice means, when the form names it
    blank: tuple[str, str] | None = None
    boolean: bool = False


@dataclass(frozen=True)
class ProcessTerms:
    """The names a deployed process gives itself and its elements, and its forms their fields.

    Read from the BPMN (``name`` and ``name:<language>`` properties) and the
    forms of its user tasks, so a history's codes can be shown by their names.
    """

    process_id: str
    name: str
    labels: dict[str, str]
    #: element id -> (name, labels), for the process and every process it calls
    elements: dict[str, tuple[str, dict[str, str]]]
    #: user task's element id -> its form's fields
    fields: dict[str, dict[str, FieldTerm]]
    #: the fields of the data the process starts with (its domain's start form)
    start: dict[str, FieldTerm] = field(default_factory=dict)

    def field_terms(self, element_id: str | None) -> dict[str, FieldTerm]:
        """Return the fields of an element's form; with no element, the start's and every form's."""
        if element_id is not None and element_id in self.fields:
            return self.fields[element_id]
        every: dict[str, FieldTerm] = dict(self.start)
        for terms in self.fields.values():
            for name, term in terms.items():
                every.setdefault(name, term)
        return every


def _field_term(spec: fields.Field[Any]) -> FieldTerm:
    meta = spec.metadata
    return FieldTerm(
        label=str(meta.get("label") or ""),
        label_en=meta.get("label_en"),
        choices={
            str(key): (str(names[0]), str(names[1] if len(names) > 1 else names[0]))
            for key, names in (meta.get("choices") or {}).items()
        },
        blank=(str(meta["blank"][0]), str(meta["blank"][1])) if meta.get("blank") else None,
        boolean=isinstance(spec, fields.Boolean),
    )


def _start_terms(
    engine: WorkflowEngine, compiled: CompiledDefinition, process_id: str
) -> dict[str, FieldTerm]:
    """Return the fields of the form naming a process's start data: its domain's or its BPMN's."""
    form = engine.domain.start_forms.get(process_id) or compiled.start_forms.get(process_id)
    return _form_terms(engine.forms.schema(form, compiled.json_forms)) if form else {}


def _form_terms(schema: FormSchema) -> dict[str, FieldTerm]:
    terms = {name: _field_term(spec) for name, spec in schema.fields.items()}
    for name, (zh, en) in schema.FILE_FIELDS.items():
        terms[name] = FieldTerm(zh, en)
    return terms


def _process_labels(compiled: CompiledDefinition, process_id: str) -> dict[str, str]:
    """Return a process's names in other languages, from its BPMN element."""
    info = compiled.processes.get(process_id)
    if info is None:
        return {}
    root = parse_xml(compiled.files[info.file])
    for process in root.iterfind("bpmn:process", NS):
        if process.get("id") == process_id:
            return dict(labels(process))
    return {}


def _page_size(limit: int) -> int:
    return max(1, min(limit, 200))


def _inbox_key(after: str | None) -> InboxKey | None:
    """Read an inbox page's cursor; a malformed one starts from the first page."""
    parts = (after or "").split("|")
    if len(parts) != 3 or parts[0] not in ("0", "1") or not parts[1] or not parts[2]:
        return None
    return int(parts[0]), parts[1], parts[2]


def _urgency_key(after: str | None) -> UrgencyKey | None:
    """Read a page's cursor of the admin's task list; a malformed one starts from the first."""
    parts = (after or "").split("|")
    if len(parts) != 4 or parts[0] not in ("0", "1"):
        return None
    if not parts[2] or not parts[3] or (parts[0] == "1") != (parts[1] == ""):
        return None
    return int(parts[0]), parts[1], parts[2], parts[3]


class Queries:
    """Read-only questions to the engine: no call here changes anything."""

    def __init__(self, engine: WorkflowEngine) -> None:
        #: (definition id, process id) -> its terms; a deployed definition never changes
        self._terms: dict[tuple[int, str], ProcessTerms] = {}
        self._engine = engine

    def inbox(self, username: str, after: str | None = None, limit: int = 50) -> TaskPage:
        """Return a page of the ready tasks ``username`` may take, claimed ones first.

        Filtered and paged in SQL (groups, department, claims, exclusions, named
        users), so a page costs the same however many tasks the groups have.
        ``after`` is the ``next_after`` of the page before.
        """
        limit = _page_size(limit)
        with self._engine.store.read() as repo:
            roles = frozenset(roles_of(repo, username) | {ANYONE})
            who = InboxReader(
                username, roles, repo.department(username), repo.further_groups(roles)
            )
            rows = repo.inbox_items(who, _inbox_key(after), limit + 1)
            total = repo.inbox_count(who, COUNT_CAP + 1)
        tasks = tuple(task_view(*row) for row in rows[:limit])
        last = tasks[-1] if len(rows) > limit else None
        next_after = (
            f"{int(last.claimed_by is None)}|{last.created_at}|{last.task_id}" if last else None
        )
        return TaskPage(tasks, next_after, min(total, COUNT_CAP), total > COUNT_CAP)

    def list_tasks(self, username: str) -> list[TaskView]:
        """Return the first page of ``username``'s inbox (at most 200 tasks)."""
        return list(self.inbox(username, limit=200).items)

    def all_open_tasks(
        self, admin: str, after: str | None = None, limit: int = 50, role: str | None = None
    ) -> TaskPage:
        """Return a page of every ready user task, most urgent first, for an administrator.

        Tasks with a due time come first, the nearest first (so the overdue,
        whose time has passed, head the list), then those without one, oldest
        first among equals: what to hand to someone else before a deadline
        passes comes first.
        """
        limit = _page_size(limit)
        with self._engine.store.read() as repo:
            check_admin(repo, admin, self._engine.domain.admin_groups)
            rows = repo.open_work_items(_urgency_key(after), limit + 1, role or None)
            total = repo.open_work_items_count(COUNT_CAP + 1, role or None)
        tasks = tuple(task_view(*row) for row in rows[:limit])
        last = tasks[-1] if len(rows) > limit else None
        next_after = (
            f"{int(last.due_at is None)}|{last.due_at or ''}|{last.created_at}|{last.task_id}"
            if last
            else None
        )
        return TaskPage(tasks, next_after, min(total, COUNT_CAP), total > COUNT_CAP)

    def open_task_groups(self, admin: str, cap: int = MAX_GROUPS) -> list[str]:
        """Return the groups open tasks are for (an administrator's filter), at most ``cap``.

        The domain's groups and those of deployed third-party processes' lanes alike, read
        by one index seek a group, however many tasks are open.
        """
        with self._engine.store.read() as repo:
            check_admin(repo, admin, self._engine.domain.admin_groups)
            return repo.open_groups(max(1, cap))

    def get_task(self, task_id: str) -> TaskView:
        """Return one ready user task."""
        with self._engine.store.read() as repo:
            item, instance = task_and_instance(repo, task_id)
        return task_of(item, instance)

    def get_instance(self, instance_id: int, reader: str | None = None) -> InstanceView:
        """Return an instance with its data and ready tasks (to ``reader``, if he may read it).

        Without a reader the caller is trusted (the command line, tests).
        """
        with self._engine.store.read() as repo:
            instance = self._instance(repo, instance_id, reader)
            compiled = self._engine.compiled(repo.connection, instance.definition_id)
            items = repo.work_items_of(instance_id)
        ready = tuple(task_of(i, instance) for i in items)
        return self._engine.read_live(
            instance, compiled, lambda workflow: instance_view(instance, compiled, workflow, ready)
        )

    def list_instances(
        self, process_id: str | None = None, status: str | None = None
    ) -> list[InstanceView]:
        """Return instances, newest first, without deserializing their state."""
        with self._engine.store.read() as repo:
            rows = repo.instances(process_id, status)
        return [instance_summary(instance, content_hash) for instance, content_hash in rows]

    def history(self, instance_id: int, reader: str | None = None) -> list[EventView]:
        """Return the audit events of an instance in order (to ``reader``, if he may read it)."""
        with self._engine.store.read() as repo:
            self._instance(repo, instance_id, reader)
            return [event_view(e) for e in repo.events_of(instance_id)]

    def browse_instances(
        self,
        reader: str,
        filters: InstanceFilter | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> InstancePage:
        """Return a page of instances for those who read every one (auditors, the office).

        Filtered and paged in SQL by id (keyset), so a page costs the same with
        ten instances or a hundred thousand.
        """
        chosen = filters or InstanceFilter()
        limit = max(1, min(limit, 200))
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            if not self._engine.read_policy.reads_everything(held):
                raise PermissionDeniedError("read.refused")
            where = _instance_conditions(chosen)
            before = before_id if is_id(before_id) else None
            rows = repo.browse_instances(where, before, limit + 1)
            names = repo.display_names_of(r.started_by for r in rows[:limit] if r.started_by)
        items = tuple(_row_view(r) for r in rows[:limit])
        next_before = items[-1].id if len(rows) > limit else None
        return InstancePage(items, next_before, names)

    def definition_versions(
        self, admin: str, before: int | None = None, limit: int = 50
    ) -> DefinitionPage:
        """Return a page of the deployed versions, newest first, for an administrator."""
        limit = _page_size(limit)
        with self._engine.store.read() as repo:
            check_admin(repo, admin, self._engine.domain.admin_groups)
            rows = repo.definition_versions(before if is_id(before) else None, limit + 1)
            names = repo.display_names_of({by for _, _, by, _ in rows[:limit] if by})
        items = tuple(
            DefinitionVersion(id_, at, by, tuple(processes))
            for id_, at, by, processes in rows[:limit]
        )
        return DefinitionPage(items, items[-1].id if len(rows) > limit else None, names)

    def process_ids(self) -> list[str]:
        """Return every process id ever deployed."""
        with self._engine.store.read() as repo:
            return repo.process_ids()

    def process_names(self) -> dict[str, tuple[str, dict[str, str]]]:
        """Return every process ever deployed: id -> (name, labels), from its newest BPMN."""
        named: dict[str, tuple[str, dict[str, str]]] = {}
        with self._engine.store.read() as repo:
            for process_id in repo.process_ids():
                latest = repo.latest_definition(process_id)
                if latest is None:
                    named[process_id] = (process_id, {})
                    continue
                terms = self._process_terms(repo, latest[0], process_id)
                named[process_id] = (terms.name, terms.labels)
        return named

    def terms(self, instance_id: int, reader: str) -> ProcessTerms:
        """Return the names of an instance's process, elements and form fields, to its reader."""
        with self._engine.store.read() as repo:
            instance = self._instance(repo, instance_id, reader)
            return self._process_terms(repo, instance.definition_id, instance.process_id)

    def _process_terms(self, repo: Any, definition_id: int, process_id: str) -> ProcessTerms:
        key = (definition_id, process_id)
        found = self._terms.get(key)
        if found is not None:
            return found
        compiled = self._engine.compiled(repo.connection, definition_id)
        info = compiled.processes.get(process_id)
        if info is None:
            found = ProcessTerms(process_id, process_id, {}, {}, {})
        else:
            spec, called = compiled.spec(process_id)
            elements: dict[str, tuple[str, dict[str, str]]] = {}
            for each in (*called.values(), spec):  # the process's own names win
                for task_spec in each.task_specs.values():
                    bpmn_id = getattr(task_spec, "bpmn_id", None)
                    name = getattr(task_spec, "bpmn_name", None)
                    if bpmn_id and name:
                        properties = (getattr(task_spec, "extensions", None) or {}).get(
                            "properties"
                        ) or {}
                        elements[bpmn_id] = (name, dict(named_labels(properties)))
            processes = {spec.name, *called}
            forms = self._engine.forms
            found = ProcessTerms(
                process_id,
                info.name,
                _process_labels(compiled, process_id),
                elements,
                {
                    element_id: _form_terms(forms.schema(rules.form, compiled.json_forms))
                    for (pid, element_id), rules in sorted(
                        compiled.user_tasks.items(), key=lambda kv: kv[0][0] == process_id
                    )
                    if pid in processes
                },
                _start_terms(self._engine, compiled, process_id),
            )
        self._terms[key] = found
        return found

    def timeline(
        self, instance_id: int, reader: str, from_seq: int = 1, limit: int = 100
    ) -> TimelinePage:
        """Return a bounded page of an instance's history, to a reader of the instance."""
        limit = max(1, min(limit, 500))
        with self._engine.store.read() as repo:
            instance = self._instance(repo, instance_id, reader)
            events = repo.events_page(instance_id, max(1, from_seq), limit + 1)
            names = repo.display_names_of(e.actor for e in events if e.actor)
        shown = tuple(event_view(e) for e in events[:limit])
        next_seq = shown[-1].seq + 1 if len(events) > limit else None
        return TimelinePage(_row_view(instance), shown, next_seq, names)

    def task_outcome(self, task_id: str, instance_id: int, reader: str) -> TaskOutcome | None:
        """Say what became of a task no longer open, to a reader of the instance it was in.

        None when the reader may not read the instance (or there is none): a
        link's word for which instance a task was in tells him nothing more.
        """
        with self._engine.store.read() as repo:
            try:
                self._instance(repo, instance_id, reader)
            except (NotFoundError, PermissionDeniedError):
                return None
            # Read back from the newest event: found at once for a task just done.
            completed = repo.completion_of(instance_id, task_id)
            actors = [completed.actor] if completed and completed.actor else []
            names = repo.display_names_of(actors)
        return TaskOutcome(instance_id, event_view(completed) if completed else None, names)

    def verify_instance(self, instance_id: int, reader: str) -> tuple[bool, list[str], bool]:
        """Verify one instance for an auditor: (all well?, problems, checked against checkpoints?).

        The chain is checked and re-executed; with a configured checkpoint
        key it is checked against the signed checkpoint file too.
        """
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            if not self._engine.read_policy.reads_everything(held):
                raise PermissionDeniedError("read.refused")
            instance = existing_instance(repo, instance_id)
        key = configured_public_key()
        if key is None:
            chain = self.verify_chain(instance.id)
            if not chain.ok:
                return False, [str(chain.problem)], False
            replayed = self._engine.replayer.replay_stored(instance.id)
            return replayed.ok, [str(p) for p in replayed.problems], False
        report = self._engine.checkpoints.verify(key, instance_id=instance.id)
        return report.ok, [str(p) for p in report.problems], True

    def may_audit(self, reader: str) -> bool:
        """Tell whether a user may verify, replay and export any instance's history."""
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
        return self._engine.read_policy.reads_everything(held)

    def export_history(
        self, instance_id: int, reader: str
    ) -> tuple[InstanceRowView, Iterator[str]]:
        """Return one instance and its export for an auditor, as ``gongkai audit export`` writes it.

        Who may have it is checked now, before the first line: the lines are
        read a page at a time while they are sent (``Checkpoints.export``).
        """
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            if not self._engine.read_policy.reads_everything(held):
                raise PermissionDeniedError("read.refused")
            instance = existing_instance(repo, instance_id)
        return _row_view(instance), self._engine.checkpoints.export([instance.id])

    def replay(self, instance_id: int, reader: str) -> ReplayPage:
        """Re-execute one instance's history for an auditor: each step, and what it found."""
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            if not self._engine.read_policy.reads_everything(held):
                raise PermissionDeniedError("read.refused")
            instance = existing_instance(repo, instance_id)
            events = repo.events_of(instance.id)
            names = repo.display_names_of(e.actor for e in events if e.actor)
            report = self._engine.replayer.replay_read(repo, instance, events, steps=True)
        return ReplayPage(_row_view(instance), instance.definition_id, report, names)

    def verify_chain(self, instance_id: int) -> audit.ChainReport:
        """Check that an instance's events form an unbroken hash chain."""
        with self._engine.store.read() as repo:
            instance = existing_instance(repo, instance_id)
            return audit.verify_chain(instance, repo.events_of(instance_id))

    def task_form(self, task_id: str, username: str) -> TaskFormView:
        """Return a task with its form's current values, for a user who may work on it."""
        forms = self._engine.forms
        with self._engine.store.read() as repo:
            held, item, instance = worker_and_task(repo, username, task_id)
            check_may_work(repo, username, held, item)
            compiled = self._engine.compiled(repo.connection, instance.definition_id)
            # Only a task that came back has a return to show; asking for it on any other
            # would scan the instance's whole history back for nothing.
            returned = repo.last_return_of(instance.id, task_id) if item.returned else None
            shared = _others_may_take(repo, item, username)
            # What was done last, for the one who does the next step, and how many lines the
            # whole approval sheet has where the page shows only the newest: read back from the
            # newest event and counted up to a bound, so that a long history costs no more.
            # Each act is one event or two: twice the bound, and one, tell whether it is
            # passed (a pair the read cuts in two counts as two acts only past it).
            recent, glanced = repo.newest_events(
                instance.id, DONE_EVENTS, RECENT_DONE, 2 * OPINIONS_COUNTED + 1
            )
            done = acts(glanced)
            done_more = done > OPINIONS_COUNTED
            done = min(done, OPINIONS_COUNTED)
            names = repo.display_names_of(
                p
                for p in (
                    item.claimed_by,
                    returned.actor if returned else None,
                    *(e.actor for e in recent),
                )
                if p
            )

        def read(workflow: BpmnWorkflow) -> tuple[dict[str, Any], str, str, str | None, Headers]:
            task = workflow.get_task_from_id(UUID(task_id))
            spec = task.task_spec
            return (
                json_data(task.data),
                task.workflow.spec.name,
                spec.bpmn_id,
                task_instructions(task),
                task_headers(task),
            )

        data, process_id, element_id, instructions, headers = self._engine.read_live(
            instance, compiled, read
        )
        schema = forms.schema(item.form, compiled.json_forms)
        opinions = forms.opinion_fields(item.form)
        values: dict[str, Any] = {
            name: None if name in opinions else data.get(name, f.metadata.get(INITIAL))
            for name, f in schema.fields.items()
        }
        values |= {name: data.get(name) for name in schema.FILE_FIELDS}
        view = task_of(item, instance)
        last_return = event_view(returned) if returned else None
        rules = compiled.user_task(process_id, element_id)
        drafting = rules is not None and rules.drafting
        deletable = (
            drafting and instance.started_by == username and item.element_id not in instance.actors
        )
        return TaskFormView(
            view,
            values,
            data,
            last_return,
            schema,
            drafting,
            deletable,
            shared and not drafting,
            names,
            tuple(event_view(e) for e in recent),
            instructions,
            done,
            done_more,
            headers,
        )

    def draft_form(self, process_id: str, username: str) -> DraftFormView:
        """Return the form a new case of ``process_id`` is drafted in, to one who may start it."""
        with self._engine.store.read() as repo:
            held = roles_of(repo, username)
            self._engine.check_not_desk(process_id)
            latest = repo.latest_definition(process_id)
            if latest is None:
                raise NotFoundError("process.not_deployed", process=process_id)
            compiled = self._engine.compiled(repo.connection, latest[0])
        check_may_start(username, held, compiled, process_id)
        rules = next(
            (r for (pid, _), r in compiled.user_tasks.items() if pid == process_id and r.drafting),
            None,
        )
        if rules is None:
            raise ConflictError("process.no_draft", process=process_id)
        schema = self._engine.forms.schema(rules.form, compiled.json_forms)
        values = {name: f.metadata.get(INITIAL) for name, f in schema.fields.items()}
        labels = dict(rules.labels) or None
        return DraftFormView(process_id, rules.name, labels, rules.form, schema, values)

    def attachment(self, attachment_id: int, reader: str) -> AttachmentView:
        """Return a stored attachment with its content, to a reader of its instance."""
        policy = self._engine.read_policy
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            row = (
                repo.connection.execute(
                    select(Attachment.__table__).where(Attachment.id == attachment_id)
                ).first()
                if is_id(attachment_id)
                else None
            )
            if row is None or not policy.may_read(repo, reader, held, row.instance_id):
                raise policy.refused(held, row is None)
        fields_ = ("id", "instance_id", "filename", "content_type", "size", "sha256", "content")
        return AttachmentView(*(row._mapping[f] for f in fields_))

    def _instance(self, repo: Any, instance_id: int, reader: str | None) -> Any:
        if reader is None:
            return existing_instance(repo, instance_id)
        return self._engine.read_policy.readable_instance(repo, reader, instance_id)


#: the events that say what was done on an instance: tasks completed and sent back
DONE_EVENTS = ("task_completed", "sent_back")
#: how many of the newest of them a task page is given
RECENT_DONE = 6
#: how many lines of the approval sheet a task page counts at most (more: "N 条以上")
OPINIONS_COUNTED = 30


def _others_may_take(repo: Any, item: Any, username: str) -> bool:
    """Tell whether anyone but ``username`` may take the task (then claiming means something)."""
    if item.allowed_users is not None:
        return bool(set(item.allowed_users) - {username})
    if set(item.users or ()) - {username}:
        return True
    groups = item.every_group()
    if ANYONE in groups:
        return True
    others = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role.in_(groups),
            User.active.is_(True),
            User.username != username,
            User.username.not_in(item.excluded_users or [""]),
        )
    )
    if item.department is not None:
        others = others.where(User.department == item.department)
    return repo.connection.execute(others.limit(1)).first() is not None


def _row_view(row: Any) -> InstanceRowView:
    return InstanceRowView(
        row.id,
        row.process_id,
        row.status,
        row.subject,
        row.started_by,
        row.started_at,
        row.updated_at,
        row.completed_at,
        row.event_count,
    )


def _instance_conditions(chosen: InstanceFilter) -> list[Any]:
    """Return the SQL conditions of a filter (invalid days are refused by the caller's form)."""
    table = ProcessInstance.__table__
    where: list[Any] = []
    if chosen.process_id:
        where.append(table.c.process_id == chosen.process_id)
    if chosen.status:
        where.append(table.c.status == chosen.status)
    if chosen.started_from:
        first = date.fromisoformat(chosen.started_from)
        where.append(table.c.started_at >= local_day_start(first))
    if chosen.started_to:
        where.append(
            table.c.started_at < local_day_start(date.fromisoformat(chosen.started_to), after=1)
        )
    if chosen.actor:
        # An auditor knows people by name (张三) as often as by user name (zhangsan).
        named = select(User.username).where(
            or_(User.username == chosen.actor, User.display_name == chosen.actor)
        )
        took_part = select(Participant.instance_id).where(Participant.username.in_(named))
        where.append(table.c.id.in_(took_part))
    if chosen.overdue:
        late = select(WorkItem.instance_id).where(WorkItem.overdue.is_(True))
        where.append(table.c.id.in_(late))
    return where
