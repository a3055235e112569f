"""A form sent after the session ended: sign in again, then back to the form's page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from flask.testing import FlaskClient

from .web import CSRF, Browser, task_id_of, task_link

ENDED = "您的登录已失效（超时或已退出），请重新登录。"


def next_of(location: str) -> str | None:
    """Return the page a sign-in address goes back to."""
    parts = urlsplit(location)
    assert parts.path == "/login", location
    return parse_qs(parts.query).get("next", [None])[0]


def session_gone(client: FlaskClient) -> None:
    """The session cookie expired, was cleared, or the browser restarted."""
    client.delete_cookie("session")


def test_a_draft_sent_after_the_session_ended_leads_to_sign_in_and_back(
    client: FlaskClient,
) -> None:
    browser = Browser(client).login("zhangsan")
    browser.get("/drafts/new")
    session_gone(client)
    location = browser.post("/drafts/new", {"title": "长篇草稿", "action": "save"})
    assert next_of(location) == "/drafts/new"
    page = browser.get(location)
    assert ENDED in page and 'id="keep-note"' in page
    # Signing in goes back to the form's page, not to the inbox.
    response = client.post(
        location, data={"csrf_token": browser.token, "username": "zhangsan", "password": "demo"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/drafts/new"
    assert "长篇草稿" not in browser.get("/")  # nothing was saved without a session


def test_a_task_form_sent_after_signing_out_elsewhere_goes_back_to_the_task(
    client: FlaskClient,
) -> None:
    browser = Browser(client).login("zhangsan")
    path = task_link(browser.get("/"))
    browser.get(path)
    token = browser.token
    # Signed out in another tab: the session, and its CSRF token, live on.
    client.post("/logout", data={"csrf_token": token})
    location = browser.post(path, {"csrf_token": token, "title": "意见", "action": "save"})
    assert next_of(location) == path
    assert ENDED in browser.get(location)


def test_an_action_without_a_page_goes_back_to_the_page_it_was_sent_from(
    client: FlaskClient,
) -> None:
    browser = Browser(client).login("lisi")
    path = task_link(browser.get("/"))
    browser.get(path)
    session_gone(client)
    claim = f"/tasks/{task_id_of(path)}/claim"
    here = {"Referer": f"http://localhost{path}"}
    assert next_of(browser.post(claim, headers=here)) == path
    # A referrer from elsewhere is no page to go back to.
    elsewhere = {"Referer": "http://evil.example/tasks/x"}
    assert next_of(browser.post(claim, headers=elsewhere)) is None
    assert next_of(browser.post(claim)) is None


def test_signing_out_with_an_ended_session_just_shows_the_sign_in(client: FlaskClient) -> None:
    browser = Browser(client).login("zhangsan")
    browser.get("/")
    session_gone(client)
    assert browser.post("/logout") == "/login"
    assert ENDED not in browser.get("/login")


def test_what_was_refused_before_still_is(client: FlaskClient) -> None:
    # Opening a page still asks to sign in, with the page to go back to and no message.
    response = client.get("/drafts/new")
    assert response.headers["Location"] == "/login?next=%2Fdrafts%2Fnew"
    assert ENDED not in client.get("/login").get_data(as_text=True)
    # A form of the public pages or the sign-in without its token is still refused.
    for path in ("/login", "/public/request"):
        response = client.post(path, data={"username": "zhangsan", "password": "demo"})
        assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    # A signed-in user with a token from elsewhere is refused, not sent to sign in.
    browser = Browser(client).login("zhangsan")
    response = client.post("/drafts/new", data={"csrf_token": "forged", "title": "x"})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    assert CSRF.search(browser.get("/drafts/new"))


def test_the_way_back_stays_on_this_site(client: FlaskClient) -> None:
    for outside in ("//evil.example/drafts/new", "https://evil.example/", "/\\evil.example"):
        browser = Browser(client)
        browser.get("/login")
        response = client.post(
            "/login?" + urlencode({"next": outside}),
            data={"csrf_token": browser.token, "username": "zhangsan", "password": "demo"},
        )
        assert response.headers["Location"] == "/", outside
        client.post("/logout", data={"csrf_token": CSRF.search(client.get("/").text).group(1)})


def test_only_staff_forms_keep_what_is_typed(client: FlaskClient) -> None:
    """A citizen's request (identity number, phone) is not kept in a public PC's browser."""
    assert "data-keep-typed" not in client.get("/public/request").get_data(as_text=True)
    registrar = Browser(client).login("wujiu")
    assert "data-keep-typed" in registrar.get("/requests/new")
