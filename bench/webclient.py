"""A small browser over loopback HTTP: cookies, forms as a page draws them, CSRF tokens, timing.

Standard library only, so the load and race benchmarks and their test share it
without a client package.  One ``Browser`` is one person's browser: its own
cookie jar, one request at a time, a new connection per request (gunicorn's
sync workers close it after each answer anyway).
"""

from __future__ import annotations

import http.client
import re
import socket
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

#: what a request that never got its answer raises: refused, reset, cut off or timed out
CUT = (ConnectionError, http.client.HTTPException, socket.timeout, OSError)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class CutError(Exception):
    """The request got no answer: the server side of it died, restarted or was unreachable."""


@dataclass
class Response:
    """One answer: status, headers (lower-case names), the body as text, and the time it took."""

    status: int
    headers: dict[str, str]
    text: str
    ms: float

    @property
    def location(self) -> str:
        """Return the path a redirect points to ('' when it is none)."""
        target = self.headers.get("location", "")
        parts = urlsplit(target)
        return parts.path + (f"?{parts.query}" if parts.query else "") if target else ""


@dataclass
class Form:
    """A form as a browser would send it: its action, encoding and the values it holds now."""

    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: the choices of each <select>, in order
    options: dict[str, list[str]] = field(default_factory=dict)

    def names(self) -> set[str]:
        """Return the names of the form's fields."""
        return {name for name, _ in self.fields} | set(self.options)

    def filled(self, values: dict[str, str], button: tuple[str, str] | None = None) -> Form:
        """Return the form with ``values`` typed in (replacing what the page held) and a button."""
        kept = [(k, v) for k, v in self.fields if k not in values]
        chosen = [(k, v) for k, v in values.items()]
        pressed = [button] if button else []
        return Form(self.action, self.method, self.enctype, kept + chosen + pressed, self.options)


class _FormParser(HTMLParser):
    """Collect every form of a page with the values a browser would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._option_value: str | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append(
                Form(
                    a.get("action", ""),
                    a.get("method", "get").lower(),
                    a.get("enctype", "application/x-www-form-urlencoded"),
                )
            )
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, None, None
            form.options[name] = []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_text = ""
            if self._option_value is not None:
                self._option_seen(self._option_value, "selected" in a)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def _option_seen(self, value: str, selected: bool) -> None:
        assert self._select is not None
        self.forms[-1].options[self._select].append(value)
        if self._first_option is None:
            self._first_option = value
        if selected:
            self._selected = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        elif self._select is not None and self._option_value is None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option_value is None:
            self._option_seen(self._option_text.strip(), False)
        if tag == "option":
            self._option_value = None
        elif tag == "select" and self._select is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            if chosen is not None:
                self.forms[-1].fields.append((self._select, chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # HTML drops the one line break right after <textarea>.
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.forms[-1].fields.append((self._textarea, text))
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    """Return the forms of a page."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = f"----gongkai{uuid.uuid4().hex}"
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's browser on one server: cookies, the last page's CSRF token, timings."""

    def __init__(self, host: str, port: int, timeout: float = 60.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.token = ""
        #: headers sent with every request (X-Forwarded-For behind a trusted proxy, say)
        self.headers: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: list[tuple[str, str]] | None = None, enctype: str = ""
    ) -> Response:
        """Send one request (no redirect followed); raise ``CutError`` when no answer came."""
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-CN", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            if enctype.startswith("multipart"):
                body, headers["Content-Type"] = _multipart(fields)
            else:
                body = urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        except CUT as exc:
            raise CutError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=thu, 01 jan 1970" in value.lower() or not cookie_value:
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = cookie_value
        text = data.decode("utf-8", "replace")
        if match := CSRF.search(text):
            self.token = match.group(1)
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, text, ms)

    def get(self, path: str) -> Response:
        """Load a page."""
        return self.request("GET", path)

    def submit(self, form: Form, page_path: str) -> Response:
        """Send a form as the browser would, from the page at ``page_path``."""
        action = form.action or page_path
        return self.request(form.method.upper(), action, form.fields, form.enctype)

    def post(self, path: str, values: dict[str, str]) -> Response:
        """Post ``values`` with the CSRF token of the last page (a button's little form)."""
        return self.request("POST", path, [("csrf_token", self.token), *values.items()])

    def sign_in(self, username: str, password: str) -> list[Response]:
        """Open the sign-in page and sign in; return both answers (the second must redirect)."""
        page = self.get("/login")
        (form,) = [f for f in forms_of(page.text) if "password" in f.names()]
        sent = self.submit(form.filled({"username": username, "password": password}), "/login")
        return [page, sent]
