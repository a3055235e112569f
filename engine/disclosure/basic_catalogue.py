"""The basic catalogue of proactive disclosure (主动公开基本目录, seed 七(一)).

The office keeps the catalogue's entries (目录事项): by field (领域) and by the "five
disclosures" (五公开: 决策、执行、管理、服务、结果公开), each with its owner department
(责任处室), content (公开内容), time limit (公开时限) and manner (公开方式). Every change of
an entry is recorded (who, when, old → new), and every published proactive document is
filed under an entry (归入目录).

The time limit is kept in a form that can be computed, so that an entry whose time passes
without a publication shows as overdue for its department:

- ``working_days``: within N working days of the information being formed or changed
  (信息形成或变更之日起N个工作日内). The office records the day it was formed; the entry is
  due N working days after it (the day itself not counted) until a document published on
  or after that day is filed under it.
- ``yearly`` (每年M月D日前), ``quarterly`` (每季度结束后次月D日前), ``monthly`` (每月D日前): a
  recurring due day. A publication filed under the entry covers the outstanding due day
  when it was published after the due day before it; one published later than the
  outstanding due day covers every due day it comes after, and the next one stays open.

``next_due_on`` holds the result, recomputed on every change of the entry and on every
filing, so that "overdue" is ``next_due_on < today`` in SQL.
"""

from __future__ import annotations

import calendar as month_days
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import Connection, and_, func, or_, select

from ..access import is_id, roles_of
from ..clock import iso
from ..errors import (
    ConflictError,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from ..forms import REQUIRED, FormSchema, check_submission, choice, non_blank, optional_text
from ..store.models import Department, User, claim_submission, table_of
from ..store.repository import Repository
from .models import CatalogueChange, CatalogueEntry, CatalogueFiling, Document
from .official_days import WorkingDays
from .requests.forms import day_field
from .workdays import CHINA

if TYPE_CHECKING:
    from ..runtime import WorkflowEngine

#: the "five disclosures" (五公开), in the seed's order
CATEGORIES: dict[str, tuple[str, str]] = {
    "decision": ("决策公开", "Decision-making"),
    "execution": ("执行公开", "Implementation"),
    "management": ("管理公开", "Management"),
    "service": ("服务公开", "Services"),
    "result": ("结果公开", "Results"),
}
#: fields (领域) the office is offered; it may name any other
AREAS: tuple[str, ...] = (
    "财政预决算",
    "重大建设项目",
    "公共资源配置",
    "社会公益事业",
    "政策文件",
    "规划计划",
    "行政执法",
    "政务服务",
    "人事信息",
    "机构职能",
)
#: the manners of disclosure (公开方式)
MANNERS: dict[str, tuple[str, str]] = {
    "website": ("政府网站", "Government website"),
    "gazette": ("政府公报", "Government gazette"),
    "new_media": ("政务新媒体", "Government social media"),
    "bulletin_board": ("公开栏", "Notice board"),
    "press_conference": ("新闻发布会", "Press conference"),
    "media": ("报刊、广播、电视", "Newspapers, radio and television"),
    "service_hall": ("政务服务中心", "Government service centre"),
    "reading_room": ("政府信息查阅场所", "Public reading room"),
}
#: the kinds of time limit (公开时限)
LIMIT_KINDS: dict[str, tuple[str, str]] = {
    "working_days": (
        "信息形成或变更之日起若干个工作日内",
        "Within working days of the information being formed or changed",
    ),
    "yearly": ("每年固定日期前", "Every year by a date"),
    "quarterly": ("每季度结束后次月某日前", "After every quarter, by a day of the next month"),
    "monthly": ("每月某日前", "Every month by a day"),
}
WORKING_DAYS = "working_days"
#: the months a recurring kind falls due in
_DUE_MONTHS: dict[str, tuple[int, ...]] = {
    "quarterly": (1, 4, 7, 10),
    "monthly": tuple(range(1, 13)),
}
#: the statuses the list is filtered by
STATUSES: dict[str, tuple[str, str]] = {
    "active": ("在用", "In use"),
    "overdue": ("已逾期", "Overdue"),
    "retired": ("已停用", "Retired"),
}
#: what a change of an entry did
CHANGE_ACTIONS: dict[str, tuple[str, str]] = {
    "created": ("新增", "Added"),
    "edited": ("修改", "Changed"),
    "retired": ("停用", "Retired"),
    "restored": ("恢复使用", "Back in use"),
    "formed": ("登记信息形成或变更", "Information formed or changed"),
    "filed": ("归入文件", "Document filed"),
    "unfiled": ("文件移至其他事项", "Document moved to another entry"),
}
#: the fields a change names
CHANGE_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("事项名称", "Item"),
    "area": ("领域", "Field"),
    "category": ("“五公开”类别", "Five disclosures"),
    "department": ("责任处室", "Responsible department"),
    "content": ("公开内容", "What is disclosed"),
    "basis": ("公开依据", "Legal basis"),
    "limit": ("公开时限", "Time limit"),
    "manners": ("公开方式", "Manner of disclosure"),
    "formed_on": ("信息形成或变更日期", "Formed or changed on"),
    "document": ("文件", "Document"),
}
#: who keeps the catalogue: the disclosure office and admins
KEEPERS = frozenset({"office", "admin"})
#: who reads every entry (auditors read only)
READ_ALL = frozenset({"office", "admin", "auditor"})
#: who reads the entries of his own department
HEADS = frozenset({"dept_head"})
#: how many rows a page lists
PAGE = 50
#: the most entries offered in one choice of where to file a document
MAX_CHOICES = 2000

_ENTRIES = table_of(CatalogueEntry)
_CHANGES = table_of(CatalogueChange)
_FILINGS = table_of(CatalogueFiling)
_DOCUMENTS = table_of(Document)
_DEPARTMENTS = table_of(Department)
_USERS = table_of(User)
#: the months' English names (not the locale's: ``calendar.month_name`` follows LC_TIME)
MONTHS_EN = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# -- time limits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    """A time limit (公开时限) in computable form."""

    kind: str
    days: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def recurring(self) -> bool:
        """Tell whether the limit falls due on fixed days (not after the information is formed)."""
        return self.kind != WORKING_DAYS

    def label(self) -> tuple[str, str]:
        """Return the limit in words: Chinese and English."""
        if self.kind == WORKING_DAYS:
            return (
                f"信息形成或变更之日起{self.days}个工作日内",
                f"Within {self.days} working days of the information being formed or changed",
            )
        if self.kind == "yearly":
            return (
                f"每年{self.month}月{self.day}日前",
                f"Every year by {MONTHS_EN[self.month or 1]} {self.day}",
            )
        if self.kind == "quarterly":
            return (
                f"每季度结束后次月{self.day}日前",
                f"By day {self.day} of the month after every quarter",
            )
        return f"每月{self.day}日前", f"Every month by day {self.day}"

    def spec(self) -> str:
        """Return the limit as the change log records it (``yearly:3-31``)."""
        if self.kind == WORKING_DAYS:
            return f"{self.kind}:{self.days}"
        if self.kind == "yearly":
            return f"{self.kind}:{self.month}-{self.day}"
        return f"{self.kind}:{self.day}"

    @classmethod
    def from_spec(cls, spec: str) -> TimeLimit | None:
        """Return the limit a change log value records, or None for one it cannot read."""
        kind, _, numbers = spec.partition(":")
        try:
            if kind == WORKING_DAYS:
                return cls(kind, days=int(numbers))
            if kind == "yearly":
                month, _, day = numbers.partition("-")
                return cls(kind, month=int(month), day=int(day))
            if kind in _DUE_MONTHS:
                return cls(kind, day=int(numbers))
        except ValueError:
            return None
        return None

    def _months(self) -> tuple[int, ...]:
        return (self.month or 1,) if self.kind == "yearly" else _DUE_MONTHS[self.kind]

    def _due_in(self, year: int, month: int) -> date | None:
        if month not in self._months():
            return None
        last = month_days.monthrange(year, month)[1]
        return date(year, month, min(self.day or 1, last))

    def first_due_after(self, day: date) -> date:
        """Return the first due day strictly after ``day`` (a recurring limit)."""
        year, month = day.year, day.month
        for _ in range(26):
            due = self._due_in(year, month)
            if due is not None and due > day:
                return due
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise ValueError(f"no due day after {day} for {self.spec()}")

    def previous_due(self, due: date) -> date:
        """Return the due day before ``due`` (a recurring limit)."""
        year, month = due.year, due.month
        for _ in range(26):
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            found = self._due_in(year, month)
            if found is not None and found < due:
                return found
        raise ValueError(f"no due day before {due} for {self.spec()}")


def next_due(
    limit: TimeLimit,
    rule_since: date,
    formed_on: date | None,
    published: Iterable[date],
    working_days_after: Any,
) -> date | None:
    """Return the day the next publication of an entry is due, or None when none is due.

    ``published``: the China days the documents filed under the entry were published;
    ``working_days_after(day, n)``: the first n working days after a day (the calendar).
    """
    days = sorted(published)
    if not limit.recurring:
        if formed_on is None or any(p >= formed_on for p in days):
            return None
        counted = working_days_after(formed_on, limit.days or 0)
        return counted[-1] if counted else formed_on
    due = limit.first_due_after(rule_since)
    for day in days:
        if day > limit.previous_due(due):
            due = max(limit.first_due_after(due), limit.first_due_after(day - timedelta(days=1)))
    return due


def _time_limit(row: Any) -> TimeLimit:
    return TimeLimit(row.limit_kind, row.limit_days, row.limit_month, row.limit_day)


def value_label(field: str | None, value: str | None) -> tuple[str, str]:
    """Return a value the change log records in words (Chinese, English)."""
    if value is None or value == "":
        return "—", "—"
    if field == "category":
        return CATEGORIES.get(value, (value, value))
    if field == "limit":
        limit = TimeLimit.from_spec(value)
        return limit.label() if limit is not None else (value, value)
    if field == "manners":
        names = [MANNERS.get(code, (code, code)) for code in value.split(",") if code]
        return "、".join(n[0] for n in names), ", ".join(n[1] for n in names)
    return value, value


# -- the form ----------------------------------------------------------------------------------


class OptionalNumber(fields.Integer):
    """A whole number between two bounds that may be left empty (None)."""

    def __init__(self, low: int, high: int, **kwargs: Any) -> None:
        """Take whole numbers from ``low`` to ``high``."""
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value in ("", None):
            return None
        number = super()._deserialize(value, attr, data, **kwargs)
        if not self.low <= number <= self.high:
            raise ValidationError(Problem("form.range", {"min": self.low, "max": self.high}))
        return number


def _number(label: str, label_en: str, low: int, high: int) -> OptionalNumber:
    return OptionalNumber(
        low,
        high,
        load_default=None,
        allow_none=True,
        strict=False,
        error_messages={"invalid": Problem("form.whole_number")},
        metadata={"label": label, "label_en": label_en, "widget": "number"},
    )


#: which numbers each kind of time limit takes
_LIMIT_NUMBERS: dict[str, tuple[str, ...]] = {
    WORKING_DAYS: ("limit_days",),
    "yearly": ("limit_month", "limit_day"),
    "quarterly": ("limit_day",),
    "monthly": ("limit_day",),
}


class EntryForm(FormSchema):
    """A catalogue entry as the office fills it in."""

    name = non_blank("事项名称", "Item", 200)
    area = non_blank("领域", "Field", 64, suggestions=AREAS)
    category = choice("“五公开”类别", "Five disclosures", CATEGORIES)
    department = non_blank("责任处室", "Responsible department", 64)
    content = non_blank("公开内容", "What is disclosed", 2000, widget="textarea")
    basis = optional_text("公开依据", "Legal basis", 500, widget="textarea")
    limit_kind = choice("时限类型", "Kind of time limit", LIMIT_KINDS)
    limit_days = _number("工作日数", "Working days", 1, 365)
    limit_month = _number("月", "Month", 1, 12)
    limit_day = _number("日", "Day", 1, 31)
    manners = fields.List(
        fields.String(validate=validate.OneOf(list(MANNERS), error=Problem("form.not_a_choice"))),
        required=True,
        error_messages=REQUIRED,
        validate=validate.Length(min=1, error=Problem("catalogue.no_manner")),
        metadata={
            "label": "公开方式",
            "label_en": "Manner of disclosure",
            "choices": MANNERS,
            "widget": "checkboxes",
        },
    )

    @validates_schema(skip_on_field_errors=False)
    def _limit_is_complete(self, data: dict[str, Any], **_: Any) -> None:
        # Run beside the fields' own checks, so one post names every problem; a number
        # that did not read as one is missing from ``data`` and has its own message.
        wanted = _LIMIT_NUMBERS.get(data.get("limit_kind", ""), ())
        errors = {
            n: [Problem("catalogue.limit_needed")] for n in wanted if n in data and data[n] is None
        }
        if not errors and data.get("limit_kind") == "yearly" and all(n in data for n in wanted):
            try:
                # a year that is not a leap year: every year has the day
                date(2001, data["limit_month"], data["limit_day"])
            except ValueError:
                errors["limit_day"] = [Problem("catalogue.no_such_day")]
        if errors:
            raise ValidationError(errors)
        for name in ("limit_days", "limit_month", "limit_day"):
            if name not in wanted:
                data[name] = None
        if "manners" in data:
            data["manners"] = [m for m in MANNERS if m in data["manners"]]


class FormedForm(FormSchema):
    """The day an entry's information was formed or changed (信息形成或变更)."""

    formed_on = day_field("信息形成或变更日期", "Formed or changed on")


#: the forms' names among the engine's forms (they are not task forms)
FORM, FORMED_FORM = "catalogue_entry", "catalogue_formed"
_FORMS: dict[str, FormSchema] = {FORM: EntryForm(), FORMED_FORM: FormedForm()}
#: the fields an edit compares and records, in the form's order
_EDITED = ("name", "area", "category", "department", "content", "basis", "limit", "manners")


# -- views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    """A catalogue entry as the pages show it."""

    id: int
    name: str
    area: str
    category: str
    department: str
    content: str
    basis: str
    limit: TimeLimit
    manners: tuple[str, ...]
    active: bool
    formed_on: str | None
    next_due_on: str | None
    version: int
    updated_by: str
    updated_at: str
    filings: int
    overdue: bool

    @property
    def limit_label(self) -> tuple[str, str]:
        """Return the time limit in words (Chinese, English)."""
        return self.limit.label()

    def values(self) -> dict[str, Any]:
        """Return the entry as the edit form takes it."""
        return {
            "name": self.name,
            "area": self.area,
            "category": self.category,
            "department": self.department,
            "content": self.content,
            "basis": self.basis,
            "limit_kind": self.limit.kind,
            "limit_days": self.limit.days,
            "limit_month": self.limit.month,
            "limit_day": self.limit.day,
            "manners": list(self.manners),
        }


@dataclass(frozen=True)
class EntryPage:
    """A page of entries, and the entry the next page starts after (None on the last)."""

    items: tuple[EntryView, ...]
    next_after: int | None
    #: the department the reader is limited to (a department head), or None for all
    department: str | None
    may_manage: bool
    today: str


@dataclass(frozen=True)
class ChangeView:
    """One change of an entry."""

    id: int
    at: str
    actor: str
    actor_name: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class FilingView:
    """A document filed under an entry."""

    document_id: int
    number: str
    title: str
    published_at: str | None
    entry_id: int
    entry_name: str
    filed_by: str
    filed_by_name: str
    filed_at: str


@dataclass(frozen=True)
class EntryDetail:
    """An entry with a page of its changes (newest first) and of its filed documents."""

    entry: EntryView
    changes: tuple[ChangeView, ...]
    changes_before: int | None
    filings: tuple[FilingView, ...]
    filings_before: int | None
    may_manage: bool
    today: str


@dataclass(frozen=True)
class UnfiledDocument:
    """A published proactive document filed under no entry yet."""

    id: int
    number: str
    title: str
    published_at: str
    department: str | None


@dataclass(frozen=True)
class UnfiledPage:
    """A page of unfiled documents (newest published first) and where the next starts."""

    items: tuple[UnfiledDocument, ...]
    next_before: int | None
    may_manage: bool


@dataclass(frozen=True)
class EntryChoice:
    """An active entry a document may be filed under."""

    id: int
    area: str
    name: str
    department: str


@dataclass(frozen=True)
class DocumentFiling:
    """Where a document is filed, and whether the reader may file it (or move it)."""

    document_id: int
    filing: FilingView | None
    may_file: bool
    choices: tuple[EntryChoice, ...]


# -- the desk ----------------------------------------------------------------------------------


class BasicCatalogue:
    """The office's basic catalogue: entries, their change log, and filed documents."""

    def __init__(self, engine: WorkflowEngine, days: WorkingDays) -> None:
        self._engine = engine
        self._days = days

    # -- reading ---------------------------------------------------------------------------

    def _today(self) -> date:
        return self._engine.clock().astimezone(CHINA).date()

    def _scope(self, repo: Repository, reader: str) -> tuple[str | None, bool]:
        """Return the department a reader is limited to (None: all), and whether he manages."""
        held = roles_of(repo, reader)
        if held & READ_ALL:
            return None, bool(held & KEEPERS)
        if held & HEADS and (department := repo.department(reader)):
            return department, False
        raise PermissionDeniedError("read.refused")

    def entries(
        self,
        reader: str,
        *,
        department: str | None = None,
        category: str | None = None,
        area: str | None = None,
        status: str = "active",
        after: int | None = None,
        limit: int = PAGE,
    ) -> EntryPage:
        """Return a page of entries by field, then by id; filtered, paged by keyset in SQL.

        The office, admins and auditors read every entry; a department head his department's.
        ``status``: ``active``, ``overdue`` (active and past its due day) or ``retired``.
        """
        if status not in STATUSES:
            raise InvalidInputError("catalogue.bad_status", status=status)
        today = self._today()
        with self._engine.store.read() as repo:
            own, manages = self._scope(repo, reader)
            where: list[Any] = []
            if own is not None:
                where.append(_ENTRIES.c.department == own)
            elif department:
                where.append(_ENTRIES.c.department == department)
            if category:
                where.append(_ENTRIES.c.category == category)
            if area:
                where.append(_ENTRIES.c.area == area)
            where.append(~_ENTRIES.c.active if status == "retired" else _ENTRIES.c.active)
            if status == "overdue":
                where.append(_ENTRIES.c.next_due_on < today.isoformat())
            if after is not None and is_id(after):
                last = repo.connection.execute(
                    select(_ENTRIES.c.area).where(_ENTRIES.c.id == after)
                ).scalar()
                if last is not None:
                    where.append(
                        or_(
                            _ENTRIES.c.area > last,
                            and_(_ENTRIES.c.area == last, _ENTRIES.c.id > after),
                        )
                    )
            query = (
                _entry_query()
                .where(*where)
                .order_by(_ENTRIES.c.area, _ENTRIES.c.id)
                .limit(max(1, min(limit, PAGE)) + 1)
            )
            rows = repo.connection.execute(query).all()
        shown = rows[: max(1, min(limit, PAGE))]
        items = tuple(_entry_view(row, today) for row in shown)
        more = len(rows) > len(shown)
        return EntryPage(
            items=items,
            next_after=items[-1].id if more and items else None,
            department=own,
            may_manage=manages,
            today=today.isoformat(),
        )

    def areas(self, reader: str, chosen: str = "") -> list[str]:
        """Return the fields the entries a reader may see are in (for the filter).

        At most ``MAX_CHOICES`` of them, and ``chosen`` too when an entry is in it.
        """
        return self._values(reader, _ENTRIES.c.area, chosen)

    def departments(self, reader: str, chosen: str = "") -> list[str]:
        """Return the departments the entries a reader may see are under, retired ones too.

        At most ``MAX_CHOICES`` of them, and ``chosen`` too when an entry is under it: a
        retired department keeps its entries, and the oversight page links to them.
        """
        return self._values(reader, _ENTRIES.c.department, chosen)

    def _values(self, reader: str, column: Any, chosen: str) -> list[str]:
        """Return the values of an entries' column the reader may filter by, sorted."""
        with self._engine.store.read() as repo:
            own, _ = self._scope(repo, reader)
            scope = [] if own is None else [_ENTRIES.c.department == own]
            query = select(column).distinct().where(*scope).order_by(column)
            found = list(repo.connection.execute(query.limit(MAX_CHOICES)).scalars())
            # Past the cut, the chosen value is looked up alone: an address may name it.
            if chosen and chosen not in found and len(found) >= MAX_CHOICES:
                named = select(column).where(column == chosen, *scope).limit(1)
                found += repo.connection.execute(named).scalars()
        return sorted(found)

    def entry(
        self,
        reader: str,
        entry_id: int,
        *,
        changes_before: int | None = None,
        filings_before: int | None = None,
        limit: int = PAGE,
    ) -> EntryDetail:
        """Return an entry with a page of its change log and of the documents filed under it."""
        today = self._today()
        size = max(1, min(limit, PAGE))
        with self._engine.store.read() as repo:
            own, manages = self._scope(repo, reader)
            row = _get(repo.connection, entry_id)
            if own is not None and row.department != own:
                raise PermissionDeniedError("read.refused")
            names = self._engine.users.display_names(repo.connection)
            query = select(_CHANGES).where(_CHANGES.c.entry_id == entry_id)
            if changes_before is not None and is_id(changes_before):
                query = query.where(_CHANGES.c.id < changes_before)
            changes = repo.connection.execute(
                query.order_by(_CHANGES.c.id.desc()).limit(size + 1)
            ).all()
            filed = _filing_query().where(_FILINGS.c.entry_id == entry_id)
            if filings_before is not None and is_id(filings_before):
                filed = filed.where(_FILINGS.c.document_id < filings_before)
            filings = repo.connection.execute(
                filed.order_by(_FILINGS.c.document_id.desc()).limit(size + 1)
            ).all()
        change_views = tuple(
            ChangeView(
                id=c.id,
                at=c.at,
                actor=c.actor,
                actor_name=names.get(c.actor, c.actor),
                action=c.action,
                field=c.field,
                old_value=c.old_value,
                new_value=c.new_value,
            )
            for c in changes[:size]
        )
        filing_views = tuple(_filing_view(f, names) for f in filings[:size])
        return EntryDetail(
            entry=_entry_view(row, today),
            changes=change_views,
            changes_before=change_views[-1].id if len(changes) > size else None,
            filings=filing_views,
            filings_before=filing_views[-1].document_id if len(filings) > size else None,
            may_manage=manages,
            today=today.isoformat(),
        )

    def unfiled(self, reader: str, *, before: int | None = None, limit: int = PAGE) -> UnfiledPage:
        """Return a page of published proactive documents filed under no entry (the to-do).

        Newest published first, paged by keyset in SQL; for the office, admins and auditors.
        """
        size = max(1, min(limit, PAGE))
        with self._engine.store.read() as repo:
            own, manages = self._scope(repo, reader)
            if own is not None:
                raise PermissionDeniedError("read.refused")
            query = _unfiled_query()
            if before is not None and is_id(before):
                last = repo.connection.execute(
                    select(_DOCUMENTS.c.published_at).where(_DOCUMENTS.c.id == before)
                ).scalar()
                if last is not None:
                    query = query.where(
                        or_(
                            _DOCUMENTS.c.published_at < last,
                            and_(_DOCUMENTS.c.published_at == last, _DOCUMENTS.c.id < before),
                        )
                    )
            rows = repo.connection.execute(
                query.order_by(_DOCUMENTS.c.published_at.desc(), _DOCUMENTS.c.id.desc()).limit(
                    size + 1
                )
            ).all()
        items = tuple(UnfiledDocument(*row) for row in rows[:size])
        more = len(rows) > size
        return UnfiledPage(items, items[-1].id if more and items else None, manages)

    def unfiled_count(self, reader: str) -> int:
        """Return how many published proactive documents are filed under no entry."""
        with self._engine.store.read() as repo:
            own, _ = self._scope(repo, reader)
            if own is not None:
                raise PermissionDeniedError("read.refused")
            counted = select(func.count()).select_from(_unfiled_query().subquery())
            return int(repo.connection.execute(counted).scalar_one())

    def choices(self, reader: str) -> tuple[EntryChoice, ...]:
        """Return the active entries a document may be filed under, by field and name."""
        with self._engine.store.read() as repo:
            self._scope(repo, reader)
            return _choices(repo.connection)

    def document_filing(self, reader: str, document_id: int) -> DocumentFiling | None:
        """Return where a document is filed, for the office, admins and auditors; else None.

        ``may_file`` says whether the reader may file it: the office or an admin, for a
        published proactive document.
        """
        if not is_id(document_id):
            return None
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            if not held & READ_ALL:
                return None
            document = repo.connection.execute(
                select(_DOCUMENTS.c.attribute, _DOCUMENTS.c.published_at).where(
                    _DOCUMENTS.c.id == document_id
                )
            ).first()
            if document is None:
                return None
            names = self._engine.users.display_names(repo.connection)
            found = repo.connection.execute(
                _filing_query().where(_FILINGS.c.document_id == document_id)
            ).first()
            may_file = bool(held & KEEPERS) and _filable(document)
            choices = _choices(repo.connection) if may_file else ()
        filing = _filing_view(found, names) if found is not None else None
        return DocumentFiling(document_id, filing, may_file, choices)

    def may_manage(self, user: str) -> bool:
        """Tell whether a user keeps the catalogue (the office or an admin)."""
        with self._engine.store.read() as repo:
            return bool(roles_of(repo, user) & KEEPERS)

    # -- writing ---------------------------------------------------------------------------

    def _keeper(self, repo: Repository, user: str) -> None:
        if not roles_of(repo, user) & KEEPERS:
            raise PermissionDeniedError("read.refused")

    def _validated(self, repo: Repository, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return the form's values checked, the department among the open ones; or refuse."""
        errors: dict[str, list[Problem]] = {}
        clean: dict[str, Any] = {}
        try:
            clean = self._engine.forms.validate(FORM, dict(values), extra=_FORMS)
        except FormValidationError as exc:
            errors = dict(exc.errors)
        department = values.get("department")
        if "department" not in errors and isinstance(department, str) and department.strip():
            name = department.strip()
            known = repo.connection.execute(
                select(_DEPARTMENTS.c.id).where(_DEPARTMENTS.c.name == name, _DEPARTMENTS.c.active)
            ).first()
            if known is None:
                errors["department"] = [
                    Problem("catalogue.unknown_department", {"department": name})
                ]
        if errors:
            raise FormValidationError(errors)
        return clean

    def create(
        self, office_user: str, values: Mapping[str, Any], submission: str | None = None
    ) -> int:
        """Add an entry (office or admin); return its id. The change log records it.

        With ``submission``, the form's one-time key (``forms.new_submission``), the
        form sent again adds nothing and raises ``ConflictError`` (``form.already_sent``).
        """
        check_submission(submission)
        moment, now = self._engine.moment()
        today = moment.astimezone(CHINA).date()
        with self._engine.store.write() as repo:
            self._keeper(repo, office_user)
            clean = self._validated(repo, values)
            claim_submission(repo.connection, submission, now)
            limit = _limit_of(clean)
            row = {
                **{k: clean[k] for k in ("name", "area", "category", "department", "content")},
                "basis": clean["basis"],
                "limit_kind": limit.kind,
                "limit_days": limit.days,
                "limit_month": limit.month,
                "limit_day": limit.day,
                "manners": clean["manners"],
                "active": True,
                "formed_on": None,
                "rule_since": today.isoformat(),
                "next_due_on": _iso_day(limit.first_due_after(today)) if limit.recurring else None,
                "version": 1,
                "created_by": office_user,
                "created_at": now,
                "updated_by": office_user,
                "updated_at": now,
            }
            key = repo.connection.execute(_ENTRIES.insert().values(**row)).inserted_primary_key
            assert key is not None
            entry_id = int(key[0])
            _log(repo.connection, entry_id, now, office_user, "created", None, None, clean["name"])
            return entry_id

    def edit(
        self, office_user: str, entry_id: int, values: Mapping[str, Any], version: int
    ) -> bool:
        """Change an entry (office or admin); record each changed field, old → new.

        ``version`` is the entry's version the form was filled from: when someone changed it
        since, ``ConflictError``. Return whether anything changed. A changed time limit
        applies from today.
        """
        moment, now = self._engine.moment()
        today = moment.astimezone(CHINA).date()
        with self._engine.store.write() as repo:
            self._keeper(repo, office_user)
            row = _get(repo.connection, entry_id, lock=repo.row_locks)
            clean = self._validated(repo, values)
            if row.version != version:
                raise ConflictError("catalogue.entry_changed", entry=entry_id)
            old, new = _comparable(row), _comparable_values(clean)
            changed = [name for name in _EDITED if old[name] != new[name]]
            if not changed:
                return False
            limit = _limit_of(clean)
            update: dict[str, Any] = {
                "name": clean["name"],
                "area": clean["area"],
                "category": clean["category"],
                "department": clean["department"],
                "content": clean["content"],
                "basis": clean["basis"],
                "manners": clean["manners"],
                "version": row.version + 1,
                "updated_by": office_user,
                "updated_at": now,
            }
            if "limit" in changed:
                update |= {
                    "limit_kind": limit.kind,
                    "limit_days": limit.days,
                    "limit_month": limit.month,
                    "limit_day": limit.day,
                    "rule_since": today.isoformat(),
                }
                if limit.kind != row.limit_kind:
                    update["formed_on"] = None
            repo.connection.execute(
                _ENTRIES.update().where(_ENTRIES.c.id == entry_id).values(**update)
            )
            for name in changed:
                _log(
                    repo.connection,
                    entry_id,
                    now,
                    office_user,
                    "edited",
                    name,
                    old[name],
                    new[name],
                )
            self._recompute(repo.connection, entry_id)
            return True

    def retire(self, office_user: str, entry_id: int) -> None:
        """Take an entry out of use (停用; office or admin): nothing is filed under it any more."""
        self._set_active(office_user, entry_id, active=False)

    def restore(self, office_user: str, entry_id: int) -> None:
        """Put a retired entry back in use (office or admin)."""
        self._set_active(office_user, entry_id, active=True)

    def _set_active(self, office_user: str, entry_id: int, *, active: bool) -> None:
        _, now = self._engine.moment()
        with self._engine.store.write() as repo:
            self._keeper(repo, office_user)
            row = _get(repo.connection, entry_id, lock=repo.row_locks)
            if row.active == active:
                code = "catalogue.not_retired" if active else "catalogue.already_retired"
                raise ConflictError(code, entry=entry_id)
            repo.connection.execute(
                _ENTRIES.update()
                .where(_ENTRIES.c.id == entry_id)
                .values(
                    active=active,
                    version=row.version + 1,
                    updated_by=office_user,
                    updated_at=now,
                )
            )
            action = "restored" if active else "retired"
            _log(repo.connection, entry_id, now, office_user, action, None, None, None)

    def record_formed(self, office_user: str, entry_id: int, formed_on: str) -> None:
        """Record the day an entry's information was formed or changed (working-days limit).

        The entry is then due that many working days after it, until a document published
        on or after the day is filed under it. A day after today is refused on ``formed_on``.
        """
        moment, now = self._engine.moment()
        today = moment.astimezone(CHINA).date()
        with self._engine.store.write() as repo:
            self._keeper(repo, office_user)
            row = _get(repo.connection, entry_id, lock=repo.row_locks)
            clean = self._engine.forms.validate(FORMED_FORM, {"formed_on": formed_on}, extra=_FORMS)
            if row.limit_kind != WORKING_DAYS:
                raise InvalidInputError("catalogue.not_working_days", entry=entry_id)
            if not row.active:
                raise ConflictError("catalogue.already_retired", entry=entry_id)
            day = clean["formed_on"]
            if day > today.isoformat():
                raise FormValidationError({"formed_on": [Problem("catalogue.future_day")]})
            repo.connection.execute(
                _ENTRIES.update()
                .where(_ENTRIES.c.id == entry_id)
                .values(
                    formed_on=day,
                    version=row.version + 1,
                    updated_by=office_user,
                    updated_at=now,
                )
            )
            _log(
                repo.connection,
                entry_id,
                now,
                office_user,
                "formed",
                "formed_on",
                row.formed_on,
                day,
            )
            self._recompute(repo.connection, entry_id)

    def file(self, office_user: str, document_id: int, entry_id: int) -> None:
        """File a published proactive document under an active entry (office or admin).

        A document filed elsewhere moves (recorded on both entries); the entries' due days
        are recomputed. Filing it again under the same entry is a ``ConflictError``.
        """
        _, now = self._engine.moment()
        with self._engine.store.write() as repo:
            self._keeper(repo, office_user)
            query = select(
                _DOCUMENTS.c.number, _DOCUMENTS.c.attribute, _DOCUMENTS.c.published_at
            ).where(_DOCUMENTS.c.id == document_id)
            # Filed twice at once (under two entries): the second waits for the first and
            # moves it, instead of inserting a second filing the database refuses.
            document = (
                repo.connection.execute(
                    query.with_for_update() if repo.row_locks else query
                ).first()
                if is_id(document_id)
                else None
            )
            if document is None:
                raise NotFoundError("document.not_issued", document=document_id)
            if not _filable(document):
                raise InvalidInputError("catalogue.not_filable", document=document.number)
            row = _get(repo.connection, entry_id, lock=repo.row_locks)
            if not row.active:
                raise ConflictError("catalogue.already_retired", entry=entry_id)
            earlier = repo.connection.execute(
                select(_FILINGS.c.entry_id).where(_FILINGS.c.document_id == document_id)
            ).scalar()
            if earlier == entry_id:
                raise ConflictError(
                    "catalogue.already_filed", document=document.number, entry=row.name
                )
            values = {"entry_id": entry_id, "filed_by": office_user, "filed_at": now}
            if earlier is None:
                repo.connection.execute(_FILINGS.insert().values(document_id=document_id, **values))
            else:
                _get(repo.connection, earlier, lock=repo.row_locks)
                repo.connection.execute(
                    _FILINGS.update().where(_FILINGS.c.document_id == document_id).values(**values)
                )
                _log(
                    repo.connection,
                    earlier,
                    now,
                    office_user,
                    "unfiled",
                    "document",
                    document.number,
                    None,
                )
                self._recompute(repo.connection, earlier)
            _log(
                repo.connection,
                entry_id,
                now,
                office_user,
                "filed",
                "document",
                None,
                document.number,
            )
            self._recompute(repo.connection, entry_id)

    def _recompute(self, connection: Connection, entry_id: int) -> None:
        """Recompute the day an entry's next publication is due, from its filed documents."""
        row = _get(connection, entry_id)
        limit = _time_limit(row)
        rule_since = date.fromisoformat(row.rule_since)
        formed_on = date.fromisoformat(row.formed_on) if row.formed_on else None
        if limit.recurring:
            # only publications after the due day before the first one can count
            since = limit.previous_due(limit.first_due_after(rule_since))
        elif formed_on is not None:
            since = formed_on - timedelta(days=1)
        else:
            since = rule_since
        published = connection.execute(
            select(_DOCUMENTS.c.published_at)
            .join(_FILINGS, _FILINGS.c.document_id == _DOCUMENTS.c.id)
            .where(
                _FILINGS.c.entry_id == entry_id,
                _DOCUMENTS.c.published_at >= _day_start(since + timedelta(days=1)),
            )
        ).scalars()
        days = [_china_day(p) for p in published if p]
        calendar = self._days.calendar(connection)

        def working_days_after(day: date, n: int) -> list[date]:
            return calendar.working_days_after(day, n)[0]

        due = next_due(limit, rule_since, formed_on, days, working_days_after)
        connection.execute(
            _ENTRIES.update()
            .where(_ENTRIES.c.id == entry_id)
            .values(next_due_on=_iso_day(due) if due else None)
        )


# -- helpers -----------------------------------------------------------------------------------


def _iso_day(day: date) -> str:
    return day.isoformat()


def _day_start(day: date) -> str:
    """Return 00:00 China time of a day as the engine stores times (UTC)."""
    return iso(datetime.combine(day, time(0), tzinfo=CHINA))


def _china_day(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(CHINA).date()


def _filable(document: Any) -> bool:
    return bool(document.attribute == "proactive" and document.published_at)


def _limit_of(clean: Mapping[str, Any]) -> TimeLimit:
    return TimeLimit(
        clean["limit_kind"], clean["limit_days"], clean["limit_month"], clean["limit_day"]
    )


def _comparable(row: Any) -> dict[str, str]:
    """Return an entry's recorded fields as the change log writes them."""
    return {
        "name": row.name,
        "area": row.area,
        "category": row.category,
        "department": row.department,
        "content": row.content,
        "basis": row.basis or "",
        "limit": _time_limit(row).spec(),
        "manners": ",".join(row.manners or ()),
    }


def _comparable_values(clean: Mapping[str, Any]) -> dict[str, str]:
    return {
        **{k: clean[k] for k in ("name", "area", "category", "department", "content", "basis")},
        "limit": _limit_of(clean).spec(),
        "manners": ",".join(clean["manners"]),
    }


def _log(
    connection: Connection,
    entry_id: int,
    at: str,
    actor: str,
    action: str,
    field: str | None,
    old: str | None,
    new: str | None,
) -> None:
    connection.execute(
        _CHANGES.insert().values(
            entry_id=entry_id,
            at=at,
            actor=actor,
            action=action,
            field=field,
            old_value=old,
            new_value=new,
        )
    )


def _get(connection: Connection, entry_id: int, *, lock: bool = False) -> Any:
    if not is_id(entry_id):
        raise NotFoundError("catalogue.entry_not_found", entry=entry_id)
    query = select(_ENTRIES).where(_ENTRIES.c.id == entry_id)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    if row is None:
        raise NotFoundError("catalogue.entry_not_found", entry=entry_id)
    return row


def _entry_query() -> Any:
    filed = (
        select(func.count())
        .where(_FILINGS.c.entry_id == _ENTRIES.c.id)
        .correlate(_ENTRIES)
        .scalar_subquery()
    )
    return select(_ENTRIES, filed.label("filings"))


def _entry_view(row: Any, today: date) -> EntryView:
    filings = int(getattr(row, "filings", 0) or 0)
    return EntryView(
        id=row.id,
        name=row.name,
        area=row.area,
        category=row.category,
        department=row.department,
        content=row.content,
        basis=row.basis or "",
        limit=_time_limit(row),
        manners=tuple(row.manners or ()),
        active=bool(row.active),
        formed_on=row.formed_on,
        next_due_on=row.next_due_on,
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        filings=filings,
        overdue=bool(row.active and row.next_due_on and row.next_due_on < today.isoformat()),
    )


def _filing_query() -> Any:
    return select(
        _FILINGS.c.document_id,
        _DOCUMENTS.c.number,
        _DOCUMENTS.c.title,
        _DOCUMENTS.c.published_at,
        _FILINGS.c.entry_id,
        _ENTRIES.c.name.label("entry_name"),
        _FILINGS.c.filed_by,
        _FILINGS.c.filed_at,
    ).select_from(
        _FILINGS.join(_DOCUMENTS, _DOCUMENTS.c.id == _FILINGS.c.document_id).join(
            _ENTRIES, _ENTRIES.c.id == _FILINGS.c.entry_id
        )
    )


def _filing_view(row: Any, names: Mapping[str, str]) -> FilingView:
    return FilingView(
        document_id=row.document_id,
        number=row.number,
        title=row.title,
        published_at=row.published_at,
        entry_id=row.entry_id,
        entry_name=row.entry_name,
        filed_by=row.filed_by,
        filed_by_name=names.get(row.filed_by, row.filed_by),
        filed_at=row.filed_at,
    )


def _unfiled_query() -> Any:
    users = _USERS
    return (
        select(
            _DOCUMENTS.c.id,
            _DOCUMENTS.c.number,
            _DOCUMENTS.c.title,
            _DOCUMENTS.c.published_at,
            users.c.department,
        )
        .select_from(_DOCUMENTS.outerjoin(users, users.c.username == _DOCUMENTS.c.drafter))
        .where(
            _DOCUMENTS.c.attribute == "proactive",
            _DOCUMENTS.c.published_at.is_not(None),
            ~select(_FILINGS.c.document_id)
            .where(_FILINGS.c.document_id == _DOCUMENTS.c.id)
            .exists(),
        )
    )


def _choices(connection: Connection) -> tuple[EntryChoice, ...]:
    rows = connection.execute(
        select(_ENTRIES.c.id, _ENTRIES.c.area, _ENTRIES.c.name, _ENTRIES.c.department)
        .where(_ENTRIES.c.active)
        .order_by(_ENTRIES.c.area, _ENTRIES.c.name, _ENTRIES.c.id)
        .limit(MAX_CHOICES)
    ).all()
    return tuple(EntryChoice(*row) for row in rows)


def overdue_entries(
    connection: Connection, today: date, department: str | None
) -> dict[str | None, int]:
    """Return how many active entries are past their due day, by department (for oversight)."""
    query = (
        select(_ENTRIES.c.department, func.count())
        .where(_ENTRIES.c.active, _ENTRIES.c.next_due_on < today.isoformat())
        .group_by(_ENTRIES.c.department)
    )
    if department is not None:
        query = query.where(_ENTRIES.c.department == department)
    return {name: int(count) for name, count in connection.execute(query)}
