"""Searching the catalogue and the public list: words, numbers, filters, pages, need to know.

Every test runs on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm); the last
ones build 100,000 documents and read the query plans of both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient

from engine import Database, Engine, FormValidationError
from engine.clock import ManualClock
from engine.disclosure import catalogue as catalogue_module
from engine.disclosure import search
from engine.disclosure.search import (
    SHORT_WINDOW,
    Cursor,
    DocumentQuery,
    parse_query,
    public_addresses,
    public_id,
)
from engine.store import schema

from .conftest import CHEAP_PASSWORDS, DATABASES, fresh_database_url
from .search_data import RARE, RARE_AT, add_document, fill
from .web import Browser

SITE = "https://gongkai.example.gov.cn/public/"


@pytest.fixture
def office(db: Database, clock: ManualClock) -> Engine:
    """The engine over documents written straight into the tables, with a reader of each kind.

    (Not the ``engine`` fixture: these documents have no history to replay.)
    """
    engine = Engine(db, clock, password_method=CHEAP_PASSWORDS)
    engine.users.add("office", ["office"])
    engine.users.add("drafter", ["drafter"])
    engine.users.add("other", ["drafter"])
    return engine


def query(public: bool = True, **args: str) -> DocumentQuery:
    return parse_query(args, public=public)


def public_titles(engine: Engine, **args: str) -> list[str]:
    page = engine.catalogue.search_public(query(**args), SITE, limit=200)
    return [hit.document.title for hit in page.hits]


def staff_titles(engine: Engine, reader: str, **args: str) -> list[str]:
    page = engine.catalogue.search(reader, query(public=False, **args), limit=200)
    return [hit.document.title for hit in page.hits]


# -- what a search form may ask -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field", "code"),
    [
        ({"year": "abc"}, "year", "form.whole_number"),
        ({"year": "二〇二六"}, "year", "form.whole_number"),
        ({"year": "-2026"}, "year", "form.whole_number"),
        ({"year": "99999"}, "year", "form.range"),
        ({"type": "memo"}, "type", "form.not_a_choice"),
        ({"q": "x" * 101}, "q", "form.too_long"),
        ({"q": "一 二 三 四 五 六 七 八 九"}, "q", "search.too_many_words"),
        ({"q": "公开\x00"}, "q", "text.control_character"),
        ({"q": "公开\u202e"}, "q", "text.direction_character"),
        ({"number": "〔2026〕" * 20}, "number", "form.too_long"),
        ({"before": "yesterday"}, "before", "search.bad_page"),
        ({"before": "2026-01-01T00:00:00+00:00~0"}, "before", "search.bad_page"),
    ],
)
def test_a_bad_search_names_the_field_and_what_is_wrong(
    args: dict[str, str], field: str, code: str
) -> None:
    with pytest.raises(FormValidationError) as refused:
        parse_query(args, public=True)
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field][0].code == code


def test_the_public_list_takes_no_attribute_or_department_and_staff_a_bad_attribute_is_named() -> (
    None
):
    assert parse_query({"attribute": "withheld", "department": "x"}, public=True) == (
        DocumentQuery()
    )
    with pytest.raises(FormValidationError) as refused:
        parse_query({"attribute": "secret"}, public=False)
    assert list(refused.value.errors) == ["attribute"]


def test_a_year_typed_in_full_width_digits_is_a_year() -> None:
    assert query(year="２０２６").year == 2026


def test_a_number_is_read_as_documents_write_it() -> None:
    assert query(number=" 威政办发［2026］12号 ").number == "威政办发〔2026〕12号"
    assert query(number="(２０２６)１２").number == "〔2026〕12"
    assert query(number="【2026】 12 号").number == "〔2026〕12号"


def test_a_cursor_reads_back_what_it_wrote() -> None:
    cursor = Cursor("2026-01-02T00:00:00.000007+00:00", 7)
    assert Cursor.parse(str(cursor)) == cursor
    assert Cursor.parse("2026-01-02~x") is None
    assert Cursor.parse("~7") is None


def test_the_words_are_split_by_spaces_of_either_width_and_kept_once() -> None:
    assert query(q="  政务公开\u3000工作要点 政务公开 ").words == ("政务公开", "工作要点")


def test_public_pages_are_recognised_by_their_address_on_either_scheme() -> None:
    assert public_id("https://gongkai.example.gov.cn/public/12", SITE) == 12
    assert public_id("http://gongkai.example.gov.cn/public/12/", SITE) == 12
    assert public_id("https://elsewhere.gov.cn/public/12", SITE) is None
    assert public_id("https://gongkai.example.gov.cn/public/12/x", SITE) is None
    assert public_id("https://gongkai.example.gov.cn/public/0", SITE) is None
    assert public_id(None, SITE) is None
    assert len(public_addresses([12], SITE)) == 4


def test_an_excerpt_marks_the_words_found() -> None:
    text = "前言。" * 30 + "现将海洋牧场示范区建设有关事项通知如下。" + "后记。" * 30
    pieces = search.excerpt(text, ["海洋牧场", "通知"])
    assert [p for p, found in pieces if found] == ["海洋牧场", "通知"]
    joined = "".join(p for p, _ in pieces)
    assert joined.startswith("…") and joined.endswith("…") and len(joined) < 130
    assert search.excerpt(text, ["没有的词"]) == ()


# -- finding -----------------------------------------------------------------------------


def test_a_document_is_found_by_a_word_of_its_text_in_chinese(office: Engine) -> None:
    add_document(office.db, "关于开展政务公开培训的通知", "请各单位选派人员参加海洋牧场管理培训。")
    add_document(office.db, "关于做好防汛工作的通知", "各单位要做好汛期值班。")
    assert public_titles(office, q="海洋牧场") == ["关于开展政务公开培训的通知"]
    assert public_titles(office, q="政务公开培训") == ["关于开展政务公开培训的通知"]
    assert staff_titles(office, "office", q="汛期值班") == ["关于做好防汛工作的通知"]
    # every word must be there, in the title or the text
    assert public_titles(office, q="海洋牧场 防汛工作") == []
    assert public_titles(office, q="做好防汛 汛期值班") == ["关于做好防汛工作的通知"]
    # Latin letters match in either case
    add_document(office.db, "关于推广OFD版式文件的通知", "统一使用ofd格式。")
    assert public_titles(office, q="OFD格式") == ["关于推广OFD版式文件的通知"]


@pytest.mark.parametrize(
    "words",
    [
        '"',
        '""',
        "*",
        "NEAR(",
        "NEAR(公开 文件",
        "%",
        "_",
        "%%%",
        "\\",
        "a*b",
        "公开 OR 文件",
        "{title} : 公开",
        "^公开",
        "'; DROP TABLE documents; --",
        "(((",
        "公开-",
        "-公开",
        "C:\\公开\\文件",
    ],
)
def test_words_are_taken_literally_never_as_search_syntax(office: Engine, words: str) -> None:
    special = add_document(office.db, "特殊字符", f"正文含有 {words} 字样。")
    add_document(office.db, "另一份文件", "正文里什么符号也没有，只有公开二字。")
    public = office.catalogue.search_public(query(q=words), SITE)
    staff = office.catalogue.search("office", query(public=False, q=words))
    for page in (public, staff):
        for hit in page.hits:
            seen = (
                hit.document.title + hit.document.official_text + hit.document.number
            ).casefold()
            assert all(w.casefold() in seen for w in words.split()), (words, hit.document.title)
    if any(len(w) >= 3 for w in words.split()):
        # a word the full-text index looks for: the document that holds them all is found
        assert special in [h.document.id for h in public.hits], words
        assert special in [h.document.id for h in staff.hits], words


def test_a_percent_sign_or_underscore_matches_only_itself(office: Engine) -> None:
    add_document(office.db, "增长百分之五", "同比增长5%左右的目标。")
    add_document(office.db, "没有符号", "同比增长五成左右。")
    add_document(office.db, "下划线", "文件名为a_b.pdf。")
    assert public_titles(office, q="5%左右") == ["增长百分之五"]
    assert public_titles(office, q="增长%左右") == []
    assert public_titles(office, q="a_b") == ["下划线"]
    assert public_titles(office, q="a%b") == []


def test_short_words_are_looked_for_in_titles_and_numbers_of_the_newest(office: Engine) -> None:
    add_document(office.db, "关于住房补贴的通知", "正文。")
    add_document(office.db, "关于交通管理的通知", "住房二字只在正文里。")
    page = office.catalogue.search_public(query(q="住房"), SITE)
    assert page.titles_only
    assert [h.document.title for h in page.hits] == ["关于住房补贴的通知"]
    assert page.next_before is None
    # a short word beside a long one is looked for anywhere in what the long one found
    assert public_titles(office, q="住房 二字只在") == ["关于交通管理的通知"]


def test_a_short_search_reads_a_bounded_window_and_offers_to_go_on(office: Engine) -> None:
    fill(office.db, 2 * SHORT_WINDOW, start=1000)  # seven in ten of them published
    # the only title with this word is older than the newest SHORT_WINDOW documents
    old = add_document(office.db, "旧文件", "正文。")
    with office.db.write_engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "UPDATE documents SET title = :title, disclosed_title = :title, "
                "published_at = '2000-01-01T00:00:00.000000+00:00' WHERE id = :id"
            ),
            {"title": "关于某某某的通知", "id": old},
        )
    first = office.catalogue.search_public(query(q="某某"), SITE)
    assert first.titles_only and first.hits == () and first.next_before is not None
    following = office.catalogue.search_public(query(q="某某", before=first.next_before), SITE)
    assert [h.document.id for h in following.hits] == [old]
    assert following.next_before is None


def test_a_document_is_found_by_part_of_its_number(office: Engine) -> None:
    twelve = add_document(office.db, "第一份", prefix="威政办发", year=2026)
    for _ in range(11):
        add_document(office.db, "别的文件", prefix="威政办发", year=2026)
    add_document(office.db, "明年的", prefix="威政办发", year=2027)
    add_document(office.db, "别的机关", prefix="威政发", year=2026)

    def numbers(**args: str) -> list[str]:
        page = office.catalogue.search("office", query(public=False, **args), limit=200)
        return sorted(h.document.number for h in page.hits)

    assert numbers(number="威政办发〔2026〕1号") == ["威政办发〔2026〕1号"]
    assert numbers(number="[2026]11") == ["威政办发〔2026〕11号"]
    assert numbers(number="〔2027〕") == ["威政办发〔2027〕13号"]
    assert numbers(number="威政发") == ["威政发〔2026〕1号"]
    assert numbers(number="12") == ["威政办发〔2026〕12号"]  # two characters: the short way
    assert numbers(number="1号") == sorted(
        ["威政办发〔2026〕1号", "威政办发〔2026〕11号", "威政发〔2026〕1号"]
    )
    # the words box finds a number too
    assert [
        h.document.id
        for h in office.catalogue.search_public(query(q="威政办发〔2026〕1号"), SITE).hits
    ] == [twelve]


def test_filters_by_year_type_attribute_and_department(office: Engine) -> None:
    office.users.add("admin", ["admin"])
    office.users.add_department("admin", "综合处")
    office.users.add("zhang", ["drafter"], department="综合处")
    add_document(office.db, "二〇二五年的规范性文件", doc_type="normative", year=2025)
    add_document(office.db, "二〇二六年的政策性文件", doc_type="policy", year=2026, drafter="zhang")
    add_document(office.db, "依申请公开的文件", attribute="on_request", year=2026)
    add_document(office.db, "不予公开的文件", attribute="withheld", year=2026)
    assert public_titles(office, year="2025") == ["二〇二五年的规范性文件"]
    assert public_titles(office, type="policy") == ["二〇二六年的政策性文件"]
    assert public_titles(office, year="2026", type="normative") == []
    assert staff_titles(office, "office", attribute="withheld") == ["不予公开的文件"]
    assert staff_titles(office, "office", year="2026", attribute="on_request") == [
        "依申请公开的文件"
    ]
    assert staff_titles(office, "office", department="综合处") == ["二〇二六年的政策性文件"]
    with pytest.raises(FormValidationError) as refused:
        staff_titles(office, "office", department="没有这个处")
    assert list(refused.value.errors) == ["department"]


def test_pages_go_through_every_document_once_newest_first(office: Engine) -> None:
    ids = [add_document(office.db, f"第{n}号文件", "政务公开正文。") for n in range(1, 46)]
    for args, reader in (({}, None), ({"q": "政务公开"}, None), ({}, "office")):
        seen: list[int] = []
        before: str | None = None
        pages = 0
        while True:
            paged = dict(args, **({"before": before} if before else {}))
            if reader is None:
                page = office.catalogue.search_public(query(**paged), SITE, limit=20)
            else:
                page = office.catalogue.search(reader, query(public=False, **paged), limit=20)
            seen += [h.document.id for h in page.hits]
            pages += 1
            if page.next_before is None:
                break
            before = page.next_before
        assert seen == sorted(ids, reverse=True), (args, reader)
        assert pages == 3


# -- who sees what ----------------------------------------------------------------------


def test_the_public_never_finds_what_is_not_published_nor_the_original_text(
    office: Engine,
) -> None:
    add_document(
        office.db,
        "关于王小明同志任职的通知",
        "王小明，电话13912345678，任政务公开办主任。",
        disclosed_title="关于王某某同志任职的通知",
        disclosed_text="王某某，电话139****5678，任政务公开办主任。",
    )
    add_document(office.db, "待发布的政务公开文件", "政务公开办主任的职责。", published=False)
    add_document(office.db, "不予公开的政务公开文件", "政务公开办主任。", attribute="withheld")
    add_document(office.db, "依申请公开的政务公开文件", "政务公开办主任。", attribute="on_request")
    assert public_titles(office, q="政务公开办主任") == ["关于王某某同志任职的通知"]
    for secret in ("王小明", "13912345678", "小明同志"):
        assert public_titles(office, q=secret) == [], secret
    (hit,) = office.catalogue.search_public(query(q="政务公开办"), SITE).hits
    assert hit.document.official_text == "王某某，电话139****5678，任政务公开办主任。"
    assert "王小明" not in "".join(p for p, _ in hit.excerpt)
    assert hit.document.drafter is None and not hit.document.full


def test_the_catalogue_searches_originals_only_where_the_reader_may_read_them(
    office: Engine,
) -> None:
    mine = add_document(
        office.db,
        "关于王小明同志任职的通知",
        "王小明任政务公开办主任。",
        disclosed_title="关于王某某同志任职的通知",
        disclosed_text="王某某任政务公开办主任。",
        drafter="drafter",
    )
    draft = add_document(
        office.db, "尚未发布的内部文件", "内部事项安排。", published=False, drafter="drafter"
    )
    with office.db.write_engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO instance_participants (instance_id, username) "
                "SELECT instance_id, 'drafter' FROM documents WHERE id IN (:a, :b)"
            ),
            {"a": mine, "b": draft},
        )
    # the drafter worked on both: he finds them by the original words
    assert staff_titles(office, "drafter", q="王小明") == ["关于王小明同志任职的通知"]
    assert staff_titles(office, "drafter", q="内部事项") == ["尚未发布的内部文件"]
    # another drafter sees the published one as the public does, and never the other
    assert staff_titles(office, "other", q="王小明") == []
    assert staff_titles(office, "other", q="内部事项") == []
    assert staff_titles(office, "other", q="王某某") == ["关于王某某同志任职的通知"]
    (hit,) = office.catalogue.search("other", query(public=False)).hits
    assert not hit.document.full and hit.document.official_text == "王某某任政务公开办主任。"
    # the office reads everything
    assert staff_titles(office, "office", q="内部事项") == ["尚未发布的内部文件"]
    assert staff_titles(office, "office", q="王小明") == ["关于王小明同志任职的通知"]


def test_the_catalogue_shows_each_reader_what_need_to_know_lets_him_read(app: Flask) -> None:
    from .test_authorization import EVERYONE, build_cases

    engine: Engine = app.extensions["gongkai.engine"]
    build_cases(engine)
    for user in EVERYONE:
        # list_documents decides row by row in Python; the search decides in SQL
        expected = {d.id: d.full for d in engine.catalogue.list_documents(user)}
        page = engine.catalogue.search(user, DocumentQuery(), limit=200)
        assert {h.document.id: h.document.full for h in page.hits} == expected, user


def test_a_task_one_may_not_take_does_not_open_the_original(office: Engine) -> None:
    secret = add_document(
        office.db,
        "关于李大伟的处分决定",
        "李大伟违反工作纪律。",
        disclosed_title="关于李某的处分决定",
        disclosed_text="李某违反工作纪律。",
    )
    with office.db.write_engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO work_items (task_id, instance_id, element_id, name, role, form, "
                "excluded_users, allowed_users, created_at, overdue, due_provisional) "
                "SELECT '00000000-0000-4000-8000-000000000001', instance_id, 'x', 'x', "
                "'drafter', 'x', :excluded, :allowed, '2026-01-01', :no, :no "
                "FROM documents WHERE id = :id"
            ),
            {"excluded": "[]", "allowed": '["drafter"]', "id": secret, "no": False},
        )
    # a task of his group held for someone else: SQL lets it by, the engine's policy does not
    assert staff_titles(office, "other", q="李大伟") == []
    assert staff_titles(office, "other", q="李某") == ["关于李某的处分决定"]
    assert staff_titles(office, "drafter", q="李大伟") == ["关于李大伟的处分决定"]


# -- a policy and its interpretation -----------------------------------------------------


def test_a_policy_and_its_interpretation_are_linked_both_ways(office: Engine) -> None:
    interpretation = add_document(office.db, "《住房补贴办法》政策解读", "一问一答。")
    policy = add_document(
        office.db,
        "住房补贴办法",
        "第一条 为了……",
        doc_type="policy",
        interpretation_title="《住房补贴办法》政策解读",
        interpretation_url=f"{SITE}{interpretation}",
    )
    elsewhere = add_document(
        office.db,
        "交通补贴办法",
        "第一条",
        doc_type="policy",
        interpretation_title="图解交通补贴办法",
        interpretation_url="https://www.example.gov.cn/jd/9.html",
    )
    page = office.catalogue.public_page(policy, SITE)
    assert page.interpretation is not None and page.interpretation.id == interpretation
    assert page.interpretation.official_text == "一问一答。"
    back = office.catalogue.public_page(interpretation, SITE)
    assert [p.id for p in back.interprets] == [policy]
    assert back.interpretation is None
    other = office.catalogue.public_page(elsewhere, SITE)
    assert other.interpretation is None and other.interprets == ()
    hits = {h.document.id: h for h in office.catalogue.search_public(query(), SITE).hits}
    assert hits[policy].interpretation_id == interpretation
    assert hits[interpretation].interprets == ((policy, "住房补贴办法"),)
    assert hits[elsewhere].interpretation_id is None
    # without knowing its own address, nothing is linked
    assert office.catalogue.public_page(policy).interpretation is None


def test_an_interpretation_that_is_not_published_is_not_linked(office: Engine) -> None:
    hidden = add_document(office.db, "解读（未发布）", "内部稿。", published=False)
    policy = add_document(
        office.db,
        "某政策",
        "正文",
        doc_type="policy",
        interpretation_title="解读",
        interpretation_url=f"{SITE}{hidden}",
    )
    assert office.catalogue.public_page(policy, SITE).interpretation is None
    (hit,) = office.catalogue.search_public(query(), SITE).hits
    assert hit.interpretation_id is None


# -- the pages ---------------------------------------------------------------------------


def test_the_public_list_searches_and_shows_a_clear_message_for_a_bad_filter(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/public/?q=先审查后公开")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "关于印发2026年政务公开工作要点的通知" in html
    assert "<mark>先审查后公开</mark>" in html
    bad = client.get("/public/?year=abc&q=公开")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "须为整数" in text and 'aria-invalid="true"' in text and 'value="公开"' in text
    assert client.get("/public/?type=memo").status_code == 400
    assert client.get("/public/?before=x").status_code == 400
    for words in ['"', "*", "NEAR(", "%", "(((", "'"]:
        assert client.get("/public/", query_string={"q": words}).status_code == 200, words
    nothing = client.get("/public/?q=没有这样的文件内容").get_data(as_text=True)
    assert "没有找到符合条件的信息" in nothing


def test_the_public_list_pages_with_a_next_link(app: Flask, client: FlaskClient) -> None:
    engine: Engine = app.extensions["gongkai.engine"]
    for n in range(25):
        add_document(engine.db, f"批量发布的第{n}号通知", "政务公开。")
    first = client.get("/public/?q=批量发布").get_data(as_text=True)
    assert first.count('class="result-title"') == 20
    link = re.search(r'href="(/public/\?[^"]*before=[^"]+)"', first)
    assert link is not None and "q=" in link.group(1)
    second = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('class="result-title"') == 5
    assert "下一页" not in second and "回到第一页" in second


def test_the_catalogue_searches_for_staff_and_keeps_need_to_know(
    app: Flask, client: FlaskClient
) -> None:
    browser = Browser(client).login("wangwu")
    html = browser.get("/documents?q=政务公开工作要点")
    assert "关于印发2026年政务公开工作要点的通知" in html
    assert 'id="s-department"' in html and 'id="s-attribute"' in html
    assert client.get("/documents?year=20x6").status_code == 400
    assert client.get("/documents?department=不存在的处").status_code == 400
    assert client.get("/documents?attribute=secret").status_code == 400


def test_a_policy_page_shows_its_interpretation_beside_it(app: Flask, client: FlaskClient) -> None:
    engine: Engine = app.extensions["gongkai.engine"]
    interpretation = add_document(engine.db, "《办法》政策解读", "解读正文：为什么出台。")
    policy = add_document(
        engine.db,
        "某某办法",
        "第一条 正文。",
        doc_type="policy",
        interpretation_title="《办法》政策解读",
        interpretation_url=f"http://localhost/public/{interpretation}",
    )
    html = client.get(f"/public/{policy}").get_data(as_text=True)
    assert "side-by-side" in html and "解读正文：为什么出台。" in html
    assert f'href="/public/{interpretation}"' in html
    back = client.get(f"/public/{interpretation}").get_data(as_text=True)
    assert "解读的政策" in back and f'href="/public/{policy}"' in back
    listed = client.get("/public/?type=policy").get_data(as_text=True)
    assert "政策解读：" in listed and f'href="/public/{interpretation}"' in listed


# -- many documents: the query plans ------------------------------------------------------

#: documents the plans are read over
MANY = 100_000
#: the plans seen, printed at the end of the test (pytest -s shows them)
REPORT: dict[str, tuple[str, int]] = {}


@pytest.fixture(params=DATABASES)
def many(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine over MANY documents written straight into a freshly migrated database."""
    with fresh_database_url(request.param, tmp_path) as url:
        db = Database.connect(url)
        try:
            schema.upgrade(db)
            engine = Engine(db, password_method=CHEAP_PASSWORDS)
            engine.users.add("office", ["office"])
            engine.users.add("drafter", ["drafter"])
            fill(db, MANY)
            yield engine
        finally:
            db.dispose()


class Plans:
    """The statements the catalogue ran, explained on their database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[Any] = []

    def spy(self) -> Any:
        read_page = catalogue_module._read_page

        def recording(repo: Any, plan: search.Plan, query: DocumentQuery) -> Any:
            self.statements.append(plan.statements(query.before)[0])
            return read_page(repo, plan, query)

        return mock.patch.object(catalogue_module, "_read_page", recording)

    def explain(self, run: Callable[[], object]) -> tuple[str, int]:
        """Run a search; return its page query's plan and what it read.

        What it read: on PostgreSQL the rows its scans of documents returned or
        filtered out (EXPLAIN ANALYZE); on SQLite, which does not count rows,
        the virtual machine's steps running it.
        """
        self.statements.clear()
        with self.spy():
            run()
        (statement,) = self.statements
        db = self.engine.db
        compiled = statement.compile(
            dialect=db.read_engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        with db.read_engine.connect() as connection:
            if db.is_sqlite:
                params = tuple(compiled.params[name] for name in compiled.positiontup or ())
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
                text = "\n".join(row[3] for row in plan)
                return text, vm_steps(connection, str(compiled), params)
            return _postgresql_plan(connection, str(compiled), compiled.params)


def vm_steps(connection: Any, sql: str, params: tuple[Any, ...] = ()) -> int:
    """Return about how many SQLite virtual-machine steps running ``sql`` takes."""
    raw = connection.connection.driver_connection
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    raw.set_progress_handler(count, 100)
    try:
        connection.exec_driver_sql(sql, params).all()
    finally:
        raw.set_progress_handler(None, 0)
    return steps[0] * 100


#: the plan nodes that read rows of a table
_SCANS = ("Index Scan", "Index Only Scan", "Seq Scan", "Bitmap Heap Scan")


def _postgresql_plan(connection: Any, sql: str, params: dict[str, Any]) -> tuple[str, int]:
    """Return PostgreSQL's plan of ``sql`` (one node a line) and the rows of documents it read."""
    result = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
    found = result.scalar_one()
    plan = (found if isinstance(found, list) else json.loads(found))[0]["Plan"]
    lines: list[str] = []
    read = 0

    def walk(node: dict[str, Any], depth: int) -> None:
        nonlocal read
        name = node["Node Type"]
        if node.get("Scan Direction") == "Backward":
            name += " Backward"
        if "Index Name" in node:
            name += f" using {node['Index Name']}"
        if node.get("Relation Name"):
            name += f" on {node['Relation Name']}"
        lines.append("  " * depth + name)
        if node.get("Relation Name") == "documents" and node["Node Type"] in _SCANS:
            removed = node.get("Rows Removed by Filter", 0)
            read += (node["Actual Rows"] + removed) * node.get("Actual Loops", 1)
        for child in node.get("Plans", ()):
            walk(child, depth + 1)

    walk(plan, 0)
    return "\n".join(lines), read


def test_pages_over_100000_documents_use_the_indexes_and_read_a_bounded_number_of_rows(
    many: Engine,
) -> None:
    plans = Plans(many)
    catalogue = many.catalogue
    sqlite = many.db.is_sqlite

    def public(**args: str) -> tuple[str, int]:
        return plans.explain(lambda: catalogue.search_public(query(**args), SITE))

    def staff(reader: str, **args: str) -> tuple[str, int]:
        return plans.explain(lambda: catalogue.search(reader, query(public=False, **args)))

    # the cursor of a page halfway down the list: it costs what the first page costs
    deep = str(Cursor("2025-06-02T00:00:00.050000+00:00", 50000))
    public_order = "ix_documents_attribute_published"
    # (plan and what it read, the indexes that give its order, the rows it may read)
    plain = search.PUBLIC_PAGE + 1
    listed = {
        "public list": (public(), {public_order}, plain),
        "public list, a page deep in it": (public(before=deep), {public_order}, plain),
        "public list by year": (
            public(year="2023"),
            {"ix_documents_attribute_year_published", public_order},
            10 * plain,
        ),
        "public list by type": (
            public(type="policy"),
            {"ix_documents_attribute_type_published", public_order},
            10 * plain,
        ),
        "catalogue": (staff("office"), {"ix_documents_issued"}, search.CATALOGUE_PAGE + 1),
        "catalogue by year": (
            staff("office", year="2024"),
            {"ix_documents_year_issued", "ix_documents_issued"},
            10 * (search.CATALOGUE_PAGE + 1),
        ),
        "catalogue by attribute": (
            staff("office", attribute="on_request"),
            {"ix_documents_attribute_issued", "ix_documents_issued"},
            10 * (search.CATALOGUE_PAGE + 1),
        ),
        "catalogue by type": (
            staff("office", type="normative"),
            {"ix_documents_type_issued", "ix_documents_issued"},
            10 * (search.CATALOGUE_PAGE + 1),
        ),
    }
    # A plain page reads its rows from an index in order: no sort, a bounded number of rows.
    # (PostgreSQL may take the order's index and filter, when the filter keeps many rows.)
    full_scan = _full_scan_cost(many)
    dialect = many.db.write_engine.dialect.name
    for name, ((plan, read), indexes, bound) in listed.items():
        REPORT[f"{dialect}: {name}"] = (plan, read)
        assert any(index in plan for index in indexes), f"{name}: {plan}"
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, f"{name} sorts: {plan}"
        assert "Seq Scan" not in plan and "SCAN documents\n" not in plan + "\n", plan
        if sqlite:
            assert read * 20 < full_scan, f"{name}: {read} VM steps, a full scan {full_scan}"
        else:
            assert read <= bound, f"{name} read {read} rows: {plan}"

    # Words: the trigram index finds them (FTS5 on SQLite, pg_trgm's GIN on PostgreSQL).
    # SQLite asks FTS5 for the few documents a rare word is in and reads just those.
    rare = {
        "public words": public(q=RARE),
        "public number": public(number="〔2023〕7777"),
        "catalogue words": staff("office", q=RARE),
        "a drafter's words": staff("drafter", q=RARE),
    }
    for name, (plan, read) in rare.items():
        REPORT[f"{dialect}: {name}"] = (plan, read)
        if sqlite:
            assert "USING INTEGER PRIMARY KEY" in plan, f"{name}: {plan}"
            assert read * 20 < full_scan, f"{name}: {read} VM steps, a full scan {full_scan}"
        else:
            assert "_trgm" in plan, f"{name}: {plan}"
            assert read <= 50, f"{name} read {read} rows: {plan}"
    if sqlite:
        with many.db.read_engine.connect() as connection:
            fts = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT rowid FROM documents_fts "
                "WHERE documents_fts MATCH ? LIMIT 1001",
                (f'{{number disclosed_title disclosed_text}} : ("{RARE}")',),
            )
            plan = "\n".join(row[3] for row in fts)
        REPORT[f"{dialect}: the words asked of FTS5 first"] = (plan, 0)
        assert "documents_fts VIRTUAL TABLE INDEX" in plan, plan
    # A word in many documents: they are not rare, the page walks its order.
    plan, read = public(q="住房保障")
    REPORT[f"{dialect}: a word in one document of eleven"] = (plan, read)
    assert ("documents_fts VIRTUAL TABLE" if sqlite else "Index") in plan, plan

    # Short words: a window of the newest SHORT_WINDOW rows, read in index order.
    plan, read = public(q="住房")
    REPORT[f"{dialect}: short words"] = (plan, read)
    assert public_order in plan, plan
    if sqlite:
        assert read * 5 < full_scan, f"short words: {read} VM steps, a full scan {full_scan}"
    else:
        assert read <= 2 * SHORT_WINDOW + search.PUBLIC_PAGE + 1, f"short words read {read}"

    # and what they find is right
    (hit,) = catalogue.search_public(query(q=RARE), SITE).hits
    assert hit.document.id == RARE_AT
    print(f"\n{dialect}, {MANY} documents; a full scan: {full_scan or 'n/a'}")
    for name, (plan, read) in REPORT.items():
        if name.startswith(dialect):
            unit = "VM steps" if sqlite else "rows of documents read"
            print(f"-- {name}: {read} {unit}\n{plan}")


def _full_scan_cost(engine: Engine) -> int:
    """Return what reading every document costs on SQLite (VM steps), to compare pages with."""
    if not engine.db.is_sqlite:
        return 0
    with engine.db.read_engine.connect() as connection:
        raw = connection.connection.driver_connection
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        raw.set_progress_handler(count, 100)
        try:
            connection.exec_driver_sql(
                "SELECT count(*) FROM documents WHERE title LIKE '%没有%'"
            ).all()
        finally:
            raw.set_progress_handler(None, 0)
    return steps[0] * 100


# -- the migration ------------------------------------------------------------------------


def test_the_index_follows_every_write_and_the_migration_goes_down_and_up(
    db: Database, office: Engine
) -> None:
    first = add_document(office.db, "关于海洋牧场的通知", "正文一。")
    add_document(office.db, "另一份", "正文二。")
    with db.write_engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "UPDATE documents SET disclosed_title = '关于近海养殖的通知' WHERE id = :id"
            ),
            {"id": first},
        )
    assert public_titles(office, q="近海养殖") == ["关于近海养殖的通知"]
    assert public_titles(office, q="海洋牧场") == []
    assert staff_titles(office, "office", q="海洋牧场") == ["关于海洋牧场的通知"]
    _check_index(db)
    _downgrade(db, "0012")
    assert "documents_fts" not in sqlalchemy.inspect(db.write_engine).get_table_names()
    schema.upgrade(db)
    _check_index(db)
    assert staff_titles(office, "office", q="海洋牧场") == ["关于海洋牧场的通知"]
    with db.write_engine.begin() as connection:
        connection.execute(sqlalchemy.text("DELETE FROM documents WHERE id = :id"), {"id": first})
    assert staff_titles(office, "office", q="海洋牧场") == []
    _check_index(db)


def _downgrade(db: Database, revision: str) -> None:
    from alembic import command

    from engine.store.schema import _config

    with db.write_engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _check_index(db: Database) -> None:
    """Check that the full-text index is there and agrees with the documents."""
    with db.write_engine.begin() as connection:
        if db.is_sqlite:
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'documents'"
            ).scalars()
            assert {"documents_fts_insert", "documents_fts_delete", "documents_fts_update"} <= set(
                triggers
            )
            # FTS5 checks its external-content index against the table
            connection.exec_driver_sql(
                "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)"
            )
        else:
            # Only this schema's table: pg_indexes would describe every schema's indexes,
            # and other tests drop their schemas meanwhile.
            rows = connection.exec_driver_sql(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = 'documents'::regclass"
            ).all()
            indexes = [name for name, definition in rows if "gin_trgm_ops" in definition]
            assert sorted(indexes) == sorted(f"ix_documents_{c}_trgm" for c in search_columns())


def search_columns() -> tuple[str, ...]:
    return ("number", "title", "official_text", "disclosed_title", "disclosed_text")
