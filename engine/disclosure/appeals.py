"""Appeals against the office's disclosure decisions: the annual report's part four.

政府信息公开行政复议、行政诉讼情况 (国办公开办函〔2021〕30号). The office records each case it
is party to — a reconsideration (行政复议), or a lawsuit brought directly (未经复议直接起诉)
or after a reconsideration (复议后起诉) — with the China day it was filed, and later its
result and the day it was decided. A year's table counts, per kind, the cases decided in the
year by result, and as 尚未审结 the cases filed by the year's end and not decided by then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError, validates_schema
from sqlalchemy import case, func, or_, select

from ..access import is_id, roles_of
from ..errors import (
    ConflictError,
    FormValidationError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from ..forms import FormSchema, check_submission, choice, optional_text
from ..store.models import insert_unless_taken, table_of
from .models import AppealCase
from .report import READERS, add_sheet, frame, year_bounds
from .requests.forms import day_field

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: the kinds of case, in the report's order
KINDS: dict[str, tuple[str, str]] = {
    "reconsideration": ("行政复议", "Administrative reconsideration"),
    "litigation_direct": (
        "行政诉讼·未经复议直接起诉",
        "Lawsuit without reconsideration",
    ),
    "litigation_after": ("行政诉讼·复议后起诉", "Lawsuit after reconsideration"),
}
#: the results, in the report's order; ``pending`` is a case not yet decided
RESULTS: dict[str, tuple[str, str]] = {
    "upheld": ("结果维持", "Upheld"),
    "corrected": ("结果纠正", "Corrected"),
    "other": ("其他结果", "Other result"),
    "pending": ("尚未审结", "Pending"),
}
PENDING = "pending"
#: the results a decided case may have
DECIDED: dict[str, tuple[str, str]] = {k: v for k, v in RESULTS.items() if k != PENDING}
#: the table's top headings (行政复议, 行政诉讼) and sub-headings of each kind
HEADINGS: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "reconsideration": (("行政复议", "Administrative reconsideration"), None),
    "litigation_direct": (
        ("行政诉讼", "Administrative litigation"),
        ("未经复议直接起诉", "Without reconsideration"),
    ),
    "litigation_after": (
        ("行政诉讼", "Administrative litigation"),
        ("复议后起诉", "After reconsideration"),
    ),
}
#: who records and decides cases
KEEPERS = frozenset({"office", "admin"})

_CASES = table_of(AppealCase)


class AppealForm(FormSchema):
    """A case as the office records it: kind, filing day, and its result once decided."""

    kind = choice("案件类型", "Kind of case", KINDS)
    filed_on = day_field("立案（申请）日期", "Filed on")
    result = choice("结果", "Result", DECIDED, required=False, blank=RESULTS[PENDING])
    decided_on = day_field("审结日期", "Decided on", required=False)
    request_file_number = optional_text("涉及申请的登记号", "File number of the request", 64)
    note = optional_text("备注", "Note", 500, widget="textarea")

    @validates_schema(skip_on_field_errors=True)
    def _decided_consistently(self, data: dict[str, Any], **_: Any) -> None:
        _check_decision(data.get("result") or "", data.get("decided_on") or "", data["filed_on"])


class DecisionForm(FormSchema):
    """The result of a pending case, and the day it was decided."""

    result = choice("结果", "Result", DECIDED)
    decided_on = day_field("审结日期", "Decided on")


def _check_decision(result: str, decided_on: str, filed_on: str) -> None:
    if result and not decided_on:
        raise ValidationError(Problem("appeal.decided_on_needed"), "decided_on")
    if decided_on and not result:
        raise ValidationError(Problem("appeal.result_needed"), "result")
    if decided_on and decided_on < filed_on:
        raise ValidationError(Problem("appeal.decided_before_filed"), "decided_on")


#: the forms' names among the engine's forms (they are not task forms)
FORM, DECISION_FORM = "appeal_case", "appeal_decision"
_FORMS: dict[str, FormSchema] = {FORM: AppealForm(), DECISION_FORM: DecisionForm()}


@dataclass(frozen=True)
class AppealRecord:
    """One recorded case, as the list shows it."""

    id: int
    kind: str
    filed_on: str
    result: str | None
    decided_on: str | None
    request_file_number: str
    note: str
    entered_by: str
    entered_at: str

    @property
    def pending(self) -> bool:
        """Tell whether the case is not decided yet."""
        return self.result is None


class AppealDesk:
    """The office's record of appeals: record a case, decide it, list them."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def record(
        self, office_user: str, values: Mapping[str, Any], submission: str | None = None
    ) -> int:
        """Record a case (office or admin); return its id.

        Invalid values raise ``FormValidationError`` naming each field; nothing is written.
        With ``submission``, the form's one-time key (``forms.new_submission``), a form sent
        again (a double click, a resent page) records nothing and returns the case the
        first sending recorded.
        """
        check_submission(submission)
        now = self._engine.now()
        with self._engine.store.write() as repo:
            if not roles_of(repo, office_user) & KEEPERS:
                raise PermissionDeniedError("read.refused")
            clean = self._engine.forms.validate(FORM, dict(values), extra=_FORMS)
            row = {
                "kind": clean["kind"],
                "filed_on": clean["filed_on"],
                "result": clean["result"] or None,
                "decided_on": clean["decided_on"] or None,
                "request_file_number": clean["request_file_number"],
                "note": clean["note"],
                "entered_by": office_user,
                "entered_at": now,
                "submission": submission,
            }
            # One statement: a second sending at the same moment waits for the first.
            key = [_CASES.c.submission]
            inserted = insert_unless_taken(repo.connection, _CASES, row, _CASES.c.id, key)
            if inserted is None:
                inserted = repo.connection.execute(
                    select(_CASES.c.id).where(_CASES.c.submission == submission)
                ).scalar_one()
            return int(inserted)

    def decide(self, office_user: str, case_id: int, result: str, decided_on: str) -> None:
        """Record the result of a pending case (office or admin).

        Invalid values raise ``FormValidationError``; a day before the filing is refused on
        ``decided_on``; a case already decided raises ``ConflictError``.
        """
        with self._engine.store.write() as repo:
            if not roles_of(repo, office_user) & KEEPERS:
                raise PermissionDeniedError("read.refused")
            values = {"result": result, "decided_on": decided_on}
            clean = self._engine.forms.validate(DECISION_FORM, values, extra=_FORMS)
            query = select(_CASES.c.filed_on, _CASES.c.result).where(_CASES.c.id == case_id)
            # Two decisions at once: the second waits for the first and finds the case decided
            # (PostgreSQL reads committed rows only; SQLite's writers go one at a time).
            found = (
                repo.connection.execute(
                    query.with_for_update() if repo.row_locks else query
                ).first()
                if is_id(case_id)
                else None  # no row has it: the database would refuse the number itself
            )
            if found is None:
                raise NotFoundError("appeal.not_found", case=case_id)
            if found.result is not None:
                raise ConflictError("appeal.already_decided", case=case_id)
            try:
                _check_decision(clean["result"], clean["decided_on"], found.filed_on)
            except ValidationError as exc:
                raise FormValidationError(
                    {"decided_on": [Problem("appeal.decided_before_filed")]}
                ) from exc
            repo.connection.execute(
                _CASES.update()
                .where(_CASES.c.id == case_id)
                .values(result=clean["result"], decided_on=clean["decided_on"])
            )

    def cases(self, reader: str, year: int | None = None) -> tuple[AppealRecord, ...]:
        """Return the cases (office, auditor or admin), newest filing first.

        With ``year``: the cases its table counts (decided in it, or pending at its end).
        """
        query = select(*(_CASES.c[f] for f in AppealRecord.__dataclass_fields__))
        if year is not None:
            query = _in_year(query, year)
        query = query.order_by(_CASES.c.filed_on.desc(), _CASES.c.id.desc())
        with self._engine.store.read() as repo:
            if not roles_of(repo, reader) & READERS:
                raise PermissionDeniedError("read.refused")
            rows = repo.connection.execute(query).all()
        return tuple(AppealRecord(**row._asdict()) for row in rows)

    def list(self, reader: str, year: int | None = None) -> tuple[AppealRecord, ...]:
        """Return the cases (office, auditor or admin), newest filing first: see :meth:`cases`."""
        return self.cases(reader, year)


def _in_year(query: Any, year: int) -> Any:
    first, last = (day.isoformat() for day in year_bounds(year))
    return query.where(
        _CASES.c.filed_on <= last,
        or_(_CASES.c.decided_on.is_(None), _CASES.c.decided_on >= first),
    )


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealGroup:
    """One group of columns (a kind of case): its labels and counts per column, then total."""

    key: str
    zh: str
    en: str
    heading: tuple[str, str]
    subheading: tuple[str, str] | None
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        """Return the group's total."""
        return self.counts[-1]

    def count(self, result: str) -> int:
        """Return the count of one result (``upheld``, ``pending``, ``total``...)."""
        return self.counts[list(COLUMNS).index(result)]


#: the columns of each group: the results, then the total
COLUMNS: dict[str, tuple[str, str]] = {**RESULTS, "total": ("总计", "Total")}


@dataclass(frozen=True)
class AppealTable:
    """The year's table of appeals: three groups of five columns."""

    year: int
    columns: tuple[tuple[str, str, str], ...]
    groups: tuple[AppealGroup, ...]

    def group(self, key: str) -> AppealGroup:
        """Return the group of a kind."""
        for found in self.groups:
            if found.key == key:
                return found
        raise KeyError(key)


def appeal_table(engine: WorkflowEngine, year: int, reader: str) -> AppealTable:
    """Return the year's table for an auditor, the office or an admin; refuse anyone else."""
    last = year_bounds(year)[1].isoformat()
    decided = _CASES.c.decided_on.is_not(None) & (_CASES.c.decided_on <= last)
    bucket = case((decided, _CASES.c.result), else_=PENDING).label("bucket")
    query = _in_year(select(_CASES.c.kind, bucket, func.count()), year).group_by(
        _CASES.c.kind, bucket
    )
    with engine.store.read() as repo:
        if not roles_of(repo, reader) & READERS:
            raise PermissionDeniedError("read.refused")
        rows = repo.connection.execute(query).all()
    counted = {(kind, result): int(n) for kind, result, n in rows}
    groups = []
    for key, (zh, en) in KINDS.items():
        values = [counted.get((key, result), 0) for result in RESULTS]
        heading, subheading = HEADINGS[key]
        groups.append(AppealGroup(key, zh, en, heading, subheading, (*values, sum(values))))
    columns = tuple((key, zh, en) for key, (zh, en) in COLUMNS.items())
    return AppealTable(year=year, columns=columns, groups=tuple(groups))


# -- the spreadsheet ---------------------------------------------------------------------------

#: the sheet row of the counts (after the title and three header rows)
APPEAL_BODY_ROW = 5


def appeal_sheet(workbook: Any, table: AppealTable) -> Any:
    """Add the year's table of appeals to an openpyxl workbook as a sheet; return the sheet."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(f"{table.year} 复议诉讼")
    width = len(table.columns)
    last_column = width * len(table.groups)
    sheet.cell(1, 1, f"{table.year}年 政府信息公开行政复议、行政诉讼情况").font = Font(bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    headings: dict[tuple[str, str], list[int]] = {}
    for g, group in enumerate(table.groups):
        start = 1 + g * width
        headings.setdefault(group.heading, []).append(start)
        if group.subheading is None:
            sheet.cell(2, start, group.heading[0])
            sheet.merge_cells(
                start_row=2, start_column=start, end_row=3, end_column=start + width - 1
            )
        else:
            sheet.cell(3, start, group.subheading[0])
            sheet.merge_cells(
                start_row=3, start_column=start, end_row=3, end_column=start + width - 1
            )
        for c, (_, zh, _en) in enumerate(table.columns):
            sheet.cell(4, start + c, zh)
            sheet.cell(APPEAL_BODY_ROW, start + c, group.counts[c])
    for group in table.groups:
        starts = headings.pop(group.heading, None)
        if group.subheading is not None and starts:
            sheet.cell(2, starts[0], group.heading[0])
            sheet.merge_cells(
                start_row=2, start_column=starts[0], end_row=2, end_column=starts[-1] + width - 1
            )
    frame(sheet, APPEAL_BODY_ROW, last_column)
    return sheet


def with_appeal_sheet(xlsx: bytes, table: AppealTable) -> bytes:
    """Return an XLSX workbook with the table of appeals added as a sheet."""
    return add_sheet(xlsx, lambda book: appeal_sheet(book, table))
