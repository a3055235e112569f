"""Document approval (公文办理): disclosure attributes, returns, numbers, the catalogue.

Seed 七(二): every draft states its disclosure attribute (公开属性); one that
does not, or that proposes withholding without a legal reason, is returned
(退文); the attribute is marked on the approval sheet and, at issue (印发),
on the official text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from ..domain import ServiceContext
from ..errors import FormValidationError, InvalidInputError, Problem
from ..store.repository import Repository
from .agency import NAME_VARIABLE
from .models import AgencyRecord
from .official_days import WorkingDays
from .privacy import find_personal_information
from .review import TITLE_BREAK, clearance, document_content
from .roles import DEPARTMENT_HEAD
from .store import DisclosureStore
from .workdays import CHINA, Deadline

#: attribute -> (Chinese, English, mark on the official text)
ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "proactive": ("主动公开", "Proactive disclosure", "（此件公开发布）"),
    "on_request": ("依申请公开", "Disclosure on request", "（此件依申请公开）"),
    "withheld": ("不予公开", "Withheld", "（此件不予公开）"),
}

#: document type -> (Chinese, English)
DOC_TYPES: dict[str, tuple[str, str]] = {
    "normative": ("规范性文件", "Normative document"),
    "policy": ("政策性文件", "Policy document"),
    "general": ("一般公文", "General document"),
}

#: legal basis for withholding (条例 2019, Art. 14-16) -> (Chinese, English)
WITHHELD_BASES: dict[str, tuple[str, str]] = {
    "art14_state_secret": ("属于国家秘密（条例第十四条）", "State secret (Art. 14)"),
    "art14_prohibited_by_law": (
        "法律、行政法规禁止公开（条例第十四条）",
        "Prohibited by laws or administrative regulations (Art. 14)",
    ),
    "art14_three_securities": (
        "危及“三安全一稳定”（条例第十四条）",
        "Endangers national, public or economic security or social stability (Art. 14)",
    ),
    "art15_third_party": (
        "涉及商业秘密、个人隐私等第三方合法权益（条例第十五条）",
        "Trade secrets, personal privacy or other third-party rights (Art. 15)",
    ),
    "art16_internal_affairs": ("属于内部事务信息（条例第十六条）", "Internal affairs (Art. 16)"),
    "art16_process_information": (
        "属于过程性信息（条例第十六条）",
        "Process information (Art. 16)",
    ),
    "art16_law_enforcement": (
        "属于行政执法案卷信息（条例第十六条）",
        "Administrative law-enforcement files (Art. 16)",
    ),
}

#: urgency marked on the document (紧急程度, GB/T 9704-2012 7.2.3) -> (Chinese, English)
URGENCIES: dict[str, tuple[str, str]] = {
    "extra_urgent": ("特急", "Extra urgent"),
    "urgent": ("加急", "Urgent"),
    "ordinary": ("平急", "Ordinary"),
}

#: automatic return reason -> (Chinese, English)
RETURN_REASONS: dict[str, tuple[str, str]] = {
    "missing_attribute": ("未标明公开属性", "The draft states no disclosure attribute."),
    "withheld_without_reason": (
        "拟不予公开，但未说明理由",
        "The draft is to be withheld but gives no reason.",
    ),
    "withheld_without_basis": (
        "拟不予公开，但未写明法律依据",
        "The draft is to be withheld but names no legal basis.",
    ),
    "government_draft_without_reason": (
        "代拟稿未说明公开属性的理由",
        "A draft written on the government's behalf must give the reason for its attribute.",
    ),
    "policy_without_interpretation_plan": (
        "政策性文件未附解读方案（解读方案须与文件一并报批）",
        "A policy document must be submitted with its interpretation plan.",
    ),
}

#: return reason -> the draft's field where it is put right
RETURN_FIELDS: dict[str, str] = {
    "missing_attribute": "attribute",
    "withheld_without_reason": "attribute_reason",
    "withheld_without_basis": "withheld_basis",
    "government_draft_without_reason": "attribute_reason",
    "policy_without_interpretation_plan": "interpretation_plan",
}

#: working days allowed for publishing a proactive document (条例 Art. 26)
PUBLISH_WITHIN_DAYS = 20
#: working days allowed for publishing a policy document's interpretation
INTERPRET_WITHIN_DAYS = 3


@dataclass(frozen=True)
class DeadlineKind:
    """A deadline the document approval keeps: its working days, reminder, where it is kept.

    The process holds it under ``data_key`` (``issued["publish_due_at"]``),
    the catalogue in the document's ``<name>_due_at`` column.
    """

    name: str
    data_key: str
    days: int
    remind_before: int

    def data(self, deadline: Deadline) -> dict[str, Any]:
        """Return the fields the process reads the deadline from."""
        return {
            f"{self.name}_due_at": _iso(deadline.due_at),
            f"{self.name}_remind_at": _iso(deadline.remind_at),
            f"{self.name}_due_provisional": deadline.provisional,
        }

    def columns(self, deadline: Deadline) -> dict[str, Any]:
        """Return the catalogue columns that show the deadline."""
        return {
            f"{self.name}_due_at": _iso(deadline.due_at),
            f"{self.name}_due_provisional": deadline.provisional,
        }


PUBLICATION = DeadlineKind("publish", "issued", PUBLISH_WITHIN_DAYS, 3)
INTERPRETATION = DeadlineKind("interpretation", "published", INTERPRET_WITHIN_DAYS, 1)
DEADLINES = {kind.name: kind for kind in (PUBLICATION, INTERPRETATION)}


def _deadline(
    ctx: ServiceContext, days: WorkingDays, kind: DeadlineKind, document_id: int
) -> Deadline:
    """Compute a deadline from now; one computed without its year's schedule is noted."""
    deadline = days.calendar(ctx.connection).deadline(ctx.moment, kind.days, kind.remind_before)
    if deadline.provisional:
        DisclosureStore(ctx.connection).note_provisional(
            ctx.instance.id, document_id, kind.name, ctx.now
        )
    return deadline


def mark(attribute: str) -> str:
    """Return the attribute mark printed at the end of the official text."""
    return ATTRIBUTES[attribute][2]


def format_number(prefix: str, year: int, sequence: int) -> str:
    """Return a document number such as ``威政办发〔2026〕12号``."""
    return f"{prefix}〔{year}〕{sequence}号"


def official_text(body: str, attribute: str) -> str:
    """Return the issued text: the body with its attribute marked on the last line."""
    return f"{body.rstrip()}\n\n{mark(attribute)}"


def issue_document(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Issue (印发): number the document, mark its text, enter it in the catalogue."""
    prefix = str(params.get("prefix") or "").strip()
    if not prefix:
        raise InvalidInputError("document.no_prefix")
    store = DisclosureStore(ctx.connection)
    attribute = data["attribute"]
    year = ctx.moment.astimezone(CHINA).year
    sequence = store.next_sequence(prefix, year)
    number = format_number(prefix, year, sequence)
    text = official_text(data.get("body", ""), attribute)
    attachment = data.get("attachment")
    attachments = (
        [{key: attachment[key] for key in ("id", "filename", "sha256")}] if attachment else []
    )
    document_id = store.insert_document(
        {
            "instance_id": ctx.instance.id,
            "number": number,
            "prefix": prefix,
            "year": year,
            "sequence": sequence,
            "title": data["title"],
            "doc_type": data["doc_type"],
            "attribute": attribute,
            "official_text": text,
            "status": "awaiting_review" if attribute == "proactive" else "issued",
            "drafter": ctx.instance.started_by,
            "issued_at": ctx.now,
            "attachments": attachments,
            **drafting_columns(ctx.connection, data, ctx.instance.started_by),
        }
    )
    issued: dict[str, Any] = {
        "document_id": document_id,
        "number": number,
        "issued_at": ctx.now,
        "official_text": text,
        "publish_due_at": None,
        "publish_remind_at": None,
        "publish_due_provisional": False,
    }
    if attribute == "proactive":
        deadline = _deadline(ctx, days, PUBLICATION, document_id)
        store.update_document(document_id, PUBLICATION.columns(deadline))
        issued |= PUBLICATION.data(deadline)
    return issued


def note_drafting_unit(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Note the drafter's department: its heads, and they alone, review the draft (处室审核).

    A drafter outside every department, or in one without an active head but
    himself (nobody reviews his own draft), is reviewed by any department
    head, so that no draft waits for nobody.
    """
    drafter = ctx.actor or ctx.instance.started_by
    department = _department_of(ctx.connection, drafter)
    if department and not DisclosureStore(ctx.connection).has_member(
        department, DEPARTMENT_HEAD, drafter
    ):
        department = None
    return {"department": department or None}


def _department_of(connection: Connection, username: str | None) -> str | None:
    """Return the department a user works in (the core's record of users), if any."""
    return Repository(connection, row_locks=False).department(username) if username else None


def drafting_columns(
    connection: Connection, data: dict[str, Any], drafter: str | None
) -> dict[str, Any]:
    """Return what the catalogue keeps of the approval sheet's drafting fields at issue.

    The drafting unit is the drafter's department and the issuing authority
    the agency's profile, as they are on the day of issue: a later change of
    either does not rewrite an issued document.
    """

    def text(name: str) -> str | None:
        return str(data.get(name) or "").strip() or None

    copies = data.get("copies")
    department = _department_of(connection, drafter)
    return {
        "urgency": data.get("urgency") if data.get("urgency") in URGENCIES else None,
        "main_recipients": text("main_recipients"),
        "copied_to": text("copied_to"),
        "copies": copies if isinstance(copies, int) and not isinstance(copies, bool) else None,
        "drafting_unit": department or None,
        "issuing_authority": issuing_agency(connection) or None,
        "interpretation_plan": text("interpretation_plan"),
    }


def issuing_agency(connection: Connection) -> str:
    """Return the agency's name from its profile (or the environment before it is saved)."""
    saved = connection.execute(select(AgencyRecord.name).where(AgencyRecord.id == 1)).scalar()
    return str(saved or os.environ.get(NAME_VARIABLE, "")).strip()


def record_review_outcome(ctx: ServiceContext, document_id: int, record: dict[str, Any]) -> None:
    """Show a confidentiality review's outcome in the catalogue entry of its document."""
    status = {
        "disclose": "awaiting_publication",
        "disclose_redacted": "awaiting_publication",
        "refer": "referred",
    }.get(record["conclusion"], "withheld_after_review")
    _update_document(
        ctx,
        {
            "review_conclusion": record["conclusion"],
            "reviewed_by": record["reviewer"],
            "reviewed_at": record["reviewed_at"],
            "status": status,
        },
        document_id,
    )


def publish_document(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Publish a reviewed document: its disclosed (de-identified) text, nothing unreviewed.

    A policy document's interpretation falls due from now.
    """
    store = DisclosureStore(ctx.connection)
    document_id = _document_id(ctx, data)
    text, attachments = document_content(store, document_id)
    hashes = [a["sha256"] for a in attachments]
    record = clearance(store, "document", str(document_id), text, hashes)
    title, body = record.disclosed_text.split(TITLE_BREAK, 1)
    published: dict[str, Any] = {
        "published_at": ctx.now,
        "interpretation_due_at": None,
        "interpretation_remind_at": None,
        "interpretation_due_provisional": False,
    }
    columns: dict[str, Any] = {}
    if data.get("doc_type") == "policy":
        deadline = _deadline(ctx, days, INTERPRETATION, document_id)
        published |= INTERPRETATION.data(deadline)
        columns = INTERPRETATION.columns(deadline)
    _update_document(
        ctx,
        {
            **columns,
            "status": "awaiting_interpretation" if columns else "published",
            "disclosed_title": title,
            "disclosed_text": body,
            "review_record_id": record.id,
            "published_at": ctx.now,
            "published_by": ctx.actor,
            "publication_channel": data.get("channel"),
            "publication_url": data.get("url") or None,
        },
        document_id,
    )
    return published


def record_interpretation(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Record the published policy interpretation (政策解读), shown on the public page at once.

    No review comes after this step: a title or address holding personal
    information (an ID number, a telephone) is refused beside its field.
    """
    problems = {
        name: [Problem("document.personal_in_public_field", {"kinds": kinds})]
        for name in ("interpretation_title", "interpretation_url")
        if (kinds := sorted({f.kind for f in find_personal_information(str(data.get(name) or ""))}))
    }
    if problems:
        raise FormValidationError(problems)
    _update_document(
        ctx,
        {
            "status": "interpreted",
            "interpretation_at": ctx.now,
            "interpretation_title": data.get("interpretation_title"),
            "interpretation_url": data.get("interpretation_url") or None,
        },
    )
    return {"interpreted_at": ctx.now, "by": ctx.actor}


def _document_id(ctx: ServiceContext, data: dict[str, Any]) -> int:
    """Return the document a step works on: the one its instance issued, or the one it names.

    A proposal to disclose proactively (依申请转主动) works on a document
    another instance issued.
    """
    found = DisclosureStore(ctx.connection).document_of(ctx.instance.id)
    if found is not None:
        return found
    named = (data.get("issued") or {}).get("document_id")
    if named is None:
        raise InvalidInputError("document.not_issued", instance=ctx.instance.id)
    return int(named)


def convert_to_proactive(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Make a document given out on request a proactive one (依申请转主动, Art. 44).

    It then goes the way of every proactive document: reviewed, then published.
    """
    given = data.get("file")
    if given and not data.get("issued"):
        document_id = _enter_file(ctx, data["title"], given)
    else:
        document_id = _document_id(ctx, data)
        _update_document(ctx, {"attribute": "proactive", "status": "awaiting_review"}, document_id)
    ctx.record("attribute_changed", {"document_id": document_id, "to": "proactive"})
    return {"document_id": document_id, "converted_at": ctx.now}


#: the number prefix of information entered in the catalogue because it was often asked for
PROACTIVE_PREFIX = "依申请转主动"


def _enter_file(ctx: ServiceContext, title: str, given: dict[str, Any]) -> int:
    """Enter a file given out on request in the catalogue, to be reviewed and published."""
    store = DisclosureStore(ctx.connection)
    year = ctx.moment.astimezone(CHINA).year
    sequence = store.next_sequence(PROACTIVE_PREFIX, year)
    return store.insert_document(
        {
            "instance_id": ctx.instance.id,
            "number": format_number(PROACTIVE_PREFIX, year, sequence),
            "prefix": PROACTIVE_PREFIX,
            "year": year,
            "sequence": sequence,
            "title": title,
            "doc_type": "general",
            "attribute": "proactive",
            "official_text": f"{title}\n（见附件：{given['filename']}）",
            "status": "awaiting_review",
            "drafter": None,
            "issued_at": ctx.now,
            "attachments": [{key: given[key] for key in ("id", "filename", "sha256")}],
        }
    )


def _update_document(
    ctx: ServiceContext, values: dict[str, Any], document_id: int | None = None
) -> None:
    store = DisclosureStore(ctx.connection)
    which = document_id if document_id else store.document_of(ctx.instance.id)
    if which is None or not store.update_document(which, values):
        raise InvalidInputError("document.not_issued", instance=ctx.instance.id)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")
