"""The service tasks the disclosure workflows call, by the name their BPMN gives."""

from __future__ import annotations

from functools import partial
from typing import Any

from ..domain import Service, ServiceContext
from . import documents, review
from .official_days import WorkingDays
from .requests import handling
from .requests.handling import PROACTIVE_AFTER


def _reviewed(
    ctx: ServiceContext, data: dict[str, Any], params: dict[str, Any], *, write: Service
) -> dict[str, Any]:
    """Write a review record; a document's catalogue entry shows its outcome."""
    record = write(ctx, data, params)
    item = data["review_item"]
    if item["kind"] == "document":
        documents.record_review_outcome(ctx, int(item["ref"]), record)
    return record


def services(days: WorkingDays, proactive_after: int = PROACTIVE_AFTER) -> dict[str, Service]:
    """Return every service by operation name, those that count working days on ``days``.

    ``proactive_after`` different applicants given one document make the office
    consider disclosing it proactively (Art. 44).
    """
    return {
        "note_drafting_unit": documents.note_drafting_unit,
        "issue_document": partial(documents.issue_document, days=days),
        "prepare_review": review.prepare_review,
        "record_review": partial(_reviewed, write=review.record_review),
        "record_referral_answer": partial(_reviewed, write=review.record_referral_answer),
        "publish_document": partial(documents.publish_document, days=days),
        "record_interpretation": documents.record_interpretation,
        "register_request": partial(handling.register_request, days=days),
        "open_correction": partial(handling.ask_correction, days=days),
        "restart_request_clock": partial(handling.restart_clock, days=days),
        "assign_department": partial(handling.assign_department, days=days),
        "pause_clock": partial(handling.pause_clock, days=days),
        "resume_clock": partial(handling.resume_clock, days=days),
        "extend_request_clock": partial(handling.extend_clock, days=days),
        "close_request": partial(handling.close_request, days=days),
        "prepare_reply_material": handling.prepare_reply_material,
        "record_reply": partial(handling.send_reply, days=days, proactive_after=proactive_after),
        "convert_to_proactive": documents.convert_to_proactive,
    }
