"""Searching documents: by words (Chinese full text), number, year, type, attribute, department.

Chinese has no spaces between words, so both databases index every run of
three characters (trigrams) of the searched columns (migration 0013): SQLite
an FTS5 table with the trigram tokenizer, PostgreSQL GIN indexes of pg_trgm
that serve ``ILIKE '%…%'``.  A word is always looked for literally: it is
quoted for FTS5 and escaped for LIKE, so ``"``, ``*``, ``NEAR(`` or ``%``
are characters like any other.

A trigram index cannot find a word shorter than three characters.  A
search of such words only looks in the titles and numbers of a bounded
window of the newest documents (``SHORT_WINDOW``); the page says so and
offers to go on into older ones, so that such a page never reads more.

Lists are paged by keyset (``before``: the sort key and id of the last row
shown) and read one row more than they show to know whether a next page
exists: no count of everything, and the same cost on the first page as on
the thousandth.  A list, filtered or not, reads its rows from an index in
its order; words cost what their matches cost (see ``word_match``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    tuple_,
)
from sqlalchemy.sql.util import ClauseAdapter

from ..access import is_id
from ..errors import FormValidationError, Problem
from ..text import text_problem
from .documents import ATTRIBUTES, DOC_TYPES
from .models import Document
from .views import DocumentView

#: rows a page of the public list shows, and of the catalogue
PUBLIC_PAGE = 20
CATALOGUE_PAGE = 50
#: how many of the newest documents a search by short words (one or two characters) reads
SHORT_WINDOW = 2000
#: what a trigram index needs of a word to find it
TRIGRAM = 3
#: up to how many documents a word matches SQLite reads them by id (see ``word_match``)
FEW_MATCHES = 1000
#: the longest search: characters of the words, how many words, characters of a number
MAX_WORDS_LENGTH = 100
MAX_WORDS = 8
MAX_NUMBER_LENGTH = 64
#: the years a document may be searched by
YEARS = (1000, 9999)
#: characters of text shown on either side of a word found
EXCERPT_CONTEXT = 40

#: the columns a reader who may read the document is searched in, and the public
ORIGINAL = ("number", "title", "official_text")
DISCLOSED = ("number", "disclosed_title", "disclosed_text")
#: what short words are looked for in: the number and the title
SHORT_ORIGINAL = ("number", "title")
SHORT_DISCLOSED = ("number", "disclosed_title")

#: brackets a number may be typed with, and the ones it is written with (〔2026〕)
_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "]": "〕", ")": "〕", "】": "〕"})


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort key (a time) and id of its last row."""

    key: str
    id: int

    def __str__(self) -> str:
        return f"{self.key}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """Return the cursor ``text`` writes, or None if it is not one."""
        key, _, number = text.rpartition("~")
        # At most ten digits: no id has more, and int() refuses thousands of them.
        if not (number.isascii() and number.isdigit()) or len(number) > 10:
            return None
        if not is_id(int(number)):
            return None
        try:
            datetime.fromisoformat(key)
        except ValueError:
            return None
        return cls(key, int(number))


@dataclass(frozen=True)
class DocumentQuery:
    """What a list is searched for; every part optional (nothing: the newest first)."""

    words: tuple[str, ...] = ()
    number: str = ""
    year: int | None = None
    doc_type: str | None = None
    attribute: str | None = None
    department: str | None = None
    before: Cursor | None = None

    @property
    def searching(self) -> bool:
        """Tell whether anything narrows the list (words, number or a filter)."""
        return bool(
            self.words
            or self.number
            or self.year
            or self.doc_type
            or self.attribute
            or self.department
        )

    @property
    def short(self) -> tuple[str, ...]:
        """Return the words too short for the trigram index."""
        return tuple(w for w in self.words if len(w) < TRIGRAM)

    @property
    def long(self) -> tuple[str, ...]:
        """Return the words the trigram index finds."""
        return tuple(w for w in self.words if len(w) >= TRIGRAM)

    @property
    def all_words(self) -> tuple[str, ...]:
        """Return the words and the number: what an excerpt marks."""
        return (*self.words, self.number) if self.number else self.words

    @property
    def titles_only(self) -> bool:
        """Tell whether the search reads a bounded window of titles (only short words)."""
        has_short = bool(self.short) or 0 < len(self.number) < TRIGRAM
        has_long = bool(self.long) or len(self.number) >= TRIGRAM
        return has_short and not has_long


def parse_query(args: Mapping[str, str], *, public: bool) -> DocumentQuery:
    """Return the search a form asks for, or raise ``FormValidationError`` naming bad fields.

    Fields: ``q`` (words, separated by spaces), ``number`` (part of a 文号),
    ``year``, ``type``, and on the staff catalogue ``attribute`` and
    ``department``; ``before`` is the cursor of the page before.  The public
    list has no attribute (it is all proactive) and no department.
    """
    errors: dict[str, list[Problem]] = {}

    def text(name: str, limit: int) -> str:
        value = str(args.get(name) or "").strip()
        problem = text_problem(value)
        if problem is None and len(value) > limit:
            problem = Problem("form.too_long", {"max": limit})
        if problem is not None:
            errors[name] = [problem]
            return ""
        return value

    def choice(name: str, choices: Mapping[str, Any]) -> str | None:
        value = str(args.get(name) or "").strip()
        if value and value not in choices:
            errors[name] = [Problem("form.not_a_choice")]
            return None
        return value or None

    words = tuple(dict.fromkeys(text("q", MAX_WORDS_LENGTH).split()))
    if len(words) > MAX_WORDS:
        errors["q"] = [Problem("search.too_many_words", {"max": MAX_WORDS})]
    number = _number(text("number", MAX_NUMBER_LENGTH))
    year = _year(unicodedata.normalize("NFKC", str(args.get("year") or "")).strip(), errors)
    doc_type = choice("type", DOC_TYPES)
    attribute = None if public else choice("attribute", ATTRIBUTES)
    department = None if public else (text("department", 64) or None)
    before_text = str(args.get("before") or "").strip()
    before = Cursor.parse(before_text) if before_text else None
    if before_text and before is None:
        errors["before"] = [Problem("search.bad_page")]
    if errors:
        raise FormValidationError(errors)
    return DocumentQuery(words, number, year, doc_type, attribute, department, before)


def _number(text: str) -> str:
    """Return a number as documents write it: NFKC, 〔〕 for any bracket, no spaces."""
    normal = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(normal.split())


def _year(text: str, errors: dict[str, list[Problem]]) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        errors["year"] = [Problem("form.whole_number")]
        return None
    year = int(text) if len(text) <= len(str(YEARS[1])) else None
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        errors["year"] = [Problem("form.range", {"min": YEARS[0], "max": YEARS[1]})]
        return None
    return year


# -- what a page returns -----------------------------------------------------------------


#: a piece of an excerpt and whether it is a word searched for
Excerpt = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Hit:
    """A document in a list, as its reader may see it, with what was found in it.

    ``interpretation_id`` is the public page of the policy's interpretation
    when that is itself a document here; ``interprets`` the policies this
    document is the interpretation of (id, title).
    """

    document: DocumentView
    excerpt: Excerpt = ()
    interpretation_id: int | None = None
    interprets: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DocumentPage:
    """A page of a list: its documents, where the next page starts, how the words were read.

    ``titles_only``: only words of one or two characters were given, so they
    were looked for in the titles and numbers of ``window`` documents at most
    (from ``before`` on); ``next_before`` then also goes on to older ones.
    """

    hits: tuple[Hit, ...]
    next_before: str | None
    query: DocumentQuery
    titles_only: bool = False
    window: int = SHORT_WINDOW


@dataclass(frozen=True)
class PublicDocument:
    """A published document's public page, with its interpretation or its policies.

    ``interpretation`` is the policy's interpretation when it is a document
    here; ``interprets`` the policies this document interprets.
    """

    document: DocumentView
    interpretation: DocumentView | None
    interprets: tuple[DocumentView, ...]


# -- SQL -----------------------------------------------------------------------------------

_FTS = table("documents_fts")
_COLUMNS = Document.__table__.c


def _like(word: str) -> str:
    """Return the LIKE pattern that finds ``word`` anywhere, its wildcards taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(word: str) -> str:
    """Return ``word`` as one FTS5 string: whatever it holds is matched literally."""
    return '"' + word.replace('"', '""') + '"'


def word_match(
    connection: Connection, words: Sequence[str], columns: Sequence[str], number: str = ""
) -> ColumnElement[bool]:
    """Return the condition that every word (of three characters or more) is in ``columns``.

    And, when given, that ``number`` is part of the number.  On PostgreSQL
    the pg_trgm indexes serve the condition.  On SQLite the FTS5 trigram
    table is asked first for at most ``FEW_MATCHES`` + 1 documents: when no
    more match, the page reads just those rows by id (SQLite would otherwise
    walk the list's order index to its end looking for a rare word); when
    more do, the page walks its order index, where they are not rare.
    """
    if not words and not number:
        return true()
    if connection.dialect.name == "sqlite":
        parts: list[str] = []
        if words:
            phrases = " AND ".join(_fts_phrase(w) for w in words)
            parts.append(f"{{{' '.join(columns)}}} : ({phrases})")
        if number:
            parts.append(f"{{number}} : {_fts_phrase(number)}")
        found: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(_FTS)
            .where(literal_column("documents_fts").op("MATCH")(literal(" AND ".join(parts))))
        )
        few = list(connection.execute(found.limit(FEW_MATCHES + 1)).scalars())
        if len(few) <= FEW_MATCHES:
            return _COLUMNS.id.in_(few) if few else false()
        return _COLUMNS.id.in_(found)
    conditions = [or_(*(_COLUMNS[c].ilike(_like(w), escape="\\") for c in columns)) for w in words]
    if number:
        conditions.append(_COLUMNS.number.ilike(_like(number), escape="\\"))
    return and_(*conditions)


def short_match(
    words: Sequence[str], columns: Sequence[str], number: str = ""
) -> ColumnElement[bool]:
    """Return the condition that every short word is in ``columns`` (read row by row).

    The columns are wrapped so that no index is tried: these words are only
    looked for within the bounded window of rows a short search reads.
    """
    conditions = [
        or_(*(func.coalesce(_COLUMNS[c], "").ilike(_like(w), escape="\\") for c in columns))
        for w in words
    ]
    if number:
        conditions.append(func.coalesce(_COLUMNS.number, "").ilike(_like(number), escape="\\"))
    return and_(*conditions) if conditions else true()


def match(
    connection: Connection, query: DocumentQuery, columns: Sequence[str]
) -> ColumnElement[bool]:
    """Return the condition that a document matches the query's words and number.

    ``columns`` is ``ORIGINAL`` or ``DISCLOSED``: what the reader may read.
    Words of three characters or more are found by the trigram index; shorter
    ones beside them are checked in the rows it found; a search of short words
    only looks in the title and number (``SHORT_ORIGINAL``, ``SHORT_DISCLOSED``),
    within the bounded window ``Plan`` reads.
    """
    number = query.number
    long_number = number if len(number) >= TRIGRAM else ""
    short_number = number if len(number) < TRIGRAM else ""
    if query.titles_only:
        titles = SHORT_ORIGINAL if tuple(columns) == ORIGINAL else SHORT_DISCLOSED
        return short_match(query.short, titles, short_number)
    return and_(
        word_match(connection, query.long, columns, long_number),
        short_match(query.short, columns, short_number),
    )


def filters(query: DocumentQuery, department_members: Any = None) -> list[ColumnElement[bool]]:
    """Return the conditions of the query's year, type, attribute and department."""
    where: list[ColumnElement[bool]] = []
    if query.year is not None:
        where.append(_COLUMNS.year == query.year)
    if query.doc_type:
        where.append(_COLUMNS.doc_type == query.doc_type)
    if query.attribute:
        where.append(_COLUMNS.attribute == query.attribute)
    if department_members is not None:
        where.append(_COLUMNS.drafter.in_(department_members))
    return where


def before(key: Any, cursor: Cursor | None) -> list[ColumnElement[bool]]:
    """Return the condition of the rows after the cursor in newest-first order."""
    if cursor is None:
        return []
    return [tuple_(key, _COLUMNS.id) < tuple_(literal(cursor.key), literal(cursor.id))]


#: what the window of a short search holds of each row: its order, rights and short words
_WINDOW_COLUMNS = (
    "id",
    "instance_id",
    "attribute",
    "published_at",
    "issued_at",
    "number",
    "title",
    "disclosed_title",
)


@dataclass(frozen=True)
class Plan:
    """How to read one page: the rows wanted, their order, and how words are matched."""

    columns: Sequence[Any]
    where: Sequence[ColumnElement[bool]]
    key: Any
    limit: int
    #: a search by short words only: matched within a window of the newest rows
    short: ColumnElement[bool] | None = None

    def statements(self, cursor: Cursor | None) -> tuple[Select[Any], Select[Any] | None]:
        """Return the page's query and, for a short search, the query of its window's end."""
        order = (self.key.desc(), _COLUMNS.id.desc())
        where = [*self.where, *before(self.key, cursor)]
        if self.short is None:
            page = select(*self.columns).where(*where).order_by(*order).limit(self.limit + 1)
            return page, None
        # The window holds what the short words and the reader's rights are checked
        # on; the words are matched on its rows (after its LIMIT, which no database
        # pushes a condition through), and only the rows found are read whole.
        window = (
            select(*(_COLUMNS[name] for name in _WINDOW_COLUMNS))
            .where(*where)
            .order_by(*order)
            .limit(SHORT_WINDOW)
            .subquery("recent")
        )
        adapt = ClauseAdapter(window).traverse
        key = window.c[self.key.name]
        page = (
            select(*(adapt(column) for column in self.columns))
            .select_from(window.join(Document, _COLUMNS.id == window.c.id))
            .where(adapt(self.short))
            .order_by(key.desc(), window.c.id.desc())
            .limit(self.limit + 1)
        )
        end = (
            select(key.label("wkey"), window.c.id.label("wid"), func.count().over().label("rows"))
            .order_by(key, window.c.id)
            .limit(1)
        )
        return page, end


def next_cursor(
    rows: Sequence[Any], limit: int, key: str, end: Any | None
) -> tuple[Sequence[Any], str | None]:
    """Return the rows to show and the cursor of the next page (None on the last)."""
    if len(rows) > limit:
        last = rows[limit - 1]
        return rows[:limit], str(Cursor(getattr(last, key), last.id))
    if end is not None and end.rows >= SHORT_WINDOW:
        # The window was full: older documents remain to be looked through.
        return rows, str(Cursor(end.wkey, end.wid))
    return rows, None


# -- what the reader sees ---------------------------------------------------------------


def document_view(row: Any) -> DocumentView:
    """Return the catalogue view of a document row (extra columns of the row ignored)."""
    mapping = row._mapping
    return DocumentView(**{f.name: mapping[f.name] for f in _VIEW_FIELDS if f.name in mapping})


_VIEW_FIELDS = [f for f in fields(DocumentView) if f.name != "full"]


def excerpt(text: str, words: Sequence[str], context: int = EXCERPT_CONTEXT) -> Excerpt:
    """Return the passage of ``text`` around the first word found, the words marked.

    Empty when no word is in the text (a word found in the title or number).
    """
    folded = text.casefold()
    places = [(folded.find(w.casefold()), w) for w in words if w]
    found = [(at, w) for at, w in places if at >= 0]
    if not found or len(folded) != len(text):
        return ()
    at, _ = min(found)
    start, end = max(0, at - context), min(len(text), at + context * 2)
    passage = " ".join(text[start:end].split())
    lead, tail = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return _marked(f"{lead}{passage}{tail}", words)


def _marked(passage: str, words: Sequence[str]) -> Excerpt:
    folded = passage.casefold()
    spans: list[tuple[int, int]] = []
    for word in sorted({w.casefold() for w in words if w}, key=len, reverse=True):
        at = folded.find(word)
        while at >= 0:
            if not any(s < at + len(word) and at < e for s, e in spans):
                spans.append((at, at + len(word)))
            at = folded.find(word, at + len(word))
    pieces: list[tuple[str, bool]] = []
    done = 0
    for start, end in sorted(spans):
        if start > done:
            pieces.append((passage[done:start], False))
        pieces.append((passage[start:end], True))
        done = end
    if done < len(passage):
        pieces.append((passage[done:], False))
    return tuple(pieces)


# -- a policy and its interpretation ---------------------------------------------------


def public_id(url: str | None, site: str | None) -> int | None:
    """Return the document whose public page ``url`` is (``site`` + id), or None.

    ``site`` is the address of the public pages (``https://host/public/``);
    http and https count alike, as a publisher may copy either.
    """
    if not url or not site:
        return None
    rest = _unscheme(url)
    home = _unscheme(site)
    if rest is None or home is None or not rest.startswith(home):
        return None
    tail = rest[len(home) :].rstrip("/")
    if not (tail.isascii() and tail.isdigit()) or not is_id(int(tail)):
        return None
    return int(tail)


def public_addresses(document_ids: Sequence[int], site: str | None) -> list[str]:
    """Return every way a policy may record these documents' public pages as its interpretation."""
    home = _unscheme(site) if site else None
    if home is None:
        return []
    return [
        f"{scheme}{home}{document_id}{slash}"
        for document_id in document_ids
        for scheme in ("http:", "https:")
        for slash in ("", "/")
    ]


def _unscheme(url: str) -> str | None:
    for scheme in ("https:", "http:"):
        if url.startswith(scheme + "//"):
            return url[len(scheme) :]
    return None
