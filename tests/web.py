"""Driving the web UI through Flask's test client as a signed-in user would."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A signed-in user clicking through pages: keeps the CSRF token of the last page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, status: int = 200) -> str:
        response = self.client.get(path)
        assert response.status_code == status, (path, response.status_code)
        html = response.get_data(as_text=True)
        if match := CSRF.search(html):
            self.token = match.group(1)
        return html

    def post(
        self, path: str, data: MultiDict | dict | None = None, status: int = 302, **kwargs
    ) -> str:
        if isinstance(data, MultiDict):  # several values for one name
            sent: MultiDict | dict = data.copy()
            sent.setdefault("csrf_token", self.token)
        else:  # a dict may hold (stream, file name) uploads
            sent = {"csrf_token": self.token, **(data or {})}
        response = self.client.post(path, data=sent, **kwargs)
        assert response.status_code == status, (
            path,
            response.status_code,
            response.get_data(as_text=True)[-600:],
        )
        return response.headers.get("Location") or response.get_data(as_text=True)

    def login(self, username: str, password: str = "demo") -> Browser:
        self.get("/login")
        home = self.post("/login", {"username": username, "password": password})
        assert home.startswith("/") and not home.startswith("/login"), home
        # Signing in starts a new session, with a new CSRF token: the page it leads to has it.
        self.get(home)
        return self


def task_id_of(path: str) -> str:
    """Return the task id of a task page's path (``/tasks/<id>?case=<instance>``)."""
    return path.split("?", 1)[0].rsplit("/", 1)[1]


def task_link(html: str, name: str | None = None) -> str:
    """Return the first task link of an inbox page (of the task called ``name``, if given).

    The link reads the step's name; what the task is about follows for screen readers only.
    """
    text = re.escape(name) if name else "[^<]*"
    found = re.search(
        rf'href="(/tasks/[0-9a-f-]+\?case=\d+)">{text}<span class="sr-only">[^<]*</span></a>', html
    )
    return found.group(1)
