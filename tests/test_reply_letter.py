"""The reply letter (政府信息公开申请答复书): its paragraphs, and the real PDF read by pypdf."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.disclosure import letter as letter_module
from engine.disclosure.letter import (
    TITLE,
    AgencyProfile,
    CJKFontError,
    ReplyLetter,
    _wrap,
    chinese_date,
    letter_paragraphs,
    remedy_text,
    render_pdf,
)

A4 = (595.28, 841.89)
BASIS = "《中华人民共和国政府信息公开条例》第三十六条第（二）项"
REMEDY = (
    "如对本答复不服，可以在收到本答复之日起60日内向威海市人民政府申请行政复议，"
    "或者在6个月内向威海市环翠区人民法院提起行政诉讼。"
)

AGENCY = AgencyProfile(
    name="威海市人民政府办公室",
    address="威海市环翠区统一路",
    postcode="264200",
    phone="0631-5233000",
    reconsideration_body="威海市人民政府",
    court="威海市环翠区人民法院",
)

LETTER = ReplyLetter(
    tracking_number="威政公开〔2026〕第12号",
    applicant_name="张三",
    received_on=date(2026, 11, 20),
    request_summary="2025年度城区道路改造工程的招标文件及中标结果",
    decision_zh="予以公开",
    basis=BASIS,
    body="您申请的信息已主动公开，可在威海市人民政府门户网站（www.weihai.gov.cn）查阅。\n\n"
    "  相关文件随本答复书提供。  ",
    signed_on=date(2026, 12, 3),
    agency=AGENCY,
)


def pages_of(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each page's width and height in points and its text with the line breaks taken out."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (
            float(page.mediabox.width),
            float(page.mediabox.height),
            page.extract_text().replace("\n", ""),
        )
        for page in reader.pages
    ]


def assert_a4(width: float, height: float) -> None:
    assert width == pytest.approx(A4[0], abs=1)
    assert height == pytest.approx(A4[1], abs=1)


@pytest.fixture(scope="module")
def one_page_pdf() -> bytes:
    return render_pdf(LETTER)


def test_the_pdf_is_one_a4_page_whose_text_extracts(one_page_pdf: bytes) -> None:
    assert one_page_pdf.startswith(b"%PDF-")
    [(width, height, text)] = pages_of(one_page_pdf)
    assert_a4(width, height)
    for expected in (
        TITLE,
        "威政公开〔2026〕第12号",
        "张三：",
        "本机关于2026年11月20日收到您（单位）提出的政府信息公开申请",
        "予以公开",
        BASIS,
        "www.weihai.gov.cn",
        REMEDY,
        "60日",
        "6个月",
        "威海市人民政府办公室",
        "2026年12月3日",
    ):
        assert expected in text, expected
    assert "—" not in text  # a one-page letter carries no page number


def test_the_pdf_embeds_a_subset_of_a_truetype_cjk_font(one_page_pdf: bytes) -> None:
    page = PdfReader(io.BytesIO(one_page_pdf)).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    [font] = fonts
    assert font["/Subtype"] == "/Type0"
    assert font["/Encoding"] == "/Identity-H"
    tag, _, _name = str(font["/BaseFont"]).lstrip("/").partition("+")
    assert len(tag) == 6 and tag.isupper()  # a subset's tag
    descendant = font["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]
    assert "/ToUnicode" in font


def test_a_long_letter_runs_onto_numbered_a4_pages() -> None:
    item = "本项信息已于2026年在本机关门户网站公开，可在线查阅。" * 2
    body = "\n".join(f"第{n}项：{item}" for n in range(40))
    pages = pages_of(render_pdf(replace(LETTER, body=body)))
    assert len(pages) >= 2
    for number, (width, height, text) in enumerate(pages, 1):
        assert_a4(width, height)
        assert f"— {number} —" in text
    assert TITLE in pages[0][2]
    assert TITLE not in pages[-1][2]
    # Without its page number each page's text joins into the letter's.
    whole = "".join(re.sub(r"— \d+ —", "", text) for _, _, text in pages)
    assert REMEDY in whole
    assert "第39项" in whole
    # The signature does not stand alone: the remedy's last lines came along with it.
    last = pages[-1][2]
    assert not last.startswith("威海市人民政府办公室")
    assert last.endswith(f"提起行政诉讼。威海市人民政府办公室2026年12月3日— {len(pages)} —")


def test_the_paragraphs_run_in_the_letter_order() -> None:
    paragraphs = letter_paragraphs(LETTER)
    assert [p.kind for p in paragraphs] == [
        "title",
        "number",
        "salutation",
        "text",
        "text",
        "text",
        "text",
        "text",
        "signature",
        "date",
    ]
    assert [p.text for p in paragraphs] == [
        "政府信息公开申请答复书",
        "威政公开〔2026〕第12号",
        "张三：",
        "本机关于2026年11月20日收到您（单位）提出的政府信息公开申请，"
        "申请获取“2025年度城区道路改造工程的招标文件及中标结果”。现答复如下：",
        f"经审查，根据{BASIS}的规定，本机关决定：予以公开。",
        "您申请的信息已主动公开，可在威海市人民政府门户网站（www.weihai.gov.cn）查阅。",
        "相关文件随本答复书提供。",
        REMEDY,
        "威海市人民政府办公室",
        "2026年12月3日",
    ]


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("张三", "张三："),
        ("威海海通科技有限公司", "威海海通科技有限公司："),  # an organisation by its name
        (" 张三　", "张三："),
        # a name that shows nothing (kept before the forms refused one): 申请人, not a bare "："
        ("\u200b", "申请人："),
        ("\u3164\u200d", "申请人："),
        ("", "申请人："),
    ],
)
def test_the_salutation_always_names_the_applicant(name: str, greeting: str) -> None:
    paragraphs = letter_paragraphs(replace(LETTER, applicant_name=name))
    (salutation,) = [p for p in paragraphs if p.kind == "salutation"]
    assert salutation.text == greeting


def test_fee_and_attachments_appear_only_when_present() -> None:
    plain = [p.text for p in letter_paragraphs(LETTER)]
    assert not any("信息处理费" in text or "附件" in text for text in plain)

    charged = replace(
        LETTER,
        fee_yuan=100,
        fee_method_zh="按件计收",
        attachments=("2025年度道路改造工程招标文件", "中标结果公告"),
    )
    texts = [p.text for p in letter_paragraphs(charged)]
    fee = "根据《政府信息公开信息处理费管理办法》，本机关按件收取信息处理费100元。"
    attached = "附件：1.2025年度道路改造工程招标文件；2.中标结果公告"
    # After the body, before the remedy paragraph and the signature.
    assert texts[-5:] == [fee, attached, REMEDY, "威海市人民政府办公室", "2026年12月3日"]
    [(_, _, text)] = pages_of(render_pdf(charged))
    assert "按件收取信息处理费100元" in text and "2.中标结果公告" in text

    one = replace(LETTER, fee_yuan=30, fee_method_zh="按量计收", attachments=("中标结果公告",))
    texts = [p.text for p in letter_paragraphs(one)]
    assert "根据《政府信息公开信息处理费管理办法》，本机关按量收取信息处理费30元。" in texts
    assert "附件：中标结果公告" in texts


def test_the_decision_paragraph_reads_without_a_basis_or_doubled_stop() -> None:
    refused = replace(LETTER, decision_zh="不予公开（属于国家秘密）。", basis="")
    decision = letter_paragraphs(refused)[4]
    assert decision.text == "经审查，本机关决定：不予公开（属于国家秘密）。"


def test_a_letter_without_number_leaves_the_number_line_out() -> None:
    kinds = [p.kind for p in letter_paragraphs(replace(LETTER, tracking_number=" "))]
    assert kinds[:3] == ["title", "salutation", "text"]


def test_a_negative_fee_is_refused() -> None:
    with pytest.raises(ValueError, match="fee_yuan"):
        replace(LETTER, fee_yuan=-1)


def test_remedy_text_names_the_bodies_it_is_given() -> None:
    assert remedy_text(AGENCY) == REMEDY
    bare = AgencyProfile(name="某县人民政府办公室", address="某县")
    assert remedy_text(bare) == (
        "如对本答复不服，可以在收到本答复之日起60日内申请行政复议，或者在6个月内提起行政诉讼。"
    )
    court_only = replace(bare, court="某县人民法院", reconsideration_days=30, litigation_months=3)
    assert remedy_text(court_only) == (
        "如对本答复不服，可以在收到本答复之日起30日内申请行政复议，"
        "或者在3个月内向某县人民法院提起行政诉讼。"
    )


def test_chinese_date_has_no_leading_zeros() -> None:
    assert chinese_date(date(2026, 12, 3)) == "2026年12月3日"
    assert chinese_date(date(2027, 1, 15)) == "2027年1月15日"


def test_a_missing_font_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = str(tmp_path / "no-such-font.ttc")
    monkeypatch.setenv("GONGKAI_CJK_FONT", missing)
    with pytest.raises(CJKFontError) as raised:
        render_pdf(LETTER)
    assert missing in str(raised.value)
    assert "fonts-arphic-uming" in str(raised.value)


def test_no_debian_font_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GONGKAI_CJK_FONT", raising=False)
    monkeypatch.setattr(letter_module, "FONT_CANDIDATES", (tmp_path / "x.ttc",))
    with pytest.raises(CJKFontError, match="apt-get install fonts-arphic-uming"):
        render_pdf(LETTER)


def test_a_cff_outline_font_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    otf = tmp_path / "cff.otf"
    otf.write_bytes(b"OTTO" + bytes(60))
    collection = tmp_path / "cff.ttc"
    collection.write_bytes(b"ttcf" + bytes([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 16]) + b"OTTO")
    for font in (otf, collection):
        monkeypatch.setenv("GONGKAI_CJK_FONT", str(font))
        with pytest.raises(CJKFontError, match="CFF"):
            render_pdf(LETTER)


def test_an_overriding_font_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    font = letter_module.cjk_font_path()
    monkeypatch.setenv("GONGKAI_CJK_FONT", str(font))
    assert letter_module.cjk_font_path() == font
    [(_, _, text)] = pages_of(render_pdf(LETTER))
    assert TITLE in text


def test_wrapping_breaks_between_characters_but_keeps_marks_and_words() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert _wrap("一二三四五六七", 3, width) == ["一二三", "四五六", "七"]
    assert _wrap("一二三四五六七", 3, width, first_width=1) == ["一", "二三四", "五六七"]
    # A closing mark never starts a line, an opening mark never ends one.
    assert _wrap("一二三，四五", 3, width) == ["一二", "三，四", "五"]
    assert _wrap("一二“三四", 3, width) == ["一二", "“三四"]
    # A Latin word or number moves whole to the next line, unless it is too long to.
    assert _wrap("一二三四ab", 5, width) == ["一二三四", "ab"]
    assert _wrap("abcdefgh", 3, width) == ["abc", "def", "gh"]
    assert _wrap("", 3, width) == [""]


#: a text of many distinct characters: most in the font, the rest (Extension B) not
MANY_CHARACTERS = "".join(chr(0x4E00 + i) for i in range(15_000)) + "".join(
    chr(0x20000 + i) for i in range(10_000)
)


def test_a_letter_of_many_distinct_characters_is_made_in_bounded_time() -> None:
    # Each distinct glyph's outline was decoded and encoded again, and each character the
    # font lacks scanned a list: this letter took about 15 s of a worker's time.
    started = time.process_time()
    pdf = render_pdf(replace(LETTER, body=MANY_CHARACTERS))
    assert time.process_time() - started < 5
    pages = pages_of(pdf)
    assert "丁" in pages[0][2]
