"""Camunda 8 (Zeebe) files: what Camunda 7 also says, read as it; the rest refused.

A file drawn in Camunda Modeler for Camunda 8 writes its extensions in
Zeebe's namespace and its expressions in FEEL (``=amount > 1000``).  What has
a plain Camunda 7 equivalent is rewritten into it, and the file then goes
through the Camunda 7 dialect (``engine.camunda``) like any other:

- ``zeebe:assignmentDefinition``: an assignee, candidate groups or users,
  written as text or as FEEL naming one variable (``=approver``);
- ``zeebe:calledElement``: the called process, named as text, with every
  variable passed in and back (Zeebe's default), or, where it propagates not
  all (``propagateAllChildVariables="false"``, as Camunda Modeler writes a new
  call), its input or output mappings alone;
- ``zeebe:loopCharacteristics``: a multi-instance activity over the list a
  variable holds, each instance with its item;
- ``zeebe:ioMapping`` on a task: ``camunda:inputOutput``, each source read as
  a condition's FEEL is (or, without ``=``, a static text); on a start,
  intermediate or boundary event, its output mappings, run as it completes
  (``engine.mapped_events``);
- ``zeebe:subscription correlationKey``: the message reaches the instance
  whose key it carries (``correlate``);
- ``zeebe:taskSchedule dueDate`` (a date, a variable, ``=now() + duration(...)``):
  ``camunda:dueDate``; its follow-up date is left out, as Camunda 7's is;
- on a user task, ``zeebe:taskHeaders``: shown on its task page (Zeebe's own
  headers, ``io.camunda.zeebe:formKey``, ``…:assignee``, ``…:candidateGroups``,
  read as what they say), and ``zeebe:taskDefinition`` (the job type that
  served Camunda 8's task list before Camunda user tasks): a person does it;
- ``zeebe:script`` on a script task: its FEEL expression, read as a condition's
  is, run as the Python assigning its ``resultVariable``;
- ``zeebe:formDefinition`` naming a form embedded in the file
  (``zeebe:userTaskForm``): its input fields, as ``camunda:formData``; a form
  deployed apart from the file is dropped, as Camunda 7's external forms are;
- conditions, mappings, scripts and keys in the part of FEEL real models use
  (``engine.feel``), read as the JUEL that means the same.

A timer written as FEEL giving an ISO 8601 literal (``="PT1H"``,
``=duration("P3D")``, ``=date and time("2030-01-01T09:00:00Z")``) is that literal.
Everything else Zeebe runs (job workers, input mappings on events,
scripts a job worker runs, decisions, listeners, other FEEL timers and any other FEEL) is
refused, naming the element, the extension and why, rather than deployed to
run differently from what was drawn.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from lxml import etree

from .camunda import (
    CAMUNDA,
    EXPRESSION_TAGS,
    MAPPED_TASKS,
    TIMER_TAGS,
    default_language,
    evaluated_expressions,
    is_iso_timer,
    owner_id,
)
from .errors import DefinitionProblem
from .extensions import (
    BPMN,
    EVENT_OUTPUTS_PROPERTY,
    HEADER_PROPERTY_PREFIX,
    MAPPINGS_PROPERTY,
    SPIFF,
)
from .feel import FeelError, feel_as_juel
from .jsonforms import unfit_text
from .juel import IDENTIFIER, JuelError, translate_juel

#: Camunda 8's namespace, Zeebe's extensions
ZEEBE = "http://camunda.org/schema/zeebe/1.0"

#: Zeebe extensions that tune Camunda 8 or its task list alone: accepted and left out
IGNORED = frozenset(
    {
        "userTask",  # marks a Camunda user task (not a job worker's): all of ours are
        "properties",  # metadata for plugins and the modeler
        "versionTag",
        "priorityDefinition",
        "modelerTemplate",
        "modelerTemplateVersion",
        "modelerTemplateIcon",
    }
)
#: why each other Zeebe extension is refused
REFUSED = {
    "taskDefinition": "a job worker of that type runs the task in Camunda 8, and the engine "
    "runs none (use a user task, or a service task of the engine's own services)",
    "taskHeaders": "headers are for a job worker, and the engine runs none",
    "script": "a script a job worker runs is not run here (give the script task a FEEL "
    "expression and a result variable, or write it in Python)",
    "calledDecision": "a decision called the Camunda 8 way is not supported",
    "executionListeners": "execution listeners are not run here: each is a job for a worker "
    "of its type, and the engine runs no job workers (remove them, and do their work in a "
    "task of its own: a script task with a FEEL expression and a result variable, a user "
    "task, or a service task of the engine's own services)",
    "taskListeners": "task listeners are not run here: each is a job for a worker of its "
    "type, and the engine runs no job workers (remove them: say who does the task with "
    "zeebe:assignmentDefinition, and do other work in a task of its own before or after it)",
}
#: the events whose output mappings are run (``engine.mapped_events``)
_MAPPED_EVENTS = frozenset(
    {"startEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
#: what tells Camunda 8 which worker serves a user task's list (before Camunda user
#: tasks, 8.5, every user task was a job of type ``io.camunda.zeebe:userTask``)
_USER_TASK_WORKERS = frozenset({"taskDefinition", "taskHeaders"})
#: the headers Zeebe gave such a job for what a user task's extensions say, and the
#: ``zeebe:assignmentDefinition`` or ``zeebe:formDefinition`` attribute each is
_USER_TASK_HEADERS = {
    "io.camunda.zeebe:assignee": ("assignmentDefinition", "assignee"),
    "io.camunda.zeebe:candidateGroups": ("assignmentDefinition", "candidateGroups"),
    "io.camunda.zeebe:candidateUsers": ("assignmentDefinition", "candidateUsers"),
    "io.camunda.zeebe:formKey": ("formDefinition", "formKey"),
}
#: a timer's FEEL that gives a literal: ``="PT1H"``, ``=duration("P3D")``,
#: ``=date and time("2030-01-01T09:00:00Z")``, ``=cycle(duration("PT1H"))`` is not one
_FEEL_TIMER_LITERAL = re.compile(
    r'=\s*(?:"(?P<bare>[^"\\]*)"|(?:duration|date and time)\s*\(\s*"(?P<called>[^"\\]*)"\s*\))\s*\Z'
)
#: the FEEL read here, as a refusal says it
FEEL_READ = (
    "names, paths, numbers, strings, lists, comparisons, between, in [...], arithmetic, "
    "and, or, not(...), if then else, count, sum, string length, upper case, lower case, "
    "contains, starts with, ends with, list contains"
)
#: what stands for a refused expression: JUEL, as the file's other expressions now are
_NOTHING = "${null}"
#: a due date some time after the task's creation: ``=now() + duration("P2D")``
_FEEL_FROM_NOW = re.compile(r'=\s*now\(\s*\)\s*\+\s*duration\(\s*"([^"\\]*)"\s*\)\s*\Z')
#: how a user task names the form embedded in its process (``zeebe:userTaskForm``)
_EMBEDDED_FORM = "camunda-forms:bpmn:"
#: form-js's input fields and the Camunda 7 form field type each is
_FORM_JS_TYPES = {
    "textfield": "string",
    "textarea": "textarea",
    "number": "long",
    "checkbox": "boolean",
    "select": "enum",
    "radio": "enum",
}
#: form-js's components that show something and take no input
_FORM_JS_SHOWN = frozenset({"text", "html", "spacer", "separator", "image", "button"})
#: where a checked correlation key keeps its Python until ``correlate`` reads it
_KEY_PYTHON = "{http://gongkai.example/zeebe}key"
#: the Camunda 7 parameter each Zeebe mapping is
_MAPPINGS = {"input": "inputParameter", "output": "outputParameter"}


def read_feel(root: Any, file: str) -> list[DefinitionProblem]:
    """Read each expression whose language is FEEL (its own, or the file's) as Python.

    Trisotech and other modelers of OMG's FEEL name it as the language of a
    file's expressions (``http://www.omg.org/spec/FEEL/20140401``) and write
    them without Camunda 8's ``=``: the FEEL read here (``complete = true``, a
    cardinality ``2``) becomes the Python it means; any other is refused,
    naming the element and what is not read.
    """
    default = default_language(root)
    problems = []
    for expression in evaluated_expressions(root):
        source = (expression.text or "").strip()
        what = etree.QName(expression).localname
        if "feel" not in (expression.get("language") or default).lower() or not source:
            continue
        if what in TIMER_TAGS and is_iso_timer(what, source):
            continue
        try:
            expression.text = translate_juel(feel_as_juel(source)).python
        except (FeelError, JuelError) as exc:
            message = f"the {what} {source!r} is FEEL beyond what is read here: {exc}"
            problems.append(
                DefinitionProblem(
                    file,
                    owner_id(expression),
                    message,
                    code="definition.feel_beyond",
                    params={"what": what, "source": source, "detail": str(exc)},
                )
            )
            expression.text = "None"
        expression.set("language", "python")  # read: nothing else is to refuse it as FEEL
    return problems


class _Rewrite:
    def __init__(self, root: Any, file: str) -> None:
        self.root = root
        self.file = file
        self.problems: list[DefinitionProblem] = []

    def problem(self, element: Any, message: str) -> None:
        owner = element
        while owner is not None and (
            owner.get("id") is None or etree.QName(owner).namespace != BPMN
        ):
            owner = owner.getparent()
        self.problems.append(
            DefinitionProblem(
                self.file,
                owner.get("id") if owner is not None else None,
                message,
                code="definition.other_tool",
                params={"detail": message},
            )
        )

    def run(self) -> None:
        for called in list(self.root.iter(f"{{{ZEEBE}}}calledElement")):
            self._propagation(called)
        for element in list(self.root.iter()):
            if not isinstance(element.tag, str):
                continue
            if etree.QName(element).namespace == ZEEBE:
                self._extension(element)
            for attribute in list(element.attrib):
                name = etree.QName(attribute) if attribute.startswith("{") else None
                if name is not None and name.namespace == ZEEBE:
                    if name.localname not in IGNORED:
                        self.problem(element, f"zeebe:{name.localname} is not supported")
                    del element.attrib[attribute]
        for tag in (*EXPRESSION_TAGS, *TIMER_TAGS):
            for expression in self.root.iter(f"{{{BPMN}}}{tag}"):
                self._expression(expression, tag)
        for form in list(self.root.iter(f"{{{ZEEBE}}}userTaskForm")):
            form.getparent().remove(form)

    def _extension(self, extension: Any) -> None:
        kind = etree.QName(extension).localname
        owner = extension.getparent()
        if etree.QName(owner).namespace == ZEEBE:
            return  # a part of the extension it is in (an ioMapping's input, a header)
        if etree.QName(owner).localname == "extensionElements":
            owner = owner.getparent()
        readers = {
            "assignmentDefinition": self._assignment,
            "calledElement": self._called,
            "loopCharacteristics": self._loop,
            "ioMapping": self._io_mapping,
            "taskSchedule": self._schedule,
            "formDefinition": self._form,
            "script": self._script,
        }
        if kind == "userTaskForm":
            return  # read by the task whose formDefinition names it (``_form``), then dropped
        if kind == "subscription":
            self._subscription(owner, extension)
            return  # kept until the file's dialect is read (``correlate``)
        if etree.QName(owner).localname == "userTask" and kind in _USER_TASK_WORKERS:
            # a person does a user task: the task list that serves it is the engine's own
            if kind == "taskHeaders":
                self._headers(owner, extension)
        elif kind in readers:
            readers[kind](owner, extension)
        elif kind not in IGNORED:
            why = REFUSED.get(kind, "it is not supported")
            self.problem(owner, f"zeebe:{kind}: {why}")
        extension.getparent().remove(extension)

    def _value(self, element: Any, what: str, value: str) -> str | None:
        """Return a value written as text as it is, and FEEL naming a variable as JUEL."""
        if not value.startswith("="):
            return value
        name = value[1:].strip()
        if IDENTIFIER.match(name):
            return "${" + name + "}"
        self.problem(element, f"{what} {value!r}: FEEL other than a variable's name is not read")
        return None

    def _headers(self, task: Any, extension: Any) -> None:
        """Keep a user task's headers for its task page, reading Zeebe's own as what they say.

        Headers are static texts a task list shows beside the task (a region, a
        priority, a link).  Those Zeebe itself gave a user task's job
        (``io.camunda.zeebe:assignee``, ``…:candidateGroups``, ``…:formKey``)
        are read as the assignment or form they stand for.
        """
        shown: list[tuple[str, str]] = []
        for header in extension:
            if not isinstance(header.tag, str):
                continue
            key = (header.get("key") or "").strip()
            value = header.get("value") or ""
            if not key:
                self.problem(task, "zeebe:header: a header needs a key")
            elif key in _USER_TASK_HEADERS:
                kind, attribute = _USER_TASK_HEADERS[key]
                said = etree.Element(f"{{{ZEEBE}}}{kind}", {attribute: value})
                extension.addprevious(said)  # where the reader finds the task's extensions
                (self._assignment if kind == "assignmentDefinition" else self._form)(task, said)
                said.getparent().remove(said)
            else:
                shown.append((key, value))
        if shown:
            properties = etree.Element(f"{{{CAMUNDA}}}properties")
            for key, value in shown:
                etree.SubElement(
                    properties,
                    f"{{{CAMUNDA}}}property",
                    name=HEADER_PROPERTY_PREFIX + key,
                    value=value,
                )
            extension.addprevious(properties)

    def _assignment(self, task: Any, extension: Any) -> None:
        for attribute in ("assignee", "candidateGroups", "candidateUsers"):
            value = (extension.get(attribute) or "").strip()
            if not value:
                continue
            translated = self._value(task, f"zeebe:assignmentDefinition {attribute}", value)
            if translated is not None:
                task.set(f"{{{CAMUNDA}}}{attribute}", translated)

    def _propagation(self, extension: Any) -> None:
        """Pass only what Zeebe passes where a call propagates not all variables.

        ``propagateAllParentVariables="false"`` starts the called process with
        the call's input mappings alone, ``propagateAllChildVariables="false"``
        (Camunda Modeler's default for a new call activity) brings back its
        output mappings alone, their sources read over the called process's
        variables.  Both given as the call's variable mappings
        (``engine.calls``); the call's ``zeebe:ioMapping`` is read here.
        Where both propagate every variable, the mappings stay the call's
        input and output parameters, as on any task.
        """
        parent, child = (
            (extension.get(name) or "true").strip() != "false"
            for name in ("propagateAllParentVariables", "propagateAllChildVariables")
        )
        if parent and child:
            return
        extensions = extension.getparent()
        call = extensions.getparent()
        mappings: dict[str, list[dict[str, Any]]] = {
            "in": [{"all": True}] if parent else [],
            "out": [{"all": True}] if child else [],
        }
        for io in list(extensions.iterfind(f"{{{ZEEBE}}}ioMapping")):
            for mapping in io:
                read = self._mapping(call, mapping) if isinstance(mapping.tag, str) else None
                if read is None:
                    continue
                kind, target, juel = read
                source = (mapping.get("source") or "").strip()
                python = repr(source) if juel is None else translate_juel(juel).python
                mappings["in" if kind == "input" else "out"].append(
                    {"expression": python, "target": target}
                )
            extensions.remove(io)
        properties = etree.SubElement(extensions, f"{{{CAMUNDA}}}properties")
        etree.SubElement(
            properties,
            f"{{{CAMUNDA}}}property",
            name=MAPPINGS_PROPERTY,
            value=json.dumps(mappings, sort_keys=True),
        )

    def _mapping(self, owner: Any, mapping: Any) -> tuple[str, str, str | None] | None:
        """Return an input or output mapping's kind, target and JUEL, or name its problem.

        The JUEL is None for a static source (a text as it is, as Zeebe reads one).
        """
        kind = etree.QName(mapping).localname
        target = (mapping.get("target") or "").strip()
        source = (mapping.get("source") or "").strip()
        where = f"zeebe:{kind} {target!r}"
        if kind not in _MAPPINGS:
            self.problem(owner, f"zeebe:ioMapping holds {kind}, which is not supported")
            return None
        if not IDENTIFIER.match(target) or keyword.iskeyword(target):
            self.problem(owner, f"{where}: the target must be a variable's name")
            return None
        if not source.startswith("="):
            if "{" in source:
                self.problem(owner, f"{where}: a static source holds no braces")
                return None
            return kind, target, None
        try:
            juel = feel_as_juel(source)
            translate_juel(juel)
        except (FeelError, JuelError) as exc:
            self.problem(owner, f"{where}: the source {source!r} is not read here: {exc}")
            return None
        return kind, target, juel

    def _called(self, call: Any, extension: Any) -> None:
        process = (extension.get("processId") or "").strip()
        if not process or process.startswith("="):
            self.problem(call, f"zeebe:calledElement processId {process!r}: name the process")
            return
        call.set("calledElement", process)

    def _loop(self, loop: Any, extension: Any) -> None:
        if extension.get("outputCollection") or extension.get("outputElement"):
            self.problem(
                loop, "zeebe:loopCharacteristics outputCollection: gathering is not supported"
            )
        collection = (extension.get("inputCollection") or "").strip()
        translated = self._value(loop, "zeebe:loopCharacteristics inputCollection", collection)
        if translated is None:
            return
        loop.set(f"{{{CAMUNDA}}}collection", translated)
        element = (extension.get("inputElement") or "").strip()
        if element:
            loop.set(f"{{{CAMUNDA}}}elementVariable", element)

    def _script(self, task: Any, extension: Any) -> None:
        """Run a script task's FEEL expression as the Python script it means.

        Camunda 8 gives a script task a FEEL expression whose value goes into
        ``resultVariable`` (``=order.total * 2``); in the FEEL read here it
        becomes ``doubled = order["total"] * 2`` in Python.  A script a job worker
        runs (no expression) is refused with the job worker.
        """
        expression = (extension.get("expression") or "").strip()
        result = (extension.get("resultVariable") or "").strip()
        python = None
        if etree.QName(task).localname != "scriptTask" or not expression:
            self.problem(task, f"zeebe:script: {REFUSED['script']}")
        elif not IDENTIFIER.match(result) or keyword.iskeyword(result):
            self.problem(task, f"zeebe:script resultVariable {result!r}: name a variable")
        else:
            try:
                python = translate_juel(feel_as_juel(expression)).python
            except (FeelError, JuelError) as exc:
                self.problem(
                    task, f"zeebe:script expression {expression!r} is not read here: {exc}"
                )
        if etree.QName(task).localname != "scriptTask":
            return
        for old in task.findall(f"{{{BPMN}}}script"):
            task.remove(old)
        task.set("scriptFormat", "python")
        # a script refused runs nothing: the problem above is what the task is refused for
        etree.SubElement(task, f"{{{BPMN}}}script").text = (
            "pass" if python is None else f"{result} = {python}"
        )

    def _schedule(self, task: Any, extension: Any) -> None:
        """Read a user task's due date as the ``camunda:dueDate`` it means.

        A date and time as it is, FEEL naming a variable that holds one, or
        ``=now() + duration("P2D")``: that long after the task is created.  The
        follow-up date only reminds in Camunda's task list, and is left out as
        Camunda 7's is.
        """
        due = (extension.get("dueDate") or "").strip()
        if not due:
            return
        after = _FEEL_FROM_NOW.match(due)
        if after is not None and is_iso_timer("timeDuration", after.group(1)):
            task.set(f"{{{CAMUNDA}}}dueDate", after.group(1))
            return
        translated = self._value(task, "zeebe:taskSchedule dueDate", due)
        if translated is not None:
            task.set(f"{{{CAMUNDA}}}dueDate", translated)

    def _form(self, task: Any, extension: Any) -> None:
        """Give a user task the fields of the Camunda Form embedded in its process.

        Camunda Modeler embeds a form as ``zeebe:userTaskForm`` (form-js JSON) and
        names it ``camunda-forms:bpmn:<id>``: its input fields become the task's
        ``camunda:formData``.  A form linked by id or key (deployed apart from the
        file), or one holding a field of another kind, is dropped as Camunda 7's
        external forms are: the task shows its own generic form.
        """
        key = (extension.get("formKey") or "").strip()
        if not key.startswith(_EMBEDDED_FORM):
            return
        embedded = key.removeprefix(_EMBEDDED_FORM)
        for form in self.root.iter(f"{{{ZEEBE}}}userTaskForm"):
            if form.get("id") == embedded:
                form_data = form_js_fields(form.text or "")
                if form_data is not None:
                    extensions = extension.getparent()
                    extensions.append(form_data)
                return

    def _subscription(self, message: Any, extension: Any) -> None:
        """Check a message's correlation key: FEEL that the engine reads."""
        key = (extension.get("correlationKey") or "").strip()
        if not key:
            extension.getparent().remove(extension)
            return
        try:
            if not key.startswith("="):
                raise FeelError("write it as FEEL, as =orderId")
            extension.set(_KEY_PYTHON, translate_juel(feel_as_juel(key)).python)
        except (FeelError, JuelError) as exc:
            self.problem(message, f"zeebe:subscription correlationKey {key!r}: {exc}")
            extension.getparent().remove(extension)

    def _io_mapping(self, owner: Any, extension: Any) -> None:
        """Rewrite input and output mappings as the ``camunda:inputOutput`` they mean.

        Each mapping's target is a variable's name; its source is FEEL (``=total``,
        ``="text"``, read as conditions are) or, without ``=``, a text as it is,
        as Zeebe reads a static value.  Camunda 7's dialect then runs inputs
        before the task and outputs after it (``camunda._input_output``).
        """
        kind = etree.QName(owner).localname
        if kind in _MAPPED_EVENTS:
            self._event_outputs(owner, extension)
            return
        if kind not in MAPPED_TASKS and kind != "scriptTask":
            self.problem(
                owner,
                f"zeebe:ioMapping on a {kind} is not supported (map the variables in the task "
                "before or after it)",
            )
            return
        io = etree.Element(f"{{{CAMUNDA}}}inputOutput")
        for mapping in extension:
            read = self._mapping(owner, mapping) if isinstance(mapping.tag, str) else None
            if read is None:
                continue
            kind, target, juel = read
            value = (mapping.get("source") or "").strip() if juel is None else juel
            parameter = etree.SubElement(io, f"{{{CAMUNDA}}}{_MAPPINGS[kind]}", name=target)
            parameter.text = value  # JUEL, as the Camunda dialect reads a parameter's text
        if len(io):
            extension.addprevious(io)

    def _event_outputs(self, event: Any, extension: Any) -> None:
        """Give an event's output mappings as the Python it runs as it completes.

        Each target gets its source, read over the event's data: what the
        process held, and what a message or signal caught brought (which,
        as any Camunda file's, becomes data too).  An event has no input
        mappings here: in Camunda 8 they feed its job worker, which the engine
        runs none of.
        """
        lines = []
        for mapping in extension:
            read = self._mapping(event, mapping) if isinstance(mapping.tag, str) else None
            if read is None:
                continue
            kind, target, juel = read
            if kind == "input":
                self.problem(
                    event,
                    f"zeebe:input {target!r}: an event's input mappings are not supported "
                    "(set the variable with an output mapping, or in the task before it)",
                )
                continue
            source = (mapping.get("source") or "").strip()
            python = repr(source) if juel is None else translate_juel(juel).python
            lines.append(f"{target} = {python}")
        if lines:
            properties = etree.Element(f"{{{CAMUNDA}}}properties")
            etree.SubElement(
                properties,
                f"{{{CAMUNDA}}}property",
                name=EVENT_OUTPUTS_PROPERTY,
                value="\n".join(lines),
            )
            extension.addprevious(properties)

    def _expression(self, expression: Any, tag: str) -> None:
        source = (expression.text or "").strip()
        if not source.startswith("="):
            return  # an ISO 8601 timer, read as one
        literal = _FEEL_TIMER_LITERAL.match(source)
        text = (literal.group("bare") or literal.group("called") or "") if literal else ""
        if tag in TIMER_TAGS and is_iso_timer(tag, text):
            expression.text = text  # a literal written as FEEL: the ISO 8601 text it gives
            return
        if tag in TIMER_TAGS:
            self.problem(
                expression.getparent(),
                f"the {tag} {source!r} is FEEL: write the ISO 8601 duration, date or cycle itself",
            )
            expression.text = _NOTHING
            return
        try:
            expression.text = feel_as_juel(source)
        except FeelError as exc:
            self.problem(
                expression.getparent(),
                f"the {tag} {source!r} is FEEL beyond what is read here ({exc}): {FEEL_READ}",
            )
            expression.text = _NOTHING


def form_js_fields(source: str) -> Any:
    """Return the ``camunda:formData`` of a form-js form's input fields (None: not all read).

    Text fields and areas are strings, a number a whole number, a checkbox yes or
    no, a select or radio group a choice of its static values, a date picker a
    date; texts, headings and spacers show nothing to fill in.  A required field
    is required; a disabled or read-only one is shown, not edited.
    """
    try:
        form = json.loads(source)
    except ValueError:
        return None
    components = form.get("components") if isinstance(form, dict) else None
    if not isinstance(components, list) or unfit_text(form):
        return None  # a label no page can show (a lone surrogate) failed the deployment
    form_data = etree.Element(f"{{{CAMUNDA}}}formData")
    for component in components:
        if not isinstance(component, dict):
            return None
        kind = str(component.get("type"))
        if kind in _FORM_JS_SHOWN:
            continue
        key = component.get("key")
        if kind == "number" and component.get("decimalDigits"):
            return None  # a decimal: no whole number
        field_type = _FORM_JS_TYPES.get(kind) if kind != "datetime" else _date_type(component)
        if field_type is None or not isinstance(key, str) or not IDENTIFIER.match(key):
            return None
        label = str(component.get("label") or key)
        field = etree.SubElement(form_data, f"{{{CAMUNDA}}}formField", id=key, label=label)
        field.set("type", field_type)
        if field_type == "enum":
            values = component.get("values")
            if not isinstance(values, list) or not values:
                return None  # choices an expression or a variable gives
            for value in values:
                if not isinstance(value, dict) or not isinstance(value.get("value"), str):
                    return None
                etree.SubElement(
                    field,
                    f"{{{CAMUNDA}}}value",
                    id=value["value"],
                    name=str(value.get("label") or value["value"]),
                )
        checks = component.get("validate")
        constraints = []
        if isinstance(checks, dict) and checks.get("required") is True:
            constraints.append("required")
        if component.get("disabled") is True or component.get("readonly") is True:
            constraints.append("readonly")
        if constraints:
            validation = etree.SubElement(field, f"{{{CAMUNDA}}}validation")
            for name in constraints:
                etree.SubElement(validation, f"{{{CAMUNDA}}}constraint", name=name)
    return form_data


def _date_type(component: dict[str, Any]) -> str | None:
    """Return the field type of a form-js date and time picker: a date alone is read."""
    return "date" if component.get("subtype", "date") == "date" else None


def correlate(root: Any) -> None:
    """Correlate each message a ``zeebe:subscription`` keys the BPMN way, as Zeebe does.

    Zeebe gives a message to the instance whose key (``correlationKey``, FEEL
    over its variables, evaluated when the event starts to wait) equals the
    key the message is published with.  Here the message carries its key as
    the instance holds it: ``=orderId`` takes a message whose payload's
    ``orderId`` is the instance's (SpiffWorkflow's process variable
    correlation).  Run once the file's dialect is read, as it adds
    SpiffWorkflow's own extensions.
    """
    for extension in list(root.iter(f"{{{ZEEBE}}}subscription")):
        message = extension.getparent().getparent()
        python = extension.get(_KEY_PYTHON)
        extension.getparent().remove(extension)
        message_id = message.get("id")
        if python is None or not message_id:
            continue
        key = f"zeebe_correlation_{message_id}"
        collaboration = root.find(f"{{{BPMN}}}collaboration")
        if collaboration is None:
            collaboration = etree.Element(f"{{{BPMN}}}collaboration", id=f"{key}_collaboration")
            message.addprevious(collaboration)  # among the root elements, before any diagram
        held = etree.SubElement(
            collaboration, f"{{{BPMN}}}correlationKey", id=f"{key}_key", name=key
        )
        etree.SubElement(held, f"{{{BPMN}}}correlationPropertyRef").text = key
        prop = etree.Element(f"{{{BPMN}}}correlationProperty", id=key, name=key)
        message.addnext(prop)
        retrieval = etree.SubElement(
            prop, f"{{{BPMN}}}correlationPropertyRetrievalExpression", messageRef=message_id
        )
        etree.SubElement(retrieval, f"{{{BPMN}}}messagePath").text = python
        receivers = [
            *root.iter(f"{{{BPMN}}}messageEventDefinition"),
            *root.iter(f"{{{BPMN}}}receiveTask"),
        ]
        for receiver in receivers:
            event = receiver.getparent()
            if receiver.get("messageRef") != message_id or (
                etree.QName(event).localname == "startEvent"
                and etree.QName(event.getparent()).localname == "process"
            ):
                continue  # a process's message start: Zeebe correlates none, it starts one
            extensions = receiver.find(f"{{{BPMN}}}extensionElements")
            if extensions is None:
                extensions = etree.Element(f"{{{BPMN}}}extensionElements")
                receiver.insert(0, extensions)
            held = etree.SubElement(extensions, f"{{{SPIFF}}}processVariableCorrelation")
            etree.SubElement(held, f"{{{SPIFF}}}propertyId").text = key
            etree.SubElement(held, f"{{{SPIFF}}}expression").text = python


def translate(root: Any, file: str) -> list[DefinitionProblem]:
    """Rewrite a Camunda 8 document in place into Camunda 7's dialect; return what cannot run."""
    rewrite = _Rewrite(root, file)
    rewrite.run()
    return rewrite.problems
