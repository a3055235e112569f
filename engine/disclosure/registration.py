"""The disclosure domain's one registration with the core engine."""

from __future__ import annotations

from ..domain import Domain
from .draft_rules import draft_return_reasons
from .drafts import WITHDRAWN
from .forms import FORMS
from .official_days import WorkingDays
from .requests.desk import PROCESS as REQUEST_PROCESS
from .requests.forms import FORMS as REQUEST_FORMS
from .requests.handling import PROACTIVE_AFTER, PROPOSAL_PROCESS, check_reply_document
from .roles import ADMINS, HEADS, READ_ALL, ROLES
from .services import services

#: processes gongkai starts itself, each under its own rules: a request by the request desk
#: (its record, its clock), a review by the approval that calls it, a proposal by the
#: handling of a request.  Started bare, they would skip those rules.
DESK_PROCESSES = frozenset({REQUEST_PROCESS, PROPOSAL_PROCESS, "confidentiality_review"})
#: messages a desk sends after its own checks (撤回: the drafter, before the review starts)
DESK_MESSAGES = frozenset({WITHDRAWN})


def disclosure_domain(days: WorkingDays, proactive_after: int = PROACTIVE_AFTER) -> Domain:
    """Return the registration of the disclosure domain, its deadlines counted on ``days``.

    ``proactive_after``: how many different applicants given the same document
    make the office consider disclosing it proactively (依申请转主动).
    """
    return Domain(
        name="disclosure",
        forms={**FORMS, **REQUEST_FORMS},
        services=services(days, proactive_after),
        script_helpers={"draft_return_reasons": draft_return_reasons},
        groups=ROLES,
        read_all_groups=READ_ALL,
        head_groups=HEADS,
        admin_groups=ADMINS,
        desk_processes=DESK_PROCESSES,
        desk_messages=DESK_MESSAGES,
        start_forms={REQUEST_PROCESS: "request_start"},
        form_checks={"request_handling": check_reply_document},
    )
