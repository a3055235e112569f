"""The disclosure domain's reads and writes, in SQLAlchemy Core on the step's connection.

Like the core's repository, every statement is built once at import and run
with bound parameters inside the engine call's transaction, so what a
service writes commits or rolls back with the workflow step.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..store.models import Attachment, User, UserRole, table_of
from .models import CalendarDay, Document, NumberSequence, ProvisionalDeadline, ReviewRecord

_DOCUMENTS = table_of(Document)
_RECORDS = table_of(ReviewRecord)
_DAYS = table_of(CalendarDay)
_ATTACHMENTS = table_of(Attachment)

_INSERT_DOCUMENT = insert(_DOCUMENTS).returning(_DOCUMENTS.c.id)
_DOCUMENT_OF_INSTANCE = select(_DOCUMENTS.c.id).where(
    _DOCUMENTS.c.instance_id == bindparam("instance_id")
)
_DOCUMENT_CONTENT = select(
    _DOCUMENTS.c.title, _DOCUMENTS.c.official_text, _DOCUMENTS.c.attachments
).where(_DOCUMENTS.c.id == bindparam("document_id"))
_ATTACHMENT_BYTES = select(_ATTACHMENTS.c.id, _ATTACHMENTS.c.content).where(
    _ATTACHMENTS.c.id.in_(bindparam("ids", expanding=True))
)
_INSERT_RECORD = insert(_RECORDS).returning(_RECORDS.c.id)
_LATEST_RECORD = (
    select(_RECORDS)
    .where(_RECORDS.c.item_kind == bindparam("kind"), _RECORDS.c.item_ref == bindparam("ref"))
    .order_by(_RECORDS.c.id.desc())
    .limit(1)
)
_PROVISIONAL = table_of(ProvisionalDeadline)
_NOTE_PROVISIONAL = insert(_PROVISIONAL)
_PROVISIONAL_ROWS = select(_PROVISIONAL).order_by(_PROVISIONAL.c.id)
_DROP_PROVISIONAL = delete(_PROVISIONAL).where(_PROVISIONAL.c.id == bindparam("row_id"))
_CALENDAR = select(_DAYS.c.day, _DAYS.c.working, _DAYS.c.note).order_by(_DAYS.c.day)
_YEAR = func.substr(_DAYS.c.day, 1, 4)
_CALENDAR_YEARS = select(_YEAR, func.count()).group_by(_YEAR)


#: a year in whatever brackets people type for 〔〕: (2026) （2026） [2026] 【2026】 ［2026］
_TYPED_YEAR = re.compile(r"[(（\[【［〔]\s*(\d{4})\s*[)）\]】］〕]")


def canonical_number(text: str) -> str:
    """Return a document number as it is issued, however its year's brackets were typed."""
    return _TYPED_YEAR.sub(r"〔\1〕", "".join(str(text or "").split()))


class DisclosureStore:
    """Reads and writes of documents, numbers, review records and the calendar."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- people -----------------------------------------------------------------------

    def has_member(self, department: str, role: str, besides: str | None = None) -> bool:
        """Tell whether an active holder of ``role`` works in ``department`` (not ``besides``)."""
        query = (
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.department == department, User.active, UserRole.role == role)
        )
        if besides is not None:
            query = query.where(User.username != besides)
        return self.connection.execute(query.limit(1)).first() is not None

    # -- numbers and documents ------------------------------------------------------

    def next_sequence(self, prefix: str, year: int) -> int:
        """Take the next number of ``prefix`` and ``year`` in this transaction.

        An upsert that increments and returns in one statement: concurrent
        issues queue on the row, and a rolled-back issue leaves no gap.
        """
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(NumberSequence)
            .values(prefix=prefix, year=year, last_value=1)
            .on_conflict_do_update(
                index_elements=["prefix", "year"],
                set_={"last_value": NumberSequence.last_value + 1},
            )
            .returning(NumberSequence.last_value)
        )
        return int(self.connection.execute(statement).scalar_one())

    def insert_document(self, values: Mapping[str, Any]) -> int:
        """Enter an issued document in the catalogue; return its id."""
        return int(self.connection.execute(_INSERT_DOCUMENT, dict(values)).scalar_one())

    def document_of(self, instance_id: int) -> int | None:
        """Return the id of the document an instance issued, if any."""
        found = self.connection.execute(_DOCUMENT_OF_INSTANCE, {"instance_id": instance_id})
        return found.scalar()

    def document_title(self, document_id: int) -> str:
        """Return a document's title (without reading its attachments)."""
        query = select(_DOCUMENTS.c.title).where(_DOCUMENTS.c.id == document_id)
        return str(self.connection.execute(query).scalar_one())

    def document_by_number(self, number: str) -> Row[Any] | None:
        """Return the catalogue entry with this document number (文号), its brackets as typed."""
        query = select(_DOCUMENTS).where(_DOCUMENTS.c.number == canonical_number(number))
        return self.connection.execute(query).first()

    def update_document(self, document_id: int, values: Mapping[str, Any]) -> bool:
        """Change a catalogue entry; tell whether it exists."""
        statement = update(_DOCUMENTS).where(_DOCUMENTS.c.id == document_id).values(**values)
        return bool(self.connection.execute(statement).rowcount == 1)

    def document_content(self, document_id: int) -> tuple[str, str, list[dict[str, Any]]]:
        """Return a document's title, official text and attachments hashed from their bytes.

        Hashing the stored bytes means a file changed after its review no
        longer matches the review.
        """
        row = self.connection.execute(_DOCUMENT_CONTENT, {"document_id": document_id}).one()
        listed = list(row.attachments or [])
        contents = dict(
            self.connection.execute(_ATTACHMENT_BYTES, {"ids": [a["id"] for a in listed]}).all()
        )
        attachments = [
            {
                "id": a["id"],
                "filename": a["filename"],
                "sha256": hashlib.sha256(contents.get(a["id"], b"")).hexdigest(),
            }
            for a in listed
        ]
        return row.title, row.official_text, attachments

    # -- review records -------------------------------------------------------------

    def insert_review_record(self, values: Mapping[str, Any]) -> int:
        """Write an immutable review record; return its id."""
        return int(self.connection.execute(_INSERT_RECORD, dict(values)).scalar_one())

    def latest_review_record(self, kind: str, ref: str) -> Row[Any] | None:
        """Return the newest review record of an item, which decides its disclosure."""
        return self.connection.execute(_LATEST_RECORD, {"kind": kind, "ref": ref}).first()

    # -- provisional deadlines --------------------------------------------------------

    def note_provisional(
        self, instance_id: int, document_id: int | None, kind: str, starts_at: str
    ) -> None:
        """Note a deadline computed without its year's schedule, to compute it again later."""
        self.connection.execute(
            _NOTE_PROVISIONAL,
            {
                "instance_id": instance_id,
                "document_id": document_id,
                "kind": kind,
                "starts_at": starts_at,
                "created_at": starts_at,
            },
        )

    def provisional_deadlines(self) -> list[Row[Any]]:
        """Return the noted provisional deadlines, oldest first."""
        return list(self.connection.execute(_PROVISIONAL_ROWS).all())

    def drop_provisional(self, row_id: int) -> None:
        """Forget a noted deadline: it is official now, or its instance has ended."""
        self.connection.execute(_DROP_PROVISIONAL, {"row_id": row_id})

    # -- the calendar ----------------------------------------------------------------

    def calendar_days(self) -> tuple[tuple[str, bool, str], ...]:
        """Return the loaded official days: (ISO day, working, note), in order."""
        return tuple(
            (day, bool(working), note) for day, working, note in self.connection.execute(_CALENDAR)
        )

    def calendar_years(self) -> dict[int, int]:
        """Return how many official days are loaded for each year that has any."""
        return {int(year): count for year, count in self.connection.execute(_CALENDAR_YEARS)}

    def holiday_periods(self) -> dict[int, int]:
        """Return by year how many runs of consecutive loaded holidays it has (假期段数)."""
        periods: dict[int, int] = {}
        last = None
        holidays = select(_DAYS.c.day).where(_DAYS.c.working.is_(False)).order_by(_DAYS.c.day)
        for (text,) in self.connection.execute(holidays):
            day = date.fromisoformat(text)
            if last is None or (day - last).days > 1:
                periods[day.year] = periods.get(day.year, 0) + 1
            last = day
        return periods

    def replace_calendar_days(self, days: Sequence[Mapping[str, Any]]) -> None:
        """Load official days, replacing those already loaded for the same dates.

        An upsert: a schedule loaded twice at once (two clicks on 上传) replaces the
        days the other just loaded, instead of failing on their dates.
        """
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_DAYS)
        replaced = {c.name: statement.excluded[c.name] for c in _DAYS.columns if c.name != "day"}
        statement = statement.on_conflict_do_update(index_elements=["day"], set_=replaced)
        self.connection.execute(statement, [dict(d) for d in days])
