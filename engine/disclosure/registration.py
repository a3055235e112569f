"""The disclosure domain's one registration with the core engine."""

from __future__ import annotations

from ..domain import Domain
from .draft_rules import draft_return_reasons
from .forms import FORMS
from .official_days import WorkingDays
from .requests.forms import FORMS as REQUEST_FORMS
from .requests.handling import PROACTIVE_AFTER
from .roles import ADMINS, HEADS, READ_ALL, ROLES
from .services import services


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
    )
