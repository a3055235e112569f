"""Steps of features/confidentiality_review.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select, update

from engine import (
    Engine,
    FormValidationError,
    NotReviewedError,
    PermissionDeniedError,
)
from engine.attachments import Upload
from engine.disclosure.models import Document, ReviewRecord
from engine.disclosure.publication import PublicationPreview
from engine.disclosure.review import TITLE_BREAK, content_hash
from engine.disclosure.views import DocumentView
from engine.store.models import Attachment

from .conftest import WORKFLOWS
from .helpers import (
    AUDITOR,
    attempt,
    beijing,
    document_of,
    task_of,
    waiting_task,
)
from .helpers import Story as BaseStory

# pytest-bdd asks for fixtures as steps run; naming ``engine`` here puts its
# database parameter in each scenario, so that every one runs on SQLite and PostgreSQL.
pytestmark = pytest.mark.usefixtures("engine")

scenarios("confidentiality_review.feature")

PROCESS = "document_approval"
REVIEW = "confidentiality_review_task"
REFERRAL = "record_referral_answer_task"
PUBLISH = "publish"

#: the review steps before issue, in order, with who approves each

#: the feature's words for the kinds of personal information -> the finder's kinds
KIND_WORDS = {
    "resident ID": "resident_id",
    "mobile number": "mobile",
    "bank card": "bank_card",
    "e-mail": "email",
}

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FORGED_PDF = PDF.replace(b"/Catalog", b"/Forged!")


# -- planted personal information ---------------------------------------------------

GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    """Return an 18-character resident ID with its GB 11643 check character."""
    assert len(first17) == 17 and first17.isdigit()
    total = sum(int(ch) * w for ch, w in zip(first17, GB11643_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def luhn_card(payload: str) -> str:
    """Return ``payload`` with the Luhn check digit appended (a valid bank card number)."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch) * (2 if i % 2 == 0 else 1)  # the check digit will sit to the right
        total += d - 9 if d > 9 else d
    return payload + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Person:
    """Someone named in a document, with the identifiers planted in its text."""

    name: str
    sex: str
    identifiers: dict[str, str]


PEOPLE = {
    "张三": Person(
        "张三",
        "男",
        {
            "name": "张三",  # a list's row: 张三，男，… (the finder's kind "name")
            "resident_id": resident_id("37010219800101123"),
            "mobile": "13912345678",
            "email": "zhangsan@example.com",
            "bank_card": luhn_card("622202123456789"),
        },
    ),
    "李梅": Person(
        "李梅",
        "女",
        {
            "name": "李梅",
            "resident_id": resident_id("37100219920315246"),
            "mobile": "15863101234",
            "email": "limei.wh@example.cn",
            "bank_card": luhn_card("621700001234567890"),
        },
    ),
}
# The feature quotes 张三's masked identifiers; make sure they are the ones planted here.
assert PEOPLE["张三"].identifiers["resident_id"] == "370102198001011237"
assert PEOPLE["张三"].identifiers["bank_card"] == "6222021234567894"


def body_of(title: str, person: Person) -> str:
    """Return a notice naming ``person`` with all his identifiers, as a drafter writes it."""
    ids = person.identifiers
    return (
        f"{title}\n各有关单位：\n经研究，现将有关事项通知如下。\n"
        f"{person.name}，{person.sex}，公民身份号码{ids['resident_id']}，"
        f"联系电话{ids['mobile']}，电子邮箱{ids['email']}，"
        f"奖励资金发放至其银行卡号{ids['bank_card']}。\n特此通知。"
    )


# -- the story ----------------------------------------------------------------------


@dataclass
class Story(BaseStory):
    """What the scenario's steps hand each other, with the people planted in the text."""

    person_of: dict[int, Person] = field(default_factory=dict)
    record_before: dict[str, Any] | None = None
    first_record: dict[str, Any] | None = None
    tampering: str | None = None


@pytest.fixture
def story() -> Story:
    return Story()


# -- helpers ----------------------------------------------------------------------


def review_item(engine: Engine, instance_id: int) -> dict[str, Any]:
    """Return the item a review task puts before the reviewer (as sun, a reviewer, sees it)."""
    task = waiting_task(engine, instance_id, REVIEW)
    return engine.queries.task_form(task.task_id, "sun").data["review_item"]


def public_entry(engine: Engine, instance_id: int) -> DocumentView:
    found = [d for d in engine.catalogue.public_documents() if d.instance_id == instance_id]
    assert found, f"instance {instance_id} is not in the public list"
    return found[0]


def records(engine: Engine, instance_id: int) -> list[dict[str, Any]]:
    """Return the review records of an instance as stored, oldest first."""
    table = ReviewRecord.__table__
    with engine.db.read_engine.connect() as conn:
        rows = conn.execute(
            select(table).where(table.c.instance_id == instance_id).order_by(table.c.id)
        ).all()
    return [dict(row._mapping) for row in rows]


def record_by_id(engine: Engine, record_id: int) -> dict[str, Any] | None:
    table = ReviewRecord.__table__
    with engine.db.read_engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.id == record_id)).first()
    return dict(row._mapping) if row is not None else None


def latest_record(engine: Engine, instance_id: int) -> dict[str, Any]:
    found = records(engine, instance_id)
    assert found, f"instance {instance_id} has no review record"
    return found[-1]


def draft(
    engine: Engine, story: Story, title: str, name: str, attachment: str | None = None
) -> None:
    """Start a document and submit zhang's draft naming ``name`` with his identifiers."""
    story.instance_id = engine.start(PROCESS, "zhang").id
    story.by_title[title] = story.instance_id
    story.person_of[story.instance_id] = PEOPLE[name]
    data = {
        "title": title,
        "doc_type": "general",
        "body": body_of(title, PEOPLE[name]),
        "attribute": "proactive",
    }
    files = {"attachment": Upload(attachment, PDF)} if attachment else None
    task = task_of(engine, story.instance_id, "draft", "zhang")
    engine.complete_task(task.task_id, "zhang", data, files=files)


def review_answers(
    engine: Engine, story: Story, instance_id: int, conclusion: str, marking: str
) -> dict[str, Any]:
    """Turn the feature's words for a reviewer's marking into the review form's answers.

    ``marking`` is a list of clauses such as ``, confirming every finding but the e-mail``,
    ``and hiding "张三"``, ``, on the basis "…"``, ``, exempt as disciplinary because "…"``.
    """
    item = review_item(engine, instance_id)
    data: dict[str, Any] = {"review_conclusion": conclusion}
    rest = marking

    def take(pattern: str) -> re.Match[str] | None:
        nonlocal rest
        found = re.search(pattern, rest)
        if found:
            rest = rest[: found.start()] + rest[found.end() :]
        return found

    if found := take(r"confirming every finding(?: but the (?P<but>[\w -]+?))?(?=,| and |$)"):
        dismissed = KIND_WORDS[found["but"]] if found["but"] else None
        data["confirmed_findings"] = [f["id"] for f in item["findings"] if f["kind"] != dismissed]
    elif take(r"confirming nothing"):
        data["confirmed_findings"] = []
    elif found := take(r'confirming the findings of "(?P<other>[^"]+)"'):
        other = review_item(engine, story.by_title[found["other"]])
        ids = [f["id"] for f in other["findings"]]
        assert ids, "the other document has no findings"
        assert not set(ids) & {f["id"] for f in item["findings"]}, "finding ids coincide"
        data["confirmed_findings"] = ids
    if found := take(r'hiding "(?P<passage>[^"]+)"'):
        data["manual_passages"] = found["passage"]
    if found := take(r'on the basis "(?P<basis>[^"]+)"'):
        data["review_basis"] = found["basis"]
    take(r"giving no basis")
    if found := take(r'exempt as (?P<exemption>\w+) because "(?P<reason>[^"]+)"'):
        data |= {"exemption": found["exemption"], "exemption_reason": found["reason"]}
    elif found := take(r"exempt as (?P<exemption>\w+) without a reason"):
        data["exemption"] = found["exemption"]
    if found := take(r'slipping in the review item of "(?P<other>[^"]+)"'):
        data["review_item"] = review_item(engine, story.by_title[found["other"]])
    assert not re.sub(r",|\band\b|\s", "", rest), f"unparsed words in the step: {rest!r}"
    return data


def disclosed_public_text(engine: Engine, story: Story) -> str:
    entry = public_entry(engine, story.instance_id)
    assert entry.disclosed_text, "the public entry has no text"
    return entry.disclosed_text


def planted(story: Story) -> Person:
    return story.person_of[story.instance_id]


# -- given ------------------------------------------------------------------------


@given("the document workflows are deployed")
def deployed(engine: Engine) -> None:
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))


@given(
    parsers.parse(
        'zhang has drafted a proactive document "{title}" with personal information of {name}'
    )
)
def drafted(engine: Engine, story: Story, title: str, name: str) -> None:
    draft(engine, story, title, name)


@given(
    parsers.parse(
        'zhang has drafted a proactive document "{title}" with personal information of {name} '
        'and the attachment "{filename}"'
    )
)
def drafted_with_attachment(
    engine: Engine, story: Story, title: str, name: str, filename: str
) -> None:
    draft(engine, story, title, name, filename)


# -- when: the review ------------------------------------------------------------------


REVIEW_STEP = parsers.re(
    r"(?P<user>\w+) (?P<verb>concludes|tries to conclude|has concluded) the review"
    r'(?: of "(?P<title>[^"]+)")? with "(?P<conclusion>\w+)"(?P<marking>.*)'
)


@given(REVIEW_STEP)
@when(REVIEW_STEP)
def conclude_review(
    engine: Engine,
    story: Story,
    user: str,
    verb: str,
    title: str | None,
    conclusion: str,
    marking: str,
) -> None:
    if title:
        story.instance_id = story.by_title[title]
    data = review_answers(engine, story, story.instance_id, conclusion, marking)
    task = waiting_task(engine, story.instance_id, REVIEW)
    if verb == "tries to conclude":
        attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, data))
        return
    engine.complete_task(task.task_id, user, data)
    story.first_record = latest_record(engine, story.instance_id)


REFERRAL_STEP = parsers.re(
    r"(?P<user>\w+) (?P<verb>records|tries to record) the secrecy administration's answer "
    r'"(?P<reference>[^"]+)": "(?P<conclusion>\w+)"'
    r'(?: on the basis "(?P<basis>[^"]+)"| giving no basis)'
)


@when(REFERRAL_STEP)
def record_answer(
    engine: Engine,
    story: Story,
    user: str,
    verb: str,
    reference: str,
    conclusion: str,
    basis: str | None,
) -> None:
    data = {"referral_reference": reference, "referral_conclusion": conclusion}
    if basis:
        data["referral_basis"] = basis
    task = task_of(engine, story.instance_id, REFERRAL, user)
    if verb == "tries to record":
        attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, data))
    else:
        engine.complete_task(task.task_id, user, data)


PUBLICATION = {"channel": "website", "url": "https://www.weihai.gov.cn/gk/1"}


@when(parsers.parse("{user:w} publishes the document"))
def publishes(engine: Engine, story: Story, user: str) -> None:
    engine.complete_task(
        task_of(engine, story.instance_id, PUBLISH, user).task_id, user, PUBLICATION
    )


@when(parsers.parse("{user:w} tries to publish the document"))
def tries_to_publish(engine: Engine, story: Story, user: str) -> None:
    task = task_of(engine, story.instance_id, PUBLISH, user)
    attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, PUBLICATION))


@when(parsers.parse("{user:w} sends the document back for a new review"))
def sends_back_for_review(engine: Engine, story: Story, user: str) -> None:
    task = task_of(engine, story.instance_id, PUBLISH, user)
    engine.complete_task(task.task_id, user, {"publish_action": "review_again"})


@then(
    parsers.parse(
        'the approval sheet lists the review records "{conclusions}", '
        "each covering the content as it was then"
    )
)
def records_each_cover_their_content(engine: Engine, story: Story, conclusions: str) -> None:
    reviews = engine.catalogue.approval_sheet(story.instance_id, AUDITOR).reviews
    assert [r.conclusion for r in reviews] == [c.strip() for c in conclusions.split(",")]
    first, second = reviews[0], reviews[-1]
    assert first.content_hash != second.content_hash  # the second saw the altered text
    assert first.follows_id is None and second.follows_id is None


# -- when: insiders at the database ---------------------------------------------------


@when("an insider alters the official text in the database")
def alter_text(engine: Engine, story: Story) -> None:
    story.tampering = "text"
    document = document_of(engine, story.instance_id)
    altered = document.official_text.replace("特此通知。", "另：名单以附件为准。\n特此通知。")
    assert altered != document.official_text
    table = Document.__table__
    with engine.db.write_engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == document.id).values(official_text=altered))


@when("an insider replaces the attachment's bytes in the database")
def replace_attachment(engine: Engine, story: Story) -> None:
    story.tampering = "attachment"
    (reference,) = document_of(engine, story.instance_id).attachments
    table = Attachment.__table__
    with engine.db.write_engine.begin() as conn:
        changed = conn.execute(
            update(table)
            .where(table.c.id == reference["id"])
            .values(
                content=FORGED_PDF,
                size=len(FORGED_PDF),
                sha256=hashlib.sha256(FORGED_PDF).hexdigest(),
            )
        ).rowcount
    assert changed == 1
    assert engine.queries.attachment(reference["id"], AUDITOR).content == FORGED_PDF


@when(parsers.parse('a later review record of the document withholds it on the basis "{basis}"'))
def later_withholding_record(engine: Engine, story: Story, basis: str) -> None:
    story.tampering = "later record"
    first = latest_record(engine, story.instance_id)
    values = {k: v for k, v in first.items() if k != "id"} | {
        "conclusion": "withhold",
        "basis": basis,
        "disclosed_text": None,
        "redactions": [],
        "reviewer": "qian",
        "follows_id": first["id"],
    }
    with engine.db.write_engine.begin() as conn:
        conn.execute(ReviewRecord.__table__.insert().values(**values))


def _replacing_insert(conn: sqlalchemy.Connection, record: dict[str, Any]) -> None:
    """Rewrite a record in place with an insert that replaces the row of the same id."""
    columns = list(record)
    listed = ", ".join(columns)
    chosen = ", ".join(
        {"conclusion": "'disclose'", "basis": "'补录'", "reviewer": "'zhou'"}.get(c, c)
        for c in columns
    )
    source = f"SELECT {chosen} FROM review_records WHERE id = {int(record['id'])}"
    if conn.dialect.name == "sqlite":
        statement = f"INSERT OR REPLACE INTO review_records ({listed}) {source}"
    else:
        statement = (
            f"INSERT INTO review_records ({listed}) {source} ON CONFLICT (id) DO UPDATE SET "
            "conclusion = excluded.conclusion, basis = excluded.basis, "
            "reviewer = excluded.reviewer"
        )
    conn.exec_driver_sql(statement)


#: an insider's SQL against a review record, by the feature's words
INSIDER_SQL: dict[str, Callable[[sqlalchemy.Connection, dict[str, Any]], Any]] = {
    'change the record\'s conclusion to "disclose"': lambda conn, record: conn.execute(
        update(ReviewRecord.__table__)
        .where(ReviewRecord.__table__.c.id == record["id"])
        .values(conclusion="disclose")
    ),
    "delete the record": lambda conn, record: conn.execute(
        ReviewRecord.__table__.delete().where(ReviewRecord.__table__.c.id == record["id"])
    ),
    "overwrite the record with a replacing insert": _replacing_insert,
    # PostgreSQL's TRUNCATE fires no row trigger; SQLite has no TRUNCATE, and its
    # whole-table DELETE goes through the DELETE trigger.
    "empty the table of review records": lambda conn, record: conn.exec_driver_sql(
        "TRUNCATE review_records CASCADE"
        if conn.dialect.name == "postgresql"
        else "DELETE FROM review_records"
    ),
}


@when(parsers.parse("an insider tries to {change} with SQL"))
def insider_sql(engine: Engine, story: Story, change: str) -> None:
    story.tampering = change
    story.record_before = latest_record(engine, story.instance_id)
    story.error = None
    try:
        with engine.db.write_engine.begin() as conn:
            INSIDER_SQL[change](conn, story.record_before)
    except sqlalchemy.exc.DBAPIError as exc:
        story.error = exc


# -- then: tasks and the catalogue ------------------------------------------------------


@then(parsers.parse("{user:w} has the confidentiality review of it"))
@then(parsers.parse("{user:w} still has the confidentiality review of it"))
def has_review(engine: Engine, story: Story, user: str) -> None:
    task_of(engine, story.instance_id, REVIEW, user)


@then(parsers.parse('{user:w} still has the confidentiality review of "{title}"'))
def still_has_review_of(engine: Engine, story: Story, user: str, title: str) -> None:
    task_of(engine, story.by_title[title], REVIEW, user)


@then(parsers.parse("{user:w} has the referral answer task of it"))
def has_referral(engine: Engine, story: Story, user: str) -> None:
    task_of(engine, story.instance_id, REFERRAL, user)


@then(parsers.parse("{user:w} has the publish task of it"))
@then(parsers.parse("{user:w} still has the publish task of it"))
def has_publish(engine: Engine, story: Story, user: str) -> None:
    task_of(engine, story.instance_id, PUBLISH, user)


@then("nobody has a publish task for it")
def nobody_publishes(engine: Engine, story: Story) -> None:
    waiting = [t.element_id for t in engine.queries.get_instance(story.instance_id).ready_tasks]
    assert PUBLISH not in waiting, waiting
    assert not [t for t in engine.queries.list_tasks("zhou") if t.instance_id == story.instance_id]


@then(parsers.parse('the catalogue still shows the document as "{status:w}"'))
def catalogue_status_kept(engine: Engine, story: Story, status: str) -> None:
    assert story.status_before == status
    assert document_of(engine, story.instance_id).status == status


@then(
    parsers.parse(
        'the catalogue shows "{first}" as "{first_status:w}" and "{second}" as "{second_status:w}"'
    )
)
def catalogue_statuses(
    engine: Engine, story: Story, first: str, first_status: str, second: str, second_status: str
) -> None:
    assert document_of(engine, story.by_title[first]).status == first_status
    assert document_of(engine, story.by_title[second]).status == second_status


# -- then: refusals --------------------------------------------------------------------


@then(parsers.parse("{user:w} is refused because he is not a secrecy reviewer"))
def not_a_reviewer(story: Story, user: str) -> None:
    assert story.actor == user
    assert isinstance(story.error, PermissionDeniedError), f"not refused: {story.error!r}"
    assert story.error.params.get("group") == "secrecy_reviewer", str(story.error)


#: why publishing should have been refused, by the insider's tampering
NOT_REFUSED = {
    "text": "an official text altered after its review was published",
    "later record": "a document whose newest review record withholds it was published",
    "attachment": (
        "BUG: an attachment whose bytes were replaced in the database after the review was "
        "published: engine/documents.py publish_document (and engine/review.py "
        "prepare_review) hash the sha256 copied into documents.attachments at issue "
        "(engine/documents.py issue_document), never the stored bytes in attachments.content, "
        "so review.clearance compares the reviewed hash with itself; the hash of the content "
        "about to go out should be computed from the attachment bytes at publication (and the "
        "review item should carry that hash), so that replaced bytes are refused"
    ),
}


@then("publishing is refused: no review allows exactly this content")
def publishing_refused(engine: Engine, story: Story) -> None:
    assert story.error is not None, NOT_REFUSED[story.tampering or "text"]
    assert isinstance(story.error, NotReviewedError), f"refused otherwise: {story.error!r}"
    assert story.error.code == "review.not_cleared"
    document = document_of(engine, story.instance_id)
    assert (document.published_at, document.review_record_id) == (None, None)


# -- then: the review record -------------------------------------------------------------


@then(
    parsers.parse(
        "the review record names {user:w}, {moment} Beijing time, "
        'the conclusion "{conclusion:w}" and the basis "{basis}"'
    )
)
def record_names(
    engine: Engine, story: Story, user: str, moment: str, conclusion: str, basis: str
) -> None:
    record = latest_record(engine, story.instance_id)
    assert (record["reviewer"], record["conclusion"], record["basis"]) == (user, conclusion, basis)
    assert datetime.fromisoformat(record["reviewed_at"]) == beijing(moment)
    (view,) = engine.catalogue.approval_sheet(story.instance_id, AUDITOR).reviews
    assert (view.id, view.reviewer, view.conclusion, view.basis) == (
        record["id"],
        user,
        conclusion,
        basis,
    )
    document = document_of(engine, story.instance_id)
    assert (document.reviewed_by, document.review_conclusion) == (user, conclusion)


@then("the review record holds the exact text and attachment reviewed, and their hash")
def record_content(engine: Engine, story: Story) -> None:
    record = latest_record(engine, story.instance_id)
    document = document_of(engine, story.instance_id)
    (reference,) = document.attachments
    pdf_hash = hashlib.sha256(PDF).hexdigest()
    assert reference["sha256"] == pdf_hash
    # The title is disclosed too, so it is reviewed with the text.
    assert record["content"]["text"] == document.title + TITLE_BREAK + document.official_text
    assert [a["sha256"] for a in record["content"]["attachments"]] == [pdf_hash]
    assert record["content"]["attachments"][0]["filename"] == reference["filename"]
    reviewed = document.title + TITLE_BREAK + document.official_text
    assert record["content_hash"] == content_hash(reviewed, [pdf_hash])
    assert (record["item_kind"], record["item_ref"]) == ("document", str(document.id))


@then(
    parsers.parse(
        "the review record keeps the redactions of the name, resident ID, mobile number, "
        'bank card, e-mail and the hand-marked "{passage}"'
    )
)
def record_redactions(engine: Engine, story: Story, passage: str) -> None:
    record = latest_record(engine, story.instance_id)
    text = record["content"]["text"]
    person = planted(story)
    hidden = sorted((text[r["start"] : r["end"]], r["source"]) for r in record["redactions"])
    wanted = [(value, kind) for kind, value in person.identifiers.items()]
    wanted += [(passage, "manual")] * text.count(passage)
    assert hidden == sorted(wanted)
    assert record["disclosed_text"] is not None
    for value in (*person.identifiers.values(), passage):
        assert value not in record["disclosed_text"]


@then("the database refuses it")
def database_refuses(engine: Engine, story: Story) -> None:
    dialect = engine.db.write_engine.dialect.name
    assert story.error is not None, (
        f"BUG: on {dialect} an insider rewrote review record {story.record_before['id']} with "
        f"an INSERT OR REPLACE (now {record_by_id(engine, story.record_before['id'])}): "
        "SQLite's REPLACE deletes the old row without firing DELETE triggers unless PRAGMA "
        "recursive_triggers is on, so the triggers of engine/store/migrations/versions/"
        "0003_review_records.py (review_records_no_update / _no_delete) never run; the "
        "record should be immutable (e.g. a BEFORE INSERT trigger refusing an existing id, or "
        "recursive_triggers=ON in engine/store/database.py _sqlite_engine)"
        if story.tampering == "overwrite the record with a replacing insert"
        else f"the insider could {story.tampering} on {dialect}"
    )
    assert "review records cannot be changed or deleted" in str(story.error), str(story.error)


@then("the review record is unchanged")
def record_unchanged(engine: Engine, story: Story) -> None:
    assert story.record_before is not None
    assert record_by_id(engine, story.record_before["id"]) == story.record_before


@then(parsers.parse('the review record of "{title}" covers its own text and nothing of "{other}"'))
def record_covers_own(engine: Engine, story: Story, title: str, other: str) -> None:
    own, theirs = story.by_title[title], story.by_title[other]
    (record,) = records(engine, own)
    document = document_of(engine, own)
    assert record["item_ref"] == str(document.id)
    # The title is disclosed too, so it is reviewed with the text.
    assert record["content"]["text"] == document.title + TITLE_BREAK + document.official_text
    assert other not in record["content"]["text"]
    for value in story.person_of[theirs].identifiers.values():
        assert value not in record["content"]["text"]
        assert value not in (record["disclosed_text"] or "")
    assert records(engine, theirs) == []
    assert document_of(engine, theirs).review_conclusion is None


@then(
    parsers.parse(
        'the review record keeps the exemption "{exemption:w}" with the reason "{reason}" '
        "and no redactions"
    )
)
def record_exemption(engine: Engine, story: Story, exemption: str, reason: str) -> None:
    record = latest_record(engine, story.instance_id)
    assert (record["conclusion"], record["exemption"], record["exemption_reason"]) == (
        "disclose",
        exemption,
        reason,
    )
    assert record["redactions"] == []
    assert record["disclosed_text"] == record["content"]["text"]


@then(
    parsers.parse(
        'the review record keeps the conclusion "{conclusion:w}", the basis "{basis}" '
        "and no disclosed text"
    )
)
def record_withholds(engine: Engine, story: Story, conclusion: str, basis: str) -> None:
    record = latest_record(engine, story.instance_id)
    assert (record["conclusion"], record["basis"], record["disclosed_text"]) == (
        conclusion,
        basis,
        None,
    )


@then("the review record keeps no redaction of the e-mail")
def no_email_redaction(engine: Engine, story: Story) -> None:
    record = latest_record(engine, story.instance_id)
    sources = sorted(r["source"] for r in record["redactions"])
    assert sources == ["bank_card", "mobile", "name", "resident_id"]


@then(
    parsers.parse(
        'the approval sheet lists the review records "{conclusions}", the second following the '
        'first with the reference "{reference}"'
    )
)
def sheet_lists_records(engine: Engine, story: Story, conclusions: str, reference: str) -> None:
    reviews = engine.catalogue.approval_sheet(story.instance_id, AUDITOR).reviews
    assert [r.conclusion for r in reviews] == [c.strip() for c in conclusions.split(",")]
    first, second = reviews
    assert first.id < second.id
    assert (first.follows_id, first.referral_reference) == (None, None)
    assert (second.follows_id, second.referral_reference) == (first.id, reference)
    assert first.content_hash == second.content_hash
    assert document_of(engine, story.instance_id).review_conclusion == second.conclusion


@then("the first review record is unchanged")
def first_record_unchanged(engine: Engine, story: Story) -> None:
    assert story.first_record is not None
    assert story.first_record["conclusion"] == "refer"
    assert record_by_id(engine, story.first_record["id"]) == story.first_record


# -- then: what the reviewer sees and what goes out ---------------------------------------


@then("sun has a separate confidentiality review of each document, showing only its own text")
def separate_reviews(engine: Engine, story: Story) -> None:
    mine = [t for t in engine.queries.list_tasks("sun") if t.element_id == REVIEW]
    assert sorted(t.instance_id for t in mine) == sorted(story.by_title.values())
    for instance_id in story.by_title.values():
        (task,) = [t for t in mine if t.instance_id == instance_id]
        item = engine.queries.task_form(task.task_id, "sun").data["review_item"]
        document = document_of(engine, instance_id)
        assert item["text"] == document.title + TITLE_BREAK + document.official_text
        assert item["ref"] == str(document.id)
        own = story.person_of[instance_id].identifiers
        assert sorted(f["text"] for f in item["findings"]) == sorted(own.values())
        for other_title, other_id in story.by_title.items():
            if other_id == instance_id:
                continue
            assert other_title not in item["text"]
            for value in story.person_of[other_id].identifiers.values():
                assert value not in item["text"]


@then(parsers.parse("sun's review shows the text with these findings of {name}'s identifiers"))
def findings_listed(engine: Engine, story: Story, name: str, datatable: list[list[str]]) -> None:
    _, *rows = datatable
    item = review_item(engine, story.instance_id)
    person = PEOPLE[name]
    document = document_of(engine, story.instance_id)
    assert item["text"] == document.title + TITLE_BREAK + document.official_text
    found = [(f["kind"], f["text"], f["masked"]) for f in item["findings"]]
    wanted = [(kind, person.identifiers[kind], masked) for kind, masked in rows]
    assert sorted(found) == sorted(wanted)
    for finding in item["findings"]:
        assert item["text"][finding["start"] : finding["end"]] == finding["text"]
        assert len(finding["masked"]) == len(finding["text"])


def masked_forms(text: str) -> list[str]:
    """Split "a, b and c" into the masked forms it lists."""
    return [m for m in re.split(r",\s*|\s+and\s+", text) if m]


@then(parsers.re(r"the public text shows (?P<forms>(?!none of )(?!\w+'s ).+)"))
def public_shows(engine: Engine, story: Story, forms: str) -> None:
    text = disclosed_public_text(engine, story)
    for masked in masked_forms(forms):
        assert masked in text, f"{masked} not in {text!r}"


@then(
    parsers.re(
        r"the public text shows none of (?P<name>\w+)'s identifiers"
        r"(?:, nor \"(?P<passage>[^\"]+)\")?"
    )
)
def public_hides(engine: Engine, story: Story, name: str, passage: str | None) -> None:
    text = disclosed_public_text(engine, story)
    for value in PEOPLE[name].identifiers.values():
        assert value not in text, f"{value} is disclosed: {text!r}"
    if passage:
        assert passage not in text, f"{passage} is disclosed: {text!r}"
        assert "*" * len(passage) in text


@then(parsers.parse("the public text shows {name}'s e-mail as it is"))
def public_keeps_email(engine: Engine, story: Story, name: str) -> None:
    assert PEOPLE[name].identifiers["email"] in disclosed_public_text(engine, story)


@then("the public text is the official text, nothing hidden")
def public_unredacted(engine: Engine, story: Story) -> None:
    entry = public_entry(engine, story.instance_id)
    assert entry.disclosed_text == entry.official_text
    for value in planted(story).identifiers.values():
        assert value in entry.disclosed_text


@then(
    parsers.parse(
        'the official text still holds every one of {name}\'s identifiers and "{passage}"'
    )
)
def official_keeps(engine: Engine, story: Story, name: str, passage: str) -> None:
    document = engine.catalogue.get_document(document_of(engine, story.instance_id).id, AUDITOR)
    for value in (*PEOPLE[name].identifiers.values(), passage):
        assert value in document.official_text
    assert document.disclosed_text != document.official_text
    assert document.review_record_id == latest_record(engine, story.instance_id)["id"]
    assert document.status == "published"


# -- then: steps that show engine bugs (see the assertion messages) -----------------------


@then(parsers.parse("no text showing {name}'s identifiers is cleared for publication"))
def nothing_cleared_with_identifiers(engine: Engine, story: Story, name: str) -> None:
    if isinstance(story.error, FormValidationError):
        return  # the answer was refused: nothing would be hidden
    assert story.error is None, f"refused otherwise: {story.error!r}"
    record = latest_record(engine, story.instance_id)
    assert record["conclusion"] == "disclose_redacted"
    shown = [v for v in PEOPLE[name].identifiers.values() if v in record["disclosed_text"]]
    assert not shown, (
        f"BUG: the secrecy administration's answer 'disclose_redacted' was recorded with "
        f"{len(record['redactions'])} redactions and clears a text that shows {shown}: "
        "engine/review.py record_referral_answer takes the redactions from the first "
        "review's confirmed_findings/manual_passages (none when the reviewer referred without "
        "marking anything), and engine/forms.py ReferralAnswerForm neither lets the answer "
        "name what to hide nor refuses 'disclose_redacted' with nothing to hide (as "
        "ConfidentialityReviewForm does with 'confirmed_findings'); the document is then "
        "published with the personal information under a de-identification record"
    )


@then(
    parsers.parse(
        'the public entry of the document shows "{passage}" nowhere, '
        "neither in its title nor in its text"
    )
)
def hidden_everywhere(engine: Engine, story: Story, passage: str) -> None:
    entry = public_entry(engine, story.instance_id)
    assert passage not in entry.disclosed_text, entry.disclosed_text
    assert passage not in entry.title, (
        f"BUG: the public list and page (webui/templates/public_list.html, document.html) show "
        f"the title {entry.title!r} with the name the reviewer hid: the review item "
        "(engine/review.py prepare_review) is only documents.official_text and the "
        "attachments, so the title, which is disclosed too, is never reviewed, never "
        "covered by the content hash that review.clearance checks, and never redacted; "
        "the title should be part of the reviewed and redacted content"
    )


# -- the publisher's preview ---------------------------------------------------------


@when(parsers.parse("{user:w} opens the publish task"), target_fixture="preview")
def open_publish_task(engine: Engine, story: Story, user: str) -> PublicationPreview:
    task = task_of(engine, story.instance_id, PUBLISH, user)
    return engine.publication.preview(task.task_id, user)


@then(parsers.re(r"the preview shows (?P<forms>(?!none of ).+)"))
def preview_shows(preview: PublicationPreview, forms: str) -> None:
    for masked in masked_forms(forms):
        assert preview.text is not None and masked in preview.text, (masked, preview.text)


@then(parsers.parse("the preview shows none of {name}'s identifiers"))
def preview_hides(preview: PublicationPreview, name: str) -> None:
    for value in PEOPLE[name].identifiers.values():
        assert value not in f"{preview.title}{preview.text}", value


@then(parsers.parse('the preview names the review "{conclusion}" by {reviewer}'))
def preview_review(preview: PublicationPreview, conclusion: str, reviewer: str) -> None:
    assert preview.review is not None
    assert (preview.review.conclusion, preview.review.reviewer_name) == (conclusion, reviewer)


@then("the preview says nothing is cleared to go out")
def preview_not_cleared(preview: PublicationPreview) -> None:
    assert (preview.review, preview.text) == (None, None)
