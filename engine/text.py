"""What text input may contain: nothing a database refuses, and nothing that fakes its look.

Text fields refuse control characters (a NUL byte is an error on PostgreSQL)
and the bidirectional controls that make text display in another order than
it is stored.  Identifiers (a user name, a document number prefix) are
compared by what they look like: they are normalised to NFKC and refuse
every invisible or blank character, so that two different values can never
display alike.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import Problem

#: characters that reorder how text is displayed (Trojan-source look-alikes).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LINE_BREAKS = frozenset("\n\r\t")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def _code(char: str) -> dict[str, str]:
    return {"char": f"U+{ord(char):04X}"}


#: every character ``text_problem`` finds wrong (Unicode's Cc, control characters, and Cs,
#: surrogates, are these ranges, and stay them), and the same in a text of several lines
#: (line breaks and tabs allowed): a text is looked through at C speed, and one holding
#: such a character character by character from there
_SUSPECT = "".join(sorted(BIDI_CONTROLS)) + "\ud800-\udfff\ufffe\uffff"
_WRONG = re.compile(f"[\x00-\x1f\x7f-\x9f{_SUSPECT}]")
_WRONG_IN_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SUSPECT}]")


def text_problem(text: str, *, multiline: bool = False) -> Problem | None:
    """Return what is wrong with free text, or None."""
    found = (_WRONG_IN_LINES if multiline else _WRONG).search(text)
    if found is None:
        return None
    for char in text[found.start() :]:
        if char in BIDI_CONTROLS:
            return Problem("text.direction_character", _code(char))
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in _LINE_BREAKS):
            return Problem("text.control_character", _code(char))
        if category == "Cs" or char in "\ufffe\uffff":
            return Problem("text.invalid_character", _code(char))
    return None


#: letters drawn as nothing at all (Hangul fillers, the blank Braille pattern)
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: what is not seen on its own: spaces, controls, format characters, combining marks
_UNSEEN = _INVISIBLE | {"Mn", "Mc", "Me"}


def has_visible(text: str) -> bool:
    """Tell whether ``text`` shows anything: one character that is not blank or invisible.

    A text of zero-width spaces or Hangul fillers passes for filled in but
    reads as nothing: a name of them greets the applicant with a bare "：".
    """
    return any(
        char not in _BLANK_LETTERS and unicodedata.category(char) not in _UNSEEN for char in text
    )


def identifier(text: str) -> str:
    """Return an identifier in its one canonical form: NFKC, without outer spaces."""
    return unicodedata.normalize("NFKC", text).strip()


def identifier_problem(text: str) -> Problem | None:
    """Return what makes ``text`` unfit as an identifier (invisible or blank characters)."""
    if problem := text_problem(text):
        return problem
    for char in text:
        if unicodedata.category(char) in _INVISIBLE:
            return Problem("text.invisible_character", _code(char))
    return None
