"""The official text (正式文本) of an issued document as a PDF, and the approval sheet's fields.

The PDF follows the national layout of official documents, GB/T 9704-2012 (党政机关公文格式):
A4, text block 156 mm x 225 mm from 37 mm top and 28 mm left, 22 lines of 28 characters in
三号 (16 pt). The first page opens with the header (版头): the urgency in the top left
corner when the document is urgent (特急 or 加急), the issuing agency's mark in red
(发文机关标志, ``…文件``) with its top 35 mm below the text block's, the number (发文字号)
centred two lines below it and a red rule 4 mm under the number. Then the body (主体): the
title in 二号 (22 pt) two lines below the rule, the main recipients (主送机关), the
paragraphs indented two characters, the attachments (附件说明), the issuing agency
(发文机关署名) two characters from the right with the date (成文日期, Arabic numerals)
below it, and the note (附注: the disclosure attribute, ``（此件公开发布）``) two characters
in on the next line. The last page ends with the imprint (版记): ``抄送：…。`` and the
printing agency with the printing date between thick and thin rules, the last rule on the
text block's bottom edge. Every page is numbered ``— n —`` in 四号 (14 pt) 7 mm below the
text block, odd pages on the right, even on the left.

Whoever may read a document downloads its official text; the public, and readers who may see
only what the public sees, get the published version: the reviewed, de-identified title and
text, with no recipients or attachments (they were not part of what was reviewed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

from fpdf import FPDF
from sqlalchemy import select

from ..errors import InvalidInputError
from ..store.models import ProcessInstance, User
from .agency import AgencyDesk
from .catalogue import Catalogue
from .documents import ATTRIBUTES, URGENCIES
from .letter import (
    BODY_PT,
    CN_TZ,
    FOLIO_GAP,
    FOLIO_PT,
    LEFT,
    PT,
    RIGHT,
    TEXT_BOTTOM,
    TEXT_W,
    TITLE_PT,
    TOP,
    MadePDFs,
    add_cjk_font,
    chinese_date,
    cjk_font_path,
    wrap_text,
)
from .views import ApprovalSheet, DocumentView
from .workdays import CHINA

if TYPE_CHECKING:
    from pathlib import Path

    from ..runtime import WorkflowEngine

#: lines to a page and characters to a line (GB/T 9704-2012 5.2.2)
LINES, CHARACTERS = 22, 28
LINE = (TEXT_BOTTOM - TOP) / LINES
#: the width of one character of the grid: 三号 glyphs set a little closer to fit 28 a line
CELL = TEXT_W / CHARACTERS
GRID_SPACING_PT = (CELL - BODY_PT * PT) / PT
RIGHT_EDGE = LEFT + TEXT_W
#: the top of the agency's mark below the text block's top (平行文、下行文)
MARK_DROP = 35.0
#: the mark's size: as large as fits the text block, within these bounds; narrower below
MARK_PT_MAX, MARK_PT_MIN = 42.0, 28.0
#: the gap from the number down to the red rule, and the rules' widths (mm)
RULE_GAP, RED_RULE, THICK_RULE, THIN_RULE = 4.0, 0.5, 0.35, 0.25
RED = (230, 0, 18)
#: the urgencies a document marks (7.2.3: 紧急公文标注"特急""加急"; 平急 is for telegrams)
MARKED_URGENCIES = ("extra_urgent", "urgent")
IMPRINT_PT = FOLIO_PT  # 四号
IMPRINT_EM = IMPRINT_PT * PT
#: a little room for rounding when a line of exactly 28 characters is measured
_FIT = 0.01

Align = Literal["L", "C", "R"]


@dataclass(frozen=True, kw_only=True)
class OfficialText:
    """An issued document as its official text sets it out.

    ``authority`` is the issuing agency: it makes the red header
    (``authority`` + 文件), signs the text and prints it (印发机关);
    ``signed_on`` is the date of the text (成文日期) and of printing.
    """

    authority: str
    number: str
    title: str
    body: str
    signed_on: date
    note: str = ""
    main_recipients: str = ""
    attachments: tuple[str, ...] = ()
    copied_to: str = ""
    urgency: str = ""


@dataclass(frozen=True)
class OfficialFile:
    """The official text's PDF and the name it downloads as."""

    filename: str
    content: bytes
    #: the published (de-identified) version, as the public may read it
    public: bool


def header_mark(authority: str) -> str:
    """Return the issuing agency's mark (发文机关标志), e.g. 威海市人民政府办公室文件."""
    return f"{authority.strip()}文件"


def recipients_line(recipients: str) -> str:
    """Return the main recipients as the text names them, ending in a full-width colon."""
    names = recipients.strip().rstrip("：:，,；;。.")
    return f"{names}：" if names else ""


def copied_line(copied_to: str) -> str:
    """Return the imprint's copy line: ``抄送：…。``."""
    names = copied_to.strip().removeprefix("抄送").lstrip("：:").rstrip("：:，,；;。.")
    return f"抄送：{names}。" if names else ""


def printed_on(day: date) -> str:
    """Return the imprint's printing date, e.g. 2026年12月1日印发."""
    return f"{chinese_date(day)}印发"


def attachment_lines(names: tuple[str, ...]) -> list[str]:
    """Return the attachments' note (附件说明): ``附件：名称``, numbered when there are several."""
    listed = [name.strip() for name in names if name.strip()]
    if len(listed) == 1:
        return [f"附件：{listed[0]}"]
    return [f"{'附件：' if n == 1 else ''}{n}．{name}" for n, name in enumerate(listed, 1)]


def paragraphs(body: str) -> list[str]:
    """Return the body's paragraphs: its non-empty lines without their indents."""
    return [line.strip(" \t\u3000") for line in body.splitlines() if line.strip(" \t\u3000")]


def split_note(text: str, attribute: str) -> tuple[str, str]:
    """Split an issued text into its body and its attribute note (附注), which ends it."""
    note = ATTRIBUTES[attribute][2] if attribute in ATTRIBUTES else ""
    body = text.rstrip()
    if note and body.endswith(note):
        return body.removesuffix(note).rstrip(), note
    return body, note


def official_text_of(view: DocumentView, authority: str) -> OfficialText:
    """Return the official text of a catalogue entry, signed by ``authority``.

    A public view holds the reviewed, de-identified title and text only;
    its drafting fields are empty, and its attachments are left out.
    """
    body, note = split_note(view.official_text, view.attribute)
    names = tuple(_attachment_name(a) for a in (view.attachments or []) if view.full)
    marked = view.full and view.urgency in MARKED_URGENCIES
    urgency = URGENCIES[str(view.urgency)][0] if marked else ""
    return OfficialText(
        authority=authority,
        number=view.number,
        title=view.title,
        body=body,
        signed_on=datetime.fromisoformat(view.issued_at).astimezone(CHINA).date(),
        note=note,
        main_recipients=view.main_recipients or "",
        attachments=names,
        copied_to=view.copied_to or "",
        urgency=urgency,
    )


def _attachment_name(attachment: dict[str, Any]) -> str:
    """Name an attachment as the text does: its file name without the ending."""
    name = str(attachment.get("filename") or "")
    stem, dot, ending = name.rpartition(".")
    return stem if dot and stem and ending.lower() in ("pdf", "docx", "ofd") else name


def official_pdf(engine: WorkflowEngine, document_id: int, reader: str | None) -> OfficialFile:
    """Return an issued document's official text as PDF, as ``reader`` may read it.

    ``reader`` None is the public: only a published proactive document, in its
    published version. A signed-in reader gets the whole official text if he
    may read the document, else the published version, else a refusal.
    """
    catalogue = Catalogue(engine)
    view = (
        catalogue.public_document(document_id)
        if reader is None
        else catalogue.get_document(document_id, reader)
    )
    authority = (view.issuing_authority or AgencyDesk(engine).get().name).strip()
    if not authority:
        raise InvalidInputError("official.no_agency")
    content = MADE.pdf(official_text_of(view, authority))
    return OfficialFile(f"{view.number}.pdf", content, public=not view.full)


# --- the approval sheet's drafting fields (发文稿纸) ------------------------------------------


@dataclass(frozen=True)
class DraftingFields:
    """What the approval sheet states besides the opinions: who drafted, for whom, how many.

    ``checker`` is the department head whose approval passed the draft on
    (核稿); names are display names.
    """

    drafting_unit: str | None
    drafter: str | None
    checker: str | None
    urgency: str | None
    main_recipients: str | None
    copied_to: str | None
    copies: int | None
    interpretation_plan: str | None


@dataclass(frozen=True)
class DraftingSheet:
    """An approval sheet with its drafting fields."""

    sheet: ApprovalSheet
    fields: DraftingFields


#: the review whose approval checks the draft (核稿)
CHECKING_STEP = "dept_review"


def drafting_sheet(engine: WorkflowEngine, instance_id: int, reader: str) -> DraftingSheet:
    """Return the approval sheet of a document with its drafting fields, if ``reader`` may read it.

    Until the document is issued the fields are those of the draft, and the
    drafting unit is the drafter's department now; once issued, they are
    what the catalogue kept at issue.
    """
    sheet = Catalogue(engine).approval_sheet(instance_id, reader)
    with engine.store.read() as repo:
        drafter = repo.connection.execute(
            select(User.display_name, User.department)
            .join(ProcessInstance, ProcessInstance.started_by == User.username)
            .where(ProcessInstance.id == instance_id)
        ).first()
    document, data = sheet.document, sheet.data

    def kept(name: str) -> Any:
        value = getattr(document, name) if document is not None else data.get(name)
        return value.strip() or None if isinstance(value, str) else value

    checker = next(
        (
            e.actor_name
            for e in reversed(sheet.entries)
            if e.element_id == CHECKING_STEP
            and e.kind == "task_completed"
            and e.decision == "approve"
        ),
        None,
    )
    copies = kept("copies")
    urgency = kept("urgency")
    return DraftingSheet(
        sheet,
        DraftingFields(
            drafting_unit=(document.drafting_unit if document is not None else None)
            or (drafter.department if drafter is not None else None),
            drafter=drafter.display_name if drafter is not None else None,
            checker=checker,
            urgency=urgency if urgency in URGENCIES else None,
            main_recipients=kept("main_recipients"),
            copied_to=kept("copied_to"),
            copies=copies if isinstance(copies, int) and not isinstance(copies, bool) else None,
            interpretation_plan=kept("interpretation_plan"),
        ),
    )


# --- the PDF -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One line of the text on the page's grid of lines, after ``before`` blank lines."""

    text: str
    size: float = BODY_PT
    x: float = LEFT
    width: float = TEXT_W
    align: Align = "L"
    before: int = 0


class _OfficialPDF(FPDF):
    """A4 pages in the layout of GB/T 9704-2012, every page numbered on its outer side."""

    def __init__(self, font: Path) -> None:
        """Set up A4 pages with the text block's margins and the CJK font."""
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)
        add_cjk_font(self, font)
        self.c_margin = 0

    def footer(self) -> None:
        """Put "— n —" 7 mm below the text block: odd pages right, even pages left, one em in."""
        self.use(IMPRINT_PT)
        self.set_text_color(0)
        folio = f"— {self.page} —"
        width = self.get_string_width(folio)
        odd = self.page % 2 == 1
        x = RIGHT_EDGE - IMPRINT_EM - width if odd else LEFT + IMPRINT_EM
        self.set_xy(x, TEXT_BOTTOM + FOLIO_GAP)
        self.cell(width, FOLIO_PT * PT, folio)

    def use(self, size: float) -> None:
        """Select the CJK font at ``size``; 三号 text keeps the grid of 28 characters a line."""
        self.set_font("cjk", size=size)
        self.set_stretching(100)
        self.set_char_spacing(GRID_SPACING_PT if size == BODY_PT else 0)

    def measure(self, text: str, size: float = BODY_PT) -> float:
        """Give the width of text at ``size``."""
        self.use(size)
        return self.get_string_width(text)

    def wrapped(self, text: str, *, size: float = BODY_PT, indent: float = 0.0) -> list[str]:
        """Break text into the lines of the text block, the first one indented."""
        return wrap_text(
            text,
            TEXT_W + _FIT,
            lambda t: self.measure(t, size),
            first_width=TEXT_W - indent + _FIT,
        )

    def put(self, row: _Row, y: float, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        """Set one row in its line starting at ``y``."""
        self.use(row.size)
        self.set_text_color(*color)
        self.set_xy(row.x, y)
        self.cell(row.width, LINE, row.text, align=row.align)

    def rule(self, y: float, width: float, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        """Draw a rule across the text block at ``y``."""
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(LEFT, y, RIGHT_EDGE, y)

    # -- the header (版头) ------------------------------------------------------------------

    def header_block(self, text: OfficialText) -> int:
        """Set the first page's header; return the grid line the title starts on."""
        if text.urgency:
            self.put(_Row(text.urgency), TOP)
        mark = header_mark(text.authority)
        size = min(MARK_PT_MAX, max(MARK_PT_MIN, TEXT_W / (len(mark) * PT)))
        self.use(size)
        natural = self.get_string_width(mark)
        if natural > TEXT_W:  # a long name is set narrower, never smaller than the minimum
            self.set_stretching(100 * TEXT_W / natural)
        self.set_text_color(*RED)
        mark_top = TOP + MARK_DROP
        mark_height = size * PT
        self.set_xy(LEFT, mark_top)
        self.cell(TEXT_W, mark_height, mark, align="C")
        line = _line_at_or_below(mark_top + mark_height) + 2  # two lines below (下空二行)
        self.put(_Row(text.number, align="C"), _line_top(line))
        rule_y = _line_top(line) + (LINE + BODY_PT * PT) / 2 + RULE_GAP
        self.rule(rule_y, RED_RULE, RED)
        return _line_at_or_below(rule_y) + 2

    # -- the body (主体) --------------------------------------------------------------------

    def body_blocks(self, text: OfficialText) -> list[list[_Row]]:
        """Break the title, recipients, body, attachments, signature and note into blocks.

        A block stays on one page: a line of the body alone, or the signature
        with the date, the note and the body's last two lines (a signature
        never stands on a page by itself).
        """
        blocks: list[list[_Row]] = []
        for line in self.wrapped(text.title, size=TITLE_PT):
            blocks.append([_Row(line, size=TITLE_PT, align="C")])
        gap = 1  # the recipients come a line below the title (空一行)
        if recipients := recipients_line(text.main_recipients):
            for line in self.wrapped(recipients):
                blocks.append([_Row(line, before=gap)])
                gap = 0
        indent = 2 * CELL
        for paragraph in paragraphs(text.body):
            for index, line in enumerate(self.wrapped(paragraph, indent=indent)):
                shift = indent if index == 0 else 0.0
                blocks.append([_Row(line, x=LEFT + shift, width=TEXT_W - shift, before=gap)])
                gap = 0
        gap = 1
        notes = attachment_lines(text.attachments)
        hang = 2 * CELL + self.measure("附件：")
        for number, note in enumerate(notes):
            lead = 2 * CELL if number == 0 else hang
            for index, line in enumerate(self.wrapped(note, indent=lead)):
                x = LEFT + (lead if index == 0 else hang)
                blocks.append([_Row(line, x=x, width=RIGHT_EDGE - x, before=gap)])
                gap = 0
        signed: list[_Row] = []
        while blocks and len(signed) < 2 and blocks[-1][0].size == BODY_PT:
            signed[:0] = blocks.pop()
        signed += self.signature(text)
        if text.note:
            signed.append(_Row(text.note, x=LEFT + 2 * CELL, width=TEXT_W - 2 * CELL))
        blocks.append(signed)
        return blocks

    def signature(self, text: OfficialText) -> list[_Row]:
        """Return the signing agency and the date (no seal: 7.3.5.3 of the standard).

        The agency stands two characters from the right a line below the text;
        the date, on the next line, starts two characters further right, unless
        it is longer, when the date keeps two characters from the right instead.
        """
        authority, dated = text.authority, chinese_date(text.signed_on)
        signer_w, date_w = self.measure(authority), self.measure(dated)
        signer_x = RIGHT_EDGE - 2 * CELL - signer_w
        date_x = signer_x + 2 * CELL
        if date_x + date_w > RIGHT_EDGE - 2 * CELL:
            date_x = RIGHT_EDGE - 2 * CELL - date_w
            signer_x = min(signer_x, date_x - 2 * CELL)
        signer_x, date_x = max(signer_x, LEFT), max(date_x, LEFT)
        return [
            _Row(authority, x=signer_x, width=RIGHT_EDGE - signer_x, before=1),
            _Row(dated, x=date_x, width=RIGHT_EDGE - date_x),
        ]

    def flow(self, blocks: list[list[_Row]], line: int) -> int:
        """Set the blocks down the grid from ``line``, turning pages; return the next free line."""
        for block in blocks:
            need = sum(row.before + 1 for row in block)
            if line > 0 and line + need > LINES:
                self.add_page()
                line = 0
            for row in block:
                if line > 0:  # no blank lines at the top of a page
                    line += row.before
                self.put(row, _line_top(line))
                line += 1
        return line

    # -- the imprint (版记) -----------------------------------------------------------------

    def imprint(self, text: OfficialText, line: int) -> None:
        """Set the imprint at the foot of the last page, a new one if the text leaves no room."""
        em = IMPRINT_EM
        copied = copied_line(text.copied_to)
        # a second line of names starts under the first name, after "抄送："
        lead = LEFT + em + self.measure("抄送：", IMPRINT_PT)
        lines = (
            wrap_text(
                copied,
                RIGHT_EDGE - em - lead,
                lambda t: self.measure(t, IMPRINT_PT),
                first_width=TEXT_W - 2 * em,
            )
            if copied
            else []
        )
        copied_rows = [
            _Row(
                row,
                size=IMPRINT_PT,
                x=LEFT + em if index == 0 else lead,
                width=RIGHT_EDGE - em - (LEFT + em if index == 0 else lead),
            )
            for index, row in enumerate(lines)
        ]
        rows = len(copied_rows) + 1
        if line > LINES - rows:
            self.add_page()
        top = LINES - rows
        self.rule(_line_top(top), THICK_RULE)
        for index, row in enumerate(copied_rows):
            self.put(row, _line_top(top + index))
        printed = LINES - 1
        if copied_rows:
            self.rule(_line_top(printed), THIN_RULE)
        y = _line_top(printed)
        self.put(_Row(text.authority, size=IMPRINT_PT, x=LEFT + em, width=TEXT_W - 2 * em), y)
        self.put(
            _Row(
                printed_on(text.signed_on),
                size=IMPRINT_PT,
                x=LEFT + em,
                width=TEXT_W - 2 * em,
                align="R",
            ),
            y,
        )
        self.rule(TEXT_BOTTOM, THICK_RULE)


def _line_top(line: int) -> float:
    """Return the top of a line of the page's grid."""
    return TOP + line * LINE


def _line_at_or_below(y: float) -> int:
    """Return the first line of the grid whose top is at or below ``y``."""
    line = 0
    while _line_top(line) < y - 1e-6:
        line += 1
    return line


def render_official_pdf(text: OfficialText) -> bytes:
    """Render an official text as an A4 PDF in the layout of GB/T 9704-2012."""
    pdf = _OfficialPDF(cjk_font_path())
    pdf.set_title(f"{text.number} {text.title}".strip())
    pdf.set_author(text.authority)
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(datetime.combine(text.signed_on, time(), tzinfo=CN_TZ))
    pdf.add_page()
    line = pdf.flow(pdf.body_blocks(text), pdf.header_block(text))
    pdf.imprint(text, line)
    return bytes(pdf.output())


#: the official PDFs a process keeps (a page of text makes about 30 KB): anyone may download
#: a published one without signing in
MADE = MadePDFs(render_official_pdf, 32 * 2**20)
