"""What the engine's error codes say, in the reader's language (Flask-Babel).

The engine names what happened with a code and its parameters; this is the
one place that turns them into words.  Messages are written in Chinese and
translated to English through the catalogue like every other string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context, has_request_context
from flask_babel import lazy_gettext as _l

from engine import DefinitionProblem, EngineError, Problem
from engine.disclosure.privacy import KINDS

from . import i18n


@dataclass(frozen=True)
class Plural:
    """Words whose English form follows a count: how many ``counted`` (a parameter) holds.

    Chinese has one form (未知角色：甲、乙。), English two (Unknown role: a. / Unknown roles:
    a, b.); the catalogue holds both as one plural entry (msgid_plural).
    """

    one: str
    many: str
    #: the parameter counted: a number, or a list (its length; a lone string counts one)
    counted: str

    def words(self, params: Mapping[str, Any]) -> str:
        """Return the form for the count in ``params``, in the reader's language."""
        value = params.get(self.counted)
        if isinstance(value, int):
            count = value
        elif isinstance(value, Iterable) and not isinstance(value, str):
            count = len(list(value))
        else:
            count = 1
        return i18n.ngettext(self.one, self.many, count)


#: one wording for a field left out and one left blank: the reader cannot tell them apart
REQUIRED = _l("此项必填。")
MESSAGES: dict[str, Any] = {
    # the form as a whole and its fields
    "form.bad_submission": _l("表单已损坏，请重新打开页面后再提交。"),
    "form.already_sent": _l("这份表单已经提交过，没有再次办理。"),
    "form.invalid": _l("请更正下列标出的问题后再提交。"),
    "form.required": REQUIRED,
    "draft.empty": _l("草稿是空的：至少填写一项（如标题）再保存。"),
    "form.empty": REQUIRED,
    # said beside the field of a draft sent back by the rules (退文) that is still to be put right
    "draft.returned_for": _l("退文原因：%(reason)s"),
    "form.nothing_visible": _l("只有看不见的字符（如零宽空格），请填写实际内容。"),
    "text.nul_character": _l("输入中含有空字符（U+0000），无法处理。请删去后重试。"),
    "form.too_long": _l("不能超过 %(max)s 字。"),
    "form.one_line": _l("不能换行。"),
    "form.data_too_large": _l("数据太多或嵌套层级太深。"),
    "form.bad_field_name": _l(
        "字段名无效：须由字母、数字和下划线组成，不以数字或下划线开头，最长 64 个字符。"
    ),
    "form.not_a_choice": _l("请从所列选项中选择。"),
    "form.one_of": _l("请从“%(choices)s”中选择。"),
    "form.invalid_value": _l("格式不正确。"),
    "form.not_an_object": _l("表单数据无效。"),
    "form.web_address": _l("须为 http:// 或 https:// 开头的网址。"),
    "text.control_character": _l("不能含有控制字符（%(char)s）。"),
    "text.direction_character": _l("不能含有改变文字方向的控制字符（%(char)s）。"),
    "text.invalid_character": _l("含有无效字符（%(char)s）。"),
    "text.invisible_character": _l("不能含有空白或不可见字符（%(char)s）。"),
    "attachment.not_taken": _l("此表单不接受该文件。"),
    "attachment.bad_name": _l("文件名：%(problem)s"),
    "attachment.kind": _l("只接受 %(kinds)s 文件（收到“%(name)s”）。"),
    "attachment.content": _l("“%(name)s”的内容不是 %(kind)s 文件。"),
    "attachment.empty": _l("文件为空。"),
    "attachment.too_large": _l("文件超过 %(limit)s 上限（%(size)s）。"),
    # tasks and instances
    "task.not_found": _l("没有这个任务。"),
    "task.gone": _l("该任务不存在或已办理完毕。"),
    "task.not_your_group": _l("%(user)s 不属于“%(group)s”，不能办理此任务。"),
    "task.own_work": _l("不能审核本人经办的内容。"),
    "task.only_for": _l("此任务只能由 %(users)s 办理。"),
    "task.other_department": _l("此任务只由“%(department)s”的人员办理。"),
    "task.claimed": _l("此任务已由 %(user)s 认领。"),
    "task.not_claimed_by_you": _l("只能释放本人认领的任务。"),
    "instance.changed": _l("该事项已被他人修改，请刷新后重试。"),
    "instance.version": _l("该事项已被他人处理，请刷新后重试。"),
    "instance.not_found": _l("没有这个事项。"),
    "instance.finished": _l("该事项已经办结或终止，不能再这样处理。"),
    "instance.not_waiting": _l("该事项现在不能这样处理（不在等待“%(name)s”）。"),
    "task.not_drafting": _l("“%(name)s”不是起草环节，不能保存草稿，请提交。"),
    "process.no_draft": _l("流程“%(process)s”没有起草环节。"),
    "draft.not_yours": _l("只有起草人本人可以撤回或删除草稿。"),
    "draft.submitted": _l("草稿已经提交，不能删除；审核人开始办理前可以撤回。"),
    "draft.review_started": _l("处室负责人已开始办理，不能撤回；请联系审核人退回。"),
    "catalogue.entry_not_found": _l("没有目录事项 %(entry)s。"),
    "catalogue.entry_changed": _l("该目录事项已被他人修改，请重新打开后再改。"),
    "catalogue.already_retired": _l("该目录事项已停用。"),
    "catalogue.not_retired": _l("该目录事项在用，无需恢复。"),
    "catalogue.not_working_days": _l(
        "只有“信息形成或变更之日起若干个工作日内”的事项才登记信息形成日期。"
    ),
    "catalogue.not_filable": _l("只有已发布的主动公开文件才能归入目录（%(document)s）。"),
    "catalogue.already_filed": _l("%(document)s 已归入“%(entry)s”。"),
    "catalogue.bad_status": _l("没有“%(status)s”这种状态。"),
    "catalogue.unknown_department": _l("没有在用的处室“%(department)s”。"),
    "catalogue.no_manner": _l("至少选择一种公开方式。"),
    "catalogue.limit_needed": _l("按所选时限类型须填写此项。"),
    "catalogue.no_such_day": _l("没有这一天。"),
    "catalogue.future_day": _l("日期不能晚于今天。"),
    "oversight.bad_period_kind": _l("统计期间须为年度、季度或月度（收到“%(kind)s”）。"),
    "oversight.bad_quarter": _l("季度须为 1 到 4（收到“%(quarter)s”）。"),
    "oversight.bad_month": _l("月份须为 1 到 12（收到“%(month)s”）。"),
    "search.too_many_words": _l("最多只能输入 %(max)s 个词。"),
    "search.bad_page": _l("翻页链接无效，请从第一页重新查找。"),
    "document.copies": _l("印发份数须为 1 到 %(max)s 之间的整数，或不填。"),
    "document.urgency": _l("紧急程度须为特急、加急、平急之一，或不标注。"),
    "official.no_agency": _l(
        "机关信息未填写机关名称：正式文本须有发文机关标志，请管理员在“机关信息”中填写。"
    ),
    "database.busy": _l("系统繁忙，请稍后重试。"),
    "process.not_deployed": _l("流程“%(process)s”尚未部署。"),
    "process.not_your_group": _l("%(user)s 不属于“%(group)s”，不能发起此流程。"),
    "process.started_by_message": _l(
        "流程“%(process)s”由消息“%(name)s”发起，不能直接发起：请发送该消息。"
    ),
    "definition.not_found": _l("没有这个流程版本。"),
    "definition.refused": _l("流程文件未通过检查：%(problems)s"),
    "definition.no_files": _l("请选择要部署的流程文件。"),
    "definition.file_kind": _l(
        "“%(file)s”不是流程文件：只能部署 BPMN（.bpmn、.bpmn2、.xml）、DMN（.dmn）"
        "和 JSON 表单（.json）文件。"
    ),
    "definition.not_text": _l("“%(file)s”无法作为文本读取（%(why)s）。"),
    # a BPMN file refused at deployment: what is wrong, said for whoever drew it
    "definition.detail": _l("技术说明（英文）：%(detail)s"),
    "definition.other_tool": _l(
        "这是其他建模工具（Camunda、Zeebe、Flowable 等）的写法，本系统不能照办。"
        "英文说明：%(detail)s"
    ),
    "definition.unreadable": _l("文件无法读取：%(detail)s"),
    "definition.same_file_name": _l("本次部署中另有一个同名文件。"),
    "definition.timer_no_interval": _l(
        "循环定时器“%(timer)s”的间隔为零，会无休止地触发：请写明大于零的间隔。"
    ),
    "definition.lane_unknown_group": _l(
        "泳道指定的角色“%(group)s”在本系统中不存在（部署要求角色已有）：请改为已有的角色。"
    ),
    "definition.script_language": _l(
        "脚本语言为“%(language)s”：本系统只运行 Python 脚本。请改写为 Python，或改用服务任务。"
    ),
    "definition.performer_in_lane": _l(
        "这里不读取任务的 %(tag)s：任务由所在泳道“%(lane)s”的角色办理。请删去 %(tag)s。"
    ),
    "definition.performer": _l(
        "这里不读取任务的 %(tag)s：任务由所在泳道的角色办理。"
        "请把任务放进指定角色的泳道，并删去 %(tag)s。"
    ),
    "definition.complex_gateway": _l("不支持复杂网关：请用排他、包容或并行网关画出它的规则。"),
    "definition.receive_no_message": _l(
        "接收任务没有指定消息（messageRef），将不等待任何消息：请在 messageRef 中写明它等待的消息。"
    ),
    "definition.rule_task_no_decision": _l(
        "业务规则任务没有指定决策（camunda:decisionRef 或 calledDecisionId，"
        "须为一同部署的 DMN 文件中的决策），没有可执行的内容。"
    ),
    "definition.ad_hoc_no_condition": _l(
        "自由子流程（ad-hoc）须有完成条件（completionCondition）"
        "：否则无法判断何时完成，开始时即会出错。"
    ),
    "definition.default_flow": _l("它的默认流向“%(flow)s”不是从它出发的顺序流。"),
    "definition.initiator_can_complete": _l(
        "modeler:initiator-can-complete 为“%(said)s”："
        "Flowable 以此让发起人也能办理该任务，本系统不扩大办理人范围。请写为 false；"
        "如需发起人办理，请把他设为办理人（$INITIATOR）或列入 candidateUsers。"
    ),
    "definition.event_definition_ref": _l(
        "不支持以引用（eventDefinitionRef）给出的事件定义：请把定义写在事件里面。"
    ),
    "definition.compensation": _l("不支持补偿：本系统不对任何活动做补偿，该事件不会起作用。"),
    "definition.link_event_kind": _l(
        "链接只能用在中间抛出事件或中间捕获事件上（且在同一流程内）。"
    ),
    "definition.start_on_error": _l(
        "不支持由错误触发的开始事件：它的事件子流程会随流程一开始就启动。请在抛出该错误的活动上用边界事件捕获。"
    ),
    "definition.start_on_escalation": _l(
        "不支持由升级触发的开始事件：它的事件子流程会随流程一开始就启动。请在抛出该升级的活动上用边界事件捕获。"
    ),
    "definition.flow_source_unknown": _l(
        "顺序流的起点“%(ref)s”不是“%(container)s”中的元素（顺序流只连接同一流程内的元素）。"
    ),
    "definition.flow_target_unknown": _l(
        "顺序流的终点“%(ref)s”不是“%(container)s”中的元素（顺序流只连接同一流程内的元素）。"
    ),
    "definition.reserved_id": _l(
        "编号“%(id)s”是 SpiffWorkflow 内部任务使用的名称，该元素会被当作那个任务：请改名。"
    ),
    "definition.no_id": _l(
        "第 %(line)s 行的%(what)s“%(name)s”（在“%(container)s”中）"
        "没有编号（id），没有编号的元素会被漏掉：请给它编号。"
    ),
    "definition.flow_no_id": _l(
        "第 %(line)s 行从“%(source)s”到“%(target)s”的顺序流（在“%(container)s”中）"
        "没有编号（id），会被漏掉：请给它编号。"
    ),
    "definition.names_no_task": _l("“%(property)s”指向的“%(id)s”不在本流程中。"),
    "definition.timer_kind_unknown": _l("“%(property)s”的值“%(given)s”无效，应为 %(known)s 之一。"),
    "definition.timer_kind_not_timer": _l("“%(property)s”只能用于定时器事件。"),
    "definition.timer_interrupts": _l(
        '提醒或超期定时器不能中断它的任务：请设为非中断（cancelActivity="false"）。'
    ),
    "definition.service_no_operation": _l(
        "服务任务没有指定操作：请在 spiffworkflow:serviceTaskOperator 中写明本系统的一项服务"
        '（Camunda 文件用 camunda:type="external" 和 camunda:topic；'
        "可用的服务：%(known)s）；不做任何事的，请画成普通任务。"
    ),
    "definition.service_foreign": _l(
        "服务任务的实现“%(implementation)s”属于其他引擎，本系统不运行："
        "请在 spiffworkflow:serviceTaskOperator 中写明本系统的一项服务（可用的服务："
        "%(known)s）；不做任何事的，请画成普通任务。"
    ),
    "definition.unknown_service": _l("没有名为“%(service)s”的服务（可用的服务：%(known)s）。"),
    "definition.bad_group_name": _l("“%(group)s”不是有效的角色名（最长 32 个字符）。"),
    "definition.unknown_form": _l("没有名为“%(form)s”的表单（可用的表单：%(known)s）。"),
    "definition.property_script": _l("“%(property)s”的表达式不能运行。英文说明：%(detail)s"),
    "definition.mappings": _l("调用活动的变量映射有误。英文说明：%(detail)s"),
    "definition.script": _l("脚本或表达式不能运行。英文说明：%(detail)s"),
    "definition.no_file": _l("没有收到 BPMN 文件。"),
    "definition.form_schema": _l("JSON 表单有误。英文说明：%(detail)s"),
    "definition.form_too_many_fields": _l(
        "表单有 %(count)s 个字段，最多 %(most)s 个（任务的每一页都显示全部字段）："
        "请拆分到几个任务中。"
    ),
    "definition.form_too_many_choices": _l(
        "表单的字段共有 %(count)s 个选项，最多 %(most)s 个（任务的每一页都显示全部选项）。"
    ),
    "definition.form_name_taken": _l(
        "表单字段不能命名为“%(field)s”：这是办理页面自身控件的名称，请改用其他名称。"
    ),
    "definition.bad_xml": _l("不是格式正确的 XML（第 %(line)s 行）。英文说明：%(detail)s"),
    "definition.decision_table": _l("DMN 决策表有误。英文说明：%(detail)s"),
    "definition.decision_row": _l("决策表第 %(row)s 行的表达式不能运行。英文说明：%(detail)s"),
    "definition.not_bpmn": _l("不是 BPMN 2.0 或 DMN 文件（根元素不是 definitions）。"),
    "definition.process_twice": _l("这个流程编号在“%(other)s”中也有定义。"),
    "definition.spiff": _l("流程引擎（SpiffWorkflow）检查未通过。英文原文：%(detail)s"),
    "definition.too_deep": _l(
        "一条路径上前后相连的元素太多：约 %(most)s 个或更多（从开始事件数起）"
        "超出了引擎能读取的深度，请把其中一部分放进子流程或调用活动。"
    ),
    "definition.not_executable": _l(
        '没有可执行的流程：标为 isExecutable="false" 的流程是为其他参与方画的泳池，'
        '不会运行（要运行的流程请写 isExecutable="true"）。'
    ),
    "definition.cannot_build": _l("流程无法生成。英文说明：%(detail)s"),
    "definition.link_none": _l(
        "链接“%(link)s”在“%(container)s”中没有同名的捕获链接事件（链接连接同一流程内的两点）。"
    ),
    "definition.link_many": _l(
        "链接“%(link)s”在“%(container)s”中有多个同名的捕获事件（链接连接同一流程内的两点）。"
    ),
    "definition.data_association": _l(
        "它的%(what)s（%(mapped)s）要映射数据，本系统不做映射：任务按原样读写流程数据（与数据对象、"
        "数据存储的关联只是图示，会被略去）。"
    ),
    "definition.unknown_reference": _l(
        "%(attribute)s 指向的%(what)s“%(name)s”在这些文件中没有定义。"
    ),
    "definition.duplicate_id": _l(
        "这个编号（id）用在了 %(count)s 个元素上（第 %(lines)s 行）"
        "：一个编号只能指一个元素，请保留一个，其余改名。"
    ),
    "definition.file_name_too_long": _l("文件名超过 %(most)s 个字符。"),
    "definition.id_too_long": _l("%(what)s的编号长 %(length)s 个字符，最多只能保存 %(most)s 个。"),
    "definition.name_too_long": _l(
        "%(what)s的名称长 %(length)s 个字符，最多只能保存 %(most)s 个。"
    ),
    "definition.too_many_elements": _l(
        "共有 %(count)s 个活动、事件、网关和顺序流，最多只能运行 %(most)s 个："
        "请拆成几个被调用的流程。"
    ),
    "definition.too_many_flows_leave": _l("从它出发的顺序流有 %(count)s 条，最多 %(most)s 条。"),
    "definition.too_many_flows_enter": _l("进入它的顺序流有 %(count)s 条，最多 %(most)s 条。"),
    "definition.doctype": _l("文件声明了 DOCTYPE（DTD 或实体），BPMN 和 DMN 文件不应有。"),
    "definition.too_many_attributes": _l(
        "第 %(line)s 行的%(what)s有 %(count)s 个属性，最多读取 %(most)s 个。"
    ),
    "definition.recursive_call": _l("流程调用了它自己：%(path)s（递归）。"),
    "definition.missing_callee": _l(
        "调用的流程“%(process)s”不在一同部署的文件中（已有：%(known)s）：请把被调用流程的文件一起上传部署。"
    ),
    "definition.feel": _l(
        "%(what)s是 FEEL 表达式（Camunda 8 以“=”开头），本系统不计算：请改写为 Python。"
    ),
    "definition.feel_beyond": _l(
        "%(what)s“%(source)s”是本系统读不了的 FEEL 表达式。英文说明：%(detail)s"
    ),
    "definition.not_juel": _l("%(what)s“%(source)s”标明为 JUEL，但不是 JUEL 表达式 ${...}。"),
    "definition.expression_language": _l(
        "%(what)s用“%(language)s”写成，本系统不计算：表达式须为 Python（Camunda、"
        "Activiti、Flowable 文件中也可用 JUEL ${...}），"
        "请改写为 Python。"
    ),
    "script.failed": _l(
        "流程环节“%(name)s”（%(element)s）执行出错，本次办理未作任何更改：%(detail)s"
    ),
    "step.runaway": _l(
        "流程在环节“%(name)s”（%(element)s）处已连续自动执行 %(tasks)s 步，没有等待任何人，"
        "超出一次办理可自动执行的上限（最多 %(max_tasks)s 步、%(seconds)s 秒，"
        "一条路径上的循环约 900 步），已停止，本次办理未作任何更改。"
        "请检查流程是否有不会结束的循环。"
    ),
    "step.too_many_instances": _l(
        "多实例环节“%(name)s”（%(element)s）要同时创建的实例超过 %(max)s 个，"
        "本次办理未作任何更改。请减少其循环次数或输入集合的项数。"
    ),
    "admin.only": _l("只有管理员可以这样做。"),
    # reading
    "read.refused": _l("无权查看，或不存在。"),
    "read.not_found": _l("找不到。"),
    # users and signing in
    "user.not_found": _l("没有用户“%(user)s”。"),
    "user.bad_name": _l("用户名“%(name)s”无效：只能用 1-64 个字母、数字、“_”、“.”、“-”。"),
    "user.bad_field": _l("%(field)s：%(problem)s"),
    "user.unknown_groups": Plural("未知角色：%(groups)s。", "未知角色：%(groups)s。", "groups"),
    # the admin's page of users
    "user.exists": _l("用户名“%(name)s”已被使用。"),
    "user.exists_in_other_case": _l(
        "用户名“%(name)s”与已有的“%(other)s”只差大小写，两人在名单里无法区分，请另取一个。"
    ),
    "user.own_admin_group": _l("不能取消自己的“管理员”角色：请另一位管理员操作。"),
    "user.own_groups": _l("不能给自己增加角色：请另一位管理员操作。"),
    "user.deactivate_self": _l("不能停用自己的账号。"),
    "user.last_admin": _l("这是最后一位在用的%(groups)s，不能取消其角色或停用。"),
    "password.too_short": _l("密码至少 %(min)s 个字符。"),
    "password.too_long": _l("密码不能超过 %(max)s 个字符。"),
    "password.blank": _l("密码不能全是空格。"),
    "password.is_username": _l("密码不能与用户名相同。"),
    "signin.failed": _l("用户名或密码错误。"),
    "signin.throttled": _l("登录失败次数过多，请 %(minutes)d 分钟后再试。"),
    # documents and their review (the disclosure domain)
    "document.no_prefix": _l("缺少文号前缀。"),
    "document.personal_in_public_field": _l(
        "含有个人信息（%(kinds)s）：这里填写的内容不经保密审查即在公开页面显示，请删去。"
    ),
    "document.prefix_shape": _l(
        "文号前缀只写发文机关代字（如“威政办发”），不含年份、括号、序号或“号”字。"
    ),
    "document.not_issued": _l("该事项没有已印发的公文。"),
    "document.not_published": _l("没有这条公开信息。"),
    "document.withheld_needs_reason": _l("不予公开须说明理由。"),
    "document.withheld_needs_basis": _l("不予公开须写明法律依据。"),
    "review.send_back_needs_comment": _l("退回时须写明意见。"),
    "review.exempt_disclosed_whole": _l("豁免去标识化的内容应原文公开。"),
    "review.nothing_hidden": _l("去标识化后公开须至少遮盖一处。"),
    "review.confirmed_must_be_hidden": _l("确认的个人信息须去标识化：请选择“去标识化后公开”。"),
    "review.not_in_item": _l("不属于本件的项目：%(ids)s"),
    "review.not_in_text": _l("原文中没有：%(passages)s"),
    "review.needs_basis": _l("须写明依据或理由。"),
    "review.exemption_needs_reason": _l("豁免须说明理由。"),
    "review.needs_reviewer": _l("审查记录须有审查人。"),
    "review.not_cleared": _l(
        "先审查后公开：此内容没有允许公开的保密审查记录，不能发布；内容如已变动，请退回重新审查。"
    ),
    "publication.needs_channel": _l("发布须选择渠道。"),
    # the calendar
    "calendar.empty": _l("没有可载入的日期：空行和 # 后的注释不算，每行须以日期开头。"),
    "calendar.bad_line": _l("第 %(line)s 行：%(problem)s"),
    "calendar.bad_date": _l("日期“%(text)s”无效（应为 YYYY-MM-DD）。"),
    "calendar.no_such_day": _l("日期“%(text)s”不存在：该月没有这一天。"),
    "calendar.year_out_of_range": _l("日期“%(text)s”不在可载入的 %(first)s—%(last)s 年之间。"),
    "calendar.missing_kind": _l("缺少类型（放假/holiday 或 调休上班/workday）。"),
    "calendar.unknown_kind": _l("未知类型“%(kind)s”（应为 放假/holiday 或 调休上班/workday）。"),
    "calendar.reversed_range": _l("日期范围“%(span)s”颠倒。"),
    "calendar.range_too_long": _l("日期范围“%(span)s”超过 %(days)s 天。"),
    "calendar.conflict": _l("%(day)s 与第 %(other_line)s 行冲突（一处为假日，一处为工作日）。"),
    "calendar.bad_note": _l("备注：%(problem)s"),
    "report.bad_year": _l("年度“%(year)s”无效：请填写四位数字的年份，如 2025。"),
    "checkpoint.bad_key": _l("签名密钥“%(path)s”无法读取或格式不对。"),
    "checkpoint.no_key": _l("没有签名密钥：请用环境变量 %(variable)s 指定密钥文件。"),
    "checkpoint.log_mismatch": _l(
        "数据库中最新的检查点（%(database)s）与检查点文件（%(log)s）不一致，不能再签新的检查点，请先核验。"
    ),
    "appeal.decided_on_needed": _l("已审结的案件须填写审结日期。"),
    "appeal.result_needed": _l("填写审结日期时须选择结果。"),
    "appeal.decided_before_filed": _l("审结日期不能早于立案（申请）日期。"),
    "appeal.not_found": _l("没有案件 %(case)s。"),
    "appeal.already_decided": _l("案件 %(case)s 已审结。"),
    "document.not_normative": _l("只有行政规范性文件可以废止。"),
    "document.already_repealed": _l("该文件已废止。"),
    "document.repealed_before_issued": _l("废止日期不能早于印发日期。"),
    # disclosure requests
    "form.whole_number": _l("须为整数。"),
    "form.range": _l("须在 %(min)s 到 %(max)s 之间。"),
    "form.day": _l("日期格式应为 YYYY-MM-DD。"),
    "request.organisation_kind": _l("法人或其他组织须选择组织类型。"),
    "request.email_needed": _l("选择电子邮件方式获取的，须填写电子邮箱。"),
    "request.address_needed": _l("选择邮寄方式获取的，须填写通信地址。"),
    "request.email_form_by_email": _l("载体形式为电子邮件的，获取方式须选“电子邮件”。"),
    "request.email_delivery_of_email": _l(
        "以电子邮件获取的，载体形式须选“电子邮件”：纸质材料和光盘、U盘不能通过电子邮件发送。"
    ),
    "request.fax_of_paper": _l("以传真获取的，载体形式须选“纸质”：传真只能发送纸质材料。"),
    "request.phone_invalid": _l(
        "电话号码格式不正确：请填写手机号（如 13912345678）或带区号的固定电话"
        "（如 0631-5201234，分机号前加“转”）。"
    ),
    "request.email_invalid": _l("电子邮箱格式不正确，应如 name@example.com。"),
    "request.received_too_early": _l(
        "收到日期不能早于 %(earliest)s（只能登记上一年1月1日以后收到的申请），请核对。"
    ),
    "request.department_needed": _l("受理时须指定承办处室。"),
    "request.notice_needed": _l("告知补正须写明需要补正的内容。"),
    "request.reply_type_needed": _l("拟定答复须选择答复类型。"),
    "request.reply_text_needed": _l("拟定答复须写明答复内容。"),
    "request.consulted_needed": _l("征求意见须写明征求意见的对象。"),
    "request.extension_reason": _l("申请延期须说明理由。"),
    "request.fee_method_needed": _l("收费须选择按件或按量计收（二者只能选一）。"),
    "request.waiver_reason": _l("减免信息处理费须说明理由。"),
    "request.future_day": _l("收到日期不能晚于今天。"),
    "request.id_scan_restricted": _l("申请人的身份证明扫描件只有登记人员和承办处室可以查看。"),
    "request.fee_free_count": _l(
        "这是该申请人本月第 %(nth)s 件申请，在每月免费的 10 件以内，不收费，无需发出收费通知。"
    ),
    "request.fee_free_volume": _l("%(pages)s 页在免费的 30 页以内，不收费，无需发出收费通知。"),
    "request.registrar_only": _l("只有登记员可以登记申请。"),
    "request.already_filed": _l("这份申请已经提交过，没有再次登记。"),
    "request.throttled": _l("操作过于频繁，请 %(minutes)s 分钟后再试。"),
    "request.no_such_code": _l(
        "受理编号或查询码不正确。请对照受理回执重新输入；回执遗失的，请与本机关政府信息公开工作机构联系。"
    ),
    "request.not_found": _l("没有这件申请。"),
    "request.unknown_document": _l("公文目录中没有文号为“%(number)s”的公文。"),
    "request.document_not_public": _l(
        "文号为“%(number)s”的公文没有主动公开，不能答复为“已主动公开”。"
    ),
    "request.decline_reason": _l("不转为主动公开须说明理由。"),
    "request.no_letter_yet": _l("尚未答复。"),
    "request.no_id_scan": _l("申请人没有提交证件扫描件。"),
    "request.no_such_attachment": _l("答复没有这个附件。"),
    "request.no_handlers": _l("“%(department)s”没有承办人，请交给有承办人的处室。"),
    "clock.already_paused": _l("答复期限已在暂停中（%(kind)s）。"),
    "clock.not_paused": _l("答复期限没有暂停。"),
    "clock.extension_used": _l("已延期过一次，不能再延期（条例第三十三条）。"),
    "clock.extension_too_long": _l("延长期限最长不超过 %(max)s 个工作日。"),
    "clock.extension_too_short": _l("延长期限至少 1 个工作日。"),
    "clock.correction_used": _l("补正只能告知一次（条例第三十条）。"),
    "clock.correction_too_late": _l(
        "补正须在收到申请之日起 7 个工作日内一次性告知（条例第三十条）。"
    ),
    "clock.bad_period": _l("补正期限无效：%(days)s。"),
    "clock.before_receipt": _l("%(on)s 早于收到申请的日期。"),
    "clock.pause_overlaps": _l("%(on)s 早于上次暂停结束的日期。"),
    "clock.resume_before_pause": _l("恢复计时的日期早于暂停的日期。"),
    "clock.no_correction_asked": _l("没有告知补正。"),
    "clock.before_correction_asked": _l("补正收到日期早于告知补正的日期。"),
    # a request's stored clock that does not read back: named for whoever must repair it
    "clock.bad_data": _l("答复期限的记录有误（%(field)s）。"),
    "clock.bad_date": _l("答复期限的记录有误：%(field)s 不是日期。"),
    "clock.bad_corrected": _l("答复期限的记录有误：补正收到日期无效。"),
    "clock.bad_extension": _l("延长期限无效：%(days)s。"),
    "clock.bad_pauses": _l("答复期限的暂停记录有误。"),
    "clock.correction_needs_notice": _l("收到补正前须先告知补正。"),
    "clock.correction_period_missing": _l("告知补正须写明补正期限。"),
    "clock.unknown_pause_kind": _l("未知的暂停类型（%(kind)s）。"),
    "fee.unknown_method": _l("未知的收费方式。"),
    "fee.both_quantities": _l("按件和按量只能选一种计收。"),
    "fee.wrong_quantity": _l("计收方式与所填数量不符。"),
    "fee.missing_quantity": _l("缺少计费数量。"),
    "fee.quantity_too_small": _l("计费数量至少为 1。"),
    "reply.unknown_type": _l("未知的答复类型。"),
    "reply.unknown_family": _l("未知的答复类别。"),
    "applicant.unknown_id_type": _l("未知的证件类型。"),
    "applicant.unknown_type": _l("未知的申请人类型。"),
    "applicant.id_number_missing": _l("须填写证件号码。"),
    "applicant.id_type_not_for_natural_person": _l("自然人不能使用统一社会信用代码。"),
    "applicant.id_type_not_for_organisation": _l(
        "法人或其他组织须使用统一社会信用代码或其他证照。"
    ),
    "applicant.bad_resident_id": _l("居民身份证号码无效（18 位，最后一位为校验码）。"),
    "applicant.bad_credit_code": _l("统一社会信用代码无效（18 位，最后一位为校验码）。"),
    "applicant.bad_permanent_residence_id": _l("外国人永久居留身份证号码无效。"),
    "applicant.bad_id_number": _l("证件号码格式不正确。"),
    # departments and the agency profile (the admin's)
    "user.unknown_department": _l("没有在用的处室“%(department)s”：请先在“处室管理”中添加。"),
    "department.bad_name": _l("处室名称：%(problem)s"),
    "department.exists": _l("处室“%(department)s”已经存在。"),
    "department.not_found": _l("没有在用的处室“%(department)s”。"),
    "agency.postcode": _l("邮政编码应为 6 位数字。"),
    "database.unreachable": _l("数据库暂时无法访问，请稍后再试。"),
    # the JSON API and its tokens
    "auth.token_required": _l("缺少令牌：请在请求头中携带 Authorization: Bearer <令牌>。"),
    "auth.token_invalid": _l("令牌无效或已撤销。"),
    "api.not_found": _l("没有这个接口。"),
    "api.method_not_allowed": _l("此接口不支持该请求方法（可用：%(methods)s）。"),
    "api.error": _l("请求未能完成。"),
    "process.desk_only": _l("流程“%(process)s”由系统按其规则发起，不能直接发起。"),
    "message.desk_only": _l("消息“%(name)s”只能通过相应的办理功能发送（如撤回）。"),
    "request.invalid": _l("请求数据有误，请查看各字段的问题。"),
    "request.too_large": _l("提交的内容太大：一次最多 %(limit)s 字节。"),
    "request.not_json": _l("请求内容须为 JSON（Content-Type: application/json）。"),
    "form.unknown_field": _l("没有这个字段。"),
    "token.bad_name": _l("令牌名称：%(problem)s"),
    "token.not_found": _l("没有编号为 %(token)s 的令牌。"),
}
#: what an unknown code says
_UNKNOWN = _l("出错了（%(code)s）。")
#: what a field's name says in a message, by the field
_FIELDS = {"display_name": _l("显示名"), "department": _l("处室")}


class _Values(dict[str, Any]):
    """Parameters for ``%`` formatting: a missing one shows as '?' instead of failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def describe(code: str, params: Mapping[str, Any] | None = None) -> str:
    """Return what ``code`` with ``params`` says, in the reader's language."""
    values = _Values({name: _shown(name, value) for name, value in (params or {}).items()})
    template = MESSAGES.get(code)
    if template is None:
        return str(_UNKNOWN) % {"code": code}
    if isinstance(template, Plural):
        template = template.words(params or {})
    try:
        return str(template) % values
    except (TypeError, ValueError):
        return str(template)


def field_messages(errors: Mapping[str, Iterable[Problem]], labels: Mapping[str, str]) -> list[str]:
    """Return each field's problems as "label：problem", for a page that says them on top.

    Said away from its box (a flash), "此项必填。" alone does not tell which field.
    """
    return [
        f"{labels.get(name, name)}{i18n.pick('：', ': ')}{error_message(problem)}"
        for name, problems in errors.items()
        for problem in problems
    ]


def left_blank(values: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """Return "此项必填。" for each of ``names`` left blank, to say beside its box."""
    return {name: str(REQUIRED) for name in names if not values.get(name, "").strip()}


def field_errors(errors: Mapping[str, Iterable[Problem]]) -> dict[str, str]:
    """Return what is wrong with each field, in the reader's language, to say beside it."""
    return {
        name: " ".join(error_message(problem) for problem in problems)
        for name, problems in errors.items()
    }


def error_message(error: EngineError | Problem) -> str:
    """Return what an engine error or a field's problem says."""
    return describe(error.code, error.params)


def problem_words(problem: DefinitionProblem) -> str:
    """Return what is wrong with a refused BPMN file, in the reader's language."""
    params = {"detail": problem.message, **problem.params}
    return describe(problem.code, params)


def problem_element(problem: DefinitionProblem) -> str:
    """Return the element a refused file's problem is about by kind and name: 用户任务“审核”."""
    if not problem.element_kind:
        return ""
    kind = element_word(problem.element_kind)
    name = i18n.label(problem.element_name, dict(problem.element_labels))
    if not name:
        return kind
    space = " " if i18n.language() == "en" else ""
    return f"{kind}{space}“{name}”"


def element_word(tag: str) -> str:
    """Return a BPMN or DMN element's kind in the reader's language (its tag where unknown)."""
    word = _BPMN_WORDS.get(tag)
    return str(word) if word is not None else tag


def _shown(name: str, value: Any) -> Any:
    """Return a parameter as the reader should see it."""
    if isinstance(value, Problem):
        return error_message(value)
    if name == "what" and isinstance(value, str):  # an element's kind: its BPMN tag
        return element_word(value)
    if name in ("group", "groups"):
        groups = [value] if isinstance(value, str) else list(value)
        return _joined(group_name(g) for g in groups)
    if name in ("user", "users"):
        users = [value] if isinstance(value, str) else list(value)
        return _joined(_display_name(u) for u in users)
    if name == "field":
        return str(_FIELDS.get(value, value))
    if name == "char" and value in _SPACES:
        return _SPACES[value]
    if name == "kinds":  # kinds of personal information the finder names
        return _joined(i18n.pick(*KINDS[k]) if k in KINDS else str(k) for k in value)
    if name in ("minutes", "max", "line", "days", "other_line") and isinstance(value, int):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return _joined(str(v) for v in value)
    if name == "name" and not value:
        return ""
    return "" if value is None else value


#: BPMN's and DMN's elements, by their tag, as a refused file's problems name them
_BPMN_WORDS = {
    "process": _l("流程"),
    "userTask": _l("用户任务"),
    "manualTask": _l("人工任务"),
    "serviceTask": _l("服务任务"),
    "scriptTask": _l("脚本任务"),
    "businessRuleTask": _l("业务规则任务"),
    "sendTask": _l("发送任务"),
    "receiveTask": _l("接收任务"),
    "task": _l("任务"),
    "callActivity": _l("调用活动"),
    "subProcess": _l("子流程"),
    "adHocSubProcess": _l("自由子流程"),
    "transaction": _l("事务子流程"),
    "startEvent": _l("开始事件"),
    "endEvent": _l("结束事件"),
    "intermediateCatchEvent": _l("中间捕获事件"),
    "intermediateThrowEvent": _l("中间抛出事件"),
    "boundaryEvent": _l("边界事件"),
    "exclusiveGateway": _l("排他网关"),
    "inclusiveGateway": _l("包容网关"),
    "parallelGateway": _l("并行网关"),
    "eventBasedGateway": _l("事件网关"),
    "complexGateway": _l("复杂网关"),
    "sequenceFlow": _l("顺序流"),
    "lane": _l("泳道"),
    "message": _l("消息"),
    "signal": _l("信号"),
    "error": _l("错误"),
    "escalation": _l("升级"),
    "decision": _l("决策"),
    "definitions": _l("文件根元素"),
    "dataInputAssociation": _l("数据输入关联"),
    "dataOutputAssociation": _l("数据输出关联"),
    "conditionExpression": _l("条件表达式"),
    "completionCondition": _l("完成条件"),
    "loopCardinality": _l("循环次数"),
    "timeDate": _l("定时日期"),
    "timeDuration": _l("定时时长"),
    "timeCycle": _l("循环定时"),
    "script": _l("脚本"),
}


#: spaces named in words rather than by their code point
_SPACES = {"U+0020": _l("空格"), "U+3000": _l("全角空格"), "U+00A0": _l("不换行空格")}


def _joined(items: Iterable[str]) -> str:
    """Join a list as the reader's language does: 甲、乙 in Chinese, A, B in English."""
    english = has_request_context() and i18n.language() == "en"
    return (", " if english else "、").join(items)


def _display_name(username: str) -> str:
    """Return the name a person is known by, not his login name (unknown ones as given)."""
    if has_app_context():
        engine = current_app.extensions.get("gongkai.engine")
        if engine is not None:
            try:
                return str(engine.users.get(username).display_name)
            except EngineError:
                pass
    return username


def group_name(group: str) -> str:
    """Return a group's name in the reader's language (a lane's group as its lane names it)."""
    if group == "*":
        return str(_l("所有人"))
    if has_app_context():
        from .i18n import pick

        engine = current_app.extensions.get("gongkai.engine")
        found = engine.domain.groups.get(group) if engine is not None else None
        if found is not None and has_request_context():
            return pick(found.zh, found.en)
        if found is not None:
            return found.zh
    return group
