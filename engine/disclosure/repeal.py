"""Repealing normative documents (废止), and the annual report's part two on them.

主动公开政府信息情况 (国办公开办函〔2021〕30号), the rows of 第二十条第（一）项: for
行政规范性文件 (catalogue documents of type ``normative``), the documents issued in the year
(the China day of ``issued_at``), those repealed in it, and those in force at its end (issued
by then and not repealed by then). gongkai does not handle 规章 (government rules follow their
own procedure): their row is not counted, and shows as "—", never as zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from ..access import roles_of
from ..clock import iso
from ..errors import (
    ConflictError,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from ..forms import FormSchema, non_blank
from ..store.models import table_of
from .models import Document
from .report import READERS, add_sheet, frame, year_bounds
from .requests.forms import day_field
from .workdays import CHINA

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: who repeals documents: the disclosure office and admins
KEEPERS = frozenset({"office", "admin"})
#: the only type of document that is repealed and counted
NORMATIVE = "normative"

_DOCUMENTS = table_of(Document)


class RepealForm(FormSchema):
    """The day a normative document is repealed, and why."""

    repealed_on = day_field("废止日期", "Repealed on")
    repeal_reason = non_blank("废止理由", "Reason for repeal", 500, widget="textarea")


#: the form's name among the engine's forms (it is not a task form)
FORM = "document_repeal"
_FORMS: dict[str, FormSchema] = {FORM: RepealForm()}


def _china_day(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone(CHINA).date().isoformat()


def repeal(
    engine: WorkflowEngine, document_id: int, office_user: str, repealed_on: str, reason: str
) -> None:
    """Repeal an issued normative document (office or admin) on a China day, for a reason.

    Invalid values raise ``FormValidationError`` naming each field (a day before the issue day
    is refused on ``repealed_on``); a document not normative raises ``InvalidInputError``, one
    repealed already ``ConflictError``. Nothing is written when refused.
    """
    with engine.store.write() as repo:
        if not roles_of(repo, office_user) & KEEPERS:
            raise PermissionDeniedError("read.refused")
        values = {"repealed_on": repealed_on, "repeal_reason": reason}
        clean = engine.forms.validate(FORM, values, extra=_FORMS)
        query = select(
            _DOCUMENTS.c.doc_type, _DOCUMENTS.c.issued_at, _DOCUMENTS.c.repealed_on
        ).where(_DOCUMENTS.c.id == document_id)
        # Two repeals at once: the second waits for the first and finds the document repealed.
        found = repo.connection.execute(
            query.with_for_update() if repo.row_locks else query
        ).first()
        if found is None:
            raise NotFoundError("document.not_issued", document=document_id)
        if found.doc_type != NORMATIVE:
            raise InvalidInputError("document.not_normative", document=document_id)
        if found.repealed_on is not None:
            raise ConflictError("document.already_repealed", document=document_id)
        if clean["repealed_on"] < _china_day(found.issued_at):
            raise FormValidationError({"repealed_on": [Problem("document.repealed_before_issued")]})
        repo.connection.execute(
            _DOCUMENTS.update()
            .where(_DOCUMENTS.c.id == document_id)
            .values(repealed_on=clean["repealed_on"], repeal_reason=clean["repeal_reason"])
        )


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormativeRows:
    """The year's rows of 第二十条第（一）项: 规章 (not tracked) and 行政规范性文件."""

    year: int
    #: 行政规范性文件 issued in the year (本年制发件数)
    issued: int
    #: 行政规范性文件 repealed in the year (本年废止件数)
    repealed: int
    #: 行政规范性文件 issued by the year's end and not repealed by then (现行有效件数)
    in_force: int


#: the table's columns: key, Chinese and English labels
NORMATIVE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("issued", "本年制发件数", "Issued this year"),
    ("repealed", "本年废止件数", "Repealed this year"),
    ("in_force", "现行有效件数", "In force"),
)
#: the rows' labels: 规章 is not tracked by gongkai
RULES_LABEL = ("规章", "Government rules")
NORMATIVE_LABEL = ("行政规范性文件", "Normative documents")
NOT_TRACKED = "—"
RULES_NOTE = "规章按其制定程序办理，gongkai 不统计规章，本行不填报数字。"


def normative_table(engine: WorkflowEngine, year: int, reader: str) -> NormativeRows:
    """Return the year's counts of normative documents (office, auditor or admin), in SQL."""
    first, last = year_bounds(year)
    started = iso(datetime.combine(first, time(0), tzinfo=CHINA))
    ended = iso(datetime.combine(last + timedelta(days=1), time(0), tzinfo=CHINA))
    issued_at, repealed_on = _DOCUMENTS.c.issued_at, _DOCUMENTS.c.repealed_on

    def counted(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = select(
        counted((issued_at >= started) & (issued_at < ended)),
        counted(repealed_on.between(first.isoformat(), last.isoformat())),
        counted((issued_at < ended) & (repealed_on.is_(None) | (repealed_on > last.isoformat()))),
    ).where(_DOCUMENTS.c.doc_type == NORMATIVE)
    with engine.store.read() as repo:
        if not roles_of(repo, reader) & READERS:
            raise PermissionDeniedError("read.refused")
        issued, repealed, in_force = repo.connection.execute(query).one()
    return NormativeRows(year, int(issued), int(repealed), int(in_force))


# -- the spreadsheet ---------------------------------------------------------------------------

#: the sheet rows of 规章 and 行政规范性文件 (after the title and the header row)
RULES_ROW, NORMATIVE_ROW = 3, 4


def normative_sheet(workbook: Any, table: NormativeRows) -> Any:
    """Add the year's rows of normative documents to an openpyxl workbook; return the sheet."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(f"{table.year} 主动公开")
    last_column = 1 + len(NORMATIVE_COLUMNS)
    sheet.cell(1, 1, f"{table.year}年 主动公开政府信息情况").font = Font(bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    sheet.cell(2, 1, "信息内容")
    for c, (_, zh, _en) in enumerate(NORMATIVE_COLUMNS):
        sheet.cell(2, 2 + c, zh)
    sheet.cell(RULES_ROW, 1, RULES_LABEL[0])
    counts = (table.issued, table.repealed, table.in_force)
    for c, value in enumerate(counts):
        sheet.cell(RULES_ROW, 2 + c, NOT_TRACKED)
        sheet.cell(NORMATIVE_ROW, 2 + c, value)
    sheet.cell(NORMATIVE_ROW, 1, NORMATIVE_LABEL[0])
    frame(sheet, NORMATIVE_ROW, last_column)
    note_row = NORMATIVE_ROW + 1
    sheet.cell(note_row, 1, f"注：{RULES_NOTE}")
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=last_column)
    sheet.column_dimensions["A"].width = 20
    return sheet


def with_normative_sheet(xlsx: bytes, table: NormativeRows) -> bytes:
    """Return an XLSX workbook with the rows of normative documents added as a sheet."""
    return add_sheet(xlsx, lambda book: normative_sheet(book, table))
