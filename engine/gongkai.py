"""gongkai's engine: the general workflow core with the disclosure domain plugged in."""

from __future__ import annotations

from typing import Any

from . import clock
from .disclosure import CalendarAdmin, Catalogue, RequestDesk, WorkingDays, disclosure_domain
from .disclosure.agency import AgencyDesk
from .disclosure.appeals import AppealDesk
from .disclosure.basic_catalogue import BasicCatalogue
from .disclosure.drafts import DraftDesk
from .disclosure.oversight import OversightDesk
from .disclosure.publication import PublicationDesk
from .disclosure.requests.handling import PROACTIVE_AFTER
from .runtime import WorkflowEngine
from .store.database import Database


class Engine(WorkflowEngine):
    """The workflow engine running the disclosure workflows.

    Besides the core's parts it has the domain's: ``catalogue`` (issued
    documents, the public list, approval sheets), ``calendar`` (the
    official working days an admin loads) and ``requests`` (disclosure
    requests: submitting, the status page, the applicant for his handlers).
    """

    def __init__(
        self,
        db: Database,
        clock_: clock.Clock = clock.system_clock,
        *,
        proactive_after: int = PROACTIVE_AFTER,
        **options: Any,
    ) -> None:
        days = WorkingDays()
        domain = disclosure_domain(days, proactive_after)
        super().__init__(db, clock_, domain=domain, **options)
        self.catalogue = Catalogue(self)
        self.calendar = CalendarAdmin(self, days)
        self.requests = RequestDesk(self, days)
        self.agency = AgencyDesk(self)
        self.appeals = AppealDesk(self)
        self.basic_catalogue = BasicCatalogue(self, days)
        self.oversight = OversightDesk(self)
        self.drafts = DraftDesk(self)
        self.publication = PublicationDesk(self)
