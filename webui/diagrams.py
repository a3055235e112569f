"""BPMN diagrams in the browser: the deployed files, and where an instance stands on them.

The viewer (bpmn-js) is built from ``webui/diagram/`` into ``static/diagram/``
by ``npm run build``; pages include it through the macros of
``templates/_diagram.html``.  Without the build the pages work and say the
diagram is not built.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, g, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from engine import Engine, NotFoundError, PermissionDeniedError
from engine.diagrams import DiagramView

from . import i18n
from .security import UPLOADED_FILE_POLICY

bp = Blueprint("diagrams", __name__)

#: the built viewer, under the static folder
BUILT_SCRIPT = "diagram/diagram.js"
BUILT_STYLE = "diagram/diagram.css"


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


@bp.get("/diagrams/<id:definition_id>/<process_id>.bpmn")
@login_required
def bpmn(definition_id: int, process_id: str) -> ResponseReturnValue:
    """Send the deployed BPMN file that holds a process (a deployed version never changes)."""
    # Chinese names are the files' own; another language is asked for in the address
    # (?lang=), which also keeps the browser's copies of the two apart.
    wanted = i18n.language()
    language = None if wanted == i18n.DEFAULT_LANGUAGE else wanted
    _, xml = _engine().diagrams.bpmn_xml(definition_id, process_id, current_user.username, language)
    # The viewer fetches it; opened on its own, its XHTML elements may run nothing.
    headers = {
        "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": UPLOADED_FILE_POLICY,
    }
    return Response(xml, mimetype="application/xml", headers=headers)


def position(instance_id: int | None) -> DiagramView | None:
    """Return where an instance stands for the signed-in user; None if he may not read it."""
    if instance_id is None:
        return None
    try:
        return _engine().diagrams.position(instance_id, current_user.username)
    except (PermissionDeniedError, NotFoundError):
        return None


@bp.app_template_global("diagram_laid_out")
def laid_out(definition_id: int, process_id: str) -> bool:
    """Tell whether the deployed file lays the process out (a program may have written none)."""
    return _engine().diagrams.laid_out(definition_id, process_id, current_user.username)


@bp.app_template_global("diagram_built")
def built() -> bool:
    """Tell whether the viewer has been built into the static files."""
    static = current_app.static_folder
    return static is not None and (Path(static) / BUILT_SCRIPT).is_file()


@bp.app_template_global("diagram_assets")
def assets() -> Markup:
    """Return the viewer's stylesheet and script tags, once per page."""
    if g.get("gongkai_diagram_assets"):
        return Markup("")
    g.gongkai_diagram_assets = True
    return Markup('<link rel="stylesheet" href="{}">\n<script src="{}" defer></script>').format(
        url_for("static", filename=BUILT_STYLE), url_for("static", filename=BUILT_SCRIPT)
    )
