"""URL converters: an id, a task id or a user name that is not well-formed is a 404."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import BaseConverter, IntegerConverter, Map

from engine.access import MAX_ID, USERNAME


class IdConverter(IntegerConverter):
    """A row id: a positive integer that fits the database's integer column."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class TaskIdConverter(BaseConverter):
    """A task id: a UUID in its canonical lower-case form."""

    regex = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class UsernameConverter(BaseConverter):
    """A user name as the engine allows it (``engine.access.USERNAME``)."""

    regex = USERNAME.pattern.removesuffix(r"\Z")


CONVERTERS = {"id": IdConverter, "task": TaskIdConverter, "user": UsernameConverter}
