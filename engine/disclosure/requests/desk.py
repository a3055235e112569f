"""The request desk: what the public, the registrar and the handlers ask of requests.

``engine.requests`` is the one entry point.  A request's personal data is
read here, and only by those who need it: the registrars, and the handlers
of the department the request was given to.  The public side sees a
request by its tracking number and query code, never the applicant.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select

from ...access import holds, is_id, may_see, roles_of
from ...attachments import SCANS, Upload, content_type, problems
from ...clock import LOCAL_ZONE
from ...errors import (
    ConflictError,
    FormValidationError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from ...forms import FormSchema, check_submission
from ...store.models import Event, table_of
from ...throttle import Throttle, address_key, throttle_key
from ..catalogue import search_pieces
from ..letter import AgencyProfile, ReplyLetter
from ..models import DisclosureRequest, PublicAttempt
from ..official_days import WorkingDays
from ..roles import SECRECY_REVIEWER
from ..store import DisclosureStore, canonical_number
from ..workdays import CHINA, Countdown, WorkingCalendar
from .countdown import CLOSED_STATUSES, reply_countdown
from .fees import FEE_METHODS
from .forms import RegistrarEntryForm, RequestForm
from .handling import STATUSES, WAITING_STEPS, reply_letter
from .replies import reply_type
from .store import RequestStore

if TYPE_CHECKING:
    from ...runtime import WorkflowEngine
    from ...store.repository import Repository, WorkItemRow

PROCESS = "disclosure_request"
#: the prefix of the office's running numbers of requests (受理编号)
FILE_PREFIX = "依申请"
#: letters and digits nobody misreads (no 0/O, 1/I/L)
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_ATTEMPTS = table_of(PublicAttempt)
_EVENTS = table_of(Event)
#: the task whose approval signs a reply (签发答复), in workflows/disclosure_request.bpmn
SIGN_REPLY = "sign_reply"
#: the forms of a new request: the applicant's, and the registrar's entry of a paper one
_INTAKE_FORMS: dict[str, FormSchema] = {
    "request": RequestForm(),
    "request_entry": RegistrarEntryForm(),
}


@dataclass(frozen=True)
class PublicLimits:
    """How often the public pages may be used from one address, and codes tried."""

    requests_per_address: int = 10
    lookups_per_address: int = 20
    wrong_codes_per_number: int = 5
    window: timedelta = timedelta(minutes=15)
    #: the largest scan of an identity document
    id_scan_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class Receipt:
    """What the applicant is given on registration: the numbers to ask after it with."""

    tracking_number: str
    query_code: str
    file_number: str
    received_on: str
    due_on: str | None
    due_provisional: bool
    instance_id: int


@dataclass(frozen=True)
class PublicStatus:
    """Where a request stands, as its applicant may see it: no personal data."""

    tracking_number: str
    file_number: str
    status: str
    received_on: str
    due_on: str | None
    due_provisional: bool
    days_left: int | None
    paused: str | None
    letter: dict[str, Any] | None
    extension_days: int = 0
    extension_reason: str | None = None
    #: while it waits on the applicant: {"kind": "correction" or "fee", "text", "due_on"}
    notice: dict[str, Any] | None = None
    fee_yuan: int | None = None
    fee_method: str | None = None
    #: the working days left to reply or overdue, as the staff's pages say them
    countdown: Countdown | None = None


@dataclass(frozen=True)
class RequestView:
    """A request with its applicant, for the registrar and its handlers."""

    id: int
    instance_id: int | None
    tracking_number: str
    file_number: str
    channel: str
    received_on: str
    applicant_type: str
    organisation_kind: str | None
    applicant_name: str
    id_type: str
    id_number: str
    phone: str
    address: str
    email: str
    description: str
    document_hint: str
    purpose: str
    preferred_form: str
    delivery: str
    status: str
    department: str | None
    due_on: str | None
    due_provisional: bool
    paused: str | None
    fee_method: str | None
    fee_yuan: int | None
    reply_type: str | None
    reply_letter: dict[str, Any] | None
    replied_at: str | None
    id_scan_name: str | None = None
    earlier: tuple[dict[str, Any], ...] = ()
    #: the working days left to reply or overdue, today; None while no clock runs
    countdown: Countdown | None = None
    #: what it waits on besides its status (Chinese, English), as the list says it
    waiting: tuple[str, str] | None = None


@dataclass(frozen=True)
class RequestPage:
    """A page of requests; ``opens_applicant`` says whether the reader may open each one.

    Each item holds its ``countdown`` (``Countdown`` or None) and ``waiting`` (what it
    waits on besides its status, (Chinese, English) from ``WAITING_STEPS``, or None)
    besides its columns.
    """

    items: tuple[dict[str, Any], ...]
    next_before: int | None
    opens_applicant: bool


class RequestThrottledError(PermissionDeniedError):
    """Too many requests or wrong codes from one place; try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("request.throttled", minutes=max(1, -(-retry_after // 60)))


class AlreadyFiledError(ConflictError):
    """The form was sent before and filed a request then: nothing is filed again."""

    def __init__(self) -> None:
        super().__init__("request.already_filed")


class RequestDesk:
    """Submitting, looking up and reading disclosure requests."""

    def __init__(
        self, engine: WorkflowEngine, days: WorkingDays, limits: PublicLimits | None = None
    ) -> None:
        self._engine = engine
        self._days = days
        self.limits = limits or PublicLimits()
        self._throttle = Throttle(_ATTEMPTS, self.limits.window)

    # -- submitting -------------------------------------------------------------------

    def submit(
        self,
        form: Mapping[str, Any],
        *,
        address: str = "",
        registrar: str | None = None,
        id_scan: Upload | None = None,
        submission: str | None = None,
    ) -> Receipt:
        """Register a request from the public page, or one a registrar enters from paper.

        The request is received today on the public page; a registrar gives the
        day a letter or fax arrived.  Either way the instance starts at once,
        and the receipt holds the query code, which is kept only as a hash.
        With ``submission``, the form's one-time key (``forms.new_submission``),
        a form sent again files nothing and raises ``AlreadyFiledError``, also
        while the first sending is still being filed.
        """
        check_submission(submission)
        moment, now = self._engine.moment()
        today = moment.astimezone(CHINA).date()
        if registrar is not None:
            self.check_registrar(registrar)
        name = "request_entry" if registrar else "request"
        values = self._validated(name, form, id_scan)
        if registrar is None:
            values |= {"channel": "web", "received_on": today.isoformat()}
        elif date.fromisoformat(values["received_on"]) > today:
            raise FormValidationError({"received_on": [Problem("request.future_day")]})
        elif date.fromisoformat(values["received_on"]) < earliest_receipt(today):
            earliest = earliest_receipt(today).isoformat()
            problem = Problem("request.received_too_early", {"earliest": earliest})
            raise FormValidationError({"received_on": [problem]})
        key = address_key("submit", address)
        limits = {key: self.limits.requests_per_address}
        if registrar is None:
            with self._engine.store.write() as repo:
                retry = self._throttle.retry_after(repo.connection, limits, moment)
                if not retry:
                    self._throttle.fail(repo.connection, limits, now)
            if retry:
                raise RequestThrottledError(retry)
        code = _random(10)
        tracking = "GK" + _random(10)
        year = date.fromisoformat(values["received_on"]).year
        filed: dict[str, Any] = {}

        def insert(connection: Connection) -> dict[str, Any]:
            sequence = DisclosureStore(connection).next_sequence(FILE_PREFIX, year)
            file_number = f"{FILE_PREFIX}〔{year}〕{sequence}号"
            scan = (
                {
                    "id_scan": id_scan.content,
                    "id_scan_name": id_scan.filename[-255:],
                    "id_scan_type": content_type(id_scan, SCANS),
                }
                if id_scan is not None
                else {}
            )
            row = (
                values
                | scan
                | {
                    "tracking_number": tracking,
                    "file_number": file_number,
                    "query_code_hash": self._engine.users.hash_secret(code),
                    "received_by": registrar,
                    "status": "registered",
                    "created_at": now,
                    "submission": submission,
                }
            )
            request_id = RequestStore(connection).insert(row)
            if request_id is None:
                raise AlreadyFiledError()
            filed.update(file_number=file_number, request_id=request_id)
            return {
                "request_id": request_id,
                "file_number": file_number,
                "received_on": values["received_on"],
                "channel": values["channel"],
                "applicant_type": values["applicant_type"],
                "organisation_kind": values.get("organisation_kind") or "",
                "title": f"{file_number} {values['description'][:40]}",
            }

        started = self._engine.start_unattended(PROCESS, prepare=insert)
        clock = started.data.get("clock") or {}
        return Receipt(
            tracking,
            code,
            filed["file_number"],
            values["received_on"],
            clock.get("due_on"),
            bool(clock.get("provisional")),
            started.id,
        )

    def _validated(
        self, name: str, form: Mapping[str, Any], id_scan: Upload | None
    ) -> dict[str, Any]:
        """Validate a request and its scan together, so that one answer names every problem."""
        errors: dict[str, list[Problem]] = {}
        values: dict[str, Any] = {}
        try:
            values = self._engine.forms.validate(name, dict(form), extra=_INTAKE_FORMS)
        except FormValidationError as exc:
            errors = dict(exc.errors)
        if id_scan is not None:
            limit = min(self.limits.id_scan_bytes, self._engine.max_attachment_bytes)
            if found := problems(id_scan, limit, SCANS):
                errors["id_scan"] = found
        if errors:
            raise FormValidationError(errors)
        return values

    def id_scan(self, request_id: int, reader: str) -> tuple[str, str, bytes] | None:
        """Return the applicant's scan (name, content type, bytes): registrars and handlers only.

        The office head who signs the reply reads the request, not the scan.
        """
        view = self.get(request_id, reader)
        with self._engine.store.read() as repo:
            row = RequestStore(repo.connection).get(view.id)
            if row is not None and not _may_open_scan(repo, reader, roles_of(repo, reader), row):
                raise PermissionDeniedError("request.id_scan_restricted", user=reader)
        if row is None or row.id_scan is None:
            return None
        return row.id_scan_name, row.id_scan_type, bytes(row.id_scan)

    def check_registrar(self, username: str) -> None:
        """Raise ``PermissionDeniedError`` unless the user registers requests."""
        with self._engine.store.read() as repo:
            if "registrar" not in roles_of(repo, username):
                raise PermissionDeniedError("request.registrar_only", user=username)

    # -- the public status page ---------------------------------------------------------

    def status(self, tracking_number: str, query_code: str, address: str = "") -> PublicStatus:
        """Return where a request stands, for the right tracking number and query code.

        A wrong pair counts against the address and the number; too many, and
        every lookup waits, right or wrong, so that codes cannot be guessed.
        The answer is the same whether the number exists or not.
        """
        moment, now = self._engine.moment()
        number = str(tracking_number or "").strip().upper()[:40]
        limits = {
            address_key("lookup", address): self.limits.lookups_per_address,
            throttle_key("number", number): self.limits.wrong_codes_per_number,
        }
        # The code is checked outside any transaction, as a password is: on SQLite a
        # write transaction holds the one writer's lock for the whole hash.
        with self._engine.store.read() as repo:
            retry = self._throttle.retry_after(repo.connection, limits, moment, forget_old=False)
            row = None if retry else RequestStore(repo.connection).by_tracking_number(number)
        if retry:
            raise RequestThrottledError(retry)
        stored = row.query_code_hash if row is not None else None
        code = str(query_code or "").strip().upper()
        found = row if self._engine.users.secret_matches(stored, code) else None
        with self._engine.store.write() as repo:
            # Wrong codes counted meanwhile by other lookups count against this one too.
            retry = self._throttle.retry_after(repo.connection, limits, moment)
            if not retry and found is None:
                self._throttle.fail(repo.connection, limits, now)
            if not retry and found is not None:
                calendar = self._days.calendar(repo.connection)
        if retry:
            raise RequestThrottledError(retry)
        if found is None:
            raise NotFoundError("request.no_such_code")
        days_left = None
        today = moment.astimezone(LOCAL_ZONE).date()
        if found.due_on and found.status not in CLOSED_STATUSES and not found.paused:
            days_left = calendar.days_left(today, date.fromisoformat(found.due_on))
        return PublicStatus(
            found.tracking_number,
            found.file_number,
            found.status,
            found.received_on,
            found.due_on,
            bool(found.due_provisional),
            days_left,
            found.paused,
            found.reply_letter,
            int(found.extension_days or 0),
            found.extension_reason,
            found.notice if found.paused in ("correction", "fee") else None,
            found.fee_yuan,
            found.fee_method,
            _countdown(calendar, today, found),
        )

    # -- the staff's view -----------------------------------------------------------------

    def get(self, request_id: int, reader: str) -> RequestView:
        """Return a request with its applicant, for a registrar or a handler of it."""
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            store = RequestStore(repo.connection)
            row = store.get(request_id) if is_id(request_id) else None
            if row is None or not _may_read_request(repo, reader, held, row):
                raise self._engine.read_policy.refused(held, row is None)
            earlier = store.earlier_of_applicant(row.id_type, row.id_number, row.id)
            scans = _may_open_scan(repo, reader, held, row)
            calendar = self._days.calendar(repo.connection)
            steps = repo.work_items_of(row.instance_id) if row.instance_id is not None else []
        fields = {k: v for k, v in row._mapping.items() if k in RequestView.__dataclass_fields__}
        fields["countdown"] = _countdown(calendar, self._today(), row)
        fields["waiting"] = _waiting_on(steps)
        if not scans:
            fields["id_scan_name"] = None  # not offered to whom it would be refused
        wanted = set(search_pieces(row.description))
        marked = tuple(
            # 重复申请: an earlier request that shares words with this one is flagged similar.
            dict(r._mapping) | {"similar": len(wanted & set(search_pieces(r.description))) >= 2}
            for r in earlier
        )
        return RequestView(**fields, earlier=marked)

    def of_instance(self, instance_id: int, reader: str) -> RequestView | None:
        """Return the request an instance handles, if the reader may see its applicant."""
        with self._engine.store.read() as repo:
            store = RequestStore(repo.connection)
            row = store.by_instance(instance_id) if is_id(instance_id) else None
        if row is None:
            return None
        try:
            return self.get(row.id, reader)
        except (PermissionDeniedError, NotFoundError):
            return None

    # -- the list -----------------------------------------------------------------------

    def list_page(
        self,
        reader: str,
        status: str | None = None,
        before_id: int | None = None,
        limit: int = 50,
        number: str | None = None,
    ) -> RequestPage:
        """Return a page of requests, newest first, without any applicant's personal data.

        Registrars and those who read every instance see every request; a
        handler sees his department's.  ``number`` is the one the applicant
        quotes: his tracking number (GK…) or the agency's file number
        (依申请〔2026〕8号).  Filtered and paged in SQL.
        """
        limit = max(1, min(limit, 200))
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            table = DisclosureRequest.__table__
            where: list[Any] = [table.c.status == status] if status else []
            if number := "".join((number or "").split()):
                # Read over the telephone, a tracking number comes in any case and spacing.
                where.append(
                    or_(
                        table.c.tracking_number == number.upper(),
                        table.c.file_number == canonical_number(number),
                    )
                )
            opens_applicant = "registrar" in held
            if not (opens_applicant or self._engine.read_policy.reads_everything(held)):
                department = repo.department(reader)
                if "handler" not in held or department is None:
                    raise PermissionDeniedError("read.refused")
                where.append(table.c.department == department)
                opens_applicant = True
            before = before_id if is_id(before_id) else None
            rows = RequestStore(repo.connection).page(where, before, limit + 1)
            # 办理中 alone hid a request stuck on another's approval or signature: one read of
            # the page's open steps says which it waits on.
            steps = repo.work_items_of_instances(
                [r.instance_id for r in rows[:limit] if r.instance_id is not None]
            )
            # One read of the calendar counts the whole page (a few dozen rows a year).
            calendar = self._days.calendar(repo.connection)
        today = self._today()
        items = tuple(
            dict(r._mapping)
            | {
                "countdown": _countdown(calendar, today, r),
                "waiting": _waiting_on(steps.get(r.instance_id, ())),
            }
            for r in rows[:limit]
        )
        next_before = int(items[-1]["id"]) if len(rows) > limit else None
        return RequestPage(items, next_before, opens_applicant)

    def _today(self) -> date:
        """Return the agency's date now, by the engine's clock."""
        return self._engine.clock().astimezone(LOCAL_ZONE).date()

    # -- the reply letter ----------------------------------------------------------------

    def public_letter(
        self,
        tracking_number: str,
        query_code: str,
        address: str,
        agency: AgencyProfile,
        site: str = "",
    ) -> ReplyLetter | None:
        """Return the reply letter as the applicant reads it with his code (None before it).

        Checked and throttled like the status page; the letter there greets
        "申请人", not the name, since a code may be passed on.
        """
        found = self.status(tracking_number, query_code, address)
        with self._engine.store.read() as repo:
            row = RequestStore(repo.connection).by_tracking_number(found.tracking_number)
        return _letter(row, agency, "申请人", site) if row is not None else None

    def public_attachment(
        self, tracking_number: str, query_code: str, address: str, attachment_id: int
    ) -> tuple[str, str, bytes]:
        """Return a file the reply gave out (name, type, bytes), to whoever holds the code."""
        found = self.status(tracking_number, query_code, address)
        given = {a["id"] for a in (found.letter or {}).get("attachments") or ()}
        if attachment_id not in given:
            raise NotFoundError("request.no_such_attachment")
        with self._engine.store.read() as repo:
            row = RequestStore(repo.connection).attachment(attachment_id)
        if row is None:
            raise NotFoundError("request.no_such_attachment")
        return row.filename, row.content_type, bytes(row.content)

    def staff_letter(
        self, request_id: int, reader: str, agency: AgencyProfile, site: str = ""
    ) -> ReplyLetter | None:
        """Return the reply letter to print and send, for those who read the request.

        And for whoever signed it (签发): he is told to print and post it or
        hand it over, though the request is no longer his to read.
        """
        with self._engine.store.read() as repo:
            held = roles_of(repo, reader)
            row = RequestStore(repo.connection).get(request_id) if is_id(request_id) else None
            if row is None or not (
                _may_read_request(repo, reader, held, row) or _signed_reply(repo, reader, row)
            ):
                raise self._engine.read_policy.refused(held, row is None)
        return _letter(row, agency, row.applicant_name, site)

    def draft_letter(
        self, request_id: int, reader: str, agency: AgencyProfile, site: str = ""
    ) -> ReplyLetter | None:
        """Return the letter the drafted reply would make, before it is signed (None if none).

        The office head reads it before he signs; it is dated today and is
        not the letter sent.
        """
        view = self.get(request_id, reader)
        if view.reply_letter or view.status in CLOSED_STATUSES or view.instance_id is None:
            return None
        data = self._engine.queries.get_instance(view.instance_id).data
        if data.get("action") != "reply" or not data.get("reply_type"):
            return None
        moment = self._engine.clock()
        with self._engine.store.read() as repo:
            letter = reply_letter(
                repo.connection, data, moment.astimezone(CHINA).date(), reviewed=False
            )
            row = RequestStore(repo.connection).get(view.id)
        return _letter(row, agency, view.applicant_name, site, letter)

    def handling_departments(self) -> list[str]:
        """Return the departments a request may be given to: those with an active handler."""
        with self._engine.store.read() as repo:
            store = RequestStore(repo.connection)
            return [d for d in self._engine.users.departments() if store.has_handlers(d)]


def _letter(
    row: Any,
    agency: AgencyProfile,
    addressee: str,
    site: str = "",
    stored: dict[str, Any] | None = None,
) -> ReplyLetter | None:
    """Return the letter of a replied request, from what was signed (or ``stored``, a draft)."""
    stored = stored or row.reply_letter
    if not stored:
        return None
    fee_method = FEE_METHODS.get(stored.get("fee_method") or "", ("", ""))[0]
    named = document_sentence(stored.get("document"), site)
    body = f"{named}\n{stored['body']}" if named else stored["body"]
    return ReplyLetter(
        tracking_number=row.file_number,
        applicant_name=addressee,
        received_on=date.fromisoformat(row.received_on),
        request_summary=row.description,
        decision_zh=stored["decision"],
        basis=stored["basis"],
        body=body,
        fee_yuan=int(stored.get("fee_yuan") or 0),
        fee_method_zh=fee_method,
        attachments=tuple(a["filename"] for a in stored.get("attachments") or ()),
        signed_on=date.fromisoformat(stored["signed_on"]),
        agency=agency,
    )


def document_address(document: Mapping[str, Any] | None, site: str = "") -> str:
    """Return where the public reads a document the reply names ("" if it is not public)."""
    if not document or not document.get("published"):
        return ""
    # The document's own page on the public site; the address recorded at publication
    # (often the portal's) when the site is not known.
    if site:
        return f"{site.rstrip('/')}/{int(document['id'])}"
    return str(document.get("publication_url") or "")


def document_sentence(document: Mapping[str, Any] | None, site: str = "") -> str:
    """Return the letter's sentence naming the document a reply points to, or ""."""
    if not document:
        return ""
    named = f"《{document['title']}》（{document['number']}）"
    if not document.get("published"):
        return f"所涉政府信息为{named}。"
    address = document_address(document, site)
    where = f"，可在本机关政府信息公开网站查阅：{address}" if address else ""
    return f"该政府信息已由本机关主动公开，即{named}{where}。"


def _countdown(calendar: WorkingCalendar, today: date, row: Any) -> Countdown | None:
    """Count a stored request's reply deadline from today (None when no clock runs)."""
    return reply_countdown(
        calendar,
        today,
        row.due_on,
        status=row.status,
        paused=row.paused,
        provisional=bool(row.due_provisional),
    )


def _waiting_on(steps: Iterable[WorkItemRow]) -> tuple[str, str] | None:
    """Return the words of the first open step a request waits on besides its handling."""
    return next((WAITING_STEPS[s.element_id] for s in steps if s.element_id in WAITING_STEPS), None)


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _may_read_request(repo: Repository, reader: str, held: set[str], row: Any) -> bool:
    """Tell whether someone may read a request with who applied (need to know).

    Registrars, the handlers of the department it was given to, and whoever
    may take or holds one of its tasks now (the office head who signs the
    reply reads what he signs and to whom) but the confidentiality reviewer,
    who reviews what the reply gives out, not who asked for it.
    """
    department = repo.department(reader)
    if "registrar" in held:
        return True
    if "handler" in held and department is not None and department == row.department:
        return True
    if row.instance_id is None:
        return False
    return any(
        holds(held, item, reader)
        and may_see(reader, item, department)
        and item.role != SECRECY_REVIEWER
        for item in repo.work_items_of(int(row.instance_id))
    )


def _signed_reply(repo: Repository, reader: str, row: Any) -> bool:
    """Tell whether ``reader`` signed the request's reply (签发答复, approved)."""
    if row.instance_id is None or not row.reply_letter:
        return False
    completed = repo.connection.execute(
        select(_EVENTS.c.data).where(
            _EVENTS.c.instance_id == int(row.instance_id),
            _EVENTS.c.type == "task_completed",
            _EVENTS.c.actor == reader,
        )
    )
    return any(
        data.get("element_id") == SIGN_REPLY
        and (data.get("data") or {}).get("decision") == "approve"
        for (data,) in completed
    )


def _may_open_scan(repo: Repository, reader: str, held: set[str], row: Any) -> bool:
    """Tell whether someone may open the applicant's identity scan: registrars and handlers."""
    if "registrar" in held:
        return True
    return (
        "handler" in held
        and row.department is not None
        and (repo.department(reader) == row.department)
    )


def earliest_receipt(today: date) -> date:
    """Return the earliest receipt day a registrar may enter: 1 January of the previous year.

    An older letter found now would be overdue long ago, and the working-day
    calendar need not hold the years before.
    """
    return date(today.year - 1, 1, 1)


def status_label(status: str) -> tuple[str, str]:
    """Return a request status's names in Chinese and English."""
    return STATUSES.get(status, (status, status))


def reply_label(key: str | None) -> tuple[str, str] | None:
    """Return a reply type's names, or None."""
    if not key:
        return None
    chosen = reply_type(key)
    return chosen.zh, chosen.en
