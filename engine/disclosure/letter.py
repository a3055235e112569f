"""The reply letter (政府信息公开申请答复书) sent to an applicant, and its PDF.

`letter_paragraphs` is the single source of the letter's wording: the HTML page and
`render_pdf` both render exactly those paragraphs, in order. The PDF follows the layout of
official letters (GB/T 9704): A4, text block 156 mm x 225 mm from 37 mm top and 28 mm left,
title centred in a larger size, body in 16 pt with a two-character first-line indent, and
"— n —" page numbers when the letter runs over one page.

The PDF embeds a subset of a CJK font from Debian's packages. It must have TrueType outlines:
fpdf2 embeds CFF-outline fonts (such as Noto CJK) through a custom encoding that common
text extractors (pypdf, pdfminer) cannot read, and the letter's text must stay extractable.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from fpdf import FPDF
from fpdf.fonts import TTFFont

from ..text import has_visible

TITLE = "政府信息公开申请答复书"

ParagraphKind = Literal["title", "number", "salutation", "text", "signature", "date"]


@dataclass(frozen=True)
class AgencyProfile:
    """The disclosure office that signs the letter, and where an applicant may appeal."""

    name: str
    address: str
    postcode: str = ""
    phone: str = ""
    reconsideration_body: str = ""
    court: str = ""
    reconsideration_days: int = 60
    litigation_months: int = 6


@dataclass(frozen=True, kw_only=True)
class ReplyLetter:
    """The applicant-facing content of one reply letter."""

    tracking_number: str
    applicant_name: str
    received_on: date
    request_summary: str
    decision_zh: str
    basis: str
    body: str
    signed_on: date
    agency: AgencyProfile
    fee_yuan: int = 0
    fee_method_zh: str = ""
    attachments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Reject a negative fee."""
        if self.fee_yuan < 0:
            raise ValueError(f"fee_yuan must not be negative, got {self.fee_yuan}")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the letter and how it is set."""

    kind: ParagraphKind
    text: str


def chinese_date(day: date) -> str:
    """Write a date the way a Chinese official letter does, e.g. 2026年12月3日."""
    return f"{day.year}年{day.month}月{day.day}日"


def remedy_text(agency: AgencyProfile) -> str:
    """Tell the applicant how to seek administrative reconsideration or sue."""
    body = f"向{agency.reconsideration_body}" if agency.reconsideration_body else ""
    court = f"向{agency.court}" if agency.court else ""
    return (
        f"如对本答复不服，可以在收到本答复之日起{agency.reconsideration_days}日内"
        f"{body}申请行政复议，或者在{agency.litigation_months}个月内{court}提起行政诉讼。"
    )


def letter_paragraphs(letter: ReplyLetter) -> list[Paragraph]:
    """List the letter's paragraphs in reading order."""
    paragraphs = [Paragraph("title", TITLE)]
    if letter.tracking_number.strip():
        paragraphs.append(Paragraph("number", letter.tracking_number.strip()))
    # Whoever the applicant is, the letter greets him: by his name (or his organisation's),
    # and as 申请人 where there is none to read (a name of invisible characters, kept before
    # the forms refused one).
    name = letter.applicant_name.strip()
    paragraphs.append(Paragraph("salutation", f"{name if has_visible(name) else '申请人'}："))
    paragraphs.append(
        Paragraph(
            "text",
            f"本机关于{chinese_date(letter.received_on)}收到您（单位）提出的政府信息公开申请，"
            f"申请获取“{letter.request_summary.strip()}”。现答复如下：",
        )
    )
    basis = letter.basis.strip()
    according = f"根据{basis}的规定，" if basis else ""
    decision = letter.decision_zh.strip().rstrip("。")
    paragraphs.append(Paragraph("text", f"经审查，{according}本机关决定：{decision}。"))
    paragraphs.extend(
        Paragraph("text", line.strip()) for line in letter.body.splitlines() if line.strip()
    )
    if letter.fee_yuan > 0:
        method = letter.fee_method_zh.strip().removesuffix("计收").removesuffix("收取")
        paragraphs.append(
            Paragraph(
                "text",
                f"根据《政府信息公开信息处理费管理办法》，本机关{method}"
                f"收取信息处理费{letter.fee_yuan}元。",
            )
        )
    names = [name.strip() for name in letter.attachments if name.strip()]
    if len(names) == 1:
        paragraphs.append(Paragraph("text", f"附件：{names[0]}"))
    elif names:
        listed = "；".join(f"{number}.{name}" for number, name in enumerate(names, 1))
        paragraphs.append(Paragraph("text", f"附件：{listed}"))
    paragraphs.append(Paragraph("text", remedy_text(letter.agency)))
    paragraphs.append(Paragraph("signature", letter.agency.name))
    paragraphs.append(Paragraph("date", chinese_date(letter.signed_on)))
    return paragraphs


# --- the font -----------------------------------------------------------------------------

FONT_ENV = "GONGKAI_CJK_FONT"
FONT_PACKAGE = "fonts-arphic-uming"
# Debian's TrueType-outline CJK fonts, Song/Ming style first (official letters are set in it).
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),  # fonts-arphic-uming
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # fonts-wqy-zenhei
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # fonts-wqy-microhei
)


class CJKFontError(RuntimeError):
    """No usable CJK font for the letter's PDF."""


def cjk_font_path() -> Path:
    """Find the CJK font to embed: $GONGKAI_CJK_FONT, else the first Debian font present."""
    named = os.environ.get(FONT_ENV, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise CJKFontError(
                f"{FONT_ENV} names {path}, which is not a file; point it at a TrueType CJK "
                f"font, or unset it and install Debian's {FONT_PACKAGE} "
                f"(apt-get install {FONT_PACKAGE})"
            )
        _require_truetype(path)
        return path
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    looked = ", ".join(str(path) for path in FONT_CANDIDATES)
    raise CJKFontError(
        f"no CJK font for the reply letter PDF (looked in {looked}); install Debian's "
        f"{FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or set {FONT_ENV} to a TrueType "
        "CJK font file"
    )


def _require_truetype(path: Path) -> None:
    """Refuse a font with CFF outlines, whose embedded text would not extract."""
    with path.open("rb") as file:
        head = file.read(16)
        if head[:4] == b"ttcf" and len(head) == 16:
            file.seek(int.from_bytes(head[12:16], "big"))  # the collection's first font
            head = file.read(4)
    if head[:4] == b"OTTO":
        raise CJKFontError(
            f"{path} has CFF (PostScript) outlines, whose text does not extract from the PDF; "
            f"use a TrueType-outline CJK font such as Debian's {FONT_PACKAGE}"
        )


# --- the PDF -------------------------------------------------------------------------------

PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
TOP, LEFT, RIGHT, BOTTOM = 37.0, 28.0, 26.0, 35.0  # GB/T 9704: text block 156 mm x 225 mm
TEXT_W = PAGE_W - LEFT - RIGHT
TEXT_BOTTOM = PAGE_H - BOTTOM
PT = 25.4 / 72  # one point in mm
BODY_PT, TITLE_PT, FOLIO_PT = 16.0, 22.0, 14.0  # 三号, 二号, 四号
LINE = (PAGE_H - TOP - BOTTOM) / 22  # 22 lines to the page
TITLE_LINE = TITLE_PT * PT * 1.5
FOLIO_GAP = 7.0  # page number below the text block
CN_TZ = timezone(timedelta(hours=8))

# Kept off the start of a line (closing marks) and off its end (opening marks).
_NO_LINE_START = frozenset("，。、；：？！）》」』”’〕】…—·%,.;:?!)]}")
_NO_LINE_END = frozenset("（《「『“‘〔【([{")


def _wordy(char: str) -> bool:
    """Tell whether a character belongs to a Latin word or a number."""
    return char.isascii() and char.isalnum()


def _glued(before: str, after: str) -> bool:
    """Tell whether a line may not break between these two characters."""
    return after in _NO_LINE_START or before in _NO_LINE_END or (_wordy(before) and _wordy(after))


def wrap_text(
    text: str, width: float, measure: Callable[[str], float], first_width: float | None = None
) -> list[str]:
    """Break text into lines that fit, at any character except inside words and marks."""
    lines: list[str] = []
    line = ""
    limit = width if first_width is None else first_width
    for char in text:
        if line and measure(line + char) > limit:
            keep = len(line)
            while keep > 1 and _glued(line[keep - 1], (line[keep:] + char)[0]):
                keep -= 1
            if keep <= len(line) // 2:  # a run too long to carry over: break inside it
                keep = len(line)
            lines.append(line[:keep])
            line = line[keep:]
            limit = width
        line += char
    if line or not lines:
        lines.append(line)
    return lines


#: the name the letter's own tests know the line breaker by
_wrap = wrap_text


def _keep_bdf_notice(record: logging.LogRecord) -> bool:
    """Drop fontTools' warning that it leaves out a font's BDF bitmaps (uming.ttc has some)."""
    return not (str(record.msg).startswith("%s NOT subset") and record.args == ("BDF ",))


logging.getLogger("fontTools.subset").addFilter(_keep_bdf_notice)


@dataclass(frozen=True)
class _Line:
    """One line of the PDF: its text, size and place across the text block."""

    text: str
    size: float
    x: float
    width: float
    height: float
    align: Literal["L", "C", "R"] = "L"
    space_before: float = 0.0


def add_cjk_font(pdf: FPDF, font: Path) -> None:
    """Make ``font`` the PDF's font "cjk", its subset written without remeasuring each glyph.

    fontTools would otherwise decode and re-encode the outline of every glyph the text
    uses to recompute bounding boxes already in the font: about a millisecond a glyph, so
    a text of tens of thousands of distinct characters kept a worker busy for half a minute.
    """
    pdf.add_font("cjk", fname=str(font))
    added = pdf.fonts["cjk"]
    assert isinstance(added, TTFFont)  # a font file is always a TrueType font to fpdf2
    added.ttfont.recalcBBoxes = False
    added.missing_glyphs = _MissingGlyphs()


class _MissingGlyphs(list[int]):
    """The characters a font lacks, in order, looked up in a set.

    fpdf2 asks whether each character it cannot draw is already listed: in a plain
    list that costs a scan, quadratic in a text of thousands of characters the font lacks.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[int] = set()

    def append(self, code: int) -> None:
        """Add a character to the list."""
        self.seen.add(code)
        super().append(code)

    def __contains__(self, code: object) -> bool:
        return code in self.seen


class _LetterPDF(FPDF):
    """An A4 page set that numbers its pages once there is more than one."""

    def __init__(self, font: Path) -> None:
        """Set up A4 pages with the letter's margins and the CJK font."""
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.numbered = False
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)
        add_cjk_font(self, font)
        self.c_margin = 0

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        """Start a page; from the second one on, every page is numbered."""
        self.numbered = self.numbered or self.page > 0
        super().add_page(*args, **kwargs)

    def footer(self) -> None:
        """Put "— n —" under the text block when the letter has more than one page."""
        if not self.numbered:
            return
        self.set_font("cjk", size=FOLIO_PT)
        self.set_xy(LEFT, TEXT_BOTTOM + FOLIO_GAP)
        self.cell(TEXT_W, FOLIO_PT * PT, f"— {self.page} —", align="C")

    def measure(self, text: str, size: float) -> float:
        """Give the width of text set in the CJK font at size."""
        self.set_font("cjk", size=size)
        return self.get_string_width(text)

    def lay_out(self, paragraphs: list[Paragraph]) -> list[list[_Line]]:
        """Break the paragraphs into lines, grouped in blocks that stay on one page."""
        blocks: list[list[_Line]] = []
        em = BODY_PT * PT
        gap = 0.0
        signed: list[_Line] | None = None  # the block the signature and the date share

        def measure(text: str) -> float:
            return self.measure(text, BODY_PT)

        dated = next((p.text for p in paragraphs if p.kind == "date"), "")
        for paragraph in paragraphs:
            text = paragraph.text
            if paragraph.kind == "title":
                for line in wrap_text(text, TEXT_W, lambda t: self.measure(t, TITLE_PT)):
                    blocks.append([_Line(line, TITLE_PT, LEFT, TEXT_W, TITLE_LINE, "C", gap)])
                gap = LINE / 2
                continue
            if paragraph.kind == "text":
                lines = wrap_text(text, TEXT_W, measure, first_width=TEXT_W - 2 * em)
                for index, line in enumerate(lines):
                    indent = 2 * em if index == 0 else 0.0
                    x, width = LEFT + indent, TEXT_W - indent
                    blocks.append([_Line(line, BODY_PT, x, width, LINE, "L", gap)])
                    gap = 0.0
            elif paragraph.kind == "signature":
                # GB/T 9704: the signing agency is centred over the date, itself four
                # characters from the right edge, a blank line below the text; it never
                # stands on a page alone, so the text's last two lines go along with it.
                width = measure(text)
                centre = LEFT + TEXT_W - 4 * em - measure(dated) / 2
                x = max(min(centre - width / 2, LEFT + TEXT_W - width), LEFT)
                signed = [line for block in blocks[-2:] for line in block]
                signed.append(_Line(text, BODY_PT, x, width, LINE, "L", LINE))
                blocks[-2:] = [signed]
            elif paragraph.kind == "date":
                width = measure(text)
                x = max(LEFT + TEXT_W - 4 * em - width, LEFT)
                if signed is None:  # a date without a signature above it
                    signed = []
                    blocks.append(signed)
                signed.append(_Line(text, BODY_PT, x, width, LINE))
            else:  # the number line (right-aligned) and the salutation
                align: Literal["L", "R"] = "R" if paragraph.kind == "number" else "L"
                for line in wrap_text(text, TEXT_W, measure):
                    blocks.append([_Line(line, BODY_PT, LEFT, TEXT_W, LINE, align, gap)])
                    gap = 0.0
        return blocks

    def draw(self, blocks: list[list[_Line]]) -> None:
        """Set the blocks down the pages, turning a page before a block that does not fit."""
        self.add_page()
        y = TOP
        for block in blocks:
            height = sum(line.space_before + line.height for line in block)
            if y > TOP and y + height > TEXT_BOTTOM + 0.01:
                self.add_page()
                y = TOP
            for line in block:
                if y > TOP:  # no space above the first line of a page
                    y += line.space_before
                self.set_font("cjk", size=line.size)
                self.set_xy(line.x, y)
                self.cell(line.width, line.height, line.text, align=line.align)
                y += line.height


def render_pdf(letter: ReplyLetter) -> bytes:
    """Render the letter as an A4 PDF with the CJK font's subset embedded."""
    pdf = _LetterPDF(cjk_font_path())
    pdf.set_title(f"{TITLE} {letter.tracking_number}".strip())
    pdf.set_author(letter.agency.name)
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(datetime.combine(letter.signed_on, time(), tzinfo=CN_TZ))
    pdf.draw(pdf.lay_out(letter_paragraphs(letter)))
    return bytes(pdf.output())


#: what a PDF is made from: a letter, an official text
Source = TypeVar("Source", bound=Hashable)


class MadePDFs(Generic[Source]):
    """The PDFs made last, by what they were made from, within a number of bytes.

    Making a PDF costs about a second of work (the CJK font is read and cut
    to the glyphs used), and some are asked for again and again, by people
    who need not sign in: each is made once, however many ask for it at
    once, and then read from here. What a PDF is made from gives the same
    PDF every time.
    """

    def __init__(self, render: Callable[[Source], bytes], limit: int) -> None:
        """Make PDFs with ``render``; keep ``limit`` bytes of them, the least asked for going."""
        self.render = render
        self.limit = limit
        self._made: OrderedDict[Source, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        #: by source: held while its PDF is being made, so that others asking for it wait
        self._making: dict[Source, threading.Lock] = {}

    def pdf(self, source: Source) -> bytes:
        """Return the PDF of ``source``, made now unless it was made before."""
        with self._lock:
            if (found := self._kept(source)) is not None:
                return found
            making = self._making.setdefault(source, threading.Lock())
        with making:
            with self._lock:
                if (found := self._kept(source)) is not None:
                    return found
            try:
                content = self.render(source)
            except BaseException:
                with self._lock:
                    self._making.pop(source, None)
                raise
            with self._lock:
                self._keep(source, content)
                self._making.pop(source, None)
        return content

    def _kept(self, source: Source) -> bytes | None:
        found = self._made.get(source)
        if found is not None:
            self._made.move_to_end(source)
        return found

    def _keep(self, source: Source, content: bytes) -> None:
        if source in self._made or len(content) > self.limit:
            return
        self._made[source] = content
        self._size += len(content)
        while self._size > self.limit:
            _, dropped = self._made.popitem(last=False)
            self._size -= len(dropped)


#: the reply letters a process keeps: whoever has a request's number and code may download
#: its letter again and again (only wrong codes are counted)
LETTERS = MadePDFs(render_pdf, 8 * 2**20)
