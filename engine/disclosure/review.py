"""Confidentiality review (保密审查): review first, then disclose (先审查后公开).

One review covers one item (一事一审): the exact text and attachments that
are to be disclosed, identified by their hash.  The reviewer's conclusion,
basis and redactions go into an immutable review record (谁审查谁负责), and
nothing is published unless a record allows exactly that content.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

from sqlalchemy import Row

from ..audit import canonical_json
from ..domain import ServiceContext
from ..errors import NotReviewedError
from .privacy import Redaction, find_personal_information, manual_redactions, redact
from .store import DisclosureStore

#: conclusion -> (Chinese, English)
CONCLUSIONS: dict[str, tuple[str, str]] = {
    "disclose": ("同意公开", "Disclose"),
    "disclose_redacted": ("去标识化后公开", "Disclose after redaction"),
    "withhold": ("不予公开", "Withhold"),
    "refer": (
        "无法确定，报保密行政管理部门确定（条例第十七条）",
        "Cannot decide: refer to the secrecy administration (Art. 17)",
    ),
}
#: conclusions that allow disclosure
DISCLOSING = ("disclose", "disclose_redacted")

#: exemption from de-identification -> (Chinese, English)
EXEMPTIONS: dict[str, tuple[str, str]] = {
    "disciplinary": ("惩戒公示", "Disciplinary publicity"),
    "mandatory": ("强制性信息披露", "Mandatory disclosure"),
}


def content_hash(text: str, attachment_hashes: list[str]) -> str:
    """Return the hash identifying one item's content: its text and its attachments."""
    body = canonical_json({"text": text, "attachments": sorted(attachment_hashes)})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


#: between a document's title and its text in the reviewed content
TITLE_BREAK = "\n\n"


def document_content(store: DisclosureStore, document_id: int) -> tuple[str, list[dict[str, Any]]]:
    """Return what disclosing a document discloses: title and text, and its attachments."""
    title, text, attachments = store.document_content(document_id)
    return f"{title}{TITLE_BREAK}{text}", attachments


def prepare_review(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Put one item before the reviewer: its exact content and the personal data found.

    The item is a request's reply material when the process prepared one,
    else the issued document.
    """
    material = data.get("reply_material")
    attachments: list[dict[str, Any]]
    if material:
        kind, ref = "request_reply", str(material["request_id"])
        text, attachments = str(material["text"]), list(material.get("attachments") or [])
    else:
        kind, ref = "document", str(data["issued"]["document_id"])
        text, attachments = document_content(DisclosureStore(ctx.connection), int(ref))
    return {
        "kind": kind,
        "ref": ref,
        "text": text,
        "attachments": attachments,
        "content_hash": content_hash(text, [a["sha256"] for a in attachments]),
        "findings": [asdict(f) for f in find_personal_information(text)],
    }


def planned_redactions(item: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the redactions a reviewer's answers call for: confirmed findings and hand marks."""
    if data.get("exemption"):
        return []
    confirmed = set(data.get("confirmed_findings") or [])
    chosen = [
        {"start": f["start"], "end": f["end"], "replacement": f["masked"], "source": f["kind"]}
        for f in item["findings"]
        if f["id"] in confirmed
    ]
    passages = [p.strip() for p in (data.get("manual_passages") or "").splitlines() if p.strip()]
    chosen += [
        {"start": r.start, "end": r.end, "replacement": r.replacement, "source": "manual"}
        for r in manual_redactions(item["text"], passages)
    ]
    return sorted(chosen, key=lambda r: (r["start"], r["end"]))


def disclosed_text(item: dict[str, Any], redactions: list[dict[str, Any]]) -> str:
    """Return the text as it may be disclosed: the original with every redaction applied."""
    return redact(
        item["text"], [Redaction(r["start"], r["end"], r["replacement"]) for r in redactions]
    )


def record_review(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Write the reviewer's immutable record; return its id and conclusion."""
    return _insert_record(
        ctx,
        data,
        data["review_conclusion"],
        data.get("review_basis", ""),
        planned_redactions(data["review_item"], data),
    )


def record_referral_answer(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Record the secrecy administration's answer as a further review step (条例 Art. 17)."""
    conclusion = data["referral_conclusion"]
    redactions = (
        planned_redactions(data["review_item"], data) if conclusion == "disclose_redacted" else []
    )
    return _insert_record(
        ctx,
        data,
        conclusion,
        data.get("referral_basis", ""),
        redactions,
        follows_id=data["review_record"]["id"],
        referral_reference=data.get("referral_reference"),
    )


def _insert_record(
    ctx: ServiceContext,
    data: dict[str, Any],
    conclusion: str,
    basis: str,
    redactions: list[dict[str, Any]],
    **values: Any,
) -> dict[str, Any]:
    """Write one review record of the item before the reviewer; return its summary."""
    item = data["review_item"]
    values |= {
        "conclusion": conclusion,
        "basis": basis,
        "exemption": data.get("exemption", ""),
        "exemption_reason": data.get("exemption_reason", ""),
        "redactions": redactions,
        "disclosed_text": disclosed_text(item, redactions) if conclusion in DISCLOSING else None,
    }
    if not ctx.actor:
        raise NotReviewedError("review.needs_reviewer")
    record_id = DisclosureStore(ctx.connection).insert_review_record(
        {
            "instance_id": ctx.instance.id,
            "item_kind": item["kind"],
            "item_ref": item["ref"],
            "content_hash": item["content_hash"],
            "content": {"text": item["text"], "attachments": item["attachments"]},
            "findings": item["findings"],
            "reviewer": ctx.actor,
            "reviewed_at": ctx.now,
            **values,
        }
    )
    return {
        "id": record_id,
        "conclusion": values["conclusion"],
        "reviewer": ctx.actor,
        "reviewed_at": ctx.now,
        "content_hash": item["content_hash"],
    }


def clearance(
    store: DisclosureStore, kind: str, ref: str, text: str, attachment_hashes: list[str]
) -> Row[Any]:
    """Return the review record that allows disclosing exactly this content, or refuse.

    The newest record of the item decides; it must disclose and must have
    reviewed exactly the content about to go out.
    """
    latest = store.latest_review_record(kind, ref)
    wanted = content_hash(text, attachment_hashes)
    if latest is None or latest.conclusion not in DISCLOSING or latest.content_hash != wanted:
        raise NotReviewedError("review.not_cleared")
    return latest
