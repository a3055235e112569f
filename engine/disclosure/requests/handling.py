"""The service tasks of ``disclosure_request.bpmn``: registration, the clock, the reply.

Each runs inside the workflow step's transaction.  The clock lives in the
workflow data as ``clock`` (what timers and pages read, with its full state
under ``clock["state"]``); the request's row mirrors the due date and status
for the status page and lists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from ...domain import ServiceContext
from ...errors import FormValidationError, InvalidInputError, NotReviewedError, Problem
from ..official_days import WorkingDays
from ..review import clearance
from ..store import DisclosureStore
from ..workdays import CHINA
from .clock import ClockError, RequestClock, clock_data
from .fees import fee
from .replies import DISCLOSING, FAMILIES, reply_type
from .store import RequestStore

#: request status -> (Chinese, English), as the status page and lists show it
STATUSES: dict[str, tuple[str, str]] = {
    "registered": ("已登记，待受理审查", "Registered, being checked"),
    "correction": ("待申请人补正", "Waiting for the applicant's correction"),
    "handling": ("办理中", "Being handled"),
    "consultation": ("征求意见中（不计入答复期限）", "Consulting (not counted)"),
    "fee": ("待缴纳信息处理费（不计入答复期限）", "Waiting for the fee (not counted)"),
    "replied": ("已答复", "Replied"),
    "abandoned": ("逾期未补正，视为放弃申请", "Abandoned: no correction in time"),
    "fee_unpaid": ("逾期未缴费，视为放弃申请", "Abandoned: fee not paid in time"),
}
#: the steps a request being handled (办理中) may wait on besides its handler's own work, by
#: BPMN element id -> (Chinese, English): the staff's list says which one it waits for
WAITING_STEPS: dict[str, tuple[str, str]] = {
    "approve_extension": ("延期申请待办公室审批", "Extension waiting for the office's approval"),
    "confidentiality_review_task": (
        "答复内容待保密审查",
        "Reply waiting for the confidentiality review",
    ),
    "record_referral_answer_task": (
        "待保密行政管理部门意见",
        "Waiting for the secrecy administration's answer",
    ),
    "sign_reply": ("答复书待签发", "Reply letter waiting to be signed"),
}
#: how many different applicants given the same item make it a candidate for proactive
#: disclosure (依申请转主动, Art. 44)
PROACTIVE_AFTER = 3
#: the process that puts such a proposal before the office
PROPOSAL_PROCESS = "proactive_proposal"
#: how a request that ends without a reply is recorded (reply type key)
CLOSING_REPLIES = {"abandoned": "other.correction_overdue", "fee_unpaid": "other.fee_unpaid"}


def today(ctx: ServiceContext) -> date:
    """Return the step's day in China."""
    return ctx.moment.astimezone(CHINA).date()


def _clock(data: dict[str, Any]) -> RequestClock:
    return RequestClock.from_data(data["clock"]["state"])


def _save_clock(
    ctx: ServiceContext,
    days: WorkingDays,
    data: dict[str, Any],
    clock: RequestClock,
    event: str,
    **row: Any,
) -> dict[str, Any]:
    """Return the clock as workflow data, mirrored on the request's row and in the history.

    Every start, pause, restart and extension of the clock is an event of its
    own, with the due day it leads to.
    """
    calendar = days.calendar(ctx.connection)
    shown = clock_data(clock, calendar, today(ctx)) | {"state": clock.to_data()}
    ctx.record(
        event,
        {
            key: shown[key]
            for key in ("due_on", "pause_kind", "pause_due_on", "extension_days", "paused_days")
        }
        | {"on": today(ctx).isoformat()},
    )
    RequestStore(ctx.connection).update(
        int(data["request_id"]),
        {
            "due_on": shown["due_on"],
            "due_provisional": bool(shown["provisional"]),
            "paused": shown["pause_kind"],
            "notice": _notice(row.get("status"), data, shown),
            **row,
        },
    )
    return shown


def _notice(
    status: str | None, data: dict[str, Any], shown: dict[str, Any]
) -> dict[str, Any] | None:
    """Return what the applicant is asked while his request waits on him, and by when."""
    if status == "correction":
        text = str(data.get("correction_notice") or "")
        return {"kind": "correction", "text": text, "due_on": shown["pause_due_on"]}
    if status == "fee":
        return {"kind": "fee", "due_on": shown["pause_due_on"]}
    return None


def register_request(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Bind the request to its instance and start the reply clock from its receipt day."""
    store = RequestStore(ctx.connection)
    request_id = int(data["request_id"])
    store.update(request_id, {"instance_id": ctx.instance.id})
    received = date.fromisoformat(str(data["received_on"]))
    return _save_clock(
        ctx, days, data, RequestClock(received), "clock_started", status="registered"
    )


def ask_correction(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Stop the clock for the applicant's correction (补正, Art. 30), once, in time."""
    calendar = days.calendar(ctx.connection)
    period = int(data.get("correction_days") or 15)
    clock = _clock(data).ask_correction(calendar, today(ctx), period)
    return _save_clock(ctx, days, data, clock, "correction_asked", status="correction")


def restart_clock(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Restart the clock from the day the corrected request arrived."""
    arrived = date.fromisoformat(str(data["corrected_on"]))
    if arrived > today(ctx):
        # A correction cannot have arrived tomorrow: that would move the reply period on.
        raise FormValidationError({"corrected_on": [Problem("request.future_day")]})
    try:
        clock = _clock(data).corrected_on(arrived)
    except ClockError as exc:
        raise FormValidationError({"corrected_on": [Problem(exc.code, exc.params)]}) from None
    description = str(data.get("corrected_description") or "").strip()
    extra = {"description": description} if description else {}
    return _save_clock(ctx, days, data, clock, "clock_restarted", status="registered", **extra)


def assign_department(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Hand the request to its handling department (the handle task follows it)."""
    department = str(data.get("department") or "")
    if not RequestStore(ctx.connection).has_handlers(department):
        # A task for nobody would wait forever: the registrar must name a real department.
        # Said beside the field, so that the registrar keeps what he entered.
        problem = Problem("request.no_handlers", {"department": department})
        raise FormValidationError({"department": [problem]})
    RequestStore(ctx.connection).update(
        int(data["request_id"]), {"department": department, "status": "handling"}
    )
    return {"department": department}


def pause_clock(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Stop the clock for a consultation (Art. 32) or a fee notice (Art. 42)."""
    kind = {"consult_third_party": "third_party", "consult_agency": "agency"}.get(
        str(params.get("kind")), str(params.get("kind"))
    )
    clock = _clock(data).pause(kind, today(ctx))
    if kind != "fee":
        return _save_clock(ctx, days, data, clock, "clock_paused", status="consultation")
    charged = _fee(ctx, data)
    if charged["yuan"] == 0:
        # Nothing to pay: a notice would only stop the clock (Art. 42 charges above the free
        # quota).  Said beside the field, so that the handler keeps what he entered.
        if charged["method"] == "count":
            free = Problem("request.fee_free_count", {"nth": charged["nth_in_month"]})
            raise FormValidationError({"fee_method": [free]})
        free = Problem("request.fee_free_volume", {"pages": charged["pages"]})
        raise FormValidationError({"fee_pages": [free]})
    row = {"status": "fee", "fee_method": charged["method"], "fee_yuan": charged["yuan"]}
    return _save_clock(ctx, days, data, clock, "clock_paused", **row) | {"fee": charged}


def _fee(ctx: ServiceContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return the fee of this request by the handler's chosen method (never both)."""
    store = RequestStore(ctx.connection)
    request_id = int(data["request_id"])
    method = str(data.get("fee_method") or "")
    if method == "count":
        row = store.get(request_id)
        if row is None:
            raise InvalidInputError("request.not_found", request=request_id)
        nth = store.count_in_month(row.id_type, row.id_number, row.received_on[:7], request_id)
        return {"method": method, "nth_in_month": nth, "yuan": fee(method, nth_in_month=nth)}
    pages = int(data.get("fee_pages") or 0)
    return {"method": method, "pages": pages, "yuan": fee(method, pages=pages)}


def resume_clock(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Let the clock run again: the opinion arrived, its period ended, or the fee was settled."""
    arrived = data.get("opinion_on")
    if arrived and date.fromisoformat(str(arrived)) > today(ctx):
        # An opinion cannot have arrived tomorrow: that would shorten the pause.
        raise FormValidationError({"opinion_on": [Problem("request.future_day")]})
    clock = _clock(data)
    if clock.paused:
        clock = clock.resume(today(ctx))
    return _save_clock(ctx, days, data, clock, "clock_resumed", status="handling")


def extend_clock(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Extend the reply period once (Art. 33) when the office head approved it."""
    clock = _clock(data)
    if data.get("extension_decision") != "approve":
        return dict(data["clock"])
    clock = clock.extend(int(data.get("extension_days") or 0))
    row = {
        "status": "handling",
        "extension_days": clock.extension_days,
        "extension_reason": str(data.get("extension_reason") or ""),
    }
    return _save_clock(ctx, days, data, clock, "clock_extended", **row)


def close_request(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, days: WorkingDays
) -> dict[str, Any]:
    """Close a request that ends without a reply: no correction, or no payment, in time."""
    outcome = str(params.get("outcome"))
    RequestStore(ctx.connection).update(
        int(data["request_id"]),
        {"status": outcome, "reply_type": CLOSING_REPLIES[outcome], "replied_at": ctx.now},
    )
    return {"outcome": outcome, "closed_at": ctx.now}


def prepare_reply_material(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Return what the reply gives out, for the confidentiality review of exactly that."""
    return {
        "request_id": int(data["request_id"]),
        "text": str(data.get("reply_text") or ""),
        "attachments": _reply_attachments(data),
    }


def _reply_attachments(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the file the reply gives out, as the review and the letter cite it."""
    found = data.get("reply_attachment")
    if not found:
        return []
    return [{key: found[key] for key in ("id", "filename", "sha256")}]


def reply_letter(
    connection: Connection,
    data: dict[str, Any],
    signed_on: date,
    *,
    reviewed: bool = True,
) -> dict[str, Any]:
    """Return the letter a reply in ``data`` makes: type, decision, basis, text, fee, files.

    What a disclosing reply gives out is what the newest review of exactly
    this content let out (先审查后公开).  A preview for the signer
    (``reviewed=False``) shows the handler's text when no review cleared it yet.
    The document a reply points to (by its 文号) is named with its title.
    """
    chosen = reply_type(str(data["reply_type"]))
    request_id = int(data["request_id"])
    body = str(data.get("reply_text") or "")
    attachments = _reply_attachments(data)
    documents = DisclosureStore(connection)
    if chosen.family in DISCLOSING:
        hashes = [a["sha256"] for a in attachments]
        try:
            body = str(
                clearance(documents, "request_reply", str(request_id), body, hashes).disclosed_text
            )
        except NotReviewedError:
            if reviewed:
                raise
    else:
        attachments = []  # only a disclosing reply gives out a file
    row = RequestStore(connection).get(request_id)
    waived = data.get("payment") == "waived"
    family = FAMILIES[chosen.family][0]
    letter: dict[str, Any] = {
        "reply_type": chosen.key,
        "decision": family if chosen.reason is None else f"{family}（{chosen.zh}）",
        "basis": chosen.basis,
        "body": body,
        "fee_yuan": 0 if waived or row is None else int(row.fee_yuan or 0),
        "fee_method": "" if waived or row is None else str(row.fee_method or ""),
        "signed_on": signed_on.isoformat(),
        "attachments": attachments,
    }
    if document := named_document(connection, data, chosen.family):
        letter["document"] = document
    return letter


def named_document(
    connection: Connection, data: dict[str, Any], family: str
) -> dict[str, Any] | None:
    """Return the catalogue document a reply points to (id, 文号, title, published), or None.

    An "already disclosed" reply says where the document is; a disclosing one
    names what it gave out.
    """
    if family not in (*DISCLOSING, "already_disclosed"):
        return None
    number = str(data.get("disclosed_document") or "").strip()
    if not number:
        return None
    found = DisclosureStore(connection).document_by_number(number)
    if found is None:
        return None
    published = bool(found.published_at) and found.attribute == "proactive"
    return {
        "id": int(found.id),
        "number": str(found.number),
        "title": str(found.title),
        "published": published,
        "publication_url": str(found.publication_url or "") if published else "",
    }


def check_reply_document(
    connection: Connection, moment: datetime, data: dict[str, Any]
) -> dict[str, list[Problem]]:
    """Refuse a drafted reply naming a document the catalogue lacks, or one not public.

    Checked when the handler drafts the reply, beside its field: the letter
    would send the applicant to a document that is not there.
    """
    number = str(data.get("disclosed_document") or "").strip()
    if data.get("action") != "reply" or not number or not data.get("reply_type"):
        return {}
    family = reply_type(str(data["reply_type"])).family
    if family not in (*DISCLOSING, "already_disclosed"):
        return {}
    found = DisclosureStore(connection).document_by_number(number)
    if found is None:
        return {"disclosed_document": [Problem("request.unknown_document", {"number": number})]}
    public = bool(found.published_at) and found.attribute == "proactive"
    if family == "already_disclosed" and not public:
        problem = Problem("request.document_not_public", {"number": str(found.number)})
        return {"disclosed_document": [problem]}
    return {}


def send_reply(
    ctx: ServiceContext,
    data: dict[str, Any],
    params: dict[str, Any],
    *,
    days: WorkingDays,
    proactive_after: int = PROACTIVE_AFTER,
) -> dict[str, Any]:
    """Record the signed reply: its type, the letter the applicant reads, the time."""
    chosen = reply_type(str(data["reply_type"]))
    request_id = int(data["request_id"])
    letter = reply_letter(ctx.connection, data, today(ctx))
    attachments = letter["attachments"]
    store = RequestStore(ctx.connection)
    item = _given_item(ctx, data, chosen.family, attachments)
    store.update(
        request_id,
        {
            "status": "replied",
            "reply_item": item,
            "reply_type": chosen.key,
            "reply_letter": letter,
            "replied_at": ctx.now,
            "paused": None,
        },
    )
    if item is not None:
        _propose_if_asked_often(ctx, store, item, attachments, proactive_after)
    return {"replied_at": ctx.now, "reply_type": chosen.key, "item": item}


def _given_item(
    ctx: ServiceContext, data: dict[str, Any], family: str, attachments: list[dict[str, Any]]
) -> str | None:
    """Return what a disclosing reply gave out, as an item key.

    The catalogue document it names (``document:<id>``), else the file it
    gave, by content (``file:<sha256>``): the same file given to several
    applicants is one item, whatever its name.
    """
    if family not in DISCLOSING:
        return None
    number = str(data.get("disclosed_document") or "").strip()
    if number:
        document = DisclosureStore(ctx.connection).document_by_number(number)
        if document is None:
            raise InvalidInputError("request.unknown_document", number=number)
        return f"document:{document.id}"
    return f"file:{attachments[0]['sha256']}" if attachments else None


def _propose_if_asked_often(
    ctx: ServiceContext,
    store: RequestStore,
    item: str,
    attachments: list[dict[str, Any]],
    proactive_after: int,
) -> None:
    """Propose proactive disclosure once enough different applicants got the item (Art. 44)."""
    applicants = store.applicants_given(item)
    if applicants < proactive_after or not store.propose(item, applicants, ctx.now):
        return
    kind, key = item.split(":", 1)
    proposal: dict[str, Any] = {"attribute": "proactive", "applicants": applicants}
    if kind == "document":
        title = DisclosureStore(ctx.connection).document_title(int(key))
        proposal |= {"issued": {"document_id": int(key)}, "title": title}
    else:
        given = attachments[0]
        title = given["filename"].rsplit(".", 1)[0]
        proposal |= {"file": given, "title": title}
    ctx.start(PROPOSAL_PROCESS, proposal)
