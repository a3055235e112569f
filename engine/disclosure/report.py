"""The annual report's table of requests (政府信息公开工作年度报告, 国办公开办函〔2021〕30号).

Part three, 收到和处理政府信息公开申请情况: requests counted by applicant (the columns) and by
what became of them in the year (the rows). Years are China calendar years: a request is new
in the year it was received, concluded on the China day of its ``replied_at``, carried over
from last year when received before the year and not concluded before it started, and carried
into next year when received by the year's end and not concluded by then. The table holds the
rule 一 + 二 = 三（七）+ 四, column by column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from ..access import roles_of
from ..clock import iso
from ..errors import InvalidInputError, PermissionDeniedError
from ..store.models import table_of
from .models import DisclosureRequest
from .requests.applicants import APPLICANT_TYPES, ORGANISATION_KINDS
from .requests.replies import FAMILIES, REPLY_TYPES, REPORT_FAMILIES, REPORT_ROWS
from .workdays import CHINA

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: who reads the annual report: the disclosure office, auditors and admins
READERS = frozenset({"auditor", "office", "admin"})
#: the years a report may be asked for
FIRST_YEAR, LAST_YEAR = 2000, 2999
#: the result row a concluded request without a known reply type is counted in
FALLBACK_ROW = "other.other"

_REQUESTS = table_of(DisclosureRequest)


@dataclass(frozen=True)
class Column:
    """One column of counts: its key and labels, and its group (法人或其他组织) if it has one."""

    key: str
    zh: str
    en: str
    group: str | None = None


_ORGANISATION = APPLICANT_TYPES["organisation"]
#: the columns in the report's order: natural persons, the five kinds of organisation, total
COLUMNS: tuple[Column, ...] = (
    Column("natural_person", *APPLICANT_TYPES["natural_person"]),
    *(Column(key, zh, en, "organisation") for key, (zh, en) in ORGANISATION_KINDS.items()),
    Column("total", "总计", "Total"),
)
#: the labels of the column group 法人或其他组织
COLUMN_GROUPS: dict[str, tuple[str, str]] = {"organisation": _ORGANISATION}


@dataclass(frozen=True)
class TableRow:
    """One row: key, number (一、 or （三） or 1.), labels, indent level and counts per column.

    ``counts`` follows :data:`COLUMNS` (the last is the total); a heading row has none.
    """

    key: str
    number: str
    zh: str
    en: str
    level: int
    counts: tuple[int, ...] | None

    @property
    def total(self) -> int:
        """Return the row's total (0 for a heading)."""
        return self.counts[-1] if self.counts else 0


@dataclass(frozen=True)
class RequestTable:
    """The table of requests of one year, and whether 一 + 二 = 三（七）+ 四 holds."""

    year: int
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    #: 一 + 二, per column
    received: tuple[int, ...]
    #: 三（七）+ 四, per column
    settled: tuple[int, ...]

    @property
    def balanced(self) -> bool:
        """Tell whether 一 + 二 = 三（七）+ 四 in every column."""
        return self.received == self.settled

    def row(self, key: str) -> TableRow:
        """Return the row of a key (``new``, ``withhold.state_secret``, ``results_total``...)."""
        for found in self.rows:
            if found.key == key:
                return found
        raise KeyError(key)


@dataclass(frozen=True)
class RequestFacts:
    """What the table needs of one request: who asked, when, and how it ended."""

    received_on: str
    applicant_type: str
    organisation_kind: str | None
    reply_type: str | None
    replied_at: str | None


def year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last day of a report year, or refuse a year out of range."""
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInputError("report.bad_year", year=year)
    return date(year, 1, 1), date(year, 12, 31)


def _column_of(facts: RequestFacts) -> int:
    if facts.applicant_type == "natural_person":
        return 0
    kinds = list(ORGANISATION_KINDS)
    kind = facts.organisation_kind if facts.organisation_kind in kinds else "other"
    return 1 + kinds.index(str(kind))


def _concluded_on(facts: RequestFacts) -> date | None:
    if not facts.replied_at:
        return None
    return datetime.fromisoformat(facts.replied_at).astimezone(CHINA).date()


def _result_row(facts: RequestFacts) -> str:
    found = REPLY_TYPES.get(facts.reply_type or "")
    return found.report_row if found is not None else FALLBACK_ROW


def tabulate(year: int, requests: Iterable[RequestFacts]) -> RequestTable:
    """Return the year's table from the facts of requests (others than the year's are ignored)."""
    first, last = year_bounds(year)
    width = len(COLUMNS) - 1
    counts: dict[str, list[int]] = {}

    def add(key: str, column: int) -> None:
        counts.setdefault(key, [0] * width)[column] += 1

    for facts in requests:
        received = date.fromisoformat(facts.received_on)
        concluded = _concluded_on(facts)
        if received > last or (concluded is not None and concluded < first):
            continue
        column = _column_of(facts)
        add("new" if received >= first else "carried_over", column)
        if concluded is not None and concluded <= last:
            row = _result_row(facts)
            add(row, column)
            if _family(row) != row:
                add(_family(row), column)
            add("results_total", column)
        else:
            add("carried_forward", column)
    return _table(year, counts)


def _family(row_key: str) -> str:
    return row_key.split(".", 1)[0]


def _with_total(values: list[int] | None) -> tuple[int, ...]:
    values = values or [0] * (len(COLUMNS) - 1)
    return (*values, sum(values))


def _table(year: int, counts: dict[str, list[int]]) -> RequestTable:
    def line(key: str, number: str, zh: str, en: str, level: int) -> TableRow:
        return TableRow(key, number, zh, en, level, _with_total(counts.get(key)))

    rows = [
        line("new", "一、", "本年新收政府信息公开申请数量", "New requests this year", 0),
        line(
            "carried_over", "二、", "上年结转政府信息公开申请数量", "Carried over from last year", 0
        ),
        TableRow("results", "三、", "本年度办理结果", "Results this year", 0, None),
    ]
    for family, heading in REPORT_FAMILIES.items():
        number, zh = heading[:3], heading[3:]
        members = [r for r in REPORT_ROWS if r.family == family]
        if len(members) == 1 and members[0].key == family:
            rows.append(line(family, number, members[0].zh, members[0].en, 1))
            continue
        rows.append(line(family, number, zh, FAMILIES[family][1], 1))
        rows.extend(line(r.key, r.number, r.zh, r.en, 2) for r in members)
    rows.append(line("results_total", "（七）", "总计", "Total", 1))
    rows.append(line("carried_forward", "四、", "结转下年度继续办理", "Carried into next year", 0))
    by_key = {r.key: r for r in rows}

    def plus(a: str, b: str) -> tuple[int, ...]:
        first, second = by_key[a].counts, by_key[b].counts
        assert first is not None and second is not None
        return tuple(x + y for x, y in zip(first, second, strict=True))

    return RequestTable(
        year=year,
        columns=COLUMNS,
        rows=tuple(rows),
        received=plus("new", "carried_over"),
        settled=plus("results_total", "carried_forward"),
    )


def _query(year: int) -> Any:
    first, last = year_bounds(year)
    started = iso(datetime.combine(first, time(0), tzinfo=CHINA))
    return select(
        _REQUESTS.c.received_on,
        _REQUESTS.c.applicant_type,
        _REQUESTS.c.organisation_kind,
        _REQUESTS.c.reply_type,
        _REQUESTS.c.replied_at,
    ).where(
        _REQUESTS.c.received_on <= last.isoformat(),
        or_(_REQUESTS.c.replied_at.is_(None), _REQUESTS.c.replied_at >= started),
    )


def tabulate_requests(engine: WorkflowEngine, year: int) -> RequestTable:
    """Return the year's table read from the database, unchecked (for the command line)."""
    query = _query(year)
    with engine.store.read() as repo:
        rows = repo.connection.execute(query).all()
    return tabulate(year, (RequestFacts(*row) for row in rows))


def request_table(engine: WorkflowEngine, year: int, reader: str) -> RequestTable:
    """Return the year's table for an auditor, the office or an admin; refuse anyone else."""
    with engine.store.read() as repo:
        if not roles_of(repo, reader) & READERS:
            raise PermissionDeniedError("read.refused")
    return tabulate_requests(engine, year)


# -- the spreadsheet --------------------------------------------------------------------------

#: the first column of counts in the sheet (D): A-C hold the labels, as in the official table
_FIRST_COUNT_COLUMN = 4
#: the sheet's first row of counts (after the title and the three header rows)
FIRST_BODY_ROW = 5
_BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def balance_note(table: RequestTable) -> str:
    """Return the balance check in words: 一 + 二 and 三（七）+ 四 of the total column."""
    verdict = "相符" if table.balanced else "不相符"
    return (
        f"勾稽关系：一 + 二 = {table.received[-1]}，三（七）+ 四 = {table.settled[-1]}，{verdict}"
    )


def to_xlsx(table: RequestTable) -> bytes:
    """Return the table as an XLSX workbook laid out like the official table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{table.year}"
    last_column = _FIRST_COUNT_COLUMN + len(table.columns) - 1
    sheet.cell(1, 1, f"{table.year}年 收到和处理政府信息公开申请情况").font = Font(bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    sheet.cell(2, 1, _BALANCE_NOTE)
    sheet.merge_cells(start_row=2, start_column=1, end_row=4, end_column=3)
    sheet.cell(2, _FIRST_COUNT_COLUMN, "申请人情况")
    sheet.merge_cells(
        start_row=2, start_column=_FIRST_COUNT_COLUMN, end_row=2, end_column=last_column
    )
    grouped = [i for i, c in enumerate(table.columns) if c.group]
    for i, column in enumerate(table.columns):
        at = _FIRST_COUNT_COLUMN + i
        if column.group:
            sheet.cell(4, at, column.zh)
        else:
            sheet.cell(3, at, column.zh)
            sheet.merge_cells(start_row=3, start_column=at, end_row=4, end_column=at)
    group_start = _FIRST_COUNT_COLUMN + grouped[0]
    sheet.cell(3, group_start, COLUMN_GROUPS["organisation"][0])
    sheet.merge_cells(
        start_row=3,
        start_column=group_start,
        end_row=3,
        end_column=_FIRST_COUNT_COLUMN + grouped[-1],
    )
    note_row = _write_body(sheet, table)
    sheet.cell(note_row, 1, balance_note(table))
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=last_column)
    frame(sheet, note_row - 1, last_column, centred=False)
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 36
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_rows(table: RequestTable) -> list[TableRow]:
    """Return the rows the sheet shows: no heading, no subtotal of a family split in reasons."""
    shown = []
    for i, row in enumerate(table.rows):
        following = table.rows[i + 1] if i + 1 < len(table.rows) else None
        if row.counts is None or (following is not None and following.level > row.level):
            continue
        shown.append(row)
    return shown


def sheet_row_of(table: RequestTable, key: str) -> int:
    """Return the sheet row (1-based) where the XLSX writes the row of a key."""
    keys = [r.key for r in _sheet_rows(table)]
    return FIRST_BODY_ROW + keys.index(key)


def _write_body(sheet: Any, table: RequestTable) -> int:
    """Write the rows as the official table does; return the first row after them.

    一、二、四 span A-C; 三 runs down A beside its results; a family split in reasons
    runs down B beside them (in C); a family without reasons spans B-C.
    """
    rows = _sheet_rows(table)
    heading = table.row("results")
    first_result = last_result = 0
    for i, row in enumerate(rows):
        at = FIRST_BODY_ROW + i
        if row.level == 0:
            sheet.cell(at, 1, row.number + row.zh)
            sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=3)
        elif row.level == 1:
            sheet.cell(at, 2, row.number + row.zh)
            sheet.merge_cells(start_row=at, start_column=2, end_row=at, end_column=3)
        else:
            sheet.cell(at, 3, row.number + row.zh)
        if row.level > 0:
            first_result = first_result or at
            last_result = at
        for j, value in enumerate(row.counts or ()):
            sheet.cell(at, _FIRST_COUNT_COLUMN + j, value)
    sheet.cell(first_result, 1, heading.number + heading.zh)
    sheet.merge_cells(start_row=first_result, start_column=1, end_row=last_result, end_column=1)
    for family in REPORT_FAMILIES:
        reasons = [sheet_row_of(table, r.key) for r in REPORT_ROWS if r.family == family]
        if len(reasons) > 1:
            at = reasons[0]
            sheet.cell(at, 2, table.row(family).number + table.row(family).zh)
            sheet.merge_cells(start_row=at, start_column=2, end_row=reasons[-1], end_column=2)
    return FIRST_BODY_ROW + len(rows)


def frame(sheet: Any, last_row: int, last_column: int, *, centred: bool = True) -> None:
    """Draw the thin lines of an official table from row 2 down, text wrapped in its cells."""
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin")
    for line in sheet.iter_rows(min_row=2, max_row=last_row, max_col=last_column):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(
                wrap_text=True, vertical="center", horizontal="center" if centred else None
            )


def add_sheet(xlsx: bytes, build: Callable[[Any], object]) -> bytes:
    """Return an XLSX workbook with one more sheet, drawn by ``build`` on the workbook."""
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(xlsx))
    build(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
