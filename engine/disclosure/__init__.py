"""The disclosure domain (政务公开): documents, review, requests, the working-day calendar.

It plugs into the core engine through one ``Domain`` registration (see
``disclosure_domain``); the core imports nothing from here.

The names below are imported when first asked for: a script worker imports
``engine.disclosure.draft_rules`` alone, without the whole domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exports import lazy_names

if TYPE_CHECKING:
    from .calendar import CalendarAdmin
    from .catalogue import Catalogue
    from .official_days import WorkingDays
    from .registration import disclosure_domain
    from .requests.desk import RequestDesk

__all__ = ["CalendarAdmin", "Catalogue", "RequestDesk", "WorkingDays", "disclosure_domain"]

_WHERE = {
    "CalendarAdmin": ".calendar",
    "Catalogue": ".catalogue",
    "RequestDesk": ".requests.desk",
    "WorkingDays": ".official_days",
    "disclosure_domain": ".registration",
}


__getattr__ = lazy_names(__name__, _WHERE)
