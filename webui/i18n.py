"""Languages: Simplified Chinese by default, English on request (Flask-Babel).

Interface strings are written in Chinese and translated through gettext;
engine errors come as codes that ``webui.messages`` translates.  Form labels
and group names carry both languages; the helpers here pick the one the
reader asked for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations

from engine.disclosure.workdays import CHINA

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"


def select_locale() -> str:
    """Return the language chosen in this session, else Chinese."""
    try:
        wanted = request.args.get("lang") or session.get("lang")
    except UnicodeDecodeError:  # a query string that is not UTF-8: refused elsewhere
        wanted = None
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    """Return the language of this request ("zh" or "en"), looked up once per request."""
    chosen: str | None = g.get("_language")
    if chosen is None:
        chosen = g._language = str(get_locale())
    return chosen


def _translations() -> Any:
    # Flask-Babel finds the catalogue anew on every call; a page asks for dozens of strings.
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def ngettext(one: str, many: str, count: int) -> str:
    """Return the catalogue's form of ``one``/``many`` for ``count`` in the reader's language."""
    translations = _translations() if has_request_context() else get_translations()
    return str(translations.ungettext(one, many, count))


def is_english() -> bool:
    """Tell whether the reader asked for English."""
    return language() == "en"


def pick(zh: str | None, en: str | None) -> str:
    """Return the text in the reader's language."""
    return (en if is_english() else zh) or zh or en or ""


def label(name: str | None, labels: dict[str, str] | None = None) -> str:
    """Return a BPMN element's name in the reader's language, when the BPMN gives it."""
    return (labels or {}).get(language()) or name or ""


def local_time(value: str | None) -> str:
    """Format a stored UTC time as China time, minutes precision."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def due_date(value: str | None) -> str:
    """Format a due time (the end of a working day) as that day's date."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(CHINA) - timedelta(microseconds=1)
    return moment.strftime("%Y-%m-%d")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: _translations().ugettext(text),
        ngettext=ngettext,
        pgettext=lambda context, text: _translations().upgettext(context, text),
        npgettext=lambda context, one, many, n: _translations().unpgettext(context, one, many, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(local_time=local_time, due_date=due_date)
    # A global, not only the context below: imported macros (the diagram's) see globals only.
    app.jinja_env.globals["language"] = language

    @app.context_processor
    def _language() -> dict[str, Any]:
        return {
            "pick": pick,
            "label": label,
            "languages": LANGUAGES,
            "current_language": language(),
        }
