"""Why a draft goes back to its drafter (退文): a script helper of the document approval.

Kept apart from ``documents`` with nothing but the standard library, because
the script sandbox's worker processes import it: a worker starts in a tenth
of a second instead of importing the whole domain.
"""

from __future__ import annotations

#: the document type whose drafts go for approval with their interpretation plan
POLICY = "policy"


def draft_return_reasons(
    attribute: str | None,
    attribute_reason: str | None,
    withheld_basis: str | None,
    government_draft: bool | None,
    doc_type: str | None = None,
    interpretation_plan: str | None = None,
) -> list[str]:
    """Return why a draft goes back to its drafter (退文), or an empty list.

    Seed 四(一)3: an important policy goes for approval together with its
    interpretation plan (重要政策出台前，要将文件和解读方案一并报批).
    """
    reasons = []
    if not attribute:
        reasons.append("missing_attribute")
    if attribute == "withheld":
        if not (attribute_reason or "").strip():
            reasons.append("withheld_without_reason")
        if not withheld_basis:
            reasons.append("withheld_without_basis")
    if (
        government_draft
        and attribute
        and not (attribute_reason or "").strip()
        and "withheld_without_reason" not in reasons
    ):
        reasons.append("government_draft_without_reason")
    if doc_type == POLICY and not (interpretation_plan or "").strip():
        reasons.append("policy_without_interpretation_plan")
    return reasons
