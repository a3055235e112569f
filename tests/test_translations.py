"""Every interface string has an English translation, and the compiled catalogue is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "webui" / "translations" / "en" / "LC_MESSAGES"


def source_messages() -> set[str]:
    method_map = [("webui/**.py", "python"), ("webui/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    found = extract_from_dir(str(ROOT), method_map, keywords=keywords)
    return {message for _, _, message, _, _ in found}


def test_every_interface_string_is_translated() -> None:
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = read_po(f)
    translated = {m.id: m.string for m in po if m.id}
    missing = sorted(m for m in source_messages() if not translated.get(m))
    assert not missing, f"strings without an English translation: {missing}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "messages.po").open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po, "run: pybabel compile -d webui/translations"
