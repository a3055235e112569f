"""What the JSON API takes and gives: marshmallow schemas, published as OpenAPI 3.

Each field says what it is in English (``description``) and in Chinese
(``x-zh``): the reference page shows the reader's language.  Field names are
the engine's own.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

#: the largest row id (PostgreSQL's ``integer``)
MAX_ID = 2**31 - 1
#: text on one line with no control character (a NUL byte is refused by PostgreSQL)
_PLAIN = validate.Regexp(r"^[^\x00-\x1f\x7f]*$")


def _doc(en: str, zh: str, **more: Any) -> dict[str, Any]:
    return {"description": en, "x-zh": zh, **more}


def _text(en: str, zh: str, **options: Any) -> fields.String:
    return fields.String(required=True, metadata=_doc(en, zh), **options)


def _maybe_text(en: str, zh: str) -> fields.String:
    return fields.String(required=True, allow_none=True, metadata=_doc(en, zh))


def _maybe_int(en: str, zh: str) -> fields.Integer:
    return fields.Integer(required=True, allow_none=True, metadata=_doc(en, zh))


def _object(en: str, zh: str, **options: Any) -> fields.Dict:
    return fields.Dict(keys=fields.String(), metadata=_doc(en, zh), **options)


def _labels(en: str, zh: str) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        allow_none=True,
        required=True,
        metadata=_doc(en, zh),
    )


class Strict(Schema):
    """A schema that refuses fields it does not name (a typing error, most likely)."""


# -- errors ---------------------------------------------------------------------------


class ProblemSchema(Strict):
    """One thing wrong with one field."""

    code = _text("What is wrong, as a code (form.required)", "问题代码（如 form.required）")
    message = _text("What is wrong, in words", "问题说明")


class ErrorSchema(Strict):
    """An error: its code, what it says, its facts, and each field's problems."""

    code = _text("What happened, as a code (task.claimed)", "错误代码（如 task.claimed）")
    message = _text(
        "What happened, in Chinese, or in English with ?lang=en or Accept-Language: en",
        "错误说明（中文；?lang=en 或 Accept-Language: en 时为英文）",
    )
    params = _object("The facts of the error, by name", "错误涉及的参数")
    problems = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(ProblemSchema)),
        data_key="fields",
        attribute="fields",
        metadata=_doc("Each invalid field's problems", "各字段的问题"),
    )


# -- tasks ----------------------------------------------------------------------------


class TaskSchema(Strict):
    """A ready user task, as an inbox lists it."""

    task_id = _text("The task's id (a UUID)", "任务编号（UUID）")
    instance_id = fields.Integer(required=True, metadata=_doc("Its instance", "所属流程实例"))
    process_id = _text("The process it belongs to", "所属流程")
    element_id = _text("The BPMN user task's id", "BPMN 用户任务编号")
    name = _text("The task's name (Chinese)", "任务名称")
    labels = _labels("The task's name by language (en)", "任务名称的其他语言版本")
    role = _text("The group that may take it ('*': anyone)", "可办理的角色（* 为任何人）")
    form = _text("The name of its form", "表单名称")
    claimed_by = _maybe_text("Who has claimed it", "认领人")
    created_at = _text("When it became ready (UTC, ISO 8601)", "生成时间（UTC，ISO 8601）")
    due_at = _maybe_text("When it is due (UTC, ISO 8601)", "办理期限（UTC，ISO 8601）")
    due_provisional = fields.Boolean(
        required=True, metadata=_doc("The due time may still move", "期限尚未确定")
    )
    overdue = fields.Boolean(required=True, metadata=_doc("It is past due", "已逾期"))
    reminded_at = _maybe_text("When its reminder went out", "催办时间")
    subject = _maybe_text("What the case is about", "事项标题")
    returned = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(["automatic", "sent_back"]),
        metadata=_doc(
            "How it came back: returned by the rules or sent back by a person",
            "退回方式：automatic 退文，sent_back 退回",
        ),
    )
    instance_version = fields.Integer(
        required=True,
        metadata=_doc("The instance's version, to complete it against", "流程实例版本号"),
    )


class TaskPageSchema(Strict):
    """A page of one's tasks."""

    items = fields.List(fields.Nested(TaskSchema), required=True, metadata=_doc("Tasks", "任务"))
    next_after = _maybe_text("Pass as ?after= for the next page", "下一页请传入 ?after=")
    total = fields.Integer(
        required=True, metadata=_doc("Tasks in all (counted up to a cap)", "任务总数（计数有上限）")
    )
    total_capped = fields.Boolean(
        required=True,
        metadata=_doc("There are at least total: counting stopped there", "任务至少有 total 件"),
    )


class ChoiceSchema(Strict):
    """One choice a field offers."""

    value = _text("What to send", "取值")
    label = _text("Its name in Chinese", "中文名称")
    label_en = _text("Its name in English", "英文名称")


class FormFieldSchema(Strict):
    """One field of a form."""

    name = _text("The field's name in the data", "字段名")
    type = fields.String(
        required=True,
        validate=validate.OneOf(
            ["string", "integer", "number", "boolean", "array", "date", "datetime", "object"]
        ),
        metadata=_doc("The kind of value it takes", "取值类型"),
    )
    required = fields.Boolean(required=True, metadata=_doc("It must be given", "必填"))
    label = _text("Its label in Chinese", "中文标签")
    label_en = _text("Its label in English", "英文标签")
    choices = fields.List(
        fields.Nested(ChoiceSchema),
        required=True,
        metadata=_doc("The values it takes, if it is a choice", "可选值"),
    )
    max_length = _maybe_int("The longest text it takes", "最大长度")
    opinion = fields.Boolean(
        required=True,
        metadata=_doc("The doer's own opinion: never prefilled", "本环节意见（不预填）"),
    )


class FormDescriptionSchema(Strict):
    """A task's form: its name and fields."""

    name = _text("The form's name", "表单名称")
    items = fields.List(
        fields.Nested(FormFieldSchema),
        data_key="fields",
        required=True,
        metadata=_doc("Its fields", "字段"),
    )


class TaskFormSchema(Strict):
    """A task with its form, the form's current values and the case data."""

    task = fields.Nested(TaskSchema, required=True)
    form = fields.Nested(FormDescriptionSchema, required=True)
    values = _object("The form's current values", "表单当前值", required=True)
    data = _object("The case data the task works on", "事项数据", required=True)
    drafting = fields.Boolean(required=True, metadata=_doc("The case is drafted here", "起草环节"))
    shared = fields.Boolean(
        required=True,
        metadata=_doc("Others may take it too: claim it to keep it", "他人也可办理，认领后归本人"),
    )


class CompleteSchema(Strict):
    """What completing a task sends."""

    data = _object(
        "The form's data; a field left out keeps its value",
        "表单数据；未提供的字段保持原值",
        load_default=dict,
    )
    version = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata=_doc(
            "The instance version read; another change first answers 409",
            "读取时的实例版本号；如已被他人改动则返回 409",
        ),
    )


# -- instances ------------------------------------------------------------------------


class StartSchema(Strict):
    """What starting an instance sends."""

    data = _object(
        "The start data; a process drafted in a form takes that form's fields",
        "启动数据；有起草表单的流程按该表单校验",
        load_default=dict,
    )
    submit = fields.Boolean(
        load_default=False,
        metadata=_doc(
            "Submit the draft at once (checked as the whole form demands)",
            "立即提交起草内容（按整个表单校验）",
        ),
    )


class InstanceSchema(Strict):
    """A process instance: where it stands, its data and its ready tasks."""

    id = fields.Integer(required=True, metadata=_doc("The instance's id", "流程实例编号"))
    process_id = _text("Its process", "流程")
    definition_id = fields.Integer(required=True, metadata=_doc("Its definition", "流程版本"))
    content_hash = _text("The hash of its BPMN files", "流程文件哈希")
    status = fields.String(
        required=True,
        validate=validate.OneOf(["running", "completed", "cancelled"]),
        metadata=_doc("running, completed or cancelled", "状态"),
    )
    version = fields.Integer(required=True, metadata=_doc("Its version", "版本号"))
    started_by = _maybe_text("Who started it", "发起人")
    started_at = _text("When it started (UTC)", "发起时间（UTC）")
    updated_at = _text("When it last changed (UTC)", "最后更新时间（UTC）")
    completed_at = _maybe_text("When it ended (UTC)", "结束时间（UTC）")
    data = _object("Its data", "事项数据", required=True)
    ready_tasks = fields.List(
        fields.Nested(TaskSchema), required=True, metadata=_doc("Its ready tasks", "待办任务")
    )


class InstanceRowSchema(Strict):
    """An instance in short: what it is and where it stands."""

    id = fields.Integer(required=True)
    process_id = _text("Its process", "流程")
    status = _text("running, completed or cancelled", "状态")
    subject = _maybe_text("What it is about", "事项标题")
    started_by = _maybe_text("Who started it", "发起人")
    started_at = _text("When it started (UTC)", "发起时间（UTC）")
    updated_at = _text("When it last changed (UTC)", "最后更新时间（UTC）")
    completed_at = _maybe_text("When it ended (UTC)", "结束时间（UTC）")
    event_count = fields.Integer(
        required=True, metadata=_doc("Events in its history", "历史事件数")
    )


class EventSchema(Strict):
    """One event of an instance's history, with its place in the hash chain."""

    seq = fields.Integer(required=True, metadata=_doc("Its number, from 1", "序号"))
    type = _text("What happened", "事件类型")
    actor = _maybe_text("Who did it", "办理人")
    at = _text("When (UTC)", "时间（UTC）")
    data = _object("Its facts", "事件数据", required=True)
    prev_hash = _text("The hash of the event before", "前一事件哈希")
    hash = _text("Its hash", "本事件哈希")


class TimelineSchema(Strict):
    """A bounded page of an instance's history."""

    instance = fields.Nested(InstanceRowSchema, required=True)
    events = fields.List(fields.Nested(EventSchema), required=True)
    next_seq = _maybe_int("Pass as ?from_seq= for the next page", "下一页请传入 ?from_seq=")
    names = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata=_doc("Display names of the actors", "办理人姓名"),
    )


class HistoryArgs(Strict):
    """Which page of a history to read."""

    from_seq = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata=_doc("The first event's number", "起始事件序号"),
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(min=1, max=500),
        metadata=_doc("Events on the page (at most 500)", "每页事件数（最多 500）"),
    )


class TaskArgs(Strict):
    """Which page of tasks to read."""

    after = fields.String(
        load_default=None,
        validate=[validate.Length(max=200), _PLAIN],
        metadata=_doc(
            "The next_after of the page before (URL-encoded); anything else: the first page",
            "上一页的 next_after（须 URL 编码）；其他值从第一页开始",
        ),
    )
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=200),
        metadata=_doc("Tasks on the page (at most 200)", "每页任务数（最多 200）"),
    )


# -- messages -------------------------------------------------------------------------


class MessageSchema(Strict):
    """A message to an instance, or to every instance of one's waiting for it."""

    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=128), _PLAIN],
        metadata=_doc("The BPMN message's name", "BPMN 消息名称"),
    )
    payload = _object("The message's data", "消息数据", load_default=dict)


class DeliveryFailureSchema(Strict):
    """An instance that could not take a message, and why (it was left waiting)."""

    instance_id = fields.Integer(required=True)
    code = fields.String(required=True, metadata=_doc("The error's code", "错误代码"))
    message = fields.String(required=True, metadata=_doc("What went wrong", "错误说明"))


class DeliverySchema(Strict):
    """The instances a message moved on, and those that could not take it."""

    reached = fields.List(
        fields.Integer(), required=True, metadata=_doc("Instances that took it", "接收消息的实例")
    )
    failed = fields.List(
        fields.Nested(DeliveryFailureSchema),
        required=True,
        metadata=_doc("Instances that could not take it, and why", "未能接收消息的实例及原因"),
    )


# -- documents and requests (the disclosure domain) -------------------------------------


class DocumentSchema(Strict):
    """An issued document: whole to a reader of its case, else as published (de-identified)."""

    id = fields.Integer(required=True)
    instance_id = fields.Integer(
        required=True, metadata=_doc("Its approval's instance", "审批流程实例")
    )
    number = _text("Its document number", "文号")
    prefix = _text("The prefix of its number", "文号前缀")
    year = fields.Integer(required=True)
    sequence = fields.Integer(required=True)
    title = _text("Its title", "标题")
    doc_type = _text("normative, policy or general", "公文类型")
    attribute = _text("proactive, on_request or withheld", "公开属性")
    status = _text("Where it stands in the catalogue", "目录状态")
    official_text = _text("The official text", "正式文本")
    drafter = _maybe_text("Who drafted it", "拟稿人")
    issued_at = _text("When it was issued (UTC)", "印发时间（UTC）")
    publish_due_at = _maybe_text("When it must be published", "发布期限")
    published_at = _maybe_text("When it was published", "发布时间")
    published_by = _maybe_text("Who published it", "发布人")
    publication_channel = _maybe_text("Where it was published", "发布渠道")
    publication_url = _maybe_text("Its public address", "发布网址")
    interpretation_due_at = _maybe_text("When its interpretation is due", "解读期限")
    interpretation_at = _maybe_text("When it was interpreted", "解读时间")
    interpretation_title = _maybe_text("Its interpretation's title", "解读标题")
    interpretation_url = _maybe_text("Its interpretation's address", "解读网址")
    review_conclusion = _maybe_text("The confidentiality review's conclusion", "保密审查结论")
    reviewed_by = _maybe_text("Who reviewed it", "审查人")
    reviewed_at = _maybe_text("When it was reviewed", "审查时间")
    review_record_id = _maybe_int("The review record that cleared it", "审查记录编号")
    disclosed_title = _maybe_text("The title as published", "公开的标题")
    disclosed_text = _maybe_text("The text as published (de-identified)", "公开的文本（去标识化）")
    attachments = fields.List(
        fields.Dict(keys=fields.String()),
        required=True,
        allow_none=True,
        metadata=_doc("Its attachments", "附件"),
    )
    publish_due_provisional = fields.Boolean(required=True)
    interpretation_due_provisional = fields.Boolean(required=True)
    repealed_on = _maybe_text("The day it was repealed", "废止日期")
    repeal_reason = _maybe_text("Why it was repealed", "废止理由")
    urgency = _maybe_text("Its urgency", "紧急程度")
    main_recipients = _maybe_text("To whom it is addressed", "主送")
    copied_to = _maybe_text("Who receives copies", "抄送")
    copies = _maybe_int("How many copies were printed", "印发份数")
    drafting_unit = _maybe_text("The drafting unit", "拟稿单位")
    issuing_authority = _maybe_text("The issuing authority", "发文机关")
    interpretation_plan = _maybe_text("Its interpretation plan", "解读方案")
    full = fields.Boolean(
        required=True,
        metadata=_doc("Whole (true) or as published (false)", "完整版本（false 为公开版本）"),
    )


class RequestSchema(Strict):
    """A disclosure request with its applicant: for its registrars and handlers only."""

    id = fields.Integer(required=True)
    instance_id = _maybe_int("Its handling's instance", "办理流程实例")
    tracking_number = _text("The applicant's tracking number", "受理编号（查询用）")
    file_number = _text("The office's file number", "受理文号")
    channel = _text("How it came in", "申请渠道")
    received_on = _text("The day it was received", "收到日期")
    applicant_type = _text("natural_person or organisation", "申请人类型")
    organisation_kind = _maybe_text("The kind of organisation", "组织类型")
    applicant_name = _text("The applicant's name", "申请人姓名或名称")
    id_type = _text("The applicant's identity document", "证件类型")
    id_number = _text("Its number", "证件号码")
    phone = _text("The applicant's phone", "联系电话")
    address = _text("The applicant's address", "通信地址")
    email = _text("The applicant's e-mail", "电子邮箱")
    description = _text("What is asked for", "所需信息描述")
    document_hint = _text("A document's name or number, if known", "文件名称或文号")
    purpose = _text("What for", "用途")
    preferred_form = _text("In which form", "获取形式")
    delivery = _text("How to deliver it", "获取方式")
    status = _text("Where it stands", "办理状态")
    department = _maybe_text("The department handling it", "承办处室")
    due_on = _maybe_text("The day the reply is due", "答复期限")
    due_provisional = fields.Boolean(required=True)
    paused = _maybe_text("Why the clock is paused", "计时暂停原因")
    fee_method = _maybe_text("How a fee is charged", "收费方式")
    fee_yuan = _maybe_int("The fee, in yuan", "收费金额（元）")
    reply_type = _maybe_text("The kind of reply", "答复类型")
    reply_letter = fields.Dict(
        keys=fields.String(),
        required=True,
        allow_none=True,
        metadata=_doc("The reply as signed", "已签发的答复"),
    )
    replied_at = _maybe_text("When it was replied", "答复时间")
    id_scan_name = _maybe_text("The file name of the identity scan", "证件扫描件文件名")
    earlier = fields.List(
        fields.Dict(keys=fields.String()),
        required=True,
        metadata=_doc("The applicant's earlier requests", "同一申请人的以往申请"),
    )
