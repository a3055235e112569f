"""The write path of disclosure requests: prebuilt statements on the step's connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, func, select, update

from ...store.models import Attachment, insert_unless_taken, table_of
from ..models import DisclosureRequest, ProactiveProposal
from ..store import DisclosureStore

_REQUESTS = table_of(DisclosureRequest)
_PROPOSALS = table_of(ProactiveProposal)
_ATTACHMENTS = table_of(Attachment)


class RequestStore:
    """Reads and writes of ``disclosure_requests`` inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def insert(self, values: Mapping[str, Any]) -> int | None:
        """Insert a request and return its id; None if its form's key has filed one already.

        A request filed with the same key at the same moment makes this one wait
        for it (PostgreSQL) and then insert nothing.
        """
        key = [_REQUESTS.c.submission]
        inserted = insert_unless_taken(
            self.connection, _REQUESTS, dict(values), _REQUESTS.c.id, key
        )
        return None if inserted is None else int(inserted)

    def get(self, request_id: int) -> Row[Any] | None:
        """Return one request."""
        query = select(_REQUESTS).where(_REQUESTS.c.id == request_id)
        return self.connection.execute(query).first()

    def by_instance(self, instance_id: int) -> Row[Any] | None:
        """Return the request an instance handles."""
        query = select(_REQUESTS).where(_REQUESTS.c.instance_id == instance_id)
        return self.connection.execute(query).first()

    def by_tracking_number(self, tracking_number: str) -> Row[Any] | None:
        """Return the request with this tracking number."""
        query = select(_REQUESTS).where(_REQUESTS.c.tracking_number == tracking_number)
        return self.connection.execute(query).first()

    def update(self, request_id: int, values: Mapping[str, Any]) -> None:
        """Change fields of one request."""
        query = update(_REQUESTS).where(_REQUESTS.c.id == request_id).values(**values)
        self.connection.execute(query)

    def count_in_month(self, id_type: str, id_number: str, month: str, up_to_id: int) -> int:
        """Count an applicant's requests received in a month (``YYYY-MM``), up to this one."""
        query = select(func.count()).where(
            _REQUESTS.c.id_type == id_type,
            _REQUESTS.c.id_number == id_number,
            _REQUESTS.c.received_on.like(f"{month}-%"),
            _REQUESTS.c.id <= up_to_id,
        )
        return int(self.connection.execute(query).scalar_one())

    def attachment(self, attachment_id: int) -> Row[Any] | None:
        """Return one stored file (the caller has checked who may have it)."""
        query = select(_ATTACHMENTS).where(_ATTACHMENTS.c.id == attachment_id)
        return self.connection.execute(query).first()

    def page(self, where: list[Any], before_id: int | None, limit: int) -> list[Row[Any]]:
        """Return at most ``limit`` requests matching ``where``, newest first, below an id."""
        columns = [
            _REQUESTS.c[name]
            for name in (
                "id",
                "instance_id",
                "file_number",
                "tracking_number",
                "received_on",
                "description",
                "status",
                "department",
                "due_on",
                "due_provisional",
                "paused",
                "reply_type",
            )
        ]
        query = select(*columns).where(*where)
        if before_id is not None:
            query = query.where(_REQUESTS.c.id < before_id)
        return list(self.connection.execute(query.order_by(_REQUESTS.c.id.desc()).limit(limit)))

    def has_handlers(self, department: str) -> bool:
        """Tell whether an active handler works in the department."""
        return DisclosureStore(self.connection).has_member(department, "handler")

    def applicants_given(self, item: str) -> int:
        """Count the different applicants whose replies gave out this item."""
        applicant = _REQUESTS.c.id_type + ":" + _REQUESTS.c.id_number
        query = select(func.count(func.distinct(applicant))).where(
            _REQUESTS.c.reply_item == item, _REQUESTS.c.status == "replied"
        )
        return int(self.connection.execute(query).scalar_one())

    def propose(self, item: str, applicants: int, now: str) -> bool:
        """Note a proposal to disclose an item proactively; tell whether it is the first."""
        # One statement: two replies giving out the item at once (two cases, each locking
        # only its own) propose it once, and the second is no unique-key error.
        values = {"item": item, "applicants": applicants, "created_at": now}
        return insert_unless_taken(self.connection, _PROPOSALS, values, _PROPOSALS.c.id) is not None

    def earlier_of_applicant(self, id_type: str, id_number: str, before_id: int) -> list[Row[Any]]:
        """Return an applicant's earlier requests, newest first (at most 20)."""
        query = (
            select(
                _REQUESTS.c.id,
                _REQUESTS.c.file_number,
                _REQUESTS.c.received_on,
                _REQUESTS.c.description,
                _REQUESTS.c.status,
                _REQUESTS.c.reply_type,
            )
            .where(
                _REQUESTS.c.id_type == id_type,
                _REQUESTS.c.id_number == id_number,
                _REQUESTS.c.id < before_id,
            )
            .order_by(_REQUESTS.c.id.desc())
            .limit(20)
        )
        return list(self.connection.execute(query))
