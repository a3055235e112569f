"""The Camunda 7 dialect: BPMN files drawn with Camunda Modeler, made runnable or refused.

A file that declares Camunda's namespace is rewritten, once at deployment
(and again, identically, whenever its definition is compiled), into the
SpiffWorkflow dialect the engine runs, so that the same checks, specs,
stored states and replays serve both dialects:

- ``camunda:candidateGroups`` (one group or several, comma-separated) names
  the groups of a user task, in a lane or not (the task's own words are more
  particular than the lane it is drawn in, and Camunda's lanes assign
  nothing): a member of any may take it; a task with a ``camunda:assignee``
  and no candidate groups is his, whatever lane it is drawn in;
  ``camunda:assignee="${initiator}"`` (the variable the
  start event's ``camunda:initiator`` names), or Activiti's and Flowable's
  ``$INITIATOR``, gives the task to whoever
  started the instance (``onlyActorsOf`` the start events); any other
  ``camunda:assignee`` or ``camunda:candidateUsers`` (names, or JUEL giving a
  name or a list) becomes ``onlyUsers``, the users who alone may take it;
  candidate users beside candidate groups become ``candidateUsers``: a listed
  user or a member of a listed group may take the task, as in Camunda;
- ``camunda:formData`` fields become the task's generic form, built from a
  JSON Schema like SpiffWorkflow's own forms (``camunda:formKey`` alone: the
  confirmation form); on a process's start event, the form of its start data;
- ``camunda:decisionRef`` names a decision of the DMN files deployed with the
  BPMN (SpiffWorkflow's ``calledDecisionId``): its outputs become variables, and
  ``camunda:resultVariable`` gets them as ``camunda:mapDecisionResult`` says;
- JUEL ``${...}`` in conditions, timers, loops, due dates and
  ``camunda:inputOutput`` is translated into Python by a small tokenizer and
  translator (``engine.juel``) that emits nothing but names, literals,
  operators, subscripts and parentheses; the result then passes the
  sandbox's deploy checks like any Python expression;
- an external task (Flowable's external worker) whose topic is one of the
  engine's services calls it;
- BPMN's ``humanPerformer`` and ``potentialOwner`` are the assignee and the
  candidates (``user(...)``, ``group(...)``), as Camunda and Activiti read them;
  Activiti's and Flowable's ``formProperty`` lists are read as the
  ``formData`` they mean;
- a file with no JUEL at all was drawn for SpiffWorkflow's own Camunda parser:
  its expressions and scripts are Python, read as SpiffWorkflow reads them.

What cannot run here (Java delegates, Groovy or JavaScript scripts, method
calls in JUEL, listeners, ...) is refused, naming the
element and the reason, rather than deployed to fail when it is reached.

``foreign_expressions`` does the same for files outside this dialect: an
expression whose ``language`` (or file's ``expressionLanguage``) is neither
Python nor JUEL is refused rather than evaluated as Python.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree
from marshmallow import ValidationError, validate
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from . import jsonforms
from .access import ANYONE, USERNAME
from .errors import DefinitionProblem, Problem
from .extensions import (
    BPMN,
    BPMNDI,
    CANDIDATES_PROPERTY,
    CODE_VARIABLE,
    DUE_PROPERTY,
    FORM_PROPERTY,
    GROUPS_PROPERTY,
    MAPPINGS_PROPERTY,
    MESSAGE_VARIABLE,
    ONLY_PROPERTY,
    SPIFF,
    USERS_PROPERTY,
)
from .forms import FormSchema
from .juel import (
    IDENTIFIER,
    LOOP_COUNTS,
    OPENERS,
    JuelError,
    Translated,
    translate_juel,
    translate_template,
)
from .restricted import ScriptRefused, check_source

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
#: the namespaces of the same extensions under older or other names: Camunda 7.0-7.3's
#: (Activiti's, which Camunda's engine still reads), the one Camunda's own engine tests
#: declare, and Flowable's (Activiti's attributes, renamed)
ALIASES = frozenset(
    {"http://activiti.org/bpmn", "http://camunda.org/bpmn", "http://flowable.org/bpmn"}
)
#: the target namespace Activiti's and Flowable's modelers and user guides give a file, which
#: may declare none of their extensions (Flowable's FinancialReportProcess: a plain BPMN file
#: whose potentialOwner names the group, as Flowable reads it)
VENDOR_TARGET = re.compile(r"https?://(?:www\.)?(?:activiti|flowable)\.(?:org|com)/", re.I)
#: Flowable's and Activiti's modelers' record of whether the instance's starter may complete
#: a task whoever it is assigned to (read by their task apps, not their engines): nothing
#: more where the starter is its assignee, else refused (``definitions``) unless false
MODELER_INITIATOR = (
    "{http://flowable.org/modeler}initiator-can-complete",
    "{http://activiti.com/modeler}initiator-can-complete",
)
#: the assignee Activiti's and Flowable's modelers write for whoever started the instance
INITIATOR = "$INITIATOR"
#: the prefix of the names of the forms made of ``camunda:formData``
FORM_PREFIX = "camunda:"

#: Camunda attributes that only tune Camunda's own job executor, history or task list:
#: nothing of them changes what a process does, so they are accepted and ignored.
IGNORED_ATTRIBUTES = frozenset(
    {
        "async",  # Camunda 7.0's name of asyncBefore
        "asyncBefore",
        "asyncAfter",
        "exclusive",
        "jobPriority",
        "taskPriority",
        "priority",
        # when Camunda's task list shows a user task again: a reminder in its list, which
        # neither decides who takes the task nor when the process goes on
        "followUpDate",
        # an error's message text, which only a Java delegate or a catching event's
        # errorMessageVariable reads (``_caught_variables``)
        "errorMessage",
        "historyTimeToLive",
        "versionTag",
        "isStartableInTasklist",
        "calledElementBinding",
        "calledElementVersion",
        "calledElementVersionTag",
        "calledElementTenantId",
        # the element template Camunda Modeler filled the element in from
        "modelerTemplate",
        "modelerTemplateVersion",
        # Flowable's: whether its own form engine checks a form (the engine always does),
        # and a task's category in Flowable's task list
        "formFieldValidation",
        "category",
        # when Camunda evaluates a conditional event's condition (on which variable's
        # changes): the event fires when its condition holds all the same
        "variableName",
        "variableEvents",
        # how Flowable finds the called process (by key, in the same deployment, the
        # default tenant) and whether it passes the business key; a call with no
        # camunda:in or camunda:out passes every variable in and back here in any case
        "calledElementType",
        "sameDeployment",
        "fallbackToDefaultTenant",
        "inheritBusinessKey",
        "inheritVariables",
        # 芋道 (ruoyi-vue-pro)'s BPM module picks a task's people by a strategy of its own
        # and the ids of its own users, roles and departments (candidateStrategy="30"
        # candidateParam="145"), which name nobody here: the task is its lane's group's, or
        # the default group's, as a task no lane or candidate group assigns
        "candidateStrategy",
        "candidateParam",
        # whether Flowable fetches all of an instance's executions at once: how fast, not what
        "isEagerExecutionFetching",
    }
)
#: attributes that do nothing written empty, as modelers leave them
IGNORED_WHEN_EMPTY = frozenset({"skipExpression"})
#: what RuoYi-Flowable's designer keeps on a user task for its own panel: how the assignee
#: was picked (dataType "INITIATOR", "USERS", …) and the picked people's names (text), the
#: task page's buttons to add a signer or hand the task on (isSign, isTransfer); the task's
#: people are in its assignee, candidateUsers and candidateGroups, which it writes as well
DESIGNER_HINTS = frozenset({"dataType", "text", "isSign", "isTransfer"})
#: RuoYi-Flowable's record of a user task's multi-instance choice: it does nothing where the
#: choice is none ("Null") or the task has the multi-instance loop it stands for
LOOP_HINTS = frozenset({"multiLoopType", "isSequential"})
#: why an attribute is refused, where more can be said than that it is not supported
ATTRIBUTES_REFUSED = {
    "skipExpression": (
        ": the engine cannot skip an activity by an expression (Flowable skips it when "
        "the expression holds and the instance enables skipping)"
    ),
    "candidateStarterUsers": (
        ": the engine lets groups start a process, not users (use candidateStarterGroups)"
    ),
    **dict.fromkeys(
        ("multiLoopType", "isSequential"),
        ": RuoYi-Flowable's designer chose several instances, but the task has no "
        "multiInstanceLoopCharacteristics saying how many (draw the loop)",
    ),
}
#: what joins the parts of a dotted form field id into the name its form field has
NESTED_JOIN = "__"
#: marks a form field ``readonly`` constrains: the form leaves it out (nobody edits it)
READONLY = "camunda:readonly"
#: the words a boolean field's default value is written in (SpiffWorkflow's files say Yes/No)
BOOLEAN_WORDS = {"true": True, "false": False, "yes": True, "no": False}
#: what comes before a multi-instance loop's input reference and item, in the schema's order
ITEM_AFTER = ("documentation", "extensionElements", "loopCardinality", "loopDataInputRef")
#: the names a script task's scriptFormat gives Python by
PYTHON_FORMATS = frozenset(
    {"python", "py", "python3", "jython", "text/x-python", "text/python", "application/x-python"}
)
#: script languages other than Python that Camunda and other engines run
OTHER_LANGUAGES = frozenset(
    {
        "javascript",
        "js",
        "ecmascript",
        "nashorn",
        "graal.js",
        "groovy",
        "juel",
        "ruby",
        "jruby",
        "kotlin",
        "java",
        "feel",
        "xquery",
        "xslt",
        "velocity",
        "freemarker",
        "mvel",
        "text/javascript",
        "application/javascript",
    }
)
#: the words of a script format naming a language: ``http://www.java.com/java`` (jBPM's,
#: Kogito's) names Java, ``text/x-groovy`` Groovy
_FORMAT_WORDS = re.compile(r"[a-z][a-z0-9]*")


def other_language(language: str) -> bool:
    """Tell whether a script format or expression language names one known not to be Python."""
    language = language.strip().lower()
    if language in PYTHON_FORMATS:
        return False
    return language in OTHER_LANGUAGES or any(
        word in OTHER_LANGUAGES for word in _FORMAT_WORDS.findall(language)
    )


def script_format_refused(language: str) -> str:
    """Return why a script task in another language than Python is refused."""
    return (
        f"its scriptFormat is {language!r}: the engine runs python scripts only "
        "(rewrite it in Python or use a service task)"
    )


#: the language BPMN gives the expressions of a file that names none: modelers write it
#: on ``definitions`` whatever their expressions are in (Activiti's, Flowable's, Signavio's)
XPATH = "http://www.w3.org/1999/XPath"


def default_language(root: Any) -> str:
    """Return the language a file's ``expressionLanguage`` gives its expressions, if any.

    Only a file in no engine's dialect means it: jBPM writes MVEL there and
    Bonita Groovy, while Camunda, Activiti, Flowable and SpiffWorkflow give an
    expression that names no language their own (JUEL, or Python), and
    BPMN's default (XPath) is written by modelers that do not mean it.
    """
    if declares(root, SPIFF) or any(declares(root, n) for n in (CAMUNDA, *ALIASES)):
        return ""
    language = (root.get("expressionLanguage") or "").strip()
    return "" if language.lower() == XPATH.lower() else language


def language_refused(what: str, language: str, inherited: bool = False) -> str:
    """Return why an expression written in another language than Python or JUEL is refused."""
    named = f"{language!r} (the file's expressionLanguage)" if inherited else repr(language)
    return (
        f"the {what} is written in {named}, which the engine does not evaluate: expressions "
        "are python, or JUEL ${...} in a file drawn for Camunda, Activiti or Flowable "
        "(rewrite it in Python)"
    )


def feel_refused(what: str) -> str:
    """Return why an expression written in FEEL with Camunda 8's leading ``=`` is refused."""
    return (
        f"the {what} is a FEEL expression (Camunda 8 writes one with a leading '='), which "
        "the engine does not evaluate: rewrite it in Python"
    )


def foreign_expressions(root: Any, file: str) -> list[DefinitionProblem]:
    """Refuse every expression of a file outside Camunda's dialect written in another language.

    SpiffWorkflow evaluates every expression as Python whatever its
    ``language`` says: a jBPM condition in MVEL or Java (``amount > 5``,
    ``return amount > 5;``) or a Bonita one in Groovy would be run as Python,
    or fail to compile with a message that does not say why.  Each is named
    with its language and left out (``None``), so that nothing else is reported of
    it.  A file drawn for SpiffWorkflow keeps its expressions Python unless
    their language is one known not to be (SpiffWorkflow's own files write
    ``language="true"``); a timer written as an ISO 8601 literal is one in
    any language.
    """
    spiff = declares(root, SPIFF)
    default = default_language(root)
    problems = []
    for expression in evaluated_expressions(root):
        source = (expression.text or "").strip()
        own = (expression.get("language") or "").strip()
        language = own or default
        what = etree.QName(expression).localname
        if source.startswith("=") and not source.startswith("=="):
            # no Python begins so: Camunda 8 marks its FEEL expressions with it
            problems.append(
                DefinitionProblem(
                    file,
                    owner_id(expression),
                    feel_refused(what),
                    code="definition.feel",
                    params={"what": what},
                )
            )
            expression.text = "None"
            continue
        if not source or not language or language.lower() in PYTHON_FORMATS:
            continue
        if (what in TIMER_TAGS and is_iso_timer(what, source)) or (
            spiff and not other_language(language)
        ):
            continue
        if language.lower() == "juel":  # JUEL is translated, but this is not written ${...}
            message = f"the {what} {source!r} names JUEL but is not a JUEL expression ${{...}}"
            code = "definition.not_juel"
        else:
            message = language_refused(what, language, inherited=not own)
            code = "definition.expression_language"
        params = {"what": what, "source": source, "language": language}
        problems.append(DefinitionProblem(file, owner_id(expression), message, code, params))
        expression.text = "None"
        expression.attrib.pop("language", None)
    return problems


def evaluated_expressions(root: Any) -> list[Any]:
    """Return the expressions of a document SpiffWorkflow evaluates, in document order.

    Conditions, loops, timers and what correlates a message.
    """
    tags = {_b(tag) for tag in (*EXPRESSION_TAGS, *TIMER_TAGS)}
    retrieval = _b("correlationPropertyRetrievalExpression")
    return [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and (element.tag in tags or getattr(element.getparent(), "tag", None) == retrieval)
    ]


#: Camunda extension elements that are ignored likewise (retries of Camunda's jobs, and
#: what only Flowable's own applications read)
IGNORED_ELEMENTS = frozenset(
    {
        "failedJobRetryTimeCycle",
        # Flowable Design's (Flowable's modeler's) records: whether Flowable Work checks a
        # start form's fields (the engine always checks its forms), and how much history
        # Flowable keeps of the process, which neither changes what the process does
        "work-form-field-validation",
        "historyLevel",
    }
)
#: Flowable Design's records of a choice a task's own words already make: they do nothing
#: when they say what the task says (``_design_record``, ``_drop_form_key``), and are
#: refused, saying so, when not
DESIGN_RECORDS = {
    "task-candidates-type": (
        "Flowable Design's choice of a task's candidates is not read here: the task's "
        "people are its assignee, candidateUsers and candidateGroups (name them there and "
        "choose all)"
    ),
    "static-form-key": (
        "Flowable Design's form key differs from the task's formKey, which the engine "
        "reads (write the form key in formKey)"
    ),
}
#: where Flowable's modelers attach a drawn sequence flow to its shapes: layout alone
DOCKER_ATTRIBUTES = frozenset({"sourceDockerX", "sourceDockerY", "targetDockerX", "targetDockerY"})
#: an external task: Camunda's type, and Flowable's (an external worker job)
EXTERNAL_TYPES = ("external", "external-worker")
#: what Camunda runs as Java (or a connector): the engine runs none of it
JAVA_ATTRIBUTES = ("class", "delegateExpression", "expression")
#: the BPMN elements whose expressions are evaluated (conditions, loops, timers)
EXPRESSION_TAGS = (
    "conditionExpression",
    "completionCondition",
    "loopCardinality",
    "loopCondition",
    "condition",
)
TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
#: the events that catch a message or signal
CATCHING_EVENTS = frozenset({"startEvent", "intermediateCatchEvent", "boundaryEvent"})
#: the elements that run SpiffWorkflow's pre- and post-scripts, which input and output
#: parameters become
MAPPED_TASKS = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "serviceTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "receiveTask",
    }
)
#: the listeners run as a task's pre- or post-script (an inline Python script):
#: (listener, event) -> which
_LISTENER_EVENTS = {
    ("executionListener", "start"): "preScript",
    ("executionListener", "end"): "postScript",
    ("taskListener", "create"): "preScript",
    ("taskListener", "complete"): "postScript",
}
#: the form field types Camunda's generated forms have, and the JSON Schema of each
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "long": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "maxLength": 10},
    "enum": {"type": "string"},
    # SpiffWorkflow's Camunda forms also know a long text (a string drawn larger)
    "textarea": {"type": "string"},
}


#: the further types of Activiti's and Flowable's form properties
PROPERTY_TYPES: dict[str, dict[str, Any]] = {"double": {"type": "number"}}


def is_camunda(root: Any) -> bool:
    """Tell whether a BPMN document is in Camunda's dialect.

    It is when it uses Camunda's namespace (or an alias of it), or when, drawn
    for no SpiffWorkflow, its target namespace is Activiti's or Flowable's or
    it writes an expression in JUEL: ``${…}`` and ``#{…}`` are never Python.
    """
    ours = {CAMUNDA, *ALIASES}
    if ours & set((root.nsmap or {}).values()):
        return True
    spiff = False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespaces = {etree.QName(element).namespace}
        namespaces.update(etree.QName(a).namespace for a in element.attrib if a.startswith("{"))
        if namespaces & ours:
            return True
        spiff = spiff or SPIFF in namespaces
    if not spiff and VENDOR_TARGET.match(root.get("targetNamespace") or ""):
        return True
    return not spiff and any(
        (expression.text or "").strip().startswith(OPENERS)
        for tag in (*EXPRESSION_TAGS, *TIMER_TAGS)
        for expression in root.iter(_b(tag))
    )


def declares(root: Any, namespace: str) -> bool:
    """Tell whether any element of a document declares ``namespace`` (so may use it)."""
    return any(
        namespace in (element.nsmap or {}).values()
        for element in root.iter()
        if isinstance(element.tag, str)
    )


def _rename_aliases(root: Any) -> None:
    """Move what an alias namespace names into Camunda's own (see ``ALIASES``)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        if name.namespace in ALIASES:
            element.tag = _c(name.localname)
        for attribute in list(element.attrib):
            qualified = etree.QName(attribute) if attribute.startswith("{") else None
            if qualified is not None and qualified.namespace in ALIASES:
                element.set(_c(qualified.localname), element.attrib.pop(attribute))


def written_prefixes(root: Any) -> dict[str, str]:
    """Return the prefix a document writes each Camunda extension with, by local name.

    ``{"assignee": "flowable"}`` for ``flowable:assignee``: what is read as
    Camunda's is named as written (a file may mix Camunda's and Flowable's).
    """
    ours = {CAMUNDA, *ALIASES}
    found: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        named = [etree.QName(element)] if element.prefix else []
        named += [etree.QName(a) for a in element.attrib if a.startswith("{")]
        for name in named:
            if name.namespace not in ours:
                continue
            prefix = next((p for p, n in element.nsmap.items() if n == name.namespace and p), None)
            if prefix is not None:
                found.setdefault(name.localname, prefix)
    return found


#: an extension as this module's messages name it (``camunda:assignee``)
_CAMUNDA_NAME = re.compile(r"\bcamunda:([A-Za-z][A-Za-z0-9]*)")


def _c(name: str) -> str:
    return f"{{{CAMUNDA}}}{name}"


def _b(name: str) -> str:
    return f"{{{BPMN}}}{name}"


def _s(name: str) -> str:
    return f"{{{SPIFF}}}{name}"


def candidate_groups(task: Any) -> tuple[str, ...]:
    """Return the groups a user task's ``camunda:candidateGroups`` names, each once.

    A member of any may take the task; the first is the one its work item stores.
    """
    return tuple(dict.fromkeys(_groups(task.get(_c("candidateGroups")))))


def starter_groups(process: Any) -> tuple[str, ...]:
    """Return the groups a process's ``camunda:candidateStarterGroups`` names, each once.

    A member of any may start the process.
    """
    return tuple(dict.fromkeys(_groups(process.get(_c("candidateStarterGroups")))))


def _groups(value: str | None) -> list[str]:
    return [g.strip() for g in (value or "").split(",") if g.strip()]


# -- the rewrite ----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What a business rule task needs to know of a deployed DMN decision table."""

    #: the names of the table's outputs, in its order
    outputs: tuple[str, ...]
    #: whether its hit policy is COLLECT (each output a list of every matching rule's value)
    collect: bool = False


#: how ``camunda:mapDecisionResult`` puts a decision's result into ``camunda:resultVariable``
DECISION_MAPPINGS = ("resultList", "singleResult", "singleEntry", "collectEntries")


@dataclass
class Translation:
    """A Camunda document rewritten into SpiffWorkflow's dialect, and what was refused."""

    root: Any
    problems: list[DefinitionProblem] = field(default_factory=list)
    forms: dict[str, FormSchema] = field(default_factory=dict)
    #: by process id: the form of its start data (``camunda:formData`` on its start event)
    start_forms: dict[str, str] = field(default_factory=dict)
    #: the events and receive tasks whose message's payload becomes process data, as
    #: Camunda's correlation sets its variables (no ``camunda:resultVariable`` names one)
    payload_as_data: list[Any] = field(default_factory=list)
    #: the message start events of processes whose message's payload becomes the new
    #: instance's data, as Camunda starts an instance with the message's variables
    start_payload_as_data: list[Any] = field(default_factory=list)
    #: by process id: the variable its start event's ``camunda:initiator`` names, which
    #: holds who started an instance
    initiators: dict[str, str] = field(default_factory=dict)


def translate(
    root: Any,
    file: str,
    services: frozenset[str] = frozenset(),
    knows_group: Callable[[str], bool] = lambda group: True,
    strict_groups: bool = False,
    decisions: Mapping[str, Decision] | None = None,
) -> Translation:
    """Rewrite a Camunda BPMN document (a copy of it) into the SpiffWorkflow dialect.

    ``decisions`` are the DMN decisions deployed with it, by id: those a
    ``camunda:decisionRef`` may name.
    """
    root = copy.deepcopy(root)
    prefixes = written_prefixes(root)
    _rename_aliases(root)
    rewrite = _Rewrite(root, file, services, knows_group, strict_groups, decisions or {})
    rewrite.prefixes = prefixes
    rewrite.run()
    return Translation(
        rewrite.root,
        rewrite.problems,
        rewrite.forms,
        rewrite.start_forms,
        rewrite.payload_as_data,
        rewrite.start_payload_as_data,
        rewrite.initiators,
    )


class _Rewrite:
    def __init__(
        self,
        root: Any,
        file: str,
        services: frozenset[str],
        knows_group: Callable[[str], bool],
        strict_groups: bool,
        decisions: Mapping[str, Decision],
    ) -> None:
        self.root = root
        self.file = file
        self.services = services
        self.knows_group = knows_group
        self.strict_groups = strict_groups
        self.decisions = decisions
        self.problems: list[DefinitionProblem] = []
        self.forms: dict[str, FormSchema] = {}
        self.start_forms: dict[str, str] = {}
        self.handled: set[Any] = set()  # Camunda elements dealt with (and their content)
        self.payload_as_data: list[Any] = []
        self.start_payload_as_data: list[Any] = []
        self.initiators: dict[str, str] = {}
        #: the form fields made of Activiti's and Flowable's form properties (which know doubles)
        self.from_properties: set[Any] = set()
        #: the prefix the file writes each extension with, by local name (``written_prefixes``)
        self.prefixes: dict[str, str] = {}
        #: a file with no JUEL at all (no ``${`` or ``#{``) was drawn for SpiffWorkflow's
        #: Camunda dialect, whose expressions are Python: they are read as Python
        self.python = not _uses_juel(root)
        #: the language of an expression that names none: a file using no extension may
        #: give it (see ``default_language``)
        self.default_language = default_language(root)

    def problem(
        self,
        element: Any,
        message: str,
        code: str = "definition.other_tool",
        params: dict[str, Any] | None = None,
    ) -> None:
        """Name a problem of an element, its extensions named as the file writes them.

        Messages speak of Camunda's (``camunda:assignee``); a file that writes
        them in Activiti's or Flowable's namespace reads ``activiti:assignee``
        or ``flowable:assignee``, whichever prefix it gives that name.  Without
        a ``code`` of its own, the web says the English message (``detail``).
        """
        if self.prefixes:
            usual = max(set(self.prefixes.values()), key=list(self.prefixes.values()).count)
            message = _CAMUNDA_NAME.sub(
                lambda found: f"{self.prefixes.get(found[1], usual)}:{found[1]}", message
            )
        self.problems.append(
            DefinitionProblem(
                self.file,
                owner_id(element),
                message,
                code=code,
                params={"detail": message} if params is None else params,
            )
        )

    def run(self) -> None:
        for extensions in list(self.root.iter(_b("extensionElements"))):
            if extensions.find(_c("formProperty")) is not None:
                self._form_properties(extensions)
        for process in self.root.iter(_b("process")):
            self._process(process)
        for tag in EXPRESSION_TAGS:
            for expr in list(self.root.iter(_b(tag))):
                self._expression(expr)
        for tag in TIMER_TAGS:
            for expr in list(self.root.iter(_b(tag))):
                self._timer(expr)
        for script_task in list(self.root.iter(_b("scriptTask"))):
            self._script_task(script_task)
        self._caught_payloads()
        if self.python:
            for definition in list(self.root.iter(_b("messageEventDefinition"))):
                self._message_payload(definition)
        for element in list(self.root.iter()):
            if isinstance(element.tag, str) and etree.QName(element).namespace == BPMN:
                self._java(element)
        for task in list(self.root.iter(_b("businessRuleTask"))):
            self._decision(task)
        for listener in list(self.root.iter(_c("executionListener"), _c("taskListener"))):
            self._script_listener(listener)
        for io in list(self.root.iter(_c("inputOutput"))):
            self._input_output(io)
        for loop in list(self.root.iter(_b("multiInstanceLoopCharacteristics"))):
            self._multi_instance(loop)
        for properties in list(self.root.iter(_c("properties"))):
            self._properties(properties)
        for call in self.root.iter(_b("callActivity")):
            self._call(call)
        self._caught_variables()
        self._leftovers()

    # -- processes, user tasks and forms

    def _process(self, process: Any) -> None:
        self._group_attribute(process, "candidateStarterGroups", "the group that may start it")
        initiators = {
            start.get(_c("initiator")): start.get("id")
            for start in process.iter(_b("startEvent"))
            if start.get(_c("initiator"))
        }
        for start in process.iterfind(_b("startEvent")):
            variable = (start.get(_c("initiator")) or "").strip()
            if not variable:
                continue
            if not IDENTIFIER.match(variable) or keyword.iskeyword(variable):
                self.problem(start, f"camunda:initiator {variable!r} must be a variable name")
            else:
                self.initiators.setdefault(str(process.get("id")), variable)
        # Activiti's and Flowable's modelers write the starter as the assignee $INITIATOR,
        # whether or not the start event names a variable for him
        starts = [start.get("id") for start in process.iterfind(_b("startEvent"))]
        initiators[INITIATOR] = ",".join(s for s in starts if s)
        for start in process.iter(_b("startEvent")):
            form_data = start.find(f"{_b('extensionElements')}/{_c('formData')}")
            if form_data is not None:
                # the form of the data an instance starts with: checked like a task's, and
                # kept as the process's start form (that of an event sub-process's start
                # is only checked: nobody fills it in)
                self.handled.add(form_data)
                form = self._form(start, form_data)
                if form is not None and start.getparent().tag == _b("process"):
                    name = self._form_name(start)
                    self.forms[name] = form
                    self.start_forms.setdefault(str(process.get("id")), name)
            self._drop_form_key(start)
            start.attrib.pop(_c("initiator"), None)
        for tag in ("userTask", "manualTask"):
            for task in process.iter(_b(tag)):
                self._user_task(task, initiators)

    def _group_attribute(self, element: Any, name: str, what: str) -> None:
        value = element.get(_c(name))
        if value is None:
            return
        groups = _groups(value)
        unknown = [g for g in groups if not self.knows_group(g)]
        if not groups:
            self.problem(element, f"camunda:{name} names no group ({what})")
        elif ("${" in value or "#{" in value) and name == "candidateGroups":
            # Worked out from the data when the task becomes ready (the invoice's approvers).
            translated = self._juel(element, f"camunda:{name}", value.strip())
            if translated is not None:
                _add_property(element, GROUPS_PROPERTY, translated.python)
        elif "${" in value or "#{" in value:
            self.problem(element, f"camunda:{name} must name groups, not an expression")
        elif self.strict_groups and unknown:
            self.problem(
                element,
                f"camunda:{name} names no known group (deployed with strict groups): "
                f"{', '.join(unknown)}",
            )
        else:
            return
        element.attrib.pop(_c(name))

    def _performers(self, task: Any) -> None:
        """Read BPMN's ``humanPerformer`` and ``potentialOwner`` as Camunda and Activiti do.

        The human performer's expression is the task's assignee; the potential
        owners' is a list of ``user(name)`` and ``group(name)``, a bare name
        being a group: candidate users and groups, beside those the attributes name.
        """
        for tag in ("humanPerformer", "potentialOwner"):
            for element in task.findall(_b(tag)):
                task.remove(element)
                expression = element.find(
                    f"{_b('resourceAssignmentExpression')}/{_b('formalExpression')}"
                )
                text = (expression.text or "").strip() if expression is not None else ""
                if not text:
                    self.problem(
                        task,
                        f"its {tag} names nobody: the engine reads the formalExpression of a "
                        "resourceAssignmentExpression (a resourceRef is not supported)",
                    )
                elif tag == "humanPerformer" and task.get(_c("assignee")) is not None:
                    self.problem(task, "both a humanPerformer and camunda:assignee: give one")
                elif tag == "humanPerformer":
                    task.set(_c("assignee"), text)
                else:
                    named: dict[str, list[str]] = {"candidateUsers": [], "candidateGroups": []}
                    for part in filter(None, (p.strip() for p in text.split(","))):
                        kind = re.fullmatch(r"(user|group)\s*\((.*)\)", part)
                        if kind is None or kind[1] == "group":
                            named["candidateGroups"].append(kind[2].strip() if kind else part)
                        else:
                            named["candidateUsers"].append(kind[2].strip())
                    for name, found in named.items():
                        given = [task.get(_c(name))] if task.get(_c(name)) else []
                        if found:
                            task.set(_c(name), ", ".join([*given, *found]))

    def _user_task(self, task: Any, initiators: dict[str, str]) -> None:
        self._performers(task)
        grouped = task.get(_c("candidateGroups")) is not None
        self._group_attribute(task, "candidateGroups", "the group the task is for")
        due = task.attrib.pop(_c("dueDate"), None)
        if due is not None:
            self._due_date(task, due)
        assignee = task.attrib.pop(_c("assignee"), None)
        candidates = task.attrib.pop(_c("candidateUsers"), None)
        if assignee is not None:
            if task.get(_c("candidateGroups")) is None:
                # The assignee's task whatever lane it is drawn in (Camunda's lanes assign
                # nothing); with no assignee at run time, anyone's, as in Camunda's task list.
                task.set(_c("candidateGroups"), ANYONE)
            self._assignee(task, assignee.strip(), initiators, grouped)
        elif candidates is not None:
            # Beside candidate groups, a listed user or a member of a listed group may take
            # the task, as in Camunda; alone, the listed users only.
            into = CANDIDATES_PROPERTY if grouped else USERS_PROPERTY
            self._users(task, "candidateUsers", candidates.strip(), into)
        form_data = task.find(f"{_b('extensionElements')}/{_c('formData')}")
        self._drop_form_key(task)
        if form_data is not None:
            self.handled.add(form_data)
            form = self._form(task, form_data)
            if form is not None:
                name = self._form_name(task)
                self.forms[name] = form
                _add_property(task, FORM_PROPERTY, name)

    def _drop_form_key(self, element: Any) -> None:
        """Drop the external form an element names: its own generic form stands in.

        Flowable Design records the form key again in ``flowable:static-form-key``: the
        record that says the same is read with it (one saying another is refused).
        """
        key = (element.get(_c("formKey")) or "").strip()
        for record in element.iterfind(f"{_b('extensionElements')}/{_c('static-form-key')}"):
            if (record.text or "").strip() == key:
                self.handled.add(record)
        for attribute in ("formKey", "formRef", "formRefBinding", "formRefVersion"):
            element.attrib.pop(_c(attribute), None)

    def _form_name(self, element: Any) -> str:
        """Name the form of an element's ``camunda:formData`` (unique in a deployment)."""
        name = f"{FORM_PREFIX}{self.file}#{element.get('id')}"
        if len(name) > 64:  # the length of a work item's form name
            digest = hashlib.sha256(f"{self.file}#{element.get('id')}".encode())
            name = f"{FORM_PREFIX}{digest.hexdigest()[:40]}"
        return name

    def _assignee(
        self, task: Any, assignee: str, initiators: dict[str, str], grouped: bool
    ) -> None:
        """Give the task to its assignee; beside candidate groups, whatever his groups.

        In Camunda a task with an assignee is his, and its candidate groups only
        say who may take it when the assignee's expression gives nobody: the
        assignee is then both the one user (``onlyUsers``) and a candidate user
        besides the groups (``candidateUsers``).
        """
        if assignee.upper() == INITIATOR:  # as Flowable reads it, in any case
            if initiators[INITIATOR]:
                _add_property(task, ONLY_PROPERTY, initiators[INITIATOR])
                _drop_starter_records(task)
            else:
                self.problem(task, f"camunda:assignee {assignee!r}: the process has no start event")
            return
        if assignee.startswith(OPENERS):
            translated = self._juel(task, "camunda:assignee", assignee)
            if translated is None:
                return
            if translated.python in initiators:
                _add_property(task, ONLY_PROPERTY, initiators[translated.python])
                _drop_starter_records(task)
                return
        into = (USERS_PROPERTY, CANDIDATES_PROPERTY) if grouped else (USERS_PROPERTY,)
        self._users(task, "assignee", assignee, *into)

    def _users(self, task: Any, name: str, value: str, *into: str) -> None:
        """Give the task to the user(s) a ``camunda:assignee`` or ``candidateUsers`` names.

        Literal names (comma-separated) or one JUEL expression giving a user name
        or a list of them, evaluated when the task becomes ready, into each
        property of ``into`` (``onlyUsers``, ``candidateUsers`` beside groups).
        """
        if value.startswith(OPENERS):
            translated = self._juel(task, f"camunda:{name}", value)
            if translated is None:
                return
            expression = translated.python
        else:
            users = [u.strip() for u in value.split(",") if u.strip()]
            if not users or not all(USERNAME.match(u) for u in users):
                self.problem(task, f"camunda:{name} {value!r} does not name users")
                return
            expression = repr(users)
        for each in into:
            _add_property(task, each, expression)

    def _juel(
        self, element: Any, what: str, source: str, template: bool = False
    ) -> Translated | None:
        """Translate JUEL (``template``: text with ``${...}`` parts), or name the problem."""
        try:
            return translate_template(source) if template else translate_juel(source)
        except JuelError as exc:
            self.problem(element, f"{what} {source!r} {exc}")
            return None

    def _due_date(self, task: Any, value: str) -> None:
        period = joda_period(value)
        if period is not None:
            # the time from the task's creation, as an ISO 8601 duration (runtime._due_at)
            _add_property(task, DUE_PROPERTY, repr(period))
            return
        translated = self._juel(task, "camunda:dueDate", value, template=True)
        if translated is not None:
            _add_property(task, DUE_PROPERTY, translated.python)

    def _form_properties(self, extensions: Any) -> None:
        """Rewrite Activiti's and Flowable's ``formProperty`` list as the ``formData`` it means.

        Each property becomes a field: ``variable`` (or ``expression="${name}"``)
        names the data it fills (its ``id`` otherwise), ``name`` labels it,
        ``required``, ``writable="false"`` (shown, never edited), ``default`` and
        ``value`` choices as a form field's; ``readable="false"`` leaves it out
        of the form, and ``datePattern`` (how Activiti reads a date typed in) is
        not needed by a date field.  ``value`` is what Activiti 5's user guide
        writes: a literal one is the default; ``value="${...}"`` is read by no
        engine since, and left out.
        """
        owner = extensions.getparent()
        properties = extensions.findall(_c("formProperty"))
        if extensions.find(_c("formData")) is not None:
            self.problem(owner, "camunda:formProperty beside camunda:formData: give one form")
            self.handled.update(properties)
            return
        form_data = etree.Element(_c("formData"))
        properties[0].addprevious(form_data)
        for prop in properties:
            self.handled.add(prop)
            extensions.remove(prop)
            where = f"camunda:formProperty {prop.get('id')!r}"
            variable = (prop.get("variable") or prop.get("id") or "").strip()
            expression = (prop.get("expression") or "").strip()
            if expression:
                bound = re.fullmatch(r"[$#]\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}", expression)
                if bound is None:
                    self.problem(
                        owner,
                        f"{where}: a property read and written through an expression "
                        f"({expression!r}) is not supported (name a variable)",
                    )
                    continue
                variable = bound[1]
            if (prop.get("readable") or "true").strip().lower() == "false":
                continue  # never shown: nothing to fill in
            made = etree.SubElement(form_data, _c("formField"))
            made.set("id", variable)
            made.set("label", prop.get("name") or variable)
            made.set("type", prop.get("type") or "string")
            value = prop.get("value") or ""
            default = prop.get("default", None if value.startswith(OPENERS) else prop.get("value"))
            if default is not None:
                made.set("defaultValue", default)
            flags = [
                name
                for name, attribute, meant in (
                    ("required", "required", "true"),
                    ("readonly", "writable", "false"),
                )
                if (prop.get(attribute) or "").strip().lower() == meant
            ]
            if flags:
                validation = etree.SubElement(made, _c("validation"))
                for name in flags:
                    etree.SubElement(validation, _c("constraint")).set("name", name)
            for choice in prop.iterfind(_c("value")):
                made.append(copy.deepcopy(choice))
            self.from_properties.add(made)

    def _form(self, task: Any, form_data: Any) -> FormSchema | None:
        properties: dict[str, Any] = {}
        required: list[str] = []
        extra: dict[str, tuple[list[Any], dict[str, Any]]] = {}
        try:
            # counted before any field is read: reading 20,000 of them took seconds
            form_fields = form_data.findall(_c("formField"))
            jsonforms.check_size(
                len(form_fields), sum(len(f.findall(_c("value"))) for f in form_fields)
            )
        except jsonforms.JsonSchemaError as exc:
            self.problem(task, f"camunda:formData: {exc}", exc.code, exc.params)
            return None
        ok = True
        for child in form_data:
            if not isinstance(child.tag, str):
                continue
            if child.tag != _c("formField"):
                self.problem(task, f"camunda:formData holds {etree.QName(child).localname}")
                ok = False
                continue
            made = self._form_field(task, child)
            if made is None:
                ok = False
                continue
            name, spec, is_required, validators, metadata = made
            if metadata.pop(READONLY, False):
                # shown with the case's value, never edited: JSON Schema's readOnly
                spec, is_required = {**spec, "readOnly": True}, False
            properties[name] = spec
            if is_required:
                required.append(name)
            extra[name] = (validators, metadata)
        if not ok:
            return None
        try:
            form = jsonforms.form_from_schema({"properties": properties, "required": required})
        except jsonforms.JsonSchemaError as exc:  # a name the task page takes for its own
            self.problem(task, f"camunda:formData: {exc}", exc.code, exc.params)
            return None
        for name, (validators, metadata) in extra.items():
            made_field = form.fields[name]
            made_field.validators.extend(validators)
            made_field.metadata = {**made_field.metadata, **metadata}
        return form

    def _form_field(
        self, task: Any, element: Any
    ) -> tuple[str, dict[str, Any], bool, list[Any], dict[str, Any]] | None:
        field_id = element.get("id") or ""
        kind = element.get("type") or "string"
        where = f"form field {field_id!r}"
        path = field_id.split(".")
        nested = self.python and len(path) > 1 and etree.QName(task).localname in MAPPED_TASKS
        if not all(IDENTIFIER.match(p) and not keyword.iskeyword(p) for p in path) or (
            len(path) > 1 and not nested
        ):
            self.problem(task, f"{where}: the id must be a name (letters, digits, _)")
            return None
        if nested:
            # SpiffWorkflow's Camunda forms: a dotted id is a path into the task's data
            field_id = NESTED_JOIN.join(path)
            _add_post_script(task, _nest(field_id, path))
        kinds = FIELD_TYPES
        if element in self.from_properties:
            kinds = {**FIELD_TYPES, **PROPERTY_TYPES}
        if kind not in kinds:
            known = ", ".join(kinds)
            self.problem(task, f"{where}: the type {kind!r} is not supported (known: {known})")
            return None
        spec: dict[str, Any] = {**kinds[kind], "title": element.get("label") or field_id}
        validators: list[Any] = []
        metadata: dict[str, Any] = {}
        required = False
        problems = 0
        choices: dict[str, tuple[str, str]] = {}
        for child in element:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if child.tag == _c("value") and kind == "enum":
                label = child.get("name") or child.get("id") or ""
                choices[child.get("id") or ""] = (label, label)
            elif child.tag == _c("validation"):
                for constraint in child:
                    if not isinstance(constraint.tag, str):
                        continue
                    outcome = self._constraint(task, where, kind, constraint, spec, validators)
                    if outcome is None:
                        problems += 1
                    required = required or outcome == "required"
                    if outcome == "readonly":
                        metadata[READONLY] = True
            elif child.tag == _c("properties"):
                self.handled.add(child)  # display hints of Camunda's task list
            else:
                self.problem(task, f"{where}: camunda:{local} is not supported")
                problems += 1
        if kind == "enum":
            if not choices:
                self.problem(task, f"{where}: an enum field needs camunda:value choices")
                return None
            spec["enum"] = list(choices)
            metadata["choices"] = choices
        if kind == "date":
            validators.append(_iso_date)
            metadata["widget"] = "date"
        default = element.get("defaultValue")
        if default is not None:
            value = self._default(task, where, kind, default, choices)
            if value is _INVALID:
                problems += 1
            else:
                spec["default"] = value
        if problems:
            return None
        return field_id, spec, required, validators, metadata

    def _constraint(
        self,
        task: Any,
        where: str,
        kind: str,
        constraint: Any,
        spec: dict[str, Any],
        validators: list[Any],
    ) -> str | None:
        name = constraint.get("name") or ""
        config = (constraint.get("config") or "").strip()
        if name in ("required", "readonly"):
            return name
        number = int(config) if re.fullmatch(r"-?\d{1,15}", config) else None
        if name in ("minlength", "maxlength") and kind == "string" and number is not None:
            if name == "maxlength":
                spec["maxLength"] = number
                validators.append(validate.Length(max=number, error=Problem("form.too_long")))
            else:
                validators.append(validate.Length(min=number, error=Problem("form.invalid_value")))
            return name
        if name in ("min", "max") and kind == "long" and number is not None:
            low, high = (number, None) if name == "min" else (None, number)
            validators.append(validate.Range(low, high, error=Problem("form.invalid_value")))
            return name
        if name in ("minlength", "maxlength", "min", "max"):
            reason = f"needs a whole number and a {'string' if 'length' in name else 'long'} field"
        else:
            reason = "is not a constraint the engine checks"
        self.problem(task, f"{where}: the constraint {name!r} {reason}")
        return None

    def _default(
        self, task: Any, where: str, kind: str, default: str, choices: dict[str, Any]
    ) -> Any:
        if "${" in default or "#{" in default:
            self.problem(task, f"{where}: a default value must be a literal, not an expression")
            return _INVALID
        if kind == "long" and re.fullmatch(r"-?\d{1,15}", default.strip()):
            return int(default)
        if kind == "double" and re.fullmatch(r"-?\d{1,15}(\.\d{1,15})?", default.strip()):
            return float(default)
        if kind == "boolean" and default.strip().lower() in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[default.strip().lower()]
        if kind == "date" and _is_iso_date(default.strip()):
            return default.strip()
        if kind == "enum" and default in choices:
            return default
        if kind == "string":
            return default
        self.problem(task, f"{where}: the default value {default!r} is not a valid {kind}")
        return _INVALID

    # -- expressions

    def _language(self, expr: Any) -> str | None:
        """Return the language an expression names (lower case), or None if it is refused.

        JUEL (``juel``, or none named) is translated and Python is kept; a file
        drawn for SpiffWorkflow's Camunda dialect is read as SpiffWorkflow reads
        it, every expression Python whatever language it names (as it runs every
        script format), unless the language is one known not to be Python.
        """
        own = (expr.get("language") or "").strip()
        language = own or self.default_language
        lowered = language.lower()
        if lowered in ("", "juel", *PYTHON_FORMATS) or (
            self.python and not other_language(language)
        ):
            return lowered
        what = etree.QName(expr).localname
        self.problem(expr, language_refused(what, language, inherited=not own))
        expr.text = "None"
        return None

    def _expression(self, expr: Any) -> None:
        source = (expr.text or "").strip()
        what = etree.QName(expr).localname
        language = self._language(expr) if source else ""
        if language is None or language not in ("", "juel"):
            return  # refused, or Python
        if expr.get(_c("resource")) is not None:
            self.problem(expr, f"the {what} is an external resource, which is not supported")
            expr.text = "None"
            return
        if not source:
            return
        if what == "loopCardinality" and re.fullmatch(r"\d{1,6}", source):
            return
        if self.python and _is_python(source):
            return
        try:
            counts = LOOP_COUNTS if what == "completionCondition" else frozenset()
            translated = translate_juel(source, counts)
        except JuelError as exc:
            hint = ' (write ${...}, or set language="python")' if not source.startswith("$") else ""
            self.problem(expr, f"the {what} {source!r} {exc}{hint}")
            expr.text = "None"
            return
        expr.text = translated.python

    def _timer(self, expr: Any) -> None:
        source = (expr.text or "").strip()
        what = etree.QName(expr).localname
        if source and not is_iso_timer(what, source):
            language = self._language(expr)
            if language is None or language not in ("", "juel"):
                return  # refused, or Python (checked like scripts)
        if "${" in source or "#{" in source:
            translated = self._juel(expr, f"the timer's {what}", source, template=True)
            expr.text = translated.python if translated is not None else "None"
            return
        if not is_iso_timer(what, source):
            if self.python and _is_python(source):
                return  # a Python expression giving the ISO 8601 text, checked like scripts
            self.problem(
                expr, f"the timer's {what} {source!r} is not an ISO 8601 {_TIMER_KINDS[what]}"
            )
            expr.text = "None"
            return
        expr.text = repr(source)

    def _caught_payloads(self) -> None:
        """Note the events and receive tasks whose message's or signal's payload becomes data.

        Camunda sets the variables a correlation brings on the process, and
        starts a process with the variables of the message that starts it (kept
        apart: step rules 10 read them).
        """
        for task in self.root.iter(_b("receiveTask")):
            if task.get("messageRef") and task.get(_c("resultVariable")) is None:
                self.payload_as_data.append(task)
        for tag in ("messageEventDefinition", "signalEventDefinition"):
            for definition in self.root.iter(_b(tag)):
                event = definition.getparent()
                kind = etree.QName(event).localname
                if kind not in CATCHING_EVENTS or definition.get(_c("resultVariable")):
                    continue
                if kind != "startEvent" or event.getparent().tag != _b("process"):
                    self.payload_as_data.append(event)
                elif tag == "messageEventDefinition":
                    self.start_payload_as_data.append(event)

    def _message_payload(self, definition: Any) -> None:
        """Rewrite SpiffWorkflow's Camunda message payload and result into its own dialect.

        On a catching event ``camunda:resultVariable`` keeps the payload whole.
        On a throwing one it names the variable the catcher gets the payload in
        (SpiffWorkflow's Camunda dialect sends it along with the payload): the
        payload becomes a mapping of that one variable, which the catcher takes
        as data (``payload_as_data``) as it takes any message's.
        """
        payload = definition.attrib.pop(_c("expression"), None)
        variable = definition.attrib.pop(_c("resultVariable"), None)
        if etree.QName(definition.getparent()).localname not in CATCHING_EVENTS:
            if variable is not None and payload is not None:
                name = variable.strip()
                if not name.isidentifier() or keyword.iskeyword(name):
                    self.problem(
                        definition, f"camunda:resultVariable {variable!r} must be a variable name"
                    )
                    return
                payload = f"{{{name!r}: ({payload})}}"
            variable = None  # a thrower keeps nothing itself
        if payload is not None:
            etree.SubElement(_extensions(definition), _s("messagePayload")).text = payload
        if variable is not None:
            etree.SubElement(_extensions(definition), _s("messageVariable")).text = variable

    # -- scripts and Java

    def _script_task(self, task: Any) -> None:
        language = (task.get("scriptFormat") or "python").strip().lower()
        script = task.find(_b("script"))
        reason = None
        # A file for SpiffWorkflow's Camunda dialect may name any format: SpiffWorkflow runs
        # every script as Python; a language the engine knows is not Python is still refused.
        foreign = other_language(language) or not self.python
        if language not in PYTHON_FORMATS and foreign:
            reason = script_format_refused(language)
        elif task.get(_c("resource")) is not None:
            reason = "its script is an external resource (camunda:resource), not in the file"
        elif script is None:
            reason = "it has no script"
        elif (reason := _camunda_objects(script.text or "")) is not None:
            pass
        elif task.get(_c("resultVariable")) is not None:
            reason = _script_result(task, script)
        if reason is None:
            return
        self.problem(task, f"script task: {reason}")
        _neutralize(task)

    def _java(self, element: Any) -> None:
        found = [a for a in JAVA_ATTRIBUTES if element.get(_c(a)) is not None]
        kind = element.get(_c("type"))
        connector = element.find(f"{_b('extensionElements')}/{_c('connector')}")
        what = etree.QName(element).localname
        if kind in EXTERNAL_TYPES and not found:
            topic = element.attrib.pop(_c("topic"), "") or ""
            element.attrib.pop(_c("type"))
            element.attrib.pop(_c("taskPriority"), None)
            known = ", ".join(sorted(self.services)) or "none"
            if what != "serviceTask":
                self.problem(element, f"an external {what} is not supported (only service tasks)")
                _drop(element)
            elif topic in self.services and IDENTIFIER.match(topic):
                extensions = _extensions(element)
                operator = etree.SubElement(extensions, _s("serviceTaskOperator"))
                operator.set("id", topic)
                operator.set("resultVariable", topic)
            else:
                self.problem(
                    element,
                    f"external task topic {topic!r} is not a service of this engine "
                    f"(known: {known})",
                )
                _drop(element)
            return
        if not found and kind is None and connector is None:
            return
        used = ", ".join(
            [f"camunda:{a}" for a in found]
            + ([f'camunda:type="{kind}"'] if kind is not None else [])
            + (["camunda:connector"] if connector is not None else [])
        )
        self.problem(
            element,
            f"{what} runs Java or a connector ({used}), which the engine cannot run; "
            'use camunda:type="external" with a topic naming one of the engine\'s services '
            f"(known: {', '.join(sorted(self.services)) or 'none'})",
        )
        for attribute in (*JAVA_ATTRIBUTES, "type", "topic", "resultVariable"):
            element.attrib.pop(_c(attribute), None)
        if connector is not None:
            self.handled.add(connector)
        for child in element.iterfind(f"{_b('extensionElements')}/{_c('field')}"):
            self.handled.add(child)
        _drop(element)

    def _decision(self, task: Any) -> None:
        """Call the decision a ``camunda:decisionRef`` names, as ``calledDecisionId`` does.

        The outputs of the rule that matched become variables, as SpiffWorkflow's
        decisions give them; ``camunda:resultVariable`` gets the result as
        ``camunda:mapDecisionResult`` says.
        """
        ref = task.attrib.pop(_c("decisionRef"), None)
        if ref is None:
            return
        for tuning in ("Binding", "Version", "VersionTag", "TenantId"):
            task.attrib.pop(_c(f"decisionRef{tuning}"), None)  # which deployed version
        variable = task.attrib.pop(_c("resultVariable"), None)
        mapping = task.attrib.pop(_c("mapDecisionResult"), None) or "resultList"
        ref = ref.strip()
        decision = self.decisions.get(ref)
        if "${" in ref or "#{" in ref:
            self.problem(task, "a decision given by an expression is not supported")
        elif decision is None:
            known = ", ".join(sorted(self.decisions)) or "none"
            self.problem(
                task,
                f"camunda:decisionRef {ref!r} names no decision of the DMN files deployed "
                f"with it (known: {known})",
            )
        elif variable is None:
            etree.SubElement(_extensions(task), _s("calledDecisionId")).text = ref
            return
        elif (problem := _result_problem(variable.strip(), mapping, decision)) is not None:
            self.problem(task, problem)
        else:
            etree.SubElement(_extensions(task), _s("calledDecisionId")).text = ref
            result = _decision_result(variable.strip(), mapping, decision)
            _add_post_script(task, result, first=True)
            return
        _neutralize(task)

    # -- loops, mappings, properties, call activities

    def _multi_instance(self, loop: Any) -> None:
        collection = loop.attrib.pop(_c("collection"), None)
        element_variable = loop.attrib.pop(_c("elementVariable"), None)
        if collection is None and element_variable is None:
            return
        source = collection or ""
        if source.startswith(OPENERS):
            translated = self._juel(loop, "camunda:collection", source)
            if translated is None:
                return
            source = translated.python
        if not IDENTIFIER.match(source) or keyword.iskeyword(source):
            self.problem(
                loop,
                f"camunda:collection {collection!r} must name a variable holding the list",
            )
            return
        item = element_variable or "item"
        if not IDENTIFIER.match(item) or keyword.iskeyword(item):
            self.problem(loop, f"camunda:elementVariable {item!r} must be a name")
            return
        cardinality = loop.find(_b("loopCardinality"))
        if self.python and cardinality is not None and (cardinality.text or "").strip():
            self._counted_loop(loop, source, item)
            return
        ref = etree.Element(_b("loopDataInputRef"))
        ref.text = source
        data_item = etree.Element(_b("inputDataItem"))
        data_item.set("id", item)
        data_item.set("name", item)
        # in the order BPMN's schema gives them, after what comes before each
        _insert_after(loop, ref, ITEM_AFTER[:3])
        _insert_after(loop, data_item, (*ITEM_AFTER, "loopDataOutputRef"))
        # Camunda's element variable is local to each instance: it does not reach the process
        # (SpiffWorkflow would merge every instance's into it, the last one finished winning)
        owner = loop.getparent()
        forget = f"del {item}"
        if etree.QName(owner).localname == "scriptTask" and owner.find(_b("script")) is not None:
            script = owner.find(_b("script"))
            script.text = f"{script.text or ''}\n{forget}"
        elif etree.QName(owner).localname in MAPPED_TASKS:
            _add_post_script(owner, forget)
            # on each instance, as Camunda maps a multi-instance activity's inputs and outputs
            # (SpiffWorkflow would run them once around all): else an instance's item reaches
            # the loop's data and the next instance of a sequential loop finds it there
            loop.set(_s("scriptsOnInstances"), "true")

    def _counted_loop(self, loop: Any, collection: str, item: str) -> None:
        """Run a loop ``loopCardinality`` times, gathering its items, as SpiffWorkflow does.

        In a file drawn for SpiffWorkflow's own Camunda parser, a collection beside a
        cardinality is what the loop gives back: each instance gets its number as the
        element variable, and the collection the element variable of each instance.
        """
        owner = loop.getparent()
        kind = etree.QName(owner).localname
        script = owner.find(_b("script")) if kind == "scriptTask" else None
        if script is None and kind not in MAPPED_TASKS:
            self.problem(loop, f"camunda:collection beside a loopCardinality on a {kind}")
            return
        # the item an instance gives back is its element variable when it ends; BPMN wants
        # the data items' ids distinct, so it reaches the collection under a name of its own
        gathered = f"{item}_gathered"
        copy_back = f"{gathered} = {item}"
        if script is not None:
            script.text = f"{script.text or ''}\n{copy_back}"
        else:
            _add_post_script(owner, copy_back)
            loop.set(_s("scriptsOnInstances"), "true")
        output = etree.Element(_b("loopDataOutputRef"))
        output.text = collection
        made = [output]
        for tag, name in (("inputDataItem", item), ("outputDataItem", gathered)):
            data_item = etree.Element(_b(tag))
            data_item.set("id", name)
            data_item.set("name", name)
            made.append(data_item)
        anchor = loop.find(_b("loopCardinality"))
        for element in made:  # in the order BPMN's schema gives them
            anchor.addnext(element)
            anchor = element

    def _input_output(self, io: Any) -> None:
        self.handled.add(io)
        if io.getparent().tag != _b("extensionElements"):
            return  # a connector's, refused with it
        owner = io.getparent().getparent()
        scripts: dict[str, list[str]] = {"preScript": [], "postScript": []}
        ok = True
        for parameter in io:
            if not isinstance(parameter.tag, str):
                continue
            local = etree.QName(parameter).localname
            name = parameter.get("name") or ""
            where = f"camunda:{local} {name!r}"
            if local not in ("inputParameter", "outputParameter"):
                self.problem(owner, f"camunda:inputOutput holds {local}, which is not supported")
                ok = False
                continue
            if not IDENTIFIER.match(name) or keyword.iskeyword(name):
                self.problem(owner, f"{where}: the name must be a variable name")
                ok = False
                continue
            try:
                python = _io_value(parameter)
            except JuelError as exc:
                self.problem(owner, f"{where}: {exc}")
                ok = False
                continue
            target = "preScript" if local == "inputParameter" else "postScript"
            scripts[target].append(f"{name} = {python}")
        if not ok:
            return
        kind = etree.QName(owner).localname
        if kind == "scriptTask" and owner.find(_b("script")) is not None:
            # SpiffWorkflow runs no pre- or post-script around a script task: fold them in
            script = owner.find(_b("script"))
            script.text = "\n".join(
                [*scripts["preScript"], script.text or "", *scripts["postScript"]]
            )
            return
        if kind not in MAPPED_TASKS:
            self.problem(owner, f"camunda:inputOutput on a {kind} is not supported")
            return
        for tag, lines in scripts.items():
            if lines:
                _add_script(owner, tag, lines, before=True)

    def _script_listener(self, listener: Any) -> None:
        """Run a listener that is an inline Python script as the task's pre- or post-script.

        An execution listener's ``start`` script runs as the task begins (after its
        input parameters), its ``end`` script as it ends (after its output
        parameters), as Camunda runs them; a user task's ``create`` and
        ``complete`` task listeners likewise.  On a script task they run before
        and after its script.  Any other listener is left to be refused.
        """
        owner = listener.getparent().getparent()
        kind = etree.QName(owner).localname
        event = (listener.get("event") or "").strip()
        scripts = [c for c in listener if isinstance(c.tag, str)]
        when = _LISTENER_EVENTS.get((etree.QName(listener).localname, event))
        if (
            listener.getparent().tag != _b("extensionElements")
            or when is None
            or (kind not in MAPPED_TASKS and kind != "scriptTask")
            or (kind != "userTask" and etree.QName(listener).localname == "taskListener")
            or any(listener.get(a) for a in ("class", "expression", "delegateExpression"))
            or [c.tag for c in scripts] != [_c("script")]
            or scripts[0].get("resource") is not None
        ):
            return  # refused with the other listeners, saying why
        script = scripts[0]
        language = (script.get("scriptFormat") or "").strip().lower()
        what = "execution" if etree.QName(listener).localname == "executionListener" else "task"
        text = script.text or ""
        self.handled.add(listener)
        reason = (
            script_format_refused(language)
            if language not in PYTHON_FORMATS
            else _camunda_objects(text)
        )
        if reason is not None:
            self.problem(owner, f"the {event} {what} listener's script: {reason}")
            return
        if kind == "scriptTask" and owner.find(_b("script")) is not None:
            body = owner.find(_b("script"))
            parts = [text, body.text or ""] if when == "preScript" else [body.text or "", text]
            body.text = "\n".join(parts)
            return
        _add_script(owner, when, [text], before=False)

    def _properties(self, properties: Any) -> None:
        """Carry ``camunda:properties`` over as SpiffWorkflow's extension properties."""
        self.handled.add(properties)
        owner = properties.getparent().getparent()
        if etree.QName(owner).namespace != BPMN:
            return  # a form field's display hints
        for prop in properties:
            if isinstance(prop.tag, str) and prop.get("name"):
                _add_property(owner, prop.get("name"), prop.get("value", ""))

    def _call(self, call: Any) -> None:
        """Read ``camunda:in`` / ``camunda:out`` as the variables the call passes and gets back.

        As in Camunda, the called process starts with the mapped variables
        only, and only the mapped ones come back.  A call with no mapping at
        all, or with ``variables="all"`` both ways, is left to SpiffWorkflow,
        which passes all of them in and back (as Flowable's ``inheritVariables``).
        """
        called = call.get("calledElement") or ""
        if "${" in called or "#{" in called:
            self.problem(call, "a called element given by an expression is not supported")
        mappings: dict[str, list[dict[str, Any]]] = {"in": [], "out": []}
        ok = True
        for tag in ("in", "out"):
            for mapping in call.iterfind(f"{_b('extensionElements')}/{_c(tag)}"):
                self.handled.add(mapping)
                if tag == "in" and set(mapping.attrib) == {"businessKey"}:
                    # The engine keeps no business key (as Flowable's inheritBusinessKey): the
                    # called process reads none, so passing one changes nothing.
                    continue
                mapped = self._mapping(call, tag, mapping)
                ok = ok and mapped is not None
                mappings[tag].extend(mapped or [])
        everything = [{"all": True}]
        if not ok or mappings in ({"in": [], "out": []}, {"in": everything, "out": everything}):
            return
        _add_property(call, MAPPINGS_PROPERTY, json.dumps(mappings, sort_keys=True))

    def _mapping(self, call: Any, tag: str, mapping: Any) -> list[dict[str, Any]] | None:
        """Return what one ``camunda:in`` or ``camunda:out`` maps, or name its problem."""
        attributes = dict(mapping.attrib)
        local = attributes.pop("local", "false").strip().lower() == "true"
        where = f"camunda:{tag}"
        if set(attributes) == {"variables"}:
            if attributes["variables"] != "all":
                self.problem(call, f'{where} variables must be "all"')
                return None
            if tag == "in" and local:
                # the call activity's local variables: those its input parameters set
                names = call.iterfind(
                    f"{_b('extensionElements')}/{_c('inputOutput')}/{_c('inputParameter')}"
                )
                return [{"source": n.get("name"), "target": n.get("name")} for n in names]
            return [{"all": True}]
        target = (attributes.pop("target", None) or "").strip()
        if set(attributes) not in ({"source"}, {"sourceExpression"}):
            self.problem(
                call,
                f'{where} must name variables="all", or a source or sourceExpression and a '
                f"target (it has {', '.join(sorted(mapping.attrib)) or 'nothing'})",
            )
            return None
        if not IDENTIFIER.match(target) or keyword.iskeyword(target):
            self.problem(call, f"{where} target {target!r} must be a variable name")
            return None
        if "source" in attributes:
            source = attributes["source"].strip()
            if not source:
                self.problem(call, f"{where} source names no variable")
                return None
            return [{"source": source, "target": target}]
        translated = self._juel(
            call, f"{where} sourceExpression", attributes["sourceExpression"], template=True
        )
        if translated is None:
            return None
        return [{"expression": translated.python, "target": target}]

    def _caught_variables(self) -> None:
        """Give a catching event's code and message variables as the engine reads them.

        ``errorCodeVariable`` and ``escalationCodeVariable`` get the code of
        what was caught, ``errorMessageVariable`` the error's ``errorMessage``
        (``engine.caught``): the errors of a file whose events ask for their
        message carry it as their payload.
        """
        wanted = {
            "errorEventDefinition": ("errorCodeVariable", "errorMessageVariable"),
            "escalationEventDefinition": ("escalationCodeVariable",),
        }
        messages = False
        for tag, names in wanted.items():
            for definition in self.root.iter(_b(tag)):
                for name in names:
                    variable = definition.get(_c(name))
                    if variable is None:
                        continue
                    event = definition.getparent()
                    if etree.QName(event).localname not in ("boundaryEvent", "startEvent"):
                        continue  # refused as not supported here: only a catching event sets it
                    definition.attrib.pop(_c(name))
                    if not IDENTIFIER.match(variable) or keyword.iskeyword(variable):
                        self.problem(event, f"camunda:{name} {variable!r} must be a variable name")
                        continue
                    message = name == "errorMessageVariable"
                    messages = messages or message
                    definition.set(MESSAGE_VARIABLE if message else CODE_VARIABLE, variable)
        if not messages:
            return
        for error in self.root.iter(_b("error")):
            text = error.get(_c("errorMessage"))
            if text is None or _extensions(error).find(_s("payloadExpression")) is not None:
                continue
            translated = self._juel(error, "camunda:errorMessage", text, template=True)
            if translated is not None:
                etree.SubElement(
                    _extensions(error), _s("payloadExpression")
                ).text = translated.python

    def _leftovers(self) -> None:
        """Refuse every Camunda element or attribute nothing above understood."""
        reported: set[tuple[str | None, str]] = set()
        skipped: set[Any] = set()
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            if element in self.handled or element.getparent() in skipped:
                skipped.add(element)
                continue
            if etree.QName(element).namespace == CAMUNDA:
                skipped.add(element)
                local = etree.QName(element).localname
                if local in IGNORED_ELEMENTS or _does_nothing(element) or _design_record(element):
                    continue
                why = DESIGN_RECORDS.get(local, "the engine does not support it")
                if local in ("executionListener", "taskListener"):
                    why = (
                        "listeners run Java or scripts on events, which the engine does not "
                        "but for an inline Python script on a task's start or end (a user "
                        "task's create or complete): remove it, and do its work in a script "
                        "task or a service task of the engine's"
                    )
                elif local == "value" and _owner_tag(element) == "dataObject":
                    why = (
                        "a data object's value (a variable Activiti and Flowable set when the "
                        "process starts) is not set here: give it in the start data or a script"
                    )
                key = (owner_id(element), local)
                if key not in reported:
                    reported.add(key)
                    self.problem(element, f"camunda:{local} is not supported: {why}")
                continue
            for attribute in list(element.attrib):
                if not attribute.startswith(f"{{{CAMUNDA}}}"):
                    continue
                local = etree.QName(attribute).localname
                if (
                    local in IGNORED_ATTRIBUTES
                    or (
                        local in ("candidateGroups", "candidateStarterGroups")
                        and etree.QName(element).localname in ("userTask", "manualTask", "process")
                    )
                    or (local in IGNORED_WHEN_EMPTY and not element.get(attribute).strip())
                    or (local in DESIGNER_HINTS and etree.QName(element).localname == "userTask")
                    or (local in LOOP_HINTS and _loop_recorded(element))
                    or (local in DOCKER_ATTRIBUTES and etree.QName(element).namespace == BPMNDI)
                ):
                    continue
                why = ATTRIBUTES_REFUSED.get(local, "")
                self.problem(element, f"camunda:{local} is not supported here{why}")


_INVALID = object()


def _owner_tag(element: Any) -> str:
    """Return the local name of the BPMN element an extension element belongs to."""
    node = element.getparent()
    while node is not None and etree.QName(node).namespace != BPMN:
        node = node.getparent()
    while node is not None and etree.QName(node).localname == "extensionElements":
        node = node.getparent()
    return etree.QName(node).localname if node is not None else ""


def _drop_starter_records(task: Any) -> None:
    """Drop the modelers' record that the starter may complete a task he is assigned already."""
    for record in list(task.iterfind(f"{_b('extensionElements')}/*")):
        if record.tag in MODELER_INITIATOR:
            record.getparent().remove(record)


def _design_record(element: Any) -> bool:
    """Tell whether Flowable Design's choice of a task's candidates adds nothing to it."""
    # "all", as every export seen writes it beside the assignee and candidates it writes as
    # attributes; another choice would be Flowable Work's, which the engine cannot make
    return (
        etree.QName(element).localname == "task-candidates-type"
        and (element.text or "").strip() == "all"
    )


def _loop_recorded(task: Any) -> bool:
    """Tell whether RuoYi-Flowable's multi-instance record on a task adds nothing to it."""
    return etree.QName(task).localname == "userTask" and (
        (task.get(_c("multiLoopType")) or "Null").strip() == "Null"
        or task.find(_b("multiInstanceLoopCharacteristics")) is not None
    )


def _does_nothing(element: Any) -> bool:
    """Tell whether an extension element is a listener naming nothing to run.

    Flowable's modeler writes ``<flowable:executionListener event="start"/>``
    when a listener is added and never filled in.
    """
    return (
        etree.QName(element).localname in ("executionListener", "taskListener")
        and not any(element.get(a) for a in ("class", "expression", "delegateExpression"))
        and not any(isinstance(child.tag, str) for child in element)
    )


def _nest(name: str, path: list[str]) -> str:
    """Return the script that moves a form's value ``name`` to ``path`` in the task's data.

    ``a.b.c`` is ``a["b"]["c"]``: each dict on the way is made if missing
    (or replaced if not a dict); the form's flat name is removed.
    """
    head, *rest = path
    lines = [
        "try:",
        f"    {head} = dict({head}) if isinstance({head}, dict) else {{}}",
        "except Exception:  # not set yet",
        f"    {head} = {{}}",
    ]
    node = head
    for part in rest[:-1]:
        lines.append(
            f"{node}[{part!r}] = dict({node}.get({part!r})) "
            f"if isinstance({node}.get({part!r}), dict) else {{}}"
        )
        node = f"{node}[{part!r}]"
    lines += [
        "try:",
        f"    {node}[{rest[-1]!r}] = {name}",
        f"    del {name}",
        "except Exception:  # the form left it out",
        "    pass",
    ]
    return "\n".join(lines)


def _result_problem(variable: str, mapping: str, decision: Decision) -> str | None:
    """Say why a decision's result cannot go into ``camunda:resultVariable``, if it cannot."""
    if not IDENTIFIER.match(variable) or keyword.iskeyword(variable):
        return f"camunda:resultVariable {variable!r} must be a variable name"
    if mapping not in DECISION_MAPPINGS:
        return f"camunda:mapDecisionResult {mapping!r} is not one of {', '.join(DECISION_MAPPINGS)}"
    names = [n for n in decision.outputs if n]
    paths = [n.split(".") for n in names]
    if (
        not names
        or not all(IDENTIFIER.match(p) and not keyword.iskeyword(p) for n in paths for p in n)
        or (decision.collect and any(len(n) > 1 for n in paths))
    ):
        return (
            f"camunda:resultVariable needs the decision's outputs to be named as variables, "
            f"not {', '.join(map(repr, decision.outputs))}"
        )
    if mapping in ("singleEntry", "collectEntries") and len(names) != 1:
        return f"camunda:mapDecisionResult {mapping!r} needs a decision with one output"
    return None


def _decision_result(variable: str, mapping: str, decision: Decision) -> str:
    """Return the script that puts a decision's result into ``variable``, as Camunda maps it.

    The outputs of the rules that matched are variables by then (one value each, or
    with a COLLECT table a list of them); none is set when no rule matched.
    """
    names = [n for n in decision.outputs if n]
    first = _output_value(names[0])
    if decision.collect:
        rows = f"[dict(zip({names!r}, values)) for values in zip({', '.join(names)})]"
        made = {
            "resultList": rows,
            "singleResult": f"({rows} or [None])[0]",
            "singleEntry": f"(list({first}) or [None])[0]",
            "collectEntries": f"list({first})",
        }
    else:
        row = "{" + ", ".join(f"{n!r}: {_output_value(n)}" for n in names) + "}"
        made = {
            "resultList": f"[{row}]",
            "singleResult": row,
            "singleEntry": first,
            "collectEntries": f"[{first}]",
        }
    nothing = "[]" if mapping in ("resultList", "collectEntries") else "None"
    return (
        f"try:\n    {variable} = {made[mapping]}\n"
        f"except Exception:  # no rule matched\n    {variable} = {nothing}"
    )


def _output_value(name: str) -> str:
    """Return where a decision's output is in the data: ``a.b`` is ``a["b"]``.

    SpiffWorkflow's decisions nest a dotted output name so.
    """
    head, *rest = name.split(".")
    return head + "".join(f"[{part!r}]" for part in rest)


def _uses_juel(root: Any) -> bool:
    """Tell whether any expression or attribute of a document holds a JUEL opener.

    Documentation and annotations are prose for people, whatever they quote.
    """
    prose = {_b("documentation"), _b("text")}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        text = "" if element.tag in prose else element.text or ""
        texts = [text, *element.attrib.values()]
        if any(opener in text for text in texts for opener in OPENERS):
            return True
    return False


def _is_python(source: str) -> bool:
    """Tell whether an expression compiles as a script condition (restricted Python)."""
    try:
        check_source(source, "eval")
    except ScriptRefused:
        return False
    return True


def owner_id(element: Any) -> str | None:
    """Return the id of the BPMN element an expression or extension belongs to."""
    node = element
    while node is not None:
        tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if (
            node.get("id") is not None
            and not tag.endswith("EventDefinition")
            and etree.QName(node).namespace == BPMN
            and tag not in ("multiInstanceLoopCharacteristics", "standardLoopCharacteristics")
        ):
            return str(node.get("id"))
        node = node.getparent()
    return None


def _insert_after(parent: Any, made: Any, before: tuple[str, ...]) -> None:
    """Insert ``made`` into ``parent`` after its last child of a tag in ``before``."""
    tags = {_b(tag) for tag in before}
    position = 0
    for index, child in enumerate(parent):
        if child.tag in tags:
            position = index + 1
    parent.insert(position, made)


def _add_script(owner: Any, tag: str, lines: list[str], *, before: bool) -> None:
    """Add lines to a task's pre- or post-script (``tag``), before or after what it holds."""
    extensions = _extensions(owner)
    existing = extensions.find(_s(tag))
    if existing is None:
        existing = etree.SubElement(extensions, _s(tag))
        existing.text = ""
    held = [existing.text] if existing.text else []
    existing.text = "\n".join([*lines, *held] if before else [*held, *lines])


def _extensions(element: Any) -> Any:
    found = element.find(_b("extensionElements"))
    if found is None:
        found = etree.Element(_b("extensionElements"))
        # extensionElements comes first among a BPMN element's children (after documentation)
        element.insert(0, found)
        documentation = element.findall(_b("documentation"))
        if documentation:
            documentation[-1].addnext(found)
    return found


#: Camunda's built-in ``dateTime()`` (a Joda-Time ``DateTime`` of now) moved on by fixed
#: amounts, as Camunda's user guide and its invoice example write a task's due date:
#: ``${dateTime().plusDays(3).toDate()}``
_JODA = re.compile(
    r"[$#]\{\s*dateTime\(\s*\)((?:\s*\.\s*plus[A-Za-z]+\(\s*\d+\s*\))*)"
    r"(?:\s*\.\s*toDate\(\s*\))?\s*\}"
)
_JODA_STEP = re.compile(r"\.\s*plus([A-Za-z]+)\(\s*(\d+)\s*\)")
_JODA_UNITS = {
    "Years": "Y",
    "Months": "M",
    "Weeks": "W",
    "Days": "D",
    "Hours": "H",
    "Minutes": "M",
    "Seconds": "S",
}
_DATE_UNITS = ("Years", "Months", "Days")
_TIME_UNITS = ("Hours", "Minutes", "Seconds")


def joda_period(source: str) -> str | None:
    """Return the ISO 8601 duration a ``${dateTime().plusDays(n)...}`` due date adds to now.

    None where the text is not that (another expression, a unit Joda-Time has not).
    """
    found = _JODA.fullmatch(source.strip())
    if found is None:
        return None
    amounts = dict.fromkeys(_JODA_UNITS, 0)
    for unit, amount in _JODA_STEP.findall(found.group(1)):
        if unit not in amounts:
            return None
        amounts[unit] += int(amount)
    # ISO 8601 writes no weeks beside other units: a week is seven days, as in Joda-Time
    amounts["Days"] += 7 * amounts.pop("Weeks")
    date_part = "".join(f"{amounts[u]}{_JODA_UNITS[u]}" for u in _DATE_UNITS if amounts[u])
    time_part = "".join(f"{amounts[u]}{_JODA_UNITS[u]}" for u in _TIME_UNITS if amounts[u])
    return "P" + (date_part or ("" if time_part else "0D")) + (f"T{time_part}" if time_part else "")


def _io_value(holder: Any) -> str:
    """Return the Python of what a ``camunda:inputOutput`` parameter (or a value, an entry) holds.

    A text (``${...}`` parts translated from JUEL; an empty one is None), or one
    ``camunda:list`` or ``camunda:map``, nested as Camunda nests them.
    """
    children = [child for child in holder if isinstance(child.tag, str)]
    if not children:
        text = holder.text or ""
        if text == "":
            return "None"
        try:
            return translate_template(text).python
        except JuelError as exc:
            raise JuelError(f"{text!r} {exc}") from None
    if len(children) == 1 and _camunda_local(children[0]) in ("list", "map"):
        return _io_collection(children[0])
    raise JuelError(
        "scripts as values are not supported (write a text, ${...}, a camunda:list or "
        "a camunda:map)"
    )


def _io_collection(node: Any) -> str:
    """Return the Python of a ``camunda:list`` (of values, lists, maps) or ``camunda:map``."""
    items = [item for item in node if isinstance(item.tag, str)]
    if _camunda_local(node) == "list":
        values = []
        for item in items:
            kind = _camunda_local(item)
            if kind in ("list", "map"):
                values.append(_io_collection(item))
            elif kind == "value":
                values.append(_io_value(item))
            else:
                raise JuelError(f"a camunda:list holds {etree.QName(item).localname}")
        return "[" + ", ".join(values) + "]"
    pairs = []
    for entry in items:
        if _camunda_local(entry) != "entry" or not entry.get("key"):
            raise JuelError("a camunda:map holds camunda:entry elements, each with a key")
        pairs.append(f"{entry.get('key')!r}: {_io_value(entry)}")
    return "{" + ", ".join(pairs) + "}"


def _camunda_local(element: Any) -> str | None:
    """Return the local name of a Camunda element (None for another namespace's)."""
    name = etree.QName(element)
    return name.localname if name.namespace == CAMUNDA else None


def _add_property(element: Any, name: str, value: str) -> None:
    extensions = _extensions(element)
    properties = extensions.find(_s("properties"))
    if properties is None:
        properties = etree.SubElement(extensions, _s("properties"))
    prop = etree.SubElement(properties, _s("property"))
    prop.set("name", name)
    prop.set("value", value)


def _add_post_script(element: Any, code: str, first: bool = False) -> None:
    """Add lines to the end (or, ``first``, the start) of an element's post-script."""
    extensions = _extensions(element)
    post = extensions.find(_s("postScript"))
    if post is None:
        post = etree.SubElement(extensions, _s("postScript"))
    parts = [code, post.text or ""] if first else [post.text or "", code]
    post.text = "\n".join(parts).strip()


def _drop(element: Any) -> None:
    """Take a refused element out of what is parsed: a task becomes plain, a definition goes."""
    if etree.QName(element).localname.endswith("EventDefinition"):
        element.getparent().remove(element)
    elif etree.QName(element).localname not in ("process", "definitions"):
        _neutralize(element)


def _camunda_objects(text: str) -> str | None:
    """Return why a Python script written for Camunda's objects cannot run here, if it is.

    Camunda hands a script ``execution`` (``execution.setVariable("x", 1)``); a
    script here reads and assigns the variables themselves.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the script check names what is wrong with it
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "execution"]
    if any(isinstance(n.ctx, ast.Store) for n in names) or not names:
        return None
    return (
        "it uses Camunda's execution object (execution.getVariable, execution.setVariable), "
        "which scripts here do not have: read and assign the variables by their names"
    )


def _script_result(task: Any, script: Any) -> str | None:
    """Give a python script's ``camunda:resultVariable`` the value of its last expression.

    Camunda stores a script's value in the variable; a python script's value is
    that of its last statement when this is an expression (``total = a + b`` has
    none and leaves the variable alone, as SpiffWorkflow's Camunda parser, which
    ignores the attribute, would). The script is rewritten to assign it itself.
    """
    variable = (task.attrib.pop(_c("resultVariable")) or "").strip()
    if not variable.isidentifier() or keyword.iskeyword(variable):
        return f"camunda:resultVariable {variable!r} must be a variable name"
    source = script.text or ""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None  # the sandbox's deploy check names the syntax error
    if not body or not isinstance(body[-1], ast.Expr):
        return None
    last = body[-1]
    # Python numbers lines at \r\n, \r and \n only (str.splitlines knows more breaks)
    lines = re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", source)
    at = sum(len(line) for line in lines[: last.lineno - 1])
    at += len(lines[last.lineno - 1].encode()[: last.col_offset].decode())
    script.text = f"{source[:at]}{variable} = {source[at:]}"
    return None


def _neutralize(element: Any) -> None:
    """Make a refused task a plain task, so that nothing else is reported of it."""
    element.tag = _b("task")
    for child in list(element):
        if isinstance(child.tag, str) and child.tag in (_b("script"), _b("extensionElements")):
            element.remove(child)
    for attribute in list(element.attrib):
        if attribute.startswith(f"{{{CAMUNDA}}}") or attribute in (
            "scriptFormat",
            "implementation",
        ):
            del element.attrib[attribute]


_TIMER_KINDS = {
    "timeDuration": "duration (P…)",
    "timeDate": "date and time",
    "timeCycle": "repeating interval (R<count>/<duration>; cron cycles are not supported)",
}


def is_iso_timer(what: str, source: str) -> bool:
    """Tell whether a timer's text is an ISO 8601 literal of its kind (``timeDuration``, …)."""
    try:
        _check_timer(what, source)
    except Exception:  # SpiffWorkflow's parsers raise bare Exceptions
        return False
    return True


def _check_timer(what: str, source: str) -> None:
    if not source:
        raise ValueError("empty")
    if what == "timeDuration":
        if not source.upper().startswith("P"):
            raise ValueError("not a duration")
        TimerEventDefinition.parse_iso_duration(source)
    elif what == "timeDate":
        if source.upper().startswith("P"):
            raise ValueError("not a date")
        TimerEventDefinition.parse_time_or_duration(source)
    else:
        parts = source.upper().split("/")
        if not parts[0].startswith("R") or not 2 <= len(parts) <= 3:
            raise ValueError("not a cycle")
        if parts[0][1:] and not parts[0][1:].isdigit():
            raise ValueError("not a count")
        for part in parts[1:]:
            TimerEventDefinition.parse_time_or_duration(part)


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def _iso_date(value: Any) -> None:
    """Refuse a date that is not YYYY-MM-DD (what a date input gives)."""
    if not isinstance(value, str) or (value and not _is_iso_date(value)):
        raise ValidationError(Problem("form.invalid_value"))
