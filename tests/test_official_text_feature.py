"""Steps of features/official_text.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from pytest_bdd import given, parsers, scenarios, then, when

from engine import Engine, FormValidationError, NotFoundError, PermissionDeniedError
from engine.disclosure.documents import RETURN_REASONS, URGENCIES
from engine.disclosure.official import drafting_sheet, official_pdf

from .conftest import WORKFLOWS
from .helpers import AUDITOR, Story, attempt, document_of, review, task_of

pytestmark = pytest.mark.usefixtures("engine")

scenarios("official_text.feature")

PROCESS = "document_approval"
#: the draft form's fields by the labels the drafter sees
LABELS = {"紧急程度": "urgency", "主送机关": "main_recipients", "抄送机关": "copied_to"}
LABELS |= {"印发份数": "copies"}
URGENCY_KEYS = {labels[0]: key for key, labels in URGENCIES.items()}
BODY = "为做好有关工作，现将有关事项通知如下。"


class Downloaded:
    """What a scenario downloaded: the PDF's pages (width, height, text)."""

    def __init__(self, content: bytes) -> None:
        reader = PdfReader(io.BytesIO(content))
        self.pages = [
            (float(p.mediabox.width), float(p.mediabox.height), p.extract_text())
            for p in reader.pages
        ]

    def text(self) -> str:
        return "".join(text.replace("\n", "") for _, _, text in self.pages)


@pytest.fixture
def pdf() -> dict[str, Downloaded]:
    """The official text a scenario downloaded."""
    return {}


def draft_data(title: str, doc_type: str = "general", **extra: Any) -> dict[str, Any]:
    data = {"title": title, "doc_type": doc_type, "body": BODY, "attribute": "proactive"}
    return data | extra


def in_form(label: str, value: str) -> tuple[str, str]:
    """Return a field and value as the drafter's form sends them (urgency by its label)."""
    field = LABELS[label]
    return field, URGENCY_KEYS.get(value, value) if field == "urgency" else value


def submit(engine: Engine, story: Story, user: str, data: dict[str, Any]) -> None:
    task = task_of(engine, story.instance_id, "draft", user)
    engine.complete_task(task.task_id, user, data)


def drafted(engine: Engine, story: Story, data: dict[str, Any]) -> None:
    story.instance_id = engine.start(PROCESS, "zhang").id
    submit(engine, story, "zhang", data)
    story.by_title[data["title"]] = story.instance_id


# -- given ------------------------------------------------------------------------------------


@given("they are known as")
def known_as(engine: Engine, datatable: list[list[str]]) -> None:
    for username, display_name in datatable:
        engine.users.add(username, [], display_name)


@given(parsers.parse('the agency is "{name}"'))
def agency(engine: Engine, name: str) -> None:
    engine.users.add("admin", ["admin"])
    engine.agency.save("admin", {"name": name, "address": "山东省威海市环翠区统一路1号"})


@given("the document workflows are deployed")
def deployed(engine: Engine) -> None:
    engine.deploy([WORKFLOWS / "document_approval.bpmn", WORKFLOWS / "confidentiality_review.bpmn"])


@given(parsers.parse("{user:w} has started a document"))
def started(engine: Engine, story: Story, user: str) -> None:
    story.instance_id = engine.start(PROCESS, user).id


@given(parsers.parse('zhang has drafted a general document "{title}" with'))
def drafted_with(engine: Engine, story: Story, title: str, datatable: list[list[str]]) -> None:
    drafted(engine, story, draft_data(title, **dict(in_form(*row) for row in datatable)))


@given(
    parsers.parse(
        'zhang has drafted a policy document "{title}" with the interpretation plan "{plan}"'
    )
)
def drafted_policy(engine: Engine, story: Story, title: str, plan: str) -> None:
    drafted(engine, story, draft_data(title, "policy", interpretation_plan=plan))
    story.outcomes.append(plan)


@given(
    parsers.parse(
        'zhang has drafted a general document "{title}" of {count:d} paragraphs, '
        'copied to "{copied}"'
    )
)
def drafted_long(engine: Engine, story: Story, title: str, count: int, copied: str) -> None:
    body = "\n".join(f"{n}．{BODY * 3}" for n in range(1, count + 1))
    drafted(engine, story, draft_data(title, body=body, copied_to=copied))


@given(
    parsers.parse(
        'zhang has drafted a general document "{title}" whose body gives the mobile number '
        '{mobile}, copied to "{copied}"'
    )
)
def drafted_personal(engine: Engine, story: Story, title: str, mobile: str, copied: str) -> None:
    body = f"施工期间如有问题，请联系现场负责人王先生，电话{mobile}。"
    drafted(engine, story, draft_data(title, body=body, copied_to=copied))


# -- when -------------------------------------------------------------------------------------


@when("li approves it")
def li_approves(engine: Engine, story: Story) -> None:
    review(engine, story.instance_id, "dept_review")


@when(parsers.parse('zhang submits a general draft giving {label} as "{value}"'))
def submit_giving(engine: Engine, story: Story, label: str, value: str) -> None:
    field, sent = in_form(label, value)
    data = draft_data("关于做好有关工作的通知") | {field: sent}
    attempt(engine, story, "zhang", lambda: submit(engine, story, "zhang", data))


@when(parsers.parse('zhang submits the policy draft "{title}" without an interpretation plan'))
def submit_without_plan(engine: Engine, story: Story, title: str) -> None:
    submit(engine, story, "zhang", draft_data(title, "policy"))
    story.outcomes.append(title)


@when(parsers.parse('zhang submits it again with the interpretation plan "{plan}"'))
def submit_with_plan(engine: Engine, story: Story, plan: str) -> None:
    title = story.outcomes[-1]
    submit(engine, story, "zhang", draft_data(title, "policy", interpretation_plan=plan))


@when("zhang downloads the official text")
def zhang_downloads(engine: Engine, story: Story, pdf: dict[str, Downloaded]) -> None:
    document = document_of(engine, story.instance_id)
    pdf["it"] = Downloaded(official_pdf(engine, document.id, "zhang").content)


@when("sun clears it hiding the personal information and zhou publishes it")
def clear_and_publish(engine: Engine, story: Story) -> None:
    task = task_of(engine, story.instance_id, "confidentiality_review_task", "sun")
    findings = engine.queries.task_form(task.task_id, "sun").data["review_item"]["findings"]
    assert findings, "the finder found nothing to hide"
    conclusion = {
        "review_conclusion": "disclose_redacted",
        "confirmed_findings": [f["id"] for f in findings],
    }
    engine.complete_task(task.task_id, "sun", conclusion)
    task = task_of(engine, story.instance_id, "publish", "zhou")
    engine.complete_task(task.task_id, "zhou", {"channel": "website"})


# -- then -------------------------------------------------------------------------------------

#: the approval sheet's rows by their labels -> how the sheet's fields show them
SHEET_ROWS = {
    "拟稿单位": lambda f: f.drafting_unit,
    "拟稿人": lambda f: f.drafter,
    "核稿人": lambda f: f.checker,
    "主送": lambda f: f.main_recipients,
    "抄送": lambda f: f.copied_to,
    "印发份数": lambda f: str(f.copies),
    "紧急程度": lambda f: URGENCIES[f.urgency][0] if f.urgency else None,
}


@then("the approval sheet shows")
def sheet_shows(engine: Engine, story: Story, datatable: list[list[str]]) -> None:
    fields = drafting_sheet(engine, story.instance_id, "zhang").fields
    shown = {label: SHEET_ROWS[label](fields) for label, _ in datatable}
    assert shown == dict(datatable)


@then(parsers.parse('the draft is refused naming "{field}", and nothing changes'))
def refused(engine: Engine, story: Story, field: str) -> None:
    assert isinstance(story.error, FormValidationError), f"not refused: {story.error!r}"
    assert list(story.error.errors) == [field]
    assert engine.queries.get_instance(story.instance_id).version == story.version_before
    assert len(engine.queries.history(story.instance_id)) == story.history_before
    task_of(engine, story.instance_id, "draft", "zhang")


@then(parsers.parse('the draft comes back to zhang at once: "{reason}"'))
def comes_back(engine: Engine, story: Story, reason: str) -> None:
    task_of(engine, story.instance_id, "draft", "zhang")
    returned = [e for e in engine.queries.history(story.instance_id) if e.type == "sent_back"]
    assert returned and returned[-1].data["automatic"]
    assert [RETURN_REASONS[code][0] for code in returned[-1].data["reasons"]] == [reason]


@then("li has nothing to review")
def nothing_to_review(engine: Engine, story: Story) -> None:
    assert not [t for t in engine.queries.list_tasks("li") if t.instance_id == story.instance_id]


@then("li has the department review of it")
def li_reviews(engine: Engine, story: Story) -> None:
    task_of(engine, story.instance_id, "dept_review", "li")


@then("li, wang and zhao each read the interpretation plan on their task before approving")
def reviewers_read_the_plan(engine: Engine, story: Story) -> None:
    plan = story.outcomes[-1]
    for element, user in (("dept_review", "li"), ("office_review", "wang"), ("sign_off", "zhao")):
        task = task_of(engine, story.instance_id, element, user)
        assert engine.queries.task_form(task.task_id, user).data["interpretation_plan"] == plan
        review(engine, story.instance_id, element)


@then("the approval sheet shows the interpretation plan")
def sheet_shows_plan(engine: Engine, story: Story) -> None:
    fields = drafting_sheet(engine, story.instance_id, AUDITOR).fields
    assert fields.interpretation_plan == story.outcomes[-1]


@then("the issued document keeps the interpretation plan")
def document_keeps_plan(engine: Engine, story: Story) -> None:
    assert document_of(engine, story.instance_id).interpretation_plan == story.outcomes[-1]


@then("it is a PDF of A4 pages")
def a4(pdf: dict[str, Downloaded]) -> None:
    for width, height, _ in pdf["it"].pages:
        assert (round(width), round(height)) == (595, 842)


@then(parsers.parse('its first page opens with "{mark}" and the document\'s number'))
def opens_with(engine: Engine, story: Story, pdf: dict[str, Downloaded], mark: str) -> None:
    lines = [line.strip() for line in pdf["it"].pages[0][2].splitlines() if line.strip()]
    assert lines[:2] == [mark, document_of(engine, story.instance_id).number]


@then("it reads, in this order")
def reads_in_order(
    engine: Engine, story: Story, pdf: dict[str, Downloaded], datatable: list[list[str]]
) -> None:
    document = document_of(engine, story.instance_id)
    named = {"the title": document.title, "the body": BODY}
    text = pdf["it"].text()
    position = 0
    for (item,) in datatable:
        wanted = named.get(item, item)
        found = text.find(wanted, position)
        assert found >= 0, f"{wanted!r} not found after {text[max(0, position - 40) : position]!r}"
        position = found + len(wanted)


@then(parsers.parse('it has more than one page, each numbered "— n —" at its foot'))
def numbered(pdf: dict[str, Downloaded]) -> None:
    pages = pdf["it"].pages
    assert len(pages) > 1
    for number, (_, _, text) in enumerate(pages, 1):
        assert text.rstrip().endswith(f"— {number} —"), number


@then(parsers.parse('the imprint "{copied}" and "{printed}" is on the last page only'))
def imprint_last(pdf: dict[str, Downloaded], copied: str, printed: str) -> None:
    pages = pdf["it"].pages
    for number, (_, _, text) in enumerate(pages, 1):
        flat = text.replace("\n", "")
        last = number == len(pages)
        assert (copied in flat, printed in flat) == (last, last), number


@then("the public cannot download its official text")
def public_cannot(engine: Engine, story: Story) -> None:
    with pytest.raises(NotFoundError):
        official_pdf(engine, document_of(engine, story.instance_id).id, None)


@then("qian may not download its official text")
def qian_may_not(engine: Engine, story: Story) -> None:
    with pytest.raises(PermissionDeniedError):
        official_pdf(engine, document_of(engine, story.instance_id).id, "qian")


@then(
    parsers.parse(
        'the public downloads its official text with "{shown}", without "{hidden}" or "{inside}"'
    )
)
def public_downloads(engine: Engine, story: Story, shown: str, hidden: str, inside: str) -> None:
    found = official_pdf(engine, document_of(engine, story.instance_id).id, None)
    assert found.public
    text = Downloaded(found.content).text()
    assert shown in text and hidden not in text and inside not in text


@then(parsers.parse('zhang downloads the official text with "{one}" and "{other}"'))
def zhang_downloads_whole(engine: Engine, story: Story, one: str, other: str) -> None:
    found = official_pdf(engine, document_of(engine, story.instance_id).id, "zhang")
    assert not found.public
    text = Downloaded(found.content).text()
    assert one in text and other in text
