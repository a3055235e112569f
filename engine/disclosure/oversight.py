"""Oversight of each department's disclosure work (督查, seed 八(二)).

For a period the office chooses (a year, a quarter or a month, China calendar), per
department:

- documents issued (印发) in the period;
- drafts submitted, and of them those whose attribute the drafter stated at the source
  (公开属性源头认定) versus those returned for a missing one;
- returns (退文) in the period and why: the reasons of the automatic ``sent_back`` events;
- confidentiality reviews (保密审查) done in the period;
- the on-time rates of what fell due in the period: publishing proactive documents
  (``published_at`` ≤ ``publish_due_at``), interpreting policy documents, and replying to
  disclosure requests (replied by the end of the due day). What fell due and is still not
  done counts as late; what is not due yet is not counted;
- what is overdue now, whatever the period: publications, interpretations, catalogue
  entries (主动公开基本目录) and requests.

A document counts for its drafter's department, a draft and its returns for the department
of whoever started it, a request for the department it was given to, a review for the
request's department or else the department of whoever started the case. Every figure is an
aggregate in SQL grouped by department; no row is loaded one by one.

Who reads what: the office, auditors and admins every department; a department head his own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO, StringIO
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, distinct, func, literal, select, true

from ..access import roles_of
from ..clock import iso
from ..errors import InvalidInputError, PermissionDeniedError
from ..store.models import Department, Event, ProcessInstance, User, table_of
from .basic_catalogue import MONTHS_EN, overdue_entries
from .documents import RETURN_REASONS
from .models import DisclosureRequest, Document, ReviewRecord
from .report import frame, year_bounds
from .workdays import CHINA

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: the kinds of period the office chooses from
PERIOD_KINDS: dict[str, tuple[str, str]] = {
    "year": ("年度", "Year"),
    "quarter": ("季度", "Quarter"),
    "month": ("月度", "Month"),
}
#: who reads every department's figures (auditors read only)
READ_ALL = frozenset({"office", "admin", "auditor"})
#: who reads his own department's figures
HEADS = frozenset({"dept_head"})
#: the process whose drafts and returns are counted
DOCUMENT_PROCESS = "document_approval"
#: the element of the draft task: completing it submits the draft
DRAFT_ELEMENT = "draft"
#: the return reason of a draft that states no attribute
MISSING_ATTRIBUTE = "missing_attribute"
#: request statuses that end without a reply the office owes (the applicant gave up)
_GIVEN_UP = ("abandoned", "fee_unpaid")
#: request statuses that need no reply any more
_CLOSED = ("replied", *_GIVEN_UP)
#: a catalogue status whose document is not to be published at all
_NOT_TO_PUBLISH = "withheld_after_review"
#: the end of a China day (24:00 at UTC+8, which China has kept all year since 1991) as
#: the time part of the UTC time the engine stores: ``due_on || this`` ends the due day
_END_OF_CHINA_DAY = "T16:00:00.000000+00:00"
_QUARTERS = ("", "第一季度", "第二季度", "第三季度", "第四季度")

_DOCUMENTS = table_of(Document)
_REQUESTS = table_of(DisclosureRequest)
_REVIEWS = table_of(ReviewRecord)
_EVENTS = table_of(Event)
_INSTANCES = table_of(ProcessInstance)
_USERS = table_of(User)
_DEPARTMENTS = table_of(Department)


# -- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A year, quarter or month of the China calendar."""

    kind: str
    year: int
    #: the quarter (1-4) or month (1-12); 0 for a year
    number: int
    first: date
    last: date

    @property
    def label(self) -> tuple[str, str]:
        """Return the period in words: Chinese and English."""
        if self.kind == "quarter":
            return f"{self.year}年{_QUARTERS[self.number]}", f"Q{self.number} {self.year}"
        if self.kind == "month":
            return f"{self.year}年{self.number}月", f"{MONTHS_EN[self.number]} {self.year}"
        return f"{self.year}年", f"{self.year}"

    @property
    def key(self) -> str:
        """Return the period as a short name for files: ``2026``, ``2026-Q3``, ``2026-11``."""
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def starts_at(self) -> str:
        """Return the period's first moment (00:00 China time) as the engine stores times."""
        return iso(datetime.combine(self.first, time(0), tzinfo=CHINA))

    @property
    def ends_at(self) -> str:
        """Return the moment after the period's last day (00:00 China time of the next day)."""
        return iso(datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=CHINA))


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    # A handful of digits: no year or month has more, and int() refuses thousands of them.
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def period(kind: Any, year: Any, number: Any = None) -> Period:
    """Return the period of a kind (``year``, ``quarter``, ``month``), year and number.

    Numbers may be given as text (from a page). Anything else raises ``InvalidInputError``
    naming what is wrong: the kind, the year, the quarter or the month.
    """
    if kind not in PERIOD_KINDS:
        raise InvalidInputError("oversight.bad_period_kind", kind=str(kind)[:20])
    whole_year = _whole(year)
    if whole_year is None:
        raise InvalidInputError("report.bad_year", year=str(year)[:20])
    first, last = year_bounds(whole_year)
    if kind == "year":
        return Period(kind, whole_year, 0, first, last)
    count = _whole(number)
    if kind == "quarter":
        if count is None or not 1 <= count <= 4:
            raise InvalidInputError("oversight.bad_quarter", quarter=str(number)[:20])
        start = date(whole_year, 3 * count - 2, 1)
        end = date(whole_year, 12, 31) if count == 4 else date(whole_year, 3 * count + 1, 1)
        return Period(kind, whole_year, count, start, end - timedelta(days=count != 4))
    if count is None or not 1 <= count <= 12:
        raise InvalidInputError("oversight.bad_month", month=str(number)[:20])
    start = date(whole_year, count, 1)
    following = date(whole_year + 1, 1, 1) if count == 12 else date(whole_year, count + 1, 1)
    return Period(kind, whole_year, count, start, following - timedelta(days=1))


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """How many of what fell due were done on time."""

    on_time: int
    due: int

    @property
    def percent(self) -> float | None:
        """Return the share done on time in percent (one decimal), None when nothing fell due."""
        return round(100 * self.on_time / self.due, 1) if self.due else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.on_time + other.on_time, self.due + other.due)


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's figures for the period (``department`` None: none is known)."""

    department: str | None
    issued: int = 0
    drafts: int = 0
    attribute_stated: int = 0
    attribute_missing: int = 0
    returns: int = 0
    reasons: Mapping[str, int] = field(default_factory=dict)
    reviews: int = 0
    publishing: Rate = Rate(0, 0)
    interpretation: Rate = Rate(0, 0)
    replies: Rate = Rate(0, 0)
    overdue_publications: int = 0
    overdue_interpretations: int = 0
    overdue_entries: int = 0
    overdue_requests: int = 0

    @property
    def overdue(self) -> int:
        """Return everything overdue now."""
        return (
            self.overdue_publications
            + self.overdue_interpretations
            + self.overdue_entries
            + self.overdue_requests
        )

    @property
    def attribute_rate(self) -> Rate:
        """Return the drafts whose attribute was stated at the source, of those submitted."""
        return Rate(self.attribute_stated, self.drafts)

    def reason(self, code: str) -> int:
        """Return how many returns gave a reason."""
        return int(self.reasons.get(code, 0))

    def __add__(self, other: DepartmentFigures) -> DepartmentFigures:
        reasons = dict(self.reasons)
        for code, count in other.reasons.items():
            reasons[code] = reasons.get(code, 0) + count
        return DepartmentFigures(
            department=None,
            issued=self.issued + other.issued,
            drafts=self.drafts + other.drafts,
            attribute_stated=self.attribute_stated + other.attribute_stated,
            attribute_missing=self.attribute_missing + other.attribute_missing,
            returns=self.returns + other.returns,
            reasons=reasons,
            reviews=self.reviews + other.reviews,
            publishing=self.publishing + other.publishing,
            interpretation=self.interpretation + other.interpretation,
            replies=self.replies + other.replies,
            overdue_publications=self.overdue_publications + other.overdue_publications,
            overdue_interpretations=self.overdue_interpretations + other.overdue_interpretations,
            overdue_entries=self.overdue_entries + other.overdue_entries,
            overdue_requests=self.overdue_requests + other.overdue_requests,
        )


@dataclass(frozen=True)
class OversightReport:
    """The figures of a period, one row per department, and their total."""

    period: Period
    #: the China day "overdue now" is counted on
    today: str
    departments: tuple[DepartmentFigures, ...]
    total: DepartmentFigures
    #: the return reasons counted, in a fixed order (every known reason, then any other)
    reasons: tuple[str, ...]
    #: the department the reader is limited to (a department head); None: every one
    scope: str | None

    def department(self, name: str | None) -> DepartmentFigures:
        """Return the figures of a department (an empty row for one with none)."""
        for found in self.departments:
            if found.department == name:
                return found
        return DepartmentFigures(name)


def oversight(engine: WorkflowEngine, reader: str, chosen: Period) -> OversightReport:
    """Return the period's figures by department, as ``reader`` may read them.

    The office, auditors and admins read every department; a department head his own; anyone
    else is refused.
    """
    moment = engine.clock()
    now = iso(moment)
    today = moment.astimezone(CHINA).date()
    with engine.store.read() as repo:
        held = roles_of(repo, reader)
        scope: str | None = None
        if not held & READ_ALL:
            scope = repo.department(reader) if held & HEADS else None
            if scope is None:
                raise PermissionDeniedError("read.refused")
        figures = _Figures(repo.connection, chosen, now, today, scope)
        rows = figures.collect()
        known = (
            [scope]
            if scope is not None
            else list(
                repo.connection.execute(
                    select(_DEPARTMENTS.c.name).where(_DEPARTMENTS.c.active)
                ).scalars()
            )
        )
    for name in known:
        rows.setdefault(name, {})
    departments = tuple(
        _department(name, values)
        for name, values in sorted(rows.items(), key=lambda item: (item[0] is None, item[0] or ""))
        if scope is None or name == scope
    )
    total = sum(departments, DepartmentFigures(None))
    seen = {code for d in departments for code in d.reasons}
    reasons = (*RETURN_REASONS, *sorted(seen - set(RETURN_REASONS)))
    return OversightReport(chosen, today.isoformat(), departments, total, reasons, scope)


def _department(name: str | None, values: Mapping[str, Any]) -> DepartmentFigures:
    return DepartmentFigures(
        department=name,
        issued=int(values.get("issued", 0)),
        drafts=int(values.get("drafts", 0)),
        attribute_stated=int(values.get("attribute_stated", 0)),
        attribute_missing=int(values.get("drafts", 0)) - int(values.get("attribute_stated", 0)),
        returns=int(values.get("returns", 0)),
        reasons=dict(values.get("reasons", {})),
        reviews=int(values.get("reviews", 0)),
        publishing=Rate(int(values.get("publish_on_time", 0)), int(values.get("publish_due", 0))),
        interpretation=Rate(
            int(values.get("interpret_on_time", 0)), int(values.get("interpret_due", 0))
        ),
        replies=Rate(int(values.get("reply_on_time", 0)), int(values.get("reply_due", 0))),
        overdue_publications=int(values.get("overdue_publications", 0)),
        overdue_interpretations=int(values.get("overdue_interpretations", 0)),
        overdue_entries=int(values.get("overdue_entries", 0)),
        overdue_requests=int(values.get("overdue_requests", 0)),
    )


def _counted(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class _Figures:
    """The grouped queries of one report, run in one read transaction."""

    def __init__(
        self, connection: Connection, chosen: Period, now: str, today: date, scope: str | None
    ) -> None:
        self.connection = connection
        self.period = chosen
        self.now = now
        self.today = today.isoformat()
        self.scope = scope
        self.rows: dict[str | None, dict[str, Any]] = {}

    def collect(self) -> dict[str | None, dict[str, Any]]:
        """Run every query; return the figures by department."""
        self._documents()
        self._drafts()
        self._returns()
        self._reviews()
        self._requests()
        for name, count in overdue_entries(
            self.connection, date.fromisoformat(self.today), self.scope
        ).items():
            self._add(name, overdue_entries=count)
        return self.rows

    def _add(self, department: str | None, **values: Any) -> None:
        row = self.rows.setdefault(department, {})
        for key, value in values.items():
            if key == "reasons":
                reasons = row.setdefault("reasons", {})
                for code, count in value.items():
                    reasons[code] = reasons.get(code, 0) + int(count)
            else:
                row[key] = row.get(key, 0) + int(value or 0)

    def _run(self, query: Any, department: Any) -> Iterable[Any]:
        if self.scope is not None:
            query = query.where(department == self.scope)
        return self.connection.execute(query.group_by(department)).all()

    def _documents(self) -> None:
        """Count issued documents, publications and interpretations by the drafter's department."""
        d = _DOCUMENTS.c
        department = _USERS.c.department
        source = _DOCUMENTS.outerjoin(_USERS, _USERS.c.username == d.drafter)
        start, end = self.period.starts_at, self.period.ends_at
        publishable = and_(d.attribute == "proactive", d.status != _NOT_TO_PUBLISH)
        publish_in = publishable & (d.publish_due_at >= start) & (d.publish_due_at < end)
        publish_decided = publish_in & (d.published_at.is_not(None) | (d.publish_due_at < self.now))
        interpret_in = (
            (d.doc_type == "policy")
            & (d.interpretation_due_at >= start)
            & (d.interpretation_due_at < end)
        )
        interpret_decided = interpret_in & (
            d.interpretation_at.is_not(None) | (d.interpretation_due_at < self.now)
        )
        query = select(
            department,
            _counted((d.issued_at >= start) & (d.issued_at < end)).label("issued"),
            _counted(publish_decided).label("publish_due"),
            _counted(publish_decided & (d.published_at <= d.publish_due_at)).label(
                "publish_on_time"
            ),
            _counted(interpret_decided).label("interpret_due"),
            _counted(interpret_decided & (d.interpretation_at <= d.interpretation_due_at)).label(
                "interpret_on_time"
            ),
            _counted(publishable & d.published_at.is_(None) & (d.publish_due_at < self.now)).label(
                "overdue_publications"
            ),
            _counted(
                (d.doc_type == "policy")
                & d.interpretation_at.is_(None)
                & (d.interpretation_due_at < self.now)
            ).label("overdue_interpretations"),
        ).select_from(source)
        for row in self._run(query, department):
            self._add(row[0], **{k: v for k, v in row._mapping.items() if k != "department"})

    def _drafts(self) -> None:
        """Count the drafts submitted in the period, and those never returned for no attribute."""
        e, i = _EVENTS.c, _INSTANCES.c
        department = _USERS.c.department
        # the returns for a missing attribute, read from aliases: not correlated with the drafts
        returned, reason = self._reasons(
            _EVENTS.alias("returned"), _INSTANCES.alias("returned_instance"), _USERS.alias()
        )
        missing = returned.with_only_columns(returned.selected_columns[0]).where(
            reason == MISSING_ATTRIBUTE
        )
        query = (
            select(
                department,
                func.count(distinct(e.instance_id)).label("drafts"),
                func.count(
                    distinct(case((e.instance_id.not_in(missing), e.instance_id), else_=None))
                ).label("attribute_stated"),
            )
            .select_from(
                _EVENTS.join(_INSTANCES, i.id == e.instance_id).outerjoin(
                    _USERS, _USERS.c.username == i.started_by
                )
            )
            .where(
                e.type == "task_completed",
                e.at >= self.period.starts_at,
                e.at < self.period.ends_at,
                i.process_id == DOCUMENT_PROCESS,
                e.data["element_id"].as_string() == DRAFT_ELEMENT,
            )
        )
        for name, drafts, stated in self._run(query, department):
            self._add(name, drafts=drafts, attribute_stated=stated)

    def _returned(self, events: Any, instances: Any, users: Any) -> Any:
        """Return the automatic returns (退文) of drafts in the period: instance, department."""
        return (
            select(events.c.instance_id, users.c.department)
            .select_from(
                events.join(instances, instances.c.id == events.c.instance_id).outerjoin(
                    users, users.c.username == instances.c.started_by
                )
            )
            .where(
                events.c.type == "sent_back",
                events.c.at >= self.period.starts_at,
                events.c.at < self.period.ends_at,
                instances.c.process_id == DOCUMENT_PROCESS,
                events.c.data["automatic"].as_boolean() == true(),
            )
        )

    def _reasons(self, events: Any, instances: Any, users: Any) -> tuple[Any, Any]:
        """Return the returns joined with their reasons, one row per reason, and that column.

        The reasons are a JSON list in the event's data: a table-valued function lists them
        (``json_each`` on SQLite, ``json_array_elements_text`` on PostgreSQL).
        """
        query = self._returned(events, instances, users)
        if self.connection.dialect.name == "postgresql":
            listed = func.json_array_elements_text(events.c.data["reasons"]).table_valued(
                "value", name="reason"
            )
            # only an array has elements to list; anything else would be an error
            query = query.where(func.json_typeof(events.c.data["reasons"]) == "array")
        else:
            listed = func.json_each(events.c.data, "$.reasons").table_valued("value", name="reason")
        return query.join(listed, true()), listed.c.value

    def _returns(self) -> None:
        """Count the returns in the period, and how often each reason was given."""
        department = _USERS.c.department
        returned = self._returned(_EVENTS, _INSTANCES, _USERS)
        totals = returned.with_only_columns(department, func.count().label("returns"))
        for name, count in self._run(totals, department):
            self._add(name, returns=count)
        by_reason, reason = self._reasons(_EVENTS, _INSTANCES, _USERS)
        query = by_reason.with_only_columns(department, reason, func.count())
        if self.scope is not None:
            query = query.where(department == self.scope)
        for name, code, count in self.connection.execute(query.group_by(department, reason)):
            self._add(name, reasons={str(code): count})

    def _reviews(self) -> None:
        """Count the confidentiality reviews done in the period by department."""
        r, i = _REVIEWS.c, _INSTANCES.c
        department = func.coalesce(_REQUESTS.c.department, _USERS.c.department)
        query = (
            select(department, func.count())
            .select_from(
                _REVIEWS.join(_INSTANCES, i.id == r.instance_id)
                .outerjoin(_USERS, _USERS.c.username == i.started_by)
                .outerjoin(_REQUESTS, _REQUESTS.c.instance_id == r.instance_id)
            )
            .where(r.reviewed_at >= self.period.starts_at, r.reviewed_at < self.period.ends_at)
        )
        for name, count in self._run(query, department):
            self._add(name, reviews=count)

    def _requests(self) -> None:
        """Count the replies due in the period (on time: by the end of the due day), overdue now."""
        q = _REQUESTS.c
        department = q.department
        due_in = q.due_on.between(self.period.first.isoformat(), self.period.last.isoformat())
        owed = q.status.not_in(_GIVEN_UP)
        decided = (
            due_in
            & owed
            & (q.replied_at.is_not(None) | ((q.due_on < self.today) & q.paused.is_(None)))
        )
        end_of_due_day = q.due_on.concat(literal(_END_OF_CHINA_DAY))
        query = select(
            department,
            _counted(decided).label("reply_due"),
            _counted(decided & (q.replied_at < end_of_due_day)).label("reply_on_time"),
            _counted(
                q.status.not_in(_CLOSED)
                & q.replied_at.is_(None)
                & q.paused.is_(None)
                & (q.due_on < self.today)
            ).label("overdue_requests"),
        )
        for row in self._run(query, department):
            self._add(row[0], **{k: v for k, v in row._mapping.items() if k != "department"})


# -- exports -----------------------------------------------------------------------------------

#: the table's columns: key, Chinese and English heading
BASE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("issued", "印发公文", "Documents issued"),
    ("drafts", "报批公文", "Drafts submitted"),
    ("attribute_stated", "源头认定公开属性", "Attribute stated at the source"),
    ("attribute_missing", "缺公开属性被退文", "Returned for a missing attribute"),
    ("returns", "退文", "Returns"),
)
AFTER_REASONS: tuple[tuple[str, str, str], ...] = (
    ("reviews", "保密审查", "Confidentiality reviews"),
    ("publish_on_time", "按时发布", "Published on time"),
    ("publish_due", "应发布", "Due for publication"),
    ("publish_rate", "按时发布率", "On-time publication rate"),
    ("interpret_on_time", "按时解读", "Interpreted on time"),
    ("interpret_due", "应解读", "Due for interpretation"),
    ("interpret_rate", "按时解读率", "On-time interpretation rate"),
    ("reply_on_time", "按时答复", "Replied on time"),
    ("reply_due", "应答复", "Due for reply"),
    ("reply_rate", "按时答复率", "On-time reply rate"),
    ("overdue_publications", "逾期未发布", "Publications overdue"),
    ("overdue_interpretations", "逾期未解读", "Interpretations overdue"),
    ("overdue_entries", "目录事项逾期", "Catalogue entries overdue"),
    ("overdue_requests", "申请逾期未答复", "Requests overdue"),
    ("overdue", "当前逾期合计", "Overdue now, in all"),
)
#: how a department that none is known of is named
NO_DEPARTMENT = ("未指定处室", "No department")
TOTAL = ("合计", "Total")


def reason_label(code: str) -> tuple[str, str]:
    """Return a return reason in words (the code itself for one not known)."""
    return RETURN_REASONS.get(code, (code, code))


def columns(report: OversightReport) -> tuple[tuple[str, str, str], ...]:
    """Return the columns of the report's table: the base ones, a column per reason, the rest."""
    reasons = tuple(
        (f"reason:{code}", f"退文原因：{reason_label(code)[0]}", f"Return: {reason_label(code)[1]}")
        for code in report.reasons
    )
    return (*BASE_COLUMNS, *reasons, *AFTER_REASONS)


def value(figures: DepartmentFigures, key: str) -> int | float | None:
    """Return one cell: a count, or a rate in percent (None when nothing fell due)."""
    if key.startswith("reason:"):
        return figures.reason(key.split(":", 1)[1])
    rates = {
        "publish": figures.publishing,
        "interpret": figures.interpretation,
        "reply": figures.replies,
    }
    prefix, _, part = key.partition("_")
    if prefix in rates and part in ("on_time", "due", "rate"):
        rate = rates[prefix]
        return {"on_time": rate.on_time, "due": rate.due, "rate": rate.percent}[part]
    found = getattr(figures, key)
    return int(found)


def _rows(report: OversightReport) -> list[tuple[str, DepartmentFigures]]:
    rows = [(d.department or NO_DEPARTMENT[0], d) for d in report.departments]
    if report.scope is None:
        rows.append((TOTAL[0], report.total))
    return rows


#: what a spreadsheet reads as the start of a formula in a cell of text
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(text: str) -> str:
    """Return a name as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def to_csv(report: OversightReport) -> str:
    """Return the table as CSV (UTF-8 with a byte-order mark, which spreadsheets expect)."""
    out = StringIO()
    writer = csv.writer(out)
    heads = columns(report)
    writer.writerow([f"{report.period.label[0]} 政务公开督查（截至{report.today}）"])
    writer.writerow(["处室", *(zh for _, zh, _ in heads)])
    for name, figures in _rows(report):
        cells = []
        for key, _, _ in heads:
            shown = value(figures, key)
            cells.append("—" if shown is None else f"{shown}%" if key.endswith("_rate") else shown)
        writer.writerow([_csv_text(name), *cells])
    return "\ufeff" + out.getvalue()


def to_xlsx(report: OversightReport) -> bytes:
    """Return the table as an XLSX workbook, drawn like the annual report's tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = report.period.key
    heads = columns(report)
    last_column = 1 + len(heads)
    sheet.cell(1, 1, f"{report.period.label[0]} 政务公开督查（截至{report.today}）").font = Font(
        bold=True
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    sheet.cell(2, 1, "处室")
    for c, (_, zh, _en) in enumerate(heads):
        sheet.cell(2, 2 + c, zh)
    rows = _rows(report)
    for r, (name, figures) in enumerate(rows):
        # Text, whatever it starts with: a department named "=…" is no formula.
        sheet.cell(3 + r, 1, name).data_type = "s"
        for c, (key, _, _) in enumerate(heads):
            shown = value(figures, key)
            cell = sheet.cell(3 + r, 2 + c, "—" if shown is None else shown)
            if key.endswith("_rate") and shown is not None:
                cell.value = float(shown) / 100
                cell.number_format = "0.0%"
    frame(sheet, 2 + len(rows), last_column)
    sheet.column_dimensions["A"].width = 16
    out = BytesIO()
    book.save(out)
    return out.getvalue()


class OversightDesk:
    """The office's oversight figures (``engine.oversight``)."""

    def __init__(self, engine: WorkflowEngine) -> None:
        self._engine = engine

    def report(self, reader: str, chosen: Period) -> OversightReport:
        """Return a period's figures by department, as ``reader`` may read them."""
        return oversight(self._engine, reader, chosen)

    def today(self) -> date:
        """Return today's China day by the engine's clock (the default period's)."""
        return self._engine.clock().astimezone(CHINA).date()
