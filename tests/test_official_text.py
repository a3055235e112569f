"""The official text (正式文本) as PDF in the layout of GB/T 9704-2012, and the drafting fields.

The PDF is read back with pypdf: its pages' size and each page's text. The
drafting fields (发文稿纸) and the interpretation plan (解读方案) go from the draft
form through the approval chain to the issued document, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import io
import re
import threading
import time
from datetime import date
from typing import Any

import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config
from flask import Flask
from pypdf import PdfReader

from engine import (
    Database,
    Engine,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.disclosure import official
from engine.disclosure.letter import MadePDFs
from engine.disclosure.official import (
    CHARACTERS,
    OfficialText,
    attachment_lines,
    copied_line,
    drafting_sheet,
    official_pdf,
    paragraphs,
    printed_on,
    recipients_line,
    render_official_pdf,
    split_note,
)
from engine.store import schema
from webui import get_engine

from .conftest import WORKFLOWS
from .helpers import AUDITOR, approve_until, document_of, review, task_of
from .web import Browser

A4 = (595.28, 841.89)
AGENCY = {
    "name": "威海市人民政府办公室",
    "address": "山东省威海市环翠区统一路1号",
    "postcode": "264200",
    "phone": "0631-5233000",
    "reconsideration_body": "威海市人民政府",
    "court": "威海市环翠区人民法院",
}
PARAGRAPH = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步做好政务公开工作，"
    "推动政务公开标准化规范化建设，现将有关事项通知如下。"
)
TEXT = OfficialText(
    authority="威海市人民政府办公室",
    number="威政办发〔2026〕12号",
    title="威海市人民政府办公室关于印发2026年政务公开工作要点的通知",
    body=f"　　{PARAGRAPH}\n\n一、加强政策解读。\n",
    signed_on=date(2026, 12, 1),
    note="（此件公开发布）",
    main_recipients="各区市人民政府，市政府各部门",
    attachments=("2026年政务公开工作要点",),
    copied_to="市委各部门，市人大常委会办公室，市政协办公室",
    urgency="特急",
)


def pages_of(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each page's width and height in points and its text, line by line."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (float(p.mediabox.width), float(p.mediabox.height), p.extract_text()) for p in reader.pages
    ]


def flat(text: str) -> str:
    return text.replace("\n", "")


# -- the PDF --------------------------------------------------------------------------------


def test_the_official_text_is_an_a4_pdf_in_the_national_layout() -> None:
    pages = pages_of(render_official_pdf(TEXT))
    assert len(pages) == 2  # the header takes half the first page
    for width, height, _ in pages:
        assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)
    lines = [line.strip() for line in pages[0][2].splitlines() if line.strip()]
    # the header: urgency, the agency's mark, the number; then the title and recipients
    assert lines[:3] == ["特急", "威海市人民政府办公室文件", "威政办发〔2026〕12号"]
    assert "— 1 —" in pages[0][2] and "12月1日印发" not in pages[0][2]
    body = "".join(flat(text) for _, _, text in pages)
    order = [
        "威海市人民政府办公室关于印发2026年政务公开工作要点的通知",
        "各区市人民政府，市政府各部门：",
        PARAGRAPH,
        "一、加强政策解读。",
        "附件：2026年政务公开工作要点",
        "威海市人民政府办公室2026年12月1日",
        "（此件公开发布）",
        "抄送：市委各部门，市人大常委会办公室，市政协办公室。",
        "2026年12月1日印发",
        "— 2 —",
    ]
    positions = [body.replace(" ", "").find(part.replace(" ", "")) for part in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))


def test_the_body_keeps_the_grid_of_28_characters_a_line() -> None:
    long = OfficialText(
        authority="威海市人民政府办公室",
        number="威政办发〔2026〕13号",
        title="关于测试的通知",
        body="测" * 100,
        signed_on=date(2026, 12, 1),
    )
    lines = [line.strip() for line in pages_of(render_official_pdf(long))[0][2].splitlines()]
    runs = [line for line in lines if set(line) == {"测"}]
    # the first line is indented two characters; the others fill the line
    assert [len(run) for run in runs] == [CHARACTERS - 2, CHARACTERS, CHARACTERS, 18]


def test_a_long_body_flows_onto_more_pages_and_the_imprint_ends_the_last() -> None:
    long = OfficialText(
        authority="威海市人民政府办公室",
        number="威政办发〔2026〕14号",
        title="关于加强政务公开工作的意见",
        body="\n".join(f"第{n}条 {PARAGRAPH}" for n in range(1, 31)),
        signed_on=date(2026, 12, 1),
        note="（此件依申请公开）",
        copied_to="市委办公室。",
    )
    pages = pages_of(render_official_pdf(long))
    assert len(pages) >= 4
    for number, (width, height, text) in enumerate(pages, 1):
        assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)
        assert f"— {number} —" in text, number
        assert ("2026年12月1日印发" in text) == (number == len(pages)), number
        assert ("抄送：市委办公室。" in flat(text)) == (number == len(pages)), number
    every = "".join(flat(text) for _, _, text in pages)
    for n in range(1, 31):
        assert f"第{n}条" in every
    assert every.index("第30条") < every.index("（此件依申请公开）") < every.index("印发")


def test_the_layout_helpers_write_what_the_standard_asks() -> None:
    assert recipients_line("各区市人民政府，市政府各部门。") == "各区市人民政府，市政府各部门："
    assert recipients_line("  ") == ""
    assert copied_line("抄送：市委办公室，市人大常委会办公室，") == (
        "抄送：市委办公室，市人大常委会办公室。"
    )
    assert copied_line("") == ""
    assert printed_on(date(2026, 1, 5)) == "2026年1月5日印发"
    assert attachment_lines(("要点",)) == ["附件：要点"]
    assert attachment_lines(("要点", "分工表")) == ["附件：1．要点", "2．分工表"]
    assert paragraphs("　　第一段。\n\n  第二段。\n") == ["第一段。", "第二段。"]
    assert split_note("正文。\n\n（此件公开发布）", "proactive") == ("正文。", "（此件公开发布）")
    assert split_note("正文。", "withheld") == ("正文。", "（此件不予公开）")


# -- through the approval chain ----------------------------------------------------------------

DRAFT: dict[str, Any] = {
    "title": "关于支持小微企业发展的若干措施",
    "doc_type": "policy",
    "body": "各有关单位：\n为支持小微企业发展，经研究，制定以下措施。如有问题请联系13912345678。",
    "attribute": "proactive",
    "attribute_reason": "涉及公众切身利益，应当主动公开。",
    "urgency": "urgent",
    "main_recipients": "各区市人民政府，市政府各部门",
    "copied_to": "市委办公室，市人大常委会办公室",
    "copies": "30",
    "interpretation_plan": "起草处室撰写图文解读，随文件同步在政府网站发布；\n由分管负责同志解读。",
}


@pytest.fixture
def office(engine: Engine) -> Engine:
    """The engine with the document workflows, the agency profile and a department's people."""
    engine.deploy([WORKFLOWS / "document_approval.bpmn", WORKFLOWS / "confidentiality_review.bpmn"])
    engine.users.add("zhang", ["drafter"], "张三", department="综合处")
    engine.users.add("li", ["dept_head"], "李四", department="综合处")
    engine.users.add("wang", ["office"], "王五")
    engine.users.add("zhao", ["leader"], "赵六")
    engine.users.add("sun", ["secrecy_reviewer"], "孙七")
    engine.users.add("zhou", ["publisher"], "周八")
    engine.users.add("outsider", ["drafter"], "局外人")
    engine.users.add("admin", ["admin"], "管理员")
    engine.agency.save("admin", AGENCY)
    return engine


def draft(engine: Engine, data: dict[str, Any]) -> int:
    instance_id = engine.start("document_approval", "zhang").id
    task = task_of(engine, instance_id, "draft", "zhang")
    engine.complete_task(task.task_id, "zhang", data)
    return instance_id


def publish_redacted(engine: Engine, instance_id: int) -> None:
    """Clear the document after hiding every finding, and publish it."""
    task = task_of(engine, instance_id, "confidentiality_review_task", "sun")
    findings = engine.queries.task_form(task.task_id, "sun").data["review_item"]["findings"]
    engine.complete_task(
        task.task_id,
        "sun",
        {
            "review_conclusion": "disclose_redacted",
            "confirmed_findings": [f["id"] for f in findings],
        },
    )
    task = task_of(engine, instance_id, "publish", "zhou")
    engine.complete_task(task.task_id, "zhou", {"channel": "website"})


def test_the_drafting_fields_and_the_plan_go_with_the_document(office: Engine) -> None:
    engine = office
    instance_id = draft(engine, DRAFT)
    for element, user in (("dept_review", "li"), ("office_review", "wang"), ("sign_off", "zhao")):
        task = task_of(engine, instance_id, element, user)
        shown = engine.queries.task_form(task.task_id, user).data
        assert shown["interpretation_plan"] == DRAFT["interpretation_plan"], element
        assert shown["main_recipients"] == DRAFT["main_recipients"], element
        review(engine, instance_id, element)
    document = document_of(engine, instance_id)
    assert (document.urgency, document.copies, document.drafting_unit) == ("urgent", 30, "综合处")
    assert document.main_recipients == DRAFT["main_recipients"]
    assert document.copied_to == DRAFT["copied_to"]
    assert document.interpretation_plan == DRAFT["interpretation_plan"]
    assert document.issuing_authority == "威海市人民政府办公室"

    found = drafting_sheet(engine, instance_id, "li")
    fields = found.fields
    assert (fields.drafting_unit, fields.drafter, fields.checker) == ("综合处", "张三", "李四")
    assert (fields.urgency, fields.copies) == ("urgent", 30)
    assert fields.interpretation_plan == DRAFT["interpretation_plan"]

    # the issued document keeps what it was issued with, though the drafter moves on
    engine.users.add("zhang", ["drafter"], department="法规处")
    assert drafting_sheet(engine, instance_id, AUDITOR).fields.drafting_unit == "综合处"

    pdf = official_pdf(engine, document.id, "zhang")
    assert not pdf.public and pdf.filename == f"{document.number}.pdf"
    text = flat(pages_of(pdf.content)[-1][2])
    for part in (
        "威海市人民政府办公室文件",
        document.number,
        "关于支持小微企业发展的若干措施",
        "13912345678",
        "（此件公开发布）",
        "抄送：市委办公室，市人大常委会办公室。",
        "加急",
    ):
        assert part in "".join(flat(p[2]) for p in pages_of(pdf.content)), part
    assert "印发" in text


def test_an_ordinary_document_marks_no_urgency(office: Engine) -> None:
    instance_id = draft(office, {**DRAFT, "urgency": "ordinary"})
    approve_until(office, instance_id)
    document = document_of(office, instance_id)
    assert document.urgency == "ordinary"  # the sheet says 平急; the text marks only 特急、加急
    first = pages_of(official_pdf(office, document.id, "zhang").content)[0][2]
    assert first.splitlines()[0].strip() == "威海市人民政府办公室文件"
    assert "平急" not in first


def test_a_draft_not_yet_issued_shows_the_drafters_department(office: Engine) -> None:
    instance_id = draft(office, {**DRAFT, "copies": "", "urgency": ""})
    fields = drafting_sheet(office, instance_id, "zhang").fields
    assert (fields.drafting_unit, fields.drafter, fields.checker) == ("综合处", "张三", None)
    assert (fields.copies, fields.urgency) == (None, None)


def test_a_policy_draft_without_its_plan_is_returned(office: Engine) -> None:
    engine = office
    instance_id = draft(engine, {**DRAFT, "interpretation_plan": "  "})
    (task,) = engine.queries.get_instance(instance_id).ready_tasks
    assert task.element_id == "draft"
    returned = [e for e in engine.queries.history(instance_id) if e.type == "sent_back"]
    assert returned[-1].data["reasons"] == ["policy_without_interpretation_plan"]
    assert returned[-1].data["automatic"]
    # a general document needs none
    other = draft(engine, {**DRAFT, "doc_type": "general", "interpretation_plan": ""})
    assert [t.element_id for t in engine.queries.get_instance(other).ready_tasks] == ["dept_review"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("copies", "-3", "document.copies"),
        ("copies", "0", "document.copies"),
        ("copies", "2.5", "document.copies"),
        ("copies", "十份", "document.copies"),
        ("copies", "1000000", "document.copies"),
        ("urgency", "immediately", "document.urgency"),
        ("main_recipients", "各区市人民政府\n市政府各部门", "text.control_character"),
    ],
)
def test_bad_drafting_fields_are_refused_naming_the_field(
    office: Engine, field: str, value: str, code: str
) -> None:
    engine = office
    instance_id = engine.start("document_approval", "zhang").id
    task = task_of(engine, instance_id, "draft", "zhang")
    before = engine.queries.get_instance(instance_id).version
    with pytest.raises(FormValidationError) as refused:
        engine.complete_task(task.task_id, "zhang", {**DRAFT, field: value})
    assert list(refused.value.errors) == [field]
    assert [p.code for p in refused.value.errors[field]] == [code]
    assert engine.queries.get_instance(instance_id).version == before


def test_who_downloads_which_version(office: Engine) -> None:
    engine = office
    instance_id = draft(engine, DRAFT)
    approve_until(engine, instance_id)
    document = document_of(engine, instance_id)
    with pytest.raises(NotFoundError):
        official_pdf(engine, document.id, None)  # not yet published
    with pytest.raises(PermissionDeniedError):
        official_pdf(engine, document.id, "outsider")
    with pytest.raises(NotFoundError):
        official_pdf(engine, 999_999, None)

    publish_redacted(engine, instance_id)
    public = official_pdf(engine, document.id, None)
    assert public.public
    for reader_pdf in (public, official_pdf(engine, document.id, "outsider")):
        text = "".join(flat(p[2]) for p in pages_of(reader_pdf.content))
        assert "13912345678" not in text and "139****5678" in text
        assert "关于支持小微企业发展的若干措施" in text and "（此件公开发布）" in text
        # the drafting fields were not reviewed: they stay inside
        assert "市委办公室" not in text and "各区市人民政府" not in text and "加急" not in text
    whole = "".join(flat(p[2]) for p in pages_of(official_pdf(engine, document.id, "li").content))
    assert "13912345678" in whole


def test_a_published_pdf_is_made_once_however_many_ask_for_it(
    office: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anyone may download it without signing in, and making it takes about a second of
    # work: made anew for every download, a few requests at a time kept the server busy.
    engine = office
    instance_id = draft(engine, DRAFT)
    approve_until(engine, instance_id)
    document = document_of(engine, instance_id)
    publish_redacted(engine, instance_id)
    made: list[OfficialText] = []

    def counted(text: OfficialText) -> bytes:
        made.append(text)
        return render_official_pdf(text)

    # a store of its own, counting what it makes: none made by an earlier test
    monkeypatch.setattr(official, "MADE", MadePDFs(counted, 2**20))
    public = {official_pdf(engine, document.id, None).content for _ in range(5)}
    assert len(public) == 1 and len(made) == 1
    # the whole text for its readers is another PDF, made once too
    whole = {official_pdf(engine, document.id, "li").content for _ in range(3)}
    assert len(made) == 2 and whole.isdisjoint(public)
    assert "13912345678" not in "".join(flat(p[2]) for p in pages_of(public.pop()))

    # Asked for at once, a text is made once; the others wait for it.
    texts = [dataclasses.replace(TEXT, number=f"威政办发〔2026〕{n}号") for n in (1, 2)]
    made.clear()
    kept = MadePDFs(counted, 2**20)
    answers: list[bytes] = []
    workers = [
        threading.Thread(target=lambda text=text: answers.append(kept.pdf(text)))
        for text in texts * 4
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(t.number for t in made) == sorted(t.number for t in texts)
    assert len(answers) == 8 and len(set(answers)) == 2
    # Within its bytes: the one asked for longest ago goes first.
    small = MadePDFs(counted, max(len(a) for a in answers) + 1)
    made.clear()
    for text in (texts[0], texts[1], texts[1], texts[0]):
        small.pdf(text)
    assert [t.number for t in made] == [texts[0].number, texts[1].number, texts[0].number]


def test_without_an_agency_name_the_pdf_is_refused(engine: Engine) -> None:
    engine.deploy([WORKFLOWS / "document_approval.bpmn", WORKFLOWS / "confidentiality_review.bpmn"])
    for name, role in (("zhang", "drafter"), ("li", "dept_head"), ("wang", "office")):
        engine.users.add(name, [role])
    engine.users.add("zhao", ["leader"])
    instance_id = draft(engine, {**DRAFT, "attribute": "on_request"})
    approve_until(engine, instance_id)
    document = document_of(engine, instance_id)
    assert document.issuing_authority is None
    with pytest.raises(InvalidInputError) as refused:
        official_pdf(engine, document.id, AUDITOR)
    assert refused.value.code == "official.no_agency"


# -- the migration -----------------------------------------------------------------------------

DRAFTING_COLUMNS = {
    "urgency",
    "main_recipients",
    "copied_to",
    "copies",
    "drafting_unit",
    "issuing_authority",
    "interpretation_plan",
}


def test_the_migration_adds_and_removes_the_drafting_columns(database_url: str) -> None:
    db = Database.connect(database_url)
    try:
        schema.upgrade(db, "0015")

        def columns() -> set[str]:
            with db.read_engine.connect() as connection:
                inspector = sqlalchemy.inspect(connection)
                return {c["name"] for c in inspector.get_columns("documents")}

        assert columns() >= DRAFTING_COLUMNS
        with db.write_engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(schema.MIGRATIONS))
            config.attributes["connection"] = connection
            command.downgrade(config, "0014")
        assert not DRAFTING_COLUMNS & columns()
        assert "repealed_on" in columns()
        schema.upgrade(db, "0015")
        assert columns() >= DRAFTING_COLUMNS
    finally:
        db.dispose()


# -- the pages ---------------------------------------------------------------------------------


def _draft_page(app: Flask, browser: Browser) -> tuple[str, int]:
    engine = get_engine(app)
    instance_id = engine.start("document_approval", "zhangsan").id
    (task,) = engine.queries.get_instance(instance_id).ready_tasks
    return f"/tasks/{task.task_id}", instance_id


def test_the_draft_form_takes_the_drafting_fields(app: Flask, client) -> None:
    browser = Browser(client).login("zhangsan")
    path, instance_id = _draft_page(app, browser)
    html = browser.get(path)
    for label in ("紧急程度", "主送机关", "抄送机关", "印发份数", "解读方案"):
        assert label in html, label
    for urgency in ("特急", "加急", "平急"):
        assert f">{urgency}</option>" in html
    version = re.search(r'name="_version" value="(\d+)"', html).group(1)
    bad = {**DRAFT, "copies": "-2", "urgency": "soon", "_version": version}
    page = browser.post(path, bad, status=422)
    assert re.search(r'id="copies-error">', page) and re.search(r'id="urgency-error">', page)
    engine = get_engine(app)
    assert engine.queries.get_instance(instance_id).version == int(version)
    browser.post(path, {**DRAFT, "_version": version})
    data = engine.queries.get_instance(instance_id).data
    assert (data["copies"], data["urgency"]) == (30, "urgent")

    head = Browser(app.test_client()).login("lisi")
    task_page = head.get(f"/tasks/{task_of(engine, instance_id, 'dept_review', 'lisi').task_id}")
    assert "解读方案" in task_page and "由分管负责同志解读。" in task_page
    assert "各区市人民政府，市政府各部门" in task_page
    sheet = head.get(f"/instances/{instance_id}/sheet")
    shown = ("综合处", "张三", "加急", "30", DRAFT["copied_to"], "由分管负责同志解读。")
    for part in shown:
        assert part in sheet, part


def test_the_document_page_links_the_pdf_for_its_readers(app: Flask, client) -> None:
    engine = get_engine(app)
    published = next(d for d in engine.catalogue.public_documents())
    reader = Browser(client).login("zhangsan")
    page = reader.get(f"/documents/{published.id}")
    link = f"/documents/{published.id}/official.pdf"
    assert link in page
    response = reader.client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "private" in response.headers["Cache-Control"]
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = "".join(flat(p[2]) for p in pages_of(response.data))
    assert published.number in text and "威海市人民政府办公室文件" in text
    sheet = reader.get(f"/instances/{published.instance_id}/sheet")
    assert link in sheet

    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 302  # to the sign-in page
    public_page = anonymous.get(f"/public/{published.id}").get_data(as_text=True)
    public_link = f"/public/{published.id}/official.pdf"
    assert public_link in public_page
    public = anonymous.get(public_link)
    assert public.status_code == 200 and public.mimetype == "application/pdf"

    hidden = [d for d in engine.catalogue.list_documents("wangwu") if not d.published_at]
    assert hidden
    assert anonymous.get(f"/public/{hidden[0].id}/official.pdf").status_code == 404
    stranger = Browser(app.test_client()).login("zhengshi")
    assert stranger.client.get(f"/documents/{hidden[0].id}/official.pdf").status_code == 403
    assert stranger.client.get("/documents/999999/official.pdf").status_code == 403


def test_an_official_text_of_many_distinct_characters_is_made_in_bounded_time() -> None:
    # A drafter's body of 25,000 distinct characters took about 25 s of a worker's time.
    many = "".join(chr(0x4E00 + i) for i in range(15_000))
    started = time.process_time()
    pdf = render_official_pdf(dataclasses.replace(TEXT, body=many + MANY_ABSENT))
    assert time.process_time() - started < 5
    pages = pages_of(pdf)
    assert "丁" in flat(pages[0][2])


#: characters (of Extension B) the font has no glyph for
MANY_ABSENT = "".join(chr(0x20000 + i) for i in range(10_000))
