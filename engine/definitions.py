"""Parse, validate and compile BPMN files into deployable definitions.

A definition is the set of BPMN files deployed together, keyed by the hash of
their names and contents.  Validation collects every problem it finds, each
naming the file, the element id and what is wrong, so that an author can fix
a file in one pass.
"""

from __future__ import annotations

import ast
import codecs
import copy
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import BpmnValidator, SpiffBpmnParser

from . import camunda, jsonforms, zeebe
from .access import ANYONE, GROUP_NAME
from .calls import MappingParser, read_mappings
from .errors import DefinitionProblem, DeploymentError
from .extensions import (
    BPMN,
    CANDIDATES_PROPERTY,
    DEPARTMENT_PROPERTY,
    DRAFTING_PROPERTY,
    DUE_PROPERTY,
    EVENT_OUTPUTS_PROPERTY,
    EXCLUDE_PROPERTY,
    FORM_PROPERTY,
    GROUPS_PROPERTY,
    MAPPINGS_PROPERTY,
    NS,
    ONLY_PROPERTY,
    RESUMES_PROPERTY,
    SPIFF,
    TIMER_KIND_PROPERTY,
    TIMER_KINDS,
    USERS_PROPERTY,
)
from .forms import CONFIRM, FormSchema
from .restricted import ScriptRefused, check_length, check_source


@dataclass(frozen=True)
class UserTaskRules:
    """What the engine enforces on one user task: role, form, separation of duties."""

    process_id: str
    element_id: str
    name: str
    role: str
    form: str
    exclude_actors_of: tuple[str, ...] = ()
    only_actors_of: tuple[str, ...] = ()
    due_at: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    department: str | None = None
    resumes: bool = False
    drafting: bool = False
    #: an expression naming the user(s) who alone may take the task (``onlyUsers``)
    only_users: str | None = None
    #: every group a member of which may take the task, ``role`` first: the lane's, or
    #: those ``camunda:candidateGroups`` names (several, comma-separated), or the default
    groups: tuple[str, ...] = ()
    #: an expression naming the task's groups when it becomes ready (``candidateGroups``);
    #: those above stand when it names none
    groups_from: str | None = None
    #: an expression naming users who may take the task besides its groups' members
    #: (``candidateUsers``), evaluated when it becomes ready
    users_from: str | None = None


@dataclass(frozen=True)
class TimerRule:
    """A boundary timer that reminds of, or marks overdue, the user task it is attached to."""

    process_id: str
    element_id: str
    kind: str
    attached_to: str


@dataclass(frozen=True)
class ProcessInfo:
    """A process found in a definition."""

    process_id: str
    name: str
    file: str


@dataclass
class CompiledDefinition:
    """A validated definition with its parsed specs, ready to run instances."""

    content_hash: str
    files: dict[str, str]
    processes: dict[str, ProcessInfo]
    user_tasks: dict[tuple[str, str], UserTaskRules]
    timers: dict[tuple[str, str], TimerRule]
    #: by process: every group a member of which may start it (its start event's lane, or
    #: ``camunda:candidateStarterGroups``); a process not named is open to anyone
    start_groups: dict[str, tuple[str, ...]]
    start_events: dict[str, tuple[str, ...]]
    _specs: dict[str, tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]] = field(repr=False)
    start_messages: dict[str, frozenset[str]] = field(default_factory=dict)
    json_forms: dict[str, FormSchema] = field(default_factory=dict, repr=False)
    #: by process: the form of its start data (``camunda:formData`` on its start event),
    #: one of ``json_forms``
    start_forms: dict[str, str] = field(default_factory=dict)
    #: by (process id, element id) of a call activity or subprocess: the elements whose
    #: actors no task inside it may be for (its ``excludeActorsOf``, called processes too)
    enclosing_exclusions: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: (process id, element id) of the catching events and receive tasks whose message's
    #: payload becomes process data (a Camunda file's; see ``camunda.Translation``)
    payload_as_data: frozenset[tuple[str, str]] = frozenset()
    #: (process id, element id) of the message start events whose message's payload
    #: becomes the new instance's data (a Camunda file's; by step rules 10)
    start_payload_as_data: frozenset[tuple[str, str]] = frozenset()
    #: by process: the variable that holds who started an instance (a Camunda, Activiti or
    #: Flowable start event's ``initiator``), set when it starts
    initiators: dict[str, str] = field(default_factory=dict)
    _distances: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    @property
    def start_roles(self) -> dict[str, str]:
        """Return by process the first group that may start it (the one a lane names)."""
        return {process_id: groups[0] for process_id, groups in self.start_groups.items()}

    def spec(self, process_id: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        """Return the process spec and the specs of the processes it calls."""
        return self._specs[process_id]

    def user_task(self, process_id: str, element_id: str) -> UserTaskRules | None:
        """Return the rules of a user task, or None if the element is not one."""
        return self.user_tasks.get((process_id, element_id))

    def leads_back(self, process_id: str, source: str, target: str) -> bool:
        """Tell whether reaching ``target`` after ``source`` goes back in the process.

        Elements are ordered by their distance from the start event; a task
        that becomes ready again no further from the start than the task just
        completed was returned to (sent back), not reached anew.
        """
        finished = self.user_task(process_id, source)
        if finished is not None and finished.resumes:
            return False
        if process_id not in self._distances:
            self._distances[process_id] = _distances_from_start(self._process_spec(process_id))
        distance = self._distances[process_id]
        return source in distance and target in distance and distance[target] <= distance[source]

    def _process_spec(self, process_id: str) -> BpmnProcessSpec:
        for spec, subprocess_specs in self._specs.values():
            if spec.name == process_id:
                return spec
            if process_id in subprocess_specs:
                return subprocess_specs[process_id]
        raise KeyError(process_id)


def _distances_from_start(spec: BpmnProcessSpec) -> dict[str, int]:
    distance: dict[str, int] = {}
    queue = [(spec.start, 0)]
    seen = {spec.start.name}
    while queue:
        task_spec, steps = queue.pop(0)
        bpmn_id = getattr(task_spec, "bpmn_id", None)
        if bpmn_id is not None and bpmn_id not in distance:
            distance[bpmn_id] = steps
            steps += 1
        for output in task_spec.outputs:
            if output.name not in seen:
                seen.add(output.name)
                queue.append((output, steps))
    return distance


def content_hash(files: Mapping[str, str]) -> str:
    """Return the SHA-256 over the names and contents of ``files``, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(files[name].encode()).digest())
    return digest.hexdigest()


#: the byte order marks a file may begin with, longest first (UTF-32's begins as UTF-16's)
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: how ``<?xml`` begins in UTF-16 without a byte order mark
_UTF16_WITHOUT_MARK = ((b"<\0?\0", "utf-16-le"), (b"\0<\0?", "utf-16-be"))
_DECLARED_ENCODING = re.compile(rb"<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z][\w.:-]*)[\"']")


def decode_file(data: bytes) -> str:
    """Return a file's text, decoded as its byte order mark or XML declaration says, or as UTF-8.

    Modelers write UTF-8, but some export UTF-16 (with a byte order mark) or
    declare ISO-8859-1 or windows-1252 and write in it.  Raises ``ValueError``
    naming the encoding when the bytes are not text in it.
    """
    encoding = "utf-8"
    for mark, marked in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            encoding = marked
            break
    else:
        for start, unmarked in _UTF16_WITHOUT_MARK:
            if data.startswith(start):
                encoding = unmarked
                break
        else:
            declared = _DECLARED_ENCODING.match(data)
            named = declared.group(1).decode("ascii") if declared is not None else ""
            # a declaration read in one byte a character cannot be of UTF-16's or UTF-32's
            # (an editor that saved the file again as UTF-8 left it): XML parsers read UTF-8
            if named and not named.lower().replace("-", "").startswith(("utf16", "utf32")):
                encoding = named
    try:
        return data.decode(encoding)
    except LookupError:
        raise ValueError(f"its XML declaration names an unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not text in {encoding} (byte {exc.start}), as it should be") from None


def parse_xml(text: str) -> Any:
    """Parse a deployed file's text, whatever encoding its XML declaration names.

    The text is decoded already (``decode_file``); a declaration of
    ISO-8859-1 left in it would have its UTF-8 bytes read as Latin-1.
    """
    return etree.fromstring(text.encode("utf-8"), parser=_XML)


def read_files(paths: Iterable[str | Path]) -> dict[str, str]:
    """Read BPMN files by path into ``{file name: text}``; duplicate names are refused."""
    files: dict[str, str] = {}
    problems: list[DefinitionProblem] = []
    for path in map(Path, paths):
        try:
            text = decode_file(path.read_bytes())
        except (OSError, ValueError) as exc:
            problems.append(
                DefinitionProblem(
                    str(path),
                    None,
                    f"cannot be read: {exc}",
                    code="definition.unreadable",
                    params={"detail": str(exc)},
                )
            )
            continue
        if path.name in files:
            problems.append(
                DefinitionProblem(
                    str(path),
                    None,
                    "another file of that name is in this deployment",
                    code="definition.same_file_name",
                )
            )
        files[path.name] = text
    if problems:
        raise DeploymentError(problems)
    return files


@dataclass(frozen=True)
class DeployRules:
    """What a deployment is checked against: the engine's forms, services and groups.

    A lane names a group; one the domain does not know is refused only with
    ``strict_groups``.  A user task outside every lane is for
    ``default_group`` (anyone, unless configured), and one that names no
    form gets the generic confirmation form.
    """

    forms: frozenset[str] = frozenset({CONFIRM})
    services: frozenset[str] = frozenset()
    knows_group: Callable[[str], bool] = field(default=lambda group: True)
    strict_groups: bool = False
    default_group: str = ANYONE


#: about the longest run of elements one after another a process may have (see ``_from_spiff``)
MAX_RUN = 450
#: the implementation attribute's values BPMN itself defines, which name no connector
BPMN_IMPLEMENTATIONS = frozenset({"##WebService", "##unspecified"})
#: a lane id a modeler made up: bpmn-js's (Camunda Modeler's, spiff-arena's) Lane_ and a
#: random or counted suffix, a UUID (Signavio's and Flowable's sid-…, jBPM's _…)
_MADE_UP_ID = re.compile(
    r"Lane_[0-9a-z]{1,8}|(?:sid-|_)?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
)


class _Checker:
    """Collects problems of one file beyond what SpiffWorkflow itself checks."""

    def __init__(
        self, file: str, root: Any, rules: DeployRules, camunda_file: bool = False
    ) -> None:
        self.file = file
        self.root = root
        self.rules = rules
        #: drawn for Camunda, Activiti or Flowable, whose lanes assign nothing
        self.camunda_file = camunda_file
        self.services = set(rules.services)
        self.problems: list[DefinitionProblem] = []
        self.user_tasks: list[UserTaskRules] = []
        self.timers: list[TimerRule] = []
        self.start_groups: dict[str, tuple[str, ...]] = {}
        self.start_events: dict[str, tuple[str, ...]] = {}
        self.start_messages: dict[str, frozenset[str]] = {}
        self.calls: dict[str, list[tuple[str, str, str]]] = {}
        self.enclosing_exclusions: dict[tuple[str, str], tuple[str, ...]] = {}
        self.message_names = {
            m.get("id"): m.get("name") or m.get("id") for m in root.iterfind("bpmn:message", NS)
        }

    def problem(
        self, element_id: str | None, message: str, code: str = "definition.detail", **params: Any
    ) -> None:
        self.problems.append(DefinitionProblem(self.file, element_id, message, code, params))

    def check(self) -> None:
        for process in self.root.iterfind("bpmn:process", NS):
            self._check_process(process)
        self._check_scripts()
        self._check_cycles()

    def _check_cycles(self) -> None:
        """Name every repeating timer written with an interval of no length (R/PT0S).

        It would fire again and again in one step without end; one whose
        interval comes from the data is stopped when it runs away instead.
        """
        for expr in self.root.iter(f"{{{BPMN}}}timeCycle"):
            try:
                written = ast.literal_eval((expr.text or "").strip())
                _, _, interval = TimerEventDefinition.parse_iso_recurring_interval(written)
            except Exception:  # not a literal, or not a cycle: the other checks say so
                continue
            if interval.total_seconds() <= 0:
                self.problem(
                    expr.getparent().getparent().get("id"),
                    f"the repeating timer {written!r} has an interval of no length: "
                    "it would fire without end",
                    code="definition.timer_no_interval",
                    timer=written,
                )

    def _check_process(self, process: Any) -> None:
        process_id = process.get("id")
        lane_of: dict[str, str] = {}
        for lane in process.iterfind(".//bpmn:lane", NS):
            lane_id = lane.get("id")
            group = self._lane_group(lane)
            if group is None:
                continue  # drawing: its tasks are as outside every lane
            leaf = lane.find("bpmn:childLaneSet", NS) is None
            if leaf and self.rules.strict_groups and not self.rules.knows_group(group):
                self.problem(
                    lane_id,
                    f"lane names no known group: {group} (deployed with strict groups)",
                    code="definition.lane_unknown_group",
                    group=group,
                )
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                lane_of[(ref.text or "").strip()] = group
        task_ids = {el.get("id") for el in process.iter() if el.get("id")}
        starts = process.findall("bpmn:startEvent", NS)
        self.start_events[process_id] = tuple(start.get("id") for start in starts)
        for start in starts:
            if start.get("id") in lane_of:
                self.start_groups[process_id] = (lane_of[start.get("id")],)
        if process_id not in self.start_groups and (groups := camunda.starter_groups(process)):
            self.start_groups[process_id] = groups
        # A plain start event fires the moment an instance is created, and SpiffWorkflow then
        # drops the process's other start events: a message can start only a process without.
        plain = any(
            not any(
                isinstance(child.tag, str) and child.tag.endswith("EventDefinition")
                for child in start
            )
            for start in starts
        )
        # without a messageRef, SpiffWorkflow's event waits for a message named after itself
        self.start_messages[process_id] = frozenset(
            name
            for start in ([] if plain else starts)
            for m in start.iterfind("bpmn:messageEventDefinition", NS)
            if (name := self.message_names.get(m.get("messageRef"), m.get("messageRef")))
            or (name := start.get("name"))
        )
        self.calls[process_id] = [
            (call.get("id"), call.get("calledElement"), self.file)
            for call in process.iter(f"{{{BPMN}}}callActivity")
            if call.get("calledElement")
        ]
        for tag in ("userTask", "manualTask"):
            for task in process.iter(f"{{{BPMN}}}{tag}"):
                self._check_user_task(_container(task), task, lane_of, task_ids)
        for tag in ENCLOSING_TAGS:
            for activity in process.iter(f"{{{BPMN}}}{tag}"):
                self._check_enclosing(_container(activity), activity, task_ids)
        for event in process.iter(f"{{{BPMN}}}boundaryEvent"):
            self._check_boundary_timer(_container(event), event)
        for task in process.iter(f"{{{BPMN}}}serviceTask"):
            self._check_service_task(task)
        for task in process.iter(f"{{{BPMN}}}scriptTask"):
            # SpiffWorkflow runs every script as Python, whatever language it is written in
            language = (task.get("scriptFormat") or "").strip()
            if camunda.other_language(language):
                self.problem(
                    task.get("id"),
                    f"script task: {camunda.script_format_refused(language)}",
                    code="definition.script_language",
                    language=language,
                )
        self._check_unread(process)
        self._check_events(process)
        self._check_ids(process)
        self._check_flows(process)

    def _check_unread(self, process: Any) -> None:
        """Name every element SpiffWorkflow would leave out or cannot run.

        It reads no resource role (a Camunda, Activiti or Flowable file's
        ``humanPerformer`` and ``potentialOwner`` are read by ``camunda``), so
        that the task would be anyone's, and has no complex gateway.
        """
        in_lanes = {
            (ref.text or "").strip(): lane.get("id")
            for lane in process.iterfind(".//bpmn:lane", NS)
            for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        }
        for tag in ("humanPerformer", "potentialOwner", "performer"):
            for performer in process.iter(f"{{{BPMN}}}{tag}"):
                task = performer.getparent()
                lane = in_lanes.get(task.get("id") or "")
                # what to write instead: the lane the task is drawn in decides already
                instead = (
                    f"remove the {tag}: the task is for the group of its lane '{lane}'"
                    if lane is not None
                    else "put the task in a lane naming its group, and remove the " + tag
                )
                self.problem(
                    task.get("id"),
                    f"its {tag} is not read here: a task is for its lane's group (or, in a "
                    "Camunda, Activiti or Flowable file, for the humanPerformer or "
                    f"potentialOwner its formalExpression names); {instead}",
                    code="definition.performer_in_lane" if lane else "definition.performer",
                    tag=tag,
                    lane=lane,
                )
        for record in process.iter(*camunda.MODELER_INITIATOR):
            self._initiator_can_complete(record)
        for gateway in process.iter(f"{{{BPMN}}}complexGateway"):
            self.problem(
                gateway.get("id"),
                "a complex gateway is not supported (SpiffWorkflow runs none): draw its rule "
                "with exclusive, inclusive or parallel gateways",
                code="definition.complex_gateway",
            )
        for task in process.iter(f"{{{BPMN}}}receiveTask"):
            if not task.get("messageRef"):
                # SpiffWorkflow would have it wait for no message, and it would go straight on
                self.problem(
                    task.get("id"),
                    "a receive task names no message (messageRef): it would wait for none "
                    "(name the message it waits for in its messageRef)",
                    code="definition.receive_no_message",
                )
        for task in list(process.iter(f"{{{BPMN}}}businessRuleTask")):
            called = task.find("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS)
            if called is None or not (called.text or "").strip():
                self.problem(
                    task.get("id"),
                    "a business rule task names no decision (camunda:decisionRef, or "
                    "SpiffWorkflow's calledDecisionId, naming a decision of a DMN file deployed "
                    "with it): there is nothing for it to run",
                    code="definition.rule_task_no_decision",
                )
                task.tag = f"{{{BPMN}}}task"  # refused: SpiffWorkflow need not say so again
                task.attrib.pop("implementation", None)  # nor the schema, a task having none
        for ad_hoc in process.iter(f"{{{BPMN}}}adHocSubProcess"):
            condition = ad_hoc.find("bpmn:completionCondition", NS)
            if condition is None or not (condition.text or "").strip():
                self.problem(
                    ad_hoc.get("id"),
                    "an ad-hoc subprocess needs a completionCondition here: SpiffWorkflow "
                    "cannot tell when one without is done, and would fail when it starts",
                    code="definition.ad_hoc_no_condition",
                )
        outgoing: dict[str, set[str]] = {}
        for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
            outgoing.setdefault(flow.get("sourceRef") or "", set()).add(flow.get("id"))
        for element in process.iter(f"{{{BPMN}}}*"):
            default = element.get("default")
            if default is not None and default not in outgoing.get(element.get("id"), set()):
                # SpiffWorkflow leaves it out: the element would have no default flow
                self.problem(
                    element.get("id"),
                    f"its default flow '{default}' is no sequence flow leaving it",
                    code="definition.default_flow",
                    flow=default,
                )

    def _initiator_can_complete(self, record: Any) -> None:
        """Refuse Flowable's modeler letting the starter complete a task, unless it says false.

        In Flowable's (and Activiti's) task app ``true`` lets whoever started
        the instance complete the task too, whoever it is assigned to: read as
        nothing, the task would be closed to him here, silently.  A task
        assigned to the starter already has lost the record (``camunda``).
        """
        said = (record.text or "").strip()
        if said.lower() == "false":
            return
        self.problem(
            camunda.owner_id(record),
            f"modeler:initiator-can-complete is {said!r}: in Flowable's task app it lets "
            "whoever started the instance complete this task too, whoever it is assigned to, "
            "and the engine does not widen who may complete a task (write false; if the "
            "starter is to complete it, make him its assignee, $INITIATOR, or name him among "
            "its candidateUsers)",
            code="definition.initiator_can_complete",
            said=said,
        )

    def _check_events(self, process: Any) -> None:
        """Name every event whose definition SpiffWorkflow would not honour.

        It reads a start event only for a message, signal, timer or condition,
        and other events for what they may catch or throw of those, errors,
        escalations, cancels and terminations: any other definition it leaves
        out, and the event is a plain one that waits for nothing (an event
        subprocess started by an error would start with the process).
        """
        for event in process.iter(*(f"{{{BPMN}}}{tag}" for tag in EVENT_TAGS)):
            kind = etree.QName(event).localname
            for child in event:
                if not isinstance(child.tag, str) or etree.QName(child).namespace != BPMN:
                    continue
                definition = etree.QName(child).localname
                why = code = None
                if definition == "eventDefinitionRef":
                    code = "definition.event_definition_ref"
                    why = (
                        "an event definition given by reference (eventDefinitionRef) is not "
                        "supported: write the definition inside the event"
                    )
                elif definition == "compensateEventDefinition":
                    code = "definition.compensation"
                    why = (
                        "compensation is not supported: the engine compensates no activity, "
                        "and the event would do nothing"
                    )
                elif definition == "linkEventDefinition":
                    code = "definition.link_event_kind"
                    why = "a link is an intermediate throw or catch event (it stays in its process)"
                elif kind == "startEvent" and definition in (
                    "errorEventDefinition",
                    "escalationEventDefinition",
                ):
                    caught = definition.removesuffix("EventDefinition")
                    code = f"definition.start_on_{caught}"
                    why = (
                        f"a start event caught on an {caught} is not supported: SpiffWorkflow "
                        "would start its event subprocess at once, with the process (catch the "
                        f"{caught} with a boundary event on the activity that throws it)"
                    )
                if why is not None and code is not None:
                    self.problem(event.get("id"), why, code=code)

    def _check_flows(self, process: Any) -> None:
        """Name every sequence flow whose source or target is no element beside it.

        SpiffWorkflow follows flows from their source and leaves out one from
        nowhere: its target would never be reached, silently.
        """
        for container in process.iter(*SUBPROCESS_TAGS):
            nodes = {
                child.get("id")
                for child in container
                if isinstance(child.tag, str) and etree.QName(child).localname != "sequenceFlow"
            }
            for flow in container.iterfind("bpmn:sequenceFlow", NS):
                for end in ("sourceRef", "targetRef"):
                    ref = flow.get(end)
                    if ref is not None and ref not in nodes:
                        self.problem(
                            flow.get("id"),
                            f"its {end} '{ref}' names no element of "
                            f"'{container.get('id')}' (flows join elements of one process)",
                            code=f"definition.flow_{end.removesuffix('Ref')}_unknown",
                            ref=ref,
                            container=container.get("id"),
                        )

    def _check_ids(self, process: Any) -> None:
        """Name every flow node and sequence flow of a process with no id or a reserved one."""
        attached = {e.get("attachedToRef") for e in process.iter(f"{{{BPMN}}}boundaryEvent")}
        reserved: dict[str, set[str]] = {}
        for element in process.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element)
            if tag.namespace != BPMN or tag.localname not in FLOW_ELEMENTS:
                continue
            element_id = element.get("id")
            if element_id is not None:
                container = _container(element)
                if container not in reserved:
                    reserved[container] = _reserved_names(container, attached)
                # SpiffWorkflow looks a node up by id among its specs before building it:
                # one of its own tasks' names gives that task in the element's place
                if element_id in reserved[container] and tag.localname != "sequenceFlow":
                    self.problem(
                        element_id,
                        f"id '{element_id}' is a name SpiffWorkflow gives a task of its own, "
                        "and the element would be taken for that task: rename it",
                        code="definition.reserved_id",
                        id=element_id,
                    )
                continue
            # SpiffWorkflow finds elements by id and leaves out one without: a flow from the
            # start to the end lost, an instance would complete having done nothing
            if tag.localname == "sequenceFlow":
                what = f" from '{element.get('sourceRef')}' to '{element.get('targetRef')}'"
            else:
                what = f" '{element.get('name')}'" if element.get("name") else ""
            where = f"line {element.sourceline}, " if element.sourceline else ""
            self.problem(
                None,
                f"{tag.localname}{what} ({where}in '{_container(element)}') has no id, "
                "and an element without one is left out of the process: give it an id",
                code="definition.flow_no_id"
                if tag.localname == "sequenceFlow"
                else "definition.no_id",
                what=tag.localname,
                name=element.get("name") or "",
                source=element.get("sourceRef") or "",
                target=element.get("targetRef") or "",
                line=element.sourceline,
                container=_container(element),
            )

    def _check_enclosing(self, process_id: str, activity: Any, task_ids: set[str]) -> None:
        """Keep a call activity's or subprocess's ``excludeActorsOf`` for the tasks within.

        A called process is drawn once for every caller, so it cannot name the
        caller's tasks itself (the drafter must not review his own draft's
        confidentiality): the caller's call activity names them for it.
        """
        excluded = _id_list(_properties(activity).get(EXCLUDE_PROPERTY, ""))
        for other in excluded:
            if other not in task_ids:
                self.problem(
                    activity.get("id"),
                    f"'{EXCLUDE_PROPERTY}' names '{other}', which is not in this process",
                    code="definition.names_no_task",
                    property=EXCLUDE_PROPERTY,
                    id=other,
                )
        if excluded:
            self.enclosing_exclusions[(process_id, activity.get("id"))] = excluded

    def _check_boundary_timer(self, process_id: str, event: Any) -> None:
        kind = _properties(event).get(TIMER_KIND_PROPERTY)
        if kind is None:
            return
        refusal: tuple[str, str, dict[str, Any]] | None = None
        if kind not in TIMER_KINDS:
            said = {"given": kind, "known": sorted(TIMER_KINDS)}
            refusal = (
                f"'{TIMER_KIND_PROPERTY}' must be one of {TIMER_KINDS}",
                "kind_unknown",
                said,
            )
        elif event.find("bpmn:timerEventDefinition", NS) is None:
            refusal = (f"'{TIMER_KIND_PROPERTY}' is only for timer events", "kind_not_timer", {})
        elif event.get("cancelActivity", "true") != "false":
            refusal = ("a reminder or overdue timer must not interrupt its task", "interrupts", {})
        if refusal is not None:
            message, code, params = refusal
            self.problem(
                event.get("id"),
                message,
                code=f"definition.timer_{code}",
                property=TIMER_KIND_PROPERTY,
                **params,
            )
            return
        rule = TimerRule(process_id, event.get("id"), kind, event.get("attachedToRef"))
        self.timers.append(rule)

    def _check_service_task(self, task: Any) -> None:
        operator = task.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        if operator is None:
            # BPMN's own implementation attribute names another engine's connector or web
            # service (Activiti's "Movies.getMovieDesc"); SpiffWorkflow would do nothing for it
            implementation = (task.get("implementation") or "").strip()
            given = (
                f" (its implementation {implementation!r} is another engine's, not run here)"
                if implementation and implementation not in BPMN_IMPLEMENTATIONS
                else ""
            )
            known = ", ".join(sorted(self.services)) or "none"
            self.problem(
                task.get("id"),
                f"service task names no operation (serviceTaskOperator){given}: name one of "
                "the engine's services in spiffworkflow:serviceTaskOperator (or, in a Camunda "
                f'file, camunda:type="external" with its camunda:topic; known: {known}), or '
                "draw a plain task if it does nothing",
                code="definition.service_foreign" if given else "definition.service_no_operation",
                implementation=implementation,
                known=known,
            )
            return
        if operator.get("id") not in self.services:
            known = ", ".join(sorted(self.services))
            self.problem(
                task.get("id"),
                f"unknown service '{operator.get('id')}' (known: {known})",
                code="definition.unknown_service",
                service=operator.get("id") or "",
                known=known,
            )

    def _lane(self, task: Any, lane_of: dict[str, str]) -> str | None:
        # A task inside an embedded subprocess sits in the lane of that subprocess.
        node = task
        while node is not None and node.tag != f"{{{BPMN}}}process":
            if node.get("id") in lane_of:
                return lane_of[node.get("id")]
            node = node.getparent()
        return None

    def _lane_group(self, lane: Any) -> str | None:
        """Return the group a lane names, or None for a lane that is only drawn.

        A lane names a group by its id, as gongkai's own files do.  An id a
        modeler made up (Camunda Modeler's ``Lane_0x8k2t1``, Signavio's and
        Flowable's ``sid-…`` UUIDs) names none: then, in a file drawn for
        SpiffWorkflow or no engine, the lane's name does, as spiff-arena reads
        lanes; in one drawn for Camunda, Activiti or Flowable, whose lanes
        assign nothing, the lane is drawing.
        """
        lane_id = lane.get("id") or ""
        if not _MADE_UP_ID.fullmatch(lane_id):
            return lane_id
        if self.camunda_file:
            return None
        return " ".join((lane.get("name") or "").split()) or None

    def _check_user_task(
        self, process_id: str, task: Any, lane_of: dict[str, str], task_ids: set[str]
    ) -> None:
        task_id = task.get("id")
        properties = _properties(task)
        lane = self._lane(task, lane_of)
        # A task's own candidate groups (or assignee) are more particular than its lane.
        drawn_in = (lane,) if lane else (self.rules.default_group,)
        groups = camunda.candidate_groups(task) or drawn_in
        for group in groups:
            if not GROUP_NAME.fullmatch(group):
                # a work item keeps its group: a longer name could not be stored
                self.problem(
                    task_id,
                    f"group {group!r} is no group name (at most 32 characters)",
                    code="definition.bad_group_name",
                    group=group,
                )
        role = groups[0]
        schema_file = properties.get(jsonforms.FORM_FILE_PROPERTY)
        named = jsonforms.PREFIX + schema_file if schema_file else ""
        if named and named not in self.rules.forms:
            # SpiffWorkflow leaves forms to the application and runs such a task without
            # its file: a JSON Schema not deployed with the BPMN gives the confirmation form.
            named = CONFIRM
        form = properties.get(FORM_PROPERTY, "") or named or CONFIRM
        if form not in self.rules.forms:
            known = ", ".join(sorted(self.rules.forms))
            self.problem(
                task_id,
                f"unknown form schema '{form}' (known: {known})",
                code="definition.unknown_form",
                form=form,
                known=known,
            )
        excluded = _id_list(properties.get(EXCLUDE_PROPERTY, ""))
        only = _id_list(properties.get(ONLY_PROPERTY, ""))
        for name, ids in ((EXCLUDE_PROPERTY, excluded), (ONLY_PROPERTY, only)):
            for other in ids:
                if other not in task_ids:
                    self.problem(
                        task_id,
                        f"'{name}' names '{other}', which is not in this process",
                        code="definition.names_no_task",
                        property=name,
                        id=other,
                    )
        due = properties.get(DUE_PROPERTY) or None
        department = properties.get(DEPARTMENT_PROPERTY) or None
        only_users = properties.get(USERS_PROPERTY) or None
        groups_from = properties.get(GROUPS_PROPERTY) or None
        users_from = properties.get(CANDIDATES_PROPERTY) or None
        for name, source in (
            (DUE_PROPERTY, due),
            (DEPARTMENT_PROPERTY, department),
            (USERS_PROPERTY, only_users),
            (GROUPS_PROPERTY, groups_from),
            (CANDIDATES_PROPERTY, users_from),
        ):
            if source is not None:
                try:
                    check_source(source, "eval")
                except ScriptRefused as exc:
                    self.problem(
                        task_id,
                        f"'{name}' {exc}",
                        code="definition.property_script",
                        property=name,
                        detail=str(exc),
                    )
        if form in self.rules.forms:
            name = task.get("name") or task_id
            self.user_tasks.append(
                UserTaskRules(
                    process_id,
                    task_id,
                    name,
                    role,
                    form,
                    excluded,
                    only,
                    due,
                    labels(task),
                    department,
                    properties.get(RESUMES_PROPERTY, "").strip().lower() == "true",
                    properties.get(DRAFTING_PROPERTY, "").strip().lower() == "true",
                    only_users,
                    groups,
                    groups_from,
                    users_from,
                )
            )

    def _check_scripts(self) -> None:
        checks: list[tuple[Any, str, str]] = []
        for script in self.root.iter(f"{{{BPMN}}}script"):
            if camunda.other_language(script.getparent().get("scriptFormat") or ""):
                continue  # refused for its language already: not Python to check
            checks.append((script.getparent(), script.text or "", "exec"))
        for tag in ("preScript", "postScript"):
            for script in self.root.iter(f"{{{SPIFF}}}{tag}"):
                checks.append((script.getparent().getparent(), script.text or "", "exec"))
        for prop in self.root.iter(f"{{{SPIFF}}}property"):
            if prop.get("name") == EVENT_OUTPUTS_PROPERTY:  # an event's output mappings
                checks.append((prop.getparent().getparent(), prop.get("value", ""), "exec"))
        for param in self.root.iter(f"{{{SPIFF}}}parameter"):
            checks.append((param.getparent().getparent(), param.get("value", ""), "eval"))
        for tag in (
            "conditionExpression",
            "completionCondition",
            "loopCardinality",
            "loopCondition",
            "condition",
            "timeDate",
            "timeDuration",
            "timeCycle",
        ):
            for expr in self.root.iter(f"{{{BPMN}}}{tag}"):
                checks.append((expr.getparent(), expr.text or "", "eval"))
        # what a message, signal, error or escalation carries, and how a message is
        # correlated: expressions SpiffWorkflow evaluates when the event is thrown or caught
        # (a message no event or task sends or receives correlates nothing: never evaluated)
        used = {
            element.get("messageRef")
            for element in self.root.iter()
            if isinstance(element.tag, str)
            and element.tag != f"{{{BPMN}}}correlationPropertyRetrievalExpression"
        }
        for retrieval in self.root.iter(f"{{{BPMN}}}correlationPropertyRetrievalExpression"):
            if retrieval.get("messageRef") not in used:
                continue
            for expr in retrieval:
                if isinstance(expr.tag, str):
                    checks.append((retrieval, expr.text or "", "eval"))
        for tag in ("messagePayload", "payloadExpression"):
            for expr in self.root.iter(f"{{{SPIFF}}}{tag}"):
                checks.append((expr.getparent(), expr.text or "", "eval"))
        for correlation in self.root.iter(f"{{{SPIFF}}}processVariableCorrelation"):
            for expr in correlation.iterfind("spiffworkflow:expression", NS):
                checks.append((correlation, expr.text or "", "eval"))
        # what a call activity's variable mappings evaluate (Camunda's sourceExpression)
        for call in self.root.iter(f"{{{BPMN}}}callActivity"):
            value = _properties(call).get(MAPPINGS_PROPERTY)
            if value is None:
                continue
            try:
                mappings = read_mappings(value)
            except ValueError as exc:
                self.problem(call.get("id"), str(exc), code="definition.mappings", detail=str(exc))
                continue
            for mapping in (*mappings["in"], *mappings["out"]):
                if "expression" in mapping:
                    checks.append((call, mapping["expression"], "eval"))
        for owner, source, mode in checks:
            element = owner
            while element is not None and element.get("id") is None:
                element = element.getparent()
            try:
                check_source(source.strip() or "None", mode)
            except ScriptRefused as exc:
                hint = _equality_hint(source) if mode == "eval" else ""
                self.problem(
                    element.get("id") if element is not None else None,
                    f"script {exc}{hint}",
                    code="definition.script",
                    detail=f"{exc}{hint}",
                )


#: a lone '=' (not part of ==, !=, <=, >=): equality in FEEL, SQL and other tools' conditions
_LONE_EQUALS = re.compile(r"(?<![=!<>])=(?!=)")


def _equality_hint(source: str) -> str:
    """Return a hint for a condition that compiles once its lone '=' compare, if it does."""
    if not _LONE_EQUALS.search(source):
        return ""
    try:
        check_source(_LONE_EQUALS.sub("==", source.strip()), "eval")
    except ScriptRefused:
        return ""
    return " (a single '=' assigns in Python: compare with '==')"


#: what SpiffWorkflow makes a process of: its flow nodes (activities, events, gateways)
#: and the sequence flows between them
FLOW_ELEMENTS = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "implicitThrowEvent",
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "complexGateway",
        "sequenceFlow",
    }
)


def _reserved_names(container: str, attached: set[str]) -> set[str]:
    """Return the names SpiffWorkflow gives its own tasks in the spec of ``container``."""
    # a spec's start and end tasks, what its parser adds for several start events, and
    # the split and join around each activity with boundary events
    return {
        *BpmnProcessSpec(name=container).task_specs,
        "StartEventSplit",
        "StartEventJoin",
        *(f"{ref}.BoundaryEvent{kind}" for ref in attached for kind in ("Split", "Join")),
    }


#: the elements whose content SpiffWorkflow runs as a workflow of its own (a subprocess spec
#: named by the element's id), so that their tasks belong to that id, not to the process
#: the activities whose ``excludeActorsOf`` reaches the user tasks inside them
ENCLOSING_TAGS = ("callActivity", "subProcess", "transaction", "adHocSubProcess")
SUBPROCESS_TAGS = frozenset(
    f"{{{BPMN}}}{tag}" for tag in ("process", "subProcess", "transaction", "adHocSubProcess")
)


def _container(element: Any) -> str:
    """Return the id of the process or embedded subprocess whose workflow runs ``element``.

    A task inside an embedded subprocess runs in a workflow of that subprocess
    (``task.workflow.spec.name`` is the subprocess's id), so its rules are
    looked up by that id.
    """
    node = element.getparent()
    while node is not None and node.tag not in SUBPROCESS_TAGS:
        node = node.getparent()
    return str(node.get("id")) if node is not None else ""


#: the extension property giving an element's name in another language: ``name:en``
LABEL_PREFIX = "name:"


def labels(element: Any) -> tuple[tuple[str, str], ...]:
    """Return an element's names in other languages, from its ``name:<language>`` properties."""
    return named_labels(_properties(element))


def named_labels(properties: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Return the names in other languages among extension properties (``name:<language>``)."""
    return tuple(
        sorted(
            (key[len(LABEL_PREFIX) :], value)
            for key, value in properties.items()
            if key.startswith(LABEL_PREFIX) and value
        )
    )


def _properties(element: Any) -> dict[str, str]:
    return {
        p.get("name"): p.get("value", "")
        for p in element.iterfind(
            "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS
        )
    }


def _id_list(value: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(",") if x.strip())


DMN_NAMESPACES = frozenset(
    {
        "https://www.omg.org/spec/DMN/20191111/MODEL/",
        "http://www.omg.org/spec/DMN/20180521/MODEL/",
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    }
)
#: no entity resolved, nothing fetched; the text is decoded already, so its bytes are UTF-8
_XML = etree.XMLParser(resolve_entities=False, no_network=True, encoding="utf-8")


class _ItemsAside(BpmnValidator):  # type: ignore[misc]
    """BPMN's schema check, on a copy whose multi-instance items have ids of their own.

    SpiffWorkflow reads a loop's item variable from its ``inputDataItem``'s
    id, so two loops over the same variable (Flowable's ``elementVariable=
    "user"`` on several tasks, rewritten by ``camunda``) hold the same id,
    which the schema refuses naming no element.  The file's own ids are
    checked for duplicates before (``_duplicate_ids``).
    """

    def validate(self, bpmn: Any, filename: str | None = None) -> None:
        """Check ``bpmn`` against BPMN's schema, its items' ids set aside."""
        items = (f"{{{BPMN}}}inputDataItem", f"{{{BPMN}}}outputDataItem")
        if next(bpmn.iter(*items), None) is None:  # no loop items: nothing to copy
            super().validate(bpmn, filename)
            return
        self.preprocess(bpmn)
        checked = copy.deepcopy(bpmn)
        for number, item in enumerate(checked.iter(*items)):
            item.set("id", f"gongkai.item.{number}")
        super().validate(checked, filename)


def compile_definition(
    files: Mapping[str, str], deploy_rules: DeployRules | None = None
) -> CompiledDefinition:
    """Validate BPMN ``files`` (with their DMN tables and JSON form schemas) and build specs.

    Raises ``DeploymentError`` listing every problem found.
    """
    if not files:
        raise DeploymentError(
            [DefinitionProblem("(none)", None, "no BPMN file was given", code="definition.no_file")]
        )
    rules = deploy_rules or DeployRules()
    problems: list[DefinitionProblem] = []
    parser = MappingParser(validator=_ItemsAside())
    json_forms: dict[str, FormSchema] = {}
    for name, text in sorted(files.items()):
        if name.endswith(".json"):
            try:
                json_forms[jsonforms.PREFIX + name] = jsonforms.form_from_schema(
                    jsonforms.load_schema(text)
                )
            except jsonforms.JsonSchemaError as exc:
                problems.append(
                    DefinitionProblem(name, None, f"form schema: {exc}", exc.code, exc.params)
                )
    known = DeployRules(
        forms=rules.forms | frozenset(json_forms),
        services=rules.services,
        knows_group=rules.knows_group,
        strict_groups=rules.strict_groups,
        default_group=rules.default_group,
    )
    user_tasks: dict[tuple[str, str], UserTaskRules] = {}
    timers: dict[tuple[str, str], TimerRule] = {}
    start_groups: dict[str, tuple[str, ...]] = {}
    start_forms: dict[str, str] = {}
    start_events: dict[str, tuple[str, ...]] = {}
    start_messages: dict[str, frozenset[str]] = {}
    enclosing_exclusions: dict[tuple[str, str], tuple[str, ...]] = {}
    payload_as_data: set[tuple[str, str]] = set()
    start_payload_as_data: set[tuple[str, str]] = set()
    initiators: dict[str, str] = {}
    calls: dict[str, list[tuple[str, str, str]]] = {}
    processes: dict[str, ProcessInfo] = {}
    defined: dict[str, str] = {}  # every process id, executable or not: the file defining it
    decisions = _decisions(files)
    roots: list[tuple[str, Any]] = []  # each BPMN file's document, in SpiffWorkflow's dialect
    for name, text in sorted(files.items()):
        if name.endswith(".json"):
            continue
        try:
            root = parse_xml(text)
        except etree.XMLSyntaxError as exc:
            problems.append(
                DefinitionProblem(
                    name,
                    None,
                    f"bad XML: {exc}",
                    code="definition.bad_xml",
                    params={"detail": str(exc), "line": exc.lineno},
                )
            )
            continue
        if refused := _unread(root, name):
            problems.extend(refused)  # read no further: what is refused is not read
            continue
        namespace = etree.QName(root).namespace
        if etree.QName(root).localname == "definitions" and namespace in DMN_NAMESPACES:
            try:
                parser.add_dmn_xml(root, filename=name)
            except (ValidationException, SpiffWorkflowException) as exc:
                problems.append(
                    _passed_on(name, None, "decision table", "definition.decision_table", exc)
                )
            continue
        if root.tag != f"{{{BPMN}}}definitions":
            problems.append(
                DefinitionProblem(
                    name,
                    root.get("id"),
                    "not a BPMN 2.0 or DMN file (root element is not definitions)",
                    code="definition.not_bpmn",
                )
            )
            continue
        if camunda.declares(root, zeebe.ZEEBE):
            # Camunda 8's dialect: what Camunda 7 says too is rewritten into it (engine/zeebe.py)
            problems.extend(zeebe.translate(root, name))
        _name_flows(root)
        refused = _duplicate_ids(root, name) + _too_long(root, name) + _too_big(root, name)
        if refused:
            # SpiffWorkflow's schema check would name a duplicate by its value alone, and
            # the store cannot keep what is too long: nothing more is worth checking
            problems.extend(refused)
            continue
        _reference_children(root)
        _keep_executable(root)
        _local_references(root)
        file_rules = known
        drawn_for_camunda = camunda.is_camunda(root)
        if drawn_for_camunda:
            # Camunda Modeler's dialect: rewritten into SpiffWorkflow's (engine/camunda.py)
            dialect = camunda.translate(
                root, name, known.services, known.knows_group, known.strict_groups, decisions
            )
            problems.extend(dialect.problems)
            json_forms.update(dialect.forms)
            start_forms.update(dialect.start_forms)
            payload_as_data.update((_container(e), e.get("id")) for e in dialect.payload_as_data)
            start_payload_as_data.update(
                (_container(e), e.get("id")) for e in dialect.start_payload_as_data
            )
            initiators.update(dialect.initiators)
            file_rules = replace(known, forms=known.forms | frozenset(dialect.forms))
            root = dialect.root
        else:
            # an expression in MVEL, Java, Groovy... would be evaluated as Python
            problems.extend(zeebe.read_feel(root, name))
            problems.extend(camunda.foreign_expressions(root, name))
            if not camunda.declares(root, SPIFF):
                _iso_timers(root)
                _json_literals(root)
        triggered = _triggered_receive_tasks(root)
        if drawn_for_camunda:  # Camunda's trigger sets the variables it is given, as a message
            payload_as_data.update((_container(task), task.get("id")) for task in triggered)
        _drop_empty_io_specifications(root)
        problems.extend(_links(root, name))
        if not camunda.declares(root, SPIFF):
            problems.extend(_drawn_data(root, name))
        zeebe.correlate(root)
        roots.append((name, root))
        checker = _Checker(name, root, file_rules, camunda_file=drawn_for_camunda)
        checker.check()
        problems.extend(checker.problems)
        for task_rules in checker.user_tasks:
            user_tasks[(task_rules.process_id, task_rules.element_id)] = task_rules
        for timer in checker.timers:
            timers[(timer.process_id, timer.element_id)] = timer
        start_groups.update(checker.start_groups)
        start_events.update(checker.start_events)
        start_messages.update(checker.start_messages)
        enclosing_exclusions.update(checker.enclosing_exclusions)
        for process, called in checker.calls.items():
            calls.setdefault(process, []).extend(called)
        for process in root.iterfind("bpmn:process", NS):
            pid = process.get("id")
            if pid in defined:
                problems.append(
                    DefinitionProblem(
                        name,
                        pid,
                        f"process id is also defined in {defined[pid]}",
                        code="definition.process_twice",
                        params={"other": defined[pid]},
                    )
                )
            defined[pid] = name
            if not _executable(process):
                continue  # a pool drawn for another party: neither built nor started
            processes[pid] = ProcessInfo(pid, process.get("name") or pid, name)
        _schema_order(root)
        try:
            parser.add_bpmn_xml(root, filename=name)
        except ValidationException as exc:
            problems.append(_from_spiff(exc, name))
        except SpiffWorkflowException as exc:
            problems.append(_passed_on(name, None, "", "definition.spiff", exc))
    problems.extend(_recursive_calls(calls))
    problems.extend(_missing_callees(calls, defined))
    problems.extend(_unknown_references(roots))
    problems.extend(_decision_problems(parser))
    if not problems and not processes:
        problems.append(
            DefinitionProblem(
                ", ".join(sorted(files)),
                None,
                'contains no executable process: a process marked isExecutable="false" is '
                'a pool drawn for another party, never run (write isExecutable="true" on '
                "the process to run)",
                code="definition.not_executable",
            )
        )
    specs: dict[str, tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]] = {}
    if not problems:
        for pid, info in processes.items():
            try:
                specs[pid] = (parser.get_spec(pid), parser.get_subprocess_specs(pid))
            except ValidationException as exc:
                problems.append(_from_spiff(exc, info.file))
            except (SpiffWorkflowException, KeyError) as exc:
                problems.append(
                    _passed_on(info.file, pid, "cannot be built", "definition.cannot_build", exc)
                )
    if problems:
        raise DeploymentError(_named(problems, files))
    return CompiledDefinition(
        content_hash(files),
        dict(files),
        processes,
        user_tasks,
        timers,
        start_groups,
        start_events,
        specs,
        start_messages=start_messages,
        json_forms=json_forms,
        start_forms=start_forms,
        enclosing_exclusions=enclosing_exclusions,
        payload_as_data=frozenset(payload_as_data),
        start_payload_as_data=frozenset(start_payload_as_data),
        initiators=initiators,
    )


def _decisions(files: Mapping[str, str]) -> dict[str, camunda.Decision]:
    """Return the decisions of the DMN files among ``files``, by id.

    They are what a BPMN file's ``camunda:decisionRef`` may name; a file that
    does not parse is reported later, when it is added to the parser.
    """
    found: dict[str, camunda.Decision] = {}
    for name, text in sorted(files.items()):
        if name.endswith(".json"):
            continue
        try:
            root = parse_xml(text)
        except etree.XMLSyntaxError:
            continue
        if etree.QName(root).namespace not in DMN_NAMESPACES:
            continue
        for decision in root:
            if not isinstance(decision.tag, str) or etree.QName(decision).localname != "decision":
                continue
            table = next(
                (
                    t
                    for t in decision
                    if isinstance(t.tag, str) and etree.QName(t).localname == "decisionTable"
                ),
                None,
            )
            if decision.get("id") is None or table is None:
                continue
            outputs = tuple(
                o.get("name") or ""
                for o in table
                if isinstance(o.tag, str) and etree.QName(o).localname == "output"
            )
            collect = (table.get("hitPolicy") or "UNIQUE").upper() == "COLLECT"
            found[decision.get("id")] = camunda.Decision(outputs, collect)
    return found


#: the most ``?`` a DMN rule's input entry may hold (``1 < ? < 5`` holds one)
MOST_INPUT_MARKS = 16
#: a DMN match expression's ``?`` (the input value) outside quotes, as SpiffWorkflow finds it
_DMN_INPUT = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def _decision_problems(parser: SpiffBpmnParser) -> list[DefinitionProblem]:
    """Check every expression of every decision table as the sandbox will run it.

    SpiffWorkflow's DMN engine joins an input expression and a rule's entry
    into one Python expression when the rule is looked at; each is built here
    the same way and checked like a script, so that a table deploys only if
    all its rules can run (a typo, ``locals()``, an import is named now, with
    the decision and the row, rather than when a case reaches it).
    """
    problems: list[DefinitionProblem] = []
    for decision_id, dmn in parser.dmn_parsers.items():
        try:
            dmn.parse()
        except (ValidationException, SpiffWorkflowException, KeyError, AttributeError) as exc:
            problems.append(
                _passed_on(
                    dmn.filename, decision_id, "decision table", "definition.decision_table", exc
                )
            )
            continue
        for table in dmn.decision.decisionTables:
            for rule in table.rules:
                try:
                    for source in _rule_expressions(rule):
                        check_source(source, "eval")
                except ScriptRefused as exc:
                    problems.append(
                        DefinitionProblem(
                            dmn.filename,
                            decision_id,
                            f"row {rule.row_number}: {exc}",
                            code="definition.decision_row",
                            params={"row": rule.row_number, "detail": str(exc)},
                        )
                    )
    return problems


def _check_entry(entry: str) -> None:
    """Refuse a rule's input entry too long, or with too many ``?``, to be looked at in time.

    SpiffWorkflow finds each ``?`` outside quotes with a regular expression that reads on to
    the entry's end from every ``?``: 8,000 of them cost six seconds, each time a case looks
    at the rule, in the engine's process rather than the time-limited sandbox.
    """
    check_length(entry)
    if (marks := entry.count("?")) > MOST_INPUT_MARKS:
        raise ScriptRefused(f"holds {marks:,} '?' (the input value); at most {MOST_INPUT_MARKS}")


def _rule_expressions(rule: Any) -> Iterable[str]:
    """Yield the Python expressions a DMN rule is run as (see SpiffWorkflow's DMNEngine)."""
    for entry in rule.inputEntries:
        given = entry.input.expression
        for match in entry.lhs:
            if match is None:
                continue
            if given:
                yield given
            _check_entry(match)
            match = _DMN_INPUT.sub("dmninputexpr", match)
            if "dmninputexpr" in match or not given:
                yield match
                continue
            try:
                check_source(match, "eval")
                yield f"({given}) == ({match})"
            except ScriptRefused:
                yield f"{given}{match}"  # an operator first (``> 1000``)
    for entry in rule.outputEntries:
        if getattr(entry, "text", ""):
            yield entry.text


def _iso_timers(root: Any) -> None:
    """Read every timer written as a bare ISO 8601 literal (``PT5M``) as that literal.

    SpiffWorkflow evaluates a timer's text as Python; a file drawn for no
    SpiffWorkflow writes the literal itself, as BPMN's own examples and other
    engines do, and read as Python ``PT5M`` or ``R3/PT10M`` would name data
    nobody sets.  A text with no number in it (``P``, ``R/P``) times nothing
    and may well name data: it stays Python.
    """
    for tag in camunda.TIMER_TAGS:
        for expr in root.iter(f"{{{BPMN}}}{tag}"):
            source = (expr.text or "").strip()
            if any(c.isdigit() for c in source) and camunda.is_iso_timer(tag, source):
                expr.text = repr(source)


#: the literals other tools write in their conditions (JSON's, Java's, FEEL's), in Python
_LITERALS = {"true": True, "false": False, "null": None}


class _Literals(ast.NodeTransformer):
    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in _LITERALS and isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Constant(_LITERALS[node.id]), node)
        return node


def _json_literals(root: Any) -> None:
    """Read ``true``, ``false`` and ``null`` in a Python expression as the literals meant.

    Bizagi, Enterprise Architect and hand-written files write ``plansOk == true``
    in conditions that name no language: read as Python, ``true`` names data
    nobody sets, and the process stopped at the gateway on a NameError. A file
    drawn for SpiffWorkflow, whose expressions are Python, keeps them as names.
    """
    for expr in camunda.evaluated_expressions(root):
        source = (expr.text or "").strip()
        if not _LITERALS.keys() & set(re.findall(r"[a-z]+", source)):
            continue
        try:
            tree = ast.parse(source, mode="eval")
        except (SyntaxError, ValueError):
            continue  # refused as it is, naming its element, by the checks of scripts
        if any(isinstance(n, ast.Name) and n.id in _LITERALS for n in ast.walk(tree)):
            expr.text = ast.unparse(_Literals().visit(tree))


def _executable(process: Any) -> bool:
    """Tell whether a process runs here (is not a pool drawn for another party)."""
    return bool(process.get("isExecutable", "true") == "true")


def _keep_executable(root: Any) -> None:
    """Empty every non-executable process of a document of its content and extensions.

    Such a pool is drawn for another party (a black box in a collaboration):
    nothing of it runs here, so what it holds is neither translated nor
    checked, and cannot refuse the file.  Its id stays for the collaboration's
    participants and message flows to name (by QName, which no one resolves).
    """
    for process in root.iterfind("bpmn:process", NS):
        if _executable(process):
            continue
        for child in list(process):
            process.remove(child)
        for attribute in list(process.attrib):
            if attribute.startswith("{"):  # an extension's, such as Camunda's starter groups
                del process.attrib[attribute]


#: what the name of the message a receive task naming none waits for begins with: the
#: rest is the task's id (``WorkflowEngine.trigger``)
TRIGGER_PREFIX = "trigger:"


def _triggered_receive_tasks(root: Any) -> list[Any]:
    """Make each receive task naming no message wait for one of its own; return them.

    Activiti, Flowable and Camunda 7 draw such a task as a plain wait state that
    their API moves on (``runtimeService.trigger``).  Here it waits for the
    message ``trigger:<its id>``, which ``WorkflowEngine.trigger`` (or any
    delivery of that message) sends it; SpiffWorkflow would wait for nothing.
    """
    triggered = []
    for task in list(root.iter(f"{{{BPMN}}}receiveTask")):
        task_id = task.get("id")
        if task.get("messageRef") or not task_id:
            continue  # one with no id is refused naming no message
        holder = task
        while holder.getparent() is not None and holder.getparent() is not root:
            holder = holder.getparent()
        message_id = f"gongkai_trigger_{task_id}"
        message = etree.Element(f"{{{BPMN}}}message", id=message_id, name=TRIGGER_PREFIX + task_id)
        holder.addprevious(message)
        task.set("messageRef", message_id)
        triggered.append(task)
    return triggered


def _drop_empty_io_specifications(root: Any) -> None:
    """Remove every ``ioSpecification`` that declares nothing (as modelers write it).

    Camunda Modeler and bpmn-js write ``<ioSpecification />`` on processes and
    tasks; BPMN's schema wants its input and output sets, so the file would be
    refused for an element that means no more than its absence does.
    """
    for spec in list(root.iter(f"{{{BPMN}}}ioSpecification")):
        if not any(isinstance(child.tag, str) for child in spec):
            spec.getparent().remove(spec)


#: where BPMN's schema wants an element's common children: first its
#: documentation and extensions, then (of a flow node) the rest of a flow
#: element's, then its incoming and outgoing flows; other children follow
_LEADING = ("documentation", "extensionElements")
_FLOW_NODE_LEADING = (
    *_LEADING,
    "auditing",
    "monitoring",
    "categoryValueRef",
    "incoming",
    "outgoing",
)


#: what the schema wants after an element's other children: a lane's child lanes after
#: its flow nodes, a process's artifacts after its flow elements (then its performers,
#: correlations and supported processes), a sub-process's artifacts last
_ARTIFACTS = {"textAnnotation": 1, "association": 1, "group": 1}
_TRAILING: dict[str, dict[str, int]] = {
    "lane": {"childLaneSet": 1},
    "process": {
        **_ARTIFACTS,
        **dict.fromkeys(
            (
                "resourceRole",
                "performer",
                "humanPerformer",
                "potentialOwner",
                "correlationSubscription",
                "supports",
            ),
            2,
        ),
    },
    "subProcess": _ARTIFACTS,
    "transaction": _ARTIFACTS,
    "adHocSubProcess": _ARTIFACTS,
}


def _schema_order(root: Any) -> None:
    """Put each element's documentation, extensions and flows where the schema wants them.

    A file written by hand or by a generator may list a task's ``outgoing``
    before its ``incoming``, its ``documentation`` last, a text annotation among
    the flow elements or a lane's child lanes before its flow nodes: the order means
    nothing (SpiffWorkflow reads these children by name), but BPMN's schema
    fixes it, so the file would be refused for it.  Other children keep their
    order, and an element with text between its children is left as written.
    """
    for element in list(root.iter(f"{{{BPMN}}}*")):
        if element is root:
            continue  # definitions: imports and root elements, no documentation first
        children = [c for c in element if isinstance(c.tag, str)]
        if any(c.tail and c.tail.strip() for c in element):
            continue  # mixed content (an expression's text): moving children would move it
        names = [
            etree.QName(c).localname if etree.QName(c).namespace == BPMN else "" for c in children
        ]
        leading = _FLOW_NODE_LEADING if {"incoming", "outgoing"} & set(names) else _LEADING
        trailing = _TRAILING.get(etree.QName(element).localname, {})
        ranks = [
            leading.index(n) if n in leading else len(leading) + trailing.get(n, 0) for n in names
        ]
        order = sorted(range(len(children)), key=ranks.__getitem__)
        if order == list(range(len(children))):
            continue
        gap, last = children[0].tail, children[-1].tail
        for child in children:
            element.remove(child)
        for position, i in enumerate(order):
            children[i].tail = last if position == len(order) - 1 else gap
            element.append(children[i])


#: the events, whose definitions SpiffWorkflow reads (or leaves out)
EVENT_TAGS = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
)


def _links(root: Any, file: str) -> list[DefinitionProblem]:
    """Join each link throw event to the catching link of its name by a sequence flow.

    A pair of link events is a sequence flow drawn in two halves (across a
    page, or back to the start of a loop).  SpiffWorkflow reads neither: the
    token would end at the throw event, and the process complete without
    what follows the catch.  Both become plain intermediate events and a
    flow joins them; a throw event whose link no catch event of its process
    (or subprocess) names, or several do, is refused.
    """
    problems = []
    link = f"{{{BPMN}}}linkEventDefinition"
    for container in root.iter(*SUBPROCESS_TAGS):
        catches: dict[str, list[Any]] = {}
        for event in container.iterfind("bpmn:intermediateCatchEvent", NS):
            for definition in event.iterfind("bpmn:linkEventDefinition", NS):
                catches.setdefault((definition.get("name") or "").strip(), []).append(event)
        for event in container.iterfind("bpmn:intermediateThrowEvent", NS):
            definition = event.find(link)
            if definition is None:
                continue
            name = (definition.get("name") or "").strip()
            targets = catches.get(name, [])
            event.remove(definition)
            if len(targets) != 1:
                how_many = "no catching link event" if not targets else "several catching events"
                problems.append(
                    DefinitionProblem(
                        file,
                        event.get("id"),
                        f"its link {name!r} has {how_many} of that name in "
                        f"'{container.get('id')}' (a link joins two points of one process)",
                        code="definition.link_many" if targets else "definition.link_none",
                        params={"link": name, "container": container.get("id")},
                    )
                )
                continue
            flow = etree.Element(f"{{{BPMN}}}sequenceFlow")
            event.addnext(flow)  # among the flow elements, before any artifact (schema order)
            flow.set("id", f"{event.get('id')}__link")
            flow.set("sourceRef", event.get("id"))
            flow.set("targetRef", targets[0].get("id"))
        for events in catches.values():
            for event in events:
                # a plain intermediate event passes its token on (a catching one waits)
                event.tag = f"{{{BPMN}}}intermediateThrowEvent"
                for definition in event.findall(link):
                    event.remove(definition)
    return problems


#: the data a modeler draws beside the flow: objects, stores and references to them
DRAWN_DATA = frozenset({"dataObject", "dataObjectReference", "dataStore", "dataStoreReference"})


def _drawn_data(root: Any, file: str) -> list[DefinitionProblem]:
    """Take out a file's data objects and stores and associations with them; refuse others.

    In a file drawn for another engine they are drawing: Camunda, Activiti
    and Flowable move no data along them.  SpiffWorkflow would: it moves the
    value named by a data object's id out of the task's data when the task
    ends (failing the task when the data lack it, as a Camunda drawing's
    always do), and knows no data store the application has not registered.
    An association with anything else (jBPM's, from a process variable into
    a task's input) maps data the engine does not map: it is refused, naming
    the task, rather than left to SpiffWorkflow (which cannot resolve it, or
    ignores one with no source).
    """
    drawn = {
        element.get("id")
        for element in root.iter(*(f"{{{BPMN}}}{tag}" for tag in DRAWN_DATA))
        if element.get("id")
    }
    problems = []
    # what an association names, by the names of the inputs, outputs and variables it joins
    names = {
        element.get("id"): element.get("name") or element.get("id")
        for element in root.iter(
            *(f"{{{BPMN}}}{t}" for t in ("dataInput", "dataOutput", "property"))
        )
    }
    for tag, end in (("dataInputAssociation", "sourceRef"), ("dataOutputAssociation", "targetRef")):
        for association in list(root.iter(f"{{{BPMN}}}{tag}")):
            refs = [(r.text or "").strip() for r in association.iterfind(f"bpmn:{end}", NS)]
            if refs and all(ref in drawn for ref in refs):
                association.getparent().remove(association)
                continue
            owner = association.getparent()
            problems.append(
                DefinitionProblem(
                    file,
                    owner.get("id"),
                    f"its {tag}{_mapped(association, names)} maps data the engine does not "
                    "map: a task reads and writes the process's data as they are "
                    "(associations with data objects and stores are drawing, and are left out)",
                    code="definition.data_association",
                    params={"what": tag, "mapped": _mapped(association, names, " → ")},
                )
            )
            owner.remove(association)
    for element in list(root.iter(*(f"{{{BPMN}}}{tag}" for tag in DRAWN_DATA))):
        element.getparent().remove(element)  # else each instance's data would hold them
    return problems


def _mapped(association: Any, names: Mapping[str, str], arrow: str = "") -> str:
    """Say what a data association maps: `` from 'amount' into 'GroupId'``.

    With an ``arrow`` it says so in no language: ``'amount' → 'GroupId'``.
    """
    said = ""
    ends = []
    for end, word in (("sourceRef", "from"), ("targetRef", "into")):
        refs = [
            repr(names.get(ref.text.strip(), ref.text.strip()))
            for ref in association.iterfind(f"bpmn:{end}", NS)
            if (ref.text or "").strip()
        ]
        if not refs and end == "sourceRef" and association.find("bpmn:assignment", NS) is not None:
            refs = ["an expression" if not arrow else "…"]  # jBPM's assignment of a value
        if refs:
            said += f" {word} {', '.join(refs)}"
        ends.append(", ".join(refs) or "…")
    return arrow.join(ends) if arrow else said


#: what names a message, signal, error or escalation: the element, its attribute, the kind
_NAMED = (
    ("messageEventDefinition", "messageRef", "message"),
    ("sendTask", "messageRef", "message"),
    ("receiveTask", "messageRef", "message"),
    ("signalEventDefinition", "signalRef", "signal"),
    ("errorEventDefinition", "errorRef", "error"),
    ("escalationEventDefinition", "escalationRef", "escalation"),
)


def _unknown_references(roots: Sequence[tuple[str, Any]]) -> list[DefinitionProblem]:
    """Return a problem for every event or task naming a message (signal…) no file defines."""
    defined = {
        (kind, element.get("id"))
        for _, root in roots
        for kind in {kind for _, _, kind in _NAMED}
        for element in root.iter(f"{{{BPMN}}}{kind}")
    }
    problems = []
    for file, root in roots:
        for tag, attribute, kind in _NAMED:
            for element in root.iter(f"{{{BPMN}}}{tag}"):
                name = element.get(attribute)
                if name and (kind, name) not in defined:
                    owner = element if tag.endswith("Task") else element.getparent()
                    problems.append(
                        DefinitionProblem(
                            file,
                            owner.get("id"),
                            f"{attribute} '{name}' names no {kind} in these files",
                            code="definition.unknown_reference",
                            params={"what": kind, "name": name, "attribute": attribute},
                        )
                    )
    return problems


def _reference_children(root: Any) -> None:
    """Write each reference given as a child element as the attribute it is.

    Signavio (and drafts of BPMN 2.0 before the final schema) write the
    message an event, task or message flow names as ``<messageRef>id</messageRef>``
    inside it; the schema and SpiffWorkflow want the attribute, and without
    it an event would wait for a message named after the event instead.  The
    final schema has no such child anywhere, nor a signal's, error's or
    escalation's inside an event definition.
    """
    for child in list(root.iter(*(f"{{{BPMN}}}{tag}Ref" for _, _, tag in _NAMED))):
        owner = child.getparent()
        attribute = etree.QName(child).localname
        if attribute != "messageRef" and not etree.QName(owner).localname.endswith(
            "EventDefinition"
        ):
            continue  # an operation's errorRef: a reference the schema wants as a child
        reference = (child.text or "").strip()
        if reference and owner.get(attribute) in (None, reference):
            owner.set(attribute, reference)
            owner.remove(child)


#: where BPMN's namespaces and its diagram's are
_OMG = "http://www.omg.org/spec/"


def _name_flows(root: Any) -> None:
    """Give each sequence flow written without an id one made of its ends.

    BPMN's schema leaves a flow's id optional, and Flowable's and Activiti's
    files written by hand often leave it out (their engines name such a flow);
    SpiffWorkflow would leave it out.  The name is ``<source>_to_<target>``,
    numbered where that is taken: the same file always gets the same names.
    """
    flows = [
        flow
        for flow in root.iter(f"{{{BPMN}}}sequenceFlow")
        if flow.get("id") is None and flow.get("sourceRef") and flow.get("targetRef")
    ]
    if not flows:
        return
    taken = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for flow in flows:
        base = f"{flow.get('sourceRef')}_to_{flow.get('targetRef')}"[: LONGEST_ID - 8]
        given, number = base, 1
        while given in taken:
            number += 1
            given = f"{base}_{number}"
        taken.add(given)
        flow.set("id", given)


def _duplicate_ids(root: Any, file: str) -> list[DefinitionProblem]:
    """Name every id given to more than one element of a file, with the lines it is on.

    Only BPMN's and its diagram's ids are ids (``xs:ID``); an extension's
    ``id`` (SpiffWorkflow's service operator) names something else.
    """
    lines: dict[str, list[tuple[str, int]]] = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or element.get("id") is None:
            continue
        if (etree.QName(element).namespace or "").startswith(_OMG):
            lines.setdefault(element.get("id"), []).append(
                (etree.QName(element).localname, element.sourceline)
            )
    return [
        DefinitionProblem(
            file,
            element_id,
            f"this id is given to {len(given)} elements: "
            f"{', '.join(f'{tag} (line {line})' for tag, line in given)}; "
            "an id names one element of a file (rename all but one)",
            code="definition.duplicate_id",
            params={"count": len(given), "lines": [line for _, line in given]},
        )
        for element_id, given in lines.items()
        if len(given) > 1
    ]


#: the longest process or element id, and name, the store keeps (a work item's element, an
#: instance's process; a process's or work item's name, a message or signal waited for)
LONGEST_ID = 128
LONGEST_NAME = 256
#: the elements whose names the store keeps
_STORED_NAMES = frozenset({"process", "userTask", "manualTask", "message", "signal"})


def _too_long(root: Any, file: str) -> list[DefinitionProblem]:
    """Name every process or flow element whose id, and what the store keeps, is too long."""
    problems = []
    if len(file) > LONGEST_NAME:
        problems.append(
            DefinitionProblem(
                file[:60] + "…",
                None,
                f"the file's name is longer than {LONGEST_NAME} characters",
                code="definition.file_name_too_long",
                params={"most": LONGEST_NAME},
            )
        )
    for element in root.iter(f"{{{BPMN}}}*"):
        local = etree.QName(element).localname
        element_id = element.get("id") or ""
        shown = element_id if len(element_id) <= 60 else element_id[:60] + "…"
        if (local == "process" or local in FLOW_ELEMENTS) and len(element_id) > LONGEST_ID:
            problems.append(
                DefinitionProblem(
                    file,
                    shown,
                    f"the {local}'s id is {len(element_id)} characters long: "
                    f"the engine keeps ids of at most {LONGEST_ID}",
                    code="definition.id_too_long",
                    params={"what": local, "length": len(element_id), "most": LONGEST_ID},
                )
            )
        name = element.get("name") or ""
        if local in _STORED_NAMES and len(name) > LONGEST_NAME:
            problems.append(
                DefinitionProblem(
                    file,
                    shown or None,
                    f"the {local}'s name is {len(name)} characters long: "
                    f"the engine keeps names of at most {LONGEST_NAME}",
                    code="definition.name_too_long",
                    params={"what": local, "length": len(name), "most": LONGEST_NAME},
                )
            )
    return problems


#: the most attributes an element may have: lxml finds each attribute's value by its name, so
#: reading all of an element's costs the square of their number (30,000 on one cost 7 s)
MOST_ATTRIBUTES = 200
#: the most elements one file may have: reading a file takes a few dozen passes over all of
#: them before anything else can refuse it (300,000 empty extension elements, 8 MB, cost 11 s
#: of the deployment, and again whenever a process compiled the version)
MOST_ELEMENTS = 50_000
#: the most flow elements (activities, events, gateways, sequence flows) one file may have:
#: 20,000 tasks cost seconds to read before anything could refuse them
MOST_FLOW_ELEMENTS = 5000
#: the most sequence flows that may leave, or enter, one element: SpiffWorkflow's work on a
#: gateway grows with the square of its flows (500 branches of a parallel gateway cost 4 s of
#: one step, 1,000 cost 14 s and 5,000 minutes, in one move no bound of the step can stop)
MOST_FLOWS = 200


def _too_big(root: Any, file: str) -> list[DefinitionProblem]:
    """Name what makes a process too big to run: too many elements, or flows at one element."""
    elements = 0
    leaving: dict[str, int] = {}
    entering: dict[str, int] = {}
    for element in root.iter(f"{{{BPMN}}}*"):
        local = etree.QName(element).localname
        if local not in FLOW_ELEMENTS:
            continue
        elements += 1
        if local == "sequenceFlow":
            source, target = element.get("sourceRef") or "", element.get("targetRef") or ""
            leaving[source] = leaving.get(source, 0) + 1
            entering[target] = entering.get(target, 0) + 1
    problems = []
    if elements > MOST_FLOW_ELEMENTS:
        problems.append(
            DefinitionProblem(
                file,
                None,
                f"has {elements:,} activities, events, gateways and flows: at most "
                f"{MOST_FLOW_ELEMENTS:,} are run (split it into processes it calls)",
                code="definition.too_many_elements",
                params={"count": elements, "most": MOST_FLOW_ELEMENTS},
            )
        )
    for way, counted in (("leave", leaving), ("enter", entering)):
        for element_id, flows in counted.items():
            if flows > MOST_FLOWS:
                problems.append(
                    DefinitionProblem(
                        file,
                        element_id if len(element_id) <= 60 else None,
                        f"{flows:,} sequence flows {way} it: at most {MOST_FLOWS} may",
                        code=f"definition.too_many_flows_{way}",
                        params={"count": flows, "most": MOST_FLOWS},
                    )
                )
    return problems


def _unread(root: Any, file: str) -> list[DefinitionProblem]:
    """Name what makes a file unfit to read further: a DOCTYPE, many attributes or elements.

    BPMN and DMN need no DTD. The parser expands no entity in a text and fetches nothing, but
    an entity left in a text is an element SpiffWorkflow's schema check fails on with an
    internal error, and one in an attribute is expanded: refusing the DOCTYPE says why.
    """
    problems = []
    if root.getroottree().docinfo.doctype:
        problems.append(
            DefinitionProblem(
                file,
                None,
                "declares a DOCTYPE (a DTD or entities): BPMN and DMN files have none",
                code="definition.doctype",
            )
        )
    for elements, element in enumerate(root.iter(), 1):
        if elements > MOST_ELEMENTS:
            problems.append(
                DefinitionProblem(file, None, f"has more than {MOST_ELEMENTS:,} elements")
            )
            break
        if isinstance(element.tag, str) and len(element.attrib) > MOST_ATTRIBUTES:
            element_id = element.get("id")
            problems.append(
                DefinitionProblem(
                    file,
                    element_id if element_id is None or len(element_id) <= 60 else None,
                    f"the {etree.QName(element).localname} on line {element.sourceline} has "
                    f"{len(element.attrib):,} attributes: at most {MOST_ATTRIBUTES} are read",
                    code="definition.too_many_attributes",
                    params={
                        "what": etree.QName(element).localname,
                        "line": element.sourceline,
                        "count": len(element.attrib),
                        "most": MOST_ATTRIBUTES,
                    },
                )
            )
    return problems


def _local_references(root: Any) -> None:
    """Write references given as qualified names into the file's own namespace as plain ids.

    BPMN types most references as QNames, and Camunda's and other modelers write
    them so (``messageRef="tns:newInvoice"``, ``tns`` naming the file's
    ``targetNamespace``); SpiffWorkflow looks references up by id alone.  An id
    holds no colon, so only such a reference changes; one into another namespace
    stays as written (and is refused as unknown).
    """
    target = root.get("targetNamespace")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            if ":" not in value or "{" in attribute:
                continue
            if attribute.endswith("Ref") or attribute == "calledElement":
                prefix, _, local = value.partition(":")
                if target is not None and element.nsmap.get(prefix) == target:
                    element.set(attribute, local)


def _recursive_calls(calls: dict[str, list[tuple[str, str, str]]]) -> list[DefinitionProblem]:
    """Return a problem for every call activity that leads back to its own process.

    A process that calls itself, directly or through others, would open a new
    copy of itself without end while holding the database's write lock.
    """
    problems = []
    for process, called in calls.items():
        for element, target, file in called:
            stack, seen = [(target, [process, target])], {target}
            while stack:
                current, path = stack.pop()
                if current == process:
                    problems.append(
                        DefinitionProblem(
                            file,
                            element,
                            f"calls itself: {' -> '.join(path)} (recursion)",
                            code="definition.recursive_call",
                            params={"path": " → ".join(path)},
                        )
                    )
                    break
                for _, nxt, _ in calls.get(current, []):
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, [*path, nxt]))
    return problems


def _missing_callees(
    calls: Mapping[str, list[tuple[str, str, str]]], defined: Mapping[str, str]
) -> list[DefinitionProblem]:
    """Name every call activity whose calledElement no file deployed with it defines.

    SpiffWorkflow would say only that a process was not found, naming no element.
    """
    known = ", ".join(sorted(defined)) or "none"
    return [
        DefinitionProblem(
            file,
            element,
            f"its calledElement {target!r} names no process of the files deployed with it "
            f"(known: {known}): deploy the called process's file together with this one",
            code="definition.missing_callee",
            params={"process": target, "known": known},
        )
        for called in calls.values()
        for element, target, file in called
        if target not in defined
    ]


#: problems after which a file is not read again to name its elements: reading is what is refused
_UNREAD_AGAIN = frozenset(
    {"definition.doctype", "definition.too_many_attributes", "definition.bad_xml"}
)


def _passed_on(
    file: str, element_id: str | None, what: str, code: str, exc: Exception
) -> DefinitionProblem:
    """Return a problem in another library's words (``what: exc``), which no code says."""
    message = f"{what}: {exc}" if what else str(exc)
    return DefinitionProblem(file, element_id, message, code, {"detail": str(exc)})


def _named(problems: list[DefinitionProblem], files: Mapping[str, str]) -> list[DefinitionProblem]:
    """Return the problems with each element's kind and name, as its file gives them."""
    unread = {p.file for p in problems if p.code in _UNREAD_AGAIN}
    elements: dict[str, dict[str, tuple[str, str | None, tuple[tuple[str, str], ...]]]] = {}
    named = []
    for problem in problems:
        if problem.element_id is None or problem.file not in files or problem.file in unread:
            named.append(problem)
            continue
        if problem.file not in elements:
            elements[problem.file] = _elements(files[problem.file])
        kind, name, named_in = elements[problem.file].get(problem.element_id, (None, None, ()))
        named.append(
            replace(problem, element_kind=kind, element_name=name, element_labels=named_in)
        )
    return named


def _elements(text: str) -> dict[str, tuple[str, str | None, tuple[tuple[str, str], ...]]]:
    """Return a file's elements by id: each one's tag, name and names in other languages."""
    try:
        root = parse_xml(text)
    except etree.XMLSyntaxError:
        return {}
    found: dict[str, tuple[str, str | None, tuple[tuple[str, str], ...]]] = {}
    for element in root.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id and element_id not in found:
            name = " ".join((element.get("name") or "").split()) or None
            found[element_id] = (etree.QName(element).localname, name, labels(element))
    return found


def _from_spiff(exc: ValidationException, default_file: str) -> DefinitionProblem:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    code = "definition.spiff"
    if isinstance(exc.__cause__ or exc.__context__, RecursionError):
        # SpiffWorkflow reads a process by following its flows from one element to the next,
        # one call deeper each: Python's stack ends about 490 elements from the start.
        message = (
            f"too many elements one after another: a run of about {MAX_RUN} elements or more "
            "(counted from the start event) is deeper than the engine can read; put part of "
            "it in a subprocess or a call activity"
        )
        code = "definition.too_deep"
    if exc.line_number:
        message = f"{message} (line {exc.line_number})"
    params = {"detail": message, "most": MAX_RUN}
    return DefinitionProblem(exc.file_name or default_file, exc.id or None, message, code, params)
