"""The names BPMN files speak to the engine in: namespaces and extension properties.

Kept apart so that the dialects rewritten into SpiffWorkflow's (``camunda``)
fill in the very properties ``definitions`` reads.
"""

from __future__ import annotations

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
#: BPMN's diagram interchange (BPMNDI): where a modeler keeps the layout of what it drew
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

#: extension property naming the marshmallow schema of a user task's form.
FORM_PROPERTY = "form"
#: extension property listing tasks (comma-separated ids) whose actors may not take this one.
EXCLUDE_PROPERTY = "excludeActorsOf"
#: extension property listing tasks whose actors alone may take this one (谁起草、谁解读).
ONLY_PROPERTY = "onlyActorsOf"
#: extension property: an expression over task data giving the user name (or a list of
#: them) who alone may take the task: a named approver (Camunda's assignee, candidateUsers).
#: Nobody named (None, empty) leaves the task to its group.
USERS_PROPERTY = "onlyUsers"
#: extension property: an expression over task data giving the group (or a list of groups,
#: or a text of them comma-separated) a member of which may take the task, worked out when
#: it becomes ready (Camunda's ``candidateGroups="${approverGroups}"``).  None named (None,
#: empty) leaves the task to its lane's group, or to the default.
GROUPS_PROPERTY = "candidateGroups"
#: extension property: an expression over task data giving the user name (or a list of
#: them) who may take the task besides the members of its groups, whatever groups they
#: hold (Camunda's ``candidateUsers`` beside ``candidateGroups``: a listed user or a
#: member of a listed group).  Nobody named leaves the task to its groups alone.
CANDIDATES_PROPERTY = "candidateUsers"
#: extension property: an expression over task data giving the task's due time (ISO 8601).
DUE_PROPERTY = "dueAt"
#: extension property: an expression over task data naming the department whose members
#: alone may take the task (a request's handling department).
DEPARTMENT_PROPERTY = "department"
#: extension property ("true"): finishing this task resumes earlier work (an opinion
#: arrived, a fee was paid), so the earlier task ready again was not sent back.
RESUMES_PROPERTY = "resumes"
#: extension property ("true"): the task where a case is drafted: its form may be saved
#: without finishing it, and while it was never finished its starter may delete the case.
DRAFTING_PROPERTY = "drafting"
#: extension property of a boundary timer: what its firing means for the task it sits on.
TIMER_KIND_PROPERTY = "timerKind"
TIMER_KINDS = ("reminder", "overdue")
#: extension property of a call activity: JSON ``{"in": [...], "out": [...]}``, the
#: variables the called process starts with and those it gives back (Camunda's
#: ``camunda:in`` / ``camunda:out``), each ``{"all": true}``, ``{"source": name,
#: "target": name}`` or ``{"expression": python, "target": name}``.  Without it the
#: called process gets all the caller's data and gives all of its own back.
MAPPINGS_PROPERTY = "variableMappings"
#: extension property of an event: Python setting the variables its output mappings
#: name (Camunda 8's ``zeebe:ioMapping`` on an event), run as the event completes, after
#: what it caught became data (``engine.mapped_events``)
EVENT_OUTPUTS_PROPERTY = "eventOutputs"
#: prefix of a user task's extension properties that are headers its task page shows
#: (Camunda 8's ``zeebe:taskHeaders``: ``taskHeader:region`` is the header ``region``)
HEADER_PROPERTY_PREFIX = "taskHeader:"
#: attributes of a catching error or escalation event definition (Camunda's
#: ``errorCodeVariable``, ``errorMessageVariable``, ``escalationCodeVariable``): the
#: variables that get the caught code, and the error's message (its ``payloadExpression``)
CODE_VARIABLE = f"{{{SPIFF}}}codeVariable"
MESSAGE_VARIABLE = f"{{{SPIFF}}}messageVariable"
