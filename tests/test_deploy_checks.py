"""What SpiffWorkflow would leave out or misread is refused at deployment, naming it.

Each test compiles a small process written inline (no database is needed):
a file that deploys runs as drawn, and one that would not is refused with
the element and the reason, not left to fail or do nothing when started.
"""

from __future__ import annotations

import itertools

import pytest

from engine import DeploymentError
from engine.access import ANYONE
from engine.definitions import compile_definition
from engine.extensions import SPIFF

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" {namespaces}'
    'id="definitions" targetNamespace="http://example.org/tests">\n'
)


def document(body: str, namespaces: str = "", executable: str = "true") -> str:
    """Return a file of one process ``checked`` with ``body`` as its content."""
    return (
        HEAD.format(namespaces=namespaces)
        + f'<process id="checked" isExecutable="{executable}">\n{body}\n</process>\n'
        + "</definitions>\n"
    )


def refused(files: dict[str, str]) -> list[str]:
    """Return the problems deploying ``files`` is refused with."""
    with pytest.raises(DeploymentError) as error:
        compile_definition(files)
    return [str(problem) for problem in error.value.problems]


def test_a_flow_node_without_id_is_refused_naming_it() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_review" sourceRef="start" targetRef="review" />\n'
        '<userTask id="review" name="Review" />\n'
        '<sequenceFlow id="to_end" sourceRef="review" targetRef="end" />\n'
        '<endEvent id="end" />\n'
        '<manualTask name="File it" />'
    )
    assert refused({"ids.bpmn": given}) == [
        "ids.bpmn: manualTask 'File it' (line 9, in 'checked') has no id, "
        "and an element without one is left out of the process: give it an id",
    ]
    compile_definition({"ids.bpmn": given.replace('<manualTask name="File it" />', "")})


def test_a_sequence_flow_without_id_is_named_by_its_ends_and_numbered_where_taken() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow sourceRef="start" targetRef="which" />\n'
        '<exclusiveGateway id="which" />\n'
        '<sequenceFlow sourceRef="which" targetRef="end">'
        "<conditionExpression>True</conditionExpression></sequenceFlow>\n"
        '<sequenceFlow id="which_to_end" sourceRef="which" targetRef="end">'
        "<conditionExpression>False</conditionExpression></sequenceFlow>\n"
        '<endEvent id="end" />'
    )
    # which_to_end is the file's own: the flow without an id is which_to_end_2, no
    # duplicate of it
    compile_definition({"ids.bpmn": given})


def test_a_sequence_flow_from_or_to_nothing_is_refused_naming_it() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_review" sourceRef="start" targetRef="review" />\n'
        '<userTask id="review" name="Review" />\n'
        '<sequenceFlow id="to_end" sourceRef="reveiw" targetRef="end" />\n'
        '<endEvent id="end" />\n'
        '<subProcess id="inner"><startEvent id="in_start" />'
        '<sequenceFlow id="out" sourceRef="in_start" targetRef="end" /></subProcess>'
    )
    assert refused({"flows.bpmn": given}) == [
        "flows.bpmn: element 'to_end': its sourceRef 'reveiw' names no element of 'checked' "
        "(flows join elements of one process)",
        "flows.bpmn: element 'out': its targetRef 'end' names no element of 'inner' "
        "(flows join elements of one process)",
    ]


@pytest.mark.parametrize("reserved", ["Start", "End", "StartEventJoin", "checked.EndJoin"])
def test_an_id_spiffworkflow_names_its_own_tasks_by_is_refused(reserved: str) -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_task" sourceRef="start" targetRef="task" />\n'
        '<manualTask id="task" />\n'
        '<sequenceFlow id="to_end" sourceRef="task" targetRef="end" />\n'
        '<endEvent id="end" />'
    )
    compile_definition({"ids.bpmn": given})
    renamed = given.replace('"task"', f'"{reserved}"')
    assert refused({"ids.bpmn": renamed}) == [
        f"ids.bpmn: element '{reserved}': id '{reserved}' is a name SpiffWorkflow gives a task "
        "of its own, and the element would be taken for that task: rename it"
    ]


def test_an_id_reserved_around_a_task_with_a_boundary_event_is_refused() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_task" sourceRef="start" targetRef="task" />\n'
        '<manualTask id="task" />\n'
        '<sequenceFlow id="to_end" sourceRef="task" targetRef="end" />\n'
        '<endEvent id="end" />\n'
        '<boundaryEvent id="late" attachedToRef="task" cancelActivity="false">'
        "<timerEventDefinition><timeDuration>'P1D'</timeDuration></timerEventDefinition>"
        "</boundaryEvent>\n"
        '<sequenceFlow id="to_reminded" sourceRef="late" targetRef="reminded" />\n'
        '<endEvent id="reminded" />'
    )
    compile_definition({"ids.bpmn": given})
    renamed = given.replace('"reminded"', '"task.BoundaryEventJoin"')
    (problem,) = refused({"ids.bpmn": renamed})
    assert problem.startswith("ids.bpmn: element 'task.BoundaryEventJoin': id ")


def timer_document(tag: str, written: str, namespaces: str = "") -> str:
    """Return a file whose process waits on a timer ``wait`` written so."""
    return document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_wait" sourceRef="start" targetRef="wait" />\n'
        f'<intermediateCatchEvent id="wait"><timerEventDefinition><{tag}>{written}</{tag}>'
        "</timerEventDefinition></intermediateCatchEvent>\n"
        '<sequenceFlow id="to_end" sourceRef="wait" targetRef="end" />\n'
        '<endEvent id="end" />',
        namespaces,
    )


def timer_expression(given: str) -> str:
    spec, _ = compile_definition({"timers.bpmn": given}).spec("checked")
    return str(spec.task_specs["wait"].event_definition.expression)


@pytest.mark.parametrize(
    ("tag", "written", "read"),
    [
        ("timeDuration", "PT5M", "'PT5M'"),
        ("timeCycle", "R/PT1H", "'R/PT1H'"),
        ("timeCycle", "R3/PT10M", "'R3/PT10M'"),
        ("timeDate", "2026-01-01T09:00:00Z", "'2026-01-01T09:00:00Z'"),
        ("timeDuration", "reminder", "reminder"),  # a name: data the instance has
        ("timeDuration", "P", "P"),  # times nothing: a name as well
    ],
)
def test_a_file_drawn_for_no_spiffworkflow_reads_a_bare_iso_timer_as_written(
    tag: str, written: str, read: str
) -> None:
    assert timer_expression(timer_document(tag, written)) == read


def test_a_timer_in_spiffworkflows_own_file_is_python() -> None:
    given = timer_document("timeDuration", "PT5M", f'xmlns:spiffworkflow="{SPIFF}" ')
    assert timer_expression(given) == "PT5M"  # as SpiffWorkflow reads it: a name


ZEEBE = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '


@pytest.mark.parametrize(
    ("zeebe", "said"),
    [
        ('<zeebe:assignmentDefinition candidateGroups="managers" />', None),
        ('<zeebe:formDefinition formKey="camunda-forms:bpmn:form" />', None),
        (
            '<zeebe:taskListeners><zeebe:taskListener eventType="creating" type="audit" />'
            "</zeebe:taskListeners>",
            "approval.bpmn: element 'approve': zeebe:taskListeners: task listeners are not run "
            "here: each is a job for a worker of its type, and the engine runs no job workers "
            "(remove them: say who does the task with zeebe:assignmentDefinition",
        ),
        ("", None),  # the namespace declared only: nothing to read
    ],
)
def test_a_camunda_8_file_runs_what_camunda_7_says_too_and_names_the_rest(
    zeebe: str, said: str | None
) -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_approve" sourceRef="start" targetRef="approve" />\n'
        f'<userTask id="approve"><extensionElements>{zeebe}</extensionElements></userTask>\n'
        '<sequenceFlow id="to_end" sourceRef="approve" targetRef="end" />\n'
        '<endEvent id="end" />',
        ZEEBE,
    )
    if said is None:
        compile_definition({"approval.bpmn": given})
        return
    (problem,) = refused({"approval.bpmn": given})
    assert problem.startswith(said)


def test_a_zeebe_attribute_on_a_camunda_7_file_refuses_it() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_approve" sourceRef="start" targetRef="approve" />\n'
        '<userTask id="approve" camunda:candidateGroups="managers" '
        'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" zeebe:retries="3" />\n'
        '<sequenceFlow id="to_end" sourceRef="approve" targetRef="end" />\n'
        '<endEvent id="end" />',
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ',
    )
    (problem,) = refused({"approval.bpmn": given})
    assert "'approve': zeebe:retries is not supported" in problem


def script_document(script_format: str, script: str = "done = True") -> str:
    """Return a file whose process runs one script task ``run`` in ``script_format``."""
    written = f' scriptFormat="{script_format}"' if script_format else ""
    return document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_run" sourceRef="start" targetRef="run" />\n'
        f'<scriptTask id="run"{written}><script>{script}</script></scriptTask>\n'
        '<sequenceFlow id="to_end" sourceRef="run" targetRef="end" />\n'
        '<endEvent id="end" />'
    )


@pytest.mark.parametrize(
    "script_format",
    [
        "java",
        "http://www.java.com/java",  # jBPM's and Kogito's
        "javascript",
        "http://www.javascript.com/javascript",
        "groovy",
        "text/x-groovy",
        "http://www.mvel.org/2.0",
        "juel",
    ],
)
def test_a_script_in_a_language_other_than_python_is_refused_naming_it(
    script_format: str,
) -> None:
    given = script_document(script_format, 'System.out.println("done");')
    assert refused({"script.bpmn": given}) == [
        f"script.bpmn: element 'run': script task: its scriptFormat is '{script_format}': "
        "the engine runs python scripts only (rewrite it in Python or use a service task)"
    ]


@pytest.mark.parametrize("script_format", ["", "python", "text/x-python", "Python3"])
def test_a_python_script_deploys_whatever_python_is_called(script_format: str) -> None:
    compile_definition({"script.bpmn": script_document(script_format)})


#: a pool drawn for another party, holding what the engine would refuse in one it runs
OTHER_PARTY = """<process id="supplier" isExecutable="false" camunda:candidateStarterGroups="x">
<startEvent id="order_received" />
<sequenceFlow sourceRef="order_received" targetRef="ship" />
<serviceTask id="ship" />
<sequenceFlow id="to_bill" sourceRef="ship" targetRef="bill" />
<scriptTask id="bill" scriptFormat="javascript"><script>bill()</script></scriptTask>
<sequenceFlow id="to_done" sourceRef="bill" targetRef="Start" />
<task id="Start"><extensionElements><camunda:inputOutput>
<camunda:outputParameter name="sent"><camunda:script scriptFormat="JavaScript">1</camunda:script>
</camunda:outputParameter></camunda:inputOutput></extensionElements></task>
</process>
"""
CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '


def test_a_pool_drawn_for_another_party_is_neither_checked_nor_run() -> None:
    given = document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_order" sourceRef="start" targetRef="order" />\n'
        '<manualTask id="order" />\n'
        '<sequenceFlow id="to_end" sourceRef="order" targetRef="end" />\n'
        '<endEvent id="end" />',
        CAMUNDA,
    ).replace("</definitions>", OTHER_PARTY + "</definitions>")
    compiled = compile_definition({"order.bpmn": given})
    assert list(compiled.processes) == ["checked"]
    assert "supplier" not in compiled.start_groups


def test_a_file_of_pools_drawn_for_other_parties_only_has_no_executable_process() -> None:
    given = HEAD.format(namespaces=CAMUNDA) + OTHER_PARTY + "</definitions>\n"
    (said,) = refused({"supplier.bpmn": given})
    assert said.startswith("supplier.bpmn: contains no executable process")
    assert 'write isExecutable="true"' in said  # what to write instead


XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '


def condition_document(language: str, condition: str, namespaces: str = "") -> str:
    """Return a file whose gateway ``decide`` takes ``to_yes`` when ``condition`` holds."""
    written = f' language="{language}"' if language else ""
    return document(
        '<startEvent id="start" />\n'
        '<sequenceFlow id="to_decide" sourceRef="start" targetRef="decide" />\n'
        '<exclusiveGateway id="decide" default="to_no" />\n'
        '<sequenceFlow id="to_yes" sourceRef="decide" targetRef="yes">'
        f'<conditionExpression xsi:type="tFormalExpression"{written}>{condition}'
        "</conditionExpression></sequenceFlow>\n"
        '<sequenceFlow id="to_no" sourceRef="decide" targetRef="no" />\n'
        '<endEvent id="yes" />\n<endEvent id="no" />',
        XSI + namespaces,
    )


@pytest.mark.parametrize(
    ("language", "namespaces", "named"),
    [
        ("javascript", "", "'javascript'"),
        ("groovy", "", "'groovy'"),
        ("http://www.java.com/java", "", "'http://www.java.com/java'"),
        ("http://www.jboss.org/drools/rule", "", "'http://www.jboss.org/drools/rule'"),
        ("http://www.w3.org/1999/XPath", "", "'http://www.w3.org/1999/XPath'"),
        ("groovy", f'xmlns:spiffworkflow="{SPIFF}" ', "'groovy'"),
        ("juel", "", "names JUEL but is not a JUEL expression"),
    ],
)
def test_a_condition_in_another_language_is_refused_naming_it(
    language: str, namespaces: str, named: str
) -> None:
    (problem,) = refused({"decide.bpmn": condition_document(language, "amount &gt; 5", namespaces)})
    assert problem.startswith("decide.bpmn: element 'to_yes': ") and named in problem


@pytest.mark.parametrize(
    ("language", "namespaces"),
    [
        ("", ""),
        ("python", ""),
        ("text/x-python", ""),
        # SpiffWorkflow's own files write languages that mean nothing (language="true")
        ("true", f'xmlns:spiffworkflow="{SPIFF}" '),
    ],
)
def test_a_condition_in_python_deploys(language: str, namespaces: str) -> None:
    compile_definition({"decide.bpmn": condition_document(language, "amount &gt; 5", namespaces)})


def test_a_condition_in_feel_is_read_as_the_python_it_means() -> None:
    compiled = compile_definition({"decide.bpmn": condition_document("feel", "amount &gt; 5")})
    assert compiled.processes["checked"].file == "decide.bpmn"
    compile_definition({"decide.bpmn": condition_document("feel", "amount in [1, 2]")})
    (problem,) = refused({"decide.bpmn": condition_document("feel", "amount in 1..2")})
    assert "is FEEL beyond what is read here" in problem


def test_the_files_expression_language_is_that_of_an_expression_naming_none() -> None:
    given = condition_document("", "amount &gt; 5").replace(
        "<definitions ", '<definitions expressionLanguage="http://groovy.apache.org/" '
    )
    assert refused({"decide.bpmn": given}) == [
        "decide.bpmn: element 'to_yes': the conditionExpression is written in "
        "'http://groovy.apache.org/' (the file's expressionLanguage), which the engine does "
        "not evaluate: expressions are python, or JUEL ${...} in a file drawn for Camunda, "
        "Activiti or Flowable (rewrite it in Python)"
    ]
    # BPMN's default, which modelers write whatever their expressions are in
    compile_definition({"decide.bpmn": given.replace("http://groovy.apache.org/", XPATH)})


XPATH = "http://www.w3.org/1999/XPath"


def test_a_timer_in_another_language_is_refused_unless_an_iso_8601_literal() -> None:
    def timer(text: str, namespaces: str = "", language: str = "") -> str:
        written = f' language="{language}"' if language else ""
        return document(
            '<startEvent id="start" />\n'
            '<sequenceFlow id="to_wait" sourceRef="start" targetRef="wait" />\n'
            '<intermediateCatchEvent id="wait"><timerEventDefinition>'
            f'<timeDuration xsi:type="tFormalExpression"{written}>{text}</timeDuration>'
            "</timerEventDefinition></intermediateCatchEvent>\n"
            '<sequenceFlow id="to_end" sourceRef="wait" targetRef="end" />\n'
            '<endEvent id="end" />',
            XSI + namespaces,
        ).replace("<definitions ", '<definitions expressionLanguage="http://groovy.apache.org/" ')

    compile_definition({"wait.bpmn": timer("PT5M")})
    (problem,) = refused({"wait.bpmn": timer("2592000000L")})  # as Bonita writes a cycle
    assert "element 'wait': the timeDuration is written in 'http://groovy.apache.org/'" in problem
    camunda = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    (problem,) = refused({"wait.bpmn": timer("${wait}", camunda, "groovy")})
    assert "element 'wait': the timeDuration is written in 'groovy'" in problem
    compile_definition({"wait.bpmn": timer("'PT5M'", camunda, "python")})


def flow(*nodes: str) -> str:
    """Return a start event, ``nodes`` in a row joined by flows, and an end event."""
    ids = ["start", *(n.split('id="')[1].split('"')[0] for n in nodes), "end"]
    flows = "".join(
        f'<sequenceFlow id="to_{b}" sourceRef="{a}" targetRef="{b}" />\n'
        for a, b in itertools.pairwise(ids)
    )
    return '<startEvent id="start" />\n' + "\n".join(nodes) + '\n<endEvent id="end" />\n' + flows


WORK = '<userTask id="work" name="Work" />'
ERROR = '<error id="broken" name="Broken" errorCode="BROKEN" />'


@pytest.mark.parametrize(
    ("body", "element", "words"),
    [
        (
            flow(WORK) + '<subProcess id="repair" triggeredByEvent="true">'
            '<startEvent id="on_error"><errorEventDefinition errorRef="broken" /></startEvent>'
            '<sequenceFlow id="to_fix" sourceRef="on_error" targetRef="fix" />'
            '<userTask id="fix" /><sequenceFlow id="to_fixed" sourceRef="fix" targetRef="fixed" />'
            '<endEvent id="fixed" /></subProcess>',
            "on_error",
            "a start event caught on an error is not supported: SpiffWorkflow would start its "
            "event subprocess at once",
        ),
        (
            flow(WORK) + '<subProcess id="repair" triggeredByEvent="true">'
            '<startEvent id="on_late"><escalationEventDefinition /></startEvent>'
            '<sequenceFlow id="to_fix" sourceRef="on_late" targetRef="fixed" />'
            '<endEvent id="fixed" /></subProcess>',
            "on_late",
            "a start event caught on an escalation is not supported",
        ),
        (
            flow(WORK) + '<boundaryEvent id="undo_work" attachedToRef="work">'
            "<compensateEventDefinition /></boundaryEvent>"
            '<task id="undo" isForCompensation="true" />'
            '<association id="undo_link" sourceRef="undo_work" targetRef="undo" />',
            "undo_work",
            "compensation is not supported",
        ),
        (
            flow(
                WORK,
                '<intermediateThrowEvent id="compensate">'
                "<compensateEventDefinition /></intermediateThrowEvent>",
            ),
            "compensate",
            "compensation is not supported",
        ),
        (
            flow(
                '<intermediateCatchEvent id="wait"><eventDefinitionRef>later</eventDefinitionRef>'
                "</intermediateCatchEvent>"
            ),
            "wait",
            "an event definition given by reference (eventDefinitionRef) is not supported",
        ),
        (
            flow(
                WORK,
                '<intermediateThrowEvent id="jump"><linkEventDefinition name="A" />'
                "</intermediateThrowEvent>",
            ),
            "jump",
            "its link 'A' has no catching link event of that name in 'checked'",
        ),
        (
            flow(WORK)
            + '<userTask id="other" name="Other"><potentialOwner><resourceAssignmentExpression>'
            "<formalExpression>john</formalExpression></resourceAssignmentExpression>"
            "</potentialOwner></userTask>",
            "other",
            "its potentialOwner is not read here: a task is for its lane's group",
        ),
        (
            flow(
                '<userTask id="work" name="Work"><dataInputAssociation id="amount_in">'
                "<sourceRef>amount</sourceRef><targetRef>work_amount</targetRef>"
                "</dataInputAssociation></userTask>"
            ),
            "work",
            "its dataInputAssociation from 'amount' into 'work_amount' maps data the engine "
            "does not map",
        ),
    ],
)
def test_what_spiffworkflow_would_leave_out_of_an_event_or_task_is_refused(
    body: str, element: str, words: str
) -> None:
    given = document(body).replace("<process ", f"{ERROR}\n<process ", 1)
    problems = refused({"events.bpmn": given})
    assert [p for p in problems if f"element '{element}': {words}" in p], problems


FLOWABLE = 'xmlns:flowable="http://flowable.org/bpmn" '
CALLED = (
    '<process id="called"><startEvent id="called_start" />'
    '<sequenceFlow id="to_called_end" sourceRef="called_start" targetRef="called_end" />'
    '<endEvent id="called_end" /></process>\n'
)


@pytest.mark.parametrize(
    ("node", "namespaces"),
    [
        # when Camunda evaluates the condition: it fires when the condition holds all the same
        (
            '<intermediateCatchEvent id="wait"><conditionalEventDefinition '
            'camunda:variableName="ready" camunda:variableEvents="create, update">'
            '<condition xsi:type="tFormalExpression">${ready}</condition>'
            "</conditionalEventDefinition></intermediateCatchEvent>",
            CAMUNDA + XSI,
        ),
        # how Flowable finds the called process; the called one gets the variables anyway
        (
            '<callActivity id="call" calledElement="called" flowable:calledElementType="key" '
            'flowable:inheritVariables="true" flowable:inheritBusinessKey="true" '
            'flowable:fallbackToDefaultTenant="false" flowable:sameDeployment="true" />',
            FLOWABLE,
        ),
        # the element template Camunda Modeler filled a task in from
        (
            '<userTask id="work" camunda:modelerTemplate="com.example.Approval" '
            'camunda:modelerTemplateVersion="2" />',
            CAMUNDA,
        ),
        # the modeler's own bookkeeping, in a namespace of its own: the starter may complete the
        # task he is assigned anyway
        (
            '<userTask id="work" flowable:assignee="$INITIATOR"><extensionElements>'
            '<modeler:initiator-can-complete xmlns:modeler="http://flowable.org/modeler">'
            "true</modeler:initiator-can-complete></extensionElements></userTask>",
            FLOWABLE,
        ),
    ],
)
def test_a_hint_of_another_engine_is_accepted(node: str, namespaces: str) -> None:
    given = document(flow(node), namespaces).replace("</definitions>", CALLED + "</definitions>")
    compile_definition({"hints.bpmn": given})


@pytest.mark.parametrize(
    ("body", "namespaces", "element", "words"),
    [
        (
            flow('<complexGateway id="rule" />'),
            "",
            "rule",
            "a complex gateway is not supported (SpiffWorkflow runs none)",
        ),
        (
            flow(WORK) + '<dataObject id="limit" name="limit"><extensionElements>'
            "<flowable:value>100</flowable:value></extensionElements></dataObject>",
            FLOWABLE,
            "limit",
            "flowable:value is not supported: a data object's value (a variable Activiti and "
            "Flowable set when the process starts) is not set here",
        ),
    ],
)
def test_what_another_engine_would_do_and_this_one_cannot_is_refused(
    body: str, namespaces: str, element: str, words: str
) -> None:
    (problem,) = refused({"other.bpmn": document(body, namespaces)})
    assert problem.startswith(f"other.bpmn: element '{element}': {words}")


LANES = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" {ns}
  id="d" targetNamespace="http://example.org/lanes">
  <bpmn:process id="lanes" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="{lane_id}" {lane_name}><bpmn:flowNodeRef>check</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:userTask id="check" name="Check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""
CAMUNDA_NS = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'


@pytest.mark.parametrize(
    ("ns", "lane_id", "lane_name", "role"),
    [
        ("", "clerk", 'name="办事员"', "clerk"),  # gongkai's own: the id names the group
        ("", "Lane_0x8k2t1", 'name="Finance Team"', "Finance Team"),  # as spiff-arena reads it
        ("", "sid-6A1B0C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D", "", ANYONE),  # a made-up id, no name
        (CAMUNDA_NS, "Lane_0x8k2t1", 'name="Finance Team"', ANYONE),  # Camunda's lanes: drawing
        (CAMUNDA_NS, "clerk", 'name="办事员"', "clerk"),
    ],
)
def test_a_lane_names_its_group_by_its_id_unless_a_modeler_made_the_id_up(
    ns: str, lane_id: str, lane_name: str, role: str
) -> None:
    text = LANES.format(ns=ns, lane_id=lane_id, lane_name=lane_name)
    rules = compile_definition({"lanes.bpmn": text}).user_task("lanes", "check")
    assert rules is not None and rules.role == role


def test_a_group_too_long_for_a_work_item_is_refused_naming_the_task() -> None:
    long_name = 'name="' + "财务审核组" * 7 + '"'  # 35 characters: a work item keeps 32
    text = LANES.format(ns="", lane_id="Lane_0x8k2t1", lane_name=long_name)
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"lanes.bpmn": text})
    (problem,) = refused.value.problems
    assert problem.element_id == "check" and "at most 32 characters" in problem.message


def chain(length: int) -> str:
    """Return a process of ``length`` plain tasks one after another."""
    tasks = "".join(f'<task id="t{i}" />\n' for i in range(length))
    flows = '<sequenceFlow id="f_start" sourceRef="start" targetRef="t0" />\n'
    flows += "".join(
        f'<sequenceFlow id="f{i}" sourceRef="t{i}" targetRef="t{i + 1}" />\n'
        for i in range(length - 1)
    )
    flows += f'<sequenceFlow id="f_end" sourceRef="t{length - 1}" targetRef="end" />'
    return document(f'<startEvent id="start" />\n{tasks}<endEvent id="end" />\n{flows}')


def test_a_run_of_elements_too_long_to_read_is_refused_saying_what_to_do() -> None:
    compile_definition({"chain.bpmn": chain(300)})
    (problem,) = refused({"chain.bpmn": chain(1500)})
    assert problem.startswith("chain.bpmn: element 't") and "RecursionError" not in problem
    assert "too many elements one after another" in problem
    assert "put part of it in a subprocess or a call activity" in problem
