"""Every interface string has an English translation, and the compiled catalogue is current."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "webui" / "translations" / "en" / "LC_MESSAGES"


def source_messages() -> set[str | tuple[str, ...]]:
    method_map = [("webui/**.py", "python"), ("webui/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    # words with a count (ngettext, webui.messages.Plural): a plural entry, each form translated
    keywords |= {"ngettext": (1, 2), "Plural": (1, 2)}
    found = extract_from_dir(str(ROOT), method_map, keywords=keywords)
    return {_plain(message) for _, _, message, _, _ in found}


def test_every_interface_string_is_translated() -> None:
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = read_po(f)
    translated = _entries(po)
    missing = sorted((m for m in source_messages() if not _done(translated.get(m))), key=str)
    assert not missing, f"strings without an English translation: {missing}"


def test_counted_words_have_a_plural_entry_not_a_parenthesised_s() -> None:
    # "passage(s)" reads as a form left half done: English says 1 passage, 2 passages.
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = read_po(f)
    plurals = [m for m in source_messages() if isinstance(m, tuple)]
    assert len(plurals) >= 4  # the deadline's two, the sheet's passages, unknown roles
    assert not [m.id for m in po if m.id and "(s)" in str(m.string)]


def _entries(messages: Any) -> dict[Any, Any]:
    """Return a catalogue's translations by id; a plural's ids and forms as tuples either way."""
    return {_plain(m.id): _plain(m.string) for m in messages if m.id}


def _done(translation: Any) -> bool:
    """Tell whether a translation is there, each of a plural's forms."""
    forms = translation if isinstance(translation, tuple) else (translation,)
    return all(forms)


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = _entries(read_po(f))
    with (CATALOGUE / "messages.mo").open("rb") as f:
        mo = _entries(read_mo(f))
    assert mo == po, "run: pybabel compile -d webui/translations"


def test_every_error_code_the_engine_raises_says_in_words_what_happened() -> None:
    # An error without words reaches the reader as "出错了（form.data_too_large）".
    from webui.messages import MESSAGES

    raised = re.compile(r'(?:Problem|Error)\(\s*"([a-z_]+\.[a-z_]+)"')
    codes = {
        code
        for path in (ROOT / "engine").rglob("*.py")
        for code in raised.findall(path.read_text(encoding="utf-8"))
    }
    assert len(codes) > 150  # the pattern still finds them
    assert not sorted(codes - MESSAGES.keys()), "codes without words in webui/messages.py"
