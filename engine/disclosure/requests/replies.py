"""The kinds of reply to a disclosure request (条例 Art. 36-39), and where the report counts them.

A reply type is a family (予以公开, 不予公开, ...) and, for the families the annual report splits
(国办公开办函〔2021〕30号, 三、本年度办理结果), a reason. Each carries the legal basis a reply
letter cites and the annual-report row (:data:`REPORT_ROWS`) it is counted in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import InvalidInputError

_REGULATION = "《中华人民共和国政府信息公开条例》"

#: family -> (Chinese, English), in the order of the annual report.
FAMILIES: dict[str, tuple[str, str]] = {
    "already_disclosed": ("已主动公开", "Already disclosed"),
    "disclose": ("予以公开", "Disclosed"),
    "partial": ("部分公开", "Partly disclosed"),
    "withhold": ("不予公开", "Withheld"),
    "cannot_provide": ("无法提供", "Cannot be provided"),
    "not_processed": ("不予处理", "Not processed"),
    "other": ("其他处理", "Otherwise handled"),
}

#: the families whose material goes through the confidentiality review before it is released.
DISCLOSING = frozenset({"disclose", "partial"})


class ReplyTypeError(InvalidInputError, ValueError):
    """A reply type or family is unknown: a dotted ``code`` and its ``params``."""


@dataclass(frozen=True)
class ReplyType:
    """One kind of reply: its family, reason (None if the family has none), labels and basis."""

    family: str
    reason: str | None
    zh: str
    en: str
    basis: str
    report_row: str

    @property
    def key(self) -> str:
        """Return ``family`` or ``family.reason``."""
        return self.family if self.reason is None else f"{self.family}.{self.reason}"


@dataclass(frozen=True)
class ReportRow:
    """One row of the annual report's 办理结果: its key, family, number and labels."""

    key: str
    family: str
    number: str
    zh: str
    en: str


def _basis(*articles: str) -> str:
    """Return the citation of articles of the Regulation."""
    return _REGULATION + "、".join(articles)


_WITHHELD = "第三十六条第（三）项"

_TYPES = (
    ReplyType(
        "already_disclosed",
        None,
        "已主动公开",
        "Already disclosed proactively: how to obtain it",
        _basis("第三十六条第（一）项"),
        "disclose",
    ),
    ReplyType(
        "disclose", None, "予以公开", "Disclosed", _basis("第三十六条第（二）项"), "disclose"
    ),
    ReplyType(
        "partial", None, "部分公开", "Partly disclosed", _basis("第三十七条", _WITHHELD), "partial"
    ),
    ReplyType(
        "withhold",
        "state_secret",
        "属于国家秘密",
        "A state secret",
        _basis("第十四条", _WITHHELD),
        "withhold.state_secret",
    ),
    ReplyType(
        "withhold",
        "prohibited_by_law",
        "其他法律行政法规禁止公开",
        "Disclosure prohibited by another law or administrative regulation",
        _basis("第十四条", _WITHHELD),
        "withhold.prohibited_by_law",
    ),
    ReplyType(
        "withhold",
        "three_securities",
        "危及“三安全一稳定”",
        "Would endanger national, public or economic security, or social stability",
        _basis("第十四条", _WITHHELD),
        "withhold.three_securities",
    ),
    ReplyType(
        "withhold",
        "third_party_rights",
        "保护第三方合法权益",
        "To protect a third party's lawful rights and interests",
        _basis("第十五条", _WITHHELD),
        "withhold.third_party_rights",
    ),
    ReplyType(
        "withhold",
        "internal_affairs",
        "属于三类内部事务信息",
        "Internal affairs information (three kinds)",
        _basis("第十六条第一款", _WITHHELD),
        "withhold.internal_affairs",
    ),
    ReplyType(
        "withhold",
        "process_information",
        "属于四类过程性信息",
        "Process information (four kinds)",
        _basis("第十六条第二款", _WITHHELD),
        "withhold.process_information",
    ),
    ReplyType(
        "withhold",
        "enforcement_files",
        "属于行政执法案卷",
        "Administrative enforcement case files",
        _basis("第十六条第二款", _WITHHELD),
        "withhold.enforcement_files",
    ),
    ReplyType(
        "withhold",
        "administrative_query",
        "属于行政查询事项",
        "An administrative query matter, obtained under its own rules",
        _basis("第三十六条第（七）项"),
        "withhold.administrative_query",
    ),
    ReplyType(
        "cannot_provide",
        "not_held",
        "本机关不掌握相关政府信息",
        "This agency does not hold the information",
        _basis("第三十六条第（四）项"),
        "cannot_provide.not_held",
    ),
    ReplyType(
        "cannot_provide",
        "needs_production",
        "没有现成信息需要另行制作",
        "No existing information; it would have to be produced",
        _basis("第三十八条"),
        "cannot_provide.needs_production",
    ),
    ReplyType(
        "cannot_provide",
        "unclear_after_correction",
        "补正后申请内容仍不明确",
        "The request is still unclear after correction",
        _basis("第三十条"),
        "cannot_provide.unclear_after_correction",
    ),
    ReplyType(
        "not_processed",
        "petition",
        "信访举报投诉类申请",
        "A petition, report or complaint made as a disclosure request",
        _basis("第三十九条第一款"),
        "not_processed.petition",
    ),
    ReplyType(
        "not_processed",
        "repeat",
        "重复申请",
        "A repeated request",
        _basis("第三十六条第（六）项"),
        "not_processed.repeat",
    ),
    ReplyType(
        "not_processed",
        "publication",
        "要求提供公开出版物",
        "A request for a public publication",
        _basis("第三十九条第二款"),
        "not_processed.publication",
    ),
    ReplyType(
        "not_processed",
        "abusive",
        "无正当理由大量反复申请",
        "Numerous repeated requests without good reason",
        _basis("第三十五条"),
        "not_processed.abusive",
    ),
    ReplyType(
        "not_processed",
        "confirmation",
        "要求行政机关确认或重新出具已获取信息",
        "A request to confirm or reissue information already obtained",
        _basis("第三十九条第二款"),
        "not_processed.confirmation",
    ),
    ReplyType(
        "other",
        "correction_overdue",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "The applicant did not correct the request in time without good reason",
        _basis("第三十条"),
        "other.correction_overdue",
    ),
    ReplyType(
        "other",
        "fee_unpaid",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "The applicant did not pay the fee by the notice's deadline",
        _basis("第四十二条"),
        "other.fee_unpaid",
    ),
    # Art. 36(5) has its own reply (it names the agency that is responsible), but the annual
    # report has no row for it, so it is a reason of its own counted under 其他处理·其他.
    ReplyType(
        "other",
        "not_responsible",
        "不属于本机关负责公开",
        "Not this agency's to disclose: the responsible agency is named",
        _basis("第三十六条第（五）项"),
        "other.other",
    ),
    # The reply letter names the provision of the case at hand; Art. 36 is where the kinds of
    # reply are listed.
    ReplyType("other", "other", "其他", "Other", _basis("第三十六条"), "other.other"),
)

#: every reply type by key: ``family`` or ``family.reason``.
REPLY_TYPES: dict[str, ReplyType] = {t.key: t for t in _TYPES}

_FAMILY_NUMBERS = {
    "disclose": "（一）",
    "partial": "（二）",
    "withhold": "（三）",
    "cannot_provide": "（四）",
    "not_processed": "（五）",
    "other": "（六）",
}


def _report_rows() -> tuple[ReportRow, ...]:
    """Return the annual report's result rows in its order."""
    rows = [
        ReportRow("disclose", "disclose", _FAMILY_NUMBERS["disclose"], "予以公开", "Disclosed"),
        ReportRow(
            "partial",
            "partial",
            _FAMILY_NUMBERS["partial"],
            "部分公开（区分处理的，只计这一情形，不计其他情形）",
            "Partly disclosed (counted here only)",
        ),
    ]
    for family in ("withhold", "cannot_provide", "not_processed", "other"):
        # The report has no row of its own for a reason counted in another row.
        reasons = [t for t in _TYPES if t.family == family and t.report_row == t.key]
        rows.extend(
            ReportRow(t.key, family, f"{n}.", t.zh, t.en) for n, t in enumerate(reasons, start=1)
        )
    return tuple(rows)


#: the rows of 三、本年度办理结果 in the annual report's order (the total, （七）总计, follows).
REPORT_ROWS: tuple[ReportRow, ...] = _report_rows()

#: the numbered headings of the report's families, e.g. ``（三）不予公开``.
REPORT_FAMILIES: dict[str, str] = {
    family: number + FAMILIES[family][0] for family, number in _FAMILY_NUMBERS.items()
}


def reply_type(key: str) -> ReplyType:
    """Return the reply type of a key, or raise ReplyTypeError if there is none."""
    try:
        return REPLY_TYPES[key]
    except (KeyError, TypeError):
        raise ReplyTypeError("reply.unknown_type", key=key) from None


def family_needs_reason(family: str) -> bool:
    """Tell whether a reply of the family must name a reason."""
    if family not in FAMILIES:
        raise ReplyTypeError("reply.unknown_family", family=family)
    return family not in REPLY_TYPES
